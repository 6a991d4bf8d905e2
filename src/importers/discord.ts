// DiscordChatExporter (Tyrrrz) exports of one channel, read as a stream: `--format Json` or `--format Csv`.
// JSON (JsonMessageWriter): {guild: {id, name}, channel: {id, type, name, …}, dateRange, exportedAt,
// messages: [{id, type, timestamp, timestampEdited, callEndedTimestamp, isPinned, content, author: {id, name,
// nickname, isBot, …}, attachments: [{fileName, …}], stickers, reactions, mentions, reference: {messageId, …}}],
// messageCount}. The exporter writes guild and channel before the messages, so a file of hundreds of MB is read
// one message at a time and the chat is known before its first message. `type` is the MessageKind's name
// (a number for kinds the exporter's version did not know); system messages carry a fallback text as content.
// CSV (CsvMessageWriter): header `AuthorID,Author,Date,Content,Attachments,Reactions`, every field quoted, one
// row per message. It has no ids for messages or the channel, and its Date is the exporter's date format: ISO
// with an offset in current versions, a local reading without a zone (`2023-01-05 10:22 PM`,
// `05-Jan-23 10:22 PM`, `01/05/2023 10:22 PM`) in older ones. System messages are rows whose content is their
// fallback text ("Joined the server.", "Pinned a message.", …).
import fs from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { CsvError, parse, type Options } from 'csv-parse';
import { parseLocalDateTime } from '../kernel/time.ts';
import { ExportError, type ChatInfo, type ChatKind, type ChatRecord, type Person, type ServiceRecord } from './chat-records.ts';
import { SliceError, sliceJson } from './json-slicer.ts';

export interface DiscordOptions {
  /** The zone of CSV dates written without an offset (the computer's that exported them). */
  timezone: string;
}

type Raw = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
const obj = (v: unknown): Raw | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : null);
const list = (v: unknown): Raw[] => (Array.isArray(v) ? v.map(obj).filter((x): x is Raw => x !== null) : []);

/** ChannelKind names (and the API's numbers, for exports that wrote them) that are not a plain group. */
const KINDS: Record<string, ChatKind> = {
  DirectTextChat: 'private', 1: 'private', DirectGroupTextChat: 'group', 3: 'group',
  GuildNews: 'channel', GuildNewsThread: 'channel', GuildAnnouncement: 'channel', GuildAnnouncementThread: 'channel', 5: 'channel', 10: 'channel',
};

/** MessageKind by the API's number: an exporter older than the kind writes the number instead of the name. */
const KIND_NAMES: Record<string, string> = {
  0: 'Default', 1: 'RecipientAdd', 2: 'RecipientRemove', 3: 'Call', 4: 'ChannelNameChange', 5: 'ChannelIconChange', 6: 'ChannelPinnedMessage',
  7: 'GuildMemberJoin', 8: 'GuildBoost', 9: 'GuildBoostTier1', 10: 'GuildBoostTier2', 11: 'GuildBoostTier3', 12: 'ChannelFollowAdd',
  18: 'ThreadCreated', 19: 'Reply', 20: 'ChatInputCommand', 21: 'ThreadStarterMessage', 23: 'ContextMenuCommand', 46: 'PollResult',
};
/** Kinds someone wrote (slash-command answers are a bot's messages too); every other kind is a system event. */
const MESSAGES = new Set(['Default', 'Reply', 'ChatInputCommand', 'ContextMenuCommand']);
const JOINS = new Set(['GuildMemberJoin', 'RecipientAdd']);
const LEAVES = new Set(['RecipientRemove']);

const IMAGE = /\.(?:png|jpe?g|gif|webp|bmp|tiff?|heic|heif|avif|svg)$/i;
const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

// ---------------------------------------------------------------------------------------------------------------
// Dates.

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
/** The exporter's older date formats: `2023-01-05 10:22 PM`, `01/05/2023 10:22 PM` (US order), `05-Jan-23 10:22 PM`. */
const LOCAL_DATE =
  /^(?:(\d{4})-(\d{1,2})-(\d{1,2})|(\d{1,2})\/(\d{1,2})\/(\d{4})|(\d{1,2})-([a-z]{3})-(\d{2}|\d{4}))[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$/i;

/** Epoch ms of a date as the exporter writes it; a reading without an offset is in `tz`. Null if unreadable. */
export function discordDate(text: string, tz: string): number | null {
  const t = text.trim();
  const iso = parseLocalDateTime(t, tz);
  if (iso !== null) return iso;
  const m = LOCAL_DATE.exec(t);
  if (!m) return null;
  let y: number, mo: number, d: number;
  if (m[1]) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if (m[4]) [y, mo, d] = [Number(m[6]), Number(m[4]), Number(m[5])];
  else {
    mo = MONTHS.indexOf(m[8]!.toLowerCase()) + 1;
    if (mo === 0) return null;
    d = Number(m[7]);
    y = m[9]!.length === 2 ? 2000 + Number(m[9]) : Number(m[9]);
  }
  let h = Number(m[10]);
  const period = m[13]?.toLowerCase()[0];
  if (period) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (period === 'p' ? 12 : 0);
  }
  const pad = (n: number) => String(n).padStart(2, '0');
  return parseLocalDateTime(`${y}-${pad(mo)}-${pad(d)} ${pad(h)}:${m[11]}:${m[12] ?? '00'}`, tz);
}

// ---------------------------------------------------------------------------------------------------------------
// The file: which of the two formats, or neither.

const CSV_HEADER = /^"?AuthorID"?,"?Author"?,"?Date"?,"?Content"?/i;
const SNIFF_BYTES = 1 << 16;

async function sniff(file: string): Promise<'json' | 'csv'> {
  let fh: fs.promises.FileHandle;
  try {
    if ((await fs.promises.stat(file)).isDirectory()) throw new ExportError(file, 'byte 0', 'is a folder, not a DiscordChatExporter export file');
    fh = await fs.promises.open(file, 'r');
  } catch (e) {
    if (e instanceof ExportError) throw e;
    throw new ExportError(file, 'byte 0', `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    if (bytesRead === 0) throw new ExportError(file, 'byte 0', 'the file is empty');
    // Text never holds NUL; images, archives, databases and UTF-16 text do, early on.
    const nul = head.indexOf(0);
    if (nul >= 0) throw new ExportError(file, `byte ${nul}`, 'the file holds binary data (a NUL byte), not a DiscordChatExporter export');
    let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
    while (i < head.length && (head[i] === 0x20 || head[i] === 0x0a || head[i] === 0x0d || head[i] === 0x09)) i++;
    if (i === head.length) throw new ExportError(file, `byte ${i}`, 'the file is empty (blank space only)');
    if (head[i] === 0x7b) return 'json';
    const eol = head.indexOf(0x0a, i);
    const line = head.toString('utf8', i, eol < 0 ? head.length : eol).trimEnd();
    if (CSV_HEADER.test(line)) return 'csv';
    const what = head[i] === 0x5b ? 'a JSON array' : head[i] === 0x3c ? 'an HTML or XML file' : `a file starting with ${JSON.stringify(line.slice(0, 40))}`;
    throw new ExportError(file, `byte ${i}`, `${what}, not a DiscordChatExporter export (export with --format Json or --format Csv)`);
  } finally {
    await fh.close();
  }
}

/** Reads a DiscordChatExporter export (JSON or CSV) of one channel; yields its records in file order. Throws ExportError for a file it cannot read. */
export async function* readDiscord(file: string, opts: DiscordOptions): AsyncGenerator<ChatRecord> {
  if ((await sniff(file)) === 'json') yield* readJson(file, opts);
  else yield* readCsv(file, opts);
}

// ---------------------------------------------------------------------------------------------------------------
// JSON.

/** The person a user object names: a server nickname wins over the account name, as Discord shows it. */
function personOf(u: Raw | null): Person | null {
  if (!u) return null;
  const id = str(u.id);
  const name = [u.nickname, u.name].find((n): n is string => typeof n === 'string' && n.trim() !== '')?.trim();
  if (!id && !name) return null;
  return { id, name: name ?? id! };
}

function chatOf(file: string, guild: Raw | null, channel: Raw | null, first: Raw, offset: number): ChatInfo {
  if (!channel) {
    // A message with author and timestamp is the exporter's: the file was written (or edited) in another order.
    const reason = obj(first.author) && typeof first.timestamp === 'string'
      ? '"messages" come before "channel": this reader needs guild and channel first, as DiscordChatExporter writes them'
      : 'messages without "author" and "timestamp" and no "channel" before them: not a DiscordChatExporter JSON export';
    throw new ExportError(file, `byte ${offset}`, reason);
  }
  const id = str(channel.id);
  if (!id) throw new ExportError(file, `byte ${offset}`, 'a "channel" without an "id": not a DiscordChatExporter JSON export');
  const channelName = str(channel.name)?.trim() || id;
  const guildName = str(guild?.name)?.trim();
  // DMs and group DMs sit in the exporter's pseudo-guild "Direct Messages" (id 0): the channel is all there is to name.
  const direct = !guildName || str(guild?.id) === '0' || guildName === 'Direct Messages';
  return { id, name: direct ? channelName : `${guildName} #${channelName}`, kind: KINDS[str(channel.type) ?? ''] ?? 'group', left: false };
}

function mediaExtra(extra: Raw, fileNames: string[], sticker: string | null) {
  if (fileNames.length) {
    extra.media = fileNames.some((n) => IMAGE.test(n)) ? 'image' : 'file';
    extra.attachments = fileNames;
  } else if (sticker !== null) {
    extra.media = 'sticker';
    extra.sticker = sticker;
  }
}

function jsonRecord(m: Raw, chatId: string, where: string, tz: string): ChatRecord {
  const id = str(m.id);
  const at = typeof m.timestamp === 'string' ? discordDate(m.timestamp, tz) : null;
  if (!id || at === null) return { type: 'skip', chatId, reason: !id ? 'a message without an id' : `a message without a readable timestamp (${JSON.stringify(m.timestamp ?? null)})`, where };
  const rawType = str(m.type) ?? 'Default';
  const type = KIND_NAMES[rawType] ?? rawType;
  const author = personOf(obj(m.author));
  const reference = obj(m.reference);
  const mentions = list(m.mentions).map(personOf).filter((p): p is Person => p !== null);
  const content = str(m.content) ?? '';

  if (!MESSAGES.has(type)) {
    const kind = JOINS.has(type) ? 'join' : LEAVES.has(type) ? 'leave' : 'service';
    // RecipientAdd/Remove mention whom the author added or removed; a join or a leave without one is the author's own.
    const members = kind === 'service' ? [] : mentions.length ? mentions : author ? [author] : [];
    const extra: Raw = {};
    if (type === 'ChannelPinnedMessage' && str(reference?.messageId)) extra.messageId = str(reference!.messageId);
    if (type === 'ChannelNameChange' && content.trim()) extra.title = content;
    if (type === 'Call' && typeof m.callEndedTimestamp === 'string') {
      const ended = discordDate(m.callEndedTimestamp, tz);
      if (ended !== null) extra.endedAt = ended;
    }
    return { type: 'service', chatId, id, at, where, kind, event: snake(type), actor: author, members, extra };
  }

  const extra: Raw = {};
  if (type === 'Reply' && str(reference?.messageId)) extra.replyTo = str(reference!.messageId);
  const fileNames = list(m.attachments).map((a) => str(a.fileName) ?? '').filter((n) => n !== '');
  const stickers = list(m.stickers);
  mediaExtra(extra, fileNames, stickers.length ? (str(stickers[0]!.name) ?? '') : null);
  if (obj(m.author)?.isBot === true) extra.bot = true;
  if (typeof m.timestampEdited === 'string') {
    const edited = discordDate(m.timestampEdited, tz);
    if (edited !== null) extra.editedAt = edited;
  }
  const mentioned = mentions.map((p) => p.id).filter((x): x is string => x !== null);
  if (mentioned.length) extra.mentions = mentioned;
  if (m.isPinned === true) extra.pinned = true;
  return { type: 'message', chatId, id, at, where, from: author ?? { id: null, name: 'Unknown' }, text: content, extra };
}

async function* readJson(file: string, opts: DiscordOptions): AsyncGenerator<ChatRecord> {
  let guild: Raw | null = null;
  let channel: Raw | null = null;
  let chat: ChatInfo | null = null;
  const events = sliceJson(fs.createReadStream(file, { highWaterMark: 1 << 18 }), {
    wants: (p) => (p.length === 1 && (p[0] === 'guild' || p[0] === 'channel')) || (p.length === 2 && p[0] === 'messages' && p[1] === '*'),
  });
  try {
    for await (const e of events) {
      if (e.type !== 'value') continue;
      if (e.path.length === 1) {
        const v = obj(e.value);
        if (!v) throw new ExportError(file, `byte ${e.offset}`, `"${String(e.path[0])}" is not an object: not a DiscordChatExporter JSON export`);
        if (e.path[0] === 'guild') guild = v;
        else channel = v;
        continue;
      }
      const m = obj(e.value);
      if (!m) throw new ExportError(file, `byte ${e.offset}`, 'a message that is not an object');
      if (!chat) {
        chat = chatOf(file, guild, channel, m, e.offset);
        yield { type: 'chat', chat };
      }
      yield jsonRecord(m, chat.id, `byte ${e.offset}`, opts.timezone);
    }
  } catch (e) {
    if (e instanceof SliceError) throw new ExportError(file, `byte ${e.offset}`, e.reason);
    throw e;
  }
  if (chat) return;
  // A channel exported with no messages in the date range is still a chat; a file with no channel is not an export.
  if (!channel) throw new ExportError(file, 'byte 0', 'no "channel" and no "messages": not a DiscordChatExporter JSON export');
  yield { type: 'chat', chat: chatOf(file, guild, channel, {}, 0) };
}

// ---------------------------------------------------------------------------------------------------------------
// CSV.

/** A line longer than this is not a CSV row a chat export writes, and holding it would cost the memory of a file. */
const MAX_LINE_BYTES = 64 << 20;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The file's text in whole lines with CR LF made LF (csv-parse then counts lines by LF alone), decoded strictly:
 * a NUL byte or bytes that are not UTF-8 stop the read with where they are.
 */
async function* csvText(file: string): AsyncGenerator<string> {
  let pending: Buffer = Buffer.alloc(0);
  let offset = 0; // file offset of pending[0]
  let line = 1; // the line pending starts on
  const decode = (bytes: Buffer): string => {
    try {
      return utf8.decode(bytes);
    } catch {
      // Name the line: decode line by line until the bad one (0x0a is never inside a multi-byte sequence).
      let n = line;
      for (let s = 0; s < bytes.length; n++) {
        const e = bytes.indexOf(0x0a, s);
        const end = e < 0 ? bytes.length : e + 1;
        try {
          utf8.decode(bytes.subarray(s, end));
        } catch {
          break;
        }
        s = end;
      }
      throw new ExportError(file, `line ${n}`, 'bytes that are not UTF-8: not a DiscordChatExporter export (it writes UTF-8)');
    }
  };
  const lines = (bytes: Buffer): string => {
    const text = decode(bytes).replace(/\r\n/g, '\n');
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) line++;
    return text;
  };
  for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 18 }) as AsyncIterable<Buffer>) {
    const nul = chunk.indexOf(0);
    if (nul >= 0) throw new ExportError(file, `byte ${offset + pending.length + nul}`, 'the file holds binary data (a NUL byte), not a DiscordChatExporter export');
    const buf = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    const cut = buf.lastIndexOf(0x0a) + 1;
    if (cut === 0) {
      if (buf.length > MAX_LINE_BYTES) throw new ExportError(file, `line ${line}`, `a line longer than ${MAX_LINE_BYTES >> 20} MiB: not a DiscordChatExporter CSV export`);
      pending = buf;
      continue;
    }
    const text = lines(buf.subarray(0, cut));
    offset += cut;
    pending = buf.subarray(cut);
    yield text;
  }
  if (pending.length) yield lines(pending);
}

type Column = 'authorid' | 'author' | 'date' | 'content' | 'attachments';

function columnsOf(header: string[]): Partial<Record<Column, number>> {
  const cols: Partial<Record<Column, number>> = {};
  header.forEach((h, i) => {
    const k = h.trim().toLowerCase() as Column;
    if (['authorid', 'author', 'date', 'content', 'attachments'].includes(k) && cols[k] === undefined) cols[k] = i;
  });
  return cols;
}

/** The fallback texts the exporter writes as the content of system messages, and the event each stands for. */
const CSV_EVENTS: { re: RegExp; type: string; members?: (m: RegExpExecArray) => string | null }[] = [
  { re: /^Joined the server\.$/, type: 'GuildMemberJoin' },
  { re: /^(?:Added (.+) to the group|Added a recipient)\.$/s, type: 'RecipientAdd', members: (m) => m[1] ?? null },
  { re: /^(?:Removed (.+) from the group|Removed a recipient|Left the group)\.$/s, type: 'RecipientRemove', members: (m) => m[1] ?? null },
  { re: /^Started a call that lasted [\d,.]+ minutes\.$/, type: 'Call' },
  { re: /^Changed the channel name(?:\.|: .+)$/s, type: 'ChannelNameChange' },
  { re: /^Changed the channel icon\.$/, type: 'ChannelIconChange' },
  { re: /^Pinned a message\.$/, type: 'ChannelPinnedMessage' },
  { re: /^Started a thread\.$/, type: 'ThreadCreated' },
];

/**
 * How often a (time, sender, text) key was seen before: the n-th repeat gets n in its id. Rows run in time order,
 * so only the keys of the latest 4,096 distinct times are kept: memory stays flat on a file of millions of rows.
 */
class Occurrences {
  private readonly byTime = new Map<number, Map<string, number>>();
  next(at: number, key: string): number {
    let keys = this.byTime.get(at);
    if (!keys) {
      keys = new Map();
      this.byTime.set(at, keys);
      if (this.byTime.size > 4096) this.byTime.delete(this.byTime.keys().next().value!);
    }
    const n = keys.get(key) ?? 0;
    keys.set(key, n + 1);
    return n;
  }
}

/** The file name of an attachment URL (the exporter writes URLs, or local paths with --media). */
function fileNameOf(url: string): string {
  const base = url.split(/[?#]/)[0]!.split(/[/\\]/).pop() ?? '';
  try {
    return decodeURIComponent(base);
  } catch {
    return base;
  }
}

function csvRecord(fields: string[], cols: Partial<Record<Column, number>>, chatId: string, where: string, tz: string, seen: Occurrences): ChatRecord {
  const get = (c: Column) => (cols[c] === undefined ? '' : (fields[cols[c]!] ?? ''));
  const date = get('date');
  const at = discordDate(date, tz);
  if (at === null) return { type: 'skip', chatId, reason: `a row without a readable Date (${JSON.stringify(date)})`, where };
  const authorId = get('authorid').trim();
  const from: Person = { id: authorId || null, name: get('author').trim() || authorId || 'Unknown' };
  const content = get('content');
  const hash = createHash('sha1').update(content).digest('hex').slice(0, 12);
  const key = `${at}:${authorId}:${hash}`;
  const id = `${key}:${seen.next(at, key)}`;
  const urls = get('attachments').split(',').map((u) => u.trim()).filter((u) => u !== '');

  const event = urls.length ? undefined : CSV_EVENTS.map((ev) => ({ ev, m: ev.re.exec(content) })).find((x) => x.m);
  if (event) {
    const { type } = event.ev;
    const kind: ServiceRecord['kind'] = JOINS.has(type) ? 'join' : LEAVES.has(type) ? 'leave' : 'service';
    const named = event.ev.members?.(event.m!) ?? null;
    const members = kind === 'service' ? [] : named && named !== from.name ? [{ id: null, name: named }] : [from];
    const extra: Raw = type === 'ChannelNameChange' && content.startsWith('Changed the channel name: ') ? { title: content.slice(26) } : {};
    return { type: 'service', chatId, id, at, where, kind, event: snake(type), actor: from, members, extra };
  }
  const extra: Raw = {};
  mediaExtra(extra, urls.map(fileNameOf).filter((n) => n !== ''), null);
  return { type: 'message', chatId, id, at, where, from, text: content, extra };
}

const CSV_REASONS: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quote opened in this row is never closed (the file may be cut short)',
  INVALID_OPENING_QUOTE: 'a quote in the middle of a value',
  CSV_INVALID_CLOSING_QUOTE: 'text right after a closing quote',
};

async function* readCsv(file: string, opts: DiscordOptions): AsyncGenerator<ChatRecord> {
  const source = Readable.from(csvText(file));
  const parser = parse({ raw: true, relax_column_count: true, skip_empty_lines: false, record_delimiter: '\n', bom: true } as Options);
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);

  // The CSV names neither the channel nor its server: the file name (the exporter's "Guild - channel [id]") does.
  const stem = path.basename(file, path.extname(file));
  const chat: ChatInfo = { id: `name:${stem}`, name: stem, kind: 'group', left: false };
  let cols: Partial<Record<Column, number>> | null = null;
  const seen = new Occurrences();
  let cursor = 1; // the line the next row starts on
  try {
    for await (const { record, raw } of parser as AsyncIterable<{ record: string[]; raw: string }>) {
      const line = cursor;
      for (let i = raw.indexOf('\n'); i >= 0; i = raw.indexOf('\n', i + 1)) cursor++;
      if (record.every((f) => f.trim() === '')) continue;
      if (!cols) {
        cols = columnsOf(record);
        const missing = (['author', 'date', 'content'] as const).filter((c) => cols![c] === undefined);
        if (missing.length) throw new ExportError(file, `line ${line}`, `a header without ${missing.join(', ')}: not a DiscordChatExporter CSV export`);
        yield { type: 'chat', chat };
        continue;
      }
      yield csvRecord(record, cols, chat.id, `line ${line}`, opts.timezone, seen);
    }
  } catch (e) {
    if (e instanceof CsvError) throw new ExportError(file, `line ${cursor}`, CSV_REASONS[e.code] ?? e.message);
    throw e;
  } finally {
    source.destroy();
    parser.destroy();
  }
  if (!cols) throw new ExportError(file, 'line 1', 'no header: not a DiscordChatExporter CSV export');
}
