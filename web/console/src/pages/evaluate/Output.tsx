// 评估精进 › 活动与输出: the events held against the community's target per group per year, the community-wide
// ones (the method's floor is 3 a year) and the firms and people who supported them (its floor is 200),
// content by who made it (OGC, PGC, UGC), and the sharing sessions and live relays with the groups they
// reached; below, the supporters recorded (entered here or imported from a sheet).
import { useState } from 'react';
import { Alert, App as AntApp, AutoComplete, Button, Card, Col, DatePicker, Form, Input, InputNumber, Modal, Progress, Row, Segmented, Select, Space, Table, theme } from 'antd';
import { CalendarOutlined, CrownOutlined, EditOutlined, GlobalOutlined, PlusOutlined, TeamOutlined, VideoCameraOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { ApiError, get, post, qs, type AnalyticsOutput, type AnalyticsRoi, type EventSupporter, type Me, type SupporterImportReport } from '../../api';
import { useCommunities } from '../Groups';
import { useFormat } from './format';
import { Fig, Kpi } from './Kpis';
import { SheetImportButton, SheetImportResult, type SheetResult } from './SheetImport';
import { ScopeToolbar, useEvaluateScope } from './Toolbar';

/** The method's floor: at least three community-wide events a year. */
const WIDE_EVENTS_PER_YEAR = 3;

export function Output({ me }: { me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { token } = theme.useToken();
  const scope = useEvaluateScope(me);
  const [adding, setAdding] = useState(false);
  const [imported, setImported] = useState<SheetResult<SupporterImportReport> | null>(null);
  const allowed = me.permissions.includes('activity.read') && me.permissions.includes('community.read');
  const canWrite = me.permissions.includes('community.write');
  const q = useQuery({
    enabled: allowed && scope.ready, placeholderData: keepPreviousData, staleTime: 60_000,
    queryKey: ['analytics', 'output', scope.query], queryFn: () => get<AnalyticsOutput>(`/analytics/output${qs(scope.query)}`),
  });
  const supporters = useQuery({
    enabled: allowed, queryKey: ['event-supporters', scope.query.communityId ?? null],
    queryFn: () => get<{ items: EventSupporter[] }>(`/event-supporters${qs({ limit: 500, ...(scope.query.communityId ? { communityId: scope.query.communityId } : {}) })}`),
  });
  if (!allowed) return <Alert type="info" showIcon title={t('evaluate.noPermission')} />;
  const o = q.data;
  const years = o ? (dayjs(o.range.to).diff(dayjs(o.range.from), 'day') + 1) / 365 : 1;
  const bar = (value: number, target: number | null) => (target ? (
    <Progress percent={Math.min(100, (value / target) * 100)} showInfo={false} size="small" style={{ flex: 1, margin: 0 }} strokeColor={value >= target ? token.colorSuccess : token.colorWarning} />
  ) : null);
  const wideTarget = Math.max(1, Math.ceil(WIDE_EVENTS_PER_YEAR * years));
  const cards = o ? [
    {
      id: 'events', icon: <CalendarOutlined />, value: f.int(o.events), raw: o.events,
      extra: (
        <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
          <span style={{ whiteSpace: 'nowrap' }}>{t('evaluate.output.perGroupPerYear')} <Fig id="output-per-group" raw={o.eventsPerGroupPerYear}>{f.dec(o.eventsPerGroupPerYear, 1)}</Fig></span>
          {bar(o.eventsPerGroupPerYear, o.eventsPerGroupPerYearTarget)}
          {o.eventsPerGroupPerYearTarget !== null && <span style={{ whiteSpace: 'nowrap' }}>{t('evaluate.output.target', { n: o.eventsPerGroupPerYearTarget })}</span>}
        </div>
      ),
    },
    {
      id: 'wide', icon: <GlobalOutlined />, value: f.int(o.communityWideEvents), raw: o.communityWideEvents,
      extra: (
        <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
          {bar(o.communityWideEvents, wideTarget)}
          <span style={{ whiteSpace: 'nowrap' }}>{t('evaluate.output.wideTarget', { n: wideTarget })}</span>
        </div>
      ),
    },
    {
      id: 'supporters', icon: <CrownOutlined />, value: f.int(o.communityWideSupporters.total), raw: o.communityWideSupporters.total,
      extra: (
        <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
          <span style={{ whiteSpace: 'nowrap' }}>
            {t('evaluate.output.firms')} <Fig id="output-firms" raw={o.communityWideSupporters.firms}>{f.int(o.communityWideSupporters.firms)}</Fig>
            {' · '}{t('evaluate.output.people')} <Fig id="output-people" raw={o.communityWideSupporters.people}>{f.int(o.communityWideSupporters.people)}</Fig>
          </span>
          {bar(o.communityWideSupporters.total, o.communityWideSupporters.target)}
          <span style={{ whiteSpace: 'nowrap' }}>{t('evaluate.output.supportersTarget', { n: o.communityWideSupporters.target })}</span>
        </div>
      ),
    },
    {
      id: 'ugc', icon: <EditOutlined />, value: f.pct(o.content.ugcShare), raw: o.content.ugcShare,
      extra: <>OGC <Fig id="output-ogc" raw={o.content.OGC}>{f.int(o.content.OGC)}</Fig> · PGC <Fig id="output-pgc" raw={o.content.PGC}>{f.int(o.content.PGC)}</Fig> · UGC <Fig id="output-ugc-n" raw={o.content.UGC}>{f.int(o.content.UGC)}</Fig></>,
    },
    {
      id: 'sharing', icon: <TeamOutlined />, value: f.int(o.sharingSessions), raw: o.sharingSessions,
      extra: <>{t('evaluate.output.attendances')} <Fig id="output-attendances" raw={o.attendances}>{f.int(o.attendances)}</Fig></>,
    },
    {
      id: 'live', icon: <VideoCameraOutlined />, value: f.int(o.liveSessions), raw: o.liveSessions,
      extra: <>{t('evaluate.output.groupsReached')} <Fig id="output-groups-reached" raw={o.groupsReached}>{f.int(o.groupsReached)}</Fig></>,
    },
  ] : ['events', 'wide', 'supporters', 'ugc', 'sharing', 'live'].map((id) => ({ id, icon: null, value: null, raw: undefined, extra: null }));
  return (
    <div data-testid="evaluate-output">
      <ScopeToolbar
        me={me} scope={scope} range={o?.range} fetching={q.isFetching}
        right={canWrite ? (
          <Space>
            <SheetImportButton<SupporterImportReport>
              path="/event-supporters/import" prefix="output" label={t('evaluate.output.import')} invalidate={[['analytics', 'output'], ['event-supporters']]} onResult={setImported}
            />
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="output-add-supporter">{t('evaluate.output.add')}</Button>
          </Space>
        ) : undefined}
      />
      {q.error && <Alert type="error" showIcon title={q.error.message} style={{ marginBottom: 16 }} />}
      {imported && (
        <SheetImportResult
          result={imported} prefix="output" onClose={() => setImported(null)}
          ok={(r) => t('evaluate.output.importOk', { file: imported.file, added: r.added, duplicates: r.duplicates })}
        />
      )}
      <Row gutter={[16, 16]} data-testid="output-kpis">
        {cards.map((c) => (
          <Col xs={24} sm={12} xl={8} key={c.id}>
            <Kpi id={`output-${c.id}`} icon={c.icon} title={t(`evaluate.output.kpi.${c.id}`)} hint={t(`evaluate.output.kpi.${c.id}Hint`)} value={c.value} raw={c.raw} loading={!o}>
              {c.extra}
            </Kpi>
          </Col>
        ))}
      </Row>
      <Card title={t('evaluate.output.supporters')} size="small" style={{ marginTop: 16 }} data-testid="output-supporters">
        <Table
          size="small" rowKey="id" loading={supporters.isLoading} dataSource={supporters.data?.items ?? []} pagination={{ pageSize: 10, hideOnSinglePage: true }} scroll={{ x: 720 }}
          onRow={() => ({ 'data-testid': 'supporter-row' }) as object}
          columns={[
            { title: t('evaluate.output.col.name'), dataIndex: 'name', render: (v: string) => <span data-testid="supporter-name">{v}</span> },
            { title: t('evaluate.output.col.type'), dataIndex: 'supporterType', render: (v: string) => t(`evaluate.output.type.${v}`) },
            { title: t('evaluate.output.col.event'), dataIndex: 'eventKey' },
            { title: t('evaluate.output.col.contribution'), dataIndex: 'contribution', render: (v: string | null) => v ?? '—' },
            { title: t('evaluate.output.col.money'), dataIndex: 'amountCents', align: 'right', render: (v: number | null) => (v === null ? '—' : f.yuan(v)) },
            { title: t('evaluate.output.col.date'), dataIndex: 'supportedOn' },
          ]}
        />
      </Card>
      {adding && <SupporterForm me={me} communityId={scope.query.communityId ?? null} onClose={() => setAdding(false)} />}
    </div>
  );
}

interface SupporterFormValues { supporterType: 'firm' | 'person'; eventKey: string; name: string; communityId?: string; contribution?: string; yuan?: number; supportedOn: Dayjs }

function SupporterForm({ me, communityId, onClose }: { me: Me; communityId: string | null; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<SupporterFormValues>();
  const communities = useCommunities();
  // The events the ROI tab knows (held in the range), to pick from; any other key can be typed.
  const roi = qc.getQueriesData<AnalyticsRoi>({ queryKey: ['analytics', 'roi'] }).flatMap(([, d]) => d?.events ?? []);
  const [busy, setBusy] = useState(false);
  const submit = async (v: SupporterFormValues) => {
    setBusy(true);
    try {
      await post('/event-supporters', {
        eventKey: v.eventKey, supporterType: v.supporterType, name: v.name, communityId: v.communityId ?? null, contribution: v.contribution || null,
        amountCents: v.yuan ? Math.round(v.yuan * 100) : null, supportedOn: v.supportedOn.format('YYYY-MM-DD'),
      });
      await Promise.all([qc.invalidateQueries({ queryKey: ['analytics', 'output'] }), qc.invalidateQueries({ queryKey: ['event-supporters'] })]);
      message.success(t('evaluate.roi.saved'));
      onClose();
    } catch (e) {
      const errors = e instanceof ApiError ? e.problem.errors ?? [] : [];
      const names: Record<string, keyof SupporterFormValues> = { eventKey: 'eventKey', name: 'name', communityId: 'communityId', supportedOn: 'supportedOn', amountCents: 'yuan' };
      const known = errors.filter((x) => names[x.field.replace(/^body\./, '')]);
      if (known.length) form.setFields(known.map((x) => ({ name: names[x.field.replace(/^body\./, '')]!, errors: [x.reason] })));
      else message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={t('evaluate.output.add')} onCancel={onClose} onOk={() => form.submit()} okButtonProps={{ loading: busy, 'data-testid': 'supporter-save' } as { loading: boolean }} destroyOnHidden>
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ supporterType: 'firm', supportedOn: dayjs(), communityId: communityId ?? me.operator?.scope?.communities[0] }} data-testid="supporter-form">
        <Form.Item name="supporterType" label={t('evaluate.output.col.type')}>
          <Segmented data-testid="supporter-type" options={(['firm', 'person'] as const).map((v) => ({ value: v, label: t(`evaluate.output.type.${v}`) }))} />
        </Form.Item>
        <Form.Item name="name" label={t('evaluate.output.col.name')} rules={[{ required: true, message: t('evaluate.roi.form.required') }]}>
          <Input maxLength={100} data-testid="supporter-name-input" />
        </Form.Item>
        <Form.Item name="eventKey" label={t('evaluate.output.col.event')} rules={[{ required: true, message: t('evaluate.roi.form.required') }]}>
          <AutoComplete data-testid="supporter-event" options={[...new Map(roi.map((e) => [e.eventKey, { value: e.eventKey, label: e.name ?? e.eventKey }])).values()]} />
        </Form.Item>
        <Form.Item name="communityId" label={t('evaluate.roi.form.community')}>
          <Select allowClear placeholder={t('evaluate.roi.form.wholeWorkspace')} options={(communities.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))} />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}><Form.Item name="contribution" label={t('evaluate.output.col.contribution')}><Input maxLength={200} data-testid="supporter-contribution" /></Form.Item></Col>
          <Col span={12}><Form.Item name="yuan" label={t('evaluate.output.col.money')}><InputNumber prefix="¥" precision={2} min={0} style={{ width: '100%' }} /></Form.Item></Col>
        </Row>
        <Form.Item name="supportedOn" label={t('evaluate.output.col.date')} rules={[{ required: true }]}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
