// 评估精进: the evaluation dashboard for the workspace, a community or a group over a range of days (概览,
// pages/evaluate/Dashboard); the project plan against the actuals (计划与实际); what the members are worth
// (价值: revenue, repurchase, RFM); what was spent beside what it brought (投入产出); events, their supporters and content by source (活动与输出); who they are against the target persona (结构); the group owners' and
// secretaries' scorecards (团队); tracked short links with their clicks by group, circle and day (短链接).
// what the members write (声量); where to hold a meetup and whom to invite (同城会); whether a community is
// ready to copy itself and its family of spin-offs (复制); what the engine flagged
// and the webhooks it posts to (预警, the open ones counted on the tab); the report of a range, to print
// (报告). 概览, 价值, 结构, 团队, 声量, 同城会, 复制 and 报告 share the scope and range in the address (evaluate/Toolbar).
import { lazy, Suspense, type ReactNode } from 'react';
import { Badge, Skeleton, Tabs, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, type AlertItem, type Me } from '../api';
import { useSearchParam } from '../router';
import { ShortLinks } from './evaluate/ShortLinks';

// Each tab in its own chunk (its pickers, cards and boards), fetched when the tab opens.
const Dashboard = lazy(() => import('./evaluate/Dashboard').then((m) => ({ default: m.Dashboard })));
const PlanTab = lazy(() => import('./evaluate/Plan').then((m) => ({ default: m.PlanTab })));
const Value = lazy(() => import('./evaluate/Value').then((m) => ({ default: m.Value })));
const Roi = lazy(() => import('./evaluate/Roi').then((m) => ({ default: m.Roi })));
const Output = lazy(() => import('./evaluate/Output').then((m) => ({ default: m.Output })));
const Structure = lazy(() => import('./evaluate/Structure').then((m) => ({ default: m.Structure })));
const TeamScores = lazy(() => import('./evaluate/TeamScores').then((m) => ({ default: m.TeamScores })));
const Voice = lazy(() => import('./evaluate/Voice').then((m) => ({ default: m.Voice })));
const Meetups = lazy(() => import('./evaluate/Meetups').then((m) => ({ default: m.Meetups })));
const Replication = lazy(() => import('./evaluate/Replication').then((m) => ({ default: m.Replication })));
const Alerts = lazy(() => import('./evaluate/Alerts').then((m) => ({ default: m.Alerts })));
const Report = lazy(() => import('./evaluate/Report').then((m) => ({ default: m.Report })));

const TABS = ['overview', 'plan', 'value', 'roi', 'output', 'structure', 'team', 'voice', 'meetups', 'replication', 'alerts', 'report', 'links'] as const;
type Tab = (typeof TABS)[number];

export function Evaluate({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [param, setParam] = useSearchParam('tab');
  const [, setLink] = useSearchParam('link');
  const [, setCity] = useSearchParam('city');
  const [, setWeek] = useSearchParam('week');
  const tab: Tab = (TABS as readonly string[]).includes(param ?? '') ? (param as Tab) : 'overview';
  const lazyTab = (node: ReactNode) => <Suspense fallback={<Skeleton active />}>{node}</Suspense>;
  // The open alerts, counted on the 预警 tab wherever the page is (the tab's list shares the query).
  const canAlerts = me.permissions.includes('activity.read');
  const open = useQuery({
    enabled: canAlerts, queryKey: ['alerts', 'open'], staleTime: 60_000, refetchInterval: 300_000,
    queryFn: () => get<{ items: AlertItem[] }>('/alerts?status=open&limit=500'),
  });
  const openCount = open.data?.items.length ?? 0;
  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>{t('evaluate.title')}</Typography.Title>
      <Tabs
        activeKey={tab}
        onChange={(k) => {
          setLink(null);
          setCity(null);
          setWeek(null);
          setParam(k === 'overview' ? null : k);
        }}
        destroyOnHidden
        items={[
          { key: 'overview', label: <span data-testid="evaluate-tab-overview">{t('evaluate.tabs.overview')}</span>, children: lazyTab(<Dashboard me={me} />) },
          { key: 'plan', label: <span data-testid="evaluate-tab-plan">{t('evaluate.tabs.plan')}</span>, children: lazyTab(<PlanTab me={me} />) },
          { key: 'value', label: <span data-testid="evaluate-tab-value">{t('evaluate.tabs.value')}</span>, children: lazyTab(<Value me={me} />) },
          { key: 'roi', label: <span data-testid="evaluate-tab-roi">{t('evaluate.tabs.roi')}</span>, children: lazyTab(<Roi me={me} />) },
          { key: 'output', label: <span data-testid="evaluate-tab-output">{t('evaluate.tabs.output')}</span>, children: lazyTab(<Output me={me} />) },
          { key: 'structure', label: <span data-testid="evaluate-tab-structure">{t('evaluate.tabs.structure')}</span>, children: lazyTab(<Structure me={me} />) },
          { key: 'team', label: <span data-testid="evaluate-tab-team">{t('evaluate.tabs.team')}</span>, children: lazyTab(<TeamScores me={me} />) },
          { key: 'voice', label: <span data-testid="evaluate-tab-voice">{t('evaluate.tabs.voice')}</span>, children: lazyTab(<Voice me={me} />) },
          { key: 'meetups', label: <span data-testid="evaluate-tab-meetups">{t('evaluate.tabs.meetups')}</span>, children: lazyTab(<Meetups me={me} />) },
          { key: 'replication', label: <span data-testid="evaluate-tab-replication">{t('evaluate.tabs.replication')}</span>, children: lazyTab(<Replication me={me} />) },
          {
            key: 'alerts',
            label: (
              <span data-testid="evaluate-tab-alerts">
                {t('evaluate.tabs.alerts')}
                {openCount > 0 && <Badge data-testid="evaluate-alerts-badge" data-value={openCount} count={openCount} size="small" overflowCount={99} style={{ marginInlineStart: 6 }} />}
              </span>
            ),
            children: lazyTab(<Alerts me={me} />),
          },
          { key: 'report', label: <span data-testid="evaluate-tab-report">{t('evaluate.tabs.report')}</span>, children: lazyTab(<Report me={me} />) },
          { key: 'links', label: <span data-testid="evaluate-tab-links">{t('evaluate.tabs.links')}</span>, children: <ShortLinks me={me} /> },
        ]}
      />
    </>
  );
}
