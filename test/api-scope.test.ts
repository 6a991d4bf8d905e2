// Scopes: an operator or token limited to some communities, group sets or regions sees only their groups,
// the members of those groups and their activities; everything else is 404 and absent from lists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Client, type TestServer } from './helpers/server.ts';
import {
  allPages, dbSnapshot, expectProblem, expectStatus, makeActivity, makeCommunity, makeGroup, makeGroupSet, makeMember, mintToken, signIn,
} from './helpers/api.ts';

let t: TestServer;
const w: Record<string, any> = {};
beforeAll(async () => {
  t = await startTestServer();
  w.c1 = await makeCommunity(t.api, { name: '可见社群' });
  w.c2 = await makeCommunity(t.api, { name: '隐藏社群' });
  w.p1 = (await t.api.post(`/api/v1/communities/${w.c1.id}/phases`, { name: '可见阶段', purpose: 'sales', startsOn: '2024-01-01', endsOn: '2024-02-01' })).body;
  w.p2 = (await t.api.post(`/api/v1/communities/${w.c2.id}/phases`, { name: '隐藏阶段', purpose: 'sales', startsOn: '2024-01-01', endsOn: '2024-02-01' })).body;
  w.gs1 = await makeGroupSet(t.api, { name: '可见组合', communityId: w.c1.id });
  w.gs2 = await makeGroupSet(t.api, { name: '隐藏组合', communityId: w.c2.id });
  w.gsSouth = await makeGroupSet(t.api, { name: '华南组合', region: '华南' });
  w.g1a = await makeGroup(t.api, w.c1.id, { name: '可见A群', groupSetId: w.gs1.id });
  w.g1b = await makeGroup(t.api, w.c1.id, { name: '可见B群' });
  w.g2 = await makeGroup(t.api, w.c2.id, { name: '隐藏群', groupSetId: w.gs2.id });
  w.g3 = await makeGroup(t.api, w.c2.id, { name: '华南群', region: '华南' });
  const day = (i: number) => new Date(Date.UTC(2024, 5, 1 + i)).toISOString();
  w.m1 = await makeMember(t.api, { displayName: '可见成员', phone: '13300000001', tags: ['共同'], identities: [{ platform: 'qq', externalId: 'm1' }], memberships: [{ groupId: w.g1a.id }], joinedAt: day(1) });
  w.m2 = await makeMember(t.api, { displayName: '隐藏成员', phone: '13300000002', tags: ['共同', '秘密'], identities: [{ platform: 'qq', externalId: 'm2', handle: 'hidden_handle' }], memberships: [{ groupId: w.g2.id }], joinedAt: day(2) });
  w.m3 = await makeMember(t.api, { displayName: '两边成员', phone: '13300000003', tags: ['共同'], memberships: [{ groupId: w.g1a.id }, { groupId: w.g2.id }], joinedAt: day(3) });
  w.m4 = await makeMember(t.api, { displayName: '华南成员', phone: '13300000004', memberships: [{ groupId: w.g3.id }], joinedAt: day(4) });
  w.m5 = await makeMember(t.api, { displayName: '无群成员', phone: '13300000005', joinedAt: day(5) });
  w.m6 = await makeMember(t.api, { displayName: 'B群成员', memberships: [{ groupId: w.g1b.id }], joinedAt: day(6) });
  w.a1 = await makeActivity(t.api, { groupId: w.g1a.id, memberId: w.m1.id, occurredAt: day(10) });
  w.a2 = await makeActivity(t.api, { groupId: w.g2.id, memberId: w.m2.id, occurredAt: day(11) });
  w.a3 = await makeActivity(t.api, { groupId: w.g2.id, memberId: w.m3.id, occurredAt: day(12) });
  w.a4 = await makeActivity(t.api, { groupId: w.g3.id, memberId: w.m4.id, occurredAt: day(13) });
  w.a5 = await makeActivity(t.api, { memberId: w.m5.id, occurredAt: day(14) });
});
afterAll(async () => t?.stop());

const ids = (xs: any[]) => xs.map((x) => x.id).sort();
const names = (...keys: string[]) => keys.map((k) => w[k].id).sort();

async function visibleSets(api: Client) {
  return {
    communities: ids((await api.get('/api/v1/communities')).body.items),
    groups: ids((await allPages(api, '/api/v1/groups')).items),
    groupSets: ids((await api.get('/api/v1/group-sets')).body.items),
    members: ids((await allPages(api, '/api/v1/members')).items),
    activities: ids((await allPages(api, '/api/v1/activities')).items),
  };
}

describe('a token scoped to one community', () => {
  let api: Client;
  beforeAll(async () => {
    api = (await mintToken(t, 'admin', { communities: [w.c1.id] })).client;
  });

  it('lists only that community, its groups and sets, the members of its groups and their activities', async () => {
    expect(await visibleSets(api)).toEqual({
      communities: names('c1'), groups: names('g1a', 'g1b'), groupSets: names('gs1'), members: names('m1', 'm3', 'm6'), activities: names('a1'),
    });
    expect(ids((await api.get(`/api/v1/communities/${w.c1.id}/phases`)).body.items)).toEqual(names('p1'));
  });

  it('answers 404, not 403, for everything else, read or write', async () => {
    const before = await dbSnapshot(t);
    const hidden: [string, string, unknown?][] = [
      ['GET', `/api/v1/communities/${w.c2.id}`], ['PATCH', `/api/v1/communities/${w.c2.id}`, { name: 'x' }], ['DELETE', `/api/v1/communities/${w.c2.id}`],
      ['GET', `/api/v1/communities/${w.c2.id}/phases`], ['POST', `/api/v1/communities/${w.c2.id}/phases`, { name: 'x', purpose: 'pr', startsOn: '2024-01-01', endsOn: '2024-01-02' }],
      ['GET', `/api/v1/phases/${w.p2.id}`], ['PATCH', `/api/v1/phases/${w.p2.id}`, { name: 'x' }], ['DELETE', `/api/v1/phases/${w.p2.id}`],
      ['GET', `/api/v1/groups/${w.g2.id}`], ['PATCH', `/api/v1/groups/${w.g2.id}`, { name: 'x' }], ['DELETE', `/api/v1/groups/${w.g2.id}`],
      ['GET', `/api/v1/groups/${w.g3.id}`], ['GET', `/api/v1/groups/${w.g2.id}/memberships`],
      ['GET', `/api/v1/group-sets/${w.gs2.id}`], ['PATCH', `/api/v1/group-sets/${w.gs2.id}`, { name: 'x' }], ['DELETE', `/api/v1/group-sets/${w.gs2.id}`],
      ['GET', `/api/v1/group-sets/${w.gsSouth.id}`],
      ['GET', `/api/v1/members/${w.m2.id}`], ['PATCH', `/api/v1/members/${w.m2.id}`, { city: 'x' }], ['DELETE', `/api/v1/members/${w.m2.id}`],
      ['GET', `/api/v1/members/${w.m4.id}`], ['GET', `/api/v1/members/${w.m5.id}`],
      ['POST', `/api/v1/members/${w.m2.id}/identities`, { platform: 'wechat', externalId: 'new' }],
      ['POST', `/api/v1/members/${w.m2.id}/memberships`, { groupId: w.g1b.id }],
      ['DELETE', `/api/v1/identities/${w.m2.identities[0].id}`],
      ['PATCH', `/api/v1/memberships/${w.m2.memberships[0].id}`, { nickname: 'x' }],
      ['PATCH', `/api/v1/memberships/${w.m3.memberships[1].id}`, { nickname: 'x' }],
      ['GET', `/api/v1/activities/${w.a2.id}`], ['GET', `/api/v1/activities/${w.a3.id}`], ['GET', `/api/v1/activities/${w.a4.id}`], ['GET', `/api/v1/activities/${w.a5.id}`],
    ];
    for (const [method, url, body] of hidden) {
      const r = await api.request(method, url, body);
      expectProblem(r, 404, undefined, 'not_found');
      expect(r.text, `${method} ${url}`).not.toContain('隐藏');
    }
    expect(await dbSnapshot(t)).toEqual(before);
  });

  it('shows a member in two groups with only the visible membership', async () => {
    const m3 = await api.get(`/api/v1/members/${w.m3.id}`);
    expectStatus(m3, 200);
    expect(m3.body.memberships.map((x: any) => x.groupId)).toEqual([w.g1a.id]);
    expect((await api.get(`/api/v1/groups/${w.g1a.id}`)).body.memberCount).toBe(2);
  });

  it('keeps hidden members out of searches, filters and exports', async () => {
    const q = async (s: string) => ids((await api.get(`/api/v1/members?${s}`)).body.items);
    expect(await q(`q=${encodeURIComponent('隐藏成员')}`)).toEqual([]);
    expect(await q(`q=${encodeURIComponent('成员')}`)).toEqual(names('m1', 'm3', 'm6'));
    expect(await q('q=1330000')).toEqual(names('m1', 'm3'));
    expect(await q('q=0002')).toEqual([]);
    expect(await q('q=hidden_handle')).toEqual([]);
    expect(await q(`tag=${encodeURIComponent('共同')}`)).toEqual(names('m1', 'm3'));
    expect(await q(`tag=${encodeURIComponent('秘密')}`)).toEqual([]);
    expect(await q(`groupId=${w.g2.id}`)).toEqual([]);
    expect(ids((await api.get(`/api/v1/activities?memberId=${w.m2.id}`)).body.items)).toEqual([]);
    expect(ids((await api.get(`/api/v1/activities?groupId=${w.g2.id}`)).body.items)).toEqual([]);
    expect(ids((await api.get(`/api/v1/groups?communityId=${w.c2.id}`)).body.items)).toEqual([]);
    const exp = await api.post('/api/v1/members/export', { reason: '范围内导出' });
    expectStatus(exp, 200);
    expect(exp.headers.get('x-export-rows')).toBe('3');
    expect(exp.text).not.toContain(w.m2.id);
    expect(exp.text).not.toContain('隐藏');
  });

  it('cannot reach hidden rows through references in its writes', async () => {
    const before = await dbSnapshot(t);
    const now = new Date().toISOString();
    expectProblem(await api.post('/api/v1/activities', { kind: 'message', occurredAt: now, groupId: w.g2.id }), 400, 'groupId');
    expectProblem(await api.post('/api/v1/activities', { kind: 'message', occurredAt: now }), 400, 'groupId');
    expectProblem(await api.post('/api/v1/activities', { kind: 'message', occurredAt: now, groupId: w.g1a.id, memberId: w.m2.id }), 400, 'memberId');
    expectProblem(await api.post('/api/v1/groups', { communityId: w.c2.id, platform: 'qq', name: 'x' }), 400, 'communityId');
    expectProblem(await api.post('/api/v1/groups', { communityId: w.c1.id, platform: 'qq', name: 'x', groupSetId: w.gs2.id }), 400, 'groupSetId');
    expectProblem(await api.post('/api/v1/groups', { communityId: w.c1.id, platform: 'qq', name: 'x', owner: { type: 'member', id: w.m2.id } }), 400, 'owner.id');
    expectProblem(await api.patch(`/api/v1/groups/${w.g1a.id}`, { communityId: w.c2.id }), 400, 'communityId');
    expectProblem(await api.patch(`/api/v1/groups/${w.g1a.id}`, { groupSetId: w.gs2.id }), 400, 'groupSetId');
    expectProblem(await api.patch(`/api/v1/group-sets/${w.gs1.id}`, { communityId: w.c2.id }), 400, 'communityId');
    expectProblem(await api.patch(`/api/v1/communities/${w.c1.id}`, { parentId: w.c2.id }), 400, 'parentId');
    expectProblem(await api.patch(`/api/v1/communities/${w.c1.id}`, { leaderMemberId: w.m2.id }), 400, 'leaderMemberId');
    expectProblem(await api.post('/api/v1/members', { displayName: 'x', memberships: [{ groupId: w.g2.id }] }), 400, 'memberships.0.groupId');
    expectProblem(await api.post('/api/v1/members', { displayName: 'x', memberships: [{ groupId: w.g1a.id }], referrerId: w.m2.id }), 400, 'referrerId');
    expectProblem(await api.post('/api/v1/members', { displayName: 'x', memberships: [{ groupId: w.g1a.id, invitedBy: w.m2.id }] }), 400, 'memberships.0.invitedBy');
    expectProblem(await api.post('/api/v1/members', { displayName: '无群' }), 400, 'memberships');
    expectProblem(await api.patch(`/api/v1/members/${w.m1.id}`, { referrerId: w.m5.id }), 400, 'referrerId');
    expectProblem(await api.post(`/api/v1/members/${w.m1.id}/memberships`, { groupId: w.g2.id }), 400, 'groupId');
    expectProblem(await api.post('/api/v1/communities', { name: '新社群', purpose: 'brand' }), 403, undefined, 'auth.forbidden');
    expectProblem(await api.post('/api/v1/group-sets', { name: 'x', communityId: w.c2.id }), 403, undefined, 'auth.forbidden');
    expect(await dbSnapshot(t)).toEqual(before);
  });

  it('cannot hand out more than its own scope', async () => {
    const before = await dbSnapshot(t);
    expectProblem(await api.post('/api/v1/tokens', { name: 'wider', role: 'analyst' }), 403, undefined, 'auth.forbidden');
    expectProblem(await api.post('/api/v1/tokens', { name: 'wider', role: 'analyst', scope: { communities: [w.c1.id, w.c2.id] } }), 403, undefined, 'auth.forbidden');
    expectProblem(await api.post('/api/v1/tokens', { name: 'wider', role: 'analyst', scope: { regions: ['华南'] } }), 403, undefined, 'auth.forbidden');
    expectProblem(await api.post('/api/v1/operators', { email: 'wide@example.com', name: 'wide', role: 'analyst' }), 403, undefined, 'auth.forbidden');
    const op = (await t.api.post('/api/v1/operators', { email: 'narrow@example.com', name: 'narrow', role: 'analyst', scope: { communities: [w.c1.id] } })).body;
    expectProblem(await api.patch(`/api/v1/operators/${op.id}`, { scope: null }), 403, undefined, 'auth.forbidden');
    expect((await t.api.get(`/api/v1/operators/${op.id}`)).body.scope).toEqual({ communities: [w.c1.id], groupSets: [], regions: [] });
    const mid = await dbSnapshot(t);
    expect(mid.counts.api_tokens).toBe(before.counts.api_tokens);
    // Within its scope it may.
    const narrow = await api.post('/api/v1/tokens', { name: 'narrow', role: 'analyst', scope: { communities: [w.c1.id] } });
    expectStatus(narrow, 201);
    const seen = await visibleSets(t.client(narrow.body.token));
    expect(seen.members).toEqual(names('m1', 'm3', 'm6'));
  });

  it('creates and changes what lies inside its scope', async () => {
    const g = await api.post('/api/v1/groups', { communityId: w.c1.id, platform: 'wechat', name: '新可见群' });
    expectStatus(g, 201);
    const m = await api.post('/api/v1/members', { displayName: '新可见成员', memberships: [{ groupId: g.body.id }], referrerId: w.m1.id });
    expectStatus(m, 201);
    expectStatus(await api.post('/api/v1/activities', { kind: 'message', occurredAt: new Date().toISOString(), groupId: g.body.id, memberId: m.body.id }), 201);
    expectStatus(await api.patch(`/api/v1/communities/${w.c1.id}`, { canvas: { tone: '范围内修改' } }), 200);
    expect((await api.get(`/api/v1/members/${m.body.id}`)).body.referrerId).toBe(w.m1.id);
    // The owner sees it all.
    expect((await t.api.get(`/api/v1/groups/${g.body.id}`)).body.memberCount).toBe(1);
  });
});

describe('a scoped supervisor reading the audit log', () => {
  it('reads what happened to the rows it can see and what it did, nothing about hidden rows', async () => {
    const sup = await mintToken(t, 'supervisor', { communities: [w.c1.id] });
    const entries = (await allPages(sup.client, '/api/v1/audit-log?limit=100')).items;
    const targets = new Set(entries.map((e: any) => e.target.id));
    for (const k of ['c1', 'p1', 'gs1', 'g1a', 'g1b', 'm1', 'm3', 'm6']) expect(targets, k).toContain(w[k].id);
    for (const k of ['c2', 'p2', 'gs2', 'gsSouth', 'g2', 'g3', 'm2', 'm4', 'm5']) expect(targets, k).not.toContain(w[k].id);
    expect(JSON.stringify(entries)).not.toContain('隐藏');
    expect(entries.every((e: any) => e.target.id !== null)).toBe(true);
    // The owner reads it all.
    const all = (await allPages(t.api, '/api/v1/audit-log?limit=500')).items;
    expect(all.length).toBeGreaterThan(entries.length);
    expect(all.map((e: any) => e.target.id)).toContain(w.m2.id);
    // A scoped actor's own entries are its to read, whatever they touch.
    const own = await mintToken(t, 'admin', { communities: [w.c1.id] });
    expectStatus(await own.client.post('/api/v1/members/export', { reason: '范围内导出二' }), 200);
    const mine = (await own.client.get(`/api/v1/audit-log?actorId=${own.id}`)).body.items;
    expect(mine.map((e: any) => e.action)).toEqual(['member.export']);
  });
});

describe('a token scoped to a group set', () => {
  it('sees the groups of the set, their community as context, and their members', async () => {
    const api = (await mintToken(t, 'operator', { groupSets: [w.gs1.id] })).client;
    const seen = await visibleSets(api);
    expect(seen.groups).toEqual(names('g1a'));
    expect(seen.groupSets).toEqual(names('gs1'));
    expect(seen.communities).toEqual(names('c1'));
    expect(seen.members).toEqual(names('m1', 'm3'));
    expect(seen.activities).toEqual(names('a1'));
    expectProblem(await api.get(`/api/v1/groups/${w.g1b.id}`), 404);
    expectProblem(await api.get(`/api/v1/members/${w.m6.id}`), 404);
    expectProblem(await api.patch(`/api/v1/members/${w.m6.id}`, { city: 'x' }), 404);
  });
});

describe('a token scoped to a region', () => {
  let api: Client;
  beforeAll(async () => {
    api = (await mintToken(t, 'admin', { regions: ['华南'] })).client;
  });

  it("sees the region's groups and sets, their members and activities", async () => {
    const seen = await visibleSets(api);
    expect(seen.groups).toEqual(names('g3'));
    expect(seen.groupSets).toEqual(names('gsSouth'));
    expect(seen.members).toEqual(names('m4'));
    expect(seen.activities).toEqual(names('a4'));
    expect(seen.communities).toEqual(names('c2'));
    expectProblem(await api.get(`/api/v1/groups/${w.g2.id}`), 404);
    expectProblem(await api.get(`/api/v1/members/${w.m2.id}`), 404);
    expectProblem(await api.get(`/api/v1/activities/${w.a2.id}`), 404);
  });

  it('cannot change the community it only sees as the context of its groups', async () => {
    const before = await dbSnapshot(t);
    expectProblem(await api.patch(`/api/v1/communities/${w.c2.id}`, { name: '改掉' }), 403, undefined, 'auth.forbidden');
    expectProblem(await api.delete(`/api/v1/phases/${w.p2.id}`), 403, undefined, 'auth.forbidden');
    expectProblem(await api.patch(`/api/v1/phases/${w.p2.id}`, { name: '改掉' }), 403, undefined, 'auth.forbidden');
    expectProblem(await api.post(`/api/v1/communities/${w.c2.id}/phases`, { name: 'x', purpose: 'pr', startsOn: '2024-01-01', endsOn: '2024-01-02' }), 403, undefined, 'auth.forbidden');
    expect(await dbSnapshot(t)).toEqual(before);
    // Its own region's groups it may create and change.
    const g = await api.post('/api/v1/groups', { communityId: w.c2.id, platform: 'qq', name: '华南二群', region: '华南' });
    expectStatus(g, 201);
    expectStatus(await api.patch(`/api/v1/groups/${w.g3.id}`, { name: '华南一群' }), 200);
    expectProblem(await api.post('/api/v1/groups', { communityId: w.c2.id, platform: 'qq', name: '华北群', region: '华北' }), 403, undefined, 'auth.forbidden');
  });

  it('changes only the group sets its scope names, not those it sees as context', async () => {
    const mixed = await makeGroupSet(t.api, { name: '混合组合' });
    expectStatus(await t.api.patch(`/api/v1/groups/${w.g3.id}`, { groupSetId: mixed.id }), 200);
    expect(ids((await api.get('/api/v1/group-sets')).body.items)).toEqual([mixed.id, w.gsSouth.id].sort());
    const before = await dbSnapshot(t);
    expectProblem(await api.patch(`/api/v1/group-sets/${mixed.id}`, { name: '改掉' }), 403, undefined, 'auth.forbidden');
    expectProblem(await api.delete(`/api/v1/group-sets/${mixed.id}`), 403, undefined, 'auth.forbidden');
    expect(await dbSnapshot(t)).toEqual(before);
    const own = await api.patch(`/api/v1/group-sets/${w.gsSouth.id}`, { namingPattern: '华南{n}群' });
    expectStatus(own, 200);
    expect(own.body.namingPattern).toBe('华南{n}群');
  });
});

describe('a scoped operator signed in with a session', () => {
  it('sees the same as a token with that scope', async () => {
    expectStatus(await t.api.post('/api/v1/operators', { email: 'scoped@example.com', name: '范围运营', role: 'operator', password: 'scoped-pass-1', scope: { communities: [w.c1.id] } }), 201);
    const s = await signIn(t, 'scoped@example.com', 'scoped-pass-1');
    const seen = await visibleSets(s.cookieOnly);
    expect(seen.communities).toEqual(names('c1'));
    expect(seen.members).toEqual(expect.arrayContaining(names('m1', 'm3', 'm6')));
    expect(seen.members).not.toContain(w.m2.id);
    expect(seen.activities).not.toContain(w.a2.id);
    expectProblem(await s.cookieOnly.get(`/api/v1/members/${w.m2.id}`), 404);
    expectProblem(await s.client.patch(`/api/v1/groups/${w.g2.id}`, { name: 'x' }), 404);
  });
});
