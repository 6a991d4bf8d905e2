import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { useTranslation } from 'react-i18next';
import { Chat } from './pages/Chat';
import { Home } from './pages/Home';
import { Join } from './pages/Join';
import { MePage } from './pages/Me';
import { Recruit } from './pages/Recruit';
import { Replay } from './pages/Replay';
import { Replays } from './pages/Replays';
import { useRoute } from './router';

export function Root() {
  const { i18n } = useTranslation();
  const route = useRoute();
  return (
    <ConfigProvider locale={i18n.language === 'en' ? enUS : zhCN} theme={{ token: { colorPrimary: '#1f7a4d', borderRadius: 10 } }}>
      <AntApp>
        <div className="shell">
          {route.page === 'join' && <Join code={route.code} />}
          {route.page === 'chat' && <Chat groupId={route.groupId} />}
          {route.page === 'me' && <MePage />}
          {route.page === 'replays' && <Replays />}
          {route.page === 'replay' && <Replay id={route.id} />}
          {route.page === 'recruit' && <Recruit id={route.id} />}
          {route.page === 'home' && <Home />}
        </div>
      </AntApp>
    </ConfigProvider>
  );
}
