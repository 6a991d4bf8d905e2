// 概览: the workspace at a glance — members, groups, communities, this week's messages, joins and leaves,
// activity per day, and the groups that talked most in the last 7 days.
import { useMemo } from 'react';
import { Alert, Card, Col, Empty, Row, Skeleton, Space, Statistic, Tooltip, Typography, theme } from 'antd';
import {
  AimOutlined, LogoutOutlined, MessageOutlined, CommentOutlined, ThunderboltOutlined, UserAddOutlined, UserOutlined, UsergroupAddOutlined,
} from '@ant-design/icons';
import { useQueries, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, qs, type Group, type Overview } from '../api';
import { Chart } from '../chart';
import { Sparkline, tzOffsetMinutes, useGroupStats } from '../stats';
import { useAllGroups } from './Groups';

const TOP = 10;

export function Home() {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['overview'], queryFn: () => get<Overview>(`/stats/overview${qs({ days: 14, tzOffsetMinutes: tzOffsetMinutes() })}`) });
  if (q.error) return <Alert type="error" showIcon title={q.error.message} />;
  const o = q.data;
  const tiles = [
    { key: 'members', icon: <UserOutlined />, value: o?.members },
    { key: 'groups', icon: <UsergroupAddOutlined />, value: o?.groups },
    { key: 'communities', icon: <AimOutlined />, value: o?.communities },
    { key: 'activities7d', icon: <ThunderboltOutlined />, value: o?.activitiesLast7Days },
    { key: 'messagesToday', icon: <CommentOutlined />, value: o?.messagesToday },
    { key: 'messages7d', icon: <MessageOutlined />, value: o?.messagesLast7Days },
    { key: 'joins7d', icon: <UserAddOutlined />, value: o?.joinsLast7Days },
    { key: 'leaves7d', icon: <LogoutOutlined />, value: o?.leavesLast7Days },
  ];
  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>{t('home.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('home.method')}</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        {tiles.map((x) => (
          <Col xs={24} sm={12} lg={6} key={x.key}>
            <Card data-testid={`stat-${x.key}`} size="small" styles={{ body: { padding: '14px 20px' } }}>
              <Statistic title={t(`home.${x.key}`)} value={x.value ?? 0} prefix={x.icon} loading={q.isPending} />
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col xs={24} xl={15}>
          <Card title={t('home.chartTitle')} style={{ height: '100%' }}>
            {o ? (
              <Chart
                testId="activity-chart"
                option={{
                  tooltip: { trigger: 'axis' },
                  grid: { left: 48, right: 24, top: 24, bottom: 32 },
                  xAxis: { type: 'category', boundaryGap: false, data: o.activitiesPerDay.map((d) => d.day.slice(5)) },
                  yAxis: { type: 'value', minInterval: 1 },
                  series: [{ name: t('home.activities'), type: 'line', smooth: true, areaStyle: { opacity: 0.15 }, data: o.activitiesPerDay.map((d) => d.count) }],
                  color: ['#d4380d'],
                }}
              />
            ) : (
              <Skeleton active />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <TopGroups />
        </Col>
      </Row>
    </>
  );
}

/** The 10 groups with the most messages in the last 7 days, with their daily line, joins and leaves. */
function TopGroups() {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const stats = useGroupStats(7);
  const groups = useAllGroups();
  const top = useMemo(() => (stats.data?.items ?? []).filter((x) => x.messages > 0).slice(0, TOP), [stats.data]);
  const known = useMemo(() => new Map((groups.data?.items ?? []).map((g) => [g.id, g])), [groups.data]);
  // A workspace with more groups than the list holds: look the few missing names up one by one.
  const missing = groups.isSuccess ? top.filter((x) => !known.has(x.groupId)).map((x) => x.groupId) : [];
  const extra = useQueries({ queries: missing.map((id) => ({ queryKey: ['group', id], queryFn: () => get<Group>(`/groups/${id}`), staleTime: 5 * 60_000, retry: false })) });
  const nameOf = (id: string) => known.get(id)?.name ?? extra[missing.indexOf(id)]?.data?.name ?? id;
  const max = top[0]?.messages ?? 0;
  return (
    <Card title={t('home.topGroups')} extra={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('home.topGroupsHint')}</Typography.Text>} style={{ height: '100%' }} styles={{ body: { paddingTop: 8, paddingBottom: 8 } }} data-testid="top-groups">
      {stats.isPending ? <Skeleton active /> : stats.error ? <Alert type="error" showIcon title={stats.error.message} /> : top.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('home.noActivity')} />
      ) : (
        <ol style={{ listStyle: 'none', margin: 0, padding: 0 }}>
          {top.map((x, i) => (
            <li key={x.groupId} data-testid="top-group" data-group-id={x.groupId} style={{ display: 'flex', alignItems: 'center', gap: 10, padding: '6px 0', borderBottom: i < top.length - 1 ? `1px solid ${token.colorSplit}` : undefined }}>
              <span style={{ width: 20, textAlign: 'right', color: i < 3 ? token.colorPrimary : token.colorTextTertiary, fontWeight: 600, fontVariantNumeric: 'tabular-nums' }}>{i + 1}</span>
              <div style={{ flex: 1, minWidth: 0 }}>
                <Typography.Text ellipsis style={{ display: 'block' }}>{nameOf(x.groupId)}</Typography.Text>
                <div style={{ height: 3, marginTop: 3, background: token.colorFillSecondary, borderRadius: 2 }}>
                  <div style={{ width: `${max ? Math.max(2, (x.messages / max) * 100) : 0}%`, height: '100%', background: token.colorPrimaryBorder, borderRadius: 2 }} />
                </div>
              </div>
              <Sparkline values={x.messagesPerDay} days={stats.data?.days} width={72} height={22} />
              <Tooltip title={t('home.topGroupsTip', { messages: x.messages, joins: x.joins, leaves: x.leaves })}>
                <Space orientation="vertical" size={0} style={{ width: 76, textAlign: 'right' }}>
                  <Typography.Text strong style={{ fontVariantNumeric: 'tabular-nums' }} data-testid="top-group-messages">{x.messages.toLocaleString()}</Typography.Text>
                  <Typography.Text type="secondary" style={{ fontSize: 11, whiteSpace: 'nowrap' }}>
                    <span style={{ color: token.colorSuccess }}>+{x.joins}</span> / <span style={{ color: x.leaves ? token.colorError : undefined }}>−{x.leaves}</span>
                  </Typography.Text>
                </Space>
              </Tooltip>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
