// 评估精进 › 价值: what the scope's members are worth over the range — revenue and orders, revenue per
// member against the community's target for the range's share of a year, new buyers, consultations that
// ordered — and its buyers as they are now: repurchase, the days between purchases, the mean spend, and the
// eight RFM segments (recent × frequent × big spender).
import { Alert, Col, Progress, Row, Typography, theme } from 'antd';
import { FundOutlined, MessageOutlined, RetweetOutlined, ShoppingCartOutlined, UserAddOutlined, UserOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, qs, type AnalyticsValue, type Me, type RfmSegment } from '../../api';
import { Chart } from '../../chart';
import { ChartCard } from './Charts';
import { DrillDrawer, useDrill } from './Drill';
import { useFormat } from './format';
import { Fig, Kpi } from './Kpis';
import { ScopeToolbar, useEvaluateScope } from './Toolbar';

/** The segments as the method names them: 重要 (big spenders) first, then 一般; within each, the best first. */
export const RFM_ORDER: RfmSegment[] = ['champions', 'loyal_lapsing', 'big_new', 'big_lapsing', 'regular_recent', 'regular_lapsing', 'small_new', 'small_lapsed'];
const RFM_COLORS: Record<RfmSegment, string> = {
  champions: '#d4380d', loyal_lapsing: '#fa8c16', big_new: '#faad14', big_lapsing: '#ffc069',
  regular_recent: '#1677ff', regular_lapsing: '#4096ff', small_new: '#69b1ff', small_lapsed: '#bae0ff',
};

export function Value({ me }: { me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { token } = theme.useToken();
  const scope = useEvaluateScope(me);
  const drill = useDrill();
  const allowed = me.permissions.includes('activity.read') && me.permissions.includes('member.read');
  const q = useQuery({
    enabled: allowed && scope.ready, placeholderData: keepPreviousData, staleTime: 60_000,
    queryKey: ['analytics', 'value', scope.query], queryFn: () => get<AnalyticsValue>(`/analytics/value${qs(scope.query)}`),
  });
  if (!allowed) return <Alert type="info" showIcon title={t('evaluate.noPermission')} />;
  const v = q.data;
  const busy = !v;
  const target = v?.revenuePerMemberTargetCents ?? null;
  const cards = v ? [
    {
      id: 'revenue', icon: <FundOutlined />, value: f.yuan(v.revenueCents), raw: v.revenueCents,
      extra: <>{t('evaluate.value.kpi.orders')} <Fig id="value-orders" raw={v.orders}>{f.int(v.orders)}</Fig></>,
    },
    {
      id: 'perMember', icon: <UserOutlined />, value: f.yuan(v.revenuePerMemberCents), raw: v.revenuePerMemberCents,
      extra: target ? (
        <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
          <Progress
            percent={Math.min(100, (v.revenuePerMemberCents / target) * 100)} showInfo={false} size="small" style={{ flex: 1, margin: 0 }}
            strokeColor={v.revenuePerMemberCents >= target ? token.colorSuccess : token.colorWarning}
          />
          <span style={{ whiteSpace: 'nowrap' }}>{t('evaluate.value.kpi.target')} <Fig id="value-target" raw={target}>{f.yuan(target)}</Fig></span>
        </div>
      ) : <span data-testid="value-target">{v.scope.kind === 'community' ? t('evaluate.value.kpi.noTarget') : t('evaluate.value.kpi.targetByCommunity')}</span>,
    },
    {
      id: 'newBuyers', icon: <UserAddOutlined />, value: f.int(v.newBuyers), raw: v.newBuyers,
      extra: <>{t('evaluate.value.kpi.buyers')} <Fig id="value-buyers" raw={v.buyers}>{f.int(v.buyers)}</Fig></>,
    },
    {
      id: 'consulted', icon: <MessageOutlined />, raw: v.consultingMembersWhoOrdered,
      value: (
        <>
          {f.int(v.consultingMembersWhoOrdered)}
          <span style={{ color: token.colorTextTertiary, fontWeight: 400 }}> / {f.int(v.consultingMembers)}</span>
        </>
      ),
      extra: (
        <>
          {t('evaluate.value.kpi.conversion')} <Fig id="value-conversion" raw={v.consultingMembers ? v.consultingMembersWhoOrdered / v.consultingMembers : 0}>{v.consultingMembers ? f.pct(v.consultingMembersWhoOrdered / v.consultingMembers) : '—'}</Fig>
          {' · '}
          {t('evaluate.value.kpi.consultations')} <Fig id="value-consultations" raw={v.consultations}>{f.int(v.consultations)}</Fig>
        </>
      ),
    },
    {
      id: 'repurchase', icon: <RetweetOutlined />, value: f.pct(v.repurchaseRate), raw: v.repurchaseRate,
      extra: (
        <>
          {t('evaluate.value.kpi.interval')}{' '}
          <Fig id="value-interval" raw={v.meanDaysBetweenPurchases ?? 0}>
            {v.meanDaysBetweenPurchases === null ? '—' : t('evaluate.value.kpi.days', { n: f.dec(v.meanDaysBetweenPurchases, 1) })}
          </Fig>
        </>
      ),
    },
    {
      id: 'meanSpend', icon: <ShoppingCartOutlined />, value: f.yuan(v.meanSpendCents), raw: v.meanSpendCents,
      extra: <Typography.Text type="secondary">{t('evaluate.value.kpi.meanSpendNote')}</Typography.Text>,
    },
  ] : ['revenue', 'perMember', 'newBuyers', 'consulted', 'repurchase', 'meanSpend'].map((id) => ({ id, icon: null, value: null, raw: undefined, extra: null }));

  const seg = new Map((v?.rfm ?? []).map((s) => [s.segment, s.members]));
  const rfmTotal = (v?.rfm ?? []).reduce((n, s) => n + s.members, 0);
  // Top to bottom in the method's order (a horizontal bar chart draws its first category at the bottom).
  const order = [...RFM_ORDER].reverse();
  const drillSegment = (s: RfmSegment) =>
    drill.drill({ target: { segment: s }, title: t('evaluate.drill.segment', { segment: t(`evaluate.value.rfm.segment.${s}`) }), file: `rfm-${s}` });
  return (
    <div data-testid="evaluate-value">
      <ScopeToolbar me={me} scope={scope} range={v?.range} fetching={q.isFetching} />
      {q.error && <Alert type="error" showIcon title={q.error.message} style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]} data-testid="value-kpis">
        {cards.map((c) => (
          <Col xs={24} sm={12} xl={8} key={c.id}>
            <Kpi id={`value-${c.id}`} icon={c.icon} title={t(`evaluate.value.kpi.${c.id}`)} hint={t(`evaluate.value.kpi.${c.id}Hint`)} value={c.value} raw={c.raw} loading={busy}>
              {c.extra}
            </Kpi>
          </Col>
        ))}
      </Row>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} xl={14}>
          <ChartCard testId="value-rfm" title={t('evaluate.value.rfm.title')} hint={t('evaluate.value.rfm.hint')} loading={busy} empty={!!v && rfmTotal === 0}>
            {v && (
              <Chart
                testId="value-rfm-chart"
                height={340}
                clickMode="y"
                onClick={({ dataIndex }) => {
                  const s = order[dataIndex];
                  if (s) drillSegment(s);
                }}
                option={{
                  tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (x) => f.int(Number(x)) },
                  grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
                  xAxis: { type: 'value', minInterval: 1 },
                  yAxis: { type: 'category', data: order.map((s) => t(`evaluate.value.rfm.segment.${s}`)) },
                  series: [{
                    type: 'bar', name: t('evaluate.value.rfm.members'), barMaxWidth: 24,
                    data: order.map((s) => ({ value: seg.get(s) ?? 0, itemStyle: { color: RFM_COLORS[s] } })),
                    label: { show: true, position: 'right', formatter: (p) => f.int(Number(p.value)) },
                  }],
                }}
              />
            )}
          </ChartCard>
        </Col>
        <Col xs={24} xl={10}>
          <ChartCard testId="value-rfm-table" title={t('evaluate.value.rfm.tableTitle')} loading={busy} empty={false}>
            {v && (
              <table data-testid="value-rfm-grid" style={{ width: '100%', borderCollapse: 'collapse', fontSize: 13 }}>
                <tbody>
                  {RFM_ORDER.map((s) => (
                    <tr key={s} data-testid="value-rfm-row" data-segment={s} style={{ borderBottom: `1px solid ${token.colorSplit}` }}>
                      <td style={{ padding: '7px 4px', whiteSpace: 'nowrap' }}>
                        <span style={{ display: 'inline-block', width: 10, height: 10, borderRadius: 2, background: RFM_COLORS[s], marginRight: 8 }} />
                        <a data-testid="value-rfm-drill" onClick={() => drillSegment(s)}><strong>{t(`evaluate.value.rfm.segment.${s}`)}</strong></a>
                      </td>
                      <td style={{ padding: '7px 4px', color: token.colorTextSecondary }}>{t(`evaluate.value.rfm.meaning.${s}`)}</td>
                      <td data-testid="value-rfm-members" style={{ padding: '7px 4px', textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>{f.int(seg.get(s) ?? 0)}</td>
                      <td style={{ padding: '7px 4px', textAlign: 'right', color: token.colorTextTertiary, fontVariantNumeric: 'tabular-nums', width: 56 }}>
                        {rfmTotal ? f.pct((seg.get(s) ?? 0) / rfmTotal, 0) : '—'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </ChartCard>
        </Col>
      </Row>
      <DrillDrawer request={drill.request} query={scope.query} onClose={drill.close} />
    </div>
  );
}
