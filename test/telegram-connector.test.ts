// The Telegram connector end to end, against the local fake Bot API: a connected bot's updates become the
// group, its people and their activities (once, however often they are heard); the rules engine acts on a
// Telegram group as on a built-in one (a warning in the group, then a real restriction); the outbox's sends
// reach the group in order through Telegram's limits, 429s and 5xx, and a timeout's unknown outcome is
// retried and counted as ambiguous.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue } from '../src/modules/outbox/index.ts';
import { FakeTelegram, FakeTelegramError } from './fakes/telegram-bot-api.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { expectStatus, waitFor } from './helpers/api.ts';
import { systemCtx } from './helpers/clock.ts';

const KEY = Buffer.alloc(32, 5).toString('base64');
const TOKEN = '7101:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SG = -1001777000111;
const [ALICE, BOB, CAROL] = [501, 502, 503];
const SCALE = 50;
let fake: FakeTelegram;
let db: TestDatabase;
let t: TestServer;
let connectionId: string;
let workspaceId: string;

beforeAll(async () => {
  fake = await FakeTelegram.start({ timeScale: SCALE });
  fake.addBot({ token: TOKEN, username: 'tea_relay_bot', first_name: '茶友会' });
  fake.addUser({ id: ALICE, first_name: '爱丽丝', username: 'alice_tea' });
  fake.addUser({ id: BOB, first_name: 'Bob', last_name: 'Li' });
  fake.addUser({ id: CAROL, first_name: 'Carol' });
  fake.addChat({ id: SG, type: 'supergroup', title: '茶友会 Telegram 群' });
  fake.addMember(SG, ALICE);
  fake.addMember(SG, BOB);
  db = await createTestDatabase();
  t = await startTestServer({
    SHEQUN_TELEGRAM_API_ROOT: fake.url, SHEQUN_SECRET_KEY: KEY, SHEQUN_TELEGRAM_POLLING: 'true', SHEQUN_TELEGRAM_TIME_SCALE: String(SCALE),
    SHEQUN_TELEGRAM_TIMEOUT_MS: '400', SHEQUN_ENGINE_INTERVAL_MS: '50',
  }, { db });
  const c = await t.api.post('/api/v1/connections', { platform: 'telegram', token: TOKEN });
  expectStatus(c, 201);
  connectionId = c.body.id;
  workspaceId = (await t.server.rt.db.kysely.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
  await t.server.engine.listeners!.rescan();
  // The bot is added as an admin: with privacy mode on, only then does it hear every message.
  fake.addBotToChat(SG, TOKEN, { admin: true, by: ALICE });
});
afterAll(async () => {
  await t?.stop();
  await db?.drop();
  await fake?.close();
});

const group = () => waitFor(async () => (await t.api.get('/api/v1/groups?platform=telegram')).body.items.find((g: any) => g.externalId === '1777000111'));
const activities = async (groupId: string) => (await t.api.get(`/api/v1/activities?groupId=${groupId}&limit=500`)).body.items as any[];
const botTexts = () => fake.chatLog(SG).filter((e) => e.bot === 'tea_relay_bot' && e.text !== undefined).map((e) => e.text!);

describe('a Telegram group heard through a connected bot', () => {
  it('becomes a group with its people and their messages, joins, leaves and renames, each once', async () => {
    const g = await group();
    expect(g).toMatchObject({ platform: 'telegram', name: '茶友会 Telegram 群' });
    const first = fake.userSends(SG, ALICE, { text: '大家好，今天喝什么茶？' });
    fake.userSends(SG, BOB, { text: '@alice_tea 凤凰单丛', reply_to_message_id: first.message_id });
    fake.userJoins(SG, CAROL, { invitedBy: ALICE });
    fake.userLeaves(SG, BOB);
    fake.renameChat(SG, '茶友会 · 潮州', { by: ALICE });
    const acts = await waitFor(async () => {
      const a = await activities(g.id);
      return a.some((x) => x.kind === 'service' && x.payload.title === '茶友会 · 潮州') && a;
    });
    const messages = acts.filter((a) => a.kind === 'message').reverse();
    expect(messages.map((m) => m.payload.text)).toEqual(['大家好，今天喝什么茶？', '@alice_tea 凤凰单丛']);
    expect(messages[1].payload.replyTo).toBe(messages[0].id);
    expect(messages[1].payload.mentions).toEqual(['alice_tea']);
    expect(messages.every((m) => m.source === 'telegram')).toBe(true);
    const join = acts.find((a) => a.kind === 'join')!;
    const alice = messages[0].memberId;
    expect(join.payload.invitedBy).toBe(alice);
    expect(acts.find((a) => a.kind === 'leave')).toMatchObject({ memberId: messages[1].memberId });
    expect((await t.api.get(`/api/v1/groups/${g.id}`)).body.name).toBe('茶友会 · 潮州');
    // One member per Telegram account, found by its handle.
    const found = (await t.api.get('/api/v1/members?q=爱丽丝')).body.items;
    expect(found.map((m: any) => m.id)).toEqual([alice]);
    // Hearing the same updates again (a restart before the offset was saved) writes nothing new.
    const before = (await activities(g.id)).length;
    await t.server.rt.db.kysely.updateTable('connections').set({ poll_offset: null }).where('id', '=', connectionId).execute();
    fake.userSends(SG, ALICE, { text: '再来一条' });
    await waitFor(async () => (await activities(g.id)).some((a) => a.payload.text === '再来一条'));
    expect((await activities(g.id)).length).toBe(before + 1);
    // A quiet spell longer than an action's timeout is not an error for a long poll.
    await new Promise((r) => setTimeout(r, 800));
    expect(t.server.engine.listeners!.state().get(connectionId)).toMatchObject({ running: true, lastError: null });
    fake.userSends(SG, ALICE, { text: '安静之后' });
    await waitFor(async () => (await activities(g.id)).some((a) => a.payload.text === '安静之后'), 3000);
  });

  it('is moderated by the rules engine as a built-in group is: a warning in the group, then a real mute', async () => {
    const g = await group();
    expectStatus(await t.api.post('/api/v1/rules', { type: 'communication.moderation', targetType: 'group', targetId: g.id, settings: { steps: ['warn', 'mute'], muteMinutes: 30 } }), 201);
    fake.addMember(SG, CAROL);
    fake.userSends(SG, CAROL, { text: '加我微信 tea_shop_2024 领优惠' });
    await waitFor(async () => botTexts().some((x) => x.includes('请注意')));
    expect(botTexts().find((x) => x.includes('请注意'))).toContain('不要在群里留微信号');
    fake.userSends(SG, CAROL, { text: '便宜代购 www.fake-shop.top' });
    await waitFor(async () => fake.memberStatus(SG, CAROL).status === 'restricted');
    expect(() => fake.userSends(SG, CAROL, { text: '我被禁言了？' })).toThrow(FakeTelegramError);
    // Telegram restricted her before the worker recorded its answer: wait for the record too (a loaded run saw 'sending').
    const acts = async () => (await t.api.get(`/api/v1/rule-actions?groupId=${g.id}`)).body.items.map((a: any) => [a.action, a.status]);
    await waitFor(async () => (await acts()).every(([, status]: string[]) => status !== 'sending'));
    expect(await acts()).toEqual([['mute', 'done'], ['warn', 'done']]);
  });
});

describe('a Telegram group as a live session’s main group', () => {
  /** A live session from the Telegram group, Alice speaking, relayed to a new Telegram group the bot was added to; started from the chat. */
  async function liveTo(chatId: number, title: string, sessionTitle: string) {
    fake.addChat({ id: chatId, type: 'supergroup', title });
    fake.addBotToChat(chatId, TOKEN, { admin: true, by: ALICE });
    const main = await group();
    const target = await waitFor(async () => (await t.api.get('/api/v1/groups?platform=telegram')).body.items.find((g: any) => g.externalId === String(-chatId - 1_000_000_000_000)));
    const alice = (await t.api.get('/api/v1/members?q=爱丽丝')).body.items[0].id;
    const s = await t.api.post('/api/v1/live-sessions', {
      communityId: main.communityId, title: sessionTitle, mainGroupId: main.id, host: { type: 'member', id: alice }, speakers: [{ type: 'member', id: alice }],
      targets: { groupIds: [target.id] }, settings: { reminders: [], notices: false },
    });
    expectStatus(s, 201);
    fake.userSends(SG, ALICE, { text: '/start@tea_relay_bot' });
    await waitFor(async () => (await t.api.get(`/api/v1/live-sessions/${s.body.id}`)).body.status === 'live');
    return s;
  }

  it('relays its speaker to another Telegram group, a photo copied once, and follows an edit', async () => {
    const TARGET = -1001777000222;
    const s = await liveTo(TARGET, '茶友会 收听群', 'TG 直播');
    const said = fake.userSends(SG, ALICE, { text: '第一讲：选茶' });
    fake.addUser({ id: 504, first_name: 'Dan' });
    fake.addMember(SG, 504);
    fake.userSends(SG, 504, { text: '（闲聊不转播）' });
    const photo = fake.userSends(SG, ALICE, { photo: true, caption: '' });
    const relayed = () => fake.chatLog(TARGET).filter((e) => e.bot === 'tea_relay_bot').map((e) => e.text ?? e.caption);
    await waitFor(async () => relayed().length === 2);
    expect(relayed()).toEqual(['【主讲】爱丽丝：第一讲：选茶', '【主讲】爱丽丝']);
    // The photo was downloaded through the bot that heard it, kept once, and uploaded to Telegram again.
    expect(fake.chatLog(TARGET).filter((e) => e.bot === 'tea_relay_bot')[1]!.photo).toBeTruthy();
    expect((await t.api.get(`/api/v1/live-sessions/${s.body.id}/archive`)).body.items[1].image).toMatchObject({ width: 1, height: 1 });
    fake.editMessage(SG, said.message_id, '第一讲：选茶与择水');
    await waitFor(async () => relayed()[0] === '【主讲】爱丽丝：第一讲：选茶与择水');
    expect((await t.api.get(`/api/v1/live-sessions/${s.body.id}/archive`)).body.items[0].text).toBe('第一讲：选茶与择水');
    // A photo's text is its caption: edited as one (editMessageCaption), not as a message's text.
    fake.editMessage(SG, photo.message_id, '这是鸭屎香的干茶');
    await waitFor(async () => relayed()[1] === '【主讲】爱丽丝：这是鸭屎香的干茶');
    expect(fake.requests({ method: 'editMessageCaption' })).toHaveLength(1);
    expectStatus(await t.api.post(`/api/v1/live-sessions/${s.body.id}/stop`), 200);
  });

  it('tries a failed photo copy again, keeping the lines in order, and relays a note only after four failures', async () => {
    const TARGET = -1001777000333;
    const s = await liveTo(TARGET, '茶友会 第二收听群', 'TG 直播 2');
    const relayed = () => fake.chatLog(TARGET).filter((e) => e.bot === 'tea_relay_bot').map((e) => ({ text: e.text ?? e.caption, photo: Boolean(e.photo) }));
    // Two failures: the third try copies it, and the line after it waits for it.
    fake.failNext('getFile', { status: 502 }, { times: 2 });
    fake.userSends(SG, ALICE, { photo: true, caption: '第一张' });
    fake.userSends(SG, ALICE, { text: '看图' });
    await waitFor(async () => relayed().length === 2);
    expect(relayed()).toEqual([{ text: '【主讲】爱丽丝：第一张', photo: true }, { text: '【主讲】爱丽丝：看图', photo: false }]);
    // Four failures: the photo goes as a note, and the relay goes on.
    fake.failNext('getFile', { status: 502 }, { times: 4 });
    fake.userSends(SG, ALICE, { photo: true, caption: '' });
    fake.userSends(SG, ALICE, { text: '下一张' });
    await waitFor(async () => relayed().length === 4);
    expect(relayed().slice(2)).toEqual([{ text: '【主讲】爱丽丝：[图片]', photo: false }, { text: '【主讲】爱丽丝：下一张', photo: false }]);
    expect(fake.requests({ method: 'getFile' }).filter((r) => r.status === 502)).toHaveLength(6);
    expectStatus(await t.api.post(`/api/v1/live-sessions/${s.body.id}/stop`), 200);
  });
});

describe('sending to a Telegram group through the outbox', () => {
  const ctx = () => systemCtx(t, workspaceId);
  const send = async (g: string, key: string, texts: string[]) => ctx().transaction((tx) => enqueue(tx, texts.map((text, i) => ({
    dedupeKey: `${key}:${i}`, lane: `group:${g}`, action: 'send' as const, platform: 'telegram', groupId: g, memberId: null, payload: { text },
    origin: { type: 'operator' as const, id: null }, reason: null, causeActivityId: null,
  }))));
  const rows = (key: string) => t.server.rt.db.kysely.selectFrom('outbox').select(['status', 'ambiguous', 'attempts', 'last_error']).where('dedupe_key', 'like', `${key}:%`).orderBy('seq').execute();

  it('delivers in order within Telegram limits, through a 429, a 5xx and a timeout that did deliver', async () => {
    const g = await group();
    const texts = Array.from({ length: 8 }, (_, i) => `第 ${i + 1} 条`);
    fake.failNext('sendMessage', { status: 429, retry_after: 1 }, { times: 1 });
    fake.failNext('sendMessage', { status: 502 }, { times: 1 });
    fake.failNext('sendMessage', { timeout: true, delivered: true }, { times: 1 });
    const accepted0 = fake.chatStats(SG).accepted;
    await send(g.id, 'seq', texts);
    await waitFor(async () => (await rows('seq')).every((r) => r.status === 'done'), 20_000);
    const got = botTexts().filter((x) => x.startsWith('第 '));
    // The timed-out send had reached the group: sent again, it is the one duplicate, and it is counted.
    expect([...new Set(got)]).toEqual(texts);
    expect(got.length).toBe(texts.length + 1);
    const r = await rows('seq');
    expect(r.reduce((n, x) => n + Number(x.ambiguous), 0)).toBe(1);
    expect(fake.chatStats(SG).accepted - accepted0).toBe(texts.length + 1);
    // One message a second per chat (scaled), never faster: the outbox kept the window, so Telegram refused only what the test injected.
    const times = fake.sendTimes({ chatId: SG }).slice(-got.length);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeGreaterThanOrEqual(1000 / SCALE - 1);
  });

  it('refuses for good what Telegram will not do, and the group goes on', async () => {
    const g = await group();
    fake.failNext('sendMessage', { status: 403, description: 'Forbidden: bot was kicked from the supergroup chat' }, { times: 1 });
    await send(g.id, 'refused', ['不会到', '会到']);
    await waitFor(async () => (await rows('refused')).every((r) => r.status !== 'pending' && r.status !== 'sending'), 10_000);
    const r = await rows('refused');
    expect(r.map((x) => x.status)).toEqual(['failed', 'done']);
    expect(r[0]!.last_error).toContain('bot was kicked');
    expect(botTexts()).toContain('会到');
    expect(botTexts()).not.toContain('不会到');
  });
});
