// Restarts in the middle: the engine's time comes from a clock the test moves, and the server is stopped
// and started again on the same database between (and inside) the steps of a sharing session and of a
// moderation ladder. Nothing due is lost, nothing is done twice, and a step that came too late is not done.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../src/kernel/clock.ts';
import { Ctx } from '../src/kernel/context.ts';
import { TenantDb } from '../src/kernel/db/tenant.ts';
import { runRules, runnerState, runSchedules } from '../src/modules/rules/index.ts';
import { Client, startTestServer, type TestServer } from './helpers/server.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { expectProblem, expectStatus, joinAsMember, makeCommunity, makeGroup } from './helpers/api.ts';

const MINUTE = 60_000;

class TestClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  advance(minutes: number): void {
    this.t += minutes * MINUTE;
  }
}

// Whole minutes, so a session set for HH:MM starts exactly `minutes` from the start.
const clock = new TestClock(Math.floor(Date.now() / MINUTE) * MINUTE);
let db: TestDatabase;
let t: TestServer;
const engineOff = { SHEQUN_ENGINE_INTERVAL_MS: '60000', SHEQUN_ENGINE_SLOW_EVERY_MS: '0', SHEQUN_JOIN_LIMIT: '1000' };

/** Stops the server (a crash, as far as the engine's memory goes) and starts another on the same database. */
async function restart(downtimeMinutes = 0) {
  await t.stop();
  clock.advance(downtimeMinutes);
  t = await startTestServer(engineOff, { clock, db });
}

/** The engine's first half by hand: what a pass queues, without carrying it out. */
const engineCtx = () => {
  const rt = t.server.rt;
  return new Ctx(new TenantDb(rt.db.kysely, workspaceId, rt.db.sqlite), { kind: 'system', id: null, name: 'test', role: 'admin', scope: null }, rt.clock, rt.ids, rt.log);
};

let workspaceId: string;
beforeAll(async () => {
  db = await createTestDatabase();
  t = await startTestServer(engineOff, { clock, db });
  // A fresh database holds the default workspace only.
  workspaceId = (await t.server.rt.db.kysely.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await t?.stop();
  await db?.drop();
});

/** A member's client on the server running now (its address changes at each restart). */
const as = (m: { cookie: string; csrf: string }) => new Client(t.url).withHeaders({ cookie: m.cookie, 'x-csrf-token': m.csrf });
let seq = 0;
const say = (m: { cookie: string; csrf: string }, g: string, text: string) => as(m).post(`/api/v1/me/groups/${g}/messages`, { clientId: `restart-${++seq}`, text });
const outbox = async (groupId: string) => t.server.rt.db.kysely.selectFrom('outbox').select(['dedupe_key', 'action', 'status', 'payload']).where('group_id', '=', groupId).orderBy('created_at').orderBy('id').execute();

describe('a restart in the middle of a sharing session', () => {
  it('reminds once, carries out a start queued before the crash, skips what came too late, and ends once', async () => {
    const community = await makeCommunity(t.api, { name: '重启社群' });
    const g = await makeGroup(t.api, community.id, { platform: 'builtin' });
    const inv = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id });
    const speaker = await joinAsMember(t, inv.body.code, { name: '主讲' });
    const listener = await joinAsMember(t, inv.body.code, { name: '听众' });
    expectStatus(await t.api.post('/api/v1/rules', { type: 'communication.mute_schedule', targetType: 'group', targetId: g.id, settings: { allMuted: true } }), 201);
    // Every day at now + 30 minutes in Shanghai, for 20 minutes, with a reminder 10 minutes before.
    const at = new Date(clock.now() + 30 * MINUTE + 8 * 3_600_000).toISOString().slice(11, 16);
    const rule = await t.api.post('/api/v1/rules', {
      type: 'sharing.session', targetType: 'group', targetId: g.id,
      settings: { title: '重启茶话', days: [1, 2, 3, 4, 5, 6, 7], at, durationMinutes: 20, remindMinutes: [10], summaryDueHours: 24, speakers: { mode: 'roster', memberIds: [speaker.result.memberId] } },
    });
    expectStatus(rule, 201);
    const kinds = async () => (await outbox(g.id)).map((r) => `${r.dedupe_key.split(':').at(-1)}/${r.status}`);

    clock.advance(21); // the reminder fell due a minute ago
    await t.server.engine.tick();
    await t.server.engine.tick();
    expect(await kinds()).toEqual(['10/done']);
    expectProblem(await say(listener, g.id, '开始了吗'), 403, undefined, 'chat.refused');

    clock.advance(10); // a minute into the session: the start is queued, and the process dies before carrying it out
    expect(await runSchedules(engineCtx())).toBe(1);
    expect(await kinds()).toEqual(['10/done', 'start/pending']);
    await restart(2);
    await t.server.engine.tick();
    expect(await kinds()).toEqual(['10/done', 'start/done']);
    // The session lifts the group's mute (it is read at each post, from the same clock).
    expectStatus(await say(listener, g.id, '老师好'), 201);
    expectStatus(await say(speaker, g.id, '大家好，开始分享'), 201);

    // Down across the session's end: the end comes after the restart, once, with its summary task and points.
    await restart(30);
    await t.server.engine.tick();
    await t.server.engine.tick();
    expect(await kinds()).toEqual(['10/done', 'start/done', 'end/done']);
    expectProblem(await say(listener, g.id, '还能说吗'), 403, undefined, 'chat.refused');
    const tasks = (await t.api.get(`/api/v1/tasks?groupId=${g.id}`)).body.items;
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ memberId: speaker.result.memberId, title: expect.stringContaining('经验总结：重启茶话') });
    expect((await as(speaker).get('/api/v1/me/points')).body.total).toBe(20);

    // Down across the whole of the next day's session (from before its reminder to after its end): the
    // reminder and the start would come too late and are not sent; the end still is.
    clock.advance(24 * 60 - 40 - 15); // 15 minutes before the next reminder
    await t.server.engine.tick();
    await restart(50);
    await t.server.engine.tick();
    const keys = (await outbox(g.id)).map((r) => r.dedupe_key.split(':').slice(-2).join(':'));
    expect(keys).toHaveLength(4);
    expect(keys.at(-1)).toMatch(/^\d+:end$/);
    expect((await t.api.get(`/api/v1/tasks?groupId=${g.id}`)).body.items).toHaveLength(2);
  });
});

describe('a restart while the moderation runner catches up', () => {
  it('judges again what it had not saved, and repeats nothing it had', async () => {
    const community = await makeCommunity(t.api, { name: '重启治理' });
    const g = await makeGroup(t.api, community.id, { platform: 'builtin' });
    expectStatus(await t.api.post('/api/v1/rules', { type: 'communication.moderation', targetType: 'group', targetId: g.id, settings: { steps: ['warn', 'mute', 'remove'] } }), 201);
    const inv = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id });
    const m = await joinAsMember(t, inv.body.code, { name: '广告' });
    await t.server.engine.tick(); // judged up to here
    expectStatus(await say(m, g.id, '电话 13512345678'), 201);
    expectStatus(await say(m, g.id, '加我 vx: tea_shop_2024'), 201);
    expectStatus(await say(m, g.id, '看这里 https://spam.example.com'), 201);

    // A runner that catches up one message per pass: the first pass saves (with its warning), the second
    // judges the next message and holds it unsaved (less than a second later), then the process dies.
    const state = runnerState();
    expect(await runRules(engineCtx(), 1, state)).toBe(1);
    expect(await runRules(engineCtx(), 1, state)).toBe(1);
    expect(state.unsaved.get(workspaceId)?.actions.map((a) => a.action)).toEqual(['mute']);
    expect((await outbox(g.id)).map((r) => r.action)).toEqual(['warn']);

    await restart(1);
    await t.server.engine.tick();
    // The warning is not given again; the mute (held, lost) is judged again; the link after it removes.
    expect((await outbox(g.id)).map((r) => `${r.action}/${r.status}`)).toEqual(['warn/done', 'mute/done', 'remove/done']);
    await t.server.engine.tick();
    expect(await outbox(g.id)).toHaveLength(3);
  });
});
