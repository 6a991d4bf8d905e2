// 直播 › 数据: groups and members reached, lines relayed, questions asked and answered, and per target group
// its members' messages during the session and in as long a time after it (did the session wake it up).
import { Alert, Col, Empty, Progress, Row, Statistic, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { LiveSession, LiveStats } from '../../api';
import { running, useLiveStats } from './live';

export function LiveStatsPanel({ session: s }: { session: LiveSession }) {
  const { t } = useTranslation();
  const q = useLiveStats(s.id, running(s));
  if (q.error) return <Alert type="error" showIcon title={q.error.message} />;
  const d = q.data;
  const max = Math.max(1, ...(d?.perGroup ?? []).flatMap((g) => [g.during, g.after]));
  const tiles: { key: keyof LiveStats; label: string; suffix?: string }[] = [
    { key: 'groupsReached', label: t('live.stats.groupsReached'), suffix: d ? `/ ${d.groupsTargeted}` : undefined },
    { key: 'membersReached', label: t('live.stats.membersReached') },
    { key: 'messagesRelayed', label: t('live.stats.messagesRelayed') },
    { key: 'questionsAsked', label: t('live.stats.questionsAsked') },
    { key: 'questionsAnswered', label: t('live.stats.questionsAnswered') },
  ];
  return (
    <div data-testid="live-stats">
      <Row gutter={[16, 16]} style={{ marginBottom: 16 }}>
        {tiles.map((x) => (
          <Col key={x.key} xs={12} md={8} xl={4}>
            <Statistic
              title={x.label}
              value={d ? (d[x.key] as number) : 0}
              suffix={x.suffix}
              loading={q.isPending}
              valueRender={(node) => <span data-testid={`live-stat-${x.key}`}>{node}</span>}
            />
          </Col>
        ))}
        {!!d?.ambiguous && (
          <Col xs={12} md={8} xl={4}>
            <Statistic title={t('live.stats.ambiguous')} value={d.ambiguous} styles={{ content: { color: '#fa8c16' } }} />
          </Col>
        )}
      </Row>
      <Typography.Title level={5} style={{ marginTop: 0 }}>{t('live.stats.perGroup')}</Typography.Title>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('live.stats.perGroupHelp')}</Typography.Paragraph>
      <Table
        rowKey="groupId"
        size="small"
        loading={q.isPending}
        dataSource={d?.perGroup ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('live.stats.notStarted')} /> }}
        onRow={(g) => ({ 'data-testid': 'live-stat-group', 'data-group-id': g.groupId }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('live.delivery.group'), dataIndex: 'name' },
          {
            title: t('live.stats.during'), dataIndex: 'during', width: 260,
            render: (n: number) => <Bar n={n} max={max} color="#d4380d" testId="live-stat-during" />,
          },
          {
            title: t('live.stats.after'), dataIndex: 'after', width: 260,
            render: (n: number) => <Bar n={n} max={max} color="#1677ff" testId="live-stat-after" />,
          },
        ]}
      />
    </div>
  );
}

function Bar({ n, max, color, testId }: { n: number; max: number; color: string; testId: string }) {
  return (
    <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
      <Progress percent={(n / max) * 100} showInfo={false} size="small" strokeColor={color} style={{ flex: 1, margin: 0 }} />
      <span style={{ width: 36, textAlign: 'right', fontVariantNumeric: 'tabular-nums' }} data-testid={testId}>{n}</span>
    </div>
  );
}
