// 群聊: a group's chat as its members see it, live. The newest page comes over HTTP, then `chat:<id>` on the
// shared socket resumes right after it (no gap), older pages load on demand. Text is always plain text
// (React escapes it; nothing here is ever set as HTML). The team posts as itself, with an image if it
// likes, and pins the announcement.
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ClipboardEvent, type KeyboardEvent, type ReactNode, type RefObject } from 'react';
import { App, Avatar, Badge, Button, Empty, Image, Input, Space, Spin, Tag, Tooltip, Typography, theme } from 'antd';
import {
  ArrowDownOutlined, CloseOutlined, EnterOutlined, FileOutlined, LoadingOutlined, NotificationOutlined, PictureOutlined, PushpinOutlined, SendOutlined, TeamOutlined,
} from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, post, put, upload, type ChatFile, type ChatItem, type Page, type UploadedImage } from '../../api';
import { fileSize } from '../../../../shared/format';
import { enums, useLabels } from '../../labels';
import { useChannel, useRealtimeStatus } from '../../realtime';
import { useMemberNames, type MemberLabel } from './names';

export interface Announcement {
  text: string;
  at: string;
}

export interface ReplyTarget {
  id: string;
  name: string;
  text: string;
}

const PAGE = 50;
const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
const IMAGE_TYPES = 'image/png,image/jpeg,image/gif,image/webp';

const byTime = (a: ChatItem, b: ChatItem) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** The list with `add` in it, oldest first, each item once. */
export function mergeItems(list: ChatItem[], add: ChatItem[]): ChatItem[] {
  const have = new Set(list.map((i) => i.id));
  const fresh = add.filter((i) => !have.has(i.id));
  return fresh.length ? [...list, ...fresh].sort(byTime) : list;
}

/** 8–64 of [A-Za-z0-9_-]; crypto.randomUUID needs a secure context, getRandomValues does not. */
function newClientId(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  return `c${Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('')}`;
}

const chatUrl = (groupId: string, before?: string) => `/groups/${groupId}/chat?limit=${PAGE}${before ? `&before=${encodeURIComponent(before)}` : ''}`;
export const imageUrl = (id: string) => `/api/v1/uploads/${encodeURIComponent(id)}`;

function useChatStream(groupId: string) {
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [items, setItems] = useState<ChatItem[]>([]);
  /** The cursor of the next older page: undefined until the first page came, null when there is none. */
  const [older, setOlder] = useState<string | null | undefined>(undefined);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const first = useQuery({ queryKey: ['group-chat', groupId], queryFn: () => get<Page<ChatItem>>(chatUrl(groupId)), gcTime: 0, staleTime: Infinity });
  useEffect(() => {
    if (!first.data) return;
    const page = first.data;
    setItems((l) => mergeItems(l, page.items));
    setOlder((c) => (c === undefined ? page.nextCursor : c));
  }, [first.data]);

  // Live from the newest item shown; with none shown yet, the page is fetched again once live (no gap).
  const after = first.data?.items[0]?.cursor;
  useChannel(first.isSuccess ? `chat:${groupId}` : null, (e) => {
    if (e.type !== 'chat.item') return;
    const item = e.data as unknown as ChatItem;
    setItems((l) => mergeItems(l, [item]));
    // The group row carries the pinned announcement.
    if (item.kind === 'announcement') void qc.invalidateQueries({ queryKey: ['groups'] });
  }, {
    after,
    onLive: ({ resumed }) => {
      if (resumed || !after) void first.refetch();
    },
  });

  const loadOlder = async () => {
    if (!older || loadingOlder) return;
    setLoadingOlder(true);
    try {
      const page = await get<Page<ChatItem>>(chatUrl(groupId, older));
      setItems((l) => mergeItems(l, page.items));
      setOlder(page.nextCursor);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setLoadingOlder(false);
    }
  };
  const add = (item: ChatItem) => setItems((l) => mergeItems(l, [item]));
  return { items, first, hasOlder: !!older, loadingOlder, loadOlder, add };
}

export function GroupChat({ groupId, platform, pinned, canPost, canAnnounce, reply, onReply }: {
  groupId: string;
  /** The group row's announcement (undefined: the row does not say). */
  pinned: Announcement | null | undefined;
  /** Where the group lives: only the built-in community delivers team posts to members today. */
  platform: string;
  canPost: boolean;
  canAnnounce: boolean;
  reply: ReplyTarget | null;
  onReply: (r: ReplyTarget | null) => void;
}) {
  const { t } = useTranslation();
  const stream = useChatStream(groupId);
  const ids = useMemo(() => [...new Set(stream.items.map((i) => i.memberId).filter((x): x is string => !!x))], [stream.items]);
  const nameOf = useMemberNames(groupId, ids);
  const stick = useRef(false);
  const qc = useQueryClient();
  const [saved, setSaved] = useState<{ text: string | null; at: string } | null>(null);

  // The pinned announcement: the group row's (it refreshes when an announcement comes by), unless this
  // screen saved a newer one; with a server that does not send it on the row, the newest in the stream.
  const announcement = useMemo(() => {
    let base: Announcement | null;
    if (pinned !== undefined) base = pinned;
    else {
      const last = [...stream.items].reverse().find((i) => i.kind === 'announcement');
      base = last?.text ? { text: last.text, at: last.occurredAt } : null;
    }
    if (saved && (!base || Date.parse(saved.at) >= Date.parse(base.at))) return saved.text ? { text: saved.text, at: saved.at } : null;
    return base;
  }, [pinned, stream.items, saved]);

  const label = (i: ChatItem): string => {
    if (i.memberId) return nameOf(i.memberId)?.name ?? t('chat.someone', { id: i.memberId.slice(-4) });
    return i.system && i.system !== 'system' ? i.system : t('chat.system');
  };

  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      <AnnouncementBar groupId={groupId} current={announcement} canEdit={canAnnounce} onSaved={(a) => {
        setSaved(a ?? { text: null, at: new Date().toISOString() });
        void qc.invalidateQueries({ queryKey: ['groups'] });
      }} />
      <ChatList
        items={stream.items}
        loading={stream.first.isPending}
        error={stream.first.error?.message ?? null}
        hasOlder={stream.hasOlder}
        loadingOlder={stream.loadingOlder}
        loadOlder={stream.loadOlder}
        nameOf={nameOf}
        label={label}
        stick={stick}
        onReply={canPost ? (i) => onReply({ id: i.id, name: label(i), text: i.text ?? (i.image ? t('chat.image') : i.file ? `${t(`chat.file.${i.file.kind}`)} ${i.file.name}` : '') }) : undefined}
      />
      {canPost && (
        <Composer
          groupId={groupId}
          platform={platform}
          reply={reply}
          onClearReply={() => onReply(null)}
          onPosted={(item) => {
            stick.current = true;
            stream.add(item);
            // A reply may have answered a question.
            if (item.replyTo) void qc.invalidateQueries({ queryKey: ['questions', groupId] });
          }}
        />
      )}
    </div>
  );
}

/** Whether the chat is live (the shared socket is up) or catching up. */
export function LiveTag() {
  const { t } = useTranslation();
  const status = useRealtimeStatus();
  const live = status === 'live';
  return (
    <Tag color={live ? 'success' : 'warning'} bordered={false} data-testid="chat-live" data-status={status} style={{ marginInlineEnd: 0 }}>
      <Badge status={live ? 'success' : 'warning'} /> {live ? t('chat.live') : status === 'reconnecting' ? t('chat.reconnecting') : t('chat.connecting')}
    </Tag>
  );
}

// ---- the stream ----

function ChatList({ items, loading, error, hasOlder, loadingOlder, loadOlder, nameOf, label, stick, onReply }: {
  items: ChatItem[];
  loading: boolean;
  error: string | null;
  hasOlder: boolean;
  loadingOlder: boolean;
  loadOlder: () => void;
  nameOf: (id: string | null) => MemberLabel | null;
  label: (i: ChatItem) => string;
  stick: RefObject<boolean>;
  onReply: ((i: ChatItem) => void) | undefined;
}) {
  const { t, i18n } = useTranslation();
  const { token } = theme.useToken();
  const box = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const prev = useRef<{ first?: string; last?: string; height: number }>({ height: 0 });
  const [unseen, setUnseen] = useState(0);
  const byId = useMemo(() => new Map(items.map((i) => [i.id, i])), [items]);

  const toBottom = () => {
    const el = box.current;
    if (el) el.scrollTop = el.scrollHeight;
    atBottom.current = true;
    setUnseen(0);
  };

  useLayoutEffect(() => {
    const el = box.current;
    if (!el) return;
    const p = prev.current;
    const first = items[0]?.id;
    const last = items[items.length - 1]?.id;
    if (p.last === undefined) el.scrollTop = el.scrollHeight;
    else if (first !== p.first && last === p.last) el.scrollTop += el.scrollHeight - p.height; // older page above: keep the view
    else if (last !== p.last) {
      if (atBottom.current || stick.current) toBottom();
      else {
        const from = items.findIndex((i) => i.id === p.last);
        setUnseen((n) => n + (from < 0 ? 1 : items.length - 1 - from));
      }
    }
    stick.current = false;
    prev.current = { first, last, height: el.scrollHeight };
  }, [items, stick]);

  const onScroll = () => {
    const el = box.current!;
    atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48;
    prev.current.height = el.scrollHeight;
    if (atBottom.current && unseen) setUnseen(0);
  };

  const day = (iso: string) => new Date(iso).toLocaleDateString(i18n.language, { year: 'numeric', month: 'long', day: 'numeric', weekday: 'short' });
  const rows: ReactNode[] = [];
  let lastDay = '';
  for (const item of items) {
    const d = day(item.occurredAt);
    if (d !== lastDay) {
      lastDay = d;
      rows.push(<div key={`day-${item.id}`} style={{ textAlign: 'center', margin: '12px 0 4px' }}><Typography.Text type="secondary" style={{ fontSize: 12 }}>{d}</Typography.Text></div>);
    }
    rows.push(<ChatRow key={item.id} item={item} name={label(item)} who={item.memberId ? nameOf(item.memberId) : null} quoted={item.replyTo ? (byId.get(item.replyTo) ?? null) : null} label={label} onReply={onReply} />);
  }

  return (
    <div style={{ position: 'relative' }}>
      <div
        ref={box}
        onScroll={onScroll}
        data-testid="group-chat"
        style={{
          height: 'max(320px, calc(100vh - 376px))', overflowY: 'auto', overflowAnchor: 'none', background: token.colorFillQuaternary,
          border: `1px solid ${token.colorBorderSecondary}`, borderRadius: token.borderRadiusLG, padding: '8px 16px 12px',
        }}
      >
        {hasOlder && (
          <div style={{ textAlign: 'center', padding: '4px 0 8px' }}>
            <Button size="small" type="link" loading={loadingOlder} onClick={loadOlder} data-testid="chat-older">{t('chat.older')}</Button>
          </div>
        )}
        {!hasOlder && items.length > 0 && !loading && (
          <div style={{ textAlign: 'center', padding: '4px 0' }}><Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('chat.beginning')}</Typography.Text></div>
        )}
        {loading && <div style={{ textAlign: 'center', padding: 48 }}><Spin /></div>}
        {error && <Typography.Text type="danger">{error}</Typography.Text>}
        {!loading && !error && items.length === 0 && <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('chat.empty')} style={{ marginTop: 64 }} />}
        {rows}
      </div>
      {unseen > 0 && (
        <Button shape="round" size="small" type="primary" icon={<ArrowDownOutlined />} onClick={toBottom} style={{ position: 'absolute', bottom: 12, left: '50%', transform: 'translateX(-50%)' }}>
          {t('chat.unseen', { count: unseen })}
        </Button>
      )}
    </div>
  );
}

const PALETTE = ['#f56a00', '#7265e6', '#00a2ae', '#87d068', '#1677ff', '#eb2f96', '#fa8c16', '#13c2c2', '#722ed1', '#2f54eb'];
const colorOf = (id: string) => PALETTE[[...id].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % PALETTE.length]!;
const time = (iso: string) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

function ChatRow({ item, name, who, quoted, label, onReply }: {
  item: ChatItem;
  name: string;
  who: MemberLabel | null;
  quoted: ChatItem | null;
  label: (i: ChatItem) => string;
  onReply: ((i: ChatItem) => void) | undefined;
}) {
  const { t } = useTranslation();
  const { label: enumLabel } = useLabels();
  const { token } = theme.useToken();
  const [hover, setHover] = useState(false);
  const base = { 'data-testid': 'chat-item', 'data-kind': item.kind, 'data-id': item.id };

  if (item.kind === 'join' || item.kind === 'leave') {
    const text = item.kind === 'leave' ? t('chat.left', { name }) : item.number ? t('chat.joinedNumber', { name, number: item.number }) : t('chat.joined', { name });
    return (
      <div {...base} style={{ textAlign: 'center', margin: '6px 0' }}>
        <span style={{ display: 'inline-block', fontSize: 12, color: token.colorTextSecondary, background: token.colorFillSecondary, borderRadius: 10, padding: '1px 10px' }}>
          {text} · {time(item.occurredAt)}
        </span>
      </div>
    );
  }

  if (item.kind === 'announcement') {
    return (
      <div {...base} style={{ margin: '10px 24px', padding: '8px 12px', background: token.colorWarningBg, border: `1px solid ${token.colorWarningBorder}`, borderRadius: token.borderRadiusLG }}>
        <Space size={6} style={{ fontSize: 12, color: token.colorWarningText }}>
          <NotificationOutlined />
          <strong>{t('chat.announcement')}</strong>
          <span>{name} · {time(item.occurredAt)}</span>
        </Space>
        <div style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', marginTop: 4 }}>{item.text}</div>
      </div>
    );
  }

  const team = item.memberId === null;
  const bubbleBg = team ? token.colorPrimaryBg : token.colorBgContainer;
  const role = who?.role && who.role !== 'member' ? who.role : null;
  return (
    <div {...base} onMouseEnter={() => setHover(true)} onMouseLeave={() => setHover(false)}
      style={{ display: 'flex', gap: 10, margin: '10px 0', flexDirection: team ? 'row-reverse' : 'row', alignItems: 'flex-start' }}>
      {team
        ? <Avatar style={{ background: token.colorPrimary, flex: 'none' }} icon={<TeamOutlined />} />
        : <Avatar style={{ background: colorOf(item.memberId ?? ''), flex: 'none' }}>{[...name][0] ?? '?'}</Avatar>}
      <div style={{ maxWidth: '74%', display: 'flex', flexDirection: 'column', alignItems: team ? 'flex-end' : 'flex-start' }}>
        <Space size={6} style={{ fontSize: 12, color: token.colorTextSecondary, marginBottom: 2 }} wrap>
          <span style={{ color: token.colorText }}>{name}</span>
          {who?.number && <span>#{who.number}</span>}
          {team && <Tag color="volcano" bordered={false} style={{ marginInlineEnd: 0, fontSize: 11, lineHeight: '16px', paddingInline: 4 }}>{t('chat.official')}</Tag>}
          {role && <Tag bordered={false} style={{ marginInlineEnd: 0, fontSize: 11, lineHeight: '16px', paddingInline: 4 }}>{enumLabel(enums.membershipRole, role)}</Tag>}
          {item.question && <Tag color="blue" bordered={false} style={{ marginInlineEnd: 0, fontSize: 11, lineHeight: '16px', paddingInline: 4 }}>{t('chat.question')}</Tag>}
          <span>{time(item.occurredAt)}</span>
          {onReply && (
            <a onClick={() => onReply(item)} style={{ visibility: hover ? 'visible' : 'hidden', fontSize: 12 }} data-testid="chat-reply">
              <EnterOutlined style={{ transform: 'scaleX(-1)' }} /> {t('chat.reply')}
            </a>
          )}
        </Space>
        <div style={{
          background: bubbleBg, borderRadius: 10, padding: '7px 11px', boxShadow: team ? 'none' : '0 1px 2px rgba(0,0,0,0.06)',
          border: `1px solid ${team ? token.colorPrimaryBorder : token.colorBorderSecondary}`, minWidth: 0, maxWidth: '100%',
        }}>
          {item.replyTo && <Quote quoted={quoted} label={label} />}
          {item.text && <div style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', overflowWrap: 'anywhere' }}>{item.text}</div>}
          {item.image && <ChatImage image={item.image} />}
          {item.file && <ChatFileView file={item.file} />}
        </div>
      </div>
    </div>
  );
}

function Quote({ quoted, label }: { quoted: ChatItem | null; label: (i: ChatItem) => string }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const body = quoted ? `${label(quoted)}：${quoted.text ?? (quoted.image ? t('chat.image') : quoted.file ? `${t(`chat.file.${quoted.file.kind}`)} ${quoted.file.name}` : '')}` : t('chat.replyUnknown');
  return (
    <div style={{ borderInlineStart: `3px solid ${token.colorBorder}`, paddingInlineStart: 8, marginBottom: 4, color: token.colorTextSecondary, fontSize: 12 }}>
      <Typography.Text type="secondary" ellipsis style={{ fontSize: 12, maxWidth: 360 }}>{body}</Typography.Text>
    </div>
  );
}

function ChatImage({ image }: { image: NonNullable<ChatItem['image']> }) {
  const max = 240;
  const w = image.width || max;
  const h = image.height || max;
  const scale = Math.min(1, max / w, max / h);
  return (
    <div style={{ marginTop: 4 }}>
      <Image src={imageUrl(image.id)} alt={image.name} width={Math.round(w * scale)} height={Math.round(h * scale)} style={{ borderRadius: 6, objectFit: 'cover' }} />
    </div>
  );
}

/** A file in the chat: voice, audio and video play here; any other file is a card to download. */
function ChatFileView({ file }: { file: ChatFile }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const url = imageUrl(file.id);
  if (file.kind === 'voice' || file.kind === 'audio') {
    return (
      <div style={{ marginTop: 4 }}>
        <audio controls preload="none" src={url} style={{ height: 36, maxWidth: 280 }} data-testid="chat-audio" />
        {file.kind === 'audio' && <div style={{ fontSize: 12, color: token.colorTextSecondary }}>{file.name} · {fileSize(file.bytes)}</div>}
      </div>
    );
  }
  if (file.kind === 'video') return <video controls preload="metadata" src={url} style={{ marginTop: 4, maxWidth: 280, borderRadius: 6 }} data-testid="chat-video" />;
  return (
    <a href={url} download={file.name} style={{ marginTop: 4, display: 'flex', alignItems: 'center', gap: 10, padding: '8px 10px', borderRadius: 8, border: `1px solid ${token.colorBorderSecondary}`, background: token.colorBgContainer, maxWidth: 300 }} data-testid="chat-file">
      <FileOutlined style={{ fontSize: 24, color: token.colorPrimary }} />
      <span style={{ minWidth: 0 }}>
        <Typography.Text ellipsis style={{ display: 'block', maxWidth: 220 }}>{file.name}</Typography.Text>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{fileSize(file.bytes)} · {t('chat.download')}</Typography.Text>
      </span>
    </a>
  );
}

// ---- posting as the team ----

function Composer({ groupId, platform, reply, onClearReply, onPosted }: {
  groupId: string;
  platform: string;
  reply: ReplyTarget | null;
  onClearReply: () => void;
  onPosted: (item: ChatItem) => void;
}) {
  const { t } = useTranslation();
  const { label } = useLabels();
  const { message } = App.useApp();
  const { token } = theme.useToken();
  const [text, setText] = useState('');
  const [image, setImage] = useState<UploadedImage | null>(null);
  const [uploading, setUploading] = useState(false);
  const file = useRef<HTMLInputElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  // One id per message being written: a retry after a lost answer posts nothing twice.
  const clientId = useRef(newClientId());

  useEffect(() => {
    if (reply) input.current?.focus();
  }, [reply]);

  const send = useMutation({
    mutationFn: () => post<ChatItem>(`/groups/${groupId}/messages`, {
      clientId: clientId.current, ...(text.trim() ? { text: text.trim() } : {}), ...(reply ? { replyTo: reply.id } : {}), ...(image ? { imageId: image.id } : {}),
    }),
    onSuccess: (item) => {
      onPosted(item);
      setText('');
      setImage(null);
      onClearReply();
      clientId.current = newClientId();
    },
    onError: (e) => message.error(e.message),
  });

  const attach = async (f: File | undefined) => {
    if (!f) return;
    if (f.size > IMAGE_MAX_BYTES) return void message.error(t('chat.imageTooBig', { mb: IMAGE_MAX_BYTES / 1024 / 1024 }));
    setUploading(true);
    try {
      setImage(await upload<UploadedImage>(`/groups/${groupId}/uploads?name=${encodeURIComponent(f.name || 'image')}`, f));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setUploading(false);
      if (file.current) file.current.value = '';
    }
  };

  const canSend = (text.trim().length > 0 || image !== null) && !uploading;
  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    // Enter sends, Shift+Enter breaks the line; never while an input method is composing.
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      if (canSend && !send.isPending) send.mutate();
    }
  };
  const onPaste = (e: ClipboardEvent<HTMLTextAreaElement>) => {
    const f = [...e.clipboardData.files].find((x) => x.type.startsWith('image/'));
    if (f) {
      e.preventDefault();
      void attach(f);
    }
  };

  return (
    <div style={{ border: `1px solid ${token.colorBorder}`, borderRadius: token.borderRadiusLG, padding: 8, background: token.colorBgContainer }}>
      {(reply || image || uploading) && (
        <Space wrap style={{ marginBottom: 6 }}>
          {reply && (
            <Tag closable onClose={onClearReply} closeIcon={<CloseOutlined />} style={{ maxWidth: 460, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }} data-testid="reply-target">
              {t('chat.replyingTo', { name: reply.name })}：{reply.text}
            </Tag>
          )}
          {uploading && <Tag icon={<LoadingOutlined />}>{t('chat.uploading')}</Tag>}
          {image && (
            <span style={{ position: 'relative', display: 'inline-block' }}>
              <img src={image.url} alt={image.name} style={{ height: 56, borderRadius: 4, display: 'block' }} data-testid="team-post-image" />
              <Button size="small" shape="circle" icon={<CloseOutlined />} onClick={() => setImage(null)} style={{ position: 'absolute', top: -8, right: -8 }} aria-label={t('chat.removeImage')} />
            </span>
          )}
        </Space>
      )}
      <Input.TextArea
        ref={(r) => {
          input.current = r?.resizableTextArea?.textArea ?? null;
        }}
        value={text}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        placeholder={t('chat.composerPh')}
        autoSize={{ minRows: 2, maxRows: 6 }}
        maxLength={2000}
        variant="borderless"
        data-testid="team-post-input"
      />
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginTop: 4 }}>
        <Space>
          <input ref={file} type="file" accept={IMAGE_TYPES} hidden onChange={(e) => void attach(e.target.files?.[0])} data-testid="team-post-file" />
          <Tooltip title={t('chat.attachImage')}>
            <Button type="text" icon={<PictureOutlined />} onClick={() => file.current?.click()} loading={uploading} aria-label={t('chat.attachImage')} data-testid="team-post-attach" />
          </Tooltip>
          <Typography.Text type={platform === 'builtin' ? 'secondary' : 'warning'} style={{ fontSize: 12 }} data-testid="team-post-hint">
            {platform === 'builtin' ? t('chat.asTeam') : t('chat.notDelivered', { platform: label(enums.platform, platform) })}
          </Typography.Text>
        </Space>
        <Button type="primary" icon={<SendOutlined />} disabled={!canSend} loading={send.isPending} onClick={() => send.mutate()} data-testid="team-post-send">
          {t('chat.send')}
        </Button>
      </div>
    </div>
  );
}

// ---- the announcement ----

function AnnouncementBar({ groupId, current, canEdit, onSaved }: {
  groupId: string;
  current: Announcement | null;
  canEdit: boolean;
  onSaved: (a: Announcement | null) => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { token } = theme.useToken();
  /** null: not being edited, the field shows the current announcement. */
  const [draft, setDraft] = useState<string | null>(null);
  const value = draft ?? current?.text ?? '';
  const save = useMutation({
    mutationFn: () => put<{ announcement: Announcement | null }>(`/groups/${groupId}/announcement`, { text: value.trim() ? value.trim() : null }),
    onSuccess: (r) => {
      onSaved(r.announcement);
      setDraft(null);
      message.success(r.announcement ? t('chat.announcementSaved') : t('chat.announcementCleared'));
    },
    onError: (e) => message.error(e.message),
  });
  const dirty = draft !== null && draft.trim() !== (current?.text ?? '');
  return (
    <div style={{ background: token.colorWarningBg, border: `1px solid ${token.colorWarningBorder}`, borderRadius: token.borderRadiusLG, padding: '8px 12px' }} data-testid="announcement">
      <div style={{ display: 'flex', alignItems: 'baseline', gap: 8 }}>
        <PushpinOutlined style={{ color: token.colorWarningText }} />
        <Typography.Text strong style={{ color: token.colorWarningText, flex: 'none' }}>{t('chat.announcement')}</Typography.Text>
        {current?.text
          ? <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('chat.announcedAt', { at: new Date(current.at).toLocaleString() })}</Typography.Text>
          : <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('chat.noAnnouncement')}</Typography.Text>}
      </div>
      {canEdit ? (
        <div style={{ display: 'flex', gap: 8, marginTop: 6, alignItems: 'flex-end' }}>
          <Input.TextArea
            value={value}
            onChange={(e) => setDraft(e.target.value)}
            placeholder={t('chat.announcementPh')}
            autoSize={{ minRows: 1, maxRows: 4 }}
            maxLength={2000}
            style={{ background: token.colorBgContainer }}
            data-testid="announcement-input"
          />
          <Button type={dirty ? 'primary' : 'default'} onClick={() => save.mutate()} loading={save.isPending} disabled={draft === null} data-testid="announcement-save">
            {t('chat.publish')}
          </Button>
        </div>
      ) : (
        current?.text && <div style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', marginTop: 4 }}>{current.text}</div>
      )}
    </div>
  );
}
