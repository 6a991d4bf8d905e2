// Telegram Desktop's JSON export ("Export chat history" of one chat, or "Export Telegram data" of the whole
// account), read as a stream: chats and their messages in file order, one JSON.parse per message.
// Format (tdesktop export_output_json.cpp): a chat is {name, type, id, messages[]}; a whole-account export
// holds them in chats.list and left_chats.list. A message has id, type ("message" | "service"), date (local
// time, no zone), date_unixtime (a string; missing in older exports), from / from_id ("user123"; from is null
// for deleted accounts), text (a string, or an array of strings and {type, text} entities), and for service
// messages actor / actor_id / action (+ members, title, inviter, message_id).
import fs from 'node:fs';
import { zonedToUtc } from '../kernel/time.ts';
import { ExportError, type ChatInfo, type ChatKind, type ChatRecord, type Person } from './chat-records.ts';
import { SliceError, sliceJson, type Path } from './json-slicer.ts';

const KINDS: Record<string, ChatKind> = {
  personal_chat: 'private', bot_chat: 'bot', saved_messages: 'saved', private_group: 'group', private_supergroup: 'group',
  public_supergroup: 'group', private_channel: 'channel', public_channel: 'channel', replies: 'saved', verification_codes: 'bot',
};

const JOINS = new Set(['invite_members', 'join_group_by_link', 'join_group_by_request', 'invite_to_group_call_by_link']);
const LEAVES = new Set(['remove_members']);

type Raw = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);

/** Telegram's `user123` is the user id 123 (what the Bot API calls it); channels and chats keep their prefix. */
function personOf(id: unknown, name: unknown): Person | null {
  const raw = str(id);
  const n = typeof name === 'string' && name.trim() ? name.trim() : null;
  if (raw) return { id: raw.startsWith('user') ? raw.slice(4) : raw, name: n ?? (raw.startsWith('user') ? '已注销账号 Deleted Account' : raw) };
  return n ? { id: null, name: n } : null;
}

function textOf(t: unknown): string {
  if (typeof t === 'string') return t;
  if (!Array.isArray(t)) return '';
  let out = '';
  for (const part of t) out += typeof part === 'string' ? part : part && typeof (part as Raw).text === 'string' ? ((part as Raw).text as string) : '';
  return out;
}

export interface TelegramOptions {
  /** The zone of `date` in exports without `date_unixtime`. */
  timezone: string;
}

function timeOf(m: Raw, tz: string): number | null {
  const unix = str(m.date_unixtime);
  if (unix && /^\d+$/.test(unix)) return Number(unix) * 1000;
  const d = str(m.date);
  if (!d || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(d)) return null;
  const wall = Date.parse(`${d}Z`);
  return Number.isNaN(wall) ? null : zonedToUtc(wall, tz);
}

/** The chat a path is in: [] for a single-chat export, ['chats','list','*'] or ['left_chats','list','*'] for an account. */
const chatDepth = (p: Path) => (p[0] === 'chats' || p[0] === 'left_chats' ? (p[1] === 'list' && p[2] === '*' ? 3 : -1) : 0);

/** Reads a Telegram Desktop export; yields its records in file order. Throws ExportError for a file it cannot read. */
export async function* readTelegram(file: string, opts: TelegramOptions): AsyncGenerator<ChatRecord> {
  let header: Partial<ChatInfo> & { rawType?: string } = {};
  let chat: ChatInfo | null = null;
  let chats = 0;
  let sawMessages = false;
  const queue: ChatRecord[] = [];
  const where = (offset: number) => `byte ${offset}`;

  const openChat = (left: boolean, offset: number): ChatInfo => {
    if (chat) return chat;
    if (!header.id) throw new ExportError(file, where(offset), 'a chat without an "id" before its messages: not a Telegram Desktop export');
    chat = { id: header.id, name: header.name ?? header.id, kind: KINDS[header.rawType ?? ''] ?? 'group', left };
    chats++;
    queue.push({ type: 'chat', chat });
    return chat;
  };

  const message = (m: Raw, left: boolean, offset: number) => {
    const c = openChat(left, offset);
    const id = str(m.id);
    const at = timeOf(m, opts.timezone);
    const w = where(offset);
    if (!id || at === null) {
      queue.push({ type: 'skip', chatId: c.id, reason: !id ? 'a message without an id' : `a message without a readable date (${JSON.stringify(m.date ?? null)})`, where: w });
      return;
    }
    if (m.type === 'service') {
      const action = str(m.action) ?? 'unknown';
      const actor = personOf(m.actor_id, m.actor);
      const names = Array.isArray(m.members) ? m.members.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : [];
      const members = names.map((n) => ({ id: null, name: n.trim() }));
      const kind = JOINS.has(action) ? 'join' : LEAVES.has(action) ? 'leave' : 'service';
      const extra: Raw = {};
      for (const k of ['title', 'inviter', 'message_id', 'duration_seconds', 'discard_reason']) if (m[k] !== undefined) extra[k === 'message_id' ? 'messageId' : k] = m[k];
      queue.push({ type: 'service', chatId: c.id, id, at, where: w, kind, event: action, actor, members, extra });
      return;
    }
    if (m.type !== 'message') {
      queue.push({ type: 'skip', chatId: c.id, reason: `a record of type ${JSON.stringify(m.type)}`, where: w });
      return;
    }
    const from = personOf(m.from_id, m.from) ?? { id: null, name: '未知 Unknown' };
    const extra: Raw = {};
    const reply = str(m.reply_to_message_id);
    if (reply) extra.replyTo = reply;
    const media = str(m.media_type) ?? (m.photo !== undefined ? 'photo' : m.file !== undefined ? 'file' : m.poll !== undefined ? 'poll' : m.location_information !== undefined ? 'location' : m.contact_information !== undefined ? 'contact' : null);
    if (media) extra.media = media;
    if (typeof m.forwarded_from === 'string') extra.forwardedFrom = m.forwarded_from;
    if (typeof m.via_bot === 'string') extra.viaBot = m.via_bot;
    const edited = str(m.edited_unixtime);
    if (edited) extra.editedAt = Number(edited) * 1000;
    else if (typeof m.edited === 'string') extra.edited = true;
    queue.push({ type: 'message', chatId: c.id, id, at, where: w, from, text: textOf(m.text), extra });
  };

  const events = sliceJson(fs.createReadStream(file, { highWaterMark: 1 << 18 }), {
    wants(p) {
      const d = chatDepth(p);
      if (d < 0) return false;
      if (p.length === d + 1) return p[d] === 'id' || p[d] === 'name' || p[d] === 'type';
      return p.length === d + 2 && p[d] === 'messages' && p[d + 1] === '*';
    },
    watches: (p) => {
      const d = chatDepth(p);
      return d >= 0 && p.length === d;
    },
  });
  try {
    for await (const e of events) {
      const p = e.path;
      const left = p[0] === 'left_chats';
      if (e.type === 'end') {
        // A chat with no messages still counts (and is created), as long as it says who it is.
        if (!chat && header.id) openChat(left, e.offset);
        header = {};
        chat = null;
      } else if (p.length === chatDepth(p) + 1) {
        const k = p[p.length - 1];
        if (k === 'id') header.id = str(e.value) ?? undefined;
        else if (k === 'name') header.name = typeof e.value === 'string' ? e.value : undefined;
        else header.rawType = typeof e.value === 'string' ? e.value : undefined;
      } else {
        sawMessages = true;
        const v = e.value;
        if (!v || typeof v !== 'object' || Array.isArray(v)) throw new ExportError(file, where(e.offset), 'a message that is not an object');
        message(v as Raw, left, e.offset);
      }
      while (queue.length) yield queue.shift()!;
    }
  } catch (e) {
    if (e instanceof SliceError) throw new ExportError(file, where(e.offset), e.reason);
    throw e;
  }
  if (!sawMessages && chats === 0) throw new ExportError(file, 'byte 0', 'no chats and no "messages": not a Telegram Desktop JSON export');
}
