// 评估精进: the evaluation dashboard for the workspace, a community or a group over a range of days (概览,
// pages/evaluate/Dashboard); the project plan against the actuals (计划与实际); what the members are worth
// (价值: revenue, repurchase, RFM); who they are against the target persona (结构); the group owners' and
// secretaries' scorecards (团队); tracked short links with their clicks by group, circle and day (短链接).
// 概览, 价值, 结构 and 团队 share the scope and range in the address (evaluate/Toolbar).
import { lazy, Suspense, type ReactNode } from 'react';
import { Skeleton, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Me } from '../api';
import { useSearchParam } from '../router';
import { ShortLinks } from './evaluate/ShortLinks';

// Each tab in its own chunk (its pickers, cards and boards), fetched when the tab opens.
const Dashboard = lazy(() => import('./evaluate/Dashboard').then((m) => ({ default: m.Dashboard })));
const PlanTab = lazy(() => import('./evaluate/Plan').then((m) => ({ default: m.PlanTab })));
const Value = lazy(() => import('./evaluate/Value').then((m) => ({ default: m.Value })));
const Structure = lazy(() => import('./evaluate/Structure').then((m) => ({ default: m.Structure })));
const TeamScores = lazy(() => import('./evaluate/TeamScores').then((m) => ({ default: m.TeamScores })));

const TABS = ['overview', 'plan', 'value', 'structure', 'team', 'links'] as const;
type Tab = (typeof TABS)[number];

export function Evaluate({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [param, setParam] = useSearchParam('tab');
  const [, setLink] = useSearchParam('link');
  const tab: Tab = (TABS as readonly string[]).includes(param ?? '') ? (param as Tab) : 'overview';
  const lazyTab = (node: ReactNode) => <Suspense fallback={<Skeleton active />}>{node}</Suspense>;
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
          { key: 'overview', label: <span data-testid="evaluate-tab-overview">{t('evaluate.tabs.overview')}</span>, children: lazyTab(<Dashboard me={me} />) },
          { key: 'plan', label: <span data-testid="evaluate-tab-plan">{t('evaluate.tabs.plan')}</span>, children: lazyTab(<PlanTab me={me} />) },
          { key: 'value', label: <span data-testid="evaluate-tab-value">{t('evaluate.tabs.value')}</span>, children: lazyTab(<Value me={me} />) },
          { key: 'structure', label: <span data-testid="evaluate-tab-structure">{t('evaluate.tabs.structure')}</span>, children: lazyTab(<Structure me={me} />) },
          { key: 'team', label: <span data-testid="evaluate-tab-team">{t('evaluate.tabs.team')}</span>, children: lazyTab(<TeamScores me={me} />) },
          { key: 'links', label: <span data-testid="evaluate-tab-links">{t('evaluate.tabs.links')}</span>, children: <ShortLinks me={me} /> },
        ]}
      />
    </>
  );
}
