// 评估精进 › 复制: is the community ready to copy itself — a core group in place, members who speak for
// themselves (self-organisation), terms of its own kept week after week (sub-culture) — what is missing, and
// the family of communities it belongs to (parent → spin-offs) with each one's figures over the range.
import { Alert, Card, Col, Empty, Progress, Row, Skeleton, Space, Table, Tag, Typography, theme } from 'antd';
import { CheckCircleFilled, ExclamationCircleFilled } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { get, qs, type AnalyticsReplication, type Me } from '../../api';
import { useFormat } from './format';
import { ScopeToolbar, useEvaluateScope } from './Toolbar';

type Family = AnalyticsReplication['lineage'][number];

export function Replication({ me }: { me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { token } = theme.useToken();
  const scope = useEvaluateScope(me);
  const allowed = me.permissions.includes('activity.read') && me.permissions.includes('community.read');
  const communityId = scope.communityId;
  const query = { ...(scope.params.range ?? {}), communityId: communityId ?? undefined };
  const q = useQuery({
    enabled: allowed && scope.ready && !!communityId, placeholderData: keepPreviousData, staleTime: 60_000,
    queryKey: ['analytics', 'replication', query], queryFn: () => get<AnalyticsReplication>(`/analytics/replication${qs(query)}`),
  });
  if (!allowed) return <Alert type="info" showIcon title={t('evaluate.noPermission')} />;
  const r = communityId ? q.data : undefined;
  const check = (ready: boolean) => (ready
    ? <Tag color="success" icon={<CheckCircleFilled />} data-testid="replication-check" data-ready="true">{t('evaluate.replication.met')}</Tag>
    : <Tag color="warning" icon={<ExclamationCircleFilled />} data-testid="replication-check" data-ready="false">{t('evaluate.replication.notMet')}</Tag>);

  return (
    <div data-testid="evaluate-replication">
      <ScopeToolbar me={me} scope={scope} range={r?.range} fetching={q.isFetching} />
      <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>{t('evaluate.replication.intro')}</Typography.Paragraph>
      {!communityId ? (
        <Card><Empty data-testid="replication-pick" description={t('evaluate.replication.pick')} /></Card>
      ) : q.error ? <Alert type="error" showIcon title={q.error.message} /> : !r ? <Card><Skeleton active paragraph={{ rows: 8 }} /></Card> : (
        <>
          <Alert
            data-testid="replication-verdict"
            data-ready={String(r.ready)}
            type={r.ready ? 'success' : 'warning'}
            showIcon
            style={{ marginBottom: 16 }}
            title={r.ready ? t('evaluate.replication.ready', { name: r.scope.name }) : t('evaluate.replication.notReady', { name: r.scope.name })}
            description={r.reasons.length > 0 && (
              <ul style={{ margin: 0, paddingLeft: 18 }}>
                {r.reasons.map((x) => <li key={x} data-testid="replication-reason">{x}</li>)}
              </ul>
            )}
          />
          <Row gutter={[16, 16]}>
            <Col xs={24} xl={8}>
              <Card size="small" title={t('evaluate.replication.core')} extra={check(r.coreGroup.ready)} style={{ height: '100%' }} data-testid="replication-core">
                <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>{t('evaluate.replication.coreHint', { n: r.coreGroup.minSeats })}</Typography.Paragraph>
                <Table
                  size="small"
                  rowKey="groupId"
                  pagination={false}
                  dataSource={r.coreGroup.groups}
                  locale={{ emptyText: t('evaluate.replication.noCore') }}
                  onRow={(g) => ({ 'data-testid': 'replication-core-group', 'data-id': g.groupId }) as React.HTMLAttributes<HTMLElement>}
                  columns={[
                    { key: 'name', title: t('evaluate.replication.col.group'), ellipsis: true, render: (_, g) => g.name },
                    { key: 'seats', title: t('evaluate.replication.col.seats'), align: 'right', render: (_, g) => f.int(g.seats) },
                    { key: 'weekly', title: t('evaluate.replication.col.weeklyActive'), align: 'right', render: (_, g) => f.dec(g.weeklyActive, 1) },
                  ]}
                />
              </Card>
            </Col>
            <Col xs={24} xl={8}>
              <Card size="small" title={t('evaluate.replication.self')} extra={check(r.selfOrganisation.ready)} style={{ height: '100%' }} data-testid="replication-self">
                <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>{t('evaluate.replication.selfHint', { pct: f.pct(r.selfOrganisation.threshold, 0) })}</Typography.Paragraph>
                <div style={{ fontSize: 32, fontWeight: 600, lineHeight: 1.2 }} data-testid="replication-member-share">{f.pct(r.selfOrganisation.memberShare)}</div>
                <Progress
                  percent={Math.round(r.selfOrganisation.memberShare * 1000) / 10}
                  showInfo={false}
                  strokeColor={r.selfOrganisation.ready ? token.colorSuccess : token.colorWarning}
                  success={{ percent: 0 }}
                />
                <Typography.Text type="secondary" style={{ fontSize: 13 }} data-testid="replication-messages">
                  {t('evaluate.replication.messages', { all: f.int(r.selfOrganisation.messages), staff: f.int(r.selfOrganisation.staffMessages) })}
                </Typography.Text>
              </Card>
            </Col>
            <Col xs={24} xl={8}>
              <Card size="small" title={t('evaluate.replication.subculture')} extra={check(r.subculture.ready)} style={{ height: '100%' }} data-testid="replication-subculture">
                <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
                  {t('evaluate.replication.subcultureHint', { weeks: r.subculture.weeks, k: r.subculture.recurringWeeks, n: r.subculture.minTerms, since: r.subculture.since })}
                </Typography.Paragraph>
                {r.subculture.terms.length === 0 ? <Typography.Text type="secondary">{t('evaluate.replication.noTerms')}</Typography.Text> : (
                  <Space size={[6, 8]} wrap>
                    {r.subculture.terms.map((x) => (
                      <Tag key={x.term} data-testid="replication-term" data-term={x.term} style={{ fontSize: 14, padding: '2px 8px' }}>
                        {x.term}<span style={{ color: token.colorTextTertiary, marginInlineStart: 6, fontSize: 12 }}>{t('evaluate.replication.termWeeks', { n: x.weeks })}</span>
                      </Tag>
                    ))}
                  </Space>
                )}
              </Card>
            </Col>
          </Row>
          <Card size="small" title={t('evaluate.replication.lineage')} style={{ marginTop: 16 }} data-testid="replication-lineage">
            <Table<Family>
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={r.lineage}
              onRow={(c) => ({ 'data-testid': 'replication-family', 'data-id': c.id, style: c.id === r.scope.id ? { background: token.colorPrimaryBg } : undefined }) as React.HTMLAttributes<HTMLElement>}
              columns={[
                {
                  key: 'name', title: t('evaluate.replication.col.community'),
                  render: (_, c) => <span style={{ paddingInlineStart: c.depth * 20 }}>{c.depth > 0 && <span style={{ color: token.colorTextQuaternary }}>└ </span>}{c.name}</span>,
                },
                { key: 'created', title: t('evaluate.replication.col.created'), render: (_, c) => dayjs(c.createdAt).format('YYYY-MM-DD') },
                { key: 'people', title: t('evaluate.replication.col.people'), align: 'right', render: (_, c) => f.int(c.people) },
                { key: 'seats', title: t('evaluate.replication.col.seats'), align: 'right', render: (_, c) => f.int(c.seats) },
                { key: 'joins', title: t('evaluate.replication.col.joins'), align: 'right', render: (_, c) => f.int(c.joins) },
                { key: 'mau', title: t('evaluate.replication.col.monthlyActive'), align: 'right', render: (_, c) => <span data-testid="replication-family-mau">{f.int(c.monthlyActive)}</span> },
                { key: 'rate', title: t('evaluate.replication.col.activeRate'), align: 'right', render: (_, c) => f.pct(c.activeMemberRate) },
                { key: 'revenue', title: t('evaluate.replication.col.revenue'), align: 'right', render: (_, c) => f.yuan(c.revenueCents) },
              ]}
            />
          </Card>
        </>
      )}
    </div>
  );
}
