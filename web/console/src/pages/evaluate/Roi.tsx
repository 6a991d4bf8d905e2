// 评估精进 › 投入产出: what was spent over the range (the cost ledger, entered here or imported from the finance
// sheet) beside what it brought — per campaign (clicks, the clickers' purchases within 30 days), per event (the
// attendees' purchases), per phase (budget used) and per group age (is an old group still worth its cost?).
import { useState } from 'react';
import { Alert, App as AntApp, AutoComplete, Button, Card, Col, DatePicker, Form, Input, InputNumber, Modal, Progress, Row, Segmented, Select, Space, Table, Typography } from 'antd';
import { DollarOutlined, PlusOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { ApiError, get, post, qs, type AnalyticsRoi, type CostImportReport, type CostSubject, type Me } from '../../api';
import { useAllGroups, useCommunities } from '../Groups';
import { useFormat } from './format';
import { Fig, Kpi } from './Kpis';
import { SheetImportButton, SheetImportResult, type SheetResult } from './SheetImport';
import { ScopeToolbar, useEvaluateScope } from './Toolbar';

const SUBJECTS: CostSubject[] = ['campaign', 'event', 'phase', 'group', 'other'];

export function Roi({ me }: { me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const scope = useEvaluateScope(me);
  const [adding, setAdding] = useState(false);
  const [imported, setImported] = useState<SheetResult<CostImportReport> | null>(null);
  const allowed = me.permissions.includes('activity.read') && me.permissions.includes('community.read');
  const canWrite = me.permissions.includes('community.write');
  const q = useQuery({
    enabled: allowed && scope.ready, placeholderData: keepPreviousData, staleTime: 60_000,
    queryKey: ['analytics', 'roi', scope.query], queryFn: () => get<AnalyticsRoi>(`/analytics/roi${qs(scope.query)}`),
  });
  if (!allowed) return <Alert type="info" showIcon title={t('evaluate.noPermission')} />;
  const r = q.data;
  const money = (cents: number | null) => (cents === null ? '—' : f.yuan(cents));
  const perYuan = (x: number | null) => (x === null ? '—' : `¥${x.toLocaleString(f.lang, { maximumFractionDigits: 2 })}`);
  const count = (n: number | null) => (n === null ? '—' : f.int(n));
  const spent = r?.spentInRange;
  return (
    <div data-testid="evaluate-roi">
      <ScopeToolbar
        me={me} scope={scope} range={r?.range} fetching={q.isFetching}
        right={canWrite ? (
          <Space>
            <SheetImportButton<CostImportReport> path="/costs/import" prefix="roi" label={t('evaluate.roi.import')} invalidate={[['analytics', 'roi']]} onResult={setImported} />
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="roi-add-cost">{t('evaluate.roi.add')}</Button>
          </Space>
        ) : undefined}
      />
      {q.error && <Alert type="error" showIcon title={q.error.message} style={{ marginBottom: 16 }} />}
      {imported && (
        <SheetImportResult
          result={imported} prefix="roi" onClose={() => setImported(null)}
          ok={(r) => t('evaluate.roi.importOk', { file: imported.file, added: r.added, duplicates: r.duplicates, total: f.yuan(r.totalCents) })}
        />
      )}
      <Row gutter={[16, 16]} data-testid="roi-kpis">
        <Col xs={24} sm={12} xl={8}>
          <Kpi id="roi-spent" icon={<DollarOutlined />} title={t('evaluate.roi.spent')} hint={t('evaluate.roi.spentHint')} value={spent ? f.yuan(spent.totalCents) : null} raw={spent?.totalCents} loading={!r}>
            {spent && (
              <span>
                {(['campaign', 'event', 'phase', 'group', 'other'] as const).filter((k) => spent[`${k}Cents`]).map((k, i) => (
                  <span key={k}>{i > 0 && ' · '}{t(`evaluate.roi.subject.${k}`)} <Fig id={`roi-spent-${k}`} raw={spent[`${k}Cents`]}>{f.yuan(spent[`${k}Cents`])}</Fig></span>
                ))}
              </span>
            )}
          </Kpi>
        </Col>
        <Col xs={24} sm={12} xl={16}>
          <Card size="small" style={{ height: '100%' }} styles={{ body: { padding: '14px 20px' } }}>
            <Typography.Text type="secondary">{t('evaluate.roi.method', { days: r?.attributionDays ?? 30 })}</Typography.Text>
          </Card>
        </Col>
      </Row>

      <Card title={t('evaluate.roi.campaigns')} size="small" style={{ marginTop: 16 }} data-testid="roi-campaigns">
        <Table
          size="small" rowKey="campaign" pagination={false} loading={!r} dataSource={r?.campaigns ?? []} scroll={{ x: 900 }}
          onRow={() => ({ 'data-testid': 'roi-campaign-row' }) as object}
          columns={[
            { title: t('evaluate.roi.col.campaign'), dataIndex: 'campaign', render: (v: string) => <span data-testid="roi-campaign-name">{v}</span> },
            { title: t('evaluate.roi.col.links'), dataIndex: 'links', align: 'right' },
            { title: t('evaluate.roi.col.clicks'), dataIndex: 'clicks', align: 'right', render: (v: number) => f.int(v) },
            { title: t('evaluate.roi.col.clickers'), dataIndex: 'clickers', align: 'right', render: count },
            { title: t('evaluate.roi.col.cost'), dataIndex: 'costCents', align: 'right', render: (v: number) => <span data-testid="roi-campaign-cost">{money(v)}</span> },
            { title: t('evaluate.roi.col.costPerClick'), dataIndex: 'costPerClickCents', align: 'right', render: money },
            { title: t('evaluate.roi.col.buyers'), dataIndex: 'buyers', align: 'right', render: count },
            { title: t('evaluate.roi.col.revenue'), dataIndex: 'revenueCents', align: 'right', render: (v: number | null) => <span data-testid="roi-campaign-revenue">{money(v)}</span> },
            { title: t('evaluate.roi.col.perYuan'), dataIndex: 'salesPerYuan', align: 'right', render: (v: number | null) => <span data-testid="roi-campaign-per-yuan">{perYuan(v)}</span> },
          ]}
        />
      </Card>

      <Card title={t('evaluate.roi.events')} size="small" style={{ marginTop: 16 }} data-testid="roi-events">
        <Table
          size="small" rowKey="eventKey" loading={!r} dataSource={r?.events ?? []} scroll={{ x: 900 }} pagination={{ pageSize: 10, hideOnSinglePage: true }}
          onRow={() => ({ 'data-testid': 'roi-event-row' }) as object}
          columns={[
            { title: t('evaluate.roi.col.event'), dataIndex: 'eventKey', render: (k: string, e) => e.name ?? k },
            { title: t('evaluate.roi.col.heldOn'), dataIndex: 'heldOn', render: (v: string) => dayjs(v).format('YYYY-MM-DD') },
            { title: t('evaluate.roi.col.attendees'), dataIndex: 'attendees', align: 'right', render: count },
            { title: t('evaluate.roi.col.cost'), dataIndex: 'costCents', align: 'right', render: money },
            { title: t('evaluate.roi.col.costPerAttendee'), dataIndex: 'costPerAttendeeCents', align: 'right', render: money },
            { title: t('evaluate.roi.col.buyers'), dataIndex: 'buyers', align: 'right', render: count },
            { title: t('evaluate.roi.col.revenue'), dataIndex: 'revenueCents', align: 'right', render: money },
            { title: t('evaluate.roi.col.perYuan'), dataIndex: 'salesPerYuan', align: 'right', render: perYuan },
          ]}
        />
      </Card>

      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} xl={10}>
          <Card title={t('evaluate.roi.phases')} size="small" style={{ height: '100%' }} data-testid="roi-phases">
            <Table
              size="small" rowKey="phaseId" pagination={false} loading={!r} dataSource={r?.phases ?? []}
              onRow={() => ({ 'data-testid': 'roi-phase-row' }) as object}
              columns={[
                { title: t('evaluate.roi.col.phase'), dataIndex: 'name', render: (v: string, p) => <><div>{v}</div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{p.startsOn} ~ {p.endsOn}</Typography.Text></> },
                { title: t('evaluate.roi.col.budget'), dataIndex: 'budgetCents', align: 'right', render: money },
                { title: t('evaluate.roi.col.spent'), dataIndex: 'costCents', align: 'right', render: (v: number) => <span data-testid="roi-phase-spent">{money(v)}</span> },
                {
                  title: t('evaluate.roi.col.budgetUsed'), dataIndex: 'budgetUsed', width: 140,
                  render: (v: number | null) => (v === null ? '—' : <Progress percent={Math.round(v * 100)} size="small" status={v > 1 ? 'exception' : 'normal'} />),
                },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card title={t('evaluate.roi.lifecycle')} size="small" style={{ height: '100%' }} data-testid="roi-lifecycle">
            <Table
              size="small" rowKey="band" pagination={false} loading={!r} dataSource={r?.lifecycle ?? []} scroll={{ x: 640 }}
              onRow={() => ({ 'data-testid': 'roi-band-row' }) as object}
              columns={[
                { title: t('evaluate.roi.col.age'), dataIndex: 'band', render: (v: string) => t(`evaluate.roi.band.${v}`) },
                { title: t('evaluate.roi.col.groups'), dataIndex: 'groups', align: 'right', render: (v: number) => <span data-testid="roi-band-groups">{f.int(v)}</span> },
                { title: t('evaluate.roi.col.messagesPerSeat'), dataIndex: 'messagesPerSeat', align: 'right', render: (v: number) => f.dec(v, 1) },
                { title: t('evaluate.roi.col.score'), dataIndex: 'meanScore', align: 'right', render: (v: number | null) => (v === null ? '—' : f.dec(v, 0)) },
                { title: t('evaluate.roi.col.revenue'), dataIndex: 'revenueCents', align: 'right', render: money },
                { title: t('evaluate.roi.col.cost'), dataIndex: 'costCents', align: 'right', render: money },
                { title: t('evaluate.roi.col.perYuan'), dataIndex: 'salesPerYuan', align: 'right', render: perYuan },
              ]}
            />
          </Card>
        </Col>
      </Row>
      {adding && <CostForm me={me} communityId={scope.query.communityId ?? null} roi={r} onClose={() => setAdding(false)} />}
    </div>
  );
}

interface CostFormValues { subject: CostSubject; key?: string; communityId?: string; spentOn: Dayjs; yuan: number; category?: string; note?: string }

function CostForm({ me, communityId, roi, onClose }: { me: Me; communityId: string | null; roi: AnalyticsRoi | undefined; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<CostFormValues>();
  const subject = Form.useWatch('subject', form) ?? 'campaign';
  const communities = useCommunities();
  const groups = useAllGroups();
  const phases = useQuery({ queryKey: ['phases', 'all'], queryFn: () => get<{ items: { id: string; name: string; communityId: string }[] }>('/phases') });
  const [busy, setBusy] = useState(false);
  const submit = async (v: CostFormValues) => {
    setBusy(true);
    try {
      await post('/costs', {
        subject: v.subject, subjectKey: v.subject === 'other' ? '' : v.key ?? '', spentOn: v.spentOn.format('YYYY-MM-DD'), amountCents: Math.round(v.yuan * 100),
        ...(v.subject === 'phase' || v.subject === 'group' ? {} : { communityId: v.communityId ?? null }), category: v.category || null, note: v.note || null,
      });
      await qc.invalidateQueries({ queryKey: ['analytics', 'roi'] });
      message.success(t('evaluate.roi.saved'));
      onClose();
    } catch (e) {
      const errors = e instanceof ApiError ? e.problem.errors ?? [] : [];
      const field = (name: string) => ({ subjectKey: 'key', amountCents: 'yuan', spentOn: 'spentOn', communityId: 'communityId' } as Record<string, keyof CostFormValues>)[name.replace(/^body\./, '')];
      const known = errors.filter((x) => field(x.field));
      if (known.length) form.setFields(known.map((x) => ({ name: field(x.field)!, errors: [x.reason] })));
      else message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const keyInput = subject === 'phase'
    ? <Select showSearch optionFilterProp="label" data-testid="cost-key" options={(phases.data?.items ?? []).map((p) => ({ value: p.id, label: p.name }))} />
    : subject === 'group'
      ? <Select showSearch optionFilterProp="label" data-testid="cost-key" options={(groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))} />
      : <AutoComplete data-testid="cost-key" options={((subject === 'campaign' ? roi?.campaigns.map((c) => c.campaign) : roi?.events.map((e) => e.eventKey)) ?? []).map((v) => ({ value: v }))} />;
  return (
    <Modal open title={t('evaluate.roi.add')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: busy, 'data-testid': 'cost-save' } as { loading: boolean }} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ subject: 'campaign', spentOn: dayjs(), communityId: communityId ?? me.operator?.scope?.communities[0] }} data-testid="cost-form">
        <Form.Item name="subject" label={t('evaluate.roi.form.subject')}>
          <Segmented data-testid="cost-subject" options={SUBJECTS.map((s) => ({ value: s, label: t(`evaluate.roi.subject.${s}`) }))} onChange={() => form.setFieldValue('key', undefined)} />
        </Form.Item>
        {subject !== 'other' && (
          <Form.Item name="key" label={t(`evaluate.roi.form.key.${subject}`)} rules={[{ required: true, message: t('evaluate.roi.form.required') }]}>
            {keyInput}
          </Form.Item>
        )}
        {(subject === 'campaign' || subject === 'event' || subject === 'other') && (
          <Form.Item name="communityId" label={t('evaluate.roi.form.community')}>
            <Select allowClear placeholder={t('evaluate.roi.form.wholeWorkspace')} data-testid="cost-community" options={(communities.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))} />
          </Form.Item>
        )}
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="spentOn" label={t('evaluate.roi.form.spentOn')} rules={[{ required: true }]}>
              <DatePicker style={{ width: '100%' }} data-testid="cost-date" />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item name="yuan" label={t('evaluate.roi.form.amount')} rules={[{ required: true, message: t('evaluate.roi.form.required') }]}>
              <InputNumber prefix="¥" precision={2} style={{ width: '100%' }} data-testid="cost-amount" />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={12}>
          <Col span={12}><Form.Item name="category" label={t('evaluate.roi.form.category')}><Input maxLength={50} data-testid="cost-category" /></Form.Item></Col>
          <Col span={12}><Form.Item name="note" label={t('evaluate.roi.form.note')}><Input maxLength={500} data-testid="cost-note" /></Form.Item></Col>
        </Row>
      </Form>
    </Modal>
  );
}
