// 评估精进: the evaluation dashboard for the workspace, a community or a group over a range of days (概览,
// pages/evaluate/Dashboard); tracked short links with their clicks by group, circle and day (短链接).
import { lazy, Suspense } from 'react';
import { Skeleton, Tabs, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Me } from '../api';
import { useSearchParam } from '../router';
import { ShortLinks } from './evaluate/ShortLinks';

// The dashboard in its own chunk (its pickers, cards and boards), fetched when 评估精进 opens.
const Dashboard = lazy(() => import('./evaluate/Dashboard').then((m) => ({ default: m.Dashboard })));

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
          { key: 'overview', label: <span data-testid="evaluate-tab-overview">{t('evaluate.tabs.overview')}</span>, children: <Suspense fallback={<Skeleton active />}><Dashboard me={me} /></Suspense> },
          { key: 'links', label: <span data-testid="evaluate-tab-links">{t('evaluate.tabs.links')}</span>, children: <ShortLinks me={me} /> },
        ]}
      />
    </>
  );
}
