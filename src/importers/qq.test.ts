import { createHash } from 'node:crypto';
import fs from 'node:fs';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import type { ChatRecord } from './chat-records.ts';
import { readerKit } from './testing.ts';
import { readQq } from './qq.ts';

const FIXTURE = new URL('../../../shared/fixtures/qq/qq-chat-history_tests_file.txt', import.meta.url).pathname;
const { read, write, failure } = readerKit('qq', readQq);
/** The documented id of a QQ message: time, sender, the first 12 hex digits of the text's SHA-1, earlier repeats. */
const key = (at: number, sender: string, text: string, n = 0) => `${at}:${sender}:${createHash('sha1').update(text).digest('hex').slice(0, 12)}:${n}`;
/** Shanghai has been UTC+8 without DST since 1991. */
const sh = (local: string) => Date.parse(`${local.replace(' ', 'T')}+08:00`);

describe('readQq on the real sample', () => {
  it('reads the banner-headed sample as one chat named after the file, times in the given zone', async () => {
    // Etc/GMT-8 is a fixed UTC+8 (Asia/Shanghai in 1883 was local mean time, +8:05:43).
    const records = await read(FIXTURE, 'Etc/GMT-8');
    const chat = { id: 'name:qq-chat-history_tests_file', name: 'qq-chat-history_tests_file', kind: 'group', left: false };
    const a = Date.UTC(1883, 2, 7, 3, 22, 33);
    const b = Date.UTC(1883, 2, 7, 4, 34, 56);
    expect(records).toEqual([
      { type: 'chat', chat },
      { type: 'message', chatId: chat.id, id: `${a}:123123:6dcd4ce23d88:0`, at: a, where: 'line 5', from: { id: '123123', name: 'A' }, text: 'A', extra: {} },
      { type: 'message', chatId: chat.id, id: `${b}:456456:ae4f281df5a5:0`, at: b, where: 'line 8', from: { id: '456456', name: 'B' }, text: 'B', extra: {} },
    ]);
  });
});

// The layout of a real export of two chats (Windows QQ writes CR LF): a 群 folder and a friend.
const RULE = '='.repeat(64);
const LINES = [
  '消息记录（此消息记录为文本格式，不支持重新导入）',
  '',
  RULE, '消息分组:我的群聊', RULE, '消息对象:茶友会', RULE,
  '',
  '2024-05-01 9:05:07 【管理员】张(三) (10001)',
  '大家好',
  '第二行',
  '',
  '第四行（前面有空行）',
  '',
  '2024-05-01 下午8:43:38 李四<lisi@qq.com>',
  '[图片]看这个',
  '',
  '2024-05-01 20:44:00 系统消息(10000)',
  '王五加入本群',
  '',
  '2024-05-01 20:45:00 系统消息(10000)',
  '赵六退出了本群',
  '',
  '2024-05-01 20:46:00 系统消息(10000)',
  '孙七被管理员移出了本群',
  '',
  '2024-05-01 20:47:00 系统消息(10000)',
  '群主更新了群公告',
  '',
  '2024-05-01 8:50:00 PM 王五(10003)',
  '[表情]',
  '',
  RULE, '消息分组:我的好友', RULE, '消息对象:小明', RULE,
  '',
  '2024-05-02 10:00:00 小明(20001)',
  '在吗',
  '',
  '2024-05-02 10:00:00 小明(20001)',
  '在吗',
  '',
  '2024-05-02 10:00:05 张(三) (10001)',
  '在',
  '',
];
const TEXT = LINES.join('\r\n');
const lineOf = (header: string, from = 0) => `line ${LINES.indexOf(header, from) + 1}`;

function expected(): ChatRecord[] {
  const tea = { id: 'name:茶友会', name: '茶友会', kind: 'group' as const, left: false };
  const ming = { id: 'name:小明', name: '小明', kind: 'private' as const, left: false };
  const zhang = { id: '10001', name: '张(三)' };
  const first = '大家好\n第二行\n\n第四行（前面有空行）';
  const service = (local: string, text: string, kind: 'join' | 'leave' | 'service', event: string, members: string[]): ChatRecord => ({
    type: 'service', chatId: tea.id, id: key(sh(local), '10000', text), at: sh(local), where: lineOf(`${local} 系统消息(10000)`), kind, event, actor: null,
    members: members.map((name) => ({ id: null, name })), extra: { text },
  });
  const repeat = LINES.indexOf('2024-05-02 10:00:00 小明(20001)') + 1;
  return [
    { type: 'chat', chat: tea },
    { type: 'message', chatId: tea.id, id: key(sh('2024-05-01 09:05:07'), '10001', first), at: sh('2024-05-01 09:05:07'), where: 'line 9', from: zhang, text: first, extra: { title: '管理员' } },
    { type: 'message', chatId: tea.id, id: key(sh('2024-05-01 20:43:38'), 'lisi@qq.com', '[图片]看这个'), at: sh('2024-05-01 20:43:38'), where: 'line 15', from: { id: 'lisi@qq.com', name: '李四' }, text: '[图片]看这个', extra: { media: 'image' } },
    service('2024-05-01 20:44:00', '王五加入本群', 'join', 'join', ['王五']),
    service('2024-05-01 20:45:00', '赵六退出了本群', 'leave', 'leave', ['赵六']),
    service('2024-05-01 20:46:00', '孙七被管理员移出了本群', 'leave', 'kick', ['孙七']),
    service('2024-05-01 20:47:00', '群主更新了群公告', 'service', 'system', []),
    { type: 'message', chatId: tea.id, id: key(sh('2024-05-01 20:50:00'), '10003', '[表情]'), at: sh('2024-05-01 20:50:00'), where: 'line 30', from: { id: '10003', name: '王五' }, text: '[表情]', extra: { media: 'sticker' } },
    { type: 'chat', chat: ming },
    { type: 'message', chatId: ming.id, id: key(sh('2024-05-02 10:00:00'), '20001', '在吗', 0), at: sh('2024-05-02 10:00:00'), where: `line ${repeat}`, from: { id: '20001', name: '小明' }, text: '在吗', extra: {} },
    { type: 'message', chatId: ming.id, id: key(sh('2024-05-02 10:00:00'), '20001', '在吗', 1), at: sh('2024-05-02 10:00:00'), where: lineOf('2024-05-02 10:00:00 小明(20001)', repeat), from: { id: '20001', name: '小明' }, text: '在吗', extra: {} },
    { type: 'message', chatId: ming.id, id: key(sh('2024-05-02 10:00:05'), '10001', '在'), at: sh('2024-05-02 10:00:05'), where: 'line 45', from: zhang, text: '在', extra: {} },
  ];
}

describe('readQq on a real-layout export', () => {
  it.each([
    ['GB18030', () => iconv.encode(TEXT, 'gb18030')],
    ['GBK', () => iconv.encode(TEXT, 'gbk')],
    ['UTF-8 with BOM', () => Buffer.from(`\ufeff${TEXT}`, 'utf8')],
    ['UTF-8 without BOM', () => Buffer.from(TEXT, 'utf8')],
    ['UTF-16LE with BOM', () => Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(TEXT, 'utf16le')])],
  ])('reads two chats in %s: titles, e-mail senders, 12-hour times, multi-line texts, joins and leaves', async (name, bytes) => {
    const records = await read(write(`全部消息记录-${name}.txt`, bytes()));
    expect(records).toEqual(expected());
    // Sanity of the expectations themselves: the header lines named in `where` are where the test put them.
    expect(LINES[8]).toBe('2024-05-01 9:05:07 【管理员】张(三) (10001)');
    expect(LINES[29]).toBe('2024-05-01 8:50:00 PM 王五(10003)');
    expect(LINES[44]).toBe('2024-05-02 10:00:05 张(三) (10001)');
  });

  it('keeps two identical messages in the same second apart, and gives the same ids on a second read', async () => {
    const f = write('twice.txt', iconv.encode(TEXT, 'gb18030'));
    const ids = (rs: ChatRecord[]) => rs.flatMap((r) => (r.type === 'message' || r.type === 'service' ? [r.id] : []));
    const first = ids(await read(f));
    const second = ids(await read(f));
    expect(first).toEqual(second);
    expect(first.length).toBe(10);
    expect(new Set(first).size).toBe(10);
    const at = sh('2024-05-02 10:00:00');
    expect(first.filter((id) => id.startsWith(`${at}:20001:`))).toEqual([key(at, '20001', '在吗', 0), key(at, '20001', '在吗', 1)]);
  });

  it('makes a chat of a friends folder with three senders a group, and keeps text that only looks like a header', async () => {
    const text = [
      RULE, '消息分组:我的好友', RULE, '消息对象:讨论组', RULE, '',
      '2024-05-01 10:00:00 甲(1)', 'a', '2024-05-01 09:00:00 这行紧跟正文(9)', '',
      '2024-05-01 10:00:01 乙(2)', 'b', '',
      '2024-05-01 10:00:02 丙(3)', 'c', '',
    ].join('\n');
    const records = await read(write('discussion.txt', text));
    expect(records.map((r) => r.type)).toEqual(['chat', 'message', 'message', 'message']);
    expect(records[0]).toEqual({ type: 'chat', chat: { id: 'name:讨论组', name: '讨论组', kind: 'group', left: false } });
    expect(records[1]).toMatchObject({ text: 'a\n2024-05-01 09:00:00 这行紧跟正文(9)', where: 'line 7' });
  });

  it.each([
    ['gb18030', (t: string) => iconv.encode(t, 'gb18030')],
    ['utf16le', (t: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(t, 'utf16le')])],
  ])('reads lines across the 256 KiB chunks of a large %s file', async (name, encode) => {
    const lines = [RULE, '消息分组:我的群聊', RULE, '消息对象:大群', RULE, ''];
    for (let i = 0; i < 12000; i++) lines.push(`2024-05-01 10:${String(Math.floor(i / 60) % 60).padStart(2, '0')}:${String(i % 60).padStart(2, '0')} 成员${i % 7}(${100 + (i % 7)})`, `第${i}条消息，有点长的正文内容`, '');
    const text = lines.join('\r\n');
    const f = write(`large-${name}.txt`, encode(text));
    expect(fs.statSync(f).size).toBeGreaterThan(2 * (1 << 18));
    const records = await read(f);
    const messages = records.filter((r) => r.type === 'message');
    expect(records.length).toBe(12001);
    expect(messages.map((m) => (m.type === 'message' ? m.text : ''))).toEqual(Array.from({ length: 12000 }, (_, i) => `第${i}条消息，有点长的正文内容`));
    expect(messages[11999]).toMatchObject({ where: `line ${6 + 11999 * 3 + 1}`, from: { id: '101', name: '成员1' } });
  });

  it('skips a header whose time does not exist', async () => {
    const records = await read(write('bad-time.txt', '2024-02-30 10:00:00 甲(1)\nx\n\n2024-05-01 13:00:00 PM 甲(1)\ny\n'));
    expect(records).toEqual([
      { type: 'chat', chat: { id: 'name:bad-time', name: 'bad-time', kind: 'group', left: false } },
      { type: 'skip', chatId: 'name:bad-time', reason: 'a message header with a date or time that does not exist', where: 'line 1' },
      { type: 'skip', chatId: 'name:bad-time', reason: 'a message header with a date or time that does not exist', where: 'line 4' },
    ]);
  });
});

describe('readQq on files it cannot read', () => {
  it('fails on an empty file', async () => {
    const e = await failure(write('empty.txt', ''));
    expect([e.where, e.reason]).toEqual(['byte 0', 'the file is empty']);
  });

  it('fails on a file of blank lines', async () => {
    const e = await failure(write('blank.txt', '\r\n\r\n  \r\n'));
    expect([e.where, e.reason]).toEqual(['line 1', 'the file has no text']);
  });

  it('fails on a binary file, naming the NUL byte', async () => {
    const e = await failure(write('photo.txt', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48])));
    expect(e.where).toBe('byte 8');
    expect(e.reason).toMatch(/binary data/);
  });

  it('fails on a JSON file, naming its first line', async () => {
    const e = await failure(write('result.json', JSON.stringify({ name: '茶友会', messages: [] }, null, 2)));
    expect(e.where).toBe('line 1');
    expect(e.reason).toBe('not a QQ 消息管理器 .txt export: expected a message line like "2016-07-19 15:27:15 昵称(12345)", found "{"');
  });

  it('fails on text that does not decode in the encoding the file started in, naming the line', async () => {
    const bytes = Buffer.concat([Buffer.from('消息记录（此消息记录为文本格式，不支持重新导入）\n\n', 'utf8'), iconv.encode('2024-05-01 10:00:00 甲(1)\n', 'gb18030'), iconv.encode('你好\n', 'gb18030')]);
    const e = await failure(write('mixed.txt', bytes));
    expect(e.where).toBe('line 3');
    expect(e.reason).toMatch(/^the text \(from byte \d+\) does not decode as UTF-8, the encoding line 1 was read in/);
  });
});
