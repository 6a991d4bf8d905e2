// WeChat chat history as the PC-database exporters write it to CSV (留痕, WeChatMsg/MemoTrace), read as a
// stream. Format (from the exporters' source): UTF-8 with BOM, header
// `localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender`, one row
// per message of the PC database's MSG table: CreateTime in Unix seconds, StrTime the same in local time,
// TalkerId the chat (`…@chatroom` for groups), Sender the sender's wxid (empty, `我` or the owner's wxid for the
// owner's rows, IsSender=1), Remark/NickName display names; Type 1 text, 3 image, 34 voice, 43 video,
// 47 sticker, 49 app messages (links, files, mini-programs, quotes, told apart by SubType), 10000 system lines
// (joins, removals, renames), 10002 system XML (recalls). Versions differ in case and in extra or missing
// columns, and per-contact exports of one-to-one chats leave out the last three, so columns go by name.
import { Readable } from 'node:stream';
import { CsvError, parse, type Options } from 'csv-parse';
import { parseLocalDateTime } from '../kernel/time.ts';
import { ExportError, type ChatInfo, type ChatRecord, type Person } from './chat-records.ts';
import { contentId, Occurrences } from './message-key.ts';
import { fileStem, readTextLines } from './text-file.ts';

export interface WeChatOptions {
  /** The zone of StrTime, for rows without a CreateTime. */
  timezone: string;
}

type Column = 'localid' | 'talker' | 'type' | 'subtype' | 'issender' | 'createtime' | 'strtime' | 'strcontent' | 'remark' | 'nickname' | 'sender';

/** Header names (lowercased) of each column; StrTalker (the chat's wxid, some versions) is preferred to TalkerId. */
const NAMES: Record<Column, string[]> = {
  localid: ['localid'], talker: ['strtalker', 'talkerid', 'talker'], type: ['type'], subtype: ['subtype'], issender: ['issender'],
  createtime: ['createtime'], strtime: ['strtime'], strcontent: ['strcontent'], remark: ['remark'], nickname: ['nickname'], sender: ['sender'],
};

type Columns = Partial<Record<Column, number>>;

function columnsOf(header: string[]): Columns {
  const at = new Map<string, number>();
  header.forEach((h, i) => {
    const k = h.trim().toLowerCase();
    if (!at.has(k)) at.set(k, i);
  });
  const cols: Columns = {};
  for (const [col, names] of Object.entries(NAMES) as [Column, string[]][]) {
    const i = names.map((n) => at.get(n)).find((x) => x !== undefined);
    if (i !== undefined) cols[col] = i;
  }
  return cols;
}

/** The columns a WeChat CSV cannot do without, named as the exporters write them. */
function missingColumns(c: Columns): string[] {
  const missing: string[] = [];
  if (c.createtime === undefined && c.strtime === undefined) missing.push('CreateTime or StrTime');
  if (c.strcontent === undefined) missing.push('StrContent');
  if (c.type === undefined) missing.push('Type');
  if (c.sender === undefined && c.issender === undefined) missing.push('Sender or IsSender');
  return missing;
}

const MEDIA: Record<number, string> = { 3: 'image', 34: 'voice', 43: 'video', 47: 'sticker', 42: 'contact_card', 48: 'location', 50: 'call' };
/** Type 49's SubType (or the `<type>` of its XML): what the app message is. 57 is a quote, i.e. a reply, not media. */
const APP_MEDIA: Record<number, string> = {
  3: 'music', 4: 'link', 5: 'link', 6: 'file', 8: 'sticker', 19: 'chat_history', 33: 'mini_program', 36: 'mini_program', 51: 'channels', 2000: 'transfer', 2001: 'red_packet',
};
const SYSTEM = 10000;
const SYSTEM_XML = 10002;

const self = (): Person => ({ id: 'self', name: '我' });

const unescapeXml = (s: string) =>
  s.replace(/&(lt|gt|quot|apos|amp|#\d+|#x[0-9a-f]+);/gi, (all, e: string) => {
    const named: Record<string, string> = { lt: '<', gt: '>', quot: '"', apos: "'", amp: '&' };
    if (named[e.toLowerCase()]) return named[e.toLowerCase()]!;
    const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
    return Number.isFinite(code) ? String.fromCodePoint(code) : all;
  });

/** The text of the first `<name>` element (CDATA or escaped text), or null. */
function tag(xml: string, name: string): string | null {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>\\s*(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([\\s\\S]*?))\\s*</${name}>`).exec(xml);
  if (!m) return null;
  const v = m[1] ?? unescapeXml(m[2] ?? '');
  return v.trim() || null;
}

const looksXml = (s: string) => /^\s*(<\?xml|<msg[\s>]|<sysmsg[\s>]|<appmsg[\s>])/.test(s);

/** A system message's text: plain in most versions; newer ones write XML (`revokemsg`, `sysmsgtemplate`). */
function systemText(content: string): string {
  if (!looksXml(content)) return content.trim();
  const replaced = tag(content, 'replacemsg') ?? tag(content, 'content');
  if (replaced) return replaced;
  const template = tag(content, 'template');
  if (!template) return content.trim();
  // `"$username$"邀请"$names$"加入了群聊`: each $link$ is a list of members, named by their nicknames.
  const links = new Map<string, string>();
  for (const l of content.matchAll(/<link\s+name="([^"]+)"[^>]*>([\s\S]*?)<\/link>/g)) {
    const nicks = [...l[2]!.matchAll(/<nickname>\s*(?:<!\[CDATA\[([\s\S]*?)\]\]>|([\s\S]*?))\s*<\/nickname>/g)].map((n) => (n[1] ?? unescapeXml(n[2] ?? '')).trim());
    links.set(l[1]!, nicks.filter(Boolean).join('、'));
  }
  return template.replace(/\$(\w+)\$/g, (all, k: string) => links.get(k) ?? all);
}

interface SystemEvent {
  kind: 'join' | 'leave' | 'service';
  event: string;
  actor: Person | null;
  members: Person[];
  extra: Record<string, unknown>;
}

/** `你` is the owner; `"张三"` a person by name (system lines never carry wxids). */
const who = (s: string): Person => (s === '你' ? self() : { id: null, name: s.replace(/^["“]|["”]$/g, '') });
/** The people of `"李四、王五"`, `你和"李四"`: every quoted name (several joined by 、) and `你`. */
function peopleIn(s: string): Person[] {
  const out: Person[] = [];
  for (const q of s.matchAll(/["“]([^"“”]+)["”]/g)) for (const n of q[1]!.split('、')) if (n.trim()) out.push({ id: null, name: n.trim() });
  if (s.replace(/["“][^"“”]+["”]/g, '').includes('你')) out.unshift(self());
  return out;
}

const P = '(你|["“][^"“”]+["”])';
const SYSTEM_LINES: [RegExp, (m: RegExpExecArray) => SystemEvent][] = [
  [new RegExp(`^${P}邀请(.+?)加入了群聊`), (m) => ({ kind: 'join', event: 'invite', actor: who(m[1]!), members: peopleIn(m[2]!), extra: {} })],
  [new RegExp(`^${P}通过扫描${P}分享的二维码加入群聊`), (m) => ({ kind: 'join', event: 'join_qrcode', actor: who(m[1]!), members: [who(m[1]!)], extra: { inviter: who(m[2]!).name } })],
  [new RegExp(`^${P}将(.+?)移出了?群聊`), (m) => ({ kind: 'leave', event: 'remove', actor: who(m[1]!), members: peopleIn(m[2]!), extra: {} })],
  [new RegExp(`^你被${P}移出了?群聊`), (m) => ({ kind: 'leave', event: 'remove', actor: who(m[1]!), members: [self()], extra: {} })],
  [new RegExp(`^${P}修改群名为["“](.*)["”]\\s*$`), (m) => ({ kind: 'service', event: 'rename', actor: who(m[1]!), members: [], extra: { title: m[2]! } })],
  [new RegExp(`^${P}(?:退出|离开)了?群聊`), (m) => ({ kind: 'leave', event: 'leave', actor: who(m[1]!), members: [who(m[1]!)], extra: {} })],
  [new RegExp(`^${P}加入了?群聊`), (m) => ({ kind: 'join', event: 'join', actor: who(m[1]!), members: [who(m[1]!)], extra: {} })],
  [new RegExp(`^${P}\\s*撤回了一条消息`), (m) => ({ kind: 'service', event: 'recall', actor: who(m[1]!), members: [], extra: {} })],
];

function systemEvent(text: string): SystemEvent {
  for (const [re, make] of SYSTEM_LINES) {
    const m = re.exec(text);
    if (m) return make(m);
  }
  return { kind: 'service', event: 'system', actor: null, members: [], extra: {} };
}

/** Epoch ms of a row: CreateTime (Unix seconds; milliseconds in a few tools), else StrTime in the given zone. */
function timeOf(create: string, str: string, tz: string): number | null {
  const c = create.trim();
  if (/^\d{9,13}$/.test(c)) {
    const n = Number(c);
    return n >= 1e11 ? n : n * 1000;
  }
  return str.trim() ? parseLocalDateTime(str.trim(), tz) : null;
}

/** Text and extra of an app message (type 49): links, files, mini-programs, quotes; their XML when the export kept it. */
function appMessage(content: string, subType: number): { text: string; extra: Record<string, unknown> } {
  const xml = content.includes('<appmsg') ? content : null;
  const sub = subType || Number(xml ? tag(xml, 'type') ?? 0 : 0);
  const extra: Record<string, unknown> = { subType: sub };
  const miniProgram = sub === 33 || sub === 36 || (xml !== null && /<weappinfo[\s>]/.test(xml));
  if (miniProgram) {
    extra.media = 'mini_program';
    extra.miniProgram = true;
  } else if (sub === 57) extra.quote = true;
  else extra.media = APP_MEDIA[sub] ?? 'app';
  if (!xml) return { text: content, extra };
  const url = tag(xml, 'url');
  if (url) extra.url = url;
  const app = tag(xml, 'sourcedisplayname') ?? tag(xml, 'appname');
  if (app) extra.appName = app;
  const des = tag(xml, 'des');
  if (des) extra.description = des;
  return { text: tag(xml, 'title') ?? '', extra };
}

const CSV_REASONS: Partial<Record<string, string>> = {
  CSV_QUOTE_NOT_CLOSED: 'a quote opened in this record is never closed (the file may be cut short)',
  INVALID_OPENING_QUOTE: 'a quote in the middle of a value',
  CSV_INVALID_CLOSING_QUOTE: 'text right after a closing quote',
};

/** How many rows may wait for a one-to-one chat's name (a row from the other side) before it goes out unnamed. */
const NAME_LOOKAHEAD = 1000;

/** Reads a WeChat CSV export (留痕/WeChatMsg); yields its records in file order. Throws ExportError for a file it cannot read. */
export async function* readWeChat(file: string, opts: WeChatOptions): AsyncGenerator<ChatRecord> {
  // csv-parse sees LF line breaks only (CR LF inside quoted texts becomes LF too), so the line breaks in a
  // record's raw text count the lines it spans: `cursor` is the line the next record starts on.
  let cursor = 1;
  let sniffed = false;
  async function* text(): AsyncGenerator<string> {
    for await (const batch of readTextLines(file)) {
      let buf = '';
      for (const l of batch) {
        if (!sniffed && l.text.trim() !== '') {
          sniffed = true;
          if (/^\s*[[{]/.test(l.text)) throw new ExportError(file, `line ${l.line}`, 'a JSON file, not a WeChat CSV export (留痕/WeChatMsg)');
        }
        buf += `${l.text}\n`;
      }
      yield buf;
    }
  }

  const source = Readable.from(text());
  const parser = parse({
    raw: true, relax_column_count: true, skip_empty_lines: false, record_delimiter: '\n', bom: false, trim: false,
    on_record: ({ record, raw }: { record: string[]; raw: string }) => {
      const line = cursor;
      for (let i = raw.indexOf('\n'); i >= 0; i = raw.indexOf('\n', i + 1)) cursor++;
      return record.every((f) => f.trim() === '') ? null : { fields: record, line };
    },
  } as unknown as Options);
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);

  let cols: Columns | null = null;
  const chats = new Map<string, ChatInfo>();
  /** One-to-one chats whose name may still come (their chat record is in `out`, not yielded yet). */
  const unnamed = new Set<ChatInfo>();
  const out: ChatRecord[] = [];
  const seen = new Occurrences();
  const single = fileStem(file).replace(/_utf8$/, '');

  const row = (fields: string[], line: number) => {
    const c = cols!;
    const get = (col: Column) => (c[col] === undefined ? '' : (fields[c[col]!] ?? ''));
    const where = `line ${line}`;
    const talker = c.talker === undefined ? `name:${single}` : get('talker').trim();
    if (!talker) {
      out.push({ type: 'skip', chatId: null, reason: 'a row without a TalkerId', where });
      return;
    }
    const own = get('issender').trim() === '1';
    const remark = get('remark').trim();
    const nick = get('nickname').trim();
    let chat = chats.get(talker);
    if (!chat) {
      const name = c.talker === undefined ? single : talker;
      chat = { id: talker, name, kind: name.endsWith('@chatroom') ? 'group' : 'private', left: false };
      chats.set(talker, chat);
      out.push({ type: 'chat', chat });
      if (chat.kind === 'private' && (c.remark !== undefined || c.nickname !== undefined)) unnamed.add(chat);
    }
    // In a one-to-one chat the other side's rows carry the talker's names: the chat is named after them.
    if (!own && unnamed.has(chat) && (remark || nick)) {
      chat.name = remark || nick;
      unnamed.delete(chat);
    }

    const type = Number(get('type').trim());
    const subType = Number(get('subtype').trim()) || 0;
    const at = timeOf(get('createtime'), get('strtime'), opts.timezone);
    if (!Number.isInteger(type) || get('type').trim() === '') {
      out.push({ type: 'skip', chatId: chat.id, reason: `a row with Type ${JSON.stringify(get('type'))}`, where });
      return;
    }
    if (at === null) {
      out.push({ type: 'skip', chatId: chat.id, reason: `a row without a readable CreateTime or StrTime (${JSON.stringify(get('createtime') || get('strtime'))})`, where });
      return;
    }
    let content = get('strcontent');
    const localId = get('localid').trim();

    if (type === SYSTEM || type === SYSTEM_XML) {
      const t = systemText(content);
      const e = systemEvent(t);
      const id = localId ? idOf(chat.id, localId) : contentId(at, 'system', t, seen);
      out.push({ type: 'service', chatId: chat.id, id, at, where, kind: e.kind, event: e.event, actor: e.actor, members: e.members, extra: { ...e.extra, text: t } });
      return;
    }

    let from: Person;
    const sender = get('sender').trim();
    if (own) from = !sender || sender === '我' ? self() : { id: sender, name: nick || remark || sender };
    else if (sender) from = { id: sender, name: nick || remark || sender };
    else if (chat.kind === 'private') from = { id: chat.id, name: remark || nick || chat.name };
    else from = { id: null, name: nick || remark || '未知 Unknown' };
    // Databases of the phone app keep a group message's sender as a `wxid:` first line of its text.
    const prefix = chat.kind === 'group' && !own ? /^([A-Za-z][\w-]{2,}):\n/.exec(content) : null;
    if (prefix && (from.id === null || from.id === prefix[1])) {
      if (from.id === null) from = { id: prefix[1]!, name: nick || remark || prefix[1]! };
      content = content.slice(prefix[0].length);
    }

    let text = content;
    let extra: Record<string, unknown> = {};
    if (type === 49) ({ text, extra } = appMessage(content, subType));
    else if (MEDIA[type]) {
      extra.media = MEDIA[type];
      // Images, voices and videos hold their file's XML description, not text anyone wrote.
      if (looksXml(content)) text = '';
    } else if (type !== 1) extra.type = type;
    const id = localId ? idOf(chat.id, localId) : contentId(at, from.id ?? `name:${from.name}`, text, seen);
    out.push({ type: 'message', chatId: chat.id, id, at, where, from, text, extra });
  };

  /**
   * localId is unique per database file; an export joining two (MSG0.db, MSG1.db) can repeat one in a chat, and
   * the repeat gets `:n`. Numeric ids are kept as numbers per chat (a few bytes each) to tell.
   */
  const localIds = new Map<string, Map<number | string, number>>();
  const idOf = (chatId: string, localId: string) => {
    let ids = localIds.get(chatId);
    if (!ids) localIds.set(chatId, (ids = new Map()));
    const k = /^\d{1,15}$/.test(localId) ? Number(localId) : localId;
    const n = ids.get(k);
    if (n === undefined) {
      ids.set(k, 0);
      return localId;
    }
    ids.set(k, n + 1);
    return `${localId}:${n + 1}`;
  };

  try {
    for await (const r of parser as AsyncIterable<{ fields: string[]; line: number }>) {
      if (!cols) {
        const c = columnsOf(r.fields);
        const missing = missingColumns(c);
        if (missing.length) {
          throw new ExportError(file, `line ${r.line}`, `not a WeChat CSV export (留痕/WeChatMsg): the header has no ${missing.join(', ')} column (found ${JSON.stringify(r.fields.slice(0, 6).join(','))})`);
        }
        cols = c;
        continue;
      }
      row(r.fields, r.line);
      if (unnamed.size && out.length < NAME_LOOKAHEAD) continue;
      unnamed.clear();
      yield* out.splice(0);
    }
  } catch (e) {
    if (e instanceof ExportError) throw e;
    if (e instanceof CsvError) throw new ExportError(file, `line ${cursor}`, `malformed CSV: ${CSV_REASONS[e.code] ?? e.message.replace(/ at line \d+.*$/, '')}`);
    throw e;
  } finally {
    source.destroy();
    parser.destroy();
  }
  yield* out.splice(0);
  if (!sniffed) throw new ExportError(file, 'line 1', 'the file has no text');
}
