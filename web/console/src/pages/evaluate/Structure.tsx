// 评估精进 › 结构: who the scope's members are against the community's target persona (定位 › 社群画布) —
// a 0–100 fit, the dimensions furthest from the target in words, the distributions (gender, age, city,
// interest, occupation, circle, channel, platform), and platforms, channels and circles compared on fit and
// outcomes. The server keeps the figures for an hour: 刷新 recomputes them.
import { useState } from 'react';
import { Alert, Button, Card, Col, Empty, Progress, Row, Segmented, Skeleton, Table, Typography, theme } from 'antd';
import { ReloadOutlined, WarningOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { get, qs, type AnalyticsStructure, type DistributionKey, type Me, type StructureBucket, type StructureSegment } from '../../api';
import { Chart } from '../../chart';
import { enums, useLabels } from '../../labels';
import { ChartCard } from './Charts';
import { useFormat } from './format';
import { ScopeToolbar, useEvaluateScope } from './Toolbar';
import { CircleRollout } from './CircleRollout';

const DISTRIBUTIONS: DistributionKey[] = ['gender', 'age', 'city', 'interest', 'occupation', 'circle', 'sourceChannel', 'platform'];
const AGE_ORDER = ['≤17', '18–25', '26–30', '31–40', '41–50', '51+'];
const TOP = 8;
type By = 'byPlatform' | 'bySourceChannel' | 'byCircle';

export function fitColor(score: number): string {
  return score >= 70 ? '#52c41a' : score >= 50 ? '#faad14' : '#ff4d4f';
}

export function Structure({ me }: { me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { label } = useLabels();
  const { token } = theme.useToken();
  const qc = useQueryClient();
  const scope = useEvaluateScope(me);
  const allowed = me.permissions.includes('member.read');
  const key = ['analytics', 'structure', scope.scopeQuery];
  const q = useQuery({
    enabled: allowed && scope.ready, placeholderData: keepPreviousData, staleTime: 60_000,
    queryKey: key, queryFn: () => get<AnalyticsStructure>(`/analytics/structure${qs(scope.scopeQuery)}`),
  });
  const [refreshing, setRefreshing] = useState(false);
  const [by, setBy] = useState<By>('byPlatform');
  if (!allowed) return <Alert type="info" showIcon title={t('evaluate.noPermission')} />;
  const s = q.data;

  const refresh = async () => {
    setRefreshing(true);
    try {
      qc.setQueryData(key, await get<AnalyticsStructure>(`/analytics/structure${qs({ ...scope.scopeQuery, refresh: true })}`));
    } finally {
      setRefreshing(false);
    }
  };
  /** A value as the operator reads it: enum labels, '' as "not set". */
  const valueLabel = (d: DistributionKey | 'channel', v: string) =>
    v === '' ? t('evaluate.structure.none')
      : d === 'gender' ? label(enums.gender, v)
        : d === 'circle' ? label(enums.memberCircle, v)
          : d === 'platform' ? label(enums.platform, v)
            : d === 'age' ? t('evaluate.structure.ageBand', { band: v })
              : v;
  const buckets = (d: DistributionKey): StructureBucket[] => {
    const list = s?.distributions[d] ?? [];
    return d === 'age' ? [...list].sort((a, b) => AGE_ORDER.indexOf(a.value) - AGE_ORDER.indexOf(b.value)) : list.slice(0, TOP);
  };
  const segKey = (row: StructureSegment) =>
    by === 'byPlatform' ? valueLabel('platform', row.key) : by === 'byCircle' ? valueLabel('circle', row.key) : valueLabel('channel', row.key);

  return (
    <div data-testid="evaluate-structure">
      <ScopeToolbar
        me={me} scope={scope} fetching={q.isFetching || refreshing} withRange={false}
        right={(
          <span style={{ display: 'inline-flex', alignItems: 'center', gap: 12 }}>
            {s && (
              <Typography.Text type="secondary" data-testid="structure-computed-at" data-value={s.computedAt}>
                {t('evaluate.structure.computedAt', { at: dayjs(s.computedAt).format('YYYY-MM-DD HH:mm') })}
              </Typography.Text>
            )}
            <Button data-testid="structure-refresh" icon={<ReloadOutlined />} loading={refreshing} disabled={!s} onClick={() => void refresh()}>
              {t('evaluate.structure.refresh')}
            </Button>
          </span>
        )}
      />
      {q.error && <Alert type="error" showIcon title={q.error.message} style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={8} xl={7}>
          <Card data-testid="structure-fit" title={t('evaluate.structure.fit')} style={{ height: '100%' }}>
            {!s ? <Skeleton active /> : (
              <div style={{ textAlign: 'center' }}>
                {s.fitScore === null ? (
                  <Progress type="dashboard" percent={0} format={() => <span style={{ fontSize: 22, color: token.colorTextTertiary }}>—</span>} size={180} />
                ) : (
                  <Progress
                    type="dashboard" percent={s.fitScore} size={180} strokeColor={fitColor(s.fitScore)} strokeWidth={10}
                    format={() => <span data-testid="structure-fit-score" data-value={s.fitScore} style={{ fontWeight: 600 }}>{s.fitScore}</span>}
                  />
                )}
                <div style={{ marginTop: 4 }}>
                  {t('evaluate.structure.people')} <strong data-testid="structure-people" data-value={s.people}>{f.int(s.people)}</strong>
                </div>
                <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0, fontSize: 13 }}>
                  {s.target ? t('evaluate.structure.fitHint') : s.scope.kind === 'workspace' ? t('evaluate.structure.noTargetWorkspace') : t('evaluate.structure.noTarget')}
                </Typography.Paragraph>
              </div>
            )}
          </Card>
        </Col>
        <Col xs={24} lg={16} xl={17}>
          <Card data-testid="structure-deviations" title={t('evaluate.structure.deviations')} style={{ height: '100%' }}>
            {!s ? <Skeleton active /> : s.deviations.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={s.target ? t('evaluate.structure.noDeviations') : t('evaluate.structure.noTargetShort')} />
            ) : (
              <ol style={{ margin: 0, paddingLeft: 0, listStyle: 'none' }}>
                {s.deviations.map((d) => (
                  <li key={d.dimension} data-testid="structure-deviation" data-dimension={d.dimension} style={{ display: 'flex', gap: 12, alignItems: 'center', padding: '8px 0', borderBottom: `1px solid ${token.colorSplit}` }}>
                    <Progress
                      type="circle" percent={Math.round(d.matchShare * 100)} size={44} strokeColor={fitColor(d.matchShare * 100)}
                      format={(p) => <span style={{ fontSize: 12 }}>{p}%</span>}
                    />
                    <span style={{ flex: 1 }}>
                      {d.matchShare < 0.5 && <WarningOutlined style={{ color: token.colorWarning, marginRight: 6 }} />}
                      {d.words}
                    </span>
                    <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap', fontSize: 12 }}>{t('evaluate.structure.known', { n: f.int(d.known) })}</Typography.Text>
                  </li>
                ))}
              </ol>
            )}
          </Card>
        </Col>
        {DISTRIBUTIONS.map((d) => {
          const list = buckets(d);
          const total = (s?.distributions[d] ?? []).reduce((n, b) => n + b.members, 0);
          const shown = [...list].reverse();
          return (
            <Col xs={24} md={12} xl={6} key={d}>
              <ChartCard testId={`structure-dist-${d}`} title={t(`evaluate.structure.dim.${d}`)} loading={!s} empty={!!s && list.length === 0}>
                <Chart
                  testId={`structure-dist-${d}-chart`}
                  height={Math.max(120, 28 * shown.length + 24)}
                  option={{
                    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (x) => `${f.int(Number(x))}（${total ? f.pct(Number(x) / total, 0) : '—'}）` },
                    grid: { left: 4, right: 44, top: 4, bottom: 4, containLabel: true },
                    xAxis: { type: 'value', show: false },
                    yAxis: { type: 'category', data: shown.map((b) => valueLabel(d, b.value)), axisTick: { show: false }, axisLabel: { width: 84, overflow: 'truncate' } },
                    series: [{
                      type: 'bar', name: t('evaluate.structure.members'), data: shown.map((b) => b.members), barMaxWidth: 16, itemStyle: { color: '#5b8ff9', borderRadius: [0, 3, 3, 0] },
                      label: { show: true, position: 'right', formatter: (p) => (total ? f.pct(Number(p.value) / total, 0) : '') },
                    }],
                  }}
                />
              </ChartCard>
            </Col>
          );
        })}
        <Col span={24}>
          <Card
            data-testid="structure-compare"
            title={t('evaluate.structure.compare')}
            extra={(
              <Segmented<By>
                data-testid="structure-compare-by"
                value={by}
                onChange={setBy}
                options={(['byPlatform', 'bySourceChannel', 'byCircle'] as const).map((k) => ({ value: k, label: t(`evaluate.structure.${k}`) }))}
              />
            )}
          >
            <Table<StructureSegment>
              data-testid="structure-compare-table"
              rowKey="key"
              size="middle"
              loading={!s}
              dataSource={s?.[by] ?? []}
              pagination={false}
              onRow={(r) => ({ 'data-testid': 'structure-compare-row', 'data-key': r.key }) as React.HTMLAttributes<HTMLElement>}
              columns={[
                { key: 'key', title: t(`evaluate.structure.${by}Col`), render: (_, r) => <strong>{segKey(r)}</strong> },
                { key: 'people', title: t('evaluate.structure.col.people'), align: 'right', sorter: (a, b) => a.people - b.people, render: (_, r) => f.int(r.people) },
                {
                  key: 'fit', title: t('evaluate.structure.col.fit'), align: 'right', sorter: (a, b) => (a.fitScore ?? -1) - (b.fitScore ?? -1),
                  render: (_, r) => (r.fitScore === null ? '—' : <span style={{ color: fitColor(r.fitScore), fontWeight: 600 }}>{r.fitScore}</span>),
                },
                { key: 'active', title: t('evaluate.structure.col.activeRate'), align: 'right', sorter: (a, b) => a.activeRate - b.activeRate, render: (_, r) => f.pct(r.activeRate) },
                { key: 'consulted', title: t('evaluate.structure.col.consultedRate'), align: 'right', sorter: (a, b) => a.consultedRate - b.consultedRate, render: (_, r) => f.pct(r.consultedRate) },
                { key: 'buyer', title: t('evaluate.structure.col.buyerRate'), align: 'right', sorter: (a, b) => a.buyerRate - b.buyerRate, render: (_, r) => f.pct(r.buyerRate) },
                { key: 'repurchase', title: t('evaluate.structure.col.repurchaseRate'), align: 'right', sorter: (a, b) => a.repurchaseRate - b.repurchaseRate, render: (_, r) => f.pct(r.repurchaseRate) },
                { key: 'revenue', title: t('evaluate.structure.col.revenue'), align: 'right', sorter: (a, b) => a.revenueCents - b.revenueCents, render: (_, r) => f.yuan(r.revenueCents) },
                { key: 'perMember', title: t('evaluate.structure.col.revenuePerMember'), align: 'right', sorter: (a, b) => a.revenuePerMemberCents - b.revenuePerMemberCents, render: (_, r) => <span data-testid="structure-compare-per-member">{f.yuan(r.revenuePerMemberCents)}</span> },
              ]}
            />
          </Card>
        </Col>
        {scope.communityId && me.permissions.includes('community.read') && (
          <Col span={24}>
            <CircleRollout me={me} communityId={scope.communityId} />
          </Col>
        )}
      </Row>
    </div>
  );
}
