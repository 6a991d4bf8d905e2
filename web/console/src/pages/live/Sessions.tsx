// 直播 › the sessions, newest first, with their status (预告 / 直播中 / 暂停 / 已结束), and the form that
// plans one: title, community, main group, host and speakers, the target groups (listed, or whole
// communities and group sets narrowed by kind and region), the schedule and its reminders.
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Badge, Button, Card, Col, DatePicker, Divider, Empty, Form, Input, Modal, Row, Segmented, Select, Space, Switch, Table, Tag, Typography, type FormInstance } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Dayjs } from 'dayjs';
import { get, post, type Group, type LivePerson, type LiveSession, type LiveStatus, type Me, type Operator } from '../../api';
import { applyFieldErrors } from '../../forms';
import { enums, useLabels } from '../../labels';
import { useAllGroups, useCommunities, useGroupSets } from '../Groups';
import { MemberPicker } from '../rules/MemberPicker';
import { STATUS_BADGE, STATUS_COLOR, shortTime, useLiveSessions } from './live';

const STATUSES: LiveStatus[] = ['scheduled', 'live', 'paused', 'ended'];

export function StatusTag({ status }: { status: LiveStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="live-status" data-status={status}>
      <Badge status={STATUS_BADGE[status]} /> {t(`live.status.${status}`)}
    </Tag>
  );
}

export function Sessions({ me, onOpen }: { me: Me; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const canManage = me.permissions.includes('live.manage');
  const [status, setStatus] = useState<LiveStatus | 'all'>('all');
  const [communityId, setCommunityId] = useState<string | undefined>();
  const communities = useCommunities();
  const names = useMemo(() => new Map((communities.data?.items ?? []).map((c) => [c.id, c.name])), [communities.data]);
  const list = useLiveSessions({ status: status === 'all' ? undefined : status, communityId });
  const [creating, setCreating] = useState(false);
  return (
    <>
      <Typography.Paragraph type="secondary">{t('live.intro')}</Typography.Paragraph>
      <Card
        title={
          <Space wrap>
            <Segmented<LiveStatus | 'all'>
              value={status}
              onChange={setStatus}
              options={[{ value: 'all', label: t('live.all') }, ...STATUSES.map((s) => ({ value: s, label: t(`live.status.${s}`) }))]}
              data-testid="live-filter-status"
            />
            <Select allowClear placeholder={t('groups.community')} style={{ width: 200 }} options={(communities.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))} onChange={setCommunityId} />
          </Space>
        }
        extra={canManage && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="live-new">{t('live.new')}</Button>}
      >
        <Table<LiveSession>
          rowKey="id"
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={list.error ? list.error.message : t('live.none')} /> }}
          data-testid="live-sessions"
          onRow={(s) => ({ onClick: () => onOpen(s.id), style: { cursor: 'pointer' }, 'data-testid': 'live-session-row', 'data-id': s.id }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            {
              title: t('live.title'), dataIndex: 'title', render: (v: string, s) => (
                <div>
                  <a data-testid="live-session-title">{v}</a>
                  {s.description && <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: 0 }} ellipsis={{ rows: 1, tooltip: s.description }}>{s.description}</Typography.Paragraph>}
                </div>
              ),
            },
            { title: t('groups.community'), dataIndex: 'communityId', width: 160, render: (v: string) => names.get(v) ?? v },
            { title: t('live.statusLabel'), dataIndex: 'status', width: 110, render: (v: LiveStatus) => <StatusTag status={v} /> },
            {
              title: t('live.when'), key: 'when', width: 170, render: (_, s) => (
                s.status === 'scheduled'
                  ? (s.scheduledAt ? t('live.scheduledAt', { at: shortTime(s.scheduledAt) }) : <Typography.Text type="secondary">{t('live.noSchedule')}</Typography.Text>)
                  : s.status === 'ended' ? t('live.endedAt', { at: shortTime(s.endedAt) }) : t('live.startedAt', { at: shortTime(s.startedAt) })
              ),
            },
            { title: t('live.speakers'), key: 'speakers', width: 200, render: (_, s) => s.speakers.map((p) => p.name).join('、') },
            { title: t('live.targets'), dataIndex: 'targetCount', width: 90, align: 'right' },
            { title: t('live.messages'), dataIndex: 'messageCount', width: 90, align: 'right' },
          ]}
        />
      </Card>
      {creating && (
        <NewSession
          me={me}
          onClose={() => setCreating(false)}
          onCreated={(s) => {
            setCreating(false);
            onOpen(s.id);
          }}
        />
      )}
    </>
  );
}

// ---- the form ----

interface FormValues {
  title: string;
  description?: string;
  communityId: string;
  mainGroupId: string;
  scheduledAt?: Dayjs | null;
  host: LivePerson | null;
  speakers: LivePerson[];
  targets: { groupIds?: string[]; communityIds?: string[]; groupSetIds?: string[]; kinds?: string[]; regions?: string[] };
  settings: { reminders: number[]; autoStart: boolean; notices: boolean };
}

const REMINDERS = [5, 10, 15, 30, 60, 120, 24 * 60];

function useOperators() {
  return useQuery({ queryKey: ['operators'], queryFn: () => get<{ items: Operator[] }>('/operators') });
}

/** The groups a targeting picks, as the server resolves it (never the main group, never archived ones). */
export function resolveTargets(groups: Group[], t: FormValues['targets'], mainGroupId: string | undefined): Group[] {
  const ids = new Set(t.groupIds ?? []);
  const communities = new Set(t.communityIds ?? []);
  const sets = new Set(t.groupSetIds ?? []);
  const kinds = new Set(t.kinds ?? []);
  const regions = new Set(t.regions ?? []);
  return groups.filter((g) => {
    if (g.status === 'archived' || g.id === mainGroupId) return false;
    if (ids.has(g.id)) return true;
    if (!communities.has(g.communityId) && !(g.groupSetId && sets.has(g.groupSetId))) return false;
    return (!kinds.size || kinds.has(g.kind)) && (!regions.size || (g.region !== null && regions.has(g.region)));
  });
}

function NewSession({ me, onClose, onCreated }: { me: Me; onClose: () => void; onCreated: (s: LiveSession) => void }) {
  const { t } = useTranslation();
  const { label, options } = useLabels();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const [general, setGeneral] = useState<string[]>([]);
  const communities = useCommunities();
  const groups = useAllGroups();
  const sets = useGroupSets();
  const all = useMemo(() => (groups.data?.items ?? []).filter((g) => g.status !== 'archived'), [groups.data]);
  const communityId = Form.useWatch('communityId', form);
  const mainGroupId = Form.useWatch('mainGroupId', form);
  const targets = Form.useWatch('targets', form) ?? {};
  const scheduledAt = Form.useWatch('scheduledAt', form);
  const picked = useMemo(() => resolveTargets(all, targets, mainGroupId), [all, targets, mainGroupId]);
  const regions = useMemo(() => [...new Set(all.map((g) => g.region).filter((r): r is string => !!r))].sort(), [all]);
  // The communities may arrive after the form: the first one is the default.
  const firstCommunity = communities.data?.items[0]?.id;
  useEffect(() => {
    if (firstCommunity && !form.getFieldValue('communityId')) form.setFieldValue('communityId', firstCommunity);
  }, [firstCommunity, form]);
  const groupOption = (g: Group) => ({ value: g.id, label: g.name, hint: label(enums.platform, g.platform) });

  const save = useMutation({
    mutationFn: (v: FormValues) => post<LiveSession>('/live-sessions', {
      title: v.title,
      ...(v.description?.trim() ? { description: v.description.trim() } : {}),
      communityId: v.communityId,
      mainGroupId: v.mainGroupId,
      ...(v.scheduledAt ? { scheduledAt: v.scheduledAt.toISOString() } : {}),
      host: v.host,
      speakers: v.speakers ?? [],
      targets: {
        groupIds: v.targets.groupIds ?? [], communityIds: v.targets.communityIds ?? [], groupSetIds: v.targets.groupSetIds ?? [],
        kinds: v.targets.kinds ?? [], regions: v.targets.regions ?? [],
      },
      settings: v.settings,
    }),
    onSuccess: (s) => {
      void qc.invalidateQueries({ queryKey: ['live-sessions'] });
      message.success(t('live.created', { title: s.title }));
      onCreated(s);
    },
    // "no target group" is the targeting's as a whole: shown under the groups picked.
    onError: (e) => setGeneral(applyFieldErrors(form, e, { targets: 'targets.groupIds' })),
  });

  const initialValues: Partial<FormValues> = {
    communityId: communities.data?.items[0]?.id,
    host: me.operator ? { type: 'operator', id: me.operator.id } : null,
    speakers: [],
    targets: { groupIds: [], communityIds: [], groupSetIds: [], kinds: [], regions: [] },
    settings: { reminders: [30], autoStart: true, notices: true },
  };

  return (
    <Modal
      open
      title={t('live.new')}
      width={860}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('live.create')}
      confirmLoading={save.isPending}
      okButtonProps={{ 'data-testid': 'live-save' } as Record<string, string>}
      destroyOnHidden
      styles={{ body: { maxHeight: 'calc(100vh - 220px)', overflowY: 'auto', paddingInlineEnd: 8 } }}
    >
      {general.length > 0 && <Alert type="error" showIcon title={general.join('；')} style={{ marginBottom: 12 }} data-testid="live-form-error" />}
      <Form
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onFinish={(v) => {
          setGeneral([]);
          save.mutate(v);
        }}
        onValuesChange={(changed: Partial<FormValues>) => {
          // Another community: its groups, not the last one's.
          if ('communityId' in changed) form.setFieldValue('mainGroupId', undefined);
          // The server's word on a field (a targeting is one: any of its fields) goes once it changes.
          const stale = form.getFieldsError().filter((f) => f.errors.length && String(f.name[0]) in changed);
          if (stale.length) (form as FormInstance).setFields(stale.map((f) => ({ name: f.name, errors: [] })));
        }}
        data-testid="live-form"
      >
        <Row gutter={12}>
          <Col span={14}>
            <Form.Item name="title" label={t('live.title')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
              <Input maxLength={100} placeholder={t('live.titlePh')} data-testid="live-title" />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="communityId" label={t('groups.community')} rules={[{ required: true, message: t('common.required') }]}>
              <Select options={(communities.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))} data-testid="live-community" />
            </Form.Item>
          </Col>
          <Col span={14}>
            <Form.Item name="mainGroupId" label={t('live.mainGroup')} tooltip={t('live.mainGroupHelp')} rules={[{ required: true, message: t('common.required') }]}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={t('live.mainGroupPh')}
                options={all.filter((g) => !communityId || g.communityId === communityId).map(groupOption)}
                optionRender={(o) => <span>{o.data.label}<Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 8 }}>{o.data.hint}</Typography.Text></span>}
                data-testid="live-main-group"
              />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="scheduledAt" label={t('live.schedule')} tooltip={t('live.scheduleHelp')}>
              <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} placeholder={t('live.schedulePh')} data-testid="live-scheduled" />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="description" label={t('live.description')}>
              <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={2000} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start" plain style={{ margin: '4px 0 12px' }}>{t('live.people')}</Divider>
        <Row gutter={12}>
          <Col span={10}>
            <Form.Item name="host" label={t('live.host')} tooltip={t('live.hostHelp')} rules={[{ required: true, message: t('common.required') }]}>
              <PersonInput groupId={mainGroupId ?? null} />
            </Form.Item>
          </Col>
          <Col span={14}>
            <Form.Item name="speakers" label={t('live.speakers')} tooltip={t('live.speakersHelp')} rules={[{ validator: (_, v: LivePerson[] | undefined) => (v?.length ? Promise.resolve() : Promise.reject(new Error(t('live.needSpeaker')))) }]}>
              <SpeakersInput groupId={mainGroupId ?? null} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start" plain style={{ margin: '4px 0 12px' }}>{t('live.targetsTitle')}</Divider>
        <Row gutter={12}>
          <Col span={24}>
            <Form.Item name={['targets', 'groupIds']} label={t('live.targetGroups')} extra={t('live.targetGroupsHelp')}>
              <Select
                mode="multiple"
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={t('live.targetGroupsPh')}
                options={all.filter((g) => g.id !== mainGroupId).map(groupOption)}
                optionRender={(o) => <span>{o.data.label}<Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 8 }}>{o.data.hint}</Typography.Text></span>}
                data-testid="live-target-groups"
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name={['targets', 'communityIds']} label={t('live.targetCommunities')}>
              <Select mode="multiple" allowClear showSearch={{ optionFilterProp: 'label' }} options={(communities.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))} data-testid="live-target-communities" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name={['targets', 'groupSetIds']} label={t('live.targetSets')}>
              <Select mode="multiple" allowClear showSearch={{ optionFilterProp: 'label' }} options={(sets.data?.items ?? []).map((s) => ({ value: s.id, label: `${s.name}（${s.groupCount}）` }))} data-testid="live-target-sets" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name={['targets', 'kinds']} label={t('live.targetKinds')} tooltip={t('live.filtersHelp')}>
              <Select mode="multiple" allowClear options={options(enums.groupKind)} placeholder={t('live.anyKind')} data-testid="live-target-kinds" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name={['targets', 'regions']} label={t('live.targetRegions')} tooltip={t('live.filtersHelp')}>
              <Select mode="tags" allowClear options={regions.map((r) => ({ value: r, label: r }))} placeholder={t('live.anyRegion')} data-testid="live-target-regions" />
            </Form.Item>
          </Col>
        </Row>
        <div style={{ margin: '-8px 0 16px' }} data-testid="live-target-preview" data-count={picked.length}>
          <Typography.Text type={picked.length ? undefined : 'secondary'}>{t('live.targetPreview', { count: picked.length })}</Typography.Text>
          {picked.length > 0 && (
            <div style={{ marginTop: 6, display: 'flex', flexWrap: 'wrap', gap: 4 }}>
              {picked.slice(0, 12).map((g) => <Tag key={g.id} bordered={false}>{g.name}</Tag>)}
              {picked.length > 12 && <Tag bordered={false}>+{picked.length - 12}</Tag>}
            </div>
          )}
        </div>

        <Divider titlePlacement="start" plain style={{ margin: '4px 0 12px' }}>{t('live.settings')}</Divider>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name={['settings', 'reminders']} label={t('live.reminders')} extra={scheduledAt ? undefined : t('live.remindersNeedSchedule')}>
              <Select
                mode="multiple"
                allowClear
                maxCount={5}
                options={REMINDERS.map((m) => ({ value: m, label: m >= 60 ? t('live.hoursBefore', { count: m / 60 }) : t('live.minutesBefore', { count: m }) }))}
                placeholder={t('live.noReminders')}
                data-testid="live-reminders"
              />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name={['settings', 'autoStart']} label={t('live.autoStart')} tooltip={t('live.autoStartHelp')} valuePropName="checked">
              <Switch data-testid="live-autostart" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name={['settings', 'notices']} label={t('live.notices')} tooltip={t('live.noticesHelp')} valuePropName="checked">
              <Switch data-testid="live-notices" />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}

/** A member (the main group's first) or an operator of the team. */
function PersonInput({ value, onChange, groupId }: { value?: LivePerson | null; onChange?: (v: LivePerson | null) => void; groupId: string | null }) {
  const { t } = useTranslation();
  const operators = useOperators();
  const [type, setType] = useState<LivePerson['type']>(value?.type ?? 'operator');
  return (
    <Space.Compact style={{ width: '100%' }}>
      <Select<LivePerson['type']>
        style={{ width: 112, flex: 'none' }}
        value={type}
        onChange={(v) => {
          setType(v);
          onChange?.(null);
        }}
        options={[{ value: 'operator', label: t('live.operator') }, { value: 'member', label: t('live.member') }]}
        data-testid="live-host-type"
      />
      {type === 'operator' ? (
        <Select<string>
          style={{ flex: 1 }}
          showSearch={{ optionFilterProp: 'label' }}
          value={value?.type === 'operator' ? value.id : undefined}
          onChange={(id) => onChange?.({ type: 'operator', id })}
          options={(operators.data?.items ?? []).filter((o) => !o.disabled).map((o) => ({ value: o.id, label: o.name }))}
          placeholder={t('live.pickOperator')}
          data-testid="live-host"
        />
      ) : (
        <MemberPicker groupId={groupId} value={value?.type === 'member' ? value.id : null} onChange={(id) => onChange?.(id ? { type: 'member', id } : null)} style={{ flex: 1 }} testId="live-host" />
      )}
    </Space.Compact>
  );
}

/** Members who speak (the main group's members offered first) and operators of the team; members first. */
function SpeakersInput({ value, onChange, groupId }: { value?: LivePerson[]; onChange?: (v: LivePerson[]) => void; groupId: string | null }) {
  const { t } = useTranslation();
  const operators = useOperators();
  const v = value ?? [];
  const members = v.filter((p) => p.type === 'member').map((p) => p.id);
  const ops = v.filter((p) => p.type === 'operator').map((p) => p.id);
  const set = (m: string[], o: string[]) => onChange?.([...m.map((id) => ({ type: 'member' as const, id })), ...o.map((id) => ({ type: 'operator' as const, id }))]);
  return (
    <Space orientation="vertical" size={6} style={{ width: '100%' }}>
      <MemberPicker multiple groupId={groupId} value={members} onChange={(m) => set(m, ops)} placeholder={t('live.pickMembers')} testId="live-speakers" />
      <Select<string[]>
        mode="multiple"
        allowClear
        showSearch={{ optionFilterProp: 'label' }}
        value={ops}
        onChange={(o) => set(members, o)}
        options={(operators.data?.items ?? []).filter((o) => !o.disabled).map((o) => ({ value: o.id, label: o.name }))}
        placeholder={t('live.pickOperators')}
        style={{ width: '100%' }}
        data-testid="live-speaker-operators"
      />
    </Space>
  );
}
