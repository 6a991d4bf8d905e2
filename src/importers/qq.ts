// QQ 消息管理器's text export ("导出消息记录" as .txt, Windows QQ before QQ NT), read line by line so a
// multi-gigabyte export never sits in memory. Format (no spec; from real exports and the parsers that read
// them): an optional first line `消息记录（此消息记录为文本格式，不支持重新导入）`, then per chat a block of
// lines of `=` around `消息分组:<folder>` and `消息对象:<chat>`, then messages: a header line
// `2016-07-19 15:27:15 【头衔】昵称(271147505)` (hour unpadded in some versions, 12-hour `8:43:38 PM` or
// `下午8:43:38` in others, `昵称<x@qq.com>` for e-mail accounts), the text on the following lines, and a blank
// line. The format has no message ids and no group numbers: chats are keyed by their name and messages by
// time, sender, text and occurrence (message-key.ts), so reading the same file twice gives the same keys. The
// file's encoding (GBK/GB18030, UTF-8 or UTF-16) is told by text-file.ts, which the WeChat CSV reader shares.
import { zonedToUtc } from '../kernel/time.ts';
import { ExportError, type ChatInfo, type ChatRecord, type Person } from './chat-records.ts';
import { contentId, Occurrences } from './message-key.ts';
import { fileStem, readTextLines } from './text-file.ts';

export interface QqOptions {
  /** The zone of the export's local times (the computer's that exported it). */
  timezone: string;
}

const RULE = /^={3,}\s*$/;
const FOLDER_LINE = /^消息分组\s*[:：]\s*(.*?)\s*$/;
const CHAT_LINE = /^消息对象\s*[:：]\s*(.*?)\s*$/;
const TITLE_LINE = /^消息记录/;
/**
 * Date, optional 上午/下午 or AM/PM around a time with an unpadded hour, then the sender: everything up to the
 * LAST `(digits)` or `<e-mail>` at the end of the line, so nicknames with spaces and parentheses stay whole.
 */
const HEADER =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})\s+(?:(上午|下午|中午|凌晨|早上|晚上|AM|PM)\s*)?(\d{1,2}):(\d{2}):(\d{2})(?:\s*(AM|PM))?\s+(.*?)(?:\((\d+)\)|<([^<>]+)>)\s*$/i;
const SYSTEM_ID = '10000';
const MEDIA: [string, string][] = [['[图片]', 'image'], ['[表情]', 'sticker'], ['[文件]', 'file']];

interface Header {
  at: number | null;
  from: Person;
  title: string | null;
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** A 12-hour reading as a 24-hour hour, or null when the hour cannot be on that clock. */
function hour24(h: number, half: string | undefined): number | null {
  if (!half) return h <= 23 ? h : null;
  if (h > 12) return null;
  const p = half.toUpperCase();
  if (p === '中午') return h < 11 ? h + 12 : h; // 中午12点 is noon, 中午1点 is 13:00
  const pm = p === 'PM' || p === '下午' || p === '晚上';
  return pm ? (h === 12 ? 12 : h + 12) : h === 12 ? 0 : h;
}

function parseHeader(line: string, tz: string): Header | null {
  const m = HEADER.exec(line);
  if (!m) return null;
  const [, ys, mos, ds, pre, hs, mis, ss, post, rawName = '', qq, mail] = m;
  const [y, mo, d, mi, s] = [ys, mos, ds, mis, ss].map(Number) as [number, number, number, number, number];
  const h = hour24(Number(hs), pre ?? post);
  const valid = h !== null && mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo) && mi <= 59 && s <= 59;
  const at = valid ? zonedToUtc(Date.UTC(y, mo - 1, d, h, mi, s), tz) : null;
  // 【管理员】/【潜水】/【活跃】: the group's title for the sender at that time, not part of their name.
  const t = /^【([^】]*)】\s*/.exec(rawName.trim());
  const name = (t ? rawName.trim().slice(t[0].length) : rawName).trim();
  const id = qq ?? mail!.trim();
  return { at, from: { id, name: name || id }, title: t ? t[1]! : null };
}

/** `张三` or `张三(12345)` in a system message: a person by name, or by number when it is given. */
function personNamed(s: string): Person {
  const m = /^(.*?)\s*\((\d{5,})\)$/.exec(s.trim());
  return m && m[1] ? { id: m[2]!, name: m[1] } : { id: null, name: s.trim() };
}
const namesIn = (s: string) => s.split(/[、,，]/).map((x) => x.trim()).filter(Boolean).map(personNamed);
/** Who removed someone, when the text names a person rather than a role. */
const remover = (s: string) => (/^(管理员|群主|系统)$/.test(s.trim()) ? null : personNamed(s));

interface SystemEvent {
  kind: 'join' | 'leave' | 'service';
  event: string;
  actor: Person | null;
  members: Person[];
}

/** The system messages of a group (from `系统消息(10000)`): joins and leaves by name, anything else as is. */
function systemEvent(text: string): SystemEvent {
  const t = text.trim();
  let m = /^(.+?)邀请(.+?)加入了?本群/.exec(t);
  if (m) return { kind: 'join', event: 'invite', actor: personNamed(m[1]!), members: namesIn(m[2]!) };
  m = /^(.+?)(?:已经|已)?加入了?本群/.exec(t);
  if (m) return { kind: 'join', event: 'join', actor: null, members: namesIn(m[1]!) };
  m = /^(.+?)被(.+?)(?:移出|踢出|请出)了?本群/.exec(t);
  if (m) return { kind: 'leave', event: 'kick', actor: remover(m[2]!), members: namesIn(m[1]!) };
  m = /^(.+?)(?:退出|离开)了?本群/.exec(t);
  if (m) return { kind: 'leave', event: 'leave', actor: null, members: namesIn(m[1]!) };
  return { kind: 'service', event: 'system', actor: null, members: [] };
}

/** A chat being read: its messages wait until its kind is known (a 群 folder, or a third sender, or its end). */
interface Section {
  chat: ChatInfo;
  /** Its chat record is out (or queued): the records go straight to the output. */
  open: boolean;
  senders: Set<string>;
  held: ChatRecord[];
}

interface Reading {
  header: Header;
  where: string;
  body: string[];
}

/** Reads a QQ 消息管理器 .txt export; yields its records in file order. Throws ExportError for a file it cannot read. */
export async function* readQq(file: string, opts: QqOptions): AsyncGenerator<ChatRecord> {
  const out: ChatRecord[] = [];
  const chats = new Map<string, ChatInfo>();
  const seen = new Occurrences();
  let folder = '';
  let section: Section | null = null;
  let reading: Reading | null = null;
  /** A line of `=` inside a message: the start of the next chat's block if 消息分组/消息对象 follows, else text. */
  let heldRule: string | null = null;
  let prevBlank = false;
  let prevRule = false;
  let sawQq = false;
  let sawText = false;

  const release = (s: Section) => {
    s.open = true;
    out.push({ type: 'chat', chat: s.chat }, ...s.held);
    s.held = [];
  };

  const openSection = (name: string) => {
    closeSection();
    const id = `name:${name}`;
    const known = chats.get(id);
    // The same 消息对象 twice (a file joined from two exports): one chat, as it was first announced.
    if (known) {
      section = { chat: known, open: true, senders: new Set(), held: [] };
      return;
    }
    // A 消息分组 of friends (我的好友) holds one-to-one chats; a group folder, or a file exported without
    // sections (the operator chose to import it), is a group.
    const chat: ChatInfo = { id, name, kind: !folder || /群|讨论组/.test(folder) ? 'group' : 'private', left: false };
    chats.set(id, chat);
    section = { chat, open: false, senders: new Set(), held: [] };
    if (chat.kind === 'group') release(section);
  };

  const closeSection = () => {
    finishMessage();
    const s = section;
    if (s && !s.open) {
      if (s.senders.size > 2) s.chat.kind = 'group';
      release(s);
    }
    section = null;
  };

  const emit = (s: Section, r: ChatRecord) => {
    if (s.open) out.push(r);
    else s.held.push(r);
  };

  const finishMessage = () => {
    const r = reading;
    if (!r) return;
    reading = null;
    // A section opens at its first message when the file names no chat (the sample's header has no 消息对象).
    if (!section) openSection(fileStem(file));
    const s = section!;
    const body = r.body;
    while (body.length && body[body.length - 1]!.trim() === '') body.pop();
    const text = body.join('\n');
    const { at, from, title } = r.header;
    if (at === null) {
      emit(s, { type: 'skip', chatId: s.chat.id, reason: 'a message header with a date or time that does not exist', where: r.where });
      return;
    }
    const id = contentId(at, from.id!, text, seen);
    if (from.id === SYSTEM_ID) {
      const e = systemEvent(text);
      // Joins, leaves and kicks of 本群 happen only in groups: the chat is one, however few have spoken yet.
      if (!s.open && text.includes('群')) s.chat.kind = 'group';
      emit(s, { type: 'service', chatId: s.chat.id, id, at, where: r.where, kind: e.kind, event: e.event, actor: e.actor, members: e.members, extra: { text } });
    } else {
      s.senders.add(from.id!);
      const extra: Record<string, unknown> = {};
      if (title) extra.title = title;
      const media = MEDIA.map(([mark, kind]) => [text.indexOf(mark), kind] as const).filter(([i]) => i >= 0).sort((a, b) => a[0] - b[0])[0];
      if (media) extra.media = media[1];
      emit(s, { type: 'message', chatId: s.chat.id, id, at, where: r.where, from, text, extra });
    }
    if (!s.open && (s.chat.kind === 'group' || s.senders.size > 2)) {
      s.chat.kind = 'group';
      release(s);
    }
  };

  const startMessage = (header: Header, line: number) => {
    finishMessage();
    sawQq = true;
    reading = { header, where: `line ${line}`, body: [] };
  };

  /** Lines outside messages: the title, the `=` block naming the folder and chat, blank lines. */
  const preamble = (text: string, line: number) => {
    if (RULE.test(text)) return;
    const folderLine = FOLDER_LINE.exec(text);
    if (folderLine) {
      closeSection();
      folder = folderLine[1]!;
      sawQq = true;
      return;
    }
    const chatLine = CHAT_LINE.exec(text);
    if (chatLine) {
      openSection(chatLine[1] || fileStem(file));
      sawQq = true;
      return;
    }
    if (TITLE_LINE.test(text)) {
      sawQq = true;
      return;
    }
    const header = parseHeader(text, opts.timezone);
    if (header) return startMessage(header, line);
    // Text inside a `=` block is the export's banner (the sample's `假装我是文件头`); after the title line, any
    // line before the first message is banner too. Anything else means this is some other file.
    if (prevRule || sawQq) return;
    throw new ExportError(file, `line ${line}`, `not a QQ 消息管理器 .txt export: expected a message line like "2016-07-19 15:27:15 昵称(12345)", found ${JSON.stringify(text.slice(0, 60))}`);
  };

  const handle = (text: string, line: number) => {
    if (heldRule !== null) {
      const rule = heldRule;
      heldRule = null;
      if (FOLDER_LINE.test(text) || CHAT_LINE.test(text)) finishMessage();
      else reading?.body.push(rule);
    }
    if (reading) {
      if (RULE.test(text)) {
        heldRule = text;
        return;
      }
      // A header starts a message only after a blank line: a quoted timestamp inside a text stays text.
      const header = prevBlank ? parseHeader(text, opts.timezone) : null;
      if (header) return startMessage(header, line);
      reading.body.push(text);
      return;
    }
    if (text.trim() !== '') preamble(text, line);
  };

  for await (const batch of readTextLines(file)) {
    for (const { text, line } of batch) {
      const blank = text.trim() === '';
      if (!blank) sawText = true;
      handle(text, line);
      prevBlank = blank;
      if (!blank) prevRule = RULE.test(text);
    }
    if (out.length) yield* out.splice(0);
  }
  if (heldRule !== null) (reading as Reading | null)?.body.push(heldRule);
  closeSection();
  yield* out.splice(0);
  if (!sawText) throw new ExportError(file, 'line 1', 'the file has no text');
  if (!sawQq) throw new ExportError(file, 'line 1', 'not a QQ 消息管理器 .txt export: no message lines like "2016-07-19 15:27:15 昵称(12345)"');
}
