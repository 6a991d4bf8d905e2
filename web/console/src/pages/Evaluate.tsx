// 评估精进: scale against each community's KPI member floor, and activity over time (概览); tracked short
// links with their clicks by group, circle and day (短链接, pages/evaluate).
import { useMemo } from 'react';
import { Card, Progress, Table, Tabs, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, type Community, type Me, type Overview } from '../api';
import { Chart } from '../chart';
import { enums, useLabels } from '../labels';
import { useSearchParam } from '../router';
import { useAllGroups, useCommunities } from './Groups';
import { ShortLinks } from './evaluate/ShortLinks';

const TABS = ['overview', 'links'] as const;
type Tab = (typeof TABS)[number];

export function Evaluate({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [param, setParam] = useSearchParam('tab');
  const [, setLink] = useSearchParam('link');
  const tab: Tab = (TABS as readonly string[]).includes(param ?? '') ? (param as Tab) : 'overview';
  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>{t('evaluate.title')}</Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(k) => {
          setLink(null);
          setParam(k === 'overview' ? null : k);
        }}
        destroyOnHidden
        items={[
          { key: 'overview', label: <span data-testid="evaluate-tab-overview">{t('evaluate.tabs.overview')}</span>, children: <EvaluateOverview /> },
          { key: 'links', label: <span data-testid="evaluate-tab-links">{t('evaluate.tabs.links')}</span>, children: <ShortLinks me={me} /> },
        ]}
      />
    </>
  );
}

function EvaluateOverview() {
  const { t } = useTranslation();
  const { label } = useLabels();
  const communities = useCommunities();
  const groups = useAllGroups();
  const overview = useQuery({ queryKey: ['overview', 30], queryFn: () => get<Overview>(`/stats/overview?days=30&tzOffsetMinutes=${-new Date().getTimezoneOffset()}`) });
  const seats = useMemo(() => {
    const m = new Map<string, { members: number; groups: number }>();
    for (const g of groups.data?.items ?? []) {
      const s = m.get(g.communityId) ?? { members: 0, groups: 0 };
      s.members += g.memberCount;
      s.groups += 1;
      m.set(g.communityId, s);
    }
    return m;
  }, [groups.data]);
  return (
    <>
      <Typography.Paragraph type="secondary">{t('evaluate.intro')}</Typography.Paragraph>
      <Card title={t('evaluate.scale')}>
        <Table<Community>
          rowKey="id"
          size="small"
          loading={communities.isPending || groups.isPending}
          dataSource={communities.data?.items ?? []}
          pagination={false}
          columns={[
            { title: t('positioning.name'), dataIndex: 'name' },
            { title: t('positioning.purpose'), dataIndex: 'purpose', render: (v: string) => label(enums.communityPurpose, v) },
            { title: t('evaluate.groups'), render: (_, c) => seats.get(c.id)?.groups ?? 0 },
            { title: t('evaluate.seats'), render: (_, c) => (seats.get(c.id)?.members ?? 0).toLocaleString() },
            { title: t('canvas.kpi.memberFloor'), render: (_, c) => c.canvas.kpi.memberFloor.toLocaleString() },
            {
              title: t('evaluate.progress'), width: 240, render: (_, c) => {
                const floor = c.canvas.kpi.memberFloor;
                const pct = floor ? Math.round(((seats.get(c.id)?.members ?? 0) / floor) * 100) : 100;
                return <Progress percent={Math.min(100, pct)} format={() => `${pct}%`} size="small" />;
              },
            },
          ]}
        />
      </Card>
      <Card title={t('evaluate.activity30')} style={{ marginTop: 16 }}>
        {overview.data && (
          <Chart
            option={{
              tooltip: { trigger: 'axis' },
              grid: { left: 48, right: 24, top: 24, bottom: 32 },
              xAxis: { type: 'category', data: overview.data.activitiesPerDay.map((d) => d.day.slice(5)) },
              yAxis: { type: 'value', minInterval: 1 },
              series: [{ name: t('home.activities'), type: 'bar', data: overview.data.activitiesPerDay.map((d) => d.count) }],
              color: ['#fa8c16'],
            }}
          />
        )}
      </Card>
    </>
  );
}
