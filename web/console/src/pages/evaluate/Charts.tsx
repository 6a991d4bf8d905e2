// The dashboard's charts (ECharts through chart.tsx): messages, joins and leaves by day with the daily
// actives; weekly and monthly actives; messages by hour × weekday; the funnel 吸粉 → 养粉 → 促粉 → 变现 with
// its conversions and mean days; join-cohort retention as a heat map (rows: cohorts, columns: +0, +1, …).
import type { ReactNode } from 'react';
import { Card, Empty, Segmented, Skeleton, Table, Tooltip, Typography } from 'antd';
import { QuestionCircleOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { AnalyticsFunnel, AnalyticsOverview, AnalyticsRetention, RetentionPeriod } from '../../api';
import { Chart } from '../../chart';
import type { DrillRequest } from './Drill';
import { useFormat } from './format';

const COLORS = { messages: '#fa8c16', active: '#1677ff', joins: '#52c41a', leaves: '#ff4d4f', weekly: '#13c2c2', monthly: '#2f54eb' };

/** A card with a title, a hint on hover, and its body: a skeleton while loading, "nothing yet" when empty. */
export function ChartCard({ testId, title, hint, extra, loading, empty, children, className }: {
  testId: string; title: string; hint?: string; extra?: ReactNode; loading: boolean; empty: boolean; children: ReactNode; className?: string;
}) {
  const { t } = useTranslation();
  return (
    <Card
      data-testid={testId}
      className={className}
      title={
        <span>
          {title}
          {hint && (
            <Tooltip title={hint}>
              <QuestionCircleOutlined style={{ marginLeft: 6, color: 'rgba(0,0,0,.35)', fontSize: 13 }} />
            </Tooltip>
          )}
        </span>
      }
      extra={extra}
      style={{ height: '100%' }}
    >
      {loading ? <Skeleton active /> : empty ? <Empty data-testid={`${testId}-empty`} image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('evaluate.noData')} /> : children}
    </Card>
  );
}

/** A line under a chart saying its bars open the members behind them. */
const ClickHint = ({ text }: { text: string }) => (
  <Typography.Text type="secondary" className="shequn-no-print" style={{ fontSize: 12 }}>{text}</Typography.Text>
);

export function ActivityCard({ overview: o, onDrill, height = 300 }: { overview: AnalyticsOverview | undefined; onDrill?: (r: DrillRequest) => void; height?: number }) {
  const { t } = useTranslation();
  const f = useFormat();
  const empty = !!o && o.days.every((d) => !d.messages && !d.joins && !d.leaves && !d.active);
  const dau = !!o && o.days.some((d) => d.active !== null);
  // Daily actives are kept for the whole workspace only: a day opens its actives there.
  const drill = o && dau && onDrill
    ? ({ dataIndex }: { dataIndex: number }) => {
        const d = o.days[dataIndex];
        if (d) onDrill({ target: { period: d.period }, title: t('evaluate.drill.day', { day: d.date }), file: d.date });
      }
    : undefined;
  return (
    <ChartCard testId="evaluate-daily" title={t('evaluate.chart.daily')} hint={t('evaluate.chart.dailyHint')} loading={!o} empty={empty} extra={drill && <ClickHint text={t('evaluate.drill.clickDay')} />}>
      {o && (
        <Chart
          testId="evaluate-daily-chart"
          height={height}
          onClick={drill}
          clickMode="x"
          option={{
            tooltip: { trigger: 'axis', valueFormatter: (v) => f.int(Number(v)) },
            legend: { top: 0 },
            grid: { left: 56, right: 48, top: 40, bottom: 28 },
            xAxis: { type: 'category', data: o.days.map((d) => d.date.slice(5)) },
            yAxis: [
              { type: 'value', minInterval: 1, name: t('evaluate.chart.messagesAxis'), nameTextStyle: { align: 'left' } },
              { type: 'value', minInterval: 1, name: t('evaluate.chart.peopleAxis'), nameTextStyle: { align: 'right' }, splitLine: { show: false } },
            ],
            series: [
              { name: t('evaluate.series.messages'), type: 'bar', data: o.days.map((d) => d.messages), itemStyle: { color: COLORS.messages }, barMaxWidth: 18 },
              ...(dau
                ? [{ name: t('evaluate.series.dau'), type: 'line' as const, yAxisIndex: 1, smooth: true, showSymbol: false, data: o.days.map((d) => d.active ?? 0), itemStyle: { color: COLORS.active } }]
                : []),
              { name: t('evaluate.series.joins'), type: 'line', yAxisIndex: 1, showSymbol: false, data: o.days.map((d) => d.joins), itemStyle: { color: COLORS.joins } },
              { name: t('evaluate.series.leaves'), type: 'line', yAxisIndex: 1, showSymbol: false, data: o.days.map((d) => d.leaves), itemStyle: { color: COLORS.leaves } },
            ],
          }}
        />
      )}
    </ChartCard>
  );
}

export function ActivesCard({ overview: o, onDrill }: { overview: AnalyticsOverview | undefined; onDrill?: (r: DrillRequest) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const empty = !!o && o.weeks.every((w) => !w.active) && o.months.every((m) => !m.active);
  // A week's column (left grid) or a month's (right grid) opens its actives.
  const drill = o && onDrill
    ? ({ gridIndex, dataIndex }: { gridIndex: number; dataIndex: number }) => {
        if (gridIndex === 0) {
          const w = o.weeks[dataIndex];
          if (w) onDrill({ target: { period: w.period }, title: t('evaluate.drill.week', { week: w.week }), file: `week-${w.week}` });
        } else {
          const m = o.months[dataIndex];
          if (m) onDrill({ target: { period: m.period }, title: t('evaluate.drill.month', { month: m.month }), file: `month-${m.month}` });
        }
      }
    : undefined;
  // Weeks and months on one time axis would mislead: two category axes side by side, one grid each.
  return (
    <ChartCard testId="evaluate-actives" title={t('evaluate.chart.actives')} hint={t('evaluate.chart.activesHint')} loading={!o} empty={empty} extra={drill && <ClickHint text={t('evaluate.drill.clickBar')} />}>
      {o && (
        <Chart
          testId="evaluate-actives-chart"
          height={300}
          onClick={drill}
          clickMode="x"
          option={{
            tooltip: { trigger: 'axis', valueFormatter: (v) => f.int(Number(v)) },
            legend: { top: 0 },
            grid: [
              { left: 48, right: '40%', top: 40, bottom: 28 },
              { left: '68%', right: 8, top: 40, bottom: 28 },
            ],
            xAxis: [
              { type: 'category', gridIndex: 0, data: o.weeks.map((w) => w.week.slice(5)), axisLabel: { hideOverlap: true } },
              { type: 'category', gridIndex: 1, data: o.months.map((m) => m.month) },
            ],
            yAxis: [
              { type: 'value', gridIndex: 0, minInterval: 1 },
              { type: 'value', gridIndex: 1, minInterval: 1, axisLabel: { show: false } },
            ],
            series: [
              { name: t('evaluate.series.wau'), type: 'bar', xAxisIndex: 0, yAxisIndex: 0, data: o.weeks.map((w) => w.active), itemStyle: { color: COLORS.weekly }, barMaxWidth: 22 },
              { name: t('evaluate.series.mau'), type: 'bar', xAxisIndex: 1, yAxisIndex: 1, data: o.months.map((m) => m.active), itemStyle: { color: COLORS.monthly }, barMaxWidth: 28, label: { show: true, position: 'top', formatter: (p) => f.int(Number(p.value)) } },
            ],
          }}
        />
      )}
    </ChartCard>
  );
}

export function HourHeatmapCard({ overview: o }: { overview: AnalyticsOverview | undefined }) {
  const { t } = useTranslation();
  const f = useFormat();
  const weekdays = Array.from({ length: 7 }, (_, i) => t(`evaluate.weekday.${i}`));
  const cells = o ? o.heatmap.flatMap((row, wd) => row.map((n, h) => [h, wd, n] as [number, number, number])) : [];
  const max = Math.max(0, ...cells.map((c) => c[2]));
  return (
    <ChartCard testId="evaluate-heatmap" title={t('evaluate.chart.heatmap')} hint={t('evaluate.chart.heatmapHint')} loading={!o} empty={!!o && max === 0}>
      {o && (
        <Chart
          testId="evaluate-heatmap-chart"
          height={300}
          option={{
            tooltip: {
              position: 'top',
              formatter: (p) => {
                const [h, wd, n] = (p as unknown as { value: [number, number, number] }).value;
                return `${weekdays[wd]} ${h}:00–${h + 1}:00<br/>${t('evaluate.series.messages')}: <b>${f.int(n)}</b>`;
              },
            },
            grid: { left: 48, right: 12, top: 8, bottom: 72 },
            xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => String(h)), splitArea: { show: true }, name: t('evaluate.chart.hour'), nameLocation: 'end', nameGap: 4 },
            yAxis: { type: 'category', data: weekdays, inverse: true, splitArea: { show: true } },
            visualMap: {
              min: 0, max: Math.max(1, max), calculable: true, orient: 'horizontal', left: 'center', bottom: 0, itemHeight: 160, itemWidth: 12,
              inRange: { color: ['#fff7e6', '#ffc069', '#fa8c16', '#ad4e00'] }, textStyle: { fontSize: 11 },
            },
            series: [{ type: 'heatmap', data: cells, itemStyle: { borderColor: '#fff', borderWidth: 1 }, emphasis: { itemStyle: { borderColor: '#333' } } }],
          }}
        />
      )}
    </ChartCard>
  );
}

export function FunnelCard({ funnel, onDrill }: { funnel: AnalyticsFunnel | undefined; onDrill?: (r: DrillRequest) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const stages = funnel?.stages ?? [];
  // A stage (in the chart or the table) opens who reached it in the range.
  const drillStage = (i: number) => {
    const s = stages[i];
    if (!s || !funnel || !onDrill) return;
    onDrill({
      target: { milestone: s.stage },
      title: t('evaluate.drill.milestone', { stage: t(`evaluate.stage.${s.stage}`), from: funnel.range.from, to: funnel.range.to }),
      file: `${s.stage}-${funnel.range.from}-${funnel.range.to}`,
    });
  };
  const joined = stages.find((s) => s.stage === 'join')?.fromJoinCohort ?? 0;
  const empty = !!funnel && stages.every((s) => !s.reachedInRange && !s.fromJoinCohort);
  const name = (stage: string) => t(`evaluate.stage.${stage}`);
  return (
    <ChartCard testId="evaluate-funnel" title={t('evaluate.chart.funnel')} hint={t('evaluate.chart.funnelHint')} loading={!funnel} empty={empty}>
      {funnel && (
        <>
          {joined === 0 ? (
            <Typography.Paragraph type="secondary" data-testid="evaluate-funnel-no-joins" style={{ margin: '8px 0 0' }}>{t('evaluate.funnel.noJoins')}</Typography.Paragraph>
          ) : (
            <Chart
              testId="evaluate-funnel-chart"
              height={200}
              onClick={onDrill ? ({ dataIndex }) => drillStage(dataIndex) : undefined}
              option={{
                tooltip: {
                  formatter: (p) => {
                    const s = stages[(p as { dataIndex: number }).dataIndex]!;
                    return `${name(s.stage)}<br/>${t('evaluate.funnel.fromCohort')}: <b>${f.int(s.fromJoinCohort)}</b> (${f.pct(s.conversionFromJoin)})`;
                  },
                },
                series: [{
                  type: 'funnel', sort: 'none', left: '4%', width: '56%', top: 4, bottom: 4, min: 0, max: Math.max(1, joined), minSize: '6%', gap: 3,
                  // Beside each stage, not inside: a stage few reached is too narrow for its words.
                  label: {
                    position: 'right', color: '#1f1f1f', fontSize: 13,
                    formatter: (p) => {
                      const s = stages[p.dataIndex]!;
                      return s.stage === 'join' ? `${name(s.stage)}  ${f.int(s.fromJoinCohort)}` : `${name(s.stage)}  ${f.int(s.fromJoinCohort)} · ${f.pct(s.conversionFromJoin)}`;
                    },
                  },
                  itemStyle: { borderWidth: 0 },
                  color: ['#1677ff', '#13c2c2', '#fa8c16', '#52c41a'],
                  data: stages.map((s) => ({ name: name(s.stage), value: s.fromJoinCohort })),
                }],
              }}
            />
          )}
          <Table
            data-testid="evaluate-funnel-table"
            size="small"
            rowKey="stage"
            pagination={false}
            style={{ marginTop: 12 }}
            dataSource={stages}
            onRow={(s) => ({ 'data-testid': 'funnel-row', 'data-stage': s.stage }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              {
                title: t('evaluate.funnel.stage'), dataIndex: 'stage',
                render: (v: string, _s, i) => (onDrill ? <a data-testid="funnel-drill" onClick={() => drillStage(i)}>{name(v)}</a> : name(v)),
              },
              { title: <Tooltip title={t('evaluate.funnel.reachedHint')}>{t('evaluate.funnel.reached')}</Tooltip>, dataIndex: 'reachedInRange', align: 'right', render: (v: number) => f.int(v) },
              { title: <Tooltip title={t('evaluate.funnel.fromCohortHint')}>{t('evaluate.funnel.fromCohort')}</Tooltip>, dataIndex: 'fromJoinCohort', align: 'right', render: (v: number) => <span data-testid="funnel-cohort">{f.int(v)}</span> },
              { title: t('evaluate.funnel.conversion'), dataIndex: 'conversionFromJoin', align: 'right', render: (v: number) => <span data-testid="funnel-conversion">{f.pct(v)}</span> },
              {
                title: t('evaluate.funnel.meanDays'), dataIndex: 'meanDaysFromJoin', align: 'right',
                render: (v: number | null) => (v === null ? <Typography.Text type="secondary">—</Typography.Text> : t('evaluate.funnel.days', { n: f.dec(v, 1) })),
              },
            ]}
          />
        </>
      )}
    </ChartCard>
  );
}

export function RetentionCard({ retention, period, onPeriod }: { retention: AnalyticsRetention | undefined; period: RetentionPeriod; onPeriod: (p: RetentionPeriod) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const cohorts = retention?.cohorts ?? [];
  const columns = Math.max(0, ...cohorts.map((c) => c.active.length));
  const labels = columns <= 16;
  // Dark cells get white figures.
  const cells = cohorts.flatMap((c, i) => c.active.map((n, k) => {
    const pct = c.members ? Math.round((n / c.members) * 1000) / 10 : 0;
    return { value: [k, i, pct, n], label: { color: pct >= 55 ? '#fff' : '#1f1f1f' } };
  }));
  const height = Math.max(400, cohorts.length * (labels ? 30 : 20) + 64);
  const unit = t(`evaluate.retention.${period}`);
  return (
    <ChartCard
      testId="evaluate-retention"
      title={t('evaluate.chart.retention')}
      hint={t('evaluate.chart.retentionHint')}
      loading={!retention}
      empty={!!retention && cohorts.length === 0}
      extra={
        <Segmented
          data-testid="evaluate-retention-period"
          size="small"
          value={period}
          onChange={(v) => onPeriod(v as RetentionPeriod)}
          options={[{ value: 'week', label: t('evaluate.retention.byWeek') }, { value: 'month', label: t('evaluate.retention.byMonth') }]}
        />
      }
    >
      {retention && (
        <Chart
          testId="evaluate-retention-chart"
          height={height}
          option={{
            tooltip: {
              position: 'top',
              formatter: (p) => {
                const [k, i, pct, n] = (p as unknown as { value: [number, number, number, number] }).value;
                const c = cohorts[i]!;
                return `${t('evaluate.retention.cohort', { cohort: c.cohort, n: f.int(c.members) })}<br/>+${k} ${unit}: <b>${f.int(n)}</b> (${f.dec(pct, 1)}%)`;
              },
            },
            grid: { left: 120, right: 12, top: 8, bottom: 40 },
            xAxis: { type: 'category', position: 'bottom', data: Array.from({ length: columns }, (_, k) => `+${k}`), name: unit, nameLocation: 'middle', nameGap: 26, splitArea: { show: true } },
            yAxis: { type: 'category', inverse: true, data: cohorts.map((c) => `${c.cohort} (${f.int(c.members)})`), axisLabel: { fontSize: 11 } },
            visualMap: { show: false, min: 0, max: 100, dimension: 2, inRange: { color: ['#f0f5ff', '#adc6ff', '#597ef7', '#1d39c4'] } },
            series: [{
              type: 'heatmap', data: cells,
              label: { show: labels, fontSize: 11, formatter: (p) => `${Math.round((p.value as number[])[2]!)}%` },
              itemStyle: { borderColor: '#fff', borderWidth: 1 },
            }],
          }}
        />
      )}
    </ChartCard>
  );
}
