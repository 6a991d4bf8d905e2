// A group's chat on a phone: the pinned announcement, the live stream (text, emoji, images, replies,
// mentions, questions), the composer, and the member's standing (nickname format, mutes) shown where
// they matter. Every text is rendered as text: nothing a member writes ever becomes markup.
import { ArrowLeftOutlined, DownloadOutlined, FileOutlined, MoreOutlined, NotificationOutlined, PaperClipOutlined, SmileOutlined, PictureOutlined, TeamOutlined } from '@ant-design/icons';
import { App, Alert, Button, Card, Dropdown, Input, Modal, Result, Skeleton, Spin, Tag } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, fileSize, imageUrl, uploadUrl, type ChatFile, type ChatGroup, type ChatItem, type RosterEntry, type Upload } from '../api';
import { useChatStream } from '../realtime';
import { navigate } from '../router';
import { newClientId, useMe, useRoleLabel } from '../session';
import { GroupMore, MembersDrawer } from './GroupPanels';
import { NicknameStep } from './Nickname';
import { TaskBanner } from './Tasks';

const EMOJI = ['😀', '😂', '🥰', '😎', '🤔', '😭', '👍', '👏', '🙏', '💪', '🎉', '🔥', '❤️', '🌹', '☕', '🍵', '🏃', '📚', '✅', '❓', '👌', '🤝', '😅', '🙌'];

interface Page {
  items: ChatItem[];
  nextCursor: string | null;
}

export function Chat({ groupId }: { groupId: string }) {
  const { t } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const group = useQuery({ queryKey: ['group', groupId], queryFn: () => api<ChatGroup>('GET', `/me/groups/${encodeURIComponent(groupId)}`), enabled: me.isSuccess });
  const roster = useQuery({
    queryKey: ['roster', groupId],
    queryFn: async () => new Map((await api<{ items: RosterEntry[] }>('GET', `/me/groups/${encodeURIComponent(groupId)}/members`)).items.map((r) => [r.memberId, r])),
    enabled: group.isSuccess,
  });
  const [items, setItems] = useState<ChatItem[]>([]);
  const [older, setOlder] = useState<string | null>(null);
  // Where the live stream resumes: the newest item of the first page (null: the group has none yet).
  const [after, setAfter] = useState<string | null | undefined>(undefined);
  const [panel, setPanel] = useState<'members' | 'more' | null>(null);

  const add = useCallback((incoming: ChatItem[]) => {
    setItems((cur) => {
      const seen = new Set(cur.map((i) => i.id));
      const fresh = incoming.filter((i) => !seen.has(i.id));
      if (!fresh.length) return cur;
      return [...cur, ...fresh].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id));
    });
  }, []);

  useEffect(() => {
    if (!group.isSuccess) return;
    let live = true;
    void api<Page>('GET', `/me/groups/${encodeURIComponent(groupId)}/messages`, undefined, { query: { limit: '50' } }).then((p) => {
      if (!live) return;
      add(p.items);
      setOlder(p.nextCursor);
      setAfter(p.items[0]?.cursor ?? null);
    });
    return () => {
      live = false;
    };
  }, [group.isSuccess, groupId, add]);

  const state = useChatStream(group.isSuccess ? groupId : null, after, (item) => {
    add([item]);
    if (item.memberId && !roster.data?.has(item.memberId)) void qc.invalidateQueries({ queryKey: ['roster', groupId] });
    if (item.kind === 'join' || item.kind === 'announcement') void qc.invalidateQueries({ queryKey: ['group', groupId] });
    // The group assistant speaks when a rule acts: a sharing session starts or ends (the mute lifts or
    // returns, a summary task is given), a member is warned or muted. Ask again what applies now.
    if (item.kind === 'message' && !item.memberId) {
      void qc.invalidateQueries({ queryKey: ['group', groupId] });
      void qc.invalidateQueries({ queryKey: ['my-tasks'] });
      void qc.invalidateQueries({ queryKey: ['my-points'] });
    }
  }, (e) => {
    const mine = e.data.memberId === me.data?.member.id;
    if (e.type === 'membership.updated' && mine && Array.isArray(e.data.fields) && e.data.fields.includes('leftAt')) {
      // This member left (here or on another device) or was removed: the group is no longer theirs to read.
      navigate('/', true);
      void qc.invalidateQueries({ queryKey: ['me'] });
      return;
    }
    if (e.type === 'membership.updated' || e.type === 'resync') {
      void qc.invalidateQueries({ queryKey: ['roster', groupId] });
      if (e.type === 'resync' || mine) void qc.invalidateQueries({ queryKey: ['group', groupId] });
    }
  });

  // A mute that ends by the clock (a mute window, a member's own mute) announces nothing: look again then.
  const until = group.data?.mute.until ? Date.parse(group.data.mute.until) : null;
  useEffect(() => {
    if (until === null) return;
    const h = setTimeout(() => void qc.invalidateQueries({ queryKey: ['group', groupId] }), Math.max(1000, Math.min(until - Date.now() + 500, 2 ** 31 - 1)));
    return () => clearTimeout(h);
  }, [until, groupId, qc]);

  const loadOlder = async () => {
    if (!older) return;
    const p = await api<Page>('GET', `/me/groups/${encodeURIComponent(groupId)}/messages`, undefined, { query: { limit: '50', before: older } });
    add(p.items);
    setOlder(p.nextCursor);
  };

  if (me.isError || group.isError) {
    return <Result status="404" title={t('chat.notMember')} subTitle={t('chat.notMemberHint')}
      extra={<Button onClick={() => navigate('/')}>{t('nav.home')}</Button>} data-testid="chat-missing" />;
  }
  if (!group.data || !me.data) return <div className="page"><Skeleton active /></div>;
  const g = group.data;

  return (
    <div className="chat" data-testid="chat">
      <div className="topbar">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate('/')} aria-label={t('nav.home')} />
        <div className="title" data-testid="chat-title">{g.name}<span className="sub">({g.memberCount})</span></div>
        {state !== 'live' && <Spin size="small" />}
        <Button type="text" icon={<TeamOutlined />} onClick={() => setPanel('members')} aria-label={t('chat.members')} data-testid="open-members" />
        <Button type="text" icon={<MoreOutlined />} onClick={() => setPanel('more')} aria-label={t('chat.more')} data-testid="open-more" />
      </div>
      {g.announcement && (
        <div className="announcement" data-testid="announcement"><NotificationOutlined style={{ marginTop: 3 }} /><span>{g.announcement.text}</span></div>
      )}
      <TaskBanner groupId={g.id} />
      <Stream items={items} roster={roster.data} meId={me.data.member.id} hasOlder={!!older} onOlder={loadOlder} group={g} />
      <Composer group={g} roster={roster.data} meId={me.data.member.id} onSent={(i) => add([i])} />
      <MembersDrawer open={panel === 'members'} onClose={() => setPanel(null)} group={g} roster={roster.data} />
      <GroupMore open={panel === 'more'} onClose={() => setPanel(null)} group={g} />
    </div>
  );
}

/** The name a member shows with in this group: the group nickname, else their name. */
const nameOf = (r: RosterEntry | undefined) => (r ? r.nickname || r.displayName : '');

function Stream({ items, roster, meId, hasOlder, onOlder, group }: {
  items: ChatItem[]; roster: Map<string, RosterEntry> | undefined; meId: string; hasOlder: boolean; onOlder: () => void; group: ChatGroup;
}) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const byId = useMemo(() => new Map(items.map((i) => [i.id, i])), [items]);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [items]);
  return (
    <div className="stream" ref={ref} data-testid="stream"
      onScroll={(e) => { const el = e.currentTarget; stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80; }}>
      {hasOlder && <Button size="small" type="link" onClick={onOlder} style={{ alignSelf: 'center' }}>{t('chat.older')}</Button>}
      {items.map((i) => <Item key={i.id} item={i} roster={roster} mine={i.memberId === meId} quoted={i.replyTo ? byId.get(i.replyTo) : undefined} group={group} />)}
    </div>
  );
}

function Item({ item: i, roster, mine, quoted, group }: { item: ChatItem; roster: Map<string, RosterEntry> | undefined; mine: boolean; quoted: ChatItem | undefined; group: ChatGroup }) {
  const { t } = useTranslation();
  const roleLabel = useRoleLabel();
  const { message, modal } = App.useApp();
  const author = i.memberId ? roster?.get(i.memberId) : undefined;
  if (i.kind === 'join') return <div className="line" data-testid="chat-line">{t('chat.joined', { name: nameOf(author) || t('chat.someone'), number: i.number ?? '' })}</div>;
  if (i.kind === 'leave') return <div className="line" data-testid="chat-line">{t('chat.left', { name: nameOf(author) || t('chat.someone') })}</div>;
  if (i.kind === 'announcement') return <div className="line" data-testid="chat-line">📌 {t('chat.announced')}：{i.text}</div>;
  const team = !i.memberId;
  const name = team ? (i.system === 'system' ? t('chat.system') : i.system ?? t('chat.team')) : nameOf(author) || t('chat.someone');

  const report = () => {
    let reason = '';
    modal.confirm({
      title: t('chat.reportTitle'),
      content: <Input.TextArea autoFocus maxLength={500} placeholder={t('chat.reportReason')} onChange={(e) => { reason = e.target.value; }} data-testid="report-reason" />,
      okText: t('chat.report'),
      onOk: async () => {
        if (!reason.trim()) {
          message.error(t('chat.reportReason'));
          throw new Error('reason');
        }
        await api('POST', `/me/groups/${encodeURIComponent(group.id)}/reports`, { targetType: 'message', targetId: i.id, reason: reason.trim() });
        message.success(t('chat.reported'));
      },
    });
  };
  const actions = [
    { key: 'reply', label: t('chat.reply'), onClick: () => window.dispatchEvent(new CustomEvent('shequn:reply', { detail: i })) },
    ...(!mine && i.memberId ? [{ key: 'mention', label: t('chat.mention'), onClick: () => window.dispatchEvent(new CustomEvent('shequn:mention', { detail: i.memberId })) }] : []),
    ...(!mine && !team ? [{ key: 'report', label: t('chat.report'), danger: true, onClick: report }] : []),
  ];
  return (
    <div className={`msg${mine ? ' mine' : ''}`} data-testid="chat-item" data-id={i.id}>
      <div className={`avatar${team ? ' team' : ''}`} aria-hidden>{Array.from(author?.displayName ?? name)[0] ?? '·'}</div>
      <div className="body">
        <div className="who">
          <span data-testid="chat-author">{name}</span>
          {author?.number && <Tag color="green" bordered={false} style={{ marginInlineEnd: 0 }}>{author.number}</Tag>}
          {author && author.role !== 'participant' && <Tag color="gold" bordered={false} style={{ marginInlineEnd: 0 }}>{roleLabel(author.role)}</Tag>}
          {author?.expert && <Tag color="blue" bordered={false} style={{ marginInlineEnd: 0 }}>{t('chat.expert')}</Tag>}
          {i.question && <Tag color="purple" bordered={false} style={{ marginInlineEnd: 0 }}>{t('chat.question')}</Tag>}
        </div>
        <Dropdown menu={{ items: actions }} trigger={['click']}>
          <div className={`bubble${team ? ' team' : ''}`} data-testid="chat-bubble">
            {i.replyTo && <div className="quote">{quoted ? `${quoted.memberId ? nameOf(roster?.get(quoted.memberId)) : quoted.system ?? ''}：${quoted.text ?? (quoted.file ? `${t(`chat.${quoted.file.kind}`)} ${quoted.file.name}` : t('chat.image'))}` : t('chat.quoted')}</div>}
            {i.image && (
              <a href={imageUrl(i.image.id)} target="_blank" rel="noopener noreferrer" onClick={(e) => e.stopPropagation()}>
                <img src={imageUrl(i.image.id)} alt={i.image.name} width={i.image.width > 240 ? 240 : i.image.width} loading="lazy" data-testid="chat-image" />
              </a>
            )}
            {i.file && <FileView file={i.file} url={uploadUrl(i.file.id)} />}
            {i.text && <span data-testid="chat-text"><Mentioned text={i.text} /></span>}
          </div>
        </Dropdown>
      </div>
    </div>
  );
}

/** A voice or audio plays in place; a video too; any other file is a card to download (never opened as a page). */
export function FileView({ file, url }: { file: Pick<ChatFile, 'name' | 'bytes' | 'kind'>; url: string }) {
  const { t } = useTranslation();
  const stop = (e: { stopPropagation(): void }) => e.stopPropagation();
  if (file.kind === 'voice' || file.kind === 'audio') {
    return (
      <div className="file-audio" onClick={stop} data-testid="chat-audio">
        <audio controls preload="none" src={url} aria-label={`${t(`chat.${file.kind}`)} ${file.name}`} />
        {file.kind === 'audio' && <div className="file-meta">{file.name} · {fileSize(file.bytes)}</div>}
      </div>
    );
  }
  if (file.kind === 'video') {
    return <video className="file-video" controls preload="metadata" src={url} onClick={stop} data-testid="chat-video" aria-label={file.name} />;
  }
  return (
    <a className="file-card" href={url} download={file.name} onClick={stop} data-testid="chat-file">
      <FileOutlined className="file-icon" aria-hidden />
      <span className="file-text">
        <span className="file-name" data-testid="chat-file-name">{file.name}</span>
        <span className="file-meta">{fileSize(file.bytes)}</span>
      </span>
      <DownloadOutlined aria-label={t('chat.download')} />
    </a>
  );
}

const LINK = /(https?:\/\/[^\s<>"'，。！？、）》]+)/;

/**
 * Text with @names highlighted and http(s) links made clickable (no other scheme ever becomes a link);
 * still text nodes and React elements, never markup.
 */
function Mentioned({ text }: { text: string }) {
  return (
    <>
      {text.split(LINK).map((chunk, k) => {
        if (k % 2 === 1) {
          return <a key={k} href={chunk} target="_blank" rel="noopener noreferrer nofollow ugc" onClick={(e) => e.stopPropagation()} data-testid="chat-link">{chunk}</a>;
        }
        return chunk.split(/(@[^\s@]{1,30})/g).map((p, j) => (p.startsWith('@') ? <span key={`${k}.${j}`} className="mention">{p}</span> : p));
      })}
    </>
  );
}

function Composer({ group: g, roster, meId, onSent }: { group: ChatGroup; roster: Map<string, RosterEntry> | undefined; meId: string; onSent: (i: ChatItem) => void }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [text, setText] = useState('');
  const [replyTo, setReplyTo] = useState<ChatItem | null>(null);
  const [mentions, setMentions] = useState<string[]>([]);
  const [emoji, setEmoji] = useState(false);
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  const [nickOpen, setNickOpen] = useState(false);
  const file = useRef<HTMLInputElement>(null);
  const attach = useRef<HTMLInputElement>(null);
  const mentionQuery = /@([^\s@]{0,20})$/.exec(text)?.[1];

  useEffect(() => {
    const onReply = (e: Event) => setReplyTo((e as CustomEvent<ChatItem>).detail);
    const onMention = (e: Event) => {
      const id = (e as CustomEvent<string>).detail;
      const r = roster?.get(id);
      if (!r) return;
      setText((cur) => `${cur}@${nameOf(r)} `);
      setMentions((cur) => [...new Set([...cur, id])]);
    };
    window.addEventListener('shequn:reply', onReply);
    window.addEventListener('shequn:mention', onMention);
    return () => {
      window.removeEventListener('shequn:reply', onReply);
      window.removeEventListener('shequn:mention', onMention);
    };
  }, [roster]);

  const post = async (body: { text?: string; imageId?: string; fileId?: string }) => {
    setBusy(true);
    try {
      const used = mentions.filter((id) => text.includes(`@${nameOf(roster?.get(id))}`));
      const item = await api<ChatItem>('POST', `/me/groups/${encodeURIComponent(g.id)}/messages`, {
        clientId: newClientId(), ...body, ...(replyTo ? { replyTo: replyTo.id } : {}), ...(body.text && used.length ? { mentions: used } : {}), ...(asking && body.text ? { question: true } : {}),
      });
      onSent(item);
      if (body.text) setText('');
      setReplyTo(null);
      setMentions([]);
      setAsking(false);
    } catch (e) {
      if (e instanceof ApiError && e.problem.code === 'chat.refused') void qc.invalidateQueries({ queryKey: ['group', g.id] });
      message.error(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const upload = async (f: File) => {
    try {
      const u = await api<Upload>('POST', `/me/groups/${encodeURIComponent(g.id)}/uploads`, undefined, { raw: f, query: { name: f.name } });
      // The server read what it is from the bytes: an image shows in the chat, anything else is a file.
      await post(u.kind === 'image' ? { imageId: u.id } : { fileId: u.id });
    } catch (e) {
      message.error(e instanceof ApiError ? e.fieldReason('file') ?? e.message : String(e));
    }
  };

  if (g.platform !== 'builtin') {
    return <div className="muted-bar" data-testid="elsewhere">{t('chat.elsewhere')}</div>;
  }
  if (g.me.nicknameNeeded) {
    return (
      <div className="composer" data-testid="nickname-needed">
        <Alert type="warning" showIcon title={t('chat.nicknameFirst', { pattern: g.me.nicknameNeeded.pattern })}
          action={<Button size="small" type="primary" onClick={() => setNickOpen(true)} data-testid="set-nickname">{t('nickname.title')}</Button>} />
        <Modal open={nickOpen} title={t('nickname.title')} footer={null} onCancel={() => setNickOpen(false)} destroyOnHidden>
          <NicknameStep groupId={g.id} format={g.me.nicknameNeeded} onDone={(ng) => { qc.setQueryData(['group', g.id], ng); void qc.invalidateQueries({ queryKey: ['roster', g.id] }); setNickOpen(false); }} />
        </Modal>
      </div>
    );
  }
  if (g.mute.muted) {
    const until = g.mute.until ? new Date(g.mute.until).toLocaleString() : null;
    return <div className="muted-bar" data-testid="muted">🔇 {g.mute.reason}{until ? ` · ${t('chat.until', { until })}` : ''}</div>;
  }

  const candidates = mentionQuery !== undefined && roster
    ? [...roster.values()].filter((r) => nameOf(r).includes(mentionQuery) && r.memberId !== meId).slice(0, 8)
    : [];

  return (
    <div className="composer">
      {replyTo && (
        <div className="replying" data-testid="replying">
          <span>{t('chat.replyingTo')}：{(replyTo.text ?? (replyTo.file ? replyTo.file.name : t('chat.image'))).slice(0, 40)}</span>
          <Button size="small" type="text" onClick={() => setReplyTo(null)}>✕</Button>
        </div>
      )}
      {candidates.length > 0 && (
        <div className="mention-pick" data-testid="mention-pick">
          {candidates.map((r) => (
            <div key={r.memberId} onClick={() => {
              setText((cur) => cur.replace(/@([^\s@]{0,20})$/, `@${nameOf(r)} `));
              setMentions((cur) => [...new Set([...cur, r.memberId])]);
            }}>{nameOf(r)} {r.number && <Tag bordered={false}>{r.number}</Tag>}</div>
          ))}
        </div>
      )}
      {emoji && (
        <div className="emoji-panel" data-testid="emoji-panel">
          {EMOJI.map((e) => <button key={e} type="button" onClick={() => setText((cur) => cur + e)} aria-label={e}>{e}</button>)}
        </div>
      )}
      <div className="composer-row">
        <Button icon={<SmileOutlined />} onClick={() => setEmoji((x) => !x)} aria-label={t('chat.emoji')} data-testid="emoji" />
        <Button icon={<PictureOutlined />} onClick={() => file.current?.click()} aria-label={t('chat.image')} data-testid="pick-image" />
        <input ref={file} type="file" accept="image/png,image/jpeg,image/gif,image/webp" hidden data-testid="image-input"
          onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void upload(f); }} />
        <Button icon={<PaperClipOutlined />} onClick={() => attach.current?.click()} aria-label={t('chat.attach')} data-testid="pick-file" />
        <input ref={attach} type="file" hidden data-testid="file-input"
          onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void upload(f); }} />
        <Input.TextArea value={text} onChange={(e) => setText(e.target.value)} autoSize={{ minRows: 1, maxRows: 4 }} maxLength={2000}
          placeholder={asking ? t('chat.askPlaceholder') : t('chat.placeholder')} data-testid="chat-input"
          onPressEnter={(e) => { if (!e.shiftKey && !e.nativeEvent.isComposing) { e.preventDefault(); if (text.trim()) void post({ text }); } }} />
        <Button type="primary" loading={busy} disabled={!text.trim()} onClick={() => void post({ text })} data-testid="chat-send">{t('chat.send')}</Button>
      </div>
      <div>
        <Button size="small" type={asking ? 'primary' : 'default'} ghost={asking} onClick={() => setAsking((x) => !x)} data-testid="ask-toggle">❓ {t('chat.ask')}</Button>
      </div>
    </div>
  );
}

export function RulesCard({ text }: { text: string }) {
  const { t } = useTranslation();
  return text ? <Card size="small" title={t('join.rules')}><div className="rules">{text}</div></Card> : null;
}
