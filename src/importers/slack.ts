// Slack's workspace export (the .zip Slack gives, or that zip unpacked), read one day file at a time.
// Format (Slack's "Export your workspace data" help page and real exports): at the root, listings
// `channels.json` (public channels: [{id, name, created, members, topic, purpose, is_archived, …}]),
// `groups.json` (private channels), `mpims.json` (group DMs), `dms.json` (DMs: [{id, members}]), `users.json`
// (left out of some exports and of most copies people pass around), `integration_logs.json`; then one folder
// per conversation (a channel's `name`; DMs by id, group DMs by name) of day files `YYYY-MM-DD.json`, each an
// array of messages {type: 'message', subtype?, user, bot_id, username, text, ts, thread_ts, files, edited,
// user_profile}. `ts` (epoch seconds as a string, unique within a channel) is the message's id and time, so no
// time zone is needed. Texts keep Slack's markup (`<@U123>`, `<http://x|label>`).
import fs from 'node:fs';
import path from 'node:path';
import yauzl from 'yauzl';
import { ExportError, type ChatInfo, type ChatKind, type ChatRecord, type Person, type ServiceRecord } from './chat-records.ts';
import { SliceError, sliceJson } from './json-slicer.ts';

export interface SlackOptions {
  /** Accepted for the importers' common signature; Slack's `ts` is an instant, so no zone is needed. */
  timezone: string;
}

type Raw = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null);
const obj = (v: unknown): Raw | null => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : null);
const nonEmpty = (...vs: unknown[]): string | null => {
  for (const v of vs) if (typeof v === 'string' && v.trim() !== '') return v.trim();
  return null;
};

const DAY_FILE = /^\d{4}-\d{2}-\d{2}\.json$/;
/** A day file of a conversation folder: `<folder>/YYYY-MM-DD.json`. */
const DAY_PATH = /^([^/]+)\/(\d{4}-\d{2}-\d{2}\.json)$/;
const TS = /^\d+(?:\.\d+)?$/;

/** The listings in the order their conversations are read, and what kind of chat each lists. */
const LISTINGS: [string, ChatKind][] = [['channels.json', 'group'], ['groups.json', 'group'], ['mpims.json', 'group'], ['dms.json', 'private']];

const JOINS = new Set(['channel_join', 'group_join']);
const LEAVES = new Set(['channel_leave', 'group_leave']);
/** Subtypes that are someone's message (reply_broadcast and file_comment/file_mention: older exports' names). */
const MESSAGES = new Set(['bot_message', 'file_share', 'thread_broadcast', 'me_message', 'reply_broadcast', 'file_comment', 'file_mention', 'slackbot_response']);
const MENTION = /<@([UW][A-Z0-9]+)(?:\|([^>]*))?>/g;

// ---------------------------------------------------------------------------------------------------------------
// Where the export's files are: a folder, or a zip read entry by entry.

interface Source {
  /** The files of the export: paths relative to its root, `/`-separated (root files and `<folder>/<day>.json`). */
  names: string[];
  /** How `where` names a file: the zip entry's own path, or the path under the folder. */
  label(name: string): string;
  open(name: string): Promise<AsyncIterable<Uint8Array> & { destroy(): void }>;
  close(): void;
}

const errText = (e: unknown) => (e as NodeJS.ErrnoException).code ?? (e as Error).message;

async function folderSource(root: string): Promise<Source> {
  const names: string[] = [];
  for (const d of await fs.promises.readdir(root, { withFileTypes: true })) {
    if (d.isFile()) names.push(d.name);
    else if (d.isDirectory()) {
      for (const f of await fs.promises.readdir(path.join(root, d.name), { withFileTypes: true })) if (f.isFile() && DAY_FILE.test(f.name)) names.push(`${d.name}/${f.name}`);
    }
  }
  return {
    names,
    label: (n) => n,
    open: async (n) => fs.createReadStream(path.join(root, ...n.split('/')), { highWaterMark: 1 << 18 }),
    close: () => {},
  };
}

/**
 * The folder inside a zip that holds the export: the root as Slack writes it, or the one folder a re-zipped
 * copy put everything in.
 */
function zipRoot(names: string[]): string {
  if (names.some((n) => n === 'channels.json' || DAY_PATH.test(n))) return '';
  const listing = names.filter((n) => n.endsWith('/channels.json')).sort((a, b) => a.split('/').length - b.split('/').length)[0];
  if (listing) return listing.slice(0, -'channels.json'.length);
  const day = names.map((n) => /^([^/]+\/)[^/]+\/\d{4}-\d{2}-\d{2}\.json$/.exec(n)).find((m) => m);
  return day ? day[1]! : '';
}

async function zipSource(file: string): Promise<Source> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(file, { lazyEntries: true, autoClose: false });
  } catch (e) {
    throw new ExportError(file, 'byte 0', `not a readable .zip (${(e as Error).message})`);
  }
  // The central directory lists every entry up front: the listings can be read first wherever they sit in the zip.
  const entries = new Map<string, yauzl.Entry>();
  try {
    for await (const entry of zip.eachEntry()) {
      const n = entry.fileName;
      if (!n.endsWith('/') && !n.startsWith('__MACOSX/') && !path.posix.basename(n).startsWith('._')) entries.set(n, entry);
    }
  } catch (e) {
    zip.close();
    throw new ExportError(file, 'byte 0', `not a readable .zip (${(e as Error).message})`);
  }
  const root = zipRoot([...entries.keys()]);
  const names = [...entries.keys()].filter((n) => n.startsWith(root)).map((n) => n.slice(root.length));
  return {
    names,
    label: (n) => root + n,
    open: (n) => zip.openReadStreamPromise(entries.get(root + n)!),
    close: () => zip.close(),
  };
}

async function openSource(file: string): Promise<Source> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(file);
  } catch (e) {
    throw new ExportError(file, 'byte 0', `cannot read it (${errText(e)})`);
  }
  if (st.isDirectory()) {
    try {
      return await folderSource(file);
    } catch (e) {
      throw new ExportError(file, 'byte 0', `cannot read the folder (${errText(e)})`);
    }
  }
  const head = Buffer.alloc(4);
  try {
    const fh = await fs.promises.open(file, 'r');
    try {
      await fh.read(head, 0, 4, 0);
    } finally {
      await fh.close();
    }
  } catch (e) {
    throw new ExportError(file, 'byte 0', `cannot read it (${errText(e)})`);
  }
  // PK\3\4 starts a zip with entries, PK\5\6 (the end record) an empty one.
  if (head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6))) return zipSource(file);
  throw new ExportError(file, 'byte 0', st.size === 0 ? 'the file is empty: not a Slack export (a folder or a .zip)' : 'neither a folder nor a .zip: not a Slack export');
}

// ---------------------------------------------------------------------------------------------------------------
// The JSON files, each an array streamed one element at a time.

async function* jsonArray(file: string, src: Source, name: string): AsyncGenerator<{ value: unknown; offset: number }> {
  const where = (offset: number) => `${src.label(name)}: byte ${offset}`;
  let stream: AsyncIterable<Uint8Array> & { destroy(): void };
  try {
    stream = await src.open(name);
  } catch (e) {
    throw new ExportError(file, where(0), `cannot read it (${errText(e)})`);
  }
  let read = 0;
  let checked = false;
  // An object where an array belongs is another file of the same name (or another format): say so, not "no messages".
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for await (const c of stream) {
      if (!checked) {
        let i = 0;
        while (i < c.length && (c[i] === 0x20 || c[i] === 0x0a || c[i] === 0x0d || c[i] === 0x09)) i++;
        if (i < c.length) {
          checked = true;
          if (c[i] === 0x7b) throw new ExportError(file, where(read + i), 'a JSON object where Slack writes an array: not a Slack export file');
        }
      }
      read += c.length;
      yield c;
    }
  }
  try {
    for await (const e of sliceJson(chunks(), { wants: (p) => p.length === 1 && p[0] === '*' })) if (e.type === 'value') yield e;
  } catch (e) {
    if (e instanceof ExportError) throw e;
    if (e instanceof SliceError) throw new ExportError(file, where(e.offset), e.reason);
    throw new ExportError(file, where(read), `cannot read it (${errText(e)})`);
  } finally {
    stream.destroy();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// People.

/**
 * Names people by users.json when the export has it; else by what their messages carry (user_profile, or the
 * `<@U123|name>` label of older exports), learnt as the messages go by; else by their id.
 */
class People {
  readonly known = new Map<string, string>();
  private readonly learnt = new Map<string, string>();

  learn(id: string, name: string | null) {
    if (name && !this.known.has(id)) this.learnt.set(id, name);
  }

  person(id: string, fallback: string | null = null): Person {
    return { id, name: this.known.get(id) ?? this.learnt.get(id) ?? fallback ?? id };
  }
}

const profileName = (p: Raw | null) => (p ? nonEmpty(p.real_name, p.display_name, p.name) : null);

async function readUsers(file: string, src: Source, people: People) {
  for await (const { value } of jsonArray(file, src, 'users.json')) {
    const u = obj(value);
    const id = str(u?.id);
    if (!u || !id) continue;
    const p = obj(u.profile);
    const name = nonEmpty(p?.real_name, p?.display_name, u.real_name, u.name);
    if (name) people.known.set(id, name);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Conversations.

interface Conversation {
  chat: ChatInfo;
  /** The folder of its day files, if the export has one. */
  folder: string | null;
}

async function listed(file: string, src: Source, people: People, folders: Map<string, string[]>): Promise<Conversation[]> {
  const out: Conversation[] = [];
  const seen = new Set<string>();
  for (const [listing, kind] of LISTINGS) {
    if (!src.names.includes(listing)) continue;
    for await (const { value } of jsonArray(file, src, listing)) {
      const c = obj(value);
      const id = str(c?.id);
      if (!c || !id || seen.has(id)) continue;
      seen.add(id);
      const name = nonEmpty(c.name);
      // A DM has no name: it is named by the people in it.
      const members = Array.isArray(c.members) ? c.members.map(str).filter((m): m is string => m !== null) : [];
      const chatName = name ?? (members.length ? members.map((m) => people.person(m).name).join(', ') : id);
      const folder = [name, id].find((f): f is string => !!f && folders.has(f)) ?? null;
      out.push({ chat: { id, name: chatName, kind, left: false }, folder });
    }
  }
  return out;
}

/** A folder no listing names (a partial copy, or an export without the listings): named by the folder. */
function unlisted(folder: string): Conversation {
  const isId = /^[CDG][A-Z0-9]{6,}$/.test(folder);
  const kind: ChatKind = folder.startsWith('D') && isId ? 'private' : 'group';
  return { chat: { id: isId ? folder : `name:${folder}`, name: folder, kind, left: false }, folder };
}

// ---------------------------------------------------------------------------------------------------------------
// Messages.

const timeOf = (ts: string) => Math.round(Number(ts) * 1000);

function mentionsOf(text: string, people: People): string[] {
  const ids: string[] = [];
  for (const m of text.matchAll(MENTION)) {
    people.learn(m[1]!, nonEmpty(m[2]));
    if (!ids.includes(m[1]!)) ids.push(m[1]!);
  }
  return ids;
}

function senderOf(m: Raw, people: People): Person | null {
  const user = str(m.user);
  const profile = profileName(obj(m.user_profile));
  if (user) {
    people.learn(user, profile);
    return people.person(user, profile ?? nonEmpty(m.username));
  }
  // Bots (bot_message) often post without a user: the bot's id and the name it posted under.
  const bot = str(m.bot_id);
  if (bot) return { id: bot, name: nonEmpty(m.username, obj(m.bot_profile)?.name) ?? bot };
  const name = nonEmpty(m.username);
  return name ? { id: null, name } : null;
}

function serviceExtra(subtype: string, m: Raw): Raw {
  const extra: Raw = {};
  if (subtype === 'channel_topic' || subtype === 'group_topic') extra.topic = str(m.topic) ?? '';
  if (subtype === 'channel_purpose' || subtype === 'group_purpose') extra.purpose = str(m.purpose) ?? '';
  if (subtype === 'channel_name' || subtype === 'group_name') {
    extra.title = str(m.name) ?? '';
    if (str(m.old_name)) extra.oldTitle = str(m.old_name);
  }
  return extra;
}

function messageExtra(m: Raw, ts: string, subtype: string | null, mentions: string[]): Raw {
  const extra: Raw = {};
  const thread = str(m.thread_ts);
  if (thread && thread !== ts) {
    extra.threadTs = thread;
    extra.replyTo = thread;
  }
  const files = Array.isArray(m.files) ? m.files.map(obj).filter((f): f is Raw => f !== null) : [];
  if (files.length) {
    extra.media = files.some((f) => str(f.mimetype)?.startsWith('image/')) ? 'image' : 'file';
    const names = files.map((f) => nonEmpty(f.name, f.title)).filter((n): n is string => n !== null);
    if (names.length) extra.attachments = names;
  }
  const edited = str(obj(m.edited)?.ts);
  if (edited && TS.test(edited)) extra.editedAt = timeOf(edited);
  if (subtype === 'bot_message' || str(m.bot_id)) extra.bot = true;
  if (subtype === 'thread_broadcast' || subtype === 'reply_broadcast') extra.broadcast = true;
  if (subtype === 'me_message') extra.me = true;
  if (mentions.length) extra.mentions = mentions;
  return extra;
}

function recordOf(v: unknown, chatId: string, where: string, people: People): ChatRecord {
  const m = obj(v);
  if (!m) return { type: 'skip', chatId, reason: 'a message that is not an object', where };
  if (m.type !== undefined && m.type !== 'message') return { type: 'skip', chatId, reason: `a record of type ${JSON.stringify(m.type)}`, where };
  const ts = str(m.ts);
  if (!ts || !TS.test(ts)) return { type: 'skip', chatId, reason: `a message without a readable ts (${JSON.stringify(m.ts ?? null)})`, where };
  const at = timeOf(ts);
  const subtype = str(m.subtype);
  const text = str(m.text) ?? '';
  const mentions = mentionsOf(text, people);
  const from = senderOf(m, people);

  if (subtype && !MESSAGES.has(subtype)) {
    const kind: ServiceRecord['kind'] = JOINS.has(subtype) ? 'join' : LEAVES.has(subtype) ? 'leave' : 'service';
    // Someone added by another has an `inviter`: the one who acted.
    const inviter = str(m.inviter);
    const actor = kind === 'join' && inviter ? people.person(inviter) : from;
    const members = kind === 'service' || !from ? [] : [from];
    return { type: 'service', chatId, id: ts, at, where, kind, event: subtype, actor, members, extra: serviceExtra(subtype, m) };
  }
  return { type: 'message', chatId, id: ts, at, where, from: from ?? { id: null, name: 'Unknown' }, text, extra: messageExtra(m, ts, subtype, mentions) };
}

// ---------------------------------------------------------------------------------------------------------------

/**
 * Reads a Slack workspace export (its folder, or the .zip); yields each conversation's chat, then its messages day
 * by day: channels.json's order, then groups.json, mpims.json, dms.json, then folders no listing names. Throws
 * ExportError for an export it cannot read.
 */
export async function* readSlack(pathToFolderOrZip: string, opts: SlackOptions): AsyncGenerator<ChatRecord> {
  const file = pathToFolderOrZip;
  const src = await openSource(file);
  try {
    const folders = new Map<string, string[]>();
    for (const n of src.names) {
      const m = DAY_PATH.exec(n);
      if (!m) continue;
      const days = folders.get(m[1]!) ?? [];
      days.push(m[2]!);
      folders.set(m[1]!, days);
    }
    if (!src.names.includes('channels.json') && folders.size === 0) {
      throw new ExportError(file, 'byte 0', 'neither channels.json nor any <channel>/YYYY-MM-DD.json: not a Slack export');
    }
    const people = new People();
    if (src.names.includes('users.json')) await readUsers(file, src, people);
    const conversations = await listed(file, src, people, folders);
    const used = new Set(conversations.map((c) => c.folder));
    for (const f of [...folders.keys()].sort()) if (!used.has(f)) conversations.push(unlisted(f));

    for (const { chat, folder } of conversations) {
      yield { type: 'chat', chat };
      if (folder === null) continue;
      // YYYY-MM-DD names sort as their dates.
      for (const day of folders.get(folder)!.sort()) {
        const name = `${folder}/${day}`;
        for await (const { value, offset } of jsonArray(file, src, name)) yield recordOf(value, chat.id, `${src.label(name)}: byte ${offset}`, people);
      }
    }
  } finally {
    src.close();
  }
}
