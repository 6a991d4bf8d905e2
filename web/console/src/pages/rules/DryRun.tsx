// 试运行: the moderation rule replayed over a group's recent messages, without acting on anyone. The form
// starts from the rule in force (the target's own, else inherited, else the defaults); change it, run it,
// and see who would have been warned, muted, removed or blacklisted, for which message and why. Settings
// that look right can be saved as the target's rule from here.
import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Collapse, Empty, Form, InputNumber, Select, Space, Table, Tag, Typography } from 'antd';
import { ExperimentOutlined, SaveOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { patch, post, type Group, type Rule } from '../../api';
import { applyFieldErrors } from '../../forms';
import { useMemberNames } from '../group/names';
import { ModerationFields, moderationToForm } from './fields/Moderation';
import { ruleDef, settingsToSave, type FormSettings, type RuleTarget } from './types';

export interface Judgement {
  activityId: string;
  memberId: string;
  groupId: string;
  at: string;
  text: string;
  reason: string;
  step: 'warn' | 'mute' | 'remove' | 'blacklist';
  ruleId: string | null;
}

export const STEP_COLOR: Record<string, string> = { warn: 'gold', mute: 'orange', remove: 'red', blacklist: 'magenta' };

export function DryRunPanel({ target, groups, settings, ownRule, canWrite }: {
  target: RuleTarget; groups: Group[]; settings: Record<string, unknown>; ownRule: Rule | null; canWrite: boolean;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ settings: FormSettings }>();
  const inTarget = useMemo(() => {
    if (target.type === 'group') return target.group ? [target.group] : [];
    return groups.filter((g) => (target.type === 'group_set' ? g.groupSetId === target.id : g.communityId === target.id));
  }, [target, groups]);
  const [groupId, setGroupId] = useState<string | undefined>(inTarget.find((g) => g.platform === 'builtin')?.id ?? inTarget[0]?.id);
  const [days, setDays] = useState<number>(7);
  const [general, setGeneral] = useState<string[]>([]);
  const [result, setResult] = useState<{ items: Judgement[]; members: number; groupId: string; days: number } | null>(null);

  const run = useMutation({
    mutationFn: async (s: Record<string, unknown>) => {
      const r = await post<{ items: Judgement[]; members: number }>('/rules/dry-run', { groupId, days, settings: s });
      return { ...r, groupId: groupId!, days };
    },
    onSuccess: (r) => setResult(r),
    onError: (e) => setGeneral(applyFieldErrors(form, e)),
  });
  const save = useMutation({
    mutationFn: (s: Record<string, unknown>) => ownRule
      ? patch<Rule>(`/rules/${ownRule.id}`, { settings: s, enabled: true })
      : post<Rule>('/rules', { type: 'communication.moderation', targetType: target.type, targetId: target.id, settings: s, enabled: true }),
    onSuccess: () => {
      message.success(t('rules.saved'));
      void qc.invalidateQueries({ queryKey: ['rules'] });
    },
    onError: (e) => setGeneral(applyFieldErrors(form, e)),
  });
  const values = async () => {
    setGeneral([]);
    await form.validateFields();
    return settingsToSave(ruleDef('communication.moderation'), settings, (form.getFieldsValue(true) as { settings: FormSettings }).settings);
  };

  return (
    <Card
      size="small"
      style={{ marginTop: 16 }}
      data-testid="dryrun"
      title={<Space><ExperimentOutlined />{t('dryRun.title')}</Space>}
    >
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>{t('dryRun.intro')}</Typography.Paragraph>
      <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 12, marginBottom: 12 }}>
        <Space size={6}>
          <span>{t('dryRun.group')}</span>
          <Select
            style={{ width: 240 }}
            value={groupId}
            onChange={setGroupId}
            showSearch={{ optionFilterProp: 'label' }}
            options={inTarget.map((g) => ({ value: g.id, label: g.name }))}
            disabled={target.type === 'group'}
            data-testid="dryrun-group"
          />
        </Space>
        <Space size={6}>
          <span>{t('dryRun.last')}</span>
          <InputNumber min={1} max={90} precision={0} value={days} onChange={(v) => setDays(v ?? 7)} style={{ width: 72 }} data-testid="dryrun-days" />
          <span>{t('dryRun.days')}</span>
        </Space>
        <Button type="primary" icon={<ExperimentOutlined />} loading={run.isPending} disabled={!groupId} onClick={() => void values().then((v) => run.mutate(v), () => {})} data-testid="dryrun-run">
          {t('dryRun.run')}
        </Button>
        {canWrite && (
          <Button icon={<SaveOutlined />} loading={save.isPending} onClick={() => void values().then((v) => save.mutate(v), () => {})} data-testid="dryrun-save">
            {ownRule ? t('dryRun.saveOwn') : t('dryRun.saveNew', { target: target.name })}
          </Button>
        )}
      </div>
      {general.length > 0 && <Alert type="error" showIcon title={general.join('；')} style={{ marginBottom: 12 }} data-testid="dryrun-error" />}
      <Form form={form} name="dryrun" layout="vertical" initialValues={{ settings: moderationToForm(settings) }} component={false}>
        <Collapse
          size="small"
          defaultActiveKey={[]}
          items={[{
            key: 'settings',
            forceRender: true,
            label: <span data-testid="dryrun-settings-toggle">{t('dryRun.settings')}</span>,
            children: <ModerationFields target={target} />,
          }]}
          style={{ marginBottom: 12 }}
        />
      </Form>
      {result ? <DryRunResults result={result} /> : <Typography.Text type="secondary">{t('dryRun.notRun')}</Typography.Text>}
    </Card>
  );
}

function DryRunResults({ result }: { result: { items: Judgement[]; members: number; groupId: string; days: number } }) {
  const { t } = useTranslation();
  const names = useMemberNames(result.groupId, result.items.map((i) => i.memberId));
  const bySteps = useMemo(() => {
    const m = new Map<string, number>();
    for (const i of result.items) m.set(i.step, (m.get(i.step) ?? 0) + 1);
    return m;
  }, [result.items]);
  if (!result.items.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dryRun.nobody', { days: result.days })} data-testid="dryrun-empty" />;
  return (
    <>
      <Space wrap style={{ marginBottom: 8 }} data-testid="dryrun-summary">
        <Typography.Text strong data-testid="dryrun-count">{t('dryRun.summary', { members: result.members, messages: result.items.length, days: result.days })}</Typography.Text>
        {[...bySteps].map(([step, n]) => <Tag key={step} color={STEP_COLOR[step]}>{t(`moderation.step.${step}`)} × {n}</Tag>)}
      </Space>
      <Table<Judgement>
        size="small"
        rowKey="activityId"
        dataSource={result.items}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        data-testid="dryrun-results"
        onRow={() => ({ 'data-testid': 'dryrun-row' }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('operate.when'), dataIndex: 'at', width: 170, render: (v: string) => new Date(v).toLocaleString() },
          {
            title: t('ruleLog.member'), dataIndex: 'memberId', width: 150,
            render: (v: string) => {
              const n = names(v);
              return <span data-testid="dryrun-member">{n?.name ?? v}{n?.number && <Typography.Text type="secondary" style={{ fontSize: 12 }}> {n.number}</Typography.Text>}</span>;
            },
          },
          { title: t('dryRun.message'), dataIndex: 'text', render: (v: string) => <Typography.Text style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{v}</Typography.Text> },
          { title: t('ruleLog.reason'), dataIndex: 'reason', width: 220 },
          { title: t('dryRun.step'), dataIndex: 'step', width: 120, render: (v: string) => <Tag color={STEP_COLOR[v]} data-testid="dryrun-step">{t(`moderation.step.${v}`)}</Tag> },
        ]}
      />
    </>
  );
}
