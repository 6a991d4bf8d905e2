import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExportError, type ChatRecord } from './chat-records.ts';
import { readTelegram } from './telegram.ts';

const FIXTURES = new URL('../../../shared/fixtures/telegram/', import.meta.url).pathname;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shequn-tg-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function read(file: string, timezone = 'Asia/Shanghai'): Promise<ChatRecord[]> {
  const out: ChatRecord[] = [];
  for await (const r of readTelegram(file, { timezone })) out.push(r);
  return out;
}
const write = (name: string, doc: unknown) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, typeof doc === 'string' ? doc : JSON.stringify(doc, null, '\t'));
  return f;
};
const flat = (t: unknown) => (typeof t === 'string' ? t : (t as any[]).map((x) => (typeof x === 'string' ? x : x.text)).join(''));

describe('readTelegram on real exports', () => {
  it('reads every message of every sample as JSON.parse of the whole file sees it', async () => {
    const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json'));
    expect(files.length).toBe(7);
    for (const f of files) {
      const whole = JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8'));
      const records = await read(path.join(FIXTURES, f), 'Asia/Jakarta');
      expect(records[0], f).toEqual({ type: 'chat', chat: { id: String(whole.id), name: whole.name, kind: 'group', left: false } });
      const messages = records.filter((r) => r.type === 'message');
      expect(messages.length, f).toBe(whole.messages.length);
      whole.messages.forEach((m: any, i: number) => {
        const r = messages[i] as any;
        expect(r.id).toBe(String(m.id));
        expect(r.text).toBe(flat(m.text));
        expect(r.from).toEqual({ id: m.from_id.replace(/^user/, ''), name: m.from ?? '已注销账号 Deleted Account' });
        // Exports without date_unixtime give local time: Jakarta is UTC+7.
        expect(r.at).toBe(m.date_unixtime ? Number(m.date_unixtime) * 1000 : Date.parse(`${m.date}+07:00`));
        if (m.reply_to_message_id) expect(r.extra.replyTo).toBe(String(m.reply_to_message_id));
        if (m.photo) expect(r.extra.media).toBe('photo');
        if (m.media_type) expect(r.extra.media).toBe(m.media_type);
      });
    }
  });
});

describe('readTelegram on a whole-account export', () => {
  const msg = (id: number, extra: object) => ({ id, type: 'message', date: '2024-05-01T10:00:00', date_unixtime: String(1714528800 + id), ...extra });
  const account = {
    about: 'Here is the data you requested.',
    personal_information: { user_id: 5, first_name: '我' },
    contacts: { about: '', list: [] },
    chats: {
      about: 'This page lists all chats from this export.',
      list: [
        { name: '张三', type: 'personal_chat', id: 777, messages: [msg(1, { from: '张三', from_id: 'user777', text: '在吗' })] },
        {
          name: '茶友会', type: 'private_supergroup', id: 1500100200,
          messages: [
            { id: 10, type: 'service', date: '2024-05-01T09:00:00', date_unixtime: '1714525200', actor: '群主', actor_id: 'user1', action: 'create_group', title: '茶友会', members: ['群主'], text: '', text_entities: [] },
            { id: 11, type: 'service', date: '2024-05-01T09:01:00', date_unixtime: '1714525260', actor: '群主', actor_id: 'user1', action: 'invite_members', members: ['李四', '王五'], text: '', text_entities: [] },
            { id: 12, type: 'service', date: '2024-05-01T09:02:00', date_unixtime: '1714525320', actor: '赵六', actor_id: 'user6', action: 'join_group_by_link', inviter: '群主', text: '', text_entities: [] },
            msg(13, { from: '李四', from_id: 'user4', text: ['大家好，看 ', { type: 'link', text: 'https://t.me/tea' }], text_entities: [] }),
            msg(14, { from: null, from_id: 'user999', text: '（已注销）' }),
            msg(15, { from: '王五', from_id: 'user5', photo: 'photos/1.jpg', width: 10, height: 10, text: '' }),
            msg(16, { from: '赵六', from_id: 'user6', reply_to_message_id: 13, edited: '2024-05-01T10:20:00', edited_unixtime: '1714530000', text: '你好\n第二行' }),
            { id: 17, type: 'service', date: '2024-05-01T11:00:00', date_unixtime: '1714532400', actor: '王五', actor_id: 'user5', action: 'remove_members', members: ['王五'], text: '', text_entities: [] },
            { id: 18, type: 'service', date: '2024-05-01T11:01:00', date_unixtime: '1714532460', actor: '群主', actor_id: 'user1', action: 'pin_message', message_id: 13, text: '', text_entities: [] },
          ],
        },
        { name: 'Saved Messages', type: 'saved_messages', id: 5, messages: [] },
      ],
    },
    left_chats: { about: '', list: [{ name: '旧群', type: 'private_group', id: 42, messages: [msg(1, { from: '路人', from_id: 'user8', text: '再见' })] }, { name: '空群', type: 'public_supergroup', id: 43, messages: [] }] },
  };

  it('yields every chat (one-to-one, saved and left ones too), messages and service events in file order', async () => {
    const records = await read(write('result.json', account));
    expect(records.filter((r) => r.type === 'chat').map((r) => (r as any).chat)).toEqual([
      { id: '777', name: '张三', kind: 'private', left: false },
      { id: '1500100200', name: '茶友会', kind: 'group', left: false },
      { id: '5', name: 'Saved Messages', kind: 'saved', left: false },
      { id: '42', name: '旧群', kind: 'group', left: true },
      { id: '43', name: '空群', kind: 'group', left: true },
    ]);
    const group = records.filter((r) => r.type !== 'chat' && r.type !== 'skip' && r.chatId === '1500100200') as any[];
    expect(group.map((r) => [r.id, r.type, r.kind ?? null, r.event ?? null])).toEqual([
      ['10', 'service', 'service', 'create_group'], ['11', 'service', 'join', 'invite_members'], ['12', 'service', 'join', 'join_group_by_link'],
      ['13', 'message', null, null], ['14', 'message', null, null], ['15', 'message', null, null], ['16', 'message', null, null],
      ['17', 'service', 'leave', 'remove_members'], ['18', 'service', 'service', 'pin_message'],
    ]);
    expect(group[1]).toMatchObject({ actor: { id: '1', name: '群主' }, members: [{ id: null, name: '李四' }, { id: null, name: '王五' }] });
    expect(group[2]).toMatchObject({ actor: { id: '6', name: '赵六' }, members: [], extra: { inviter: '群主' } });
    expect(group[3]).toMatchObject({ text: '大家好，看 https://t.me/tea', from: { id: '4', name: '李四' } });
    expect(group[4]).toMatchObject({ from: { id: '999', name: '已注销账号 Deleted Account' } });
    expect(group[5]).toMatchObject({ text: '', extra: { media: 'photo' } });
    expect(group[6]).toMatchObject({ text: '你好\n第二行', at: 1714528816000, extra: { replyTo: '13', editedAt: 1714530000000 } });
    expect(group[8]).toMatchObject({ extra: { messageId: 13 } });
  });

  it('refuses a truncated export, another JSON, and a file that is not JSON, naming the byte offset', async () => {
    const full = JSON.stringify(account, null, '\t');
    const cut = write('cut.json', full.slice(0, full.indexOf('"id": 16')));
    const e = await read(cut).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ExportError);
    expect((e as ExportError).message).toMatch(/cut\.json: byte \d+: the file ends early, inside chats\.list\.\*\.messages/);
    await expect(read(write('other.json', { users: [{ id: 1 }] }))).rejects.toThrow(/not a Telegram Desktop JSON export/);
    await expect(read(write('array.json', [{ id: 'C1', name: 'general' }]))).rejects.toThrow(/not a Telegram Desktop JSON export/);
    await expect(read(write('chat.txt', '2024/5/1 10:00 - 张三: 你好\n'))).rejects.toThrow(/byte 0: not JSON/);
    await expect(read(write('empty.json', ''))).rejects.toThrow(/byte 0: the file is empty/);
  });

  it('reads old exports (no date_unixtime) in the zone given, and skips records it cannot date', async () => {
    const f = write('old.json', { name: 'g', type: 'private_group', id: 9, messages: [msg(1, { date_unixtime: undefined, from: 'a', from_id: 'user1', text: 'x' }), { id: 2, type: 'message', date: 'yesterday', from: 'a', from_id: 'user1', text: 'y' }] });
    const records = await read(f, 'Asia/Shanghai');
    expect(records[1]).toMatchObject({ type: 'message', at: Date.parse('2024-05-01T10:00:00+08:00') });
    expect(records[2]).toMatchObject({ type: 'skip', chatId: '9', reason: 'a message without a readable date ("yesterday")' });
  });
});
