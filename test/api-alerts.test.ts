// Alerts: the engine opens one when a group goes quiet (by its trend), fills up, or sees a surge of
// moderation actions, and when a plan falls behind; it resolves them when the condition goes, and posts
// each new one, signed, to the workspace's webhooks — again later when a webhook does not answer 2xx.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signature } from '../src/modules/alerts/index.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { TestClock } from './helpers/clock.ts';
import { expectProblem, expectStatus, makeCommunity, makeGroup, makeMember, mintToken } from './helpers/api.ts';

const DAY = 86_400_000;
const clock = new TestClock(Date.parse('2026-11-28T04:00:00Z'));
let t: TestServer;
let receiver: http.Server;
let receiverUrl: string;
const received: { body: string; signature: string; id: string }[] = [];
let answer = 200;

beforeAll(async () => {
  t = await startTestServer({}, { clock });
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ body, signature: String(req.headers['x-shequn-signature']), id: String(req.headers['x-shequn-alert']) });
      res.writeHead(answer).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await t?.stop();
  await new Promise((r) => receiver?.close(r));
});

/** Runs the engine after the alert interval (5 minutes) has passed. */
const evaluate = async () => {
  clock.t += 5 * 60_000 + 1;
  await t.server.engine.tick();
};
const open = async () => (await t.api.get('/api/v1/alerts')).body.items as any[];

describe('alerts', () => {
  let community: any;
  let full: any;
  let quiet: any;
  let fullMembers: any[];
  let hook: any;

  beforeAll(async () => {
    // The hook first: the engine's own ticks may evaluate while the rest is set up, and a hook hears the
    // alerts opened after it was added.
    const h = await t.api.post('/api/v1/alert-hooks', { url: receiverUrl });
    expectStatus(h, 201);
    hook = h.body;
    community = await makeCommunity(t.api, { name: '预警社群' });
    full = await makeGroup(t.api, community.id, { name: '满员群', capacity: 4 });
    quiet = await makeGroup(t.api, community.id, { name: '渐冷群' });
    fullMembers = [];
    for (let i = 0; i < 4; i++) fullMembers.push(await makeMember(t.api, { memberships: [{ groupId: full.id }] }));
    const m = await makeMember(t.api, { memberships: [{ groupId: quiet.id }] });
    // Ten messages a week for three weeks, then one in the last week.
    const msgs = Array.from({ length: 30 }, (_, i) => ({ kind: 'message', memberId: m.id, groupId: quiet.id, occurredAt: new Date(clock.t - 27 * DAY + Math.floor((i * 20) / 30) * DAY).toISOString() }));
    msgs.push({ kind: 'message', memberId: m.id, groupId: quiet.id, occurredAt: new Date(clock.t - 2 * DAY).toISOString() });
    expectStatus(await t.api.post('/api/v1/activities/batch', { activities: msgs }), 200);
    expectStatus(await t.api.post('/api/v1/plans', { name: '年度计划', templateKey: 'three-year', startMonth: '2026-01', communityId: community.id }), 201);
    expect(hook.secret).toMatch(/^[0-9a-f]{48}$/);
    expectProblem(await t.api.post('/api/v1/alert-hooks', { url: 'ftp://x' }), 400, 'url');
    expect((await t.api.get('/api/v1/alert-hooks')).body.items).toEqual([expect.objectContaining({ id: hook.id, url: receiverUrl })]);
    expect((await t.api.get('/api/v1/alert-hooks')).body.items[0].secret).toBeUndefined();
  });

  it('opens an alert for a full group, a group going quiet and a plan behind, and posts each once, signed', async () => {
    await evaluate();
    const alerts = await open();
    const kinds = alerts.map((a) => `${a.kind}:${a.subjectId}`);
    expect(kinds).toHaveLength(3);
    expect(kinds).toEqual(expect.arrayContaining([`group_near_capacity:${full.id}`, `group_quiet:${quiet.id}`, expect.stringMatching(/^plan_behind:pln_/)]));
    const capacity = alerts.find((a) => a.kind === 'group_near_capacity');
    expect(capacity).toMatchObject({ severity: 'critical', status: 'open', title: '「满员群」快满了：4 / 4 人，该开新群了', data: { seats: 4, capacity: 4 } });
    expect(alerts.find((a) => a.kind === 'group_quiet').title).toBe('「渐冷群」正在变冷：最近 7 天的发言只有之前 3 周周均的 10%');
    expect(alerts.find((a) => a.kind === 'plan_behind').title).toMatch(/^「年度计划」2026-10 落后于计划：群数、/);
    expect(received.map((r) => r.id).sort()).toEqual(alerts.map((a) => a.id).sort());
    for (const r of received) {
      expect(r.signature).toBe(signature(hook.secret, r.body));
      expect(JSON.parse(r.body)).toMatchObject({ type: 'alert.opened', alert: { id: r.id, status: 'open' } });
    }
    // Still true on the next evaluation: nothing new is opened or posted.
    await evaluate();
    expect((await open()).map((a) => a.id).sort()).toEqual(alerts.map((a) => a.id).sort());
    expect(received).toHaveLength(3);
  });

  it('opens one for a surge of moderation actions, and posts it again until the webhook answers 2xx', async () => {
    const offender = await makeMember(t.api, { memberships: [{ groupId: quiet.id }] });
    // Six warnings in the last hour, as the rules engine queues them.
    const k = t.server.rt.db.kysely;
    const ws = (await k.selectFrom('communities').select('workspace_id').where('id', '=', community.id).executeTakeFirstOrThrow()).workspace_id;
    for (let i = 0; i < 6; i++) {
      await k.insertInto('outbox').values({
        id: `obx_surge${i}`, workspace_id: ws,
        dedupe_key: `surge-${i}`, action: 'warn', platform: 'builtin', group_id: quiet.id, member_id: offender.id, payload: '{"text":"请勿刷屏"}', origin_type: 'rule', origin_id: null,
        reason: 'spam', cause_activity_id: null, status: 'done', attempts: 1, next_attempt_at: clock.t, last_error: null, created_at: clock.t - 3_600_000, done_at: clock.t,
        undone_at: null, undone_by: null, lane: null, seq: 0, account: null, lease_until: null, ambiguous: 0, sent_ref: null,
      }).execute();
    }
    answer = 500;
    const before = received.length;
    await evaluate();
    const surge = (await open()).find((a) => a.kind === 'spam_surge');
    expect(surge).toMatchObject({ subjectId: quiet.id, data: { lastDay: 6 } });
    expect(received.slice(before).map((r) => r.id)).toEqual([surge.id]);
    // The webhook failed: tried again a minute later (the next evaluation is 5 minutes on), then it answers.
    answer = 200;
    await evaluate();
    expect(received.slice(before).map((r) => r.id)).toEqual([surge.id, surge.id]);
    await evaluate();
    expect(received.slice(before)).toHaveLength(2);
  });

  it('resolves an alert when its condition goes away, and is acknowledged by an operator', async () => {
    const capacity = (await open()).find((a) => a.kind === 'group_near_capacity');
    const ack = await t.api.post(`/api/v1/alerts/${capacity.id}/acknowledge`);
    expectStatus(ack, 200);
    expect(ack.body).toMatchObject({ status: 'open', acknowledgedBy: expect.any(String) });
    const membership = (await t.api.get(`/api/v1/members/${fullMembers[0].id}`)).body.memberships[0];
    expectStatus(await t.api.patch(`/api/v1/memberships/${membership.id}`, { leftAt: new Date(clock.t).toISOString() }), 200);
    await evaluate();
    expect((await open()).some((a) => a.kind === 'group_near_capacity')).toBe(false);
    const resolved = (await t.api.get('/api/v1/alerts?status=resolved')).body.items;
    expect(resolved).toEqual([expect.objectContaining({ id: capacity.id, status: 'resolved', resolvedAt: expect.any(String) })]);
  });

  it('shows a scoped operator only its groups\' and communities\' alerts', async () => {
    const other = await makeCommunity(t.api);
    const scoped = await mintToken(t, 'operator', { communities: [other.id] });
    expect((await scoped.client.get('/api/v1/alerts?status=all')).body.items).toEqual([]);
    const mine = await mintToken(t, 'operator', { communities: [community.id] });
    expect((await mine.client.get('/api/v1/alerts')).body.items.length).toBe((await open()).length);
    expectProblem(await scoped.client.post(`/api/v1/alerts/${(await open())[0].id}/acknowledge`), 404);
    expectProblem(await scoped.client.post('/api/v1/alert-hooks', { url: receiverUrl }), 403);
    expectStatus(await t.api.delete(`/api/v1/alert-hooks/${hook.id}`), 204);
    expectProblem(await t.api.delete(`/api/v1/alert-hooks/${hook.id}`), 404);
  });
});
