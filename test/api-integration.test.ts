// The integration wizard (整合) through the API on imported groups: the first classification, the live
// preview (new groups by city, seats and people before and after, members left without a group), pattern
// errors, carrying the plan out once (set, groups, invites, move notices through the outbox) and tracking
// who has moved, including a member who joined under a new record and was merged since.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { apiOn, cliEnv, runInProcess, type ApiOnDb } from './helpers/cli.ts';
import { allPages, expectProblem, expectStatus } from './helpers/api.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let db: TestDatabase;
let t: ApiOnDb;
let dir: string;
let communityId: string;
const gid: Record<string, string> = {};
const mid: Record<string, string> = {};
const recent = Math.floor(Date.now() / 1000) - 86_400;

beforeAll(async () => {
  db = await createTestDatabase();
  t = await apiOn(db);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shequn-integration-'));
  const c = await t.api.post('/api/v1/communities', { name: '茶友会', purpose: 'interest' });
  expectStatus(c, 201);
  communityId = c.body.id;
  const env = cliEnv(db, { SHEQUN_LOG_LEVEL: 'warn' });
  let n = 0;
  const chat = (name: string, id: number, people: [string, number][], at = recent) => ({
    name, type: 'private_supergroup', id,
    messages: people.map(([from, uid]) => ({ id: ++n, type: 'message', date: '2026-11-26T10:00:00', date_unixtime: String(at + n), from, from_id: `user${uid}`, text: `${from}：你好` })),
  });
  const chats = [
    chat('茶友上海1群', 1601, [['张三', 1], ['李四', 2], ['王五', 3], ['赵六', 4]]),
    chat('茶友杭州群', 1602, [['王五', 3], ['钱七', 5], ['孙八', 6]]),
    // One member, silent since 2020: suggested for retirement.
    chat('茶友福利群', 1603, [['周九', 7]], 1_590_000_000),
    chat('茶友核心群', 1604, [['张三', 1], ['吴十', 8]]),
  ];
  for (const [i, body] of chats.entries()) {
    const f = path.join(dir, `result-${i}.json`);
    fs.writeFileSync(f, JSON.stringify(body));
    const r = await runInProcess(['import', 'telegram', f, '--json', '--community', communityId], env);
    expect(r.code, r.stderr).toBe(0);
  }
  for (const g of (await allPages(t.api, `/api/v1/groups?communityId=${communityId}`)).items) gid[g.name] = g.id;
  for (const m of (await allPages(t.api, "/api/v1/members")).items) mid[m.displayName] = m.id;
  expectStatus(await t.api.patch(`/api/v1/members/${mid['李四']}`, { city: '北京' }), 200);
  expectStatus(await t.api.patch(`/api/v1/members/${mid['钱七']}`, { city: '杭州' }), 200);
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

let planId: string;
const byName = (plan: any) => new Map<string, any>(plan.groups.map((g: any) => [g.name, g]));

describe('a draft plan', () => {
  it('classifies every group of the community and suggests what to do with it', async () => {
    const r = await t.api.post('/api/v1/integration-plans', { communityId, name: '茶友会 2027 整合' });
    expectStatus(r, 201);
    planId = r.body.id;
    expect(r.body.status).toBe('draft');
    const g = byName(r.body);
    expect(g.get('茶友上海1群')).toMatchObject({ city: '上海', interest: '茶', kind: 'city', decision: 'merge', seats: 4, sharedSeats: 2, recentMessages: 4 });
    expect(g.get('茶友杭州群')).toMatchObject({ city: '杭州', kind: 'city', decision: 'merge', seats: 3, sharedSeats: 1 });
    expect(g.get('茶友福利群')).toMatchObject({ kind: 'consumer', function: 'acquire', decision: 'retire', seats: 1, recentMessages: 0 });
    expect(g.get('茶友福利群').lastActivityAt).toMatch(/^2020-05-20T/);
    expect(g.get('茶友核心群')).toMatchObject({ kind: 'core', decision: 'keep', seats: 2 });
  });

  it('previews the new groups by city, the seats and people before and after, and who is left without a group', async () => {
    const p = (await t.api.get(`/api/v1/integration-plans/${planId}`)).body;
    // 李四 lives in 北京 (his own city wins); 王五 sits in both merged groups and goes with the first (上海);
    // 张三 already has a seat in the kept core group and stays there; 周九's group retires.
    expect(p.newGroups.map((g: any) => [g.name, g.members])).toEqual([['茶友会杭州1群', 2], ['茶友会上海1群', 2], ['茶友会北京1群', 1]]);
    expect(p.newGroups[1].from).toEqual([{ groupId: gid['茶友上海1群'], members: 2 }]);
    expect(p.stats).toMatchObject({
      before: { groups: 4, seats: 10, people: 8 }, after: { groups: 4, seats: 7, people: 7 }, moving: 5, leftWithoutGroup: 1,
      leftSample: [{ id: mid['周九'], displayName: '周九' }], moved: 0,
    });
    expect(p.warning).toBeNull();
  });

  it('recomputes as decisions and settings change', async () => {
    let r = await t.api.patch(`/api/v1/integration-plans/${planId}`, { groups: [{ groupId: gid['茶友福利群'], decision: 'merge' }] });
    expectStatus(r, 200);
    // 周九 has no city: the catch-all group takes him, last.
    expect(r.body.newGroups.map((g: any) => g.name)).toEqual(['茶友会杭州1群', '茶友会上海1群', '茶友会北京1群', '茶友会综合1群']);
    expect(r.body.stats).toMatchObject({ leftWithoutGroup: 0, moving: 6 });
    r = await t.api.patch(`/api/v1/integration-plans/${planId}`, { settings: { unknown: 'none' } });
    expect(r.body.stats).toMatchObject({ leftWithoutGroup: 1, moving: 5 });
    // Not skipping the seated: 张三 also moves (to 上海), keeping his core seat.
    r = await t.api.patch(`/api/v1/integration-plans/${planId}`, { settings: { skipSeated: false, seatsPerGroup: 2, pattern: '{key}{nn}' } });
    expect(r.body.newGroups.map((g: any) => [g.name, g.members])).toEqual([['上海01', 2], ['上海02', 1], ['杭州01', 2], ['北京01', 1]]);
    expect(r.body.stats).toMatchObject({ after: { groups: 5, seats: 8, people: 7 }, moving: 6 });
    r = await t.api.patch(`/api/v1/integration-plans/${planId}`, {
      groups: [{ groupId: gid['茶友福利群'], decision: 'retire' }], settings: { unknown: 'other', skipSeated: true, seatsPerGroup: 450, pattern: '{community}{key}{n}群' },
    });
    expect(r.body.stats).toMatchObject({ before: { seats: 10 }, after: { seats: 7, people: 7 }, moving: 5, leftWithoutGroup: 1 });
  });

  it('refuses a pattern that names two groups alike or uses an unknown variable, and a group not in the plan, changing nothing', async () => {
    const before = (await t.api.get(`/api/v1/integration-plans/${planId}`)).body;
    expectProblem(await t.api.patch(`/api/v1/integration-plans/${planId}`, { settings: { pattern: '{community}新群' } }), 400, 'settings.pattern');
    expectProblem(await t.api.patch(`/api/v1/integration-plans/${planId}`, { settings: { pattern: '{brand}{key}' } }), 400, 'settings.pattern');
    expectProblem(await t.api.patch(`/api/v1/integration-plans/${planId}`, { groups: [{ groupId: 'grp_nope', decision: 'keep' }] }), 400, 'groups[0].groupId');
    expectProblem(await t.api.patch(`/api/v1/integration-plans/${planId}`, { settings: { moveBy: 'planet' } }), 400, /moveBy/);
    expectProblem(await t.api.post('/api/v1/integration-plans', { communityId, name: 'x', groupIds: ['grp_nope'] }), 400, 'groupIds[0]');
    expect((await t.api.get(`/api/v1/integration-plans/${planId}`)).body).toEqual(before);
  });

  it('lists plans by community and deletes a draft', async () => {
    const extra = await t.api.post('/api/v1/integration-plans', { communityId, name: '只看两个群', groupIds: [gid['茶友上海1群'], gid['茶友杭州群']] });
    expectStatus(extra, 201);
    expect(extra.body.groups).toHaveLength(2);
    const list = (await t.api.get(`/api/v1/integration-plans?communityId=${communityId}`)).body.items;
    expect(list.map((p: any) => p.name)).toEqual(['只看两个群', '茶友会 2027 整合']);
    expectStatus(await t.api.delete(`/api/v1/integration-plans/${extra.body.id}`), 204);
    expectProblem(await t.api.get(`/api/v1/integration-plans/${extra.body.id}`), 404);
  });
});

describe('carrying the plan out', () => {
  let plan: any;
  it('creates the set, the groups with invites, the notices and the moves, once', async () => {
    const r = await t.api.post(`/api/v1/integration-plans/${planId}/carry-out`);
    expectStatus(r, 200);
    plan = r.body;
    expect(plan.status).toBe('carried_out');
    expect(plan.newGroups.map((g: any) => [g.name, g.members, g.moved])).toEqual([['茶友会杭州1群', 2, 0], ['茶友会上海1群', 2, 0], ['茶友会北京1群', 1, 0]]);
    for (const g of plan.newGroups) {
      expect(g.invitePath).toMatch(/^\/m\/join\/[a-z0-9]{10}$/);
      const group = (await t.api.get(`/api/v1/groups/${g.groupId}`)).body;
      expect(group).toMatchObject({ name: g.name, platform: 'builtin', kind: 'city', groupSetId: plan.groupSetId, region: g.key });
    }
    const set = (await t.api.get(`/api/v1/group-sets/${plan.groupSetId}`)).body;
    expect(set).toMatchObject({ name: '茶友会 2027 整合', groupCount: 4 });
    expect((await t.api.get(`/api/v1/groups/${gid['茶友核心群']}`)).body.groupSetId).toBe(plan.groupSetId);
    // A notice in each merged group, listing only the new groups its members go to.
    expect(plan.notices.map((n: any) => n.groupId).sort()).toEqual([gid['茶友上海1群'], gid['茶友杭州群']].sort());
    const sh = plan.notices.find((n: any) => n.groupId === gid['茶友上海1群']).text as string;
    expect(sh).toMatch(/茶友会上海1群：http:\/\/127\.0\.0\.1:\d+\/m\/join\/[a-z0-9]{10}\n/);
    expect(sh).toContain('茶友会北京1群：');
    expect(sh).not.toContain('杭州1群');
    expect(plan.notices.find((n: any) => n.groupId === gid['茶友杭州群']).text).toContain('茶友会杭州1群：');
    expect(plan.stats).toMatchObject({ moving: 5, leftWithoutGroup: 1, moved: 0 });

    expectProblem(await t.api.post(`/api/v1/integration-plans/${planId}/carry-out`), 409);
    expectProblem(await t.api.patch(`/api/v1/integration-plans/${planId}`, { name: 'x' }), 409);
    expectProblem(await t.api.delete(`/api/v1/integration-plans/${planId}`), 409);
    const groups = (await allPages(t.api, `/api/v1/groups?communityId=${communityId}`)).items;
    expect(groups).toHaveLength(7);
  });

  it('hands the notices to the outbox; a group no connected bot sits in fails them with the reason, for the operator to post by hand', async () => {
    let notices: any[] = [];
    await vi.waitFor(async () => {
      notices = (await t.api.get(`/api/v1/integration-plans/${planId}`)).body.notices;
      expect(notices.every((n) => n.status === 'failed')).toBe(true);
    }, { timeout: 15_000, interval: 200 });
    for (const n of notices) expect(n.lastError).toBe('no connected telegram bot is in this group: add one (as admin), or post it by hand');
  });

  it('tracks who has moved: a seat in the new group, also through a merge', async () => {
    const to = (name: string) => plan.newGroups.find((g: any) => g.name === name).groupId;
    let moves = (await t.api.get(`/api/v1/integration-plans/${planId}/moves`)).body;
    expect(moves.total).toBe(5);
    expect(moves.items.every((m: any) => m.movedAt === null)).toBe(true);
    expectStatus(await t.api.post(`/api/v1/members/${mid['赵六']}/memberships`, { groupId: to('茶友会上海1群') }), 201);
    // 王五 joins on the web under a new record, which the operator then recognises as him.
    const fresh = await t.api.post('/api/v1/members', { displayName: '王五（网页）', memberships: [{ groupId: to('茶友会上海1群') }] });
    expectStatus(fresh, 201);
    expectStatus(await t.api.post(`/api/v1/members/${fresh.body.id}/merge`, { mergeId: mid['王五'] }), 201);
    // Someone joining a group they were not planned for is not a move.
    expectStatus(await t.api.post(`/api/v1/members/${mid['钱七']}/memberships`, { groupId: to('茶友会北京1群') }), 201);

    moves = (await t.api.get(`/api/v1/integration-plans/${planId}/moves?status=moved`)).body;
    expect(moves.items.map((m: any) => m.memberId).sort()).toEqual([mid['赵六'], mid['王五']].sort());
    expect(moves.total).toBe(2);
    const waiting = (await t.api.get(`/api/v1/integration-plans/${planId}/moves?status=waiting&limit=2`)).body;
    expect(waiting.total).toBe(3);
    expect(waiting.items).toHaveLength(2);
    const p = (await t.api.get(`/api/v1/integration-plans/${planId}`)).body;
    expect(p.stats.moved).toBe(2);
    expect(p.newGroups.map((g: any) => [g.name, g.moved])).toEqual([['茶友会杭州1群', 0], ['茶友会上海1群', 2], ['茶友会北京1群', 0]]);
  });

  it('archives the merged and retired groups, not the kept one', async () => {
    const r = await t.api.post(`/api/v1/integration-plans/${planId}/archive-old-groups`);
    expectStatus(r, 200);
    const status = async (name: string) => (await t.api.get(`/api/v1/groups/${gid[name]}`)).body.status;
    expect(await status('茶友上海1群')).toBe('archived');
    expect(await status('茶友杭州群')).toBe('archived');
    expect(await status('茶友福利群')).toBe('archived');
    expect(await status('茶友核心群')).toBe('active');
  });
});
