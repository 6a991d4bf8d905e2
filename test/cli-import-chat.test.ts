// `shequn import telegram`: real Telegram Desktop exports and generated whole-account exports through the
// real CLI, checked afterwards through the API on the same database: what the file holds, what was added,
// a re-import that adds nothing, a broken file that leaves nothing, and an interrupted import that goes on.
// The real samples go through the binary (node bin/shequn.js); the rest through the same main() in-process,
// which saves a node and tsx start-up (a second or more) per run.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { writeTelegramExport } from '../bench/import-telegram.bench.ts';
import { ctxFor } from '../src/bootstrap.ts';
import { readTelegram } from '../src/importers/telegram.ts';
import { fileKey } from '../src/importers/index.ts';
import { importChatExport } from '../src/modules/chat-import/index.ts';
import { DEFAULT_WORKSPACE_SLUG, findWorkspaceBySlug } from '../src/modules/workspace/index.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { apiOn, cliEnv, openDb, runCli, runInProcess, type ApiOnDb } from './helpers/cli.ts';
import { allPages, dbSnapshot } from './helpers/api.ts';

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const FIXTURES = new URL('../../shared/fixtures/telegram/', import.meta.url).pathname;
let db: TestDatabase;
let t: ApiOnDb;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  db = await createTestDatabase();
  t = await apiOn(db);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shequn-cli-tg-'));
  env = cliEnv(db, { SHEQUN_LOG_LEVEL: 'warn' });
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const write = (name: string, doc: unknown) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, typeof doc === 'string' ? doc : JSON.stringify(doc, null, '\t'));
  return f;
};
const telegramGroups = async () => (await allPages(t.api, '/api/v1/groups?platform=telegram')).items;
const activitiesOf = async (groupId: string) => (await allPages(t.api, `/api/v1/activities?groupId=${groupId}&limit=500`)).items;

describe('shequn import telegram on the real samples', () => {
  it('imports each chat once however many files hold it, keyed by Telegram ids; a re-import adds nothing', async () => {
    const files = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).sort();
    // What the files hold, by JSON.parse of each whole file: chats, and messages by (chat, id).
    const chats = new Map<string, string>();
    const messages = new Map<string, Set<string>>();
    const senders = new Map<string, Set<string>>();
    for (const f of files) {
      const whole = JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8'));
      chats.set(String(whole.id), whole.name);
      for (const m of whole.messages) {
        (messages.get(String(whole.id)) ?? messages.set(String(whole.id), new Set()).get(String(whole.id))!).add(String(m.id));
        (senders.get(String(whole.id)) ?? senders.set(String(whole.id), new Set()).get(String(whole.id))!).add(m.from_id);
      }
    }
    let addedMessages = 0;
    for (const f of files) {
      const r = await runCli(['import', 'telegram', path.join(FIXTURES, f), '--json', '--timezone', 'Asia/Jakarta'], env);
      expect(r.code, r.stderr).toBe(0);
      const whole = JSON.parse(fs.readFileSync(path.join(FIXTURES, f), 'utf8'));
      const report = r.json();
      expect(report).toMatchObject({
        format: 'telegram', groups: 1, messages: whole.messages.length, service_events: 0, skipped: 0,
        members: new Set(whole.messages.map((m: any) => m.from_id)).size,
      });
      addedMessages += report.added.messages;
    }
    const all = [...messages.values()].reduce((n, s) => n + s.size, 0);
    expect(addedMessages).toBe(all);
    const groups = await telegramGroups();
    expect(groups.map((g: any) => [g.externalId, g.name]).sort()).toEqual([...chats].sort());
    for (const g of groups) {
      const acts = await activitiesOf(g.id);
      expect(acts.filter((a: any) => a.kind === 'message').length, g.name).toBe(messages.get(g.externalId)!.size);
      expect(new Set(acts.map((a: any) => a.memberId)).size, g.name).toBe(senders.get(g.externalId)!.size);
    }
    // The same file again: everything is already there.
    const again = await runCli(['import', 'telegram', path.join(FIXTURES, files[0]!), '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json().added).toEqual({ groups: 0, members: 0, messages: 0, service_events: 0 });
    expect(again.stderr).toContain('added 0 groups, 0 members, 0 messages, 0 service events');
    // A member found by the name they wrote under, with their Telegram identity.
    const one = JSON.parse(fs.readFileSync(path.join(FIXTURES, files[0]!), 'utf8')).messages.find((m: any) => m.from);
    const hits = (await t.api.get(`/api/v1/members?q=${encodeURIComponent(one.from)}`)).body.items.filter((m: any) => m.displayName === one.from);
    expect(hits).toHaveLength(1);
    const member = (await t.api.get(`/api/v1/members/${hits[0].id}`)).body;
    expect(member.identities).toEqual([expect.objectContaining({ platform: 'telegram', externalId: one.from_id.replace(/^user/, '') })]);
  });
});

describe('shequn import telegram on a whole-account export', () => {
  const msg = (id: number, extra: object) => ({ id, type: 'message', date: '2024-05-01T10:00:00', date_unixtime: String(1714528800 + id), ...extra });
  const account = {
    about: 'Here is the data you requested.',
    chats: {
      about: '',
      list: [
        { name: '张三', type: 'personal_chat', id: 777, messages: [msg(1, { from: '张三', from_id: 'user777', text: '在吗' }), msg(2, { from: '我', from_id: 'user5', text: '在' })] },
        { name: 'BotFather', type: 'bot_chat', id: 93372553, messages: [msg(1, { from: 'BotFather', from_id: 'user93372553', text: '/start' })] },
        {
          name: '整合测试茶友会', type: 'private_supergroup', id: 1500100201,
          messages: [
            { id: 10, type: 'service', date: '2024-05-01T09:00:00', date_unixtime: '1714525200', actor: '群主', actor_id: 'user1', action: 'create_group', title: '茶友会', members: ['群主'], text: '' },
            { id: 11, type: 'service', date: '2024-05-01T09:01:00', date_unixtime: '1714525260', actor: '群主', actor_id: 'user1', action: 'invite_members', members: ['李四', '王五'], text: '' },
            msg(13, { from: '李四', from_id: 'user4', text: ['大家好，看 ', { type: 'link', text: 'https://t.me/tea' }] }),
            msg(14, { from: null, from_id: 'user999', text: '（已注销）' }),
            msg(15, { from: '王五', from_id: 'user5', photo: 'photos/1.jpg', text: '' }),
            { id: 17, type: 'service', date: '2024-05-01T11:00:00', date_unixtime: '1714532400', actor: '王五', actor_id: 'user5', action: 'remove_members', members: ['王五'], text: '' },
            { id: 18, type: 'service', date: '2024-05-01T11:01:00', date_unixtime: '1714532460', actor: '群主', actor_id: 'user1', action: 'pin_message', message_id: 13, text: '' },
          ],
        },
        { name: 'Saved Messages', type: 'saved_messages', id: 5, messages: [msg(3, { from: '我', from_id: 'user5', text: '备忘' })] },
      ],
    },
    left_chats: { about: '', list: [{ name: '整合测试旧群', type: 'private_group', id: 42001, messages: [msg(1, { from: '路人', from_id: 'user8', text: '再见' })] }] },
  };

  it('counts every chat, imports the groups (left ones archived) with joins and leaves, and skips the rest with reasons', async () => {
    const r = await runInProcess(['import', 'telegram', write('result.json', account), '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({
      format: 'telegram', groups: 5, messages: 8, service_events: 4, skipped: 4,
      // 777, 5 (我 = 王五), 93372553, 1, 4, 999, 8.
      members: 7,
      added: { groups: 2, messages: 4, service_events: 5 },
      skippedReasons: [
        { reason: 'in a one-to-one chat, not a group', count: 2, first: expect.stringMatching(/^byte \d+$/) },
        { reason: 'in a chat with a bot, not a group', count: 1 },
        { reason: 'in a Saved Messages chat, not a group', count: 1 },
      ],
    });
    expect(r.stderr).toMatch(/skipped 2: in a one-to-one chat, not a group \(first at byte \d+\)/);
    const groups = (await telegramGroups()).filter((g: any) => g.name.startsWith('整合测试'));
    expect(groups.map((g: any) => [g.name, g.status]).sort()).toEqual([['整合测试旧群', 'archived'], ['整合测试茶友会', 'active']]);
    const tea = groups.find((g: any) => g.name === '整合测试茶友会');
    const acts = await activitiesOf(tea.id);
    expect(acts.map((a: any) => a.kind).sort()).toEqual(['join', 'join', 'leave', 'message', 'message', 'message', 'service', 'service']);
    const link = acts.find((a: any) => a.payload.text?.includes('https://t.me/tea'));
    expect(link).toMatchObject({ source: 'import:telegram', sourceId: '1500100201:13', occurredAt: new Date(1714528813000).toISOString() });
    // 李四, invited by name, is the 李四 who then speaks (user 4); 王五 left.
    const members = (await t.api.get(`/api/v1/groups/${tea.id}/memberships?limit=100&includeLeft=true`)).body.items;
    const named = (n: string) => members.find((m: any) => m.displayName === n);
    expect(members.map((m: any) => m.displayName).sort()).toEqual(['李四', '王五', '已注销账号 Deleted Account', '群主'].sort());
    expect(named('李四')).toMatchObject({ joinedAt: new Date(1714525260000).toISOString(), invitedBy: named('群主').memberId, leftAt: null });
    expect(named('王五')).toMatchObject({ joinedAt: new Date(1714525260000).toISOString(), leftAt: new Date(1714532400000).toISOString() });
    const current = (await t.api.get(`/api/v1/groups/${tea.id}/memberships?limit=100`)).body.items;
    expect(current.map((m: any) => m.displayName)).not.toContain('王五');
  });

  it('fails a truncated export with its byte offset and leaves nothing behind (exit 2)', async () => {
    const before = await dbSnapshot({ server: t.server } as any);
    const full = JSON.stringify({ ...account, chats: { list: account.chats.list.map((c) => ({ ...c, id: c.id + 1_000_000_000, name: `截断${c.name}` })) } }, null, '\t');
    const cut = write('cut.json', full.slice(0, full.lastIndexOf('"id": 17')));
    const r = await runInProcess(['import', 'telegram', cut, '--json'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cut\.json: byte \d+: the file ends early, inside chats\.list\.\*\.messages\.\* \(truncated\?\); nothing from this file was kept/);
    const after = await dbSnapshot({ server: t.server } as any);
    expect(without(after.counts, 'imports')).toEqual(without(before.counts, 'imports'));
    expect(without(after.rows, 'imports')).toEqual(without(before.rows, 'imports'));
    const failed = await t.rt.db.kysely.selectFrom('imports').selectAll().where('file_name', '=', 'cut.json').execute();
    expect(failed.map((i) => i.status)).toEqual(['failed']);
    for (const bad of [write('bin.json', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0])), write('nope.json', '{"users": []}'), path.join(dir, 'missing.json')]) {
      const x = await runInProcess(['import', 'telegram', bad], env);
      expect(x.code, bad).toBe(2);
      expect(x.stderr, bad).toContain(bad);
    }
  });
});

describe('a failure after batches were written', () => {
  it('removes every row the import had written (its activities found by time, without an index), and nothing else', async () => {
    const big = path.join(dir, 'big-cut.json');
    writeTelegramExport(big, 12_000, 9);
    const text = fs.readFileSync(big, 'utf8');
    // Past the second batch of 5,000: two batches are committed when the cut is found.
    fs.writeFileSync(big, text.slice(0, Math.floor(text.length * 0.9)));
    const before = await dbSnapshot({ server: t.server } as any);
    const r = await runInProcess(['import', 'telegram', big, '--json'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/big-cut\.json: byte \d+: the file ends early/);
    const failed = await t.rt.db.kysely.selectFrom('imports').selectAll().where('file_name', '=', 'big-cut.json').executeTakeFirstOrThrow();
    expect(failed.status).toBe('failed');
    expect(Number(failed.records_done)).toBe(10_000);
    const after = await dbSnapshot({ server: t.server } as any);
    expect(without(after.counts, 'imports')).toEqual(without(before.counts, 'imports'));
    expect(without(after.rows, 'imports')).toEqual(without(before.rows, 'imports'));
  });
});

const without = (o: object, ...keys: string[]) => Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));

describe('an interrupted import', () => {
  it('shows nothing while it is unfinished, and a re-run of the same file goes on from its checkpoint', async () => {
    const file = path.join(dir, 'big.json');
    writeTelegramExport(file, 12_000, 5);
    const rt = await openDb(db);
    const ws = (await findWorkspaceBySlug(rt.db.kysely, DEFAULT_WORKSPACE_SLUG))!;
    const key = `test-key-${Date.now()}`;
    // The process dies after 7,000 records: the first batch (5,000) is written, the rest never comes.
    let seen = 0;
    let stalled!: () => void;
    const stall = new Promise<void>((r) => (stalled = r));
    void importChatExport(ctxFor(rt, ws), {
      platform: 'telegram', format: 'telegram', fileName: 'big.json', fileKey: key,
      records: async function* () {
        for await (const r of readTelegram(file, { timezone: 'Asia/Shanghai' })) {
          if (++seen > 7000) {
            stalled();
            await new Promise(() => {});
          }
          yield r;
        }
      },
    });
    await stall;
    const running = await rt.db.kysely.selectFrom('imports').selectAll().where('file_key', '=', key).executeTakeFirstOrThrow();
    expect(running).toMatchObject({ status: 'running', records_done: 5000 });
    // Nothing of it shows while it runs.
    expect((await telegramGroups()).filter((g: any) => g.externalId === '1734500001')).toEqual([]);
    await rt.db.close();

    // The CLI keys the file by its bytes; the same bytes under the test's key stand for "the same file".
    await t.rt.db.kysely.updateTable('imports').set({ file_key: await fileKey(file) }).where('id', '=', running.id).execute();
    const r = await runInProcess(['import', 'telegram', file, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const report = r.json();
    expect(report.importId).toBe(running.id);
    expect(report.messages + report.service_events).toBe(12_000);
    expect(r.stderr).toContain('(resumed after record 5000)');
    const [g] = (await telegramGroups()).filter((x: any) => x.externalId === '1734500001');
    const acts = await activitiesOf(g.id);
    expect(acts.filter((a: any) => a.kind === 'message')).toHaveLength(report.messages);
    expect(report.added.messages).toBe(report.messages);
  });
});

describe('shequn import whatsapp', () => {
  const SAMPLE = new URL('../../shared/fixtures/whatsapp/whatsapp-chat-parser_short-chat.txt', import.meta.url).pathname;

  it('imports the real sample once, keyed by phone number where it shows one, whatever zone it is read in again', async () => {
    const r = await runInProcess(['import', 'whatsapp', SAMPLE, '--json', '--timezone', 'Europe/Zurich'], env);
    expect(r.code, r.stderr).toBe(0);
    // Sample User, TestBot, +410123456789, and "You" (who created the group).
    expect(r.json()).toMatchObject({ format: 'whatsapp', groups: 1, members: 4, messages: 3, service_events: 2, skipped: 0, added: { groups: 1, members: 4, messages: 3, service_events: 2 } });
    const again = await runInProcess(['import', 'whatsapp', SAMPLE, '--json', '--timezone', 'Asia/Shanghai'], env);
    expect(again.json().added).toEqual({ groups: 0, members: 0, messages: 0, service_events: 0 });
    const [g] = (await allPages(t.api, '/api/v1/groups?platform=whatsapp')).items;
    expect(g).toMatchObject({ name: 'ShortChat', externalId: 'name:ShortChat' });
    const acts = await activitiesOf(g.id);
    const multi = acts.find((a: any) => a.kind === 'message' && a.payload.text.startsWith('How are you?'));
    expect(multi).toMatchObject({ payload: { text: 'How are you?\n\nIs everything alright?' }, occurredAt: '2017-09-03T23:50:00.000Z' });
    const member = (await t.api.get(`/api/v1/members/${multi.memberId}`)).body;
    expect(member.identities).toEqual([expect.objectContaining({ platform: 'whatsapp', externalId: '+410123456789' })]);
  });

  it('refuses a file that is not a WhatsApp export, naming the line (exit 2)', async () => {
    const r = await runInProcess(['import', 'whatsapp', write('not-wa.txt', 'name,phone\n张三,138\n')], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not-wa\.txt: line 1: .*nothing from this file was kept/);
  });
});

describe('shequn import qq and wechat', () => {
  it('imports the real QQ sample keyed by QQ number, once', async () => {
    const QQ = new URL('../../shared/fixtures/qq/qq-chat-history_tests_file.txt', import.meta.url).pathname;
    const r = await runInProcess(['import', 'qq', QQ, '--json', '--timezone', 'Asia/Shanghai'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ format: 'qq', groups: 1, members: 2, messages: 2, service_events: 0, skipped: 0, added: { groups: 1, members: 2, messages: 2 } });
    expect((await runInProcess(['import', 'qq', QQ, '--json'], env)).json().added).toEqual({ groups: 0, members: 0, messages: 0, service_events: 0 });
    const [g] = (await allPages(t.api, '/api/v1/groups?platform=qq')).items;
    const acts = await activitiesOf(g.id);
    // Shanghai in 1883 kept local mean time, UTC+8:05:43.
    expect(acts.map((a: any) => [a.payload.text, a.occurredAt]).sort()).toEqual([['A', '1883-03-07T03:16:50.000Z'], ['B', '1883-03-07T04:29:13.000Z']]);
  });

  it('imports a WeChat CSV: the group chat, not the one-to-one chat; a mini-program card is marked', async () => {
    const csv = [
      '\ufefflocalId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender',
      '1,123456@chatroom,1,0,0,1714528800,2,"大家好，我是张三",2024-05-01 10:00:00,,张三,wxid_zhang',
      '2,123456@chatroom,49,33,0,1714528860,2,小程序：领券,2024-05-01 10:01:00,,李四,wxid_li',
      '3,123456@chatroom,10000,0,0,1714528920,2,"""张三""邀请""王五""加入了群聊",2024-05-01 10:02:00,,,',
      '1,wxid_zhang,1,0,1,1714529000,2,在吗,2024-05-01 10:03:20,张三,张三,',
    ].join('\n');
    const r = await runInProcess(['import', 'wechat', write('msg.csv', csv), '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ format: 'wechat', groups: 2, messages: 3, service_events: 1, skipped: 1, added: { groups: 1, messages: 2 } });
    const [g] = (await allPages(t.api, '/api/v1/groups?platform=wechat')).items;
    expect(g.externalId).toBe('123456@chatroom');
    const acts = await activitiesOf(g.id);
    expect(acts.find((a: any) => a.kind === 'message' && a.payload.miniProgram === true)).toBeTruthy();
    expect(acts.filter((a: any) => a.kind === 'join')).toHaveLength(1);
  });
});

describe('shequn import discord and slack', () => {
  it('imports the real Slack sample folder (no users.json), once', async () => {
    const copy = path.join(dir, 'slack-export');
    fs.cpSync(new URL('../../shared/fixtures/slack/', import.meta.url).pathname, copy, { recursive: true });
    const channels = JSON.parse(fs.readFileSync(path.join(copy, 'channels.json'), 'utf8'));
    const day = JSON.parse(fs.readFileSync(path.join(copy, 'random', '2017-06-25.json'), 'utf8'));
    const r = await runInProcess(['import', 'slack', copy, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const report = r.json();
    expect(report).toMatchObject({ format: 'slack', groups: channels.length, skipped: 0 });
    expect(report.messages + report.service_events).toBe(day.length);
    expect((await runInProcess(['import', 'slack', copy, '--json'], env)).json().added).toEqual({ groups: 0, members: 0, messages: 0, service_events: 0 });
    const random = (await allPages(t.api, '/api/v1/groups?platform=slack')).items.find((g: any) => g.name === 'random');
    expect(random.externalId).toBe(channels.find((c: any) => c.name === 'random').id);
    expect((await activitiesOf(random.id)).map((a: any) => a.sourceId.split(':')[1]).sort()).toEqual(day.map((m: any) => m.ts).sort());
  });

  it('imports a DiscordChatExporter JSON channel keyed by author ids', async () => {
    const doc = {
      guild: { id: '800000000000000001', name: '茶友服务器' }, channel: { id: '900000000000000002', type: 'GuildTextChat', name: '闲聊' },
      messages: [
        { id: '1000000000000000001', type: 'Default', timestamp: '2024-05-01T10:00:00+08:00', content: '大家好', author: { id: '700000000000000001', name: 'zhang', nickname: '张三', isBot: false }, attachments: [] },
        { id: '1000000000000000002', type: 'Reply', timestamp: '2024-05-01T10:01:00+08:00', content: '你好', author: { id: '700000000000000002', name: 'li', isBot: false }, attachments: [], reference: { messageId: '1000000000000000001' } },
      ],
    };
    const r = await runInProcess(['import', 'discord', write('discord.json', doc), '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ format: 'discord', groups: 1, members: 2, messages: 2, added: { groups: 1, members: 2, messages: 2 } });
    const g = (await allPages(t.api, '/api/v1/groups?platform=discord')).items[0];
    expect(g).toMatchObject({ name: '茶友服务器 #闲聊', externalId: '900000000000000002' });
    const reply = (await activitiesOf(g.id)).find((a: any) => a.payload.text === '你好');
    expect(reply).toMatchObject({ occurredAt: '2024-05-01T02:01:00.000Z', payload: { replyTo: '1000000000000000001' } });
  });
});
