import { Card, Col, Row, Statistic, Typography, Skeleton, Alert } from 'antd';
import { UserOutlined, UsergroupAddOutlined, AimOutlined, ThunderboltOutlined } from '@ant-design/icons';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, qs, type Overview } from '../api';
import { Chart } from '../chart';

const tzOffsetMinutes = () => -new Date().getTimezoneOffset();

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
  ];
  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>{t('home.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('home.method')}</Typography.Paragraph>
      <Row gutter={[16, 16]}>
        {tiles.map((x) => (
          <Col xs={24} sm={12} lg={6} key={x.key}>
            <Card data-testid={`stat-${x.key}`}>
              <Statistic title={t(`home.${x.key}`)} value={x.value ?? 0} prefix={x.icon} loading={q.isPending} />
            </Card>
          </Col>
        ))}
      </Row>
      <Card title={t('home.chartTitle')} style={{ marginTop: 16 }}>
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
    </>
  );
}
