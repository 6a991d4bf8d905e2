// Activities (动态): idempotent single and batch writes, reads, filters and cursor paging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { allPages, dbSnapshot, expectProblem, expectStatus, makeCommunity, makeGroup, makeMember } from './helpers/api.ts';

let t: TestServer;
let g1: any;
let g2: any;
let m1: any;
let m2: any;
beforeAll(async () => {
  t = await startTestServer();
  const c = await makeCommunity(t.api);
  g1 = await makeGroup(t.api, c.id);
  g2 = await makeGroup(t.api, c.id);
  m1 = await makeMember(t.api, { memberships: [{ groupId: g1.id }] });
  m2 = await makeMember(t.api, { memberships: [{ groupId: g2.id }] });
});
afterAll(async () => t?.stop());

const activityRows = async () => Number((await t.server.rt.db.kysely.selectFrom('activities').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('writing activities', () => {
  it('writes one activity (201) and treats the same (source, sourceId) again as a no-op (200, created: false)', async () => {
    const body = {
      kind: 'purchase', memberId: m1.id, groupId: g1.id, occurredAt: '2024-06-01T10:00:00+08:00', contentSource: 'UGC',
      payload: { orderId: 'o-1', amountCents: 9900, items: [{ sku: 'tea', qty: 2 }] }, source: 'crm', sourceId: 'order-1',
    };
    const before = await activityRows();
    const r = await t.api.post('/api/v1/activities', body);
    expectStatus(r, 201);
    expect(r.body.created).toBe(true);
    const a = r.body.activity;
    expect(a).toMatchObject({
      kind: 'purchase', memberId: m1.id, groupId: g1.id, occurredAt: '2024-06-01T02:00:00.000Z', contentSource: 'UGC',
      payload: body.payload, source: 'crm', sourceId: 'order-1',
    });
    expect(a.id).toMatch(/^act_/);
    expect(await activityRows()).toBe(before + 1);

    const again = await t.api.post('/api/v1/activities', { ...body, payload: { changed: true } });
    expectStatus(again, 200);
    expect(again.body.created).toBe(false);
    expect(again.body.activity).toEqual(a);
    expect(await activityRows()).toBe(before + 1);
    // Another source may use the same source id.
    const other = await t.api.post('/api/v1/activities', { ...body, source: 'shop' });
    expectStatus(other, 201);
    expect(other.body.activity.id).not.toBe(a.id);
    expect(await activityRows()).toBe(before + 2);

    const got = await t.api.get(`/api/v1/activities/${a.id}`);
    expectStatus(got, 200);
    expect(got.body).toEqual(a);
  });

  it('writes the same activity sent many times at once exactly once', async () => {
    const before = await activityRows();
    const body = { kind: 'click', occurredAt: '2024-06-02T00:00:00Z', source: 'race', sourceId: 'same', groupId: g1.id };
    const results = await Promise.all(Array.from({ length: 10 }, () => t.api.post('/api/v1/activities', body)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    expect(new Set(results.map((r) => r.body.activity.id)).size).toBe(1);
    expect(results.filter((r) => r.body.created)).toHaveLength(1);
    expect(await activityRows()).toBe(before + 1);
  });

  it('gives an activity without a sourceId its own id as sourceId, so each write is new', async () => {
    const one = await t.api.post('/api/v1/activities', { kind: 'message', occurredAt: new Date().toISOString() });
    const two = await t.api.post('/api/v1/activities', { kind: 'message', occurredAt: new Date().toISOString() });
    expectStatus(one, 201);
    expectStatus(two, 201);
    expect(one.body.activity).toMatchObject({ source: 'api', sourceId: one.body.activity.id, memberId: null, groupId: null, payload: {}, contentSource: null });
    expect(two.body.activity.id).not.toBe(one.body.activity.id);
  });

  it('rejects invalid activities naming the field, and writes nothing', async () => {
    const ok = { kind: 'message', occurredAt: '2024-01-01T00:00:00Z' };
    const before = await dbSnapshot(t);
    expectProblem(await t.api.post('/api/v1/activities', { kind: 'message' }), 400, 'body.occurredAt');
    expectProblem(await t.api.post('/api/v1/activities', { ...ok, occurredAt: '2024-01-01' }), 400, 'body.occurredAt');
    expectProblem(await t.api.post('/api/v1/activities', { ...ok, kind: 'Message!' }), 400, 'body.kind');
    expectProblem(await t.api.post('/api/v1/activities', { ...ok, kind: 'x' }), 400, 'body.kind');
    expectProblem(await t.api.post('/api/v1/activities', { ...ok, contentSource: 'XGC' }), 400, 'body.contentSource');
    expectProblem(await t.api.post('/api/v1/activities', { ...ok, payload: [1, 2] }), 400, 'body.payload');
    expectProblem(await t.api.post('/api/v1/activities', { ...ok, source: 'has space' }), 400, 'body.source');
    expectProblem(await t.api.post('/api/v1/activities', { ...ok, sourceId: '' }), 400, 'body.sourceId');
    expectProblem(await t.api.post('/api/v1/activities', { ...ok, memberId: 'mem_missing' }), 400, 'memberId');
    expectProblem(await t.api.post('/api/v1/activities', { ...ok, groupId: 'grp_missing' }), 400, 'groupId');
    expectProblem(await t.api.post('/api/v1/activities', { ...ok, payload: { blob: 'x'.repeat(17 * 1024) } }), 400, 'payload');
    expect(await dbSnapshot(t)).toEqual(before);
  });

  it('writes a batch in one transaction; duplicates inside the batch and of earlier writes are no-ops', async () => {
    const at = '2024-07-01T00:00:00Z';
    const first = await t.api.post('/api/v1/activities', { kind: 'checkin', occurredAt: at, source: 'batch-test', sourceId: 'a' });
    expectStatus(first, 201);
    const before = await activityRows();
    const r = await t.api.post('/api/v1/activities/batch', {
      activities: [
        { kind: 'checkin', occurredAt: at, source: 'batch-test', sourceId: 'a' },
        { kind: 'checkin', occurredAt: at, source: 'batch-test', sourceId: 'b', memberId: m1.id, groupId: g1.id },
        { kind: 'checkin', occurredAt: at, source: 'batch-test', sourceId: 'c', memberId: m2.id, groupId: g2.id },
        { kind: 'checkin', occurredAt: at, source: 'batch-test', sourceId: 'b', memberId: m1.id, groupId: g1.id },
      ],
    });
    expectStatus(r, 200);
    expect(r.body.created).toBe(2);
    expect(r.body.duplicates).toBe(2);
    expect(r.body.ids).toHaveLength(4);
    expect(r.body.ids[0]).toBe(first.body.activity.id);
    expect(r.body.ids[3]).toBe(r.body.ids[1]);
    expect(new Set(r.body.ids).size).toBe(3);
    expect(await activityRows()).toBe(before + 2);
    const b = await t.api.get(`/api/v1/activities/${r.body.ids[1]}`);
    expect(b.body).toMatchObject({ sourceId: 'b', memberId: m1.id, groupId: g1.id });

    // The same batch again: all duplicates.
    const again = await t.api.post('/api/v1/activities/batch', { activities: [{ kind: 'checkin', occurredAt: at, source: 'batch-test', sourceId: 'c' }] });
    expect(again.body).toEqual({ created: 0, duplicates: 1, ids: [r.body.ids[2]] });
  });

  it('rejects a batch with one bad item as a whole, naming the item', async () => {
    const before = await dbSnapshot(t);
    const at = '2024-07-02T00:00:00Z';
    const r = await t.api.post('/api/v1/activities/batch', {
      activities: [
        { kind: 'message', occurredAt: at, source: 'atomic', sourceId: '1' },
        { kind: 'message', occurredAt: at, source: 'atomic', sourceId: '2', memberId: 'mem_missing' },
        { kind: 'message', occurredAt: at, source: 'atomic', sourceId: '3', groupId: 'grp_missing' },
      ],
    });
    expectProblem(r, 400, 'activities.1.memberId');
    expectProblem(r, 400, 'activities.2.groupId');
    expectProblem(await t.api.post('/api/v1/activities/batch', { activities: [{ kind: 'message', occurredAt: at }, { kind: 'message' }] }), 400, 'body.activities.1.occurredAt');
    expectProblem(await t.api.post('/api/v1/activities/batch', { activities: [] }), 400, 'body.activities');
    expectProblem(await t.api.post('/api/v1/activities/batch', {}), 400, 'body.activities');
    const tooMany = Array.from({ length: 1001 }, (_, i) => ({ kind: 'message', occurredAt: at, sourceId: String(i) }));
    expectProblem(await t.api.post('/api/v1/activities/batch', { activities: tooMany }), 400, 'body.activities');
    expect(await dbSnapshot(t)).toEqual(before);
  });

  it('writes a batch of 1,000', async () => {
    const at = Date.UTC(2023, 0, 1);
    const activities = Array.from({ length: 1000 }, (_, i) => ({ kind: 'reaction', occurredAt: new Date(at + i * 1000).toISOString(), source: 'bulk', sourceId: `r${i}`, groupId: g2.id }));
    const r = await t.api.post('/api/v1/activities/batch', { activities });
    expectStatus(r, 200);
    expect(r.body.created).toBe(1000);
    const page = await t.api.get('/api/v1/activities?kind=reaction&limit=500');
    expect(page.body.items).toHaveLength(500);
    expect(page.body.items[0].sourceId).toBe('r999');
  });

  it('answers 404 for an unknown activity id', async () => {
    expectProblem(await t.api.get('/api/v1/activities/act_missing'), 404, undefined, 'not_found');
  });
});

describe('listing activities', () => {
  const base = Date.UTC(2025, 0, 1);
  const made: any[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 9; i++) {
      const r = await t.api.post('/api/v1/activities', {
        kind: i % 3 === 0 ? 'join' : 'message', memberId: i % 2 ? m2.id : m1.id, groupId: i % 2 ? g2.id : g1.id,
        occurredAt: new Date(base + Math.floor(i / 2) * 60_000).toISOString(), source: 'list-test', sourceId: String(i),
      });
      expectStatus(r, 201);
      made.push(r.body.activity);
    }
  });
  const newestFirst = (xs: any[]) => [...xs].sort((a, b) => Date.parse(b.occurredAt) - Date.parse(a.occurredAt) || (a.id < b.id ? 1 : -1)).map((a) => a.id);
  const list = async (q: string) => {
    const r = await t.api.get(`/api/v1/activities?from=${new Date(base).toISOString()}&to=${new Date(base + 3_600_000).toISOString()}&limit=500&${q}`);
    expectStatus(r, 200);
    return r.body.items.map((a: any) => a.id);
  };

  it('lists newest first and filters by group, member, kind and time', async () => {
    expect(await list('')).toEqual(newestFirst(made));
    expect(await list(`groupId=${g1.id}`)).toEqual(newestFirst(made.filter((a) => a.groupId === g1.id)));
    expect(await list(`memberId=${m2.id}`)).toEqual(newestFirst(made.filter((a) => a.memberId === m2.id)));
    expect(await list('kind=join')).toEqual(newestFirst(made.filter((a) => a.kind === 'join')));
    expect(await list(`kind=join&groupId=${g1.id}`)).toEqual(newestFirst(made.filter((a) => a.kind === 'join' && a.groupId === g1.id)));
    const from = new Date(base + 60_000).toISOString();
    const to = new Date(base + 2 * 60_000).toISOString();
    const r = await t.api.get(`/api/v1/activities?from=${from}&to=${to}`);
    expect(r.body.items.map((a: any) => a.id)).toEqual(newestFirst(made.filter((a) => a.occurredAt >= from && a.occurredAt <= to)));
    expect(r.body.items).toHaveLength(4);
    expect(await list('kind=purchase')).toEqual([]);
  });

  it('pages by cursor with no duplicates or gaps, including activities at the same instant', async () => {
    const expected = newestFirst(made);
    for (const limit of [1, 2, 4, 9]) {
      const p = await allPages(t.api, `/api/v1/activities?from=${new Date(base).toISOString()}&to=${new Date(base + 3_600_000).toISOString()}&limit=${limit}`);
      expect(p.items.map((a: any) => a.id)).toEqual(expected);
      expect(p.pages).toBe(Math.ceil(9 / limit));
    }
  });

  it('rejects bad list parameters', async () => {
    for (const bad of ['0', '501', 'abc', 'Infinity']) expectProblem(await t.api.get(`/api/v1/activities?limit=${bad}`), 400, 'querystring.limit');
    expectProblem(await t.api.get('/api/v1/activities?from=yesterday'), 400, 'querystring.from');
    expectProblem(await t.api.get('/api/v1/activities?to=2024-01-01'), 400, 'querystring.to');
    expectProblem(await t.api.get('/api/v1/activities?cursor=zzz'), 400, 'cursor');
    expectProblem(await t.api.get('/api/v1/activities?type=x'), 400, 'querystring');
  });
});
