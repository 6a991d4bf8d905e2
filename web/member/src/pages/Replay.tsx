// A replay read like the chat it was: the summary the host wrote at the top, then every message as
// edited (hidden ones left out), each with who said it (主讲 or 主持), the image, the message it answers
// quoted, and a question from a group shown above its answer. Text stays text: nothing becomes markup.
import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Result, Skeleton, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type Replay as ReplayView, type ReplayMessage } from '../api';
import { navigate } from '../router';
import { replayWhen } from './Replays';
import { FileView } from './Chat';

export function Replay({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const replay = useQuery({ queryKey: ['replay', id], queryFn: () => api<ReplayView>('GET', `/me/replays/${encodeURIComponent(id)}`) });
  const bySeq = useMemo(() => new Map((replay.data?.messages ?? []).map((m) => [m.seq, m])), [replay.data]);
  const back = <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate('/replays')} aria-label={t('replays.title')} data-testid="replay-back" />;

  if (replay.isPending) return <div className="page"><Skeleton active /></div>;
  if (replay.isError) {
    const stranger = replay.error instanceof ApiError && replay.error.status === 401;
    return (
      <>
        <div className="topbar">{back}<div className="title">{t('replays.title')}</div></div>
        {stranger
          ? <Result status="info" title={t('home.stranger')} subTitle={t('home.strangerHint')} />
          : <Result status="404" title={t('replay.missing')} subTitle={t('replay.missingHint')} data-testid="replay-missing" />}
      </>
    );
  }
  const r = replay.data;
  const started = replayWhen(r.startedAt, i18n.language);
  return (
    <div className="replay" data-testid="replay">
      <div className="topbar">
        {back}
        <div className="title">{t('replays.title')}</div>
      </div>
      <div className="replay-head">
        <h1 data-testid="replay-title">{r.title}</h1>
        <div className="replay-head-meta">
          {started && <span>{started}</span>}
          {r.speakers.length > 0 && <span>{t('replays.speakers', { names: r.speakers.join('、') })}</span>}
        </div>
      </div>
      {(r.summary || r.description) && (
        <div className="page replay-intro">
          {r.summary && (
            <div className="replay-summary">
              <div className="section-title">{t('replay.summary')}</div>
              <div data-testid="replay-summary">{r.summary}</div>
            </div>
          )}
          {r.description && <div className="replay-description">{r.description}</div>}
        </div>
      )}
      <div className="transcript" data-testid="transcript">
        <div className="line">{t('replay.transcript', { count: r.messages.length })}</div>
        {r.messages.map((m) => <Line key={m.id} m={m} speakers={r.speakers} quoted={m.replyToSeq !== null ? bySeq.get(m.replyToSeq) : undefined} lang={i18n.language} />)}
        <div className="line">{t('replay.end')}</div>
      </div>
    </div>
  );
}

/** Who said it: a speaker of the session (主讲), else the host (主持); an answer is labelled as one. */
function roleOf(m: ReplayMessage, speakers: string[]): 'speaker' | 'host' | 'answer' {
  if (m.kind === 'answer') return 'answer';
  return speakers.includes(m.speaker) ? 'speaker' : 'host';
}

const ROLE_COLOR = { speaker: 'green', host: 'gold', answer: 'purple' } as const;

function Line({ m, speakers, quoted, lang }: { m: ReplayMessage; speakers: string[]; quoted: ReplayMessage | undefined; lang: string }) {
  const { t } = useTranslation();
  if (m.kind === 'notice') return <div className="line" data-testid="replay-notice">{m.text}</div>;
  const role = roleOf(m, speakers);
  const time = new Date(m.at).toLocaleTimeString(lang === 'en' ? 'en' : 'zh-CN', { hour: '2-digit', minute: '2-digit' });
  const maxW = 240;
  return (
    <div className="msg" data-testid="replay-message" data-seq={m.seq}>
      <div className={`avatar${role === 'speaker' ? '' : ' team'}`} aria-hidden>{Array.from(m.speaker)[0] ?? '·'}</div>
      <div className="body">
        <div className="who">
          <Tag color={ROLE_COLOR[role]} bordered={false} style={{ marginInlineEnd: 0 }}>{t(`replay.role.${role}`)}</Tag>
          <span data-testid="replay-speaker">{m.speaker}</span>
          <span className="replay-time">{time}</span>
        </div>
        <div className={`bubble${role === 'answer' ? ' team' : ''}`}>
          {m.replyToSeq !== null && (
            <div className="quote" data-testid="replay-quote">
              {quoted ? `${quoted.speaker}：${quoted.text || t('chat.image')}` : t('replay.quotedGone')}
            </div>
          )}
          {m.question && (
            <div className="replay-question" data-testid="replay-question">
              {t('replay.asked', { group: m.question.group, asker: m.question.asker, text: m.question.text })}
            </div>
          )}
          {m.image && (
            <a href={m.image.url} target="_blank" rel="noopener noreferrer">
              <img src={m.image.url} alt={m.text || t('chat.image')} loading="lazy" data-testid="replay-image"
                width={m.image.width > 0 ? Math.min(m.image.width, maxW) : undefined}
                style={m.image.width > 0 && m.image.height > 0 ? { aspectRatio: `${m.image.width} / ${m.image.height}` } : undefined} />
            </a>
          )}
          {m.file && <FileView file={m.file} url={m.file.url} />}
          {m.text && <span data-testid="replay-text">{m.text}</span>}
        </div>
      </div>
    </div>
  );
}
