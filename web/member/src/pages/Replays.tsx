// 直播回放: the ended live sessions of the member's communities, newest first, each a card (title,
// community, date, speakers, how many messages, the start of the summary) that opens the replay.
import { ArrowLeftOutlined, MessageOutlined, PlayCircleOutlined } from '@ant-design/icons';
import { Button, Empty, Result, Skeleton } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, type ReplaySummary } from '../api';
import { navigate } from '../router';

/** A date (and time) in the page's language. */
export const replayWhen = (iso: string | null, lang: string, time = true) =>
  iso
    ? new Date(iso).toLocaleString(lang === 'en' ? 'en' : 'zh-CN', { year: 'numeric', month: 'numeric', day: 'numeric', ...(time ? { hour: '2-digit', minute: '2-digit' } : {}) })
    : '';

export function Replays() {
  const { t, i18n } = useTranslation();
  const replays = useQuery({ queryKey: ['replays'], queryFn: async () => (await api<{ items: ReplaySummary[] }>('GET', '/me/replays')).items });
  return (
    <>
      <div className="topbar">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate('/')} aria-label={t('nav.home')} />
        <div className="title">{t('replays.title')}</div>
      </div>
      {replays.isPending && <div className="page"><Skeleton active /></div>}
      {replays.isError && <Result status="info" title={t('home.stranger')} subTitle={t('home.strangerHint')} data-testid="replays-stranger" />}
      {replays.isSuccess && (
        <div className="page" data-testid="replays">
          {replays.data.length === 0 && <Empty description={t('replays.none')} />}
          {replays.data.map((r) => (
            <button key={r.id} type="button" className="replay-card" onClick={() => navigate(`/replays/${encodeURIComponent(r.id)}`)} data-testid="replay-card">
              <div className="replay-card-head">
                <PlayCircleOutlined className="replay-card-icon" />
                <span className="replay-card-title" data-testid="replay-card-title">{r.title}</span>
              </div>
              <div className="replay-meta">
                <span>{r.community}</span>
                <span>{replayWhen(r.startedAt ?? r.endedAt, i18n.language, false)}</span>
                <span><MessageOutlined /> {t('replays.messages', { count: r.messageCount })}</span>
              </div>
              {r.speakers.length > 0 && <div className="replay-speakers">{t('replays.speakers', { names: r.speakers.join('、') })}</div>}
              {r.summary && <div className="replay-excerpt" data-testid="replay-card-summary">{r.summary}</div>}
            </button>
          ))}
        </div>
      )}
    </>
  );
}
