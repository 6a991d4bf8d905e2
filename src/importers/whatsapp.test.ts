import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { ExportError, type ChatRecord, type MessageRecord, type ServiceRecord } from './chat-records.ts';
import { readWhatsApp } from './whatsapp.ts';

const FIXTURE = new URL('../../../shared/fixtures/whatsapp/whatsapp-chat-parser_short-chat.txt', import.meta.url).pathname;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shequn-wa-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function read(file: string, timezone = 'Asia/Shanghai'): Promise<ChatRecord[]> {
  const out: ChatRecord[] = [];
  for await (const r of readWhatsApp(file, { timezone })) out.push(r);
  return out;
}
const write = (name: string, content: string | Buffer) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, content);
  return f;
};
const messages = (rs: ChatRecord[]) => rs.filter((r): r is MessageRecord => r.type === 'message');
const services = (rs: ChatRecord[]) => rs.filter((r): r is ServiceRecord => r.type === 'service');
const iso = (ms: number) => new Date(ms).toISOString();
/** The id the contract defines: time, sender key, the text's sha1 (12 hex) and the occurrence count. */
/** Ids carry the wall-clock time as written (epoch ms of it read as UTC), not the converted instant. */
const idOf = (wall: number, sender: string, text: string, n = 0) => `${wall}:${sender}:${createHash('sha1').update(text).digest('hex').slice(0, 12)}:${n}`;

async function failure(file: string): Promise<ExportError> {
  try {
    await read(file);
  } catch (e) {
    expect(e).toBeInstanceOf(ExportError);
    return e as ExportError;
  }
  throw new Error(`${file} was read without an error`);
}

describe('readWhatsApp on the real sample', () => {
  it('reads the chat, its system lines, senders (a phone number keyed by number) and the multi-line message', async () => {
    const records = await read(FIXTURE, 'Europe/Zurich');
    // Every date is ambiguous (06/03, 08/05, 09/04); day-first would go back from 8 May to 9 April, month-first
    // never goes back: 3 June, 5 August, 4 September 2017. Zurich is on summer time (UTC+2) then.
    const chatId = 'name:ShortChat';
    const t1 = Date.parse('2017-06-02T22:45:00Z');
    const t2 = Date.parse('2017-08-04T23:48:00Z');
    const t3 = Date.parse('2017-09-03T23:50:00Z');
    const ZURICH_SUMMER = 2 * 3_600_000;
    const notice = 'Messages to this group are now secured with end-to-end encryption. Tap for more info.';
    expect(records).toEqual([
      { type: 'chat', chat: { id: chatId, name: 'ShortChat', kind: 'group', left: false } },
      { type: 'service', chatId, id: idOf(t1 + ZURICH_SUMMER, 'system', notice), at: t1, where: 'line 1', kind: 'service', event: 'encryption_notice', actor: null, members: [], extra: { text: notice } },
      {
        type: 'service', chatId, id: idOf(t1 + ZURICH_SUMMER, 'system', 'You created group "ShortChat"'), at: t1, where: 'line 2', kind: 'service', event: 'create_group',
        actor: { id: null, name: 'You' }, members: [], extra: { title: 'ShortChat', text: 'You created group "ShortChat"' },
      },
      { type: 'message', chatId, id: idOf(t1 + ZURICH_SUMMER, 'name:Sample User', 'This is a test message'), at: t1, where: 'line 3', from: { id: null, name: 'Sample User' }, text: 'This is a test message', extra: {} },
      { type: 'message', chatId, id: idOf(t2 + ZURICH_SUMMER, 'name:TestBot', "Hey I'm a test too!"), at: t2, where: 'line 4', from: { id: null, name: 'TestBot' }, text: "Hey I'm a test too!", extra: {} },
      {
        type: 'message', chatId, id: idOf(t3 + ZURICH_SUMMER, '+410123456789', 'How are you?\n\nIs everything alright?'), at: t3, where: 'line 5',
        from: { id: '+410123456789', name: '+410123456789' }, text: 'How are you?\n\nIs everything alright?', extra: {},
      },
    ]);
  });

  it('gives the same times read in another zone, shifted by that zone', async () => {
    const records = messages(await read(FIXTURE, 'Asia/Shanghai'));
    expect(records.map((r) => iso(r.at))).toEqual(['2017-06-02T16:45:00.000Z', '2017-08-04T17:48:00.000Z', '2017-09-03T17:50:00.000Z']);
  });
});

describe('readWhatsApp layouts', () => {
  it('reads the iOS layout: brackets, seconds, U+200E marks, AM/PM after a narrow no-break space, events under the group name', async () => {
    const L = '\u200e';
    const nb = '\u202f';
    const file = write(
      'ios_chat.txt',
      [
        `${L}[01/05/2024, 3:04:05${nb}PM] 茶友会: ${L}Messages and calls are end-to-end encrypted. No one outside of this chat, not even WhatsApp, can read or listen to them.`,
        `${L}[01/05/2024, 3:04:05${nb}PM] 茶友会: ${L}张三 created group "茶友会"`,
        `[01/05/2024, 3:05:10${nb}PM] 张三: 大家好`,
        `${L}[01/05/2024, 3:06:00${nb}PM] \u202a+86 138 1234 5678\u202c: ${L}<attached: 00000012-PHOTO-2024-05-01.jpg>`,
        `[02/05/2024, 9:00:00${nb}AM] 李四: first line`,
        'second line',
        `[13/05/2024, 12:30:00${nb}AM] 张三: midnight ${L}<This message was edited>`,
        `${L}[13/05/2024, 12:31:00${nb}PM] 茶友会: ${L}张三 added 李四`,
        '',
      ].join('\r\n'),
    );
    const records = await read(file);
    expect(records[0]).toEqual({ type: 'chat', chat: { id: 'name:茶友会', name: '茶友会', kind: 'group', left: false } });
    expect(services(records).map((r) => [r.where, r.kind, r.event, r.actor, r.members])).toEqual([
      ['line 1', 'service', 'encryption_notice', null, []],
      ['line 2', 'service', 'create_group', { id: null, name: '张三' }, []],
      ['line 8', 'join', 'add_members', { id: null, name: '张三' }, [{ id: null, name: '李四' }]],
    ]);
    // Day-first (13/05), Shanghai is UTC+8: 12:30 AM is half past midnight.
    expect(messages(records).map((r) => [r.where, iso(r.at), r.from, r.text, r.extra])).toEqual([
      ['line 3', '2024-05-01T07:05:10.000Z', { id: null, name: '张三' }, '大家好', {}],
      ['line 4', '2024-05-01T07:06:00.000Z', { id: '+8613812345678', name: '+86 138 1234 5678' }, '<attached: 00000012-PHOTO-2024-05-01.jpg>', { media: 'image' }],
      ['line 5', '2024-05-02T01:00:00.000Z', { id: null, name: '李四' }, 'first line\nsecond line', {}],
      ['line 7', '2024-05-12T16:30:00.000Z', { id: null, name: '张三' }, 'midnight', { edited: true }],
    ]);
  });

  it('reads a month-first 12-hour file as a whole: one second number above 12 makes an early 3/4/24 the 4th of March', async () => {
    const file = write(
      'WhatsApp Chat with Ann.txt',
      ['3/4/24, 9:15 AM - Ann: early and ambiguous', '4/13/24, 10:00 PM - Bob: the only day above 12', '4/14/24, 7:05 a.m. - Ann: dotted', '4/14/24, 12:00 p.m. - Bob: noon', ''].join('\n'),
    );
    const records = await read(file, 'America/New_York');
    // Two senders and no group events: a one-to-one chat, named after the file.
    expect(records[0]).toEqual({ type: 'chat', chat: { id: 'name:Ann', name: 'Ann', kind: 'private', left: false } });
    // New York is on standard time (UTC-5) on 4 March, on summer time (UTC-4) in April.
    expect(messages(records).map((r) => [iso(r.at), r.from.name, r.text])).toEqual([
      ['2024-03-04T14:15:00.000Z', 'Ann', 'early and ambiguous'],
      ['2024-04-14T02:00:00.000Z', 'Bob', 'the only day above 12'],
      ['2024-04-14T11:05:00.000Z', 'Ann', 'dotted'],
      ['2024-04-14T16:00:00.000Z', 'Bob', 'noon'],
    ]);
  });

  it('reads a day-first file with dotted dates and skips a stamp whose date does not exist, with its continuation', async () => {
    const file = write(
      'WhatsApp Chat - Dotted.txt',
      ['03.04.24, 08:00 - Ann: early', '31.02.24, 09:00 - Ann: no such day', 'its second line', '25.12.24, 18:30 - Bob: Christmas', ''].join('\n'),
    );
    const records = await read(file, 'Europe/Berlin');
    expect(records).toEqual([
      { type: 'chat', chat: { id: 'name:Dotted', name: 'Dotted', kind: 'private', left: false } },
      expect.objectContaining({ type: 'message', where: 'line 1', at: Date.parse('2024-04-03T06:00:00Z'), text: 'early' }),
      { type: 'skip', chatId: 'name:Dotted', reason: 'a timestamp that is not a time: no such date: 2024-2-31 (read day-first)', where: 'line 2' },
      expect.objectContaining({ type: 'message', where: 'line 4', at: Date.parse('2024-12-25T17:30:00Z'), text: 'Christmas' }),
    ]);
  });

  it('decides an undecidable order by the dates that go back less often, day-first on a tie', async () => {
    const times = async (name: string, lines: string[]) => messages(await read(write(name, `${lines.join('\n')}\n`), 'UTC')).map((r) => iso(r.at).slice(0, 10));
    expect(await times('a.txt', ['05/01/2024, 10:00 - A: x', '06/01/2024, 10:00 - B: y', '01/02/2024, 10:00 - A: z'])).toEqual(['2024-01-05', '2024-01-06', '2024-02-01']);
    expect(await times('b.txt', ['01/05/2024, 10:00 - A: x', '01/06/2024, 10:00 - B: y', '02/01/2024, 10:00 - A: z'])).toEqual(['2024-01-05', '2024-01-06', '2024-02-01']);
    expect(await times('c.txt', ['01/02/2024, 10:00 - A: x', '01/03/2024, 10:00 - B: y'])).toEqual(['2024-02-01', '2024-03-01']);
  });

  it('reads Chinese 上午/下午 clocks and year-first dates', async () => {
    const file = write(
      'zh.txt',
      ['2024/5/1 下午3:05 - 张三: 你好', '2024/5/1 上午12:10 - 李四: 半夜', '2024-05-02 下午12:00 - 张三: 中午', '[2024/5/3 上午9:08:07] 李四: iOS 的样子', ''].join('\n'),
    );
    const records = await read(file);
    expect(messages(records).map((r) => [iso(r.at), r.from.name, r.text])).toEqual([
      ['2024-05-01T07:05:00.000Z', '张三', '你好'],
      ['2024-04-30T16:10:00.000Z', '李四', '半夜'],
      ['2024-05-02T04:00:00.000Z', '张三', '中午'],
      ['2024-05-03T01:08:07.000Z', '李四', 'iOS 的样子'],
    ]);
  });
});

describe('readWhatsApp system lines', () => {
  it('maps English joins, leaves, subject and icon changes; a "Name: text" line is a message even when its text reads like an event', async () => {
    const file = write(
      'en.txt',
      [
        '01/05/2024, 10:00 - Ann created group "Tea"',
        '01/05/2024, 10:01 - Ann added Bob, Carol and +41 012 345 6789',
        "01/05/2024, 10:02 - Dave joined using this group's invite link",
        '01/05/2024, 10:03 - Bob left',
        '01/05/2024, 10:04 - You removed Carol',
        '01/05/2024, 10:05 - Ann changed the subject from "Tea" to "Tea: Club"',
        "01/05/2024, 10:06 - Ann changed this group's icon",
        '01/05/2024, 10:07 - Ann: Bob left',
        "01/05/2024, 10:08 - Ann's security code changed. Tap to learn more.",
        '',
      ].join('\n'),
    );
    const records = await read(file);
    // The creation's name wins over later subjects.
    expect(records[0]).toEqual({ type: 'chat', chat: { id: 'name:Tea', name: 'Tea', kind: 'group', left: false } });
    const ann = { id: null, name: 'Ann' };
    expect(services(records).map((r) => [r.where, r.kind, r.event, r.actor, r.members, r.extra])).toEqual([
      ['line 1', 'service', 'create_group', ann, [], { title: 'Tea', text: 'Ann created group "Tea"' }],
      ['line 2', 'join', 'add_members', ann, [{ id: null, name: 'Bob' }, { id: null, name: 'Carol' }, { id: '+410123456789', name: '+41 012 345 6789' }], { text: 'Ann added Bob, Carol and +41 012 345 6789' }],
      ['line 3', 'join', 'join_link', null, [{ id: null, name: 'Dave' }], { text: "Dave joined using this group's invite link" }],
      ['line 4', 'leave', 'left', null, [{ id: null, name: 'Bob' }], { text: 'Bob left' }],
      ['line 5', 'leave', 'remove_members', { id: null, name: 'You' }, [{ id: null, name: 'Carol' }], { text: 'You removed Carol' }],
      ['line 6', 'service', 'change_subject', ann, [], { title: 'Tea: Club', previous: 'Tea', text: 'Ann changed the subject from "Tea" to "Tea: Club"' }],
      ['line 7', 'service', 'change_icon', ann, [], { text: "Ann changed this group's icon" }],
      ['line 9', 'service', 'other', null, [], { text: "Ann's security code changed. Tap to learn more." }],
    ]);
    expect(messages(records).map((r) => [r.where, r.from, r.text])).toEqual([['line 8', ann, 'Bob left']]);
  });

  it('maps Chinese joins, leaves and subject changes; without a creation the latest subject names the chat', async () => {
    const file = write(
      'WhatsApp Chat with 旧名.txt',
      [
        '2024/5/1 上午10:00 - 消息和通话已进行端到端加密。对话之外的任何人，甚至包括 WhatsApp，都无法读取或收听。',
        '2024/5/1 上午10:01 - "张三"加入了群聊',
        '2024/5/1 上午10:02 - 你添加了李四、王五',
        '2024/5/1 上午10:03 - 张三 退出了群聊',
        '2024/5/1 上午10:04 - 你将李四移出了群聊',
        '2024/5/1 上午10:05 - 你将群组名称从“茶友会”更改为“茶馆”',
        '2024/5/1 上午10:06 - 赵六通过邀请链接加入了群组',
        '2024/5/1 上午10:07 - 王五被你移出群聊',
        '2024/5/1 上午10:08 - 王五: 张三 退出了群聊',
        '',
      ].join('\n'),
    );
    const records = await read(file);
    expect(records[0]).toEqual({ type: 'chat', chat: { id: 'name:茶馆', name: '茶馆', kind: 'group', left: false } });
    const you = { id: null, name: '你' };
    const p = (name: string) => ({ id: null, name });
    expect(services(records).map((r) => [r.where, r.kind, r.event, r.actor, r.members])).toEqual([
      ['line 1', 'service', 'encryption_notice', null, []],
      ['line 2', 'join', 'joined', null, [p('张三')]],
      ['line 3', 'join', 'add_members', you, [p('李四'), p('王五')]],
      ['line 4', 'leave', 'left', null, [p('张三')]],
      ['line 5', 'leave', 'remove_members', you, [p('李四')]],
      ['line 6', 'service', 'change_subject', you, []],
      ['line 7', 'join', 'join_link', null, [p('赵六')]],
      ['line 8', 'leave', 'remove_members', you, [p('王五')]],
    ]);
    expect((services(records)[5]!.extra as Record<string, unknown>).title).toBe('茶馆');
    expect(messages(records).map((r) => [r.where, r.from.name, r.text])).toEqual([['line 9', '王五', '张三 退出了群聊']]);
  });

  it('names a group from "你创建了群组“…”"', async () => {
    const records = await read(write('zh-create.txt', '2024/5/1 上午10:00 - 你创建了群组“茶友会”\n2024/5/1 上午10:01 - 张三: 好\n'));
    expect(records[0]).toEqual({ type: 'chat', chat: { id: 'name:茶友会', name: '茶友会', kind: 'group', left: false } });
    expect(services(records).map((r) => [r.event, r.actor, r.extra.title])).toEqual([['create_group', { id: null, name: '你' }, '茶友会']]);
  });
});

describe('readWhatsApp media, deletions and ids', () => {
  it('marks media placeholders, attached files, deleted and edited messages, keeping the text', async () => {
    const file = write(
      'media.txt',
      [
        '01/05/2024, 10:00 - Ann: <Media omitted>',
        '01/05/2024, 10:01 - Ann: IMG-20240501-WA0001.jpg (file attached)',
        'caption here',
        '01/05/2024, 10:02 - Bob: <附件：图片>',
        '01/05/2024, 10:03 - Bob: PTT-20240501-WA0002.opus (file attached)',
        '01/05/2024, 10:04 - Ann: This message was deleted',
        '01/05/2024, 10:05 - Bob: You deleted this message',
        '01/05/2024, 10:06 - Ann: fixed typo <This message was edited>',
        '01/05/2024, 10:07 - Bob: sticker omitted',
        '01/05/2024, 10:08 - Ann: VID-20240501-WA0003.mp4 (file attached)',
        '01/05/2024, 10:09 - Ann: <attached: 00000034-report.pdf>',
        '01/05/2024, 10:10 - Ann: I omitted nothing <Media omitted>',
        '',
      ].join('\n'),
    );
    expect(messages(await read(file)).map((r) => [r.text, r.extra])).toEqual([
      ['<Media omitted>', { media: 'media' }],
      ['IMG-20240501-WA0001.jpg (file attached)\ncaption here', { media: 'image' }],
      ['<附件：图片>', { media: 'image' }],
      ['PTT-20240501-WA0002.opus (file attached)', { media: 'audio' }],
      ['This message was deleted', { deleted: true }],
      ['You deleted this message', { deleted: true }],
      ['fixed typo', { edited: true }],
      ['sticker omitted', { media: 'sticker' }],
      ['VID-20240501-WA0003.mp4 (file attached)', { media: 'video' }],
      ['<attached: 00000034-report.pdf>', { media: 'document' }],
      ['I omitted nothing <Media omitted>', {}],
    ]);
  });

  it('keeps two identical messages in one minute as two ids, and gives the same ids on a second read', async () => {
    const file = write('same.txt', ['01/05/2024, 10:00 - Ann: ok', '01/05/2024, 10:00 - Ann: ok', '01/05/2024, 10:00 - Bob: ok', '01/05/2024, 10:01 - Ann: ok', ''].join('\n'));
    const first = messages(await read(file, 'UTC'));
    const t0 = Date.parse('2024-05-01T10:00:00Z');
    const t1 = Date.parse('2024-05-01T10:01:00Z');
    expect(first.map((r) => r.id)).toEqual([idOf(t0, 'name:Ann', 'ok', 0), idOf(t0, 'name:Ann', 'ok', 1), idOf(t0, 'name:Bob', 'ok', 0), idOf(t1, 'name:Ann', 'ok', 0)]);
    expect(new Set(first.map((r) => r.id)).size).toBe(4);
    const second = messages(await read(file, 'UTC'));
    // Read in another zone the instants move, the ids do not: a re-import with another --timezone adds nothing.
    expect(messages(await read(file, 'Asia/Shanghai')).map((r) => r.id)).toEqual(first.map((r) => r.id));
    expect(second.map((r) => r.id)).toEqual(first.map((r) => r.id));
  });
});

describe('readWhatsApp on files that are not WhatsApp exports', () => {
  it('fails on an empty file, and on one of blank lines only', async () => {
    const e = await failure(write('empty.txt', ''));
    expect([e.where, e.reason]).toEqual(['line 1', 'an empty file: not a WhatsApp chat export']);
    expect((await failure(write('blank.txt', '\n\n  \n'))).where).toBe('line 1');
  });

  it('fails on a binary file at the line of its first NUL byte', async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    const e = await failure(write('photo.txt', png));
    expect(e.where).toBe('line 3');
    expect(e.reason).toMatch(/^NUL bytes: a binary/);
    expect(e.message).toBe(`${path.join(dir, 'photo.txt')}: line 3: ${e.reason}`);
  });

  it('fails on CSV and JSON files at their first non-empty line', async () => {
    const csv = await failure(write('chat.csv', 'date,from,text\n2024-05-01 10:00,Ann,hi\n'));
    expect([csv.where, csv.reason]).toEqual(['line 1', expect.stringMatching(/not a WhatsApp chat export$/)]);
    const json = await failure(write('chat.json', '\n{\n  "messages": [{"date": "01/05/2024, 10:00"}]\n}\n'));
    expect([json.where, json.reason]).toEqual(['line 2', expect.stringMatching(/not a WhatsApp chat export$/)]);
  });

  it('fails on bytes that are not UTF-8, naming their line', async () => {
    const bytes = Buffer.concat([Buffer.from('01/05/2024, 10:00 - Ann: hi\n01/05/2024, 10:01 - Bob: caf'), Buffer.from([0xe9]), Buffer.from('\n01/05/2024, 10:02 - Ann: ok\n')]);
    const e = await failure(write('latin1.txt', bytes));
    expect([e.where, e.reason]).toEqual(['line 2', 'bytes that are not UTF-8: not a WhatsApp text export (it writes UTF-8)']);
  });
});
