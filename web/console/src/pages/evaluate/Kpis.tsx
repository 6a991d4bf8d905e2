// The dashboard's KPI cards: people against the floor, seats and duplicate seats, net growth, weekly and
// monthly actives with the active-member rate against its target, messages per active member and the top
// tenth's share of them, revenue.
import type { ReactNode } from 'react';
import { Card, Col, Progress, Row, Skeleton, Tooltip, Typography, theme } from 'antd';
import {
  FundOutlined, MessageOutlined, RiseOutlined, TeamOutlined, ThunderboltOutlined, UserOutlined,
} from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { AnalyticsOverview } from '../../api';
import { useFormat } from './format';

export function Kpi({ id, icon, title, hint, value, raw, loading, children, action }: {
  id: string; icon: ReactNode; title: string; hint: string; value: ReactNode; raw?: number; loading: boolean; children?: ReactNode;
  /** A link at the card's top right (沉默成员 beside the actives). */
  action?: ReactNode;
}) {
  const { token } = theme.useToken();
  return (
    <Card data-testid={`kpi-${id}`} size="small" style={{ height: '100%' }} styles={{ body: { padding: '14px 20px' } }}>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline', gap: 8 }}>
        <Tooltip title={hint} placement="topLeft">
          <div style={{ color: token.colorTextSecondary, marginBottom: 4, cursor: 'help', display: 'inline-flex', gap: 6 }}>
            {icon}
            <span>{title}</span>
          </div>
        </Tooltip>
        {action}
      </div>
      {loading ? (
        <Skeleton active paragraph={{ rows: 1 }} title={false} />
      ) : (
        <>
          <div data-testid={`kpi-${id}-value`} data-value={raw} style={{ fontSize: 26, fontWeight: 600, lineHeight: 1.3, fontVariantNumeric: 'tabular-nums' }}>
            {value}
          </div>
          <div style={{ color: token.colorTextSecondary, marginTop: 6, minHeight: 24 }}>{children}</div>
        </>
      )}
    </Card>
  );
}

/** A figure inside a card's second line, findable by a test. */
export const Fig = ({ id, raw, children }: { id: string; raw: number; children: ReactNode }) => (
  <span data-testid={id} data-value={raw} style={{ fontVariantNumeric: 'tabular-nums', color: 'rgba(0,0,0,.88)' }}>{children}</span>
);

export function Kpis({ overview: o, loading, onSilent }: { overview: AnalyticsOverview | undefined; loading: boolean; onSilent?: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { token } = theme.useToken();
  const busy = loading || !o;
  const floor = o?.scale.memberFloor ?? null;
  const rate = o?.activity.activeMemberRate ?? 0;
  const target = o?.activity.activeMemberRateTarget ?? null;
  const cards: { id: string; value: ReactNode; raw?: number; extra: ReactNode }[] = o
    ? [
        {
          id: 'people', value: f.int(o.scale.people), raw: o.scale.people,
          extra: floor ? (
            <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
              <Progress
                percent={Math.min(100, (o.scale.people / floor) * 100)} showInfo={false} size="small" style={{ flex: 1, margin: 0 }}
                strokeColor={o.scale.people >= floor ? token.colorSuccess : token.colorPrimary}
              />
              <span data-testid="kpi-floor" data-value={floor} style={{ whiteSpace: 'nowrap' }}>
                {t('evaluate.kpi.ofFloor', { pct: f.pct(o.scale.people / floor, 0), floor: f.int(floor) })}
              </span>
            </div>
          ) : (
            <span data-testid="kpi-floor">{o.scope.kind === 'workspace' ? t('evaluate.kpi.floorByCommunity') : t('evaluate.kpi.noFloor')}</span>
          ),
        },
        {
          id: 'seats', value: f.int(o.scale.seats), raw: o.scale.seats,
          extra: <>{t('evaluate.kpi.duplicateSeats')} <Fig id="kpi-duplicate-seats" raw={o.scale.duplicateSeats}>{f.int(o.scale.duplicateSeats)}</Fig></>,
        },
        {
          id: 'growth', raw: o.scale.netGrowth,
          value: <span style={{ color: o.scale.netGrowth > 0 ? token.colorSuccess : o.scale.netGrowth < 0 ? token.colorError : undefined }}>{f.signed(o.scale.netGrowth)}</span>,
          extra: (
            <>
              {t('evaluate.kpi.joins')} <Fig id="kpi-joins" raw={o.scale.joins}>{f.int(o.scale.joins)}</Fig>
              {' · '}
              {t('evaluate.kpi.leaves')} <Fig id="kpi-leaves" raw={o.scale.leaves}>{f.int(o.scale.leaves)}</Fig>
            </>
          ),
        },
        {
          id: 'active',
          value: (
            <>
              <span data-testid="kpi-wau" data-value={o.activity.weeklyActive}>{f.int(o.activity.weeklyActive)}</span>
              <span style={{ color: token.colorTextTertiary, fontWeight: 400 }}> / </span>
              <span data-testid="kpi-mau" data-value={o.activity.monthlyActive}>{f.int(o.activity.monthlyActive)}</span>
            </>
          ),
          extra: (
            <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
              <span style={{ whiteSpace: 'nowrap' }}>{t('evaluate.kpi.activeRate')}</span>
              <Progress
                percent={Math.min(100, rate * 100)} showInfo={false} size="small" style={{ flex: 1, margin: 0 }}
                strokeColor={target !== null && rate < target ? token.colorWarning : token.colorSuccess}
              />
              <span style={{ whiteSpace: 'nowrap' }}>
                <Fig id="kpi-active-rate" raw={rate}>{f.pct(rate)}</Fig>
                {target !== null && <span data-testid="kpi-active-target"> / {t('evaluate.kpi.target', { pct: f.pct(target, 0) })}</span>}
              </span>
            </div>
          ),
        },
        {
          id: 'talk', value: o.activity.messagesPerActiveMember.toLocaleString(f.lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }), raw: o.activity.messagesPerActiveMember,
          extra: (
            <>
              {t('evaluate.kpi.messages')} <Fig id="kpi-messages" raw={o.activity.messages}>{f.int(o.activity.messages)}</Fig>
              {' · '}
              {t('evaluate.kpi.activities')} <Fig id="kpi-activities" raw={o.activity.activities}>{f.int(o.activity.activities)}</Fig>
              {o.activity.concentration && o.activity.concentration.speakers > 0 && (
                <>
                  {' · '}
                  <Tooltip title={t('evaluate.kpi.topShareHint', { top: f.int(o.activity.concentration.topSpeakers), speakers: f.int(o.activity.concentration.speakers) })}>
                    <span style={{ cursor: 'help' }}>{t('evaluate.kpi.topShare')} </span>
                  </Tooltip>
                  <Fig id="kpi-top-share" raw={o.activity.concentration.topShare}>{f.pct(o.activity.concentration.topShare, 0)}</Fig>
                </>
              )}
            </>
          ),
        },
        {
          id: 'revenue', value: f.yuan(o.revenue.amountCents), raw: o.revenue.amountCents,
          extra: (
            <>
              {t('evaluate.kpi.perMember')} <Fig id="kpi-revenue-per-member" raw={o.revenue.perMemberCents}>{f.yuan(o.revenue.perMemberCents)}</Fig>
              {' · '}
              {t('evaluate.kpi.purchases')} <Fig id="kpi-purchases" raw={o.revenue.purchases}>{f.int(o.revenue.purchases)}</Fig>
            </>
          ),
        },
      ]
    : ['people', 'seats', 'growth', 'active', 'talk', 'revenue'].map((id) => ({ id, value: null, extra: null }));
  const icons: Record<string, ReactNode> = {
    people: <UserOutlined />, seats: <TeamOutlined />, growth: <RiseOutlined />, active: <ThunderboltOutlined />, talk: <MessageOutlined />, revenue: <FundOutlined />,
  };
  return (
    <Row gutter={[16, 16]} data-testid="evaluate-kpis">
      {cards.map((c) => (
        <Col xs={24} sm={12} xl={8} key={c.id}>
          <Kpi
            id={c.id} icon={icons[c.id]} title={t(`evaluate.kpi.${c.id}`)} hint={t(`evaluate.kpi.${c.id}Hint`)} value={c.value} raw={c.raw} loading={busy}
            action={c.id === 'active' && onSilent && o ? (
              <Tooltip title={t('evaluate.drill.silentHint')}>
                <a data-testid="kpi-silent" onClick={onSilent} style={{ fontSize: 13, whiteSpace: 'nowrap' }}>{t('evaluate.drill.silentLink')}</a>
              </Tooltip>
            ) : undefined}
          >
            {c.extra}
          </Kpi>
        </Col>
      ))}
      {o && !busy && o.scale.seats === 0 && o.activity.activities === 0 && o.scale.joins === 0 && (
        <Col span={24}>
          <Typography.Text type="secondary" data-testid="evaluate-empty">{t('evaluate.empty')}</Typography.Text>
        </Col>
      )}
    </Row>
  );
}
