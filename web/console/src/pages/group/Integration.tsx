// 建群 › 整合: old groups (imported or connected) brought into one new group set, in four steps an operator can
// follow without docs. 选群: a community, its plans (open one) or a new plan over all or some of its groups.
// 分类: each group's kind, function, city, interest and whether it is kept, merged or retired (each change is
// saved and the preview follows). 规划: how members move (by city, interest or circle), the new groups' names
// and the move notice, with seats and people before and after, who moves and who is left without a group.
// 执行与追踪: carry it out, then the new groups' invite links with how many have moved, the notice in each old
// group (one that could not be posted says why, to post by hand), who has moved and who is still waiting,
// and archiving the old groups.
import { useEffect, useMemo, useState, type HTMLAttributes, type ReactNode } from 'react';
import {
  Alert, App, Button, Card, Col, Descriptions, Empty, Form, Input, InputNumber, Popconfirm, Progress, Radio, Result, Row, Segmented,
  Select, Space, Statistic, Steps, Switch, Table, Tag, Tooltip, Typography, theme,
} from 'antd';
import {
  ArrowRightOutlined, CheckCircleOutlined, CloseCircleOutlined, CopyOutlined, DeleteOutlined, FolderOpenOutlined, InboxOutlined, LeftOutlined,
  LoadingOutlined, PlayCircleOutlined, PlusOutlined, RightOutlined, SyncOutlined,
} from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError, del, get, post, qs, type Community, type Group, type Me, type Page } from '../../api';
import { applyFieldErrors } from '../../forms';
import { enums, useLabels } from '../../labels';
import { useSearchParam } from '../../router';
import { useCommunities } from '../Groups';
import { useCopy } from './GroupInvites';
import {
  DECISIONS, MOVE_KEYS, PATTERN_TOKENS, absoluteUrl, plansKey, planKey, useMoves, usePlan, usePlanSaver, usePlans,
  type Decision, type Move, type Notice, type Plan, type PlanGroup, type PlanSaver, type PlanSettings, type PlanSummary,
} from './integration';

const STEPS = ['choose', 'classify', 'plan', 'track'] as const;
type Step = (typeof STEPS)[number];

const DECISION_COLOR: Record<Decision, string> = { keep: 'green', merge: 'blue', retire: 'default' };
const NOTICE_STATUS: Record<string, { color: string; icon: ReactNode }> = {
  pending: { color: 'processing', icon: <SyncOutlined spin /> },
  done: { color: 'success', icon: <CheckCircleOutlined /> },
  failed: { color: 'error', icon: <CloseCircleOutlined /> },
  undone: { color: 'default', icon: null },
};
const SETTING_KEYS = ['setName', 'moveBy', 'pattern', 'unknown', 'otherLabel', 'platform', 'seatsPerGroup', 'skipSeated', 'notice'] as const;
/** Settings typed as text are saved a moment after the last key, the others at once. */
const TYPED = new Set<string>(['setName', 'pattern', 'otherLabel', 'notice']);
const num = { fontVariantNumeric: 'tabular-nums' } as const;

/** The community's groups (their status shows whether the old ones are archived); under ['groups'] so imports and joins refresh it. */
function useCommunityGroups(communityId: string | undefined) {
  return useQuery({
    queryKey: ['groups', 'integration', communityId ?? null],
    queryFn: () => get<Page<Group>>(`/groups${qs({ communityId, limit: 500 })}`),
    enabled: !!communityId,
  });
}

const useCopyLink = () => useCopy({ copied: 'integration.copied', failed: 'integration.copyFailed' });

export function Integration({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [planId, setPlanId] = useSearchParam('plan');
  const [stepParam, setStepParam] = useSearchParam('step');
  const asked = STEPS.indexOf(stepParam as Step);
  const step = !planId ? 0 : asked >= 0 ? asked : 1;
  const plan = usePlan(planId, step === 3);
  const saver = usePlanSaver(planId);
  const canWrite = me.permissions.includes('group.write');
  const goTo = (i: number) => setStepParam(i === 0 && !planId ? null : STEPS[i]!);
  const open = (id: string | null) => {
    setPlanId(id);
    setStepParam(id ? 'classify' : null);
  };
  const p = plan.data;
  const hints = [t('integration.stepHints.choose'), t('integration.stepHints.classify'), t('integration.stepHints.plan'), t('integration.stepHints.track')];

  return (
    <div data-testid="integration">
      <Typography.Paragraph type="secondary">{t('integration.intro')}</Typography.Paragraph>
      <Card style={{ marginBottom: 16 }} styles={{ body: { padding: '20px 24px 16px' } }}>
        <Steps
          current={step}
          onChange={goTo}
          items={STEPS.map((s, i) => ({
            title: <span data-testid={`integration-step-${s}`}>{t(`integration.steps.${s}`)}</span>,
            content: i > 0 && p ? stepNote(t, s, p) : hints[i],
            disabled: i > 0 && !planId,
          }))}
        />
      </Card>
      {planId && p && <PlanBar plan={p} saver={saver} canWrite={canWrite} onClose={() => open(null)} />}
      {step === 0 ? (
        <Choose canWrite={canWrite} current={p ?? null} onOpen={open} />
      ) : plan.error ? (
        <Result
          status={plan.error instanceof ApiError && plan.error.status === 404 ? '404' : 'error'}
          title={plan.error instanceof ApiError && plan.error.status === 404 ? t('integration.planGone') : plan.error.message}
          extra={<Button onClick={() => open(null)}>{t('integration.backToChoose')}</Button>}
        />
      ) : !p ? (
        <Card loading />
      ) : step === 1 ? (
        <Classify plan={p} saver={saver} canWrite={canWrite} />
      ) : step === 2 ? (
        <PlanStep plan={p} saver={saver} canWrite={canWrite} />
      ) : (
        <Track plan={p} canWrite={canWrite} saving={saver.state === 'waiting' || saver.state === 'saving'} />
      )}
      {step > 0 && p && (
        <div style={{ display: 'flex', justifyContent: 'space-between', marginTop: 16 }}>
          <Button icon={<LeftOutlined />} onClick={() => goTo(step - 1)} data-testid="integration-prev">{t(`integration.steps.${STEPS[step - 1]!}`)}</Button>
          {step < 3 && (
            <Button type="primary" onClick={() => goTo(step + 1)} data-testid="integration-next">
              {t('integration.next', { step: t(`integration.steps.${STEPS[step + 1]!}`) })} <RightOutlined />
            </Button>
          )}
        </div>
      )}
    </div>
  );
}

function stepNote(t: TFunction, s: Step, p: Plan): string {
  const count = (d: Decision) => p.groups.filter((g) => g.decision === d).length;
  if (s === 'classify') return t('integration.notes.classify', { keep: count('keep'), merge: count('merge'), retire: count('retire') });
  if (s === 'plan') return t('integration.notes.plan', { groups: p.newGroups.length, moving: p.stats.moving });
  return p.status === 'carried_out' ? t('integration.notes.tracked', { moved: p.stats.moved, moving: p.stats.moving }) : t('integration.stepHints.track');
}

/** The open plan: its name (editable while a draft), status, and whether the last change is saved. */
function PlanBar({ plan, saver, canWrite, onClose }: { plan: Plan; saver: PlanSaver; canWrite: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const communities = useCommunities();
  const community = communities.data?.items.find((c) => c.id === plan.communityId);
  const draft = plan.status === 'draft';
  return (
    <div
      style={{ display: 'flex', alignItems: 'center', gap: 12, flexWrap: 'wrap', padding: '10px 16px', marginBottom: 16, background: token.colorBgContainer, border: `1px solid ${token.colorBorderSecondary}`, borderRadius: token.borderRadiusLG }}
      data-testid="integration-plan-bar"
    >
      <Typography.Text type="secondary">{t('integration.plan')}</Typography.Text>
      <Typography.Text
        strong
        style={{ fontSize: 16, margin: 0 }}
        editable={draft && canWrite ? { onChange: (name) => name.trim() && name !== plan.name && saver.save({ name: name.trim() }), triggerType: ['icon'] } : false}
        data-testid="integration-plan-name"
      >
        {plan.name}
      </Typography.Text>
      {community && <Tag bordered={false}>{community.name}</Tag>}
      <Tag color={draft ? 'blue' : 'green'} data-testid="integration-plan-status">
        {draft ? t('integration.status.draft') : t('integration.status.carriedOut', { at: new Date(plan.carriedOutAt ?? plan.updatedAt).toLocaleString() })}
      </Tag>
      <span style={{ flex: 1 }} />
      <SaveState saver={saver} />
      <Button size="small" type="text" onClick={onClose} data-testid="integration-close">{t('integration.otherPlan')}</Button>
    </div>
  );
}

function SaveState({ saver }: { saver: PlanSaver }) {
  const { t } = useTranslation();
  const s = saver.state;
  if (s === 'idle') return null;
  if (s === 'error') return <Typography.Text type="danger" style={{ fontSize: 12 }} data-testid="integration-save-state">{t('integration.save.error')}</Typography.Text>;
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="integration-save-state" data-state={s}>
      {s === 'saved' ? <><CheckCircleOutlined /> {t('integration.save.saved')}</> : <><LoadingOutlined /> {t('integration.save.saving')}</>}
    </Typography.Text>
  );
}

/** A problem's message with the reasons of its fields. */
function problemText(e: unknown): string {
  if (e instanceof ApiError) return [e.problem.detail, ...(e.problem.errors ?? []).map((x) => x.reason)].filter(Boolean).join('；');
  return e instanceof Error ? e.message : String(e);
}

// ---- 1. 选群 ----

function Choose({ canWrite, current, onOpen }: { canWrite: boolean; current: Plan | null; onOpen: (id: string | null) => void }) {
  const { t } = useTranslation();
  const communities = useCommunities();
  const [picked, setPicked] = useState<string | undefined>(current?.communityId);
  const all = communities.data?.items ?? [];
  const communityId = picked ?? (all.length === 1 ? all[0]!.id : undefined);
  const community = all.find((c) => c.id === communityId);
  return (
    <>
      <Card style={{ marginBottom: 16 }} styles={{ body: { padding: '14px 24px' } }}>
        <Space wrap>
          <Typography.Text strong>{t('integration.community')}</Typography.Text>
          <Select
            style={{ width: 280 }}
            placeholder={t('integration.pickCommunity')}
            value={communityId}
            onChange={(v: string) => setPicked(v)}
            loading={communities.isPending}
            options={all.map((c) => ({ value: c.id, label: c.name }))}
            data-testid="integration-community"
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('integration.communityHelp')}</Typography.Text>
        </Space>
      </Card>
      {!communityId ? (
        <Card><Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={all.length || communities.isPending ? t('integration.pickCommunityFirst') : t('groups.needCommunity')} /></Card>
      ) : (
        <Row gutter={16}>
          <Col xs={24} xl={10}>
            <PlanList communityId={communityId} canWrite={canWrite} currentId={current?.id ?? null} onOpen={onOpen} />
          </Col>
          <Col xs={24} xl={14}>
            {canWrite && community && <NewPlan key={community.id} community={community} onCreated={(p) => onOpen(p.id)} />}
          </Col>
        </Row>
      )}
    </>
  );
}

function PlanList({ communityId, canWrite, currentId, onOpen }: { communityId: string; canWrite: boolean; currentId: string | null; onOpen: (id: string | null) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const list = usePlans(communityId);
  const remove = useMutation({
    mutationFn: (id: string) => del(`/integration-plans/${id}`),
    onSuccess: (_, id) => {
      message.success(t('integration.deleted'));
      qc.removeQueries({ queryKey: planKey(id) });
      void qc.invalidateQueries({ queryKey: plansKey(communityId) });
      if (id === currentId) onOpen(null);
    },
    onError: (e) => message.error(problemText(e)),
  });
  return (
    <Card title={t('integration.plans')} style={{ marginBottom: 16 }}>
      <Table<PlanSummary>
        rowKey="id"
        size="small"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('integration.noPlans')} /> }}
        data-testid="integration-plans"
        columns={[
          {
            title: t('integration.planName'), dataIndex: 'name', render: (v: string, s) => (
              <Space orientation="vertical" size={0}>
                <a onClick={() => onOpen(s.id)}>{v}</a>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('integration.updatedAt', { at: new Date(s.updatedAt).toLocaleString() })}</Typography.Text>
              </Space>
            ),
          },
          {
            title: t('integration.planStatus'), dataIndex: 'status', width: 90,
            render: (v: PlanSummary['status']) => <Tag color={v === 'draft' ? 'blue' : 'green'}>{v === 'draft' ? t('integration.status.draft') : t('integration.status.done')}</Tag>,
          },
          {
            title: '', key: 'actions', width: 150, align: 'right', render: (_, s) => (
              <Space size={4}>
                <Button size="small" type={s.id === currentId ? 'primary' : 'default'} icon={<FolderOpenOutlined />} onClick={() => onOpen(s.id)} data-testid="integration-plan-open">{t('integration.open')}</Button>
                {canWrite && s.status === 'draft' && (
                  <Popconfirm title={t('integration.deleteConfirm', { name: s.name })} onConfirm={() => remove.mutate(s.id)} okButtonProps={{ danger: true, 'data-testid': 'integration-plan-delete-confirm' } as { danger: boolean }}>
                    <Button size="small" type="text" danger icon={<DeleteOutlined />} loading={remove.isPending && remove.variables === s.id} aria-label={t('integration.delete')} data-testid="integration-plan-delete" />
                  </Popconfirm>
                )}
              </Space>
            ),
          },
        ]}
      />
    </Card>
  );
}

function NewPlan({ community, onCreated }: { community: Community; onCreated: (p: Plan) => void }) {
  const { t } = useTranslation();
  const { label } = useLabels();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ name: string; scope: 'all' | 'some' }>();
  const scope = Form.useWatch('scope', form) ?? 'all';
  const groups = useCommunityGroups(community.id);
  const [ticked, setTicked] = useState<string[]>([]);
  const [general, setGeneral] = useState<string[]>([]);
  const create = useMutation({
    mutationFn: (v: { name: string; scope: 'all' | 'some' }) =>
      post<Plan>('/integration-plans', { communityId: community.id, name: v.name.trim(), ...(v.scope === 'some' ? { groupIds: ticked } : {}) }),
    onSuccess: (p) => {
      qc.setQueryData(planKey(p.id), p);
      void qc.invalidateQueries({ queryKey: plansKey(community.id) });
      onCreated(p);
    },
    onError: (e) => setGeneral(applyFieldErrors(form, e)),
  });
  const items = groups.data?.items ?? [];
  const live = items.filter((g) => g.status !== 'archived');
  return (
    <Card title={t('integration.newPlan')} data-testid="integration-new">
      {general.length > 0 && <Alert type="error" showIcon title={general.join('；')} style={{ marginBottom: 16 }} />}
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        initialValues={{ name: t('integration.defaultName', { community: community.name }), scope: 'all' }}
        onFinish={(v) => {
          setGeneral([]);
          create.mutate(v);
        }}
      >
        <Form.Item name="name" label={t('integration.planName')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input maxLength={100} data-testid="integration-new-name" />
        </Form.Item>
        <Form.Item name="scope" label={t('integration.scope')}>
          <Radio.Group data-testid="integration-new-scope">
            <Radio value="all">{t('integration.scopeAll', { count: live.length })}</Radio>
            <Radio value="some">{t('integration.scopeSome')}</Radio>
          </Radio.Group>
        </Form.Item>
        {scope === 'some' && (
          <Form.Item
            required
            validateStatus={create.isIdle || ticked.length ? undefined : 'error'}
            help={t('integration.ticked', { count: ticked.length })}
          >
            <Table<Group>
              rowKey="id"
              size="small"
              loading={groups.isPending}
              dataSource={items}
              pagination={{ pageSize: 8, hideOnSinglePage: true, showSizeChanger: false }}
              rowSelection={{ selectedRowKeys: ticked, onChange: (keys) => setTicked(keys as string[]), getCheckboxProps: (g) => ({ disabled: g.status === 'archived' }) }}
              data-testid="integration-new-groups"
              columns={[
                { title: t('groups.name'), dataIndex: 'name' },
                { title: t('groups.platform'), dataIndex: 'platform', width: 110, render: (v: string) => label(enums.platform, v) },
                { title: t('integration.seats'), dataIndex: 'memberCount', width: 80, align: 'right', render: (v: number) => <span style={num}>{v.toLocaleString()}</span> },
                { title: t('groups.status'), dataIndex: 'status', width: 90, render: (v: string) => <Tag>{label(enums.groupStatus, v)}</Tag> },
              ]}
            />
          </Form.Item>
        )}
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('integration.newHelp')}</Typography.Paragraph>
        <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={create.isPending} disabled={scope === 'some' && !ticked.length} data-testid="integration-create">
          {t('integration.create')}
        </Button>
      </Form>
    </Card>
  );
}

// ---- 2. 分类 ----

/** A carried-out plan is read-only; a draft that no longer works out as it stands says what to fix. */
function ReadOnlyNote({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  if (plan.status === 'draft') {
    return plan.warning
      ? <Alert type="warning" showIcon title={t('integration.warning')} description={plan.warning} style={{ marginBottom: 16 }} data-testid="integration-warning" />
      : null;
  }
  return <Alert type="info" showIcon title={t('integration.readOnly', { at: new Date(plan.carriedOutAt ?? plan.updatedAt).toLocaleString() })} style={{ marginBottom: 16 }} />;
}

function Classify({ plan, saver, canWrite }: { plan: Plan; saver: PlanSaver; canWrite: boolean }) {
  const { t } = useTranslation();
  const { label, options } = useLabels();
  const { token } = theme.useToken();
  const editable = canWrite && plan.status === 'draft';
  const change = (groupId: string, c: Partial<Pick<PlanGroup, 'kind' | 'function' | 'city' | 'interest' | 'decision'>>) => saver.save({ groups: [{ groupId, ...c }] });
  const count = (d: Decision) => plan.groups.filter((g) => g.decision === d).length;
  const decisionOptions = DECISIONS.map((d) => ({ value: d, label: t(`integration.decisions.${d}`) }));
  const text = (g: PlanGroup, key: 'city' | 'interest') => (
    <Input
      key={`${g.groupId}:${g[key] ?? ''}`}
      size="small"
      defaultValue={g[key] ?? ''}
      placeholder={t('integration.unknownValue')}
      maxLength={64}
      disabled={!editable}
      onBlur={(e) => {
        const v = e.target.value.trim() || null;
        if (v !== g[key]) change(g.groupId, { [key]: v });
      }}
      onPressEnter={(e) => (e.target as HTMLInputElement).blur()}
      data-testid={`integration-${key}`}
    />
  );
  return (
    <>
      <ReadOnlyNote plan={plan} />
      {saver.state === 'error' && <Alert type="error" showIcon title={problemText(saver.error)} style={{ marginBottom: 16 }} data-testid="integration-save-error" />}
      <Card
        title={t('integration.classifyTitle')}
        extra={
          <Space size={4} data-testid="integration-decision-counts">
            {DECISIONS.map((d) => <Tag key={d} color={DECISION_COLOR[d]} bordered={false}>{t(`integration.decisions.${d}`)} {count(d)}</Tag>)}
          </Space>
        }
      >
        <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('integration.classifyHelp')}</Typography.Paragraph>
        <Table<PlanGroup>
          rowKey="groupId"
          size="small"
          dataSource={plan.groups}
          pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
          scroll={{ x: 1100 }}
          data-testid="integration-groups"
          onRow={(g) => ({ 'data-group-id': g.groupId } as HTMLAttributes<HTMLElement>)}
          columns={[
            {
              title: t('integration.group'), key: 'name', fixed: 'left', width: 220, render: (_, g) => (
                <div style={{ borderInlineStart: `3px solid ${g.decision === 'keep' ? token.colorSuccess : g.decision === 'merge' ? token.colorPrimary : token.colorTextQuaternary}`, paddingInlineStart: 8 }}>
                  <Typography.Text strong delete={g.decision === 'retire'} style={{ display: 'block' }}>{g.name}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>{label(enums.platform, g.platform)}</Typography.Text>
                </div>
              ),
            },
            { title: t('integration.seats'), dataIndex: 'seats', width: 64, align: 'right', sorter: (a, b) => a.seats - b.seats, render: (v: number) => <span style={num}>{v.toLocaleString()}</span> },
            {
              title: <Tooltip title={t('integration.recentHelp')}><span>{t('integration.recent')}</span></Tooltip>, dataIndex: 'recentMessages', width: 104, align: 'right',
              sorter: (a, b) => a.recentMessages - b.recentMessages, render: (v: number, g) => (
                <>
                  <span style={num}>{v.toLocaleString()}</span>
                  {g.lastActivityAt && <Typography.Text type="secondary" style={{ display: 'block', fontSize: 11 }} title={t('integration.lastActivity')}>{g.lastActivityAt.slice(0, 10)}</Typography.Text>}
                </>
              ),
            },
            {
              title: <Tooltip title={t('integration.sharedHelp')}><span>{t('integration.shared')}</span></Tooltip>, dataIndex: 'sharedSeats', width: 80, align: 'right',
              render: (v: number, g) => <span style={num}>{v.toLocaleString()}{g.seats > 0 && <Typography.Text type="secondary" style={{ fontSize: 11 }}> · {Math.round((v / g.seats) * 100)}%</Typography.Text>}</span>,
            },
            {
              title: t('groups.kind'), dataIndex: 'kind', width: 140, render: (v: string, g) => (
                <Select size="small" style={{ width: '100%' }} value={v} options={options(enums.groupKind)} disabled={!editable} onChange={(kind: string) => change(g.groupId, { kind })} popupMatchSelectWidth={false} data-testid="integration-kind" />
              ),
            },
            {
              title: t('groups.function'), dataIndex: 'function', width: 96, render: (v: string, g) => (
                <Select size="small" style={{ width: '100%' }} value={v} options={options(enums.groupFunction)} disabled={!editable} onChange={(fn: string) => change(g.groupId, { function: fn })} data-testid="integration-function" />
              ),
            },
            { title: t('integration.city'), dataIndex: 'city', width: 110, render: (_: unknown, g) => text(g, 'city') },
            { title: t('integration.interest'), dataIndex: 'interest', width: 110, render: (_: unknown, g) => text(g, 'interest') },
            {
              title: <Tooltip title={t('integration.decisionHelp')}><span>{t('integration.decision')}</span></Tooltip>, dataIndex: 'decision', width: 190, fixed: 'right',
              render: (v: Decision, g) => (
                <Radio.Group
                  size="small"
                  optionType="button"
                  buttonStyle="solid"
                  value={v}
                  options={decisionOptions}
                  disabled={!editable}
                  onChange={(e) => change(g.groupId, { decision: e.target.value as Decision })}
                  data-testid="integration-decision"
                />
              ),
            },
          ]}
        />
      </Card>
      <Card size="small" style={{ marginTop: 16 }} styles={{ body: { padding: '10px 16px' } }}>
        <PreviewLine plan={plan} />
      </Card>
    </>
  );
}

/** The preview in one line, under the classification, so a decision's effect shows at once. */
function PreviewLine({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const s = plan.stats;
  return (
    <Space wrap size={[24, 4]} style={num} data-testid="integration-preview-line">
      <Typography.Text type="secondary">{t('integration.previewTitle')}</Typography.Text>
      <span>{t('integration.stats.groups')} <b>{s.before.groups}</b> <ArrowRightOutlined /> <b>{s.after.groups}</b></span>
      <span>{t('integration.stats.seats')} <b>{s.before.seats.toLocaleString()}</b> <ArrowRightOutlined /> <b>{s.after.seats.toLocaleString()}</b></span>
      <span>{t('integration.stats.people')} <b>{s.before.people.toLocaleString()}</b> <ArrowRightOutlined /> <b>{s.after.people.toLocaleString()}</b></span>
      <span>{t('integration.stats.moving')} <b>{s.moving.toLocaleString()}</b></span>
      <span>{t('integration.stats.left')} <Typography.Text strong type={s.leftWithoutGroup ? 'warning' : undefined}>{s.leftWithoutGroup.toLocaleString()}</Typography.Text></span>
    </Space>
  );
}

// ---- 3. 规划 ----

function PlanStep({ plan, saver, canWrite }: { plan: Plan; saver: PlanSaver; canWrite: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      <ReadOnlyNote plan={plan} />
      <Row gutter={16}>
        <Col xs={24} xl={9}>
          <Settings key={plan.id} plan={plan} saver={saver} editable={canWrite && plan.status === 'draft'} />
        </Col>
        <Col xs={24} xl={15}>
          {saver.state === 'error' && <Alert type="info" showIcon title={t('integration.stalePreview')} style={{ marginBottom: 12 }} />}
          <StatCards plan={plan} />
          <NewGroups plan={plan} />
        </Col>
      </Row>
    </>
  );
}

function Settings({ plan, saver, editable }: { plan: Plan; saver: PlanSaver; editable: boolean }) {
  const { t } = useTranslation();
  const { options } = useLabels();
  const [form] = Form.useForm<PlanSettings>();
  const unknown = Form.useWatch('unknown', form) ?? plan.settings.unknown;
  const [general, setGeneral] = useState<string[]>([]);
  const rename = useMemo(() => Object.fromEntries(SETTING_KEYS.map((k) => [`settings.${k}`, k])), []);

  // The server's answer to the last change: its field errors on the fields, or the fields cleared.
  useEffect(() => {
    if (saver.state === 'error') setGeneral(applyFieldErrors(form, saver.error, rename).filter((m) => !/^(body\.)?(groups|name)\b/.test(m)));
    if (saver.state === 'saved') {
      setGeneral([]);
      form.setFields(SETTING_KEYS.map((name) => ({ name, errors: [] })));
    }
  }, [saver.state, saver.error, form, rename]);

  const onChange = (changed: Partial<PlanSettings>) => {
    const send: Partial<PlanSettings> = {};
    let typed = false;
    for (const [k, v] of Object.entries(changed) as [keyof PlanSettings, unknown][]) {
      // Empty text or number is not a setting: the field says so and nothing is sent.
      if (v === null || v === undefined || (typeof v === 'string' && !v.trim())) continue;
      (send as Record<string, unknown>)[k] = typeof v === 'string' ? v.trim() : v;
      if (TYPED.has(k)) typed = true;
    }
    if (Object.keys(send).length) saver.save({ settings: send }, typed ? 600 : 0);
  };
  const insert = (token: string) => {
    const v = `${form.getFieldValue('pattern') ?? ''}{${token}}`;
    form.setFieldValue('pattern', v);
    onChange({ pattern: v });
  };
  const required = [{ required: true, whitespace: true, message: t('common.required') }];
  return (
    <Card title={t('integration.settingsTitle')} style={{ marginBottom: 16 }} data-testid="integration-settings">
      {general.length > 0 && <Alert type="error" showIcon title={general.join('；')} style={{ marginBottom: 16 }} data-testid="integration-settings-error" />}
      <Form<PlanSettings> form={form} layout="vertical" requiredMark={false} initialValues={plan.settings} disabled={!editable} onValuesChange={onChange}>
        <Form.Item name="setName" label={t('integration.setName')} extra={t('integration.setNameHelp')} rules={required}>
          <Input maxLength={100} data-testid="integration-set-name" />
        </Form.Item>
        <Form.Item name="moveBy" label={t('integration.moveBy')} extra={t('integration.moveByHelp')}>
          <Radio.Group optionType="button" buttonStyle="solid" options={MOVE_KEYS.map((k) => ({ value: k, label: t(`integration.moveKeys.${k}`) }))} data-testid="integration-move-by" />
        </Form.Item>
        <Form.Item
          name="pattern"
          label={t('integration.pattern')}
          rules={required}
          extra={
            <div style={{ margin: '4px 0 8px' }}>
              <div>{t('integration.patternHelp')}</div>
              <Space size={[4, 4]} wrap style={{ marginTop: 4 }} data-testid="integration-pattern-tokens">
                {PATTERN_TOKENS.map((k) => (
                  <Tooltip key={k} title={t(`integration.tokens.${k}`)}>
                    <Tag style={{ cursor: editable ? 'pointer' : 'default', fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', marginInlineEnd: 0 }} onClick={() => editable && insert(k)}>
                      {`{${k}}`} <Typography.Text type="secondary" style={{ fontSize: 11, fontFamily: 'inherit' }}>{t(`integration.tokens.${k}`)}</Typography.Text>
                    </Tag>
                  </Tooltip>
                ))}
              </Space>
            </div>
          }
        >
          <Input maxLength={100} data-testid="integration-pattern" />
        </Form.Item>
        <Row gutter={12}>
          <Col span={14}>
            <Form.Item name="unknown" label={t('integration.unknown')}>
              <Radio.Group vertical data-testid="integration-unknown">
                <Radio value="other">{t('integration.unknownOther')}</Radio>
                <Radio value="none">{t('integration.unknownNone')}</Radio>
              </Radio.Group>
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="otherLabel" label={t('integration.otherLabel')} rules={required} hidden={unknown !== 'other'}>
              <Input maxLength={20} data-testid="integration-other-label" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="platform" label={t('integration.platform')} tooltip={t('integration.platformHelp')}>
              <Select options={options(enums.platform)} data-testid="integration-platform" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="seatsPerGroup" label={t('integration.seatsPerGroup')} tooltip={t('integration.seatsPerGroupHelp')} rules={[{ required: true, message: t('common.required') }]}>
              <InputNumber min={2} max={1_000_000} precision={0} style={{ width: '100%' }} data-testid="integration-seats-per-group" />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="skipSeated" valuePropName="checked" label={t('integration.skipSeated')} extra={t('integration.skipSeatedHelp')}>
          <Switch data-testid="integration-skip-seated" />
        </Form.Item>
        <Form.Item name="notice" label={t('integration.notice')} extra={t('integration.noticeHelp')} rules={required} style={{ marginBottom: 0 }}>
          <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={2000} data-testid="integration-notice" />
        </Form.Item>
      </Form>
    </Card>
  );
}

function StatCard({ title, help, children, testId }: { title: string; help: string; children: ReactNode; testId: string }) {
  return (
    <Card size="small" style={{ height: '100%' }} data-testid={testId}>
      <Typography.Text type="secondary" style={{ fontSize: 13 }}>{title}</Typography.Text>
      <div style={{ fontSize: 24, fontWeight: 600, lineHeight: '36px', ...num }}>{children}</div>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{help}</Typography.Text>
    </Card>
  );
}

function BeforeAfter({ before, after, id }: { before: number; after: number; id: string }) {
  const { token } = theme.useToken();
  const d = after - before;
  return (
    <>
      <span data-testid={`integration-${id}-before`}>{before.toLocaleString()}</span>
      <ArrowRightOutlined style={{ fontSize: 14, margin: '0 8px', color: token.colorTextTertiary }} />
      <span data-testid={`integration-${id}-after`}>{after.toLocaleString()}</span>
      {d !== 0 && <Typography.Text type={d < 0 ? 'success' : 'warning'} style={{ fontSize: 13, marginInlineStart: 8, fontWeight: 400 }}>{d > 0 ? `+${d}` : d}</Typography.Text>}
    </>
  );
}

function StatCards({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const s = plan.stats;
  return (
    <div data-testid="integration-stats" style={{ marginBottom: 16 }}>
      <Row gutter={[12, 12]}>
        <Col xs={12} xxl={6}>
          <StatCard title={t('integration.stats.seats')} help={t('integration.stats.seatsHelp', { before: s.before.groups, after: s.after.groups })} testId="integration-stat-seats">
            <BeforeAfter id="seats" before={s.before.seats} after={s.after.seats} />
          </StatCard>
        </Col>
        <Col xs={12} xxl={6}>
          <StatCard title={t('integration.stats.people')} help={t('integration.stats.peopleHelp')} testId="integration-stat-people">
            <BeforeAfter id="people" before={s.before.people} after={s.after.people} />
          </StatCard>
        </Col>
        <Col xs={12} xxl={6}>
          <StatCard title={t('integration.stats.moving')} help={t('integration.stats.movingHelp', { count: plan.newGroups.length })} testId="integration-stat-moving">
            <span data-testid="integration-moving">{s.moving.toLocaleString()}</span>
          </StatCard>
        </Col>
        <Col xs={12} xxl={6}>
          <StatCard title={t('integration.stats.left')} help={t('integration.stats.leftHelp')} testId="integration-stat-left">
            <Typography.Text type={s.leftWithoutGroup ? 'warning' : undefined} style={{ fontSize: 'inherit' }} data-testid="integration-left">{s.leftWithoutGroup.toLocaleString()}</Typography.Text>
          </StatCard>
        </Col>
      </Row>
      {s.leftSample.length > 0 && (
        <Alert
          type="warning"
          style={{ marginTop: 12 }}
          title={t('integration.leftSample', { count: s.leftWithoutGroup, shown: s.leftSample.length })}
          description={
            <Space size={[4, 4]} wrap data-testid="integration-left-sample">
              {s.leftSample.map((m) => <Tag key={m.id} style={{ marginInlineEnd: 0 }}>{m.displayName}</Tag>)}
              {s.leftWithoutGroup > s.leftSample.length && <Typography.Text type="secondary">… +{s.leftWithoutGroup - s.leftSample.length}</Typography.Text>}
            </Space>
          }
        />
      )}
    </div>
  );
}

function FromTags({ plan, from }: { plan: Plan; from: { groupId: string; members: number }[] }) {
  const names = new Map(plan.groups.map((g) => [g.groupId, g.name]));
  return (
    <Space size={[4, 4]} wrap>
      {from.map((f) => <Tag key={f.groupId} bordered={false} style={{ marginInlineEnd: 0 }}>{names.get(f.groupId) ?? f.groupId} <b style={num}>× {f.members}</b></Tag>)}
    </Space>
  );
}

function NewGroups({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const { label } = useLabels();
  const kept = plan.groups.filter((g) => g.decision === 'keep');
  return (
    <Card
      title={t('integration.newGroupsTitle', { count: plan.newGroups.length })}
      extra={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{plan.settings.setName} · {label(enums.platform, plan.settings.platform)}</Typography.Text>}
    >
      <Table
        rowKey="key"
        size="small"
        dataSource={plan.newGroups}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('integration.noNewGroups')} /> }}
        data-testid="integration-new-groups-preview"
        columns={[
          { title: t('integration.newGroupName'), dataIndex: 'name', render: (v: string) => <Typography.Text strong data-testid="integration-new-group-name">{v}</Typography.Text> },
          { title: t('integration.moveKey'), dataIndex: 'key', width: 110, render: (v: string) => <Tag color="geekblue" bordered={false}>{v || '—'}</Tag> },
          { title: t('integration.plannedMembers'), dataIndex: 'members', width: 90, align: 'right', render: (v: number) => <span style={num} data-testid="integration-new-group-members">{v.toLocaleString()}</span> },
          { title: t('integration.from'), dataIndex: 'from', render: (v: Plan['newGroups'][number]['from']) => <FromTags plan={plan} from={v} /> },
        ]}
      />
      {kept.length > 0 && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '12px 0 0' }}>
          {t('integration.keptJoin', { names: kept.map((g) => g.name).join('、'), set: plan.settings.setName })}
        </Typography.Paragraph>
      )}
    </Card>
  );
}

// ---- 4. 执行与追踪 ----

function Track({ plan, canWrite, saving }: { plan: Plan; canWrite: boolean; saving: boolean }) {
  return plan.status === 'draft' ? <CarryOut plan={plan} canWrite={canWrite} saving={saving} /> : <Tracking plan={plan} canWrite={canWrite} />;
}

/** `saving`: a change is still on its way; the plan is carried out as saved, so wait for it. */
function CarryOut({ plan, canWrite, saving }: { plan: Plan; canWrite: boolean; saving: boolean }) {
  const { t } = useTranslation();
  const { label } = useLabels();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const count = (d: Decision) => plan.groups.filter((g) => g.decision === d).length;
  const go = useMutation({
    mutationFn: () => post<Plan>(`/integration-plans/${plan.id}/carry-out`),
    onSuccess: (p) => {
      qc.setQueryData(planKey(p.id), p);
      for (const queryKey of [plansKey(p.communityId), ['groups'], ['group-sets'], ['invites'], ['overview']]) void qc.invalidateQueries({ queryKey });
      message.success(t('integration.carriedOut', { count: p.newGroups.length }));
    },
    onError: (e) => message.error(problemText(e)),
  });
  const s = plan.stats;
  // The notice goes to each merged group whose members move somewhere.
  const mergedWithMoves = new Set(plan.newGroups.flatMap((g) => g.from.map((f) => f.groupId))).size;
  const carriable = plan.newGroups.length > 0 || count('keep') > 0;
  return (
    <Card title={t('integration.carryTitle')} data-testid="integration-carry">
      <ReadOnlyNote plan={plan} />
      <Descriptions
        size="small"
        column={{ xs: 1, lg: 2 }}
        bordered
        items={[
          { key: 'new', label: t('integration.carry.new'), children: t('integration.carry.newValue', { count: plan.newGroups.length, platform: label(enums.platform, plan.settings.platform), set: plan.settings.setName }) },
          { key: 'moving', label: t('integration.carry.moving'), children: t('integration.carry.people', { count: s.moving }) },
          { key: 'notices', label: t('integration.carry.notices'), children: t('integration.carry.noticesValue', { count: mergedWithMoves }) },
          { key: 'kept', label: t('integration.carry.kept'), children: t('integration.carry.keptValue', { count: count('keep') }) },
          { key: 'seats', label: t('integration.stats.seats'), children: <span style={num}>{s.before.seats.toLocaleString()} → {s.after.seats.toLocaleString()}</span> },
          { key: 'left', label: t('integration.stats.left'), children: <Typography.Text type={s.leftWithoutGroup ? 'warning' : undefined}>{t('integration.carry.people', { count: s.leftWithoutGroup })}</Typography.Text> },
        ]}
      />
      <Alert type="warning" showIcon title={t('integration.carryWarn')} style={{ margin: '16px 0' }} />
      {canWrite && (
        <Popconfirm
          title={t('integration.carryConfirm')}
          description={t('integration.carryConfirmHelp', { count: plan.newGroups.length })}
          onConfirm={() => go.mutate()}
          okText={t('integration.carryOut')}
          okButtonProps={{ 'data-testid': 'integration-carry-out-confirm' } as Record<string, string>}
        >
          <Button type="primary" size="large" icon={<PlayCircleOutlined />} loading={go.isPending || saving} disabled={!carriable || !!plan.warning} data-testid="integration-carry-out">
            {t('integration.carryOut')}
          </Button>
        </Popconfirm>
      )}
    </Card>
  );
}

function Tracking({ plan, canWrite }: { plan: Plan; canWrite: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const copy = useCopyLink();
  const groups = useCommunityGroups(plan.communityId);
  const status = useMemo(() => new Map((groups.data?.items ?? []).map((g) => [g.id, g.status])), [groups.data]);
  const old = plan.groups.filter((g) => g.decision !== 'keep');
  const archived = old.length > 0 && groups.data !== undefined && old.every((g) => status.get(g.groupId) === 'archived');
  const archive = useMutation({
    mutationFn: () => post<Plan>(`/integration-plans/${plan.id}/archive-old-groups`),
    onSuccess: (p) => {
      qc.setQueryData(planKey(p.id), p);
      void qc.invalidateQueries({ queryKey: ['groups'] });
      message.success(t('integration.archived', { count: old.length }));
    },
    onError: (e) => message.error(problemText(e)),
  });
  const s = plan.stats;
  const pct = s.moving ? Math.round((s.moved / s.moving) * 100) : 0;
  return (
    <>
      <Card style={{ marginBottom: 16 }} data-testid="integration-progress">
        <Row gutter={24} align="middle">
          <Col xs={24} md={8}>
            <Statistic
              title={t('integration.track.moved')}
              value={s.moved}
              suffix={<span style={{ fontSize: 16 }}>/ {s.moving.toLocaleString()}</span>}
              valueRender={(v) => <span data-testid="integration-moved-total">{v}</span>}
            />
          </Col>
          <Col xs={24} md={10}>
            <Progress percent={pct} status={pct >= 100 ? 'success' : 'active'} />
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('integration.track.movedHelp')}</Typography.Text>
          </Col>
          <Col xs={24} md={6} style={{ textAlign: 'right' }}>
            {archived ? (
              <Tag icon={<InboxOutlined />} color="default" data-testid="integration-archived">{t('integration.track.oldArchived')}</Tag>
            ) : canWrite && old.length > 0 ? (
              <Popconfirm
                title={t('integration.track.archiveConfirm', { count: old.length })}
                description={t('integration.track.archiveHelp')}
                onConfirm={() => archive.mutate()}
                okButtonProps={{ danger: true, 'data-testid': 'integration-archive-confirm' } as { danger: boolean }}
              >
                <Button icon={<InboxOutlined />} loading={archive.isPending} data-testid="integration-archive">{t('integration.track.archive', { count: old.length })}</Button>
              </Popconfirm>
            ) : null}
          </Col>
        </Row>
      </Card>
      <Card title={t('integration.track.newGroups', { count: plan.newGroups.length })} style={{ marginBottom: 16 }}>
        <Table
          rowKey="key"
          size="small"
          dataSource={plan.newGroups}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          data-testid="integration-new-groups"
          onRow={(g) => ({ 'data-testid': 'integration-new-group', 'data-group-id': g.groupId ?? '' } as HTMLAttributes<HTMLElement>)}
          columns={[
            {
              title: t('integration.newGroupName'), dataIndex: 'name', width: 240, render: (v: string, g) => (
                <Space orientation="vertical" size={0}>
                  <Typography.Text strong>{v}</Typography.Text>
                  <FromTags plan={plan} from={g.from} />
                </Space>
              ),
            },
            {
              title: t('integration.track.invite'), key: 'invite', render: (_, g) => g.invitePath ? (
                <Space size={8} style={{ maxWidth: '100%' }}>
                  <Typography.Text style={{ fontFamily: 'ui-monospace, SFMono-Regular, Menlo, monospace', fontSize: 12, wordBreak: 'break-all' }} data-testid="integration-invite-url">{absoluteUrl(g.invitePath)}</Typography.Text>
                  <Button size="small" icon={<CopyOutlined />} onClick={() => void copy(absoluteUrl(g.invitePath!))} data-testid="integration-invite-copy">{t('integration.copy')}</Button>
                </Space>
              ) : <Typography.Text type="secondary">—</Typography.Text>,
            },
            {
              title: t('integration.track.progress'), key: 'progress', width: 220, render: (_, g) => (
                <div>
                  <Typography.Text style={{ fontSize: 12, ...num }} data-testid="integration-moved">{t('integration.track.movedOf', { moved: g.moved, members: g.members })}</Typography.Text>
                  <Progress percent={g.members ? Math.round((g.moved / g.members) * 100) : 0} size="small" showInfo={false} status={g.members && g.moved >= g.members ? 'success' : 'normal'} />
                </div>
              ),
            },
          ]}
        />
      </Card>
      <Notices plan={plan} archivedOf={(id) => status.get(id) === 'archived'} />
      <Moves plan={plan} />
    </>
  );
}

function Notices({ plan, archivedOf }: { plan: Plan; archivedOf: (groupId: string) => boolean }) {
  const { t } = useTranslation();
  const { label } = useLabels();
  const copy = useCopyLink();
  const byId = new Map(plan.groups.map((g) => [g.groupId, g]));
  const failed = plan.notices.filter((n) => n.status === 'failed').length;
  return (
    <Card title={t('integration.track.notices', { count: plan.notices.length })} style={{ marginBottom: 16 }}>
      {failed > 0 && <Alert type="warning" showIcon title={t('integration.track.failedHelp', { count: failed })} style={{ marginBottom: 12 }} />}
      <Table<Notice>
        rowKey="groupId"
        size="small"
        dataSource={plan.notices}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('integration.track.noNotices')} /> }}
        data-testid="integration-notices"
        onRow={() => ({ 'data-testid': 'integration-notice' } as HTMLAttributes<HTMLElement>)}
        columns={[
          {
            title: t('integration.track.oldGroup'), key: 'group', width: 220, render: (_, n) => {
              const g = byId.get(n.groupId);
              return (
                <Space orientation="vertical" size={0}>
                  <Typography.Text strong>{g?.name ?? n.groupId}</Typography.Text>
                  <Space size={4}>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>{g ? label(enums.platform, g.platform) : ''}</Typography.Text>
                    {g && <Tag color={DECISION_COLOR[g.decision]} bordered={false} style={{ marginInlineEnd: 0 }}>{t(`integration.decisions.${g.decision}`)}</Tag>}
                    {archivedOf(n.groupId) && <Tag bordered={false} style={{ marginInlineEnd: 0 }}>{label(enums.groupStatus, 'archived')}</Tag>}
                  </Space>
                </Space>
              );
            },
          },
          {
            title: t('integration.track.noticeStatus'), key: 'status', width: 260, render: (_, n) => (
              <Space orientation="vertical" size={2}>
                <Tag color={NOTICE_STATUS[n.status]?.color ?? 'default'} icon={NOTICE_STATUS[n.status]?.icon} data-testid="integration-notice-status">
                  {t(`integration.noticeStatus.${n.status}`, { defaultValue: n.status })}
                </Tag>
                {n.lastError && <Typography.Text type="danger" style={{ fontSize: 12, wordBreak: 'break-word' }} data-testid="integration-notice-error">{n.lastError}</Typography.Text>}
                {n.status === 'failed' && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('integration.track.byHand')}</Typography.Text>}
              </Space>
            ),
          },
          {
            title: t('integration.track.noticeText'), dataIndex: 'text', render: (v: string) => (
              <div style={{ display: 'flex', gap: 8, alignItems: 'flex-start' }}>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', fontSize: 12, margin: 0, flex: 1, minWidth: 0 }} ellipsis={{ rows: 3, expandable: 'collapsible', symbol: (open) => (open ? t('integration.collapse') : t('integration.expand')) }} data-testid="integration-notice-text">
                  {v}
                </Typography.Paragraph>
                <Button size="small" icon={<CopyOutlined />} onClick={() => void copy(v)} data-testid="integration-notice-copy">{t('integration.copy')}</Button>
              </div>
            ),
          },
        ]}
      />
    </Card>
  );
}

const MOVES_PAGE = 20;

function Moves({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'all' | 'moved' | 'waiting'>('all');
  const [toGroupId, setToGroupId] = useState<string | undefined>();
  const [page, setPage] = useState(1);
  const moves = useMoves(plan.id, { status: status === 'all' ? undefined : status, toGroupId, limit: MOVES_PAGE, offset: (page - 1) * MOVES_PAGE }, true);
  const oldNames = new Map(plan.groups.map((g) => [g.groupId, g.name]));
  const newNames = new Map(plan.newGroups.filter((g) => g.groupId).map((g) => [g.groupId!, g.name]));
  return (
    <Card
      title={t('integration.track.moves')}
      extra={
        <Space wrap>
          <Segmented
            size="small"
            value={status}
            onChange={(v) => {
              setStatus(v as typeof status);
              setPage(1);
            }}
            options={[
              { value: 'all', label: t('integration.track.all') },
              { value: 'moved', label: t('integration.track.movedTab') },
              { value: 'waiting', label: t('integration.track.waitingTab') },
            ]}
            data-testid="integration-moves-filter"
          />
          <Select
            size="small"
            allowClear
            style={{ width: 200 }}
            placeholder={t('integration.track.allNewGroups')}
            value={toGroupId}
            onChange={(v?: string) => {
              setToGroupId(v);
              setPage(1);
            }}
            options={[...newNames].map(([value, label]) => ({ value, label }))}
            data-testid="integration-moves-group"
          />
        </Space>
      }
    >
      <Table<Move>
        rowKey={(m) => `${m.memberId}:${m.toGroupId}`}
        size="small"
        loading={moves.isPending}
        dataSource={moves.data?.items ?? []}
        pagination={{ current: page, pageSize: MOVES_PAGE, total: moves.data?.total ?? 0, showSizeChanger: false, hideOnSinglePage: true, onChange: setPage, showTotal: (n) => t('integration.track.total', { count: n }) }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('integration.track.noMoves')} /> }}
        data-testid="integration-moves"
        columns={[
          { title: t('integration.track.member'), dataIndex: 'displayName', render: (v: string) => <Typography.Text strong>{v}</Typography.Text> },
          { title: t('integration.track.fromGroup'), dataIndex: 'fromGroupId', render: (v: string) => oldNames.get(v) ?? v },
          { title: t('integration.track.toGroup'), dataIndex: 'toGroupId', render: (v: string) => newNames.get(v) ?? v },
          {
            title: t('integration.track.moveStatus'), dataIndex: 'movedAt', width: 220, render: (v: string | null) => v
              ? <Space size={4}><Tag color="success" style={{ marginInlineEnd: 0 }} data-testid="integration-move-status">{t('integration.track.movedTag')}</Tag><Typography.Text type="secondary" style={{ fontSize: 12 }}>{new Date(v).toLocaleString()}</Typography.Text></Space>
              : <Tag color="default" data-testid="integration-move-status">{t('integration.track.waitingTag')}</Tag>,
          },
        ]}
      />
    </Card>
  );
}
