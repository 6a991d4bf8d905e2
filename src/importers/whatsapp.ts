// WhatsApp's "Export chat" text file (without or with media: the .txt is the same), read as a stream of lines.
// Format: one message per timestamped line, continued on the following lines until the next timestamp.
//   Android  `DD/MM/YYYY, HH:MM - Name: text`  (also D/M/YY, M/D/YY H:MM AM, DD.MM.YY, YYYY/M/D 下午3:05, …)
//   iOS      `[DD/MM/YYYY, HH:MM:SS] Name: text`, with U+200E marks before `[` and before system/media texts,
//            U+202F before AM/PM, and system events written as `[…] <group name>: ‎X added Y`.
// System events on Android have no `Name: ` at all. The file has no ids (neither chat nor message nor person),
// times are the phone's local wall clock, and the day/month order follows the phone's locale, which one line
// cannot always tell: the file is read twice, once to decide the order (and the chat's name and kind, since the
// chat record comes first), once to yield the records.
import fs from 'node:fs';
import path from 'node:path';
import { zonedToUtc } from '../kernel/time.ts';
import { ExportError, type ChatInfo, type ChatRecord, type Person, type ServiceRecord } from './chat-records.ts';
import { contentId, Occurrences } from './message-key.ts';

export interface WhatsAppOptions {
  /** The phone's time zone: the export writes its wall-clock times without one. */
  timezone: string;
}

/** Direction marks the exporter puts around names, timestamps and system texts; invisible, not content. */
const MARKS = '[\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069]*';
const MARKS_RE = /[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const SP = '[ \\u00a0\\u202f]';
/** Day-period words written before the time (Chinese, Korean) or after it (English, any case, dotted or not). */
const PERIOD_BEFORE = '上午|下午|中午|凌晨|早上|晚上|오전|오후';
const PERIOD_AFTER = `am|pm|a\\.${SP}?m\\.|p\\.${SP}?m\\.|上午|下午`;

const HEADER = new RegExp(
  `^${MARKS}(\\[)?${MARKS}` +
    `(\\d{1,4})([-/.])${SP}?(\\d{1,2})\\3${SP}?(\\d{1,4})\\.?` +
    `,?${SP}*${MARKS}(?:(${PERIOD_BEFORE})${SP}*)?` +
    `(\\d{1,2})[:.](\\d{2})(?:[:.](\\d{2}))?` +
    `(?:${SP}*(${PERIOD_AFTER}))?${MARKS}` +
    `(\\]${SP}?|${SP}+[-–]${SP}+)`,
  'i',
);

/** A line's timestamp, as written: the date's three numbers are not yet a day, a month and a year. */
interface Stamp {
  parts: [number, number, number];
  /** The first number has four digits: `YYYY/MM/DD`, never ambiguous. */
  yearFirst: boolean;
  yearDigits: number;
  h: number;
  mi: number;
  s: number;
  period: 'am' | 'pm' | null;
  /** The line after the timestamp and its separator. */
  rest: string;
}

const periodOf = (p: string | undefined): 'am' | 'pm' | null => {
  if (!p) return null;
  const v = p.toLowerCase().replace(/[.\s\u00a0\u202f]/g, '');
  if (v === 'am' || v === '上午' || v === '凌晨' || v === '早上' || v === '오전') return 'am';
  return 'pm';
};

function stampOf(line: string): Stamp | null {
  const m = HEADER.exec(line);
  if (!m) return null;
  const [whole, open, a, , b, c, before, h, mi, s, after, sep] = m;
  // A `[` opens iOS's stamp and only `]` closes it; Android's ` - ` comes without brackets.
  if (Boolean(open) !== sep!.startsWith(']')) return null;
  return {
    parts: [Number(a), Number(b), Number(c)],
    yearFirst: a!.length === 4,
    yearDigits: a!.length === 4 ? 4 : c!.length,
    h: Number(h), mi: Number(mi), s: s ? Number(s) : 0,
    period: periodOf(before ?? after),
    rest: line.slice(whole.length),
  };
}

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** The day, month and year of a stamp under the file's order (a number for comparing dates, not a date). */
function ymd(st: Stamp, dayFirst: boolean): [number, number, number] {
  const [a, b, c] = st.parts;
  if (st.yearFirst) return [a, b, c];
  const y = st.yearDigits === 2 ? 2000 + c : c;
  return dayFirst ? [y, b, a] : [y, a, b];
}

/** The stamp's wall-clock reading as if it were UTC, or why it is not a time that exists. */
function wallOf(st: Stamp, dayFirst: boolean): number | string {
  const [y, mo, d] = ymd(st, dayFirst);
  if (!st.yearFirst && st.yearDigits !== 2 && st.yearDigits !== 4) return `a year of ${st.yearDigits} digits`;
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return `no such date: ${y}-${mo}-${d} (read ${st.yearFirst ? 'year-first' : dayFirst ? 'day-first' : 'month-first'})`;
  let h = st.h;
  if (st.period) {
    if (h > 12) return `no such time: ${h}:${String(st.mi).padStart(2, '0')} ${st.period}`;
    h = (h % 12) + (st.period === 'pm' ? 12 : 0);
  }
  if (h > 23 || st.mi > 59 || st.s > 59) return `no such time: ${st.h}:${String(st.mi).padStart(2, '0')}:${String(st.s).padStart(2, '0')}`;
  return Date.UTC(y, mo - 1, d, h, st.mi, st.s);
}

/**
 * Decides the day/month order of a whole file from its stamps as they come (constant memory): a first number
 * above 12 can only be a day, a second one only a day too; failing both, the order that makes the dates go
 * backwards less often (a chat is written in time order), day-first on a tie.
 */
class DateOrder {
  private firstAbove12 = false;
  private secondAbove12 = false;
  private prev: { df: number; mf: number } | null = null;
  private drops = { df: 0, mf: 0 };

  see(st: Stamp) {
    if (st.yearFirst) return;
    const [a, b] = st.parts;
    if (a > 12) this.firstAbove12 = true;
    if (b > 12) this.secondAbove12 = true;
    const key = ([y, m, d]: [number, number, number]) => y * 10_000 + m * 100 + d;
    const cur = { df: key(ymd(st, true)), mf: key(ymd(st, false)) };
    if (this.prev) {
      if (cur.df < this.prev.df) this.drops.df++;
      if (cur.mf < this.prev.mf) this.drops.mf++;
    }
    this.prev = cur;
  }

  get dayFirst(): boolean {
    if (this.firstAbove12) return true;
    if (this.secondAbove12) return false;
    return this.drops.df <= this.drops.mf;
  }
}

// ---- Lines ------------------------------------------------------------------------------------------------

/** Longer than any WhatsApp message (65,536 characters): a file with such a line is something else. */
const MAX_LINE = 1 << 20;

/**
 * The file's lines, decoded strictly: NUL bytes (a binary or UTF-16 file) and bytes that are not UTF-8 stop the
 * read at the line they are on, where a lenient decoder would hand on U+FFFD and import garbage.
 */
async function* linesOf(file: string): AsyncGenerator<{ n: number; text: string }> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let parts: Buffer[] = [];
  let size = 0;
  let n = 1;
  const take = (seg: Buffer) => {
    size += seg.length;
    if (size > MAX_LINE) throw new ExportError(file, `line ${n}`, `a line longer than ${MAX_LINE} bytes: not a WhatsApp text export`);
    parts.push(seg);
  };
  const line = () => {
    let text: string;
    try {
      text = decoder.decode(parts.length === 1 ? parts[0] : Buffer.concat(parts, size));
    } catch {
      throw new ExportError(file, `line ${n}`, 'bytes that are not UTF-8: not a WhatsApp text export (it writes UTF-8)');
    }
    parts = [];
    size = 0;
    return { n: n++, text: text.endsWith('\r') ? text.slice(0, -1) : text };
  };
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 16 }) as AsyncIterable<Buffer>) {
    // Checked for the whole chunk first: a binary file is named binary, not "not UTF-8" at its first odd byte.
    const nul = chunk.indexOf(0);
    if (nul !== -1) {
      let at = n;
      for (let i = chunk.indexOf(10); i !== -1 && i < nul; i = chunk.indexOf(10, i + 1)) at++;
      throw new ExportError(file, `line ${at}`, 'NUL bytes: a binary (or UTF-16) file, not a WhatsApp text export');
    }
    let start = 0;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, start)) {
      take(chunk.subarray(start, i));
      yield line();
      start = i + 1;
    }
    if (start < chunk.length) take(chunk.subarray(start));
  }
  if (size > 0) yield line();
}

// ---- What a line says -------------------------------------------------------------------------------------

interface SystemEvent {
  kind: ServiceRecord['kind'];
  event: string;
  actor: Person | null;
  members: Person[];
  extra: Record<string, unknown>;
}

type Said = { type: 'system'; sys: SystemEvent; text: string } | { type: 'message'; from: Person; text: string } | { type: 'ios-system'; author: string; sys: SystemEvent; text: string };

const unmark = (s: string) => s.replace(MARKS_RE, '');
const unquote = (s: string) => s.trim().replace(/^["“「'](.*)["”」']$/s, '$1').trim();

/** A person as a line names them: a phone number is the only id the file has (`+41 012 345 6789` → `+410123456789`). */
function personOf(raw: string): Person {
  const name = unquote(unmark(raw));
  if (/^\+\d[\d \u00a0\u202f\-().]{4,}$/.test(name)) return { id: `+${name.replace(/\D/g, '')}`, name };
  return { id: null, name };
}

const peopleOf = (list: string) =>
  list.split(/\s*(?:,\s*and\s+|,|，|、|\s+and\s+|\s+&\s+)\s*/i).map((s) => s.trim()).filter(Boolean).map(personOf);

// Names in system lines are colon-free (`[^:]`): `Ann: Bob left` is Ann's message, never Bob leaving.
const N = '([^:]+?)';
const Q = '["“「](.*)["”」]';
const GROUP = '(?:群组|群聊|群)';

type Rule = [RegExp, (m: RegExpExecArray) => SystemEvent];
const svc = (event: string, actor: Person | null, extra: Record<string, unknown> = {}): SystemEvent => ({ kind: 'service', event, actor, members: [], extra });
const join = (event: string, actor: Person | null, members: Person[]): SystemEvent => ({ kind: 'join', event, actor, members, extra: {} });
const leave = (event: string, actor: Person | null, members: Person[]): SystemEvent => ({ kind: 'leave', event, actor, members, extra: {} });
const re = (s: string) => new RegExp(`^${s}$`, 'i');

/** System lines, English and Chinese; order matters where one wording contains another (通过邀请链接加入 before 邀请…加入 before 加入). */
const RULES: Rule[] = [
  [/^[^:]*(?:end-to-end encrypt|端到端加密)/i, () => svc('encryption_notice', null)],
  [re(`${N} created (?:the )?group ${Q}`), (m) => svc('create_group', personOf(m[1]!), { title: m[2] })],
  [re(`${N} created this group`), (m) => svc('create_group', personOf(m[1]!))],
  [re(`${N}\\s*创建了?${GROUP}\\s*${Q}`), (m) => svc('create_group', personOf(m[1]!), { title: m[2] })],
  [re(`${N} changed the (?:subject|group name) from ${Q} to ${Q}`), (m) => svc('change_subject', personOf(m[1]!), { title: m[3], previous: m[2] })],
  [re(`${N} changed the (?:subject|group name) to ${Q}`), (m) => svc('change_subject', personOf(m[1]!), { title: m[2] })],
  [re(`${N}\\s*(?:将|把)?${GROUP}的?(?:名称|名字|名)从\\s*${Q}\\s*(?:更改|修改|改)为\\s*${Q}`), (m) => svc('change_subject', personOf(m[1]!), { title: m[3], previous: m[2] })],
  [re(`${N}\\s*(?:(?:将|把)${GROUP}的?(?:名称|名字|名)(?:更改|修改|改)|(?:更改|修改)了${GROUP}的?(?:名称|名字|名))为\\s*${Q}`), (m) => svc('change_subject', personOf(m[1]!), { title: m[2] })],
  [re(`${N} (?:changed|deleted) (?:this group's|the group) (?:icon|photo)`), (m) => svc('change_icon', personOf(m[1]!))],
  [re(`${N}\\s*(?:更改|更换|修改|删除)了(?:此)?${GROUP}的?(?:头像|图标|照片)`), (m) => svc('change_icon', personOf(m[1]!))],
  [re(`${N} changed the group description`), (m) => svc('change_description', personOf(m[1]!))],
  [re(`${N}\\s*(?:更改|修改)了(?:此)?${GROUP}的?(?:描述|简介|公告)`), (m) => svc('change_description', personOf(m[1]!))],
  [re(`${N} added ${N}`), (m) => join('add_members', personOf(m[1]!), peopleOf(m[2]!))],
  [re(`${N} joined (?:using|via) (?:this group's|this community's|an|the) invite link`), (m) => join('join_link', null, [personOf(m[1]!)])],
  [re(`${N} joined(?: from the community)?`), (m) => join('joined', null, [personOf(m[1]!)])],
  [re(`${N} was added`), (m) => join('add_members', null, [personOf(m[1]!)])],
  [re(`${N} left`), (m) => leave('left', null, [personOf(m[1]!)])],
  [re(`${N} removed ${N}`), (m) => leave('remove_members', personOf(m[1]!), peopleOf(m[2]!))],
  [re(`${N} was removed`), (m) => leave('remove_members', null, [personOf(m[1]!)])],
  [re(`${N}\\s*通过\\S*?链接加入了?${GROUP}?`), (m) => join('join_link', null, [personOf(m[1]!)])],
  [re(`${N}\\s*邀请\\s*${N}\\s*加入了?${GROUP}?`), (m) => join('add_members', personOf(m[1]!), peopleOf(m[2]!))],
  [re(`${N}\\s*(?:将|把)\\s*${N}\\s*(?:添加|加入)(?:到|进)?了?${GROUP}`), (m) => join('add_members', personOf(m[1]!), peopleOf(m[2]!))],
  [re(`${N}\\s*添加了\\s*${N}`), (m) => join('add_members', personOf(m[1]!), peopleOf(m[2]!))],
  [re(`${N}\\s*已?加入了?${GROUP}?`), (m) => join('joined', null, [personOf(m[1]!)])],
  [re(`${N}\\s*(?:将|把)\\s*${N}\\s*移出了?${GROUP}?`), (m) => leave('remove_members', personOf(m[1]!), peopleOf(m[2]!))],
  [re(`${N}\\s*被\\s*${N}\\s*移出了?${GROUP}?`), (m) => leave('remove_members', personOf(m[2]!), peopleOf(m[1]!))],
  [re(`${N}\\s*移出了\\s*${N}`), (m) => leave('remove_members', personOf(m[1]!), peopleOf(m[2]!))],
  [re(`${N}\\s*已?(?:退出|离开)了?${GROUP}?`), (m) => leave('left', null, [personOf(m[1]!)])],
];

function systemOf(text: string): SystemEvent | null {
  const t = unmark(text).trim();
  for (const [pattern, make] of RULES) {
    const m = pattern.exec(t);
    if (m) return make(m);
  }
  return null;
}

/** What the rest of a timestamped line is: a system event, iOS's system event under the group's name, or a message. */
function said(rest: string): Said {
  const sys = systemOf(rest);
  if (sys) return { type: 'system', sys, text: unmark(rest).trim() };
  const m = /^(.+?):(?:[ \u00a0]|$)/.exec(rest);
  if (!m) return { type: 'system', sys: svc('other', null), text: unmark(rest).trim() };
  const body = rest.slice(m[0].length);
  // iOS writes its events as the group's "message", text led by a U+200E mark; a person's text never is.
  if (body.startsWith('\u200e')) {
    const ios = systemOf(body);
    if (ios) return { type: 'ios-system', author: unquote(unmark(m[1]!)), sys: ios, text: unmark(body).trim() };
  }
  return { type: 'message', from: personOf(m[1]!), text: body };
}

const GROUP_EVENTS = new Set(['create_group', 'change_subject', 'change_icon', 'change_description']);

// ---- Media, deletions, edits ------------------------------------------------------------------------------

function kindOfFile(name: string): string | null {
  const n = name.trim();
  if (/STICKER|^STK-|\.webp$/i.test(n)) return 'sticker';
  if (/PHOTO|^IMG-|\.(?:jpe?g|png|gif|heic|bmp)$/i.test(n)) return 'image';
  if (/VIDEO|^VID-|\.(?:mp4|3gp|mov|mkv|avi|webm)$/i.test(n)) return 'video';
  if (/AUDIO|^AUD-|^PTT-|\.(?:opus|m4a|mp3|ogg|aac|amr|wav)$/i.test(n)) return 'audio';
  if (/^DOC-|\.(?:pdf|docx?|xlsx?|pptx?|txt|csv|zip|rar|7z|vcf|apk)$/i.test(n)) return 'document';
  return null;
}

function kindOfWord(word: string): string | null {
  const w = word.trim().toLowerCase();
  if (/^(?:image|photo|图片|照片|圖片)$/.test(w)) return 'image';
  if (/^(?:video|gif|视频|視訊|影片)$/.test(w)) return 'video';
  if (/^(?:audio|voice|音频|语音|音訊)$/.test(w)) return 'audio';
  if (/^(?:sticker|贴纸|贴图|表情|貼圖)$/.test(w)) return 'sticker';
  if (/^(?:document|file|文件|文档|文檔)$/.test(w)) return 'document';
  return null;
}

/** The kind of media a message stands for (the export writes a placeholder or a file name), or null. */
function mediaOf(text: string): string | null {
  const first = unmark(text.split('\n', 1)[0]!).trim();
  if (/^<(?:Media omitted|媒体已省略|省略媒体|媒体文件已省略|已省略媒体|省略影音內容)>$/i.test(first)) return 'media';
  let m = /^<(?:attached|附件)\s*[:：]\s*(.+)>$/i.exec(first);
  if (m) return kindOfWord(m[1]!) ?? kindOfFile(m[1]!) ?? 'document';
  m = /^(.+?)\s*\((?:file attached|文件已附上|附件)\)$/i.exec(first);
  if (m) return kindOfFile(m[1]!) ?? 'media';
  m = /^(?:.*\s)?(image|photo|video|audio|sticker|document|GIF)\s+omitted$/i.exec(first);
  if (m) return kindOfWord(m[1]!) ?? 'media';
  m = /^(图片|照片|视频|音频|语音|贴纸|贴图|文档|文件)已(?:忽略|省略)$/.exec(first);
  if (m) return kindOfWord(m[1]!);
  return null;
}

const DELETED = /^(?:This message was deleted|You deleted this message|此消息已删除|此消息已被删除|该消息已删除|你删除了此消息|您删除了此消息)\.?$/i;
const EDITED = /[ \u00a0\u202f]*[\u200e\u200f]*<(?:This message was edited|已编辑|此消息已编辑)>$/i;

/** A message's text without the export's marks, and what the placeholders in it say. */
function messageOf(raw: string): { text: string; extra: Record<string, unknown> } {
  let text = raw.replace(/^[\u200e\u200f]+/, '');
  const extra: Record<string, unknown> = {};
  if (EDITED.test(text)) {
    text = text.replace(EDITED, '');
    extra.edited = true;
  }
  const media = mediaOf(text);
  if (media) extra.media = media;
  if (DELETED.test(unmark(text).trim())) extra.deleted = true;
  return { text, extra };
}

// ---- The reader ---------------------------------------------------------------------------------------------

/** What the first pass learns: the day/month order and the chat. */
interface Survey {
  dayFirst: boolean;
  chat: ChatInfo;
}

const NOT_WHATSAPP = 'no WhatsApp timestamp ("DD/MM/YYYY, HH:MM - " or "[DD/MM/YYYY, HH:MM:SS] ") at the start: not a WhatsApp chat export';

/** The chat's name from the file name: `WhatsApp Chat with 茶友会.txt` → `茶友会`. */
const nameOfFile = (file: string) =>
  path.basename(file).replace(/\.txt$/i, '').replace(/^WhatsApp Chat (?:with |- |- with )/i, '').replace(/^与(.+)的 ?WhatsApp 聊天$/, '$1').trim() || path.basename(file);

async function survey(file: string): Promise<Survey> {
  const order = new DateOrder();
  let started = false;
  let created: string | null = null;
  let subject: string | null = null;
  let iosName: string | null = null;
  let groupish = false;
  const senders = new Set<string>();
  for await (const { n, text } of linesOf(file)) {
    const st = stampOf(text);
    if (!started) {
      if (!text.trim()) continue;
      if (!st) throw new ExportError(file, `line ${n}`, NOT_WHATSAPP);
      started = true;
    }
    if (!st) continue;
    order.see(st);
    const s = said(st.rest);
    if (s.type === 'message') {
      if (senders.size < 3) senders.add(s.from.id ?? `name:${s.from.name}`);
      continue;
    }
    if (s.type === 'ios-system') iosName ??= s.author;
    const { event, kind } = s.sys;
    if (kind !== 'service' || GROUP_EVENTS.has(event)) groupish = true;
    const title = typeof s.sys.extra.title === 'string' ? s.sys.extra.title : null;
    if (event === 'create_group' && title !== null) created ??= title;
    if (event === 'change_subject' && title !== null) subject = title;
  }
  if (!started) throw new ExportError(file, 'line 1', 'an empty file: not a WhatsApp chat export');
  // The creation's name is the one the group had longest; re-exports after a rename still agree on it.
  const name = created ?? subject ?? iosName ?? nameOfFile(file);
  return {
    dayFirst: order.dayFirst,
    chat: { id: `name:${name}`, name, kind: !groupish && senders.size <= 2 ? 'private' : 'group', left: false },
  };
}

/** A timestamped line and the lines that continue it, until the next timestamp. */
interface Entry {
  line: number;
  at: number | string;
  said: Said;
  more: string[];
}

/** Reads a WhatsApp "Export chat" text file; yields its chat, then its records in file order. Throws ExportError for a file it cannot read. */
export async function* readWhatsApp(file: string, opts: WhatsAppOptions): AsyncGenerator<ChatRecord> {
  const { dayFirst, chat } = await survey(file);
  yield { type: 'chat', chat };
  const chatId = chat.id;
  const counts = new Occurrences();

  const recordOf = (e: Entry): ChatRecord => {
    const where = `line ${e.line}`;
    if (typeof e.at === 'string') return { type: 'skip', chatId, reason: `a timestamp that is not a time: ${e.at}`, where };
    const at = zonedToUtc(e.at, opts.timezone);
    const more = [...e.more];
    // The file's last newlines (and blank lines before the next stamp) are the export's, not the message's.
    while (more.length && !more[more.length - 1]!.trim()) more.pop();
    // Keyed by the wall-clock time as written, not the converted instant: importing the file again with
    // another --timezone must find the same messages, not add them twice.
    const wall = e.at;
    const id = (sender: string, text: string) => contentId(wall, sender, text, counts);
    if (e.said.type === 'message') {
      const { text, extra } = messageOf([e.said.text, ...more].join('\n'));
      const from = e.said.from;
      return { type: 'message', chatId, id: id(from.id ?? `name:${from.name}`, text), at, where, from, text, extra };
    }
    const { kind, event, actor, members, extra } = e.said.sys;
    const text = [e.said.text, ...more].join('\n');
    return { type: 'service', chatId, id: id('system', text), at, where, kind, event, actor, members, extra: { ...extra, text } };
  };

  let pending: Entry | null = null;
  for await (const { n, text } of linesOf(file)) {
    const st = stampOf(text);
    if (!st) {
      // Before the first stamp only blank lines can come (the survey checked); after it, a continuation.
      pending?.more.push(text);
      continue;
    }
    if (pending) yield recordOf(pending);
    pending = { line: n, at: wallOf(st, dayFirst), said: said(st.rest), more: [] };
  }
  if (pending) yield recordOf(pending);
}
