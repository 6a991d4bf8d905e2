// 计划书: the plan's targets (a row per measure, a column per year after the baseline, as the template gives
// them), each year's notes, the quarterly milestones of a year (Q1–Q4 with their tasks) and the risks with
// their mitigations.
import { useState } from 'react';
import { Card, Col, Row, Segmented, Table, Tag, Typography, theme } from 'antd';
import { FlagOutlined, SafetyOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { Plan } from '../../../api';
import { METRICS, useMetricFormat, type MetricDef } from './metrics';

export function PlanBook({ plan }: { plan: Plan }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const m = useMetricFormat();
  const c = plan.content;
  const years = c.years.map((_, i) => i + 1);
  const [year, setYear] = useState(1);
  const hasBaseline = Object.keys(c.baseline).length > 0;
  const milestones = c.milestones.filter((x) => x.year === year).sort((a, b) => a.quarter - b.quarter);
  const startYear = Number(plan.startMonth.slice(0, 4));
  const startMonth = Number(plan.startMonth.slice(5, 7));
  /** The plan's year N as calendar months (第1年 = 2026-01 … 2026-12). */
  const yearSpan = (n: number) => {
    const from = (startYear + n - 1) * 12 + startMonth - 1;
    const to = from + 11;
    const ym = (x: number) => `${Math.floor(x / 12)}-${String((x % 12) + 1).padStart(2, '0')}`;
    return `${ym(from)} – ${ym(to)}`;
  };
  const rows = METRICS.filter((d) => hasBaseline && c.baseline[d.key] !== undefined || c.years.some((y) => y.targets[d.key] !== undefined));
  return (
    <div data-testid="plan-book">
      <Card
        data-testid="plan-targets"
        title={t('evaluate.plan.targets')}
        extra={<Typography.Text type="secondary" style={{ fontSize: 13 }}>{t('evaluate.plan.targetsHint')}</Typography.Text>}
        styles={{ body: { padding: 0 } }}
      >
        <Table<MetricDef>
          data-testid="plan-targets-table"
          rowKey="key"
          size="small"
          pagination={false}
          dataSource={rows}
          onRow={(d) => ({ 'data-testid': 'target-row', 'data-metric': d.key }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            {
              key: 'metric', title: t('evaluate.plan.metric'), width: 220,
              render: (_, d) => (
                <span>
                  <span data-testid="target-name">{m.name(d.key)}</span>
                  {d.direction === 'budget' && <Tag style={{ marginLeft: 8 }} color="orange">{t('evaluate.plan.budget')}</Tag>}
                </span>
              ),
            },
            ...(hasBaseline ? [{
              key: 'baseline', title: t('evaluate.plan.baseline'), align: 'right' as const, width: 140,
              render: (_: unknown, d: MetricDef) => <Typography.Text type="secondary">{m.fig(d.key, c.baseline[d.key])}</Typography.Text>,
            }] : []),
            ...years.map((n) => ({
              key: `y${n}`, align: 'right' as const,
              title: (
                <div style={{ lineHeight: 1.3 }}>
                  <div>{t('evaluate.plan.year', { n })}</div>
                  <div style={{ fontWeight: 400, fontSize: 12, color: token.colorTextTertiary }}>{yearSpan(n)}</div>
                </div>
              ),
              render: (_: unknown, d: MetricDef) => (
                <span data-testid="target-cell" data-year={n} data-metric={d.key} style={{ fontVariantNumeric: 'tabular-nums', fontWeight: 500 }}>
                  {m.fig(d.key, c.years[n - 1]?.targets[d.key])}
                </span>
              ),
            })),
          ]}
        />
        {c.years.some((y) => y.notes) && (
          <div style={{ padding: '12px 16px', borderTop: `1px solid ${token.colorSplit}` }}>
            {c.years.map((y, i) => y.notes && (
              <Typography.Paragraph key={i} data-testid="plan-year-notes" style={{ marginBottom: 6, fontSize: 13 }} type="secondary">
                {y.notes}
              </Typography.Paragraph>
            ))}
          </div>
        )}
      </Card>

      <Card
        data-testid="plan-milestones"
        style={{ marginTop: 16 }}
        title={<span><FlagOutlined style={{ marginRight: 8 }} />{t('evaluate.plan.milestones')}</span>}
        extra={years.length > 1 && (
          <Segmented<number>
            data-testid="plan-milestones-year"
            value={year}
            onChange={setYear}
            options={years.map((n) => ({ value: n, label: t('evaluate.plan.year', { n }) }))}
          />
        )}
      >
        {milestones.length === 0 ? <Typography.Text type="secondary">{t('evaluate.plan.noMilestones')}</Typography.Text> : (
          <Row gutter={[16, 16]}>
            {milestones.map((x) => (
              <Col xs={24} md={12} xl={6} key={`${x.year}-${x.quarter}-${x.title}`}>
                <Card data-testid="plan-milestone" data-quarter={x.quarter} size="small" style={{ height: '100%', background: token.colorFillQuaternary }}>
                  <div style={{ display: 'flex', alignItems: 'baseline', gap: 8, marginBottom: 8 }}>
                    <Tag color="blue" style={{ fontWeight: 600 }}>Q{x.quarter}</Tag>
                    <strong>{x.title}</strong>
                  </div>
                  <ul style={{ margin: 0, paddingLeft: 18, color: token.colorTextSecondary, fontSize: 13 }}>
                    {x.tasks.map((task) => <li key={task} style={{ padding: '2px 0' }}>{task}</li>)}
                  </ul>
                </Card>
              </Col>
            ))}
          </Row>
        )}
      </Card>

      <Card
        data-testid="plan-risks"
        style={{ marginTop: 16 }}
        title={<span><SafetyOutlined style={{ marginRight: 8 }} />{t('evaluate.plan.risks')}</span>}
      >
        {c.risks.length === 0 ? <Typography.Text type="secondary">{t('evaluate.plan.noRisks')}</Typography.Text> : (
          <Row gutter={[16, 16]}>
            {c.risks.map((r, i) => (
              <Col xs={24} md={12} key={r.title}>
                <div data-testid="plan-risk" style={{ display: 'flex', gap: 12, padding: 12, border: `1px solid ${token.colorBorderSecondary}`, borderRadius: 8, height: '100%' }}>
                  <span style={{ flex: 'none', width: 28, height: 28, borderRadius: 14, background: token.colorWarningBg, color: token.colorWarningText, display: 'inline-flex', alignItems: 'center', justifyContent: 'center', fontWeight: 600 }}>{i + 1}</span>
                  <div>
                    <div style={{ fontWeight: 600, marginBottom: 4 }}>{r.title}</div>
                    <div style={{ color: token.colorTextSecondary, fontSize: 13 }}>
                      <span style={{ color: token.colorTextTertiary }}>{t('evaluate.plan.mitigation')}</span>{r.mitigation || '—'}
                    </div>
                  </div>
                </div>
              </Col>
            ))}
          </Row>
        )}
      </Card>
    </div>
  );
}
