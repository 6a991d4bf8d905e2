// 评估精进 › 报告: the report of a range (a week, a phase, an event, a campaign) for the workspace, a community
// or a group, against the range before — what the figures say in sentences, the headline figures with their
// change, the days, the funnel, the groups to praise and to watch, the team — as a page to print (打印 /
// 导出 PDF: the browser prints it with the print stylesheet in index.css, A4 portrait) or a workbook (XLSX).
// The weekly reports the engine keeps open from the list (week= in the address). A phase picked (phase= in the
// address) gives the phase's report: its community and dates, and its targets beside the outcome.
import type { ReactNode } from 'react';
import { Alert, Button, Card, Col, Empty, List, Row, Select, Skeleton, Space, Table, Tag, Typography, theme } from 'antd';
import { FileExcelOutlined, PrinterOutlined, RollbackOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { get, qs, type AnalyticsReport, type GroupHealth, type Me, type Phase, type TeamCard, type WeeklyReportRef } from '../../api';
import { useSearchParam } from '../../router';
import { ActivityCard } from './Charts';
import { useFormat, type Format } from './format';
import { ScopeToolbar, useEvaluateScope } from './Toolbar';

type KpiRow = { key: string; now: number; before: number; show: (n: number) => string; rate?: boolean };

export function Report({ me }: { me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const scope = useEvaluateScope(me);
  const [week, setWeek] = useSearchParam('week');
  const allowed = me.permissions.includes('activity.read') && me.permissions.includes('member.read');
  // Weekly reports are kept for the workspace and each community.
  const keptScope = scope.groupId ? null : scope.communityId ? { communityId: scope.communityId } : {};
  const kept = useQuery({
    enabled: allowed && scope.ready && keptScope !== null, staleTime: 60_000,
    queryKey: ['analytics', 'reports', keptScope], queryFn: () => get<{ items: WeeklyReportRef[] }>(`/analytics/reports${qs(keptScope ?? {})}`),
  });
  const [phaseParam, setPhase] = useSearchParam('phase');
  const phases = useQuery({
    enabled: allowed && me.permissions.includes('community.read'), staleTime: 60_000,
    queryKey: ['phases'], queryFn: () => get<{ items: Phase[] }>('/phases'),
  });
  // The community's phases (all of them for the workspace); a group's report has none to pick.
  const pickable = scope.groupId ? [] : (phases.data?.items ?? []).filter((p) => !scope.communityId || p.communityId === scope.communityId);
  const phase = phaseParam && pickable.some((p) => p.id === phaseParam) ? phaseParam : null;
  const showKept = !!week && keptScope !== null && !phase;
  const liveQuery = phase ? { phaseId: phase } : scope.query;
  const live = useQuery({
    enabled: allowed && scope.ready && !showKept, placeholderData: keepPreviousData, staleTime: 60_000,
    queryKey: ['analytics', 'report', liveQuery], queryFn: () => get<AnalyticsReport>(`/analytics/report${qs(liveQuery)}`),
  });
  const old = useQuery({
    enabled: allowed && showKept, staleTime: 300_000,
    queryKey: ['analytics', 'reports', keptScope, week], queryFn: () => get<AnalyticsReport>(`/analytics/reports/${week}${qs(keptScope ?? {})}`),
  });
  if (!allowed) return <Alert type="info" showIcon title={t('evaluate.noPermission')} />;
  const q = showKept ? old : live;
  const r = q.data;
  const xlsx = showKept ? `/api/v1/analytics/reports/${week}/xlsx${qs(keptScope ?? {})}` : `/api/v1/analytics/report.xlsx${qs(liveQuery)}`;

  return (
    <div data-testid="evaluate-report">
      <div className="shequn-no-print">
        <ScopeToolbar
          me={me} scope={scope} range={showKept ? undefined : r?.range} fetching={q.isFetching} withRange={!showKept && !phase}
          right={(
            <Space wrap>
              {pickable.length > 0 && (
                <Select
                  data-testid="report-phase"
                  allowClear
                  style={{ width: 260 }}
                  value={phase ?? undefined}
                  placeholder={t('evaluate.report.phasePick')}
                  onChange={(v?: string) => {
                    setWeek(null);
                    setPhase(v ?? null);
                  }}
                  options={pickable.map((p) => ({ value: p.id, label: `${p.name}（${p.startsOn} – ${p.endsOn}）` }))}
                />
              )}
              {showKept && (
                <Button icon={<RollbackOutlined />} onClick={() => setWeek(null)} data-testid="report-back-live">{t('evaluate.report.backToRange')}</Button>
              )}
              <Button icon={<FileExcelOutlined />} href={xlsx} disabled={!r} data-testid="report-xlsx">{t('evaluate.report.xlsx')}</Button>
              <Button type="primary" icon={<PrinterOutlined />} disabled={!r} onClick={() => window.print()} data-testid="report-print">{t('evaluate.report.print')}</Button>
            </Space>
          )}
        />
      </div>
      {q.error && <Alert type="error" showIcon title={q.error.message} style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]} wrap={false} className="shequn-report-layout">
        <Col flex="auto" style={{ minWidth: 0 }}>
          {!r ? <Card><Skeleton active paragraph={{ rows: 12 }} /></Card> : <ReportPage r={r} kept={showKept ? week : null} />}
        </Col>
        <Col flex="260px" className="shequn-no-print">
          <Card data-testid="report-kept" size="small" title={t('evaluate.report.kept')}>
            {keptScope === null ? (
              <Typography.Text type="secondary">{t('evaluate.report.keptGroup')}</Typography.Text>
            ) : (
              <List
                size="small"
                loading={kept.isPending}
                dataSource={kept.data?.items ?? []}
                locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('evaluate.report.keptNone')} /> }}
                renderItem={(k) => (
                  <List.Item style={{ paddingInline: 4, background: k.week === week ? '#fff2e8' : undefined }} data-testid="report-kept-item" data-week={k.week}>
                    <a onClick={() => setWeek(k.week)} style={{ fontVariantNumeric: 'tabular-nums' }}>{t('evaluate.report.weekOf', { from: k.from, to: k.to })}</a>
                  </List.Item>
                )}
              />
            )}
            <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0', fontSize: 12 }}>{t('evaluate.report.keptHint')}</Typography.Paragraph>
          </Card>
        </Col>
      </Row>
    </div>
  );
}

/** The report itself: what prints. */
function ReportPage({ r, kept }: { r: AnalyticsReport; kept: string | null }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { token } = theme.useToken();
  const o = r.overview;
  const p = r.previousOverview;
  const rows: KpiRow[] = [
    { key: 'people', now: o.scale.people, before: p.scale.people, show: f.int },
    { key: 'seats', now: o.scale.seats, before: p.scale.seats, show: f.int },
    { key: 'joins', now: o.scale.joins, before: p.scale.joins, show: f.int },
    { key: 'leaves', now: o.scale.leaves, before: p.scale.leaves, show: f.int },
    { key: 'netGrowth', now: o.scale.netGrowth, before: p.scale.netGrowth, show: f.signed },
    { key: 'messages', now: o.activity.messages, before: p.activity.messages, show: f.int },
    { key: 'activities', now: o.activity.activities, before: p.activity.activities, show: f.int },
    { key: 'weeklyActive', now: o.activity.weeklyActive, before: p.activity.weeklyActive, show: f.int },
    { key: 'monthlyActive', now: o.activity.monthlyActive, before: p.activity.monthlyActive, show: f.int },
    { key: 'activeRate', now: o.activity.activeMemberRate, before: p.activity.activeMemberRate, show: (n) => f.pct(n), rate: true },
    { key: 'purchases', now: o.revenue.purchases, before: p.revenue.purchases, show: f.int },
    { key: 'revenue', now: o.revenue.amountCents, before: p.revenue.amountCents, show: f.yuan },
    { key: 'perMember', now: o.revenue.perMemberCents, before: p.revenue.perMemberCents, show: f.yuan },
  ];
  const scopeName = r.scope.kind === 'workspace' ? t('evaluate.scope.workspace') : r.scope.name ?? '';
  return (
    <Card className="shequn-report" data-testid="report-page" styles={{ body: { padding: '28px 32px' } }}>
      <header style={{ borderBottom: `2px solid ${token.colorPrimary}`, paddingBottom: 12, marginBottom: 20 }}>
        <Typography.Title level={2} style={{ margin: 0 }} data-testid="report-title">
          {r.phase ? t('evaluate.report.phaseTitle', { phase: r.phase.name, scope: scopeName }) : t('evaluate.report.title', { scope: scopeName })}
          {kept && <Tag color="orange" style={{ marginInlineStart: 12, verticalAlign: 'middle' }}>{t('evaluate.report.keptTag')}</Tag>}
        </Typography.Title>
        <Typography.Text type="secondary" data-testid="report-range">
          {t('evaluate.report.range', { from: r.range.from, to: r.range.to, pfrom: r.previous.from, pto: r.previous.to, timezone: r.range.timezone })}
        </Typography.Text>
      </header>

      <Section title={t('evaluate.report.summary')}>
        <ul data-testid="report-summary" style={{ margin: 0, paddingInlineStart: 20, lineHeight: 1.9, fontSize: 15 }}>
          {r.summary.map((s, i) => <li key={i} data-testid="report-summary-line">{s}</li>)}
        </ul>
      </Section>

      {r.phase && <PhaseSection phase={r.phase} f={f} />}

      <Section title={t('evaluate.report.figures')}>
        <Table<KpiRow>
          data-testid="report-kpis"
          className="shequn-report-table"
          size="small"
          rowKey="key"
          pagination={false}
          bordered
          dataSource={rows}
          onRow={(x) => ({ 'data-testid': 'report-kpi', 'data-key': x.key }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { key: 'metric', title: t('evaluate.report.col.metric'), render: (_, x) => t(`evaluate.report.metric.${x.key}`) },
            { key: 'now', title: t('evaluate.report.col.now'), align: 'right', render: (_, x) => <strong data-testid="report-kpi-now">{x.show(x.now)}</strong> },
            { key: 'before', title: t('evaluate.report.col.before'), align: 'right', render: (_, x) => x.show(x.before) },
            { key: 'change', title: t('evaluate.report.col.change'), align: 'right', render: (_, x) => <Change f={f} now={x.now} before={x.before} rate={x.rate} /> },
          ]}
        />
      </Section>

      <Section title={t('evaluate.report.daily')}>
        <div className="shequn-report-chart">
          <ActivityCard overview={o} height={260} />
        </div>
      </Section>

      <Section title={t('evaluate.report.funnel')}>
        <Table
          data-testid="report-funnel"
          className="shequn-report-table"
          size="small"
          rowKey="stage"
          pagination={false}
          bordered
          dataSource={r.funnel}
          columns={[
            { key: 'stage', title: t('evaluate.funnel.stage'), render: (_, s) => t(`evaluate.stage.${s.stage}`) },
            { key: 'reached', title: t('evaluate.funnel.reached'), align: 'right', render: (_, s) => f.int(s.reachedInRange) },
            { key: 'cohort', title: t('evaluate.funnel.fromCohort'), align: 'right', render: (_, s) => f.int(s.fromJoinCohort) },
            { key: 'conversion', title: t('evaluate.funnel.conversion'), align: 'right', render: (_, s) => f.pct(s.conversionFromJoin) },
            { key: 'days', title: t('evaluate.funnel.meanDays'), align: 'right', render: (_, s) => (s.meanDaysFromJoin === null ? '—' : t('evaluate.funnel.days', { n: f.dec(s.meanDaysFromJoin, 1) })) },
          ]}
        />
      </Section>

      <Section title={t('evaluate.report.groups', { n: f.int(r.groups.count) })}>
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={12} className="shequn-report-half">
            <Typography.Text strong style={{ color: token.colorSuccess }}>{t('evaluate.report.best')}</Typography.Text>
            <GroupTable testId="report-best" items={r.groups.best} f={f} />
          </Col>
          <Col xs={24} lg={12} className="shequn-report-half">
            <Typography.Text strong style={{ color: token.colorError }}>{t('evaluate.report.worst')}</Typography.Text>
            <GroupTable testId="report-worst" items={r.groups.worst} f={f} />
          </Col>
        </Row>
        {r.groups.quiet.length > 0 && (
          <div style={{ marginTop: 12 }} data-testid="report-quiet">
            <Typography.Text type="secondary">{t('evaluate.report.quiet')}</Typography.Text>{' '}
            {r.groups.quiet.map((g) => <Tag key={g.groupId} color="blue">{g.name}</Tag>)}
          </div>
        )}
      </Section>

      <Section title={t('evaluate.report.team')} last>
        <Table<TeamCard>
          data-testid="report-team"
          className="shequn-report-table"
          size="small"
          rowKey={(c) => `${c.keeper.type}:${c.keeper.id}`}
          pagination={false}
          bordered
          dataSource={r.team}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('evaluate.noData')} /> }}
          columns={[
            { key: 'name', title: t('evaluate.report.col.keeper'), render: (_, c) => c.keeper.name },
            { key: 'roles', title: t('evaluate.report.col.roles'), render: (_, c) => c.roles.map((x) => t(`evaluate.team.role.${x}`)).join('、') },
            { key: 'groups', title: t('evaluate.report.col.groups'), align: 'right', render: (_, c) => f.int(c.groups) },
            { key: 'seats', title: t('evaluate.report.col.seats'), align: 'right', render: (_, c) => f.int(c.seats) },
            { key: 'messages', title: t('evaluate.report.col.messages'), align: 'right', render: (_, c) => f.int(c.messages) },
            { key: 'growth', title: t('evaluate.report.col.netGrowth'), align: 'right', render: (_, c) => f.signed(c.netGrowth) },
            { key: 'rate', title: t('evaluate.report.col.activeRate'), align: 'right', render: (_, c) => f.pct(c.activeRate) },
            { key: 'revenue', title: t('evaluate.report.col.revenue'), align: 'right', render: (_, c) => f.yuan(c.revenueCents) },
            { key: 'score', title: t('evaluate.report.col.score'), align: 'right', render: (_, c) => f.dec(c.meanScore, 0) },
          ]}
        />
      </Section>
      <Typography.Paragraph type="secondary" style={{ marginTop: 20, marginBottom: 0, fontSize: 12, textAlign: 'right' }}>
        {t('evaluate.report.generated', { at: dayjs().format('YYYY-MM-DD HH:mm') })}
      </Typography.Paragraph>
    </Card>
  );
}

type PhaseOutcome = NonNullable<AnalyticsReport['phase']>;

/** A phase's targets beside the outcome (完成 as a share of the target), and what its budget bought. */
function PhaseSection({ phase, f }: { phase: PhaseOutcome; f: Format }) {
  const { t } = useTranslation();
  const show = (key: PhaseOutcome['measures'][number]['key'], v: number | null) =>
    v === null ? '—' : key === 'salesCents' ? f.yuan(v) : key === 'clickRate' ? f.pct(v) : f.int(v);
  return (
    <Section title={t('evaluate.report.phase', { name: phase.name })}>
      <Table<PhaseOutcome['measures'][number]>
        data-testid="report-phase-measures"
        className="shequn-report-table"
        size="small"
        rowKey="key"
        pagination={false}
        bordered
        dataSource={phase.measures}
        onRow={(x) => ({ 'data-testid': 'report-phase-measure', 'data-key': x.key }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { key: 'metric', title: t('evaluate.report.col.metric'), render: (_, x) => t(`evaluate.report.phaseMeasure.${x.key}`) },
          { key: 'target', title: t('evaluate.report.col.target'), align: 'right', render: (_, x) => show(x.key, x.target) },
          { key: 'actual', title: t('evaluate.report.col.actual'), align: 'right', render: (_, x) => <strong data-testid="report-phase-actual">{show(x.key, x.actual)}</strong> },
          {
            key: 'ratio', title: t('evaluate.report.col.done'), align: 'right',
            render: (_, x) => (x.ratio === null ? '—' : <Tag color={x.ratio >= 1 ? 'success' : x.ratio >= 0.8 ? 'processing' : 'error'} style={{ marginInlineEnd: 0 }}>{f.pct(x.ratio, 0)}</Tag>),
          },
        ]}
      />
      <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }} data-testid="report-phase-budget">
        {phase.budgetCents === null ? t('evaluate.report.noBudget') : [
          t('evaluate.report.budget', { v: f.yuan(phase.budgetCents) }),
          phase.costPerFanCents !== null && t('evaluate.report.costPerFan', { v: f.yuan(phase.costPerFanCents) }),
          phase.salesPerBudget !== null && t('evaluate.report.salesPerBudget', { v: f.yuan(Math.round(phase.salesPerBudget * 100)) }),
        ].filter(Boolean).join(' · ')}
        {phase.through < phase.endsOn && ` · ${t('evaluate.report.through', { day: phase.through, end: phase.endsOn })}`}
      </Typography.Paragraph>
    </Section>
  );
}

function Section({ title, children, last }: { title: string; children: ReactNode; last?: boolean }) {
  return (
    <section className="shequn-report-section" style={{ marginBottom: last ? 0 : 24 }}>
      <Typography.Title level={4} style={{ marginTop: 0, marginBottom: 10 }}>{title}</Typography.Title>
      {children}
    </section>
  );
}

/** The change against the range before: a rate in points, a count or amount in percent (— from nothing). */
function Change({ f, now, before, rate }: { f: Format; now: number; before: number; rate?: boolean }) {
  const { token } = theme.useToken();
  const d = now - before;
  const color = d > 0 ? token.colorSuccess : d < 0 ? token.colorError : token.colorTextTertiary;
  const text = rate
    ? `${d > 0 ? '+' : ''}${f.dec(d * 100, 1)} pp`
    : before === 0 ? (now === 0 ? '0' : '—')
      : `${d > 0 ? '+' : ''}${f.pct(d / Math.abs(before), 0)}`;
  return <span data-testid="report-kpi-change" style={{ color, fontVariantNumeric: 'tabular-nums' }}>{text}</span>;
}

function GroupTable({ testId, items, f }: { testId: string; items: GroupHealth[]; f: Format }) {
  const { t } = useTranslation();
  return (
    <Table<GroupHealth>
      data-testid={testId}
      className="shequn-report-table"
      size="small"
      rowKey="groupId"
      pagination={false}
      bordered
      style={{ marginTop: 6 }}
      dataSource={items}
      locale={{ emptyText: t('evaluate.noData') }}
      onRow={(g) => ({ 'data-testid': `${testId}-row`, 'data-id': g.groupId }) as React.HTMLAttributes<HTMLElement>}
      columns={[
        { key: 'name', title: t('evaluate.report.col.group'), ellipsis: true, render: (_, g) => g.name },
        { key: 'score', title: t('evaluate.report.col.score'), align: 'right', width: 64, render: (_, g) => g.score },
        { key: 'messages', title: t('evaluate.report.col.messages'), align: 'right', width: 72, render: (_, g) => f.int(g.messages) },
        { key: 'rate', title: t('evaluate.report.col.activeRate'), align: 'right', width: 80, render: (_, g) => f.pct(g.activeRate, 0) },
      ]}
    />
  );
}
