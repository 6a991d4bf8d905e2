import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ExportError, type ChatRecord } from './chat-records.ts';
import { readSlack } from './slack.ts';

const SAMPLE = new URL('../../../shared/fixtures/slack/', import.meta.url).pathname;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shequn-slack-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function read(p: string): Promise<ChatRecord[]> {
  const out: ChatRecord[] = [];
  for await (const r of readSlack(p, { timezone: 'Asia/Shanghai' })) out.push(r);
  return out;
}

async function failure(p: string): Promise<ExportError> {
  try {
    await read(p);
  } catch (e) {
    expect(e).toBeInstanceOf(ExportError);
    return e as ExportError;
  }
  throw new Error(`${p} was read without an error`);
}

/** Writes files (path → text or bytes) under a new folder and returns it. */
function folder(name: string, files: Record<string, string | Buffer>): string {
  const root = path.join(dir, name);
  for (const [p, data] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), data);
  }
  fs.mkdirSync(root, { recursive: true });
  return root;
}

/**
 * A minimal zip writer (STORE method, no compression), entries in the order given; names ending in `/` are
 * folders. Enough for yauzl, which reads the central directory and then each entry's local header.
 */
function zip(file: string, entries: [string, Buffer | null][]): string {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, data] of entries) {
    const body = data ?? Buffer.alloc(0);
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = zlib.crc32(body);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(0, 8); // STORE
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(body.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt16LE(0, 10);
    entry.writeUInt32LE(0, 12);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(body.length, 20);
    entry.writeUInt32LE(body.length, 24);
    entry.writeUInt16LE(nameBytes.length, 28);
    entry.writeUInt32LE(name.endsWith('/') ? 0x10 : 0, 38); // external attributes: folder
    entry.writeUInt32LE(offset, 42);
    parts.push(local, nameBytes, body);
    central.push(entry, nameBytes);
    offset += 30 + nameBytes.length + body.length;
  }
  const dirBytes = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dirBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  const out = path.join(dir, file);
  fs.writeFileSync(out, Buffer.concat([...parts, dirBytes, end]));
  return out;
}

/** Byte offsets of the elements of a compact JSON array, counted from the serialised elements themselves. */
function offsets(items: unknown[]): number[] {
  const out: number[] = [];
  let at = 1; // after '['
  for (const item of items) {
    out.push(at);
    at += Buffer.byteLength(JSON.stringify(item)) + 1; // the element and its ','
  }
  return out;
}

describe('readSlack on the real sample (no users.json)', () => {
  const copy = path.join(dir, 'sample');
  fs.cpSync(SAMPLE, copy, { recursive: true });
  const U = { id: 'U6006P1CN', name: 'U6006P1CN' };
  const expected: ChatRecord[] = [
    { type: 'chat', chat: { id: 'C061A0WJG', name: 'random', kind: 'group', left: false } },
    {
      type: 'service', chatId: 'C061A0WJG', id: '1498401043.277604', at: Date.UTC(2017, 5, 25, 14, 30, 43, 278), where: 'random/2017-06-25.json: byte 6',
      kind: 'join', event: 'channel_join', actor: U, members: [U], extra: {},
    },
    { type: 'message', chatId: 'C061A0WJG', id: '1498401071.279035', at: Date.UTC(2017, 5, 25, 14, 31, 11, 279), where: 'random/2017-06-25.json: byte 199', from: U, text: 'edfadfa', extra: {} },
    { type: 'chat', chat: { id: 'C061A0YJG', name: 'general', kind: 'group', left: false } },
    { type: 'chat', chat: { id: 'C061A0YJP', name: 'general1', kind: 'group', left: false } },
    { type: 'chat', chat: { id: 'C061A0HJG', name: 'feedback', kind: 'group', left: false } },
  ];

  it('yields the chats of channels.json in order, random\'s join and message with their ts ids, people named by id, exact UTC times', async () => {
    const records = await read(copy);
    expect(records).toEqual(expected);
    expect(new Date((records[2] as { at: number }).at).toISOString()).toBe('2017-06-25T14:31:11.279Z');
  });

  it('reads the same export zipped to identical records, channels.json read first though it comes last in the zip', async () => {
    const day = fs.readFileSync(path.join(SAMPLE, 'random/2017-06-25.json'));
    const channels = fs.readFileSync(path.join(SAMPLE, 'channels.json'));
    const file = zip('sample.zip', [['random/', null], ['random/2017-06-25.json', day], ['channels.json', channels]]);
    expect(await read(file)).toEqual(expected);
  });

  it('reads a zip that holds the export inside one folder, naming entries by their full path', async () => {
    const day = fs.readFileSync(path.join(SAMPLE, 'random/2017-06-25.json'));
    const channels = fs.readFileSync(path.join(SAMPLE, 'channels.json'));
    const file = zip('nested.zip', [['Acme Slack export/', null], ['Acme Slack export/channels.json', channels], ['Acme Slack export/random/2017-06-25.json', day], ['__MACOSX/._channels.json', Buffer.from('x')]]);
    const records = await read(file);
    expect(records.map((r) => ('where' in r ? r.where : r.type))).toEqual([
      'chat', 'Acme Slack export/random/2017-06-25.json: byte 6', 'Acme Slack export/random/2017-06-25.json: byte 199', 'chat', 'chat', 'chat',
    ]);
  });
});

describe('readSlack on a generated export with users.json, private channels, DMs, threads, files and bots', () => {
  const users = [
    { id: 'U1', name: 'alice', real_name: 'Alice R', profile: { real_name: 'Alice Wang', display_name: 'aw' } },
    { id: 'U2', name: 'bob', profile: { real_name: '', display_name: 'bobby' } },
    { id: 'U4', name: 'dave', profile: {} },
  ];
  const day1 = [
    { type: 'message', subtype: 'channel_join', user: 'U2', inviter: 'U1', text: '<@U2> has joined the channel', ts: '1709280000.000100' },
    { type: 'message', user: 'U1', text: 'Release plan for <@U2>: <https://example.com/plan|the plan>', ts: '1709280060.000200', thread_ts: '1709280060.000200', reply_count: 2, edited: { user: 'U1', ts: '1709280090.000000' } },
    { type: 'message', user: 'U2', text: 'ok', ts: '1709280120.000300', thread_ts: '1709280060.000200', parent_user_id: 'U1' },
    { type: 'message', subtype: 'file_share', user: 'U1', text: '', files: [{ id: 'F1', name: 'shot.png', mimetype: 'image/png' }], ts: '1709280180.000400' },
    { type: 'message', subtype: 'file_share', user: 'U4', text: 'see attached', files: [{ id: 'F2', name: 'plan.pdf', mimetype: 'application/pdf' }], ts: '1709280240.000500' },
    { type: 'message', subtype: 'bot_message', bot_id: 'B9', username: 'deploybot', text: 'deployed v2', ts: '1709280300.000600' },
    { type: 'message', subtype: 'channel_topic', user: 'U1', topic: 'Launch week', text: '<@U1> set the channel topic: Launch week', ts: '1709280360.000700' },
    { type: 'message', user: 'U5', text: 'hello from a guest', user_profile: { real_name: '', display_name: 'Eve D', name: 'eve' }, ts: '1709280420.000800' },
    { type: 'message', subtype: 'thread_broadcast', user: 'U2', text: 'also posted to the channel', ts: '1709280480.000900', thread_ts: '1709280060.000200' },
  ];
  const day2 = [
    { type: 'message', subtype: 'channel_leave', user: 'U4', text: '<@U4> has left the channel', ts: '1709366400.000100' },
    { type: 'message', user: 'U5', text: 'me again', ts: '1709366460.000200' },
    { type: 'message', user: 'U6', text: 'who am I', ts: '1709366520.000300' },
  ];
  const secret = [
    { type: 'message', subtype: 'group_join', user: 'U2', text: '<@U2> has joined the group', ts: '1709280000.000001' },
    { type: 'message', user: 'U1', text: 'private hello', ts: '1709280001.000002' },
  ];
  const dm = [{ type: 'message', user: 'U2', text: 'hi <@U1>', ts: '1709290000.000001' }];
  const orphan = [{ type: 'message', user: 'U1', text: 'from a folder no listing names', ts: '1709500000.000001' }];

  const root = folder('generated', {
    'users.json': JSON.stringify(users),
    'channels.json': JSON.stringify([{ id: 'C100', name: 'general', created: 1709000000, creator: 'U1', members: ['U1', 'U2', 'U4'], topic: { value: 'Launch week' }, purpose: { value: '' }, is_archived: false }]),
    'groups.json': JSON.stringify([{ id: 'G200', name: 'secret', created: '1709000001', members: ['U1', 'U2'], is_archived: true }]),
    'mpims.json': JSON.stringify([{ id: 'G400', name: 'mpdm-alice--bob--dave-1', members: ['U1', 'U2', 'U4'] }]),
    'dms.json': JSON.stringify([{ id: 'D300', created: 1709000002, members: ['U1', 'U2'] }]),
    'integration_logs.json': '[]',
    // Written out of date order: the reader sorts them.
    'general/2024-03-02.json': JSON.stringify(day2),
    'general/2024-03-01.json': JSON.stringify(day1),
    'secret/2024-03-01.json': JSON.stringify(secret),
    'D300/2024-03-01.json': JSON.stringify(dm),
    'orphan/2024-03-05.json': JSON.stringify(orphan),
    'orphan/notes.txt': 'not a day file',
  });

  const alice = { id: 'U1', name: 'Alice Wang' };
  const bob = { id: 'U2', name: 'bobby' };
  const dave = { id: 'U4', name: 'dave' };
  const eve = { id: 'U5', name: 'Eve D' };
  const o1 = offsets(day1);
  const o2 = offsets(day2);
  const w1 = (i: number) => `general/2024-03-01.json: byte ${o1[i]}`;
  const w2 = (i: number) => `general/2024-03-02.json: byte ${o2[i]}`;

  it('yields chats in listing order (channels, groups, mpims, dms, then unlisted folders) and every record exactly', async () => {
    const records = await read(root);
    expect(records).toEqual([
      { type: 'chat', chat: { id: 'C100', name: 'general', kind: 'group', left: false } },
      { type: 'service', chatId: 'C100', id: '1709280000.000100', at: 1709280000000, where: w1(0), kind: 'join', event: 'channel_join', actor: alice, members: [bob], extra: {} },
      {
        type: 'message', chatId: 'C100', id: '1709280060.000200', at: 1709280060000, where: w1(1), from: alice,
        text: 'Release plan for <@U2>: <https://example.com/plan|the plan>', extra: { editedAt: 1709280090000, mentions: ['U2'] },
      },
      { type: 'message', chatId: 'C100', id: '1709280120.000300', at: 1709280120000, where: w1(2), from: bob, text: 'ok', extra: { threadTs: '1709280060.000200', replyTo: '1709280060.000200' } },
      { type: 'message', chatId: 'C100', id: '1709280180.000400', at: 1709280180000, where: w1(3), from: alice, text: '', extra: { media: 'image', attachments: ['shot.png'] } },
      { type: 'message', chatId: 'C100', id: '1709280240.000500', at: 1709280240001, where: w1(4), from: dave, text: 'see attached', extra: { media: 'file', attachments: ['plan.pdf'] } },
      { type: 'message', chatId: 'C100', id: '1709280300.000600', at: 1709280300001, where: w1(5), from: { id: 'B9', name: 'deploybot' }, text: 'deployed v2', extra: { bot: true } },
      { type: 'service', chatId: 'C100', id: '1709280360.000700', at: 1709280360001, where: w1(6), kind: 'service', event: 'channel_topic', actor: alice, members: [], extra: { topic: 'Launch week' } },
      { type: 'message', chatId: 'C100', id: '1709280420.000800', at: 1709280420001, where: w1(7), from: eve, text: 'hello from a guest', extra: {} },
      {
        type: 'message', chatId: 'C100', id: '1709280480.000900', at: 1709280480001, where: w1(8), from: bob, text: 'also posted to the channel',
        extra: { threadTs: '1709280060.000200', replyTo: '1709280060.000200', broadcast: true },
      },
      { type: 'service', chatId: 'C100', id: '1709366400.000100', at: 1709366400000, where: w2(0), kind: 'leave', event: 'channel_leave', actor: dave, members: [dave], extra: {} },
      // Named by what an earlier message of theirs carried, and by id when nothing ever named them.
      { type: 'message', chatId: 'C100', id: '1709366460.000200', at: 1709366460000, where: w2(1), from: eve, text: 'me again', extra: {} },
      { type: 'message', chatId: 'C100', id: '1709366520.000300', at: 1709366520000, where: w2(2), from: { id: 'U6', name: 'U6' }, text: 'who am I', extra: {} },
      { type: 'chat', chat: { id: 'G200', name: 'secret', kind: 'group', left: false } },
      { type: 'service', chatId: 'G200', id: '1709280000.000001', at: 1709280000000, where: 'secret/2024-03-01.json: byte 1', kind: 'join', event: 'group_join', actor: bob, members: [bob], extra: {} },
      { type: 'message', chatId: 'G200', id: '1709280001.000002', at: 1709280001000, where: `secret/2024-03-01.json: byte ${offsets(secret)[1]}`, from: alice, text: 'private hello', extra: {} },
      { type: 'chat', chat: { id: 'G400', name: 'mpdm-alice--bob--dave-1', kind: 'group', left: false } },
      { type: 'chat', chat: { id: 'D300', name: 'Alice Wang, bobby', kind: 'private', left: false } },
      { type: 'message', chatId: 'D300', id: '1709290000.000001', at: 1709290000000, where: 'D300/2024-03-01.json: byte 1', from: bob, text: 'hi <@U1>', extra: { mentions: ['U1'] } },
      { type: 'chat', chat: { id: 'name:orphan', name: 'orphan', kind: 'group', left: false } },
      { type: 'message', chatId: 'name:orphan', id: '1709500000.000001', at: 1709500000000, where: 'orphan/2024-03-05.json: byte 1', from: alice, text: 'from a folder no listing names', extra: {} },
    ]);
  });

  it('reads the same export zipped to the same records', async () => {
    const files = ['general/2024-03-02.json', 'D300/2024-03-01.json', 'general/2024-03-01.json', 'secret/2024-03-01.json', 'orphan/2024-03-05.json', 'dms.json', 'mpims.json', 'groups.json', 'channels.json', 'users.json'];
    const file = zip('generated.zip', files.map((f) => [f, fs.readFileSync(path.join(root, f))]));
    expect(await read(file)).toEqual(await read(root));
  });
});

describe('readSlack on what is not a readable Slack export', () => {
  it('fails for a folder with neither channels.json nor day files', async () => {
    const root = folder('not-slack', { 'notes.txt': 'hello', 'photos/cat.json': '[]' });
    const e = await failure(root);
    expect([e.file, e.where, e.reason]).toEqual([root, 'byte 0', 'neither channels.json nor any <channel>/YYYY-MM-DD.json: not a Slack export']);
  });

  it('fails for a zip with neither channels.json nor day files', async () => {
    const file = zip('other.zip', [['readme.txt', Buffer.from('hi')]]);
    expect((await failure(file)).reason).toBe('neither channels.json nor any <channel>/YYYY-MM-DD.json: not a Slack export');
  });

  it('fails for a file that is neither a folder nor a zip, and for an empty file', async () => {
    const text = path.join(dir, 'export.txt');
    fs.writeFileSync(text, '[{"type":"message"}]');
    expect((await failure(text)).reason).toBe('neither a folder nor a .zip: not a Slack export');
    const empty = path.join(dir, 'empty.zip');
    fs.writeFileSync(empty, '');
    expect((await failure(empty)).reason).toBe('the file is empty: not a Slack export (a folder or a .zip)');
    expect((await failure(path.join(dir, 'missing'))).reason).toBe('cannot read it (ENOENT)');
  });

  it('fails for a truncated day file at its byte offset, after the records before the cut', async () => {
    const day = JSON.stringify([{ type: 'message', user: 'U1', text: 'one', ts: '1700000000.000001' }, { type: 'message', user: 'U1', text: 'two', ts: '1700000001.000001' }]);
    const cut = day.slice(0, day.indexOf('two'));
    const root = folder('truncated', { 'channels.json': JSON.stringify([{ id: 'C1', name: 'general' }]), 'general/2023-11-14.json': cut });
    const seen: ChatRecord[] = [];
    let error: unknown;
    try {
      for await (const r of readSlack(root, { timezone: 'UTC' })) seen.push(r);
    } catch (e) {
      error = e;
    }
    expect(seen.map((r) => r.type)).toEqual(['chat', 'message']);
    expect(error).toBeInstanceOf(ExportError);
    expect((error as ExportError).where).toBe(`general/2023-11-14.json: byte ${Buffer.byteLength(cut)}`);
    expect((error as ExportError).reason).toMatch(/ends early/);
  });

  it('fails for a day file that is not UTF-8, binary, empty or an object', async () => {
    const listing = JSON.stringify([{ id: 'C1', name: 'general' }]);
    const latin1 = Buffer.concat([Buffer.from('[{"type":"message","user":"U1","ts":"1.0","text":"caf'), Buffer.from([0xe9]), Buffer.from('"}]')]);
    const e1 = await failure(folder('latin1', { 'channels.json': listing, 'general/2023-11-14.json': latin1 }));
    expect([e1.where, e1.reason]).toEqual(['general/2023-11-14.json: byte 1', 'the text is not valid UTF-8']);
    const e2 = await failure(folder('binary', { 'channels.json': listing, 'general/2023-11-14.json': Buffer.from([0, 1, 2, 3]) }));
    expect([e2.where, e2.reason]).toEqual(['general/2023-11-14.json: byte 0', 'a binary file, not JSON']);
    const e3 = await failure(folder('emptyday', { 'channels.json': listing, 'general/2023-11-14.json': '' }));
    expect([e3.where, e3.reason]).toEqual(['general/2023-11-14.json: byte 0', 'the file is empty']);
    const e4 = await failure(folder('objectlisting', { 'channels.json': '{"guild":{}}' }));
    expect([e4.where, e4.reason]).toEqual(['channels.json: byte 0', 'a JSON object where Slack writes an array: not a Slack export file']);
  });
});
