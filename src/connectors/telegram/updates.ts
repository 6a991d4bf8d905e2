// Telegram's updates in the connector contract's shape (PlatformEvent). Pure: no I/O.
// Chats are keyed as Telegram Desktop's export keys them (a supergroup's id without the Bot API's -100
// prefix), so a group imported from an export and then connected is one group; the Bot API id is kept as
// the chat's address.
import type { Chat, Message, MessageEntity, Update, User } from 'grammy/types';
import type { PlatformChat, PlatformEvent, PlatformMedia, PlatformPerson } from '../../modules/inbound/index.ts';

export const chatKey = (id: number | string): string => {
  const s = String(id);
  return s.startsWith('-100') ? s.slice(4) : s.startsWith('-') ? s.slice(1) : s;
};

const chatOf = (c: Chat): PlatformChat => ({
  id: chatKey(c.id), title: 'title' in c && c.title ? c.title : String(c.id), ref: String(c.id), username: 'username' in c && c.username ? c.username : null,
});

export const personOf = (u: User): PlatformPerson => ({
  id: String(u.id), name: [u.first_name, u.last_name].filter(Boolean).join(' ') || String(u.id), handle: u.username ?? null,
});

const isGroup = (c: Chat) => c.type === 'group' || c.type === 'supergroup';

function mediaOf(m: Message): PlatformMedia | undefined {
  const size = (f: { file_size?: number }) => (f.file_size ? { bytes: f.file_size } : {});
  const named = (f: { file_name?: string }) => (f.file_name ? { name: f.file_name } : {});
  if (m.photo?.length) {
    const p = m.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    return { kind: 'photo', ref: p.file_id, uniqueRef: p.file_unique_id, width: p.width, height: p.height, ...size(p) };
  }
  if (m.voice) return { kind: 'voice', ref: m.voice.file_id, uniqueRef: m.voice.file_unique_id, ...size(m.voice) };
  if (m.animation) return { kind: 'animation', ref: m.animation.file_id, uniqueRef: m.animation.file_unique_id, ...named(m.animation), ...size(m.animation) };
  if (m.video) return { kind: 'video', ref: m.video.file_id, uniqueRef: m.video.file_unique_id, ...named(m.video), ...size(m.video) };
  if (m.audio) return { kind: 'audio', ref: m.audio.file_id, uniqueRef: m.audio.file_unique_id, ...named(m.audio), ...size(m.audio) };
  if (m.document) return { kind: 'file', ref: m.document.file_id, uniqueRef: m.document.file_unique_id, ...named(m.document), ...size(m.document) };
  if (m.sticker) return { kind: 'sticker', ref: m.sticker.file_id, uniqueRef: m.sticker.file_unique_id };
  return undefined;
}

/** Entities are in UTF-16 code units, as JavaScript strings are. */
function refsOf(text: string, entities: MessageEntity[] = []): { mentions: string[]; links: string[] } {
  const mentions: string[] = [];
  const links: string[] = [];
  for (const e of entities) {
    const s = text.slice(e.offset, e.offset + e.length);
    if (e.type === 'mention') mentions.push(s.replace(/^@/, ''));
    else if (e.type === 'text_mention') mentions.push(String(e.user.id));
    else if (e.type === 'url') links.push(s);
    else if (e.type === 'text_link') links.push(e.url);
  }
  return { mentions, links };
}

/**
 * A join or a leave is heard twice by an admin bot (the service message and chat_member): both name it by
 * the person and the second it happened, so it is recorded once.
 */
const joinId = (user: number, date: number) => `join:${user}:${date}`;
const leaveId = (user: number, date: number) => `leave:${user}:${date}`;
const inChat = (m: { status: string; is_member?: boolean }) =>
  m.status === 'member' || m.status === 'administrator' || m.status === 'creator' || (m.status === 'restricted' && m.is_member !== false);

/** What one update means for the groups; `botId` is the listening bot (its own arrival and departure concern the link). */
export function eventsOf(u: Update, botId: number): PlatformEvent[] {
  if (u.my_chat_member) {
    const c = u.my_chat_member;
    if (!isGroup(c.chat)) return [];
    const s = c.new_chat_member.status;
    const status = s === 'administrator' || s === 'creator' ? 'admin' : s === 'member' || s === 'restricted' ? 'member' : 'left';
    return [{ type: 'account', chat: chatOf(c.chat), at: c.date * 1000, status }];
  }
  if (u.chat_member) {
    // Someone else's status: a join or a leave (a promotion or a restriction changes neither).
    const c = u.chat_member;
    const user = c.new_chat_member.user;
    if (!isGroup(c.chat) || user.id === botId) return [];
    const was = inChat(c.old_chat_member);
    const is = inChat(c.new_chat_member);
    if (was === is) return [];
    const chat = chatOf(c.chat);
    const by = c.from.id !== user.id ? { by: personOf(c.from) } : {};
    if (is) return [{ type: 'join', chat, at: c.date * 1000, id: joinId(user.id, c.date), members: [personOf(user)], ...by, ...(c.invite_link?.name ? { via: c.invite_link.name } : {}) }];
    return [{ type: 'leave', chat, at: c.date * 1000, id: leaveId(user.id, c.date), member: personOf(user), ...by }];
  }
  if (u.message_reaction) {
    const r = u.message_reaction;
    if (!isGroup(r.chat) || !r.user) return [];
    const emojis = r.new_reaction.flatMap((x) => (x.type === 'emoji' ? [x.emoji] : []));
    return [{ type: 'reaction', chat: chatOf(r.chat), at: r.date * 1000, id: `${r.message_id}`, messageId: String(r.message_id), from: personOf(r.user), emojis }];
  }
  if (u.chat_join_request) {
    const r = u.chat_join_request;
    if (!isGroup(r.chat)) return [];
    return [{ type: 'join_request', chat: chatOf(r.chat), at: r.date * 1000, id: `jr:${r.from.id}:${r.date}`, from: personOf(r.from), ...(r.bio ? { note: r.bio } : {}) }];
  }
  if (u.edited_message) {
    const m = u.edited_message;
    if (!isGroup(m.chat) || !m.from) return [];
    return [{ type: 'edit', chat: chatOf(m.chat), at: (m.edit_date ?? m.date) * 1000, id: String(m.message_id), from: personOf(m.from), text: m.text ?? m.caption ?? '' }];
  }
  const m = u.message;
  if (!m || !isGroup(m.chat)) return [];
  const chat = chatOf(m.chat);
  const at = m.date * 1000;
  const id = String(m.message_id);
  const by = m.from ? personOf(m.from) : undefined;
  if (m.migrate_to_chat_id) return [{ type: 'moved', chat, at, to: { id: chatKey(m.migrate_to_chat_id), title: chat.title, ref: String(m.migrate_to_chat_id) } }];
  if (m.new_chat_members) {
    const out: PlatformEvent[] = [];
    const people = m.new_chat_members.filter((x) => x.id !== botId);
    if (people.length < m.new_chat_members.length) out.push({ type: 'account', chat, at, status: 'member' });
    const inviter = by && !people.some((p) => p.id === m.from!.id) ? { by } : {};
    for (const p of people) out.push({ type: 'join', chat, at, id: joinId(p.id, m.date), members: [personOf(p)], ...inviter });
    return out;
  }
  if (m.left_chat_member) {
    if (m.left_chat_member.id === botId) return [{ type: 'account', chat, at, status: 'left' }];
    return [{ type: 'leave', chat, at, id: leaveId(m.left_chat_member.id, m.date), member: personOf(m.left_chat_member), ...(by && m.from!.id !== m.left_chat_member.id ? { by } : {}) }];
  }
  if (m.new_chat_title) return [{ type: 'rename', chat, at, id, title: m.new_chat_title, ...(by ? { by } : {}) }];
  if (m.group_chat_created || m.supergroup_chat_created || m.migrate_from_chat_id || m.pinned_message || !m.from) return [];
  const text = m.text ?? m.caption ?? '';
  const media = mediaOf(m);
  const { mentions, links } = refsOf(text, m.entities ?? m.caption_entities);
  return [{
    type: 'message', chat, at, id, from: personOf(m.from), text,
    ...(media ? { media } : {}), ...(m.reply_to_message ? { replyTo: String(m.reply_to_message.message_id) } : {}),
    ...(mentions.length ? { mentions } : {}), ...(links.length ? { links } : {}),
  }];
}
