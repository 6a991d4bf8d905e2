// 计划与实际: the measures (rows) against the periods (columns, by month, quarter or year), each cell the plan
// and the actual coloured by its status (ahead green, on track blue, behind red, over budget orange, not yet
// grey); and a chart of one measure, the plan as a line and the actuals as bars.
import { useEffect, useRef, type ReactNode } from 'react';
import { Card, Segmented, Select, Skeleton, Space, Table, Tag, Tooltip, Typography, theme } from 'antd';
import { useTranslation } from 'react-i18next';
import type { PlanTracking, TrackingCell, TrackingPeriod, TrackingStatus } from '../../../api';
import { Chart } from '../../../chart';
import { STATUS_BG, STATUS_COLOR, STATUS_TAG, metricByKey, useMetricFormat } from './metrics';

type Row = PlanTracking['metrics'][number];
const LEGEND: TrackingStatus[] = ['ahead', 'on_track', 'behind', 'over_budget', 'no_actual', 'future'];

export function TrackingTable({ tracking, period, onPeriod, extra }: {
  tracking: PlanTracking | undefined;
  period: TrackingPeriod;
  onPeriod: (p: TrackingPeriod) => void;
  extra?: ReactNode;
}) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const m = useMetricFormat();
  const wrap = useRef<HTMLDivElement>(null);
  const periods = tracking?.periods ?? [];
  // The last period with an actual or past its end: the one to show first (a long plan scrolls to it).
  const current = periods.reduce((at, p, i) => (Object.values(p.cells).some((c) => c.status !== 'future') ? i : at), -1);
  useEffect(() => {
    const el = wrap.current?.querySelector<HTMLElement>('.ant-table-content, .ant-table-body');
    const cell = wrap.current?.querySelector<HTMLElement>(`th[data-current="true"]`);
    if (el && cell) el.scrollLeft = Math.max(0, cell.offsetLeft - el.clientWidth + cell.offsetWidth * 2);
  }, [tracking, period]);
  const width = period === 'month' ? 118 : period === 'quarter' ? 132 : 180;
  const cellView = (key: string, c: TrackingCell | undefined) => {
    if (!c) return null;
    const ratio = c.ratio === null ? null : m.f.pct(c.ratio, 0);
    return (
      <Tooltip title={`${t(`evaluate.plan.status.${c.status}`)}${ratio ? ` · ${t('evaluate.plan.ratio', { pct: ratio })}` : ''}`} mouseEnterDelay={0.3}>
        <div data-testid="track-cell" data-metric={key} data-status={c.status} style={{ lineHeight: 1.35, fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
          <div data-testid="track-plan" style={{ fontSize: 12, color: token.colorTextTertiary }}>{m.fig(key, c.plan)}</div>
          <div data-testid="track-actual" style={{ fontWeight: c.actual === null ? 400 : 600, color: c.actual === null ? token.colorTextQuaternary : STATUS_COLOR[c.status] }}>
            {m.fig(key, c.actual)}
          </div>
        </div>
      </Tooltip>
    );
  };
  return (
    <Card
      data-testid="plan-tracking"
      title={t('evaluate.plan.tracking')}
      extra={(
        <Space size={12} wrap>
          {extra}
          <Segmented<TrackingPeriod>
            data-testid="plan-period"
            value={period}
            onChange={onPeriod}
            options={(['month', 'quarter', 'year'] as const).map((p) => ({ value: p, label: t(`evaluate.plan.period.${p}`) }))}
          />
        </Space>
      )}
      styles={{ body: { padding: 0 } }}
    >
      <div style={{ padding: '10px 16px', display: 'flex', flexWrap: 'wrap', gap: 8, alignItems: 'center', borderBottom: `1px solid ${token.colorSplit}` }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('evaluate.plan.legendLead')}</Typography.Text>
        {LEGEND.map((s) => <Tag key={s} color={STATUS_TAG[s]} style={{ marginInlineEnd: 0 }}>{t(`evaluate.plan.status.${s}`)}</Tag>)}
        <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 'auto' }}>{t('evaluate.plan.cellHint')}</Typography.Text>
      </div>
      <div ref={wrap}>
        {!tracking ? <div style={{ padding: 16 }}><Skeleton active /></div> : (
          <Table<Row>
            data-testid="plan-tracking-table"
            rowKey="key"
            size="small"
            bordered
            pagination={false}
            dataSource={tracking.metrics}
            scroll={{ x: 200 + width * periods.length }}
            onRow={(r) => ({ 'data-testid': 'track-row', 'data-metric': r.key }) as React.HTMLAttributes<HTMLElement>}
            columns={[
              {
                key: 'metric', title: t('evaluate.plan.metric'), fixed: 'left', width: 200,
                render: (_, r) => (
                  <div style={{ lineHeight: 1.35 }}>
                    <div style={{ fontWeight: 500 }}>{m.name(r.key)}</div>
                    <div style={{ fontSize: 12, color: token.colorTextTertiary }}>
                      {t(`evaluate.plan.source.${r.actual}`)}{r.direction === 'budget' ? ` · ${t('evaluate.plan.budget')}` : ''}
                    </div>
                  </div>
                ),
              },
              ...periods.map((p, i) => ({
                key: p.key,
                width,
                align: 'right' as const,
                title: <span data-testid="track-period" data-key={p.key}>{p.label}</span>,
                onHeaderCell: () => ({ 'data-current': i === current ? 'true' : undefined, style: i === current ? { background: token.colorPrimaryBg } : undefined }) as React.HTMLAttributes<HTMLElement>,
                onCell: (r: Row) => ({ 'data-period': p.key, style: { background: STATUS_BG[p.cells[r.key]?.status ?? 'future'] } }) as React.HTMLAttributes<HTMLElement>,
                render: (_: unknown, r: Row) => cellView(r.key, p.cells[r.key]),
              })),
            ]}
          />
        )}
      </div>
    </Card>
  );
}

export function TrackingChart({ tracking, metric, onMetric }: { tracking: PlanTracking | undefined; metric: string; onMetric: (k: string) => void }) {
  const { t } = useTranslation();
  const m = useMetricFormat();
  const def = metricByKey.get(metric);
  const periods = tracking?.periods ?? [];
  const axis = (v: number) => (def?.money ? `¥${m.f.int(v)}` : def?.kind === 'rate' ? `${m.f.dec(v, 1)}%` : m.f.dec(v, 1));
  return (
    <Card
      data-testid="plan-chart"
      title={t('evaluate.plan.chart')}
      extra={(
        <Select
          data-testid="plan-chart-metric"
          style={{ width: 220 }}
          value={metric}
          onChange={onMetric}
          options={(tracking?.metrics ?? []).map((x) => ({ value: x.key, label: m.name(x.key) }))}
          showSearch={{ optionFilterProp: 'label' }}
        />
      )}
    >
      {!tracking ? <Skeleton active /> : (
        <Chart
          testId="plan-chart-canvas"
          height={300}
          option={{
            tooltip: { trigger: 'axis', valueFormatter: (v) => (v === null || v === undefined || v === '-' ? '—' : axis(Number(v))) },
            legend: { top: 0 },
            grid: { left: 16, right: 24, top: 40, bottom: 8, containLabel: true },
            xAxis: { type: 'category', data: periods.map((p) => p.label), axisLabel: { hideOverlap: true } },
            yAxis: { type: 'value', axisLabel: { formatter: (v: number) => axis(v) } },
            series: [
              {
                name: t('evaluate.plan.actual'), type: 'bar', barMaxWidth: 28,
                data: periods.map((p) => {
                  const c = p.cells[metric];
                  return c?.actual === null || c?.actual === undefined ? null : { value: m.unit(metric, c.actual), itemStyle: { color: STATUS_COLOR[c.status] } };
                }),
                itemStyle: { color: '#1677ff' },
              },
              {
                name: t('evaluate.plan.plan'), type: 'line', showSymbol: periods.length <= 12, connectNulls: true,
                data: periods.map((p) => { const c = p.cells[metric]; return c?.plan === null || c?.plan === undefined ? null : m.unit(metric, c.plan); }),
                itemStyle: { color: '#8c8c8c' }, lineStyle: { type: 'dashed', width: 2 },
              },
            ],
          }}
        />
      )}
    </Card>
  );
}
