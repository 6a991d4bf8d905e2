// 圈层推进 through the API: the five circles in order with their four tasks and their members' figures (two
// opinion leaders, one of them active and a buyer; one friend; one member with no circle); tasks marked done
// and undone, the circle being worked on moving on; bad circles, tasks and callers refused.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { TestClock } from './helpers/clock.ts';
import { expectProblem, expectStatus, makeCommunity, makeGroup, makeMember, mintToken } from './helpers/api.ts';

const clock = new TestClock(Date.parse('2026-11-28T04:00:00Z'));
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({}, { clock });
});
afterAll(async () => {
  await t?.stop();
});

describe('circle rollout (圈层推进)', () => {
  let club: any;
  const url = () => `/api/v1/communities/${club.id}/circle-rollout`;

  beforeAll(async () => {
    club = await makeCommunity(t.api, { name: '茶友会' });
    const g = await makeGroup(t.api, club.id);
    const seat = { memberships: [{ groupId: g.id }] };
    const [lead, quiet] = [await makeMember(t.api, { circle: 'leader', ...seat }), await makeMember(t.api, { circle: 'leader', ...seat })];
    await makeMember(t.api, { circle: 'kin', ...seat });
    await makeMember(t.api, seat);
    const when = new Date(Date.parse('2026-11-20T10:00:00+08:00')).toISOString();
    expectStatus(await t.api.post('/api/v1/activities/batch', { activities: [
      { kind: 'message', memberId: lead.id, groupId: g.id, occurredAt: when, payload: { text: '这款白茶很好' } },
      { kind: 'purchase', memberId: lead.id, groupId: g.id, occurredAt: when, payload: { amountCents: 12800 } },
    ] }), 200);
    void quiet;
  });

  it('lists the five circles in order with their four tasks, none done, and each circle\'s figures', async () => {
    const r = await t.api.get(url());
    expectStatus(r, 200);
    expect(r.body).toMatchObject({ communityId: club.id, name: '茶友会', current: 'leader', unassigned: 1 });
    expect(r.body.circles.map((c: any) => c.circle)).toEqual(['leader', 'kin', 'media', 'public', 'business']);
    expect(r.body.circles[0].figures).toEqual({ people: 2, activeRate: 0.5, consultedRate: 0, buyerRate: 0.5, revenueCents: 12800 });
    expect(r.body.circles[1].figures).toMatchObject({ people: 1, activeRate: 0, buyerRate: 0 });
    expect(r.body.circles[2].figures).toMatchObject({ people: 0 });
    expect(r.body.circles[0].tasks).toEqual(['identity', 'review', 'awareness', 'lead'].map((task) => ({ task, done: false, doneAt: null, doneBy: null, note: '' })));
  });

  it('marks tasks done with a note and by whom; the fourth moves the work on to the next circle; undone moves it back', async () => {
    const first = await t.api.put(url(), { circle: 'leader', task: 'identity', done: true, note: '第一次品茶会 12 人' });
    expectStatus(first, 200);
    expect(first.body.circles[0].tasks[0]).toEqual({ task: 'identity', done: true, doneAt: '2026-11-28T04:00:00.000Z', doneBy: expect.any(String), note: '第一次品茶会 12 人' });
    expect(first.body.circles[0].tasks[0].doneBy.length).toBeGreaterThan(0);
    for (const task of ['review', 'awareness', 'lead']) expectStatus(await t.api.put(url(), { circle: 'leader', task, done: true }), 200);
    const next = (await t.api.get(url())).body;
    expect(next).toMatchObject({ current: 'kin' });
    expect(next.circles[0].done).toBe(true);
    // Marking it again keeps one mark; undone, the opinion leaders are the circle being worked on again.
    expectStatus(await t.api.put(url(), { circle: 'leader', task: 'lead', done: true, note: '复购 3 人' }), 200);
    expect((await t.api.get(url())).body.circles[0].tasks[3]).toMatchObject({ done: true, note: '复购 3 人' });
    const back = await t.api.put(url(), { circle: 'leader', task: 'awareness', done: false });
    expect(back.body).toMatchObject({ current: 'leader' });
    expect(back.body.circles[0].tasks[2]).toEqual({ task: 'awareness', done: false, doneAt: null, doneBy: null, note: '' });
    const audit = (await t.api.get('/api/v1/audit-log?action=circle.task&limit=50')).body.items;
    expect(audit.length).toBe(6);
  });

  it('refuses an unknown circle or task, a bad body, an unknown community, and a caller who may not write', async () => {
    expectProblem(await t.api.put(url(), { circle: 'vip', task: 'identity', done: true }), 400, 'body.circle');
    expectProblem(await t.api.put(url(), { circle: 'leader', task: 'sing', done: true }), 400, 'body.task');
    expectProblem(await t.api.put(url(), { circle: 'leader', task: 'identity', done: 'yes' }), 400, 'body.done');
    expectProblem(await t.api.put(url(), { circle: 'leader', task: 'identity', done: true, note: 'x'.repeat(501) }), 400, 'body.note');
    expectProblem(await t.api.get('/api/v1/communities/com_nope/circle-rollout'), 404);
    const analyst = await mintToken(t, 'analyst');
    expectStatus(await analyst.client.get(url()), 200);
    expectProblem(await analyst.client.put(url(), { circle: 'kin', task: 'identity', done: true }), 403);
  });
});
