// 评估精进 › 计划与实际: the community's project plan (计划书) and plan vs actual. A plan picker and 从模板新建
// (the method's three-year plan: name, community, first month); the plan's book (year targets, quarterly
// milestones, risks) and its tracking (measures × months, quarters or years, plan against actual with a
// status; a chart of one measure; what is behind plan, on top). Planners, admins and owners (community.write)
// edit a plan (its targets, milestones and risks), enter a month's actuals, import a finance sheet and delete
// a plan; the others read. The plan, the view and
// the period are in the address (plan=, view=book, track=quarter|year).
import { useState } from 'react';
import { Alert, App as AntApp, Button, Card, DatePicker, Descriptions, Empty, Form, Input, Modal, Popconfirm, Segmented, Select, Skeleton, Space, Tag, Typography } from 'antd';
import { DeleteOutlined, DownloadOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { del, get, post, type ActualsImportReport, type Me, type Plan, type PlanTemplate, type PlanTracking, type TrackingPeriod } from '../../api';
import { useSearchParam } from '../../router';
import { useCommunities } from '../Groups';
import { ActualsDrawer, downloadSheet } from './plan/Actuals';
import { SheetImportButton, SheetImportResult, type SheetResult } from './SheetImport';
import { useMetricFormat } from './plan/metrics';
import { PlanBook } from './plan/PlanBook';
import { PlanEditor } from './plan/PlanEditor';
import { TrackingChart, TrackingTable } from './plan/Tracking';

const PERIODS: TrackingPeriod[] = ['month', 'quarter', 'year'];

export function PlanTab({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [planParam, setPlanParam] = useSearchParam('plan');
  const [creating, setCreating] = useState(false);
  const canRead = me.permissions.includes('community.read');
  const canWrite = me.permissions.includes('community.write');
  const plans = useQuery({ enabled: canRead, queryKey: ['plans'], queryFn: () => get<{ items: Plan[] }>('/plans') });
  if (!canRead) return <Alert type="info" showIcon title={t('evaluate.plan.noPermission')} />;
  const items = plans.data?.items ?? [];
  const id = planParam && items.some((p) => p.id === planParam) ? planParam : items[0]?.id ?? null;

  return (
    <div data-testid="evaluate-plan">
      <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 12, marginBottom: 16 }}>
        <Select
          data-testid="plan-picker"
          style={{ width: 360 }}
          loading={plans.isPending}
          value={id ?? undefined}
          placeholder={t('evaluate.plan.pick')}
          onChange={(v: string) => setPlanParam(v)}
          options={items.map((p) => ({ value: p.id, label: `${p.name}（${p.startMonth} – ${p.endMonth}）` }))}
          prefix={<span style={{ color: 'rgba(0,0,0,.45)' }}>{t('evaluate.plan.label')}</span>}
          notFoundContent={t('evaluate.plan.none')}
        />
        {canWrite && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="plan-new">{t('evaluate.plan.new')}</Button>}
      </div>
      {plans.error && <Alert type="error" showIcon title={plans.error.message} style={{ marginBottom: 16 }} />}
      {plans.isPending ? <Skeleton active /> : id ? (
        <PlanView key={id} id={id} canWrite={canWrite} onDeleted={() => setPlanParam(null)} />
      ) : (
        <Card>
          <Empty data-testid="plan-empty" description={t('evaluate.plan.emptyText')}>
            {canWrite && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('evaluate.plan.new')}</Button>}
          </Empty>
        </Card>
      )}
      {creating && <CreatePlan onClose={() => setCreating(false)} onCreated={(p) => { setCreating(false); setPlanParam(p.id); }} />}
    </div>
  );
}

function PlanView({ id, canWrite, onDeleted }: { id: string; canWrite: boolean; onDeleted: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const m = useMetricFormat();
  const communities = useCommunities();
  const [viewParam, setView] = useSearchParam('view');
  const [trackParam, setTrack] = useSearchParam('track');
  const view = viewParam === 'book' ? 'book' : 'tracking';
  const period: TrackingPeriod = PERIODS.includes(trackParam as TrackingPeriod) ? (trackParam as TrackingPeriod) : 'month';
  const [metric, setMetric] = useState('turnoverCents');
  const [entering, setEntering] = useState(false);
  const [editing, setEditing] = useState(false);
  const [imported, setImported] = useState<SheetResult<ActualsImportReport> | null>(null);
  const plan = useQuery({ queryKey: ['plans', id], queryFn: () => get<Plan>(`/plans/${id}`) });
  const tracking = useQuery({ queryKey: ['plans', id, 'tracking', period], queryFn: () => get<PlanTracking>(`/plans/${id}/tracking?period=${period}`) });
  // The month view feeds the form (each month's stored actuals and plan).
  const monthly = useQuery({ enabled: entering || period === 'month', queryKey: ['plans', id, 'tracking', 'month'], queryFn: () => get<PlanTracking>(`/plans/${id}/tracking?period=month`) });
  const p = plan.data;
  const tr = tracking.data;
  if (plan.error) return <Alert type="error" showIcon title={plan.error.message} />;
  if (!p) return <Skeleton active />;

  const remove = async () => {
    try {
      await del(`/plans/${id}`);
      message.success(t('evaluate.plan.deleted', { name: p.name }));
      qc.removeQueries({ queryKey: ['plans', id] });
      await qc.invalidateQueries({ queryKey: ['plans'] });
      onDeleted();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  const community = p.communityId ? communities.data?.items.find((c) => c.id === p.communityId)?.name ?? p.communityId : null;
  const behindLabel = (key: string) => tr?.periods.find((x) => x.key === key)?.label ?? key;

  return (
    <div data-testid="plan-view" data-id={p.id}>
      {tr && tr.behind.length > 0 && (
        <Alert
          data-testid="plan-behind"
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('evaluate.plan.behind', { period: behindLabel(tr.behind[0]!.period), n: tr.behind.length })}
          description={(
            <ul style={{ margin: 0, paddingLeft: 18, columns: tr.behind.length > 4 ? 2 : 1 }}>
              {tr.behind.map((b) => (
                <li key={b.metric} data-testid="plan-behind-item" data-metric={b.metric}>
                  <strong>{m.name(b.metric)}</strong>
                  {'：'}
                  {t('evaluate.plan.behindItem', { actual: m.fig(b.metric, b.actual), plan: m.fig(b.metric, b.plan), pct: m.f.pct(b.ratio, 0) })}
                </li>
              ))}
            </ul>
          )}
        />
      )}
      <Card
        size="small"
        style={{ marginBottom: 16 }}
        styles={{ body: { padding: '12px 20px' } }}
      >
        <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', justifyContent: 'space-between', gap: 12 }}>
          <div>
            <Typography.Title level={4} style={{ margin: 0 }} data-testid="plan-name">{p.name}</Typography.Title>
            <Descriptions
              size="small"
              column={{ xs: 1, md: 3 }}
              style={{ marginTop: 6 }}
              items={[
                { key: 'span', label: t('evaluate.plan.span'), children: <span data-testid="plan-span">{p.startMonth} – {p.endMonth}</span> },
                { key: 'community', label: t('evaluate.plan.community'), children: community ?? t('evaluate.plan.allCommunities') },
                { key: 'template', label: t('evaluate.plan.template'), children: p.template ? <Tag>{p.template}</Tag> : '—' },
              ]}
            />
          </div>
          <Space wrap>
            <Segmented<'tracking' | 'book'>
              data-testid="plan-view-switch"
              value={view}
              onChange={(v) => setView(v === 'tracking' ? null : v)}
              options={[
                { value: 'tracking', label: <span data-testid="plan-view-tracking">{t('evaluate.plan.viewTracking')}</span> },
                { value: 'book', label: <span data-testid="plan-view-book">{t('evaluate.plan.viewBook')}</span> },
              ]}
            />
            {canWrite && <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="plan-edit">{t('common.edit')}</Button>}
            {canWrite && (
              <Popconfirm
                title={t('evaluate.plan.deleteConfirm', { name: p.name })}
                description={t('evaluate.plan.deleteHint')}
                okText={t('common.delete')}
                cancelText={t('common.cancel')}
                okButtonProps={{ danger: true, ...({ 'data-testid': 'plan-delete-ok' } as Record<string, string>) }}
                onConfirm={() => remove()}
              >
                <Button danger icon={<DeleteOutlined />} data-testid="plan-delete">{t('common.delete')}</Button>
              </Popconfirm>
            )}
          </Space>
        </div>
      </Card>

      {canWrite && editing && <PlanEditor plan={p} open onClose={() => setEditing(false)} />}
      {view === 'book' ? <PlanBook plan={p} /> : (
        <>
          {imported && (
            <SheetImportResult
              result={imported} prefix="plan" onClose={() => setImported(null)}
              ok={(r) => t('evaluate.plan.import.ok', { file: imported.file, rows: r.rows, entries: r.entries, months: r.months.join('、') })}
            />
          )}
          <TrackingTable
            tracking={tr}
            period={period}
            onPeriod={(x) => setTrack(x === 'month' ? null : x)}
            extra={canWrite && (
              <>
                <Button icon={<EditOutlined />} onClick={() => setEntering(true)} data-testid="plan-enter">{t('evaluate.plan.enter.button')}</Button>
                <SheetImportButton<ActualsImportReport>
                  path={`/plans/${p.id}/actuals/import`} prefix="plan" label={t('evaluate.plan.import.button')} invalidate={[['plans', p.id, 'tracking']]} onResult={setImported}
                />
                <Button type="text" icon={<DownloadOutlined />} onClick={() => downloadSheet(p, m.name)} data-testid="plan-sheet">{t('evaluate.plan.import.sheet')}</Button>
              </>
            )}
          />
          {tracking.error && <Alert type="error" showIcon title={tracking.error.message} style={{ marginTop: 16 }} />}
          <div style={{ marginTop: 16 }}>
            <TrackingChart tracking={tr} metric={metric} onMetric={setMetric} />
          </div>
          {canWrite && <ActualsDrawer plan={p} monthly={monthly.data} open={entering} onClose={() => setEntering(false)} />}
        </>
      )}
    </div>
  );
}

/** 从模板新建: a template, a name, a community (or the whole workspace) and the first month. */
function CreatePlan({ onClose, onCreated }: { onClose: () => void; onCreated: (p: Plan) => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const communities = useCommunities();
  const templates = useQuery({ queryKey: ['plan-templates'], queryFn: () => get<{ items: PlanTemplate[] }>('/plan-templates'), staleTime: Infinity });
  const [form] = Form.useForm<{ templateKey: string; name: string; communityId?: string; startMonth: Dayjs }>();
  const [saving, setSaving] = useState(false);
  const tpl = templates.data?.items ?? [];
  const picked = Form.useWatch('templateKey', form) ?? tpl[0]?.key;
  const submit = async () => {
    const v = await form.validateFields();
    setSaving(true);
    try {
      const p = await post<Plan>('/plans', {
        name: v.name.trim(), templateKey: v.templateKey ?? tpl[0]?.key, communityId: v.communityId ?? null, startMonth: v.startMonth.format('YYYY-MM'),
      });
      await qc.invalidateQueries({ queryKey: ['plans'] });
      message.success(t('evaluate.plan.created', { name: p.name }));
      onCreated(p);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setSaving(false);
    }
  };
  return (
    <Modal
      open
      title={t('evaluate.plan.new')}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={t('evaluate.plan.create')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ 'data-testid': 'plan-create-ok' } as Record<string, string>}
      width={560}
      destroyOnHidden
    >
      <Form
        form={form}
        layout="vertical"
        requiredMark={false}
        data-testid="plan-create-form"
        initialValues={{ startMonth: dayjs().startOf('year'), name: t('evaluate.plan.defaultName', { year: dayjs().year() }) }}
      >
        <Form.Item name="templateKey" label={t('evaluate.plan.template')} extra={tpl.find((x) => x.key === picked)?.description}>
          <Select
            data-testid="plan-template"
            loading={templates.isPending}
            placeholder={tpl[0]?.name}
            options={tpl.map((x) => ({ value: x.key, label: x.name }))}
          />
        </Form.Item>
        <Form.Item name="name" label={t('evaluate.plan.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }, { max: 100 }]}>
          <Input data-testid="plan-name-input" maxLength={100} />
        </Form.Item>
        <Form.Item name="communityId" label={t('evaluate.plan.community')} extra={t('evaluate.plan.communityHint')}>
          <Select
            data-testid="plan-community"
            allowClear
            placeholder={t('evaluate.plan.allCommunities')}
            loading={communities.isPending}
            options={(communities.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
          />
        </Form.Item>
        <Form.Item name="startMonth" label={t('evaluate.plan.startMonth')} rules={[{ required: true, message: t('common.required') }]}>
          <DatePicker data-testid="plan-start" picker="month" style={{ width: 200 }} allowClear={false} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
