// The rules engine's time-based rules on a Telegram group, as on a built-in one: the real server, a
// connected bot on the fake Bot API, and one clock (the test's) for the server, its engine and the fake.
// A scheduled post and a post on each join reach the group through the bot; a sharing session's reminder,
// start and end are posted by it (without the built-in "mute lifted" line: Shequn holds no mute there) and
// give the speaker the summary task and the points; the inactivity rule warns the silent and, after the
// grace period, the bot removes them from the group (banChatMember), while the active member stays. At the
// community's sunset the members of a Telegram group cannot be moved by Shequn: they are told where to go.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from './fakes/telegram-bot-api.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { expectStatus, makeGroup, waitFor } from './helpers/api.ts';
import { TestClock } from './helpers/clock.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');
const TOKEN = '7301:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const SG = -1001888000111;
const [ALICE, BOB, CAROL] = [601, 602, 603];
const SCALE = 50;
const MINUTE = 60_000;
const DAY = 86_400_000;
// Whole minutes, so a rule set for HH:MM falls due exactly `minutes` from now.
const clock = new TestClock(Math.floor(Date.now() / MINUTE) * MINUTE);
let fake: FakeTelegram;
let db: TestDatabase;
let t: TestServer;
let group: any;
let alice: string;

/** HH:MM in Shanghai, `minutes` from the test clock's now. */
const hm = (minutes: number) => new Date(clock.now() + minutes * MINUTE + 8 * 3_600_000).toISOString().slice(11, 16);
const botTexts = () => fake.chatLog(SG).filter((e) => e.bot === 'tea_rules_bot' && e.text !== undefined).map((e) => e.text!);
const activities = async () => (await t.api.get(`/api/v1/activities?groupId=${group.id}&limit=500`)).body.items as any[];
const linkStatus = async () => (await t.server.rt.db.kysely.selectFrom('group_links').select('status').where('group_id', '=', group.id).executeTakeFirst())?.status;
const actions = async () => (await t.api.get(`/api/v1/rule-actions?groupId=${group.id}`)).body.items as any[];

/**
 * Ticks the engine until `fn` holds, moving the clock a second between ticks: the outbox keeps Telegram's
 * per-group window (one send a second, scaled) on this clock, so sends after the first wait for it to move.
 */
async function settle<T>(what: string, fn: () => T | Promise<T>, ticks = 80): Promise<NonNullable<T>> {
  for (let i = 0; i < ticks; i++) {
    await t.server.engine.tick();
    const v = await fn();
    if (v) return v as NonNullable<T>;
    clock.t += 1000;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`settle: no ${what} after ${ticks} ticks`);
}

/** A member says something, and the server has heard it before the clock moves on. */
async function says(user: number, text: string) {
  fake.userSends(SG, user, { text });
  await waitFor(async () => (await activities()).some((a) => a.payload.text === text));
}

beforeAll(async () => {
  fake = await FakeTelegram.start({ timeScale: SCALE, now: () => clock.now() });
  fake.addBot({ token: TOKEN, username: 'tea_rules_bot', first_name: '茶友会助手' });
  fake.addUser({ id: ALICE, first_name: '爱丽丝' });
  fake.addUser({ id: BOB, first_name: 'Bob' });
  fake.addUser({ id: CAROL, first_name: 'Carol' });
  fake.addChat({ id: SG, type: 'supergroup', title: '茶友会 TG 群' });
  fake.addMember(SG, ALICE);
  db = await createTestDatabase();
  t = await startTestServer({
    SHEQUN_TELEGRAM_API_ROOT: fake.url, SHEQUN_SECRET_KEY: KEY, SHEQUN_TELEGRAM_POLLING: 'true', SHEQUN_TELEGRAM_TIME_SCALE: String(SCALE),
    SHEQUN_TELEGRAM_TIMEOUT_MS: '2000', SHEQUN_ENGINE_INTERVAL_MS: '60000', SHEQUN_ENGINE_SLOW_EVERY_MS: '0',
  }, { db, clock });
  expectStatus(await t.api.post('/api/v1/connections', { platform: 'telegram', token: TOKEN }), 201);
  await t.server.engine.listeners!.rescan();
  fake.addBotToChat(SG, TOKEN, { admin: true, by: ALICE });
  group = await waitFor(async () => (await t.api.get('/api/v1/groups?platform=telegram')).body.items.find((g: any) => g.externalId === '1888000111'));
  await says(ALICE, '大家好');
  fake.userJoins(SG, BOB);
  await waitFor(async () => (await activities()).some((a) => a.kind === 'join'));
  alice = (await t.api.get('/api/v1/members?q=爱丽丝')).body.items[0].id;
});
afterAll(async () => {
  await t?.stop();
  await db?.drop();
  await fake?.close();
});

describe('time-based rules on a Telegram group', () => {
  it('posts on a weekly schedule and on each join, through the bot', async () => {
    const rule = await t.api.post('/api/v1/rules', {
      type: 'communication.post', targetType: 'group', targetId: group.id, settings: { trigger: { on: 'schedule', days: [1, 2, 3, 4, 5, 6, 7], at: hm(2) }, text: '早安，{group}！' },
    });
    expectStatus(rule, 201);
    await t.server.engine.tick();
    expect(botTexts()).toEqual([]);
    clock.t += 2 * MINUTE;
    await settle('scheduled post', () => botTexts().includes('早安，茶友会 TG 群！'));
    // Once, however often the engine ticks within the hour.
    for (let i = 0; i < 3; i++) await t.server.engine.tick();
    expect(botTexts().filter((x) => x === '早安，茶友会 TG 群！')).toHaveLength(1);

    expectStatus(await t.api.patch(`/api/v1/rules/${rule.body.id}`, { settings: { trigger: { on: 'join' }, text: '欢迎 {nickname} 来到{group}' } }), 200);
    fake.userJoins(SG, CAROL);
    await settle('welcome', () => botTexts().includes('欢迎 Carol 来到茶友会 TG 群'));
    expect((await actions()).map((a) => [a.action, a.platform, a.status])).toEqual([['send', 'telegram', 'done'], ['send', 'telegram', 'done']]);
    expectStatus(await t.api.patch(`/api/v1/rules/${rule.body.id}`, { enabled: false }), 200);
  });

  it('runs a sharing session: the reminder, the start and the end in the group, the summary task and points for the speaker', async () => {
    const rule = await t.api.post('/api/v1/rules', {
      type: 'sharing.session', targetType: 'group', targetId: group.id,
      settings: { title: '周五茶话', days: [1, 2, 3, 4, 5, 6, 7], at: hm(30), durationMinutes: 20, remindMinutes: [10], summaryDueHours: 24, speakers: { mode: 'roster', memberIds: [alice] } },
    });
    expectStatus(rule, 201);
    clock.t += 21 * MINUTE;
    const remind = await settle('reminder', () => botTexts().find((x) => x.startsWith('📣 10 分钟后')));
    expect(remind).toContain('是「周五茶话」，主讲：爱丽丝');
    clock.t += 10 * MINUTE;
    const start = await settle('start', () => botTexts().find((x) => x.startsWith('🎤')));
    // Shequn does not hold a Telegram group's mute, so the session does not claim to lift it.
    expect(start).toBe('🎤「周五茶话」现在开始，主讲：爱丽丝。');
    clock.t += 20 * MINUTE;
    const end = await settle('end', () => botTexts().find((x) => x.startsWith('🙏')));
    expect(end).toBe('🙏「周五茶话」结束了，感谢 爱丽丝 的分享！');
    for (let i = 0; i < 3; i++) await t.server.engine.tick();
    expect(botTexts().filter((x) => /^(📣|🎤|🙏)/.test(x))).toHaveLength(3);
    const tasks = (await t.api.get(`/api/v1/tasks?groupId=${group.id}`)).body.items;
    expect(tasks).toMatchObject([{ memberId: alice, title: expect.stringContaining('经验总结：周五茶话'), originId: rule.body.id }]);
    expect((await t.api.get(`/api/v1/members/${alice}/points`)).body.total).toBe(20);
    const shared = (await actions()).filter((a) => a.originId === rule.body.id);
    expect(shared.map((a) => [a.platform, a.status])).toEqual([['telegram', 'done'], ['telegram', 'done'], ['telegram', 'done']]);
    expectStatus(await t.api.patch(`/api/v1/rules/${rule.body.id}`, { enabled: false }), 200);
  });

  it('warns the silent members, then the bot removes them (banChatMember); the active member stays', async () => {
    const rule = await t.api.post('/api/v1/rules', { type: 'elimination.inactivity', targetType: 'group', targetId: group.id, settings: { inactiveDays: 30, graceDays: 7 } });
    expectStatus(rule, 201);
    const mine = async () => (await actions()).filter((a) => a.originId === rule.body.id);
    // Alice keeps talking; Bob and Carol have said nothing since they joined.
    clock.t += 29 * DAY;
    await says(ALICE, '最近在喝单丛');
    await t.server.engine.tick();
    expect(await mine()).toEqual([]);
    clock.t += 2 * DAY;
    await settle('warnings', async () => botTexts().filter((x) => x.includes('天没有参与群里的互动了')).length === 2);
    const warned = await mine();
    expect(warned.map((a) => [a.action, a.platform, a.status])).toEqual([['warn', 'telegram', 'done'], ['warn', 'telegram', 'done']]);
    expect(botTexts().find((x) => x.startsWith('@Bob '))).toBe('@Bob 你已经 31 天没有参与群里的互动了。7 天内还没有发言或互动，将被移出本群，把位置留给更活跃的同好。');
    expect(fake.requests({ method: 'banChatMember' })).toHaveLength(0);

    clock.t += 6 * DAY;
    await says(ALICE, '周末一起喝茶');
    clock.t += 2 * DAY;
    await settle('removals', () => fake.requests({ method: 'banChatMember' }).length === 2 && fake.memberStatus(SG, CAROL).status === 'left');
    expect(fake.memberStatus(SG, BOB).status).toBe('left');
    expect(fake.memberStatus(SG, ALICE).status).toBe('member');
    // The bot hears its own removals (chat_member; it gets no service message for them): Shequn's record follows.
    const present = async () => (await t.api.get(`/api/v1/groups/${group.id}/memberships`)).body.items.map((m: any) => m.memberId);
    await settle('leaves recorded', async () => (await present()).length === 1);
    expect(await present()).toEqual([alice]);
    const left = (await t.api.get(`/api/v1/activities?groupId=${group.id}&kind=leave`)).body.items;
    expect(left.map((a: any) => a.payload.event)).toEqual(['removed', 'removed']);
    const done = await mine();
    expect(done.filter((a) => a.action === 'remove').map((a) => [a.platform, a.status, a.reason])).toEqual([
      ['telegram', 'done', '提醒后 7 天仍未参与互动'], ['telegram', 'done', '提醒后 7 天仍未参与互动'],
    ]);
    // Judged again, nothing repeats.
    for (let i = 0; i < 3; i++) await t.server.engine.tick();
    expect(await mine()).toHaveLength(4);
    expect(fake.requests({ method: 'banChatMember' })).toHaveLength(2);
  });

  it('counts silence only where every message is heard: not while the bot is no admin, and from when it is one again', async () => {
    const DAN = 604;
    fake.addUser({ id: DAN, first_name: 'Dan' });
    fake.userJoins(SG, DAN);
    await waitFor(async () => (await t.api.get('/api/v1/members?q=Dan')).body.items.length === 1);
    const warnsFor = () => botTexts().filter((x) => x.startsWith('@Dan '));
    // A bot in privacy mode hears commands only: the silent group is no evidence of anything.
    fake.addBotToChat(SG, TOKEN, { admin: false });
    await settle('the bot is no admin', async () => (await linkStatus()) === 'member');
    clock.t += 40 * DAY;
    for (let i = 0; i < 3; i++) await t.server.engine.tick();
    expect(warnsFor()).toEqual([]);
    // An admin again: Dan's silence counts from now, so a warning comes 30 days later, not at once.
    fake.addBotToChat(SG, TOKEN, { admin: true });
    await settle('the bot is an admin', async () => (await linkStatus()) === 'admin');
    for (let i = 0; i < 3; i++) await t.server.engine.tick();
    expect(warnsFor()).toEqual([]);
    clock.t += 31 * DAY;
    await settle('Dan warned', () => warnsFor().length === 1);
  });

  it('at the sunset asks the members to join the successor group, since Shequn cannot move them, and archives the group', async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(clock.now());
    const next = await makeGroup(t.api, group.communityId, { platform: 'builtin', name: '二期群' });
    expectStatus(await t.api.patch(`/api/v1/communities/${group.communityId}`, { canvas: { lifecycle: { startsOn: '2024-01-01', plannedEndOn: today, basis: 'community' } } }), 200);
    const rule = await t.api.post('/api/v1/rules', { type: 'elimination.sunset', targetType: 'group', targetId: group.id, settings: { action: 'move', successorGroupId: next.id } });
    expectStatus(rule, 201);
    await settle('sunset notice', () => botTexts().find((x) => x.startsWith('感谢大家一路相伴')));
    expect(botTexts().filter((x) => x.startsWith('感谢大家一路相伴'))).toEqual(['感谢大家一路相伴！本群按计划到了收官的时候。请大家加入「二期群」继续交流，入群方式请留意群主通知。']);
    expect((await t.api.get(`/api/v1/groups/${group.id}`)).body.status).toBe('archived');
    expect((await t.api.get(`/api/v1/groups/${next.id}/memberships`)).body.items).toEqual([]);
  });
});
