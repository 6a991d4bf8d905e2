// GET /api/v1/stats/overview: the console's headline counts, per-day activities cut at the caller's
// UTC offset, and a scoped actor counting only what it sees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { expectProblem, expectStatus, makeCommunity, makeGroup, makeMember, mintToken } from './helpers/api.ts';

let t: TestServer;
let c1: any;
let c2: any;
let g1: any;
let g2: any;
const HOUR = 3_600_000;

beforeAll(async () => {
  t = await startTestServer();
  c1 = await makeCommunity(t.api);
  c2 = await makeCommunity(t.api);
  g1 = await makeGroup(t.api, c1.id);
  g2 = await makeGroup(t.api, c2.id);
  const m1 = await makeMember(t.api, { memberships: [{ groupId: g1.id }] });
  await makeMember(t.api, { memberships: [{ groupId: g2.id }] });
  await makeMember(t.api);
  const now = Date.now();
  const at = (msAgo: number) => new Date(now - msAgo).toISOString();
  const r = await t.api.post('/api/v1/activities/batch', {
    activities: [
      { kind: 'message', memberId: m1.id, groupId: g1.id, occurredAt: at(1 * HOUR) },
      { kind: 'message', memberId: m1.id, groupId: g1.id, occurredAt: at(2 * HOUR) },
      { kind: 'checkin', groupId: g2.id, occurredAt: at(3 * 24 * HOUR) },
      { kind: 'message', groupId: g2.id, occurredAt: at(10 * 24 * HOUR) },
      { kind: 'message', groupId: g2.id, occurredAt: at(40 * 24 * HOUR) },
    ],
  });
  expectStatus(r, 200);
});
afterAll(async () => t?.stop());

describe('stats overview', () => {
  it('counts members, groups, communities and recent activities, with one entry per day', async () => {
    const r = await t.api.get('/api/v1/stats/overview?days=14&tzOffsetMinutes=480');
    expectStatus(r, 200);
    expect(r.body).toMatchObject({ members: 3, groups: 2, communities: 2, activitiesLast7Days: 3 });
    expect(r.body.activitiesPerDay).toHaveLength(14);
    expect(r.body.activitiesPerDay.reduce((s: number, d: { count: number }) => s + d.count, 0)).toBe(4);
    const days = r.body.activitiesPerDay.map((d: { day: string }) => d.day);
    expect([...days].sort()).toEqual(days);
    // The last entry is today at UTC+8.
    expect(days.at(-1)).toBe(new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 10));
    // Messages: g1's two of the last hours (today unless it is just after midnight at UTC+8); joins and leaves: none.
    const startOfToday = Math.floor((Date.now() + 8 * HOUR) / (24 * HOUR)) * 24 * HOUR - 8 * HOUR;
    const today = [1, 2].filter((h) => Date.now() - h * HOUR >= startOfToday).length;
    expect(r.body).toMatchObject({ messagesLast7Days: 2, messagesToday: today, joinsLast7Days: 0, leavesLast7Days: 0 });
    const longer = await t.api.get('/api/v1/stats/overview?days=60');
    expect(longer.body.activitiesPerDay.reduce((s: number, d: { count: number }) => s + d.count, 0)).toBe(5);
  });

  it('counts only what a scoped actor sees', async () => {
    const scoped = await mintToken(t, 'analyst', { communities: [c1.id] });
    const r = await scoped.client.get('/api/v1/stats/overview');
    expectStatus(r, 200);
    expect(r.body).toMatchObject({ members: 1, groups: 1, communities: 1, activitiesLast7Days: 2 });
  });

  it('refuses bad parameters and anonymous callers', async () => {
    expectProblem(await t.api.get('/api/v1/stats/overview?days=0'), 400, 'querystring.days');
    expectProblem(await t.api.get('/api/v1/stats/overview?tzOffsetMinutes=9999'), 400, 'querystring.tzOffsetMinutes');
    expectProblem(await t.client().get('/api/v1/stats/overview'), 401);
  });
});

describe('group activity', () => {
  it('gives each group its messages per day, most active first, and leaves out other kinds and older days', async () => {
    const r = await t.api.get('/api/v1/stats/groups?days=7');
    expectStatus(r, 200);
    expect(r.body.days).toHaveLength(7);
    expect(r.body.days.at(-1)).toBe(new Date(Date.now() + 8 * HOUR).toISOString().slice(0, 10));
    // g1: two messages in the last hours; g2: only a check-in (not a message) in the week, so it is left out.
    expect(r.body.items.map((x: any) => [x.groupId, x.messages])).toEqual([[g1.id, 2]]);
    const g1Days = r.body.items[0].messagesPerDay;
    expect(g1Days).toHaveLength(7);
    expect(g1Days.reduce((s: number, n: number) => s + n, 0)).toBe(2);
    expect(g1Days.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    const month = await t.api.get('/api/v1/stats/groups?days=14');
    expect(month.body.items.find((x: any) => x.groupId === g2.id).messages).toBe(1);
    const scoped = await mintToken(t, 'analyst', { communities: [c1.id] });
    expect((await scoped.client.get('/api/v1/stats/groups')).body.items.map((x: any) => x.groupId)).toEqual([g1.id]);
    expectProblem(await t.api.get('/api/v1/stats/groups?days=40'), 400, 'querystring.days');
  });
});

describe('joins and leaves', () => {
  it('counts the week’s joins and leaves on the overview and per group', async () => {
    const at = new Date(Date.now() - 3 * HOUR).toISOString();
    expectStatus(await t.api.post('/api/v1/activities/batch', {
      activities: [{ kind: 'join', groupId: g2.id, occurredAt: at }, { kind: 'join', groupId: g2.id, occurredAt: at, sourceId: 'j2' }, { kind: 'leave', groupId: g1.id, occurredAt: at }],
    }), 200);
    expect((await t.api.get('/api/v1/stats/overview')).body).toMatchObject({ joinsLast7Days: 2, leavesLast7Days: 1, messagesLast7Days: 2 });
    const per = (await t.api.get('/api/v1/stats/groups')).body.items;
    expect(per.find((x: any) => x.groupId === g2.id)).toMatchObject({ joins: 2, leaves: 0, messages: 0 });
    expect(per.find((x: any) => x.groupId === g1.id)).toMatchObject({ joins: 0, leaves: 1, messages: 2 });
  });
});
