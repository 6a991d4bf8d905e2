import { useEffect, type ReactNode } from 'react';
import { App as AntApp, Button, ConfigProvider, Layout, Menu, Result, Segmented, Space, Spin, Typography, theme } from 'antd';
import {
  AimOutlined, BarChartOutlined, DashboardOutlined, LogoutOutlined, RocketOutlined, TeamOutlined, UsergroupAddOutlined, UserOutlined,
} from '@ant-design/icons';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { QueryClient, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, get, post, setUnauthorizedHandler, type Me } from './api';
import { setLang, type Lang } from './i18n';
import { realtime, useLiveWorkspace } from './realtime';
import { navigate, usePath, type PagePath } from './router';
import { SignIn } from './pages/SignIn';
import { Home } from './pages/Home';
import { Positioning } from './pages/Positioning';
import { Groups } from './pages/Groups';
import { Operate } from './pages/Operate';
import { Evaluate } from './pages/Evaluate';
import { Members } from './pages/Members';
import { Team } from './pages/Team';

// An operator whose system asks for less motion gets no animated drawers, dialogs and messages.
const reducedMotion = typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches === true;

export function Root() {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      locale={i18n.language === 'en' ? enUS : zhCN}
      theme={{ algorithm: theme.defaultAlgorithm, token: { colorPrimary: '#d4380d', borderRadius: 6, motion: !reducedMotion } }}
    >
      <AntApp>
        <Shell />
      </AntApp>
    </ConfigProvider>
  );
}

function Shell() {
  const qc = useQueryClient();
  // Without the CSRF cookie (set with the session at sign-in) there is no session to ask about.
  const me = useQuery({ queryKey: ['me'], queryFn: () => (hasSessionCookie() ? get<Me>('/auth/me') : null), retry: false, staleTime: 60_000 });
  useEffect(() => setUnauthorizedHandler(() => qc.setQueryData(['me'], null)), [qc]);
  // The live socket learns first when the session is revoked: ask the server who we are now.
  useEffect(() => realtime.setRevokedHandler(async () => {
    await qc.invalidateQueries({ queryKey: ['me'] });
    if (qc.getQueryData(['me'])) realtime.restart();
  }), [qc]);

  if (me.isPending) return <Spin fullscreen />;
  const signedOut = me.data === null || (me.error instanceof ApiError && me.error.status === 401);
  if (signedOut) return <SignIn onSignedIn={(m) => switchSession(qc, m)} />;
  if (me.error) return <Result status="error" title={me.error.message} />;
  return <Console me={me.data!} />;
}

/** Another operator (or none): drop everything cached for the previous one, keep the query that decides the screen. */
function switchSession(qc: QueryClient, me: Me | null) {
  // The live socket speaks for whoever opened it: never let it outlive the session.
  if (me === null) realtime.stop();
  else realtime.restart();
  qc.removeQueries({ predicate: (q) => q.queryKey[0] !== 'me' });
  qc.setQueryData(['me'], me);
}

const hasSessionCookie = () => /(?:^|;\s*)shequn_csrf=/.test(document.cookie);

const PAGE_VIEW: Record<PagePath, (p: { me: Me }) => ReactNode> = {
  '/': () => <Home />,
  '/positioning': ({ me }) => <Positioning me={me} />,
  '/groups': ({ me }) => <Groups me={me} />,
  '/operate': ({ me }) => <Operate me={me} />,
  '/evaluate': ({ me }) => <Evaluate me={me} />,
  '/members': ({ me }) => <Members me={me} />,
  '/team': ({ me }) => <Team me={me} />,
};

function Console({ me }: { me: Me }) {
  const { t, i18n } = useTranslation();
  const path = usePath();
  const qc = useQueryClient();
  const { message } = AntApp.useApp();
  const { token } = theme.useToken();
  useLiveWorkspace(me.workspace.id);

  const signOut = async () => {
    realtime.stop();
    try {
      await post('/auth/sign-out');
    } catch {
      /* the session may already be gone */
    }
    switchSession(qc, null);
    message.success(t('auth.signedOut'));
  };

  const items = [
    { key: '/', icon: <DashboardOutlined />, label: t('nav.home') },
    {
      type: 'group' as const, key: 'steps', label: t('nav.steps'), children: [
        { key: '/positioning', icon: <AimOutlined />, label: t('nav.positioning') },
        { key: '/groups', icon: <UsergroupAddOutlined />, label: t('nav.groups') },
        { key: '/operate', icon: <RocketOutlined />, label: t('nav.operate') },
        { key: '/evaluate', icon: <BarChartOutlined />, label: t('nav.evaluate') },
      ],
    },
    {
      type: 'group' as const, key: 'people', label: t('nav.people'), children: [
        { key: '/members', icon: <UserOutlined />, label: t('nav.members') },
        { key: '/team', icon: <TeamOutlined />, label: t('nav.team') },
      ],
    },
  ];

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={208} theme="light" style={{ borderRight: `1px solid ${token.colorBorderSecondary}` }}>
        <div style={{ padding: '18px 20px 12px' }}>
          <Typography.Title level={4} style={{ margin: 0, color: token.colorPrimary }}>社群 Shequn</Typography.Title>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('app.subtitle')}</Typography.Text>
        </div>
        <Menu mode="inline" selectedKeys={[path]} items={items} onClick={(e) => navigate(e.key)} style={{ borderInlineEnd: 'none' }} data-testid="nav" />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: token.colorBgContainer, padding: '0 24px', display: 'flex', alignItems: 'center', justifyContent: 'space-between', borderBottom: `1px solid ${token.colorBorderSecondary}` }}>
          <Typography.Text strong>{me.workspace.name}</Typography.Text>
          <Space size="middle">
            <Segmented<Lang>
              size="small"
              value={i18n.language === 'en' ? 'en' : 'zh-CN'}
              options={[{ value: 'zh-CN', label: '中文' }, { value: 'en', label: 'English' }]}
              onChange={(v) => setLang(v)}
              data-testid="lang-switch"
            />
            <Typography.Text data-testid="whoami">{me.actor.name}</Typography.Text>
            <Button icon={<LogoutOutlined />} onClick={signOut} data-testid="sign-out">{t('auth.signOut')}</Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>{PAGE_VIEW[path]({ me })}</Layout.Content>
      </Layout>
    </Layout>
  );
}
