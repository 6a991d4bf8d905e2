// 评估精进 › 同城会: where to hold the next meetup (归属感) and whom to invite. The scope's cities ranked by
// their members active in the last 30 days (a chart and a table with the active and buyer rates); a click
// on a city lists its most recently active members — 30 to 50 suggested invitees — with a CSV to send out.
// The picked city is in the address (city=).
import { Alert, Button, Card, Col, Empty, Row, Skeleton, Table, Tag, Typography, theme } from 'antd';
import { DownloadOutlined, EnvironmentOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { get, qs, type AnalyticsMeetups, type Me, type MeetupCity, type MeetupInvitee } from '../../api';
import { Chart } from '../../chart';
import { enums, useLabels } from '../../labels';
import { useSearchParam } from '../../router';
import { MemberLink } from './Drill';
import { downloadCsv, useFormat } from './format';
import { ScopeToolbar, useEvaluateScope } from './Toolbar';

const LIMIT = 50;
const TOP = 12;

export function Meetups({ me }: { me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { label } = useLabels();
  const { token } = theme.useToken();
  const scope = useEvaluateScope(me);
  const [cityParam, setCity] = useSearchParam('city');
  const allowed = me.permissions.includes('member.read');
  const query = { ...scope.scopeQuery, city: cityParam ?? undefined, limit: LIMIT };
  const q = useQuery({
    enabled: allowed && scope.ready, placeholderData: keepPreviousData, staleTime: 60_000,
    queryKey: ['analytics', 'meetups', query], queryFn: () => get<AnalyticsMeetups>(`/analytics/meetups${qs(query)}`),
  });
  if (!allowed) return <Alert type="info" showIcon title={t('evaluate.noPermission')} />;
  const m = q.data;
  // Members without a city are counted in the structure, not invited to a city's meetup.
  const cities = (m?.cities ?? []).filter((c) => c.city !== '');
  const top = cities.slice(0, TOP);
  const shown = [...top].reverse();
  const city = m?.city ?? null;

  const exportCsv = () => {
    if (!m || !city) return;
    downloadCsv(`meetup-invitees-${city}.csv`, [
      [t('evaluate.meetups.col.id'), t('evaluate.meetups.col.name'), t('evaluate.meetups.col.circle'), t('evaluate.meetups.col.stage'), t('evaluate.meetups.col.lastActive'), t('evaluate.meetups.col.activities')],
      ...m.invitees.map((i) => [i.id, i.displayName, label(enums.memberCircle, i.circle), label(enums.lifecycleStage, i.stage), dayjs(i.lastActiveAt).format('YYYY-MM-DD HH:mm'), i.activities]),
    ]);
  };

  return (
    <div data-testid="evaluate-meetups">
      <ScopeToolbar
        me={me} scope={scope} fetching={q.isFetching} withRange={false}
        right={m && (
          <Typography.Text type="secondary" data-testid="meetups-computed-at">
            {t('evaluate.structure.computedAt', { at: dayjs(m.computedAt).format('YYYY-MM-DD HH:mm') })}
          </Typography.Text>
        )}
      />
      <Typography.Paragraph type="secondary" style={{ marginTop: -4 }}>{t('evaluate.meetups.intro')}</Typography.Paragraph>
      {q.error && <Alert type="error" showIcon title={q.error.message} style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={10}>
          <Card data-testid="meetups-cities" title={t('evaluate.meetups.cities')} style={{ height: '100%' }}>
            {!m ? <Skeleton active /> : cities.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('evaluate.meetups.noCities')} />
            ) : (
              <>
                <Chart
                  testId="meetups-cities-chart"
                  height={Math.max(160, 26 * shown.length + 40)}
                  clickMode="y"
                  onClick={({ dataIndex }) => {
                    const c = shown[dataIndex];
                    if (c) setCity(c.city);
                  }}
                  option={{
                    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (x) => f.int(Number(x)) },
                    legend: { top: 0 },
                    grid: { left: 4, right: 40, top: 28, bottom: 4, containLabel: true },
                    xAxis: { type: 'value', minInterval: 1, axisLabel: { show: false }, splitLine: { show: false } },
                    yAxis: { type: 'category', data: shown.map((c) => c.city), axisTick: { show: false }, axisLabel: { fontWeight: 'normal' } },
                    series: [
                      {
                        type: 'bar', name: t('evaluate.meetups.col.active'), barMaxWidth: 14, stack: 'c',
                        data: shown.map((c) => c.active), itemStyle: { color: '#fa8c16' },
                      },
                      {
                        type: 'bar', name: t('evaluate.meetups.inactive'), barMaxWidth: 14, stack: 'c', itemStyle: { color: '#ffe7ba' },
                        data: shown.map((c) => c.people - c.active),
                        label: { show: true, position: 'right', formatter: (p) => f.int(shown[p.dataIndex]!.people) },
                      },
                    ],
                  }}
                />
                <Table<MeetupCity>
                  data-testid="meetups-city-table"
                  size="small"
                  rowKey="city"
                  style={{ marginTop: 12 }}
                  dataSource={cities}
                  pagination={cities.length > 10 ? { pageSize: 10, size: 'small', showSizeChanger: false } : false}
                  onRow={(c) => ({
                    'data-testid': 'meetups-city', 'data-city': c.city, onClick: () => setCity(c.city),
                    style: { cursor: 'pointer', background: c.city === city ? '#fff2e8' : undefined },
                  }) as React.HTMLAttributes<HTMLElement>}
                  columns={[
                    { key: 'rank', title: '#', width: 40, render: (_, _c, i) => <Typography.Text type="secondary">{i + 1}</Typography.Text> },
                    { key: 'city', title: t('evaluate.meetups.col.city'), render: (_, c) => <a data-testid="meetups-city-name">{c.city}</a> },
                    { key: 'people', title: t('evaluate.meetups.col.people'), align: 'right', render: (_, c) => f.int(c.people) },
                    { key: 'active', title: t('evaluate.meetups.col.active'), align: 'right', render: (_, c) => <span data-testid="meetups-city-active">{f.int(c.active)}</span> },
                    { key: 'activeRate', title: t('evaluate.meetups.col.activeRate'), align: 'right', render: (_, c) => f.pct(c.activeRate) },
                    { key: 'buyerRate', title: t('evaluate.meetups.col.buyerRate'), align: 'right', render: (_, c) => f.pct(c.buyerRate) },
                  ]}
                />
              </>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={14}>
          <Card
            data-testid="meetups-invitees"
            title={(
              <span>
                <EnvironmentOutlined style={{ color: token.colorPrimary, marginRight: 6 }} />
                {city ? <span data-testid="meetups-city-picked">{t('evaluate.meetups.invitees', { city })}</span> : t('evaluate.meetups.pickCity')}
                {m && city && <Tag style={{ marginInlineStart: 8 }} data-testid="meetups-invitee-count" data-value={m.invitees.length}>{t('evaluate.meetups.count', { n: f.int(m.invitees.length) })}</Tag>}
              </span>
            )}
            extra={<Button icon={<DownloadOutlined />} disabled={!m?.invitees.length} onClick={exportCsv} data-testid="meetups-export">{t('evaluate.meetups.export')}</Button>}
            style={{ height: '100%' }}
          >
            <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>{t('evaluate.meetups.inviteesHint', { n: LIMIT })}</Typography.Paragraph>
            <Table<MeetupInvitee>
              data-testid="meetups-invitee-table"
              size="small"
              rowKey="id"
              loading={!m}
              dataSource={m?.invitees ?? []}
              pagination={false}
              scroll={{ y: 640 }}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('evaluate.meetups.noInvitees')} /> }}
              onRow={(i) => ({ 'data-testid': 'meetups-invitee', 'data-id': i.id }) as React.HTMLAttributes<HTMLElement>}
              columns={[
                { key: 'rank', title: '#', width: 44, render: (_, _i, n) => <Typography.Text type="secondary">{n + 1}</Typography.Text> },
                { key: 'name', title: t('evaluate.meetups.col.name'), render: (_, i) => <MemberLink id={i.id}>{i.displayName}</MemberLink> },
                { key: 'circle', title: t('evaluate.meetups.col.circle'), render: (_, i) => label(enums.memberCircle, i.circle) },
                { key: 'stage', title: t('evaluate.meetups.col.stage'), render: (_, i) => <Tag color="orange">{label(enums.lifecycleStage, i.stage)}</Tag> },
                { key: 'last', title: t('evaluate.meetups.col.lastActive'), render: (_, i) => <span style={{ whiteSpace: 'nowrap' }}>{dayjs(i.lastActiveAt).format('YYYY-MM-DD HH:mm')}</span> },
                { key: 'activities', title: t('evaluate.meetups.col.activities'), align: 'right', render: (_, i) => f.int(i.activities) },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
