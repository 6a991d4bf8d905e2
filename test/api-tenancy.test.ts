// Cross-workspace isolation: a token of workspace A never reads, changes or sees anything of workspace B.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestServer, type Client, type TestServer } from './helpers/server.ts';
import {
  allPages, auditSince, call, dbSnapshot, documentedOnly, expectProblem, expectStatus, makeFixture, openApiOperations, otherWorkspace, readCalls,
  signIn, writeCalls, type Fixture, type OpenApiOperation,
} from './helpers/api.ts';

let t: TestServer;
let a: Fixture;
let b: Fixture;
let bApi: Client;
let bMember: any;
let ops: OpenApiOperation[];
beforeAll(async () => {
  t = await startTestServer();
  ops = (await openApiOperations(t)).ops;
  a = await makeFixture(t, t.api, 'Alpha');
  const other = await otherWorkspace(t, 'beta');
  bApi = other.api;
  b = await makeFixture(t, bApi, 'Beta');
  bMember = (await bApi.get(`/api/v1/members/${b.member}`)).body;
});
afterAll(async () => t?.stop());

describe('cross-workspace isolation', () => {
  it("answers 404 for every read of B's resources with A's token", async () => {
    for (const c of documentedOnly(readCalls(b), ops)) {
      if (!c.path.includes('{id}')) continue;
      const r = await call(t.api, c);
      expectProblem(r, 404, undefined, 'not_found');
      expect(r.text, `${c.method} ${c.url}`).not.toContain('Beta');
    }
  });

  it("answers 404 for every change of B's resources with A's token, and changes nothing", async () => {
    const before = await dbSnapshot(t);
    const calls = documentedOnly(writeCalls(b), ops).filter((c) => c.path.includes('{id}'));
    expect(calls.map((c) => c.path)).toEqual(expect.arrayContaining([
      '/api/v1/communities/{id}', '/api/v1/phases/{id}', '/api/v1/groups/{id}', '/api/v1/group-sets/{id}', '/api/v1/members/{id}',
      '/api/v1/identities/{id}', '/api/v1/memberships/{id}', '/api/v1/operators/{id}', '/api/v1/tokens/{id}',
    ]));
    for (const c of calls) {
      // Bodies that would be valid in A: only the id is foreign.
      const body = c.path === '/api/v1/members/{id}/memberships' ? { groupId: a.group2 } : c.body;
      expectProblem(await call(t.api, { ...c, body }), 404, undefined, 'not_found');
    }
    expect(await dbSnapshot(t)).toEqual(before);
  });

  it("treats B's ids named in A's bodies as unknown (400 naming the field), not as found", async () => {
    const before = await dbSnapshot(t);
    expectProblem(await t.api.post('/api/v1/groups', { communityId: b.community, platform: 'qq', name: 'x' }), 400, 'communityId');
    expectProblem(await t.api.post('/api/v1/groups', { communityId: a.community, groupSetId: b.groupSet, platform: 'qq', name: 'x' }), 400, 'groupSetId');
    expectProblem(await t.api.post('/api/v1/groups', { communityId: a.community, platform: 'qq', name: 'x', owner: { type: 'member', id: b.member } }), 400, 'owner.id');
    expectProblem(await t.api.post('/api/v1/groups', { communityId: a.community, platform: 'qq', name: 'x', secretary: { type: 'operator', id: b.operator } }), 400, 'secretary.id');
    expectProblem(await t.api.patch(`/api/v1/groups/${a.group}`, { communityId: b.community }), 400, 'communityId');
    expectProblem(await t.api.post('/api/v1/group-sets', { name: 'x', communityId: b.community }), 400, 'communityId');
    expectProblem(await t.api.post('/api/v1/communities', { name: 'x', purpose: 'brand', parentId: b.community }), 400, 'parentId');
    expectProblem(await t.api.post('/api/v1/communities', { name: 'x', purpose: 'brand', leaderMemberId: b.member }), 400, 'leaderMemberId');
    expectProblem(await t.api.post('/api/v1/members', { displayName: 'x', memberships: [{ groupId: b.group }] }), 400, 'memberships.0.groupId');
    expectProblem(await t.api.post('/api/v1/members', { displayName: 'x', referrerId: b.member }), 400, 'referrerId');
    expectProblem(await t.api.post(`/api/v1/members/${a.member}/memberships`, { groupId: b.group }), 400, 'groupId');
    expectProblem(await t.api.post(`/api/v1/members/${a.member}/memberships`, { groupId: a.group2, invitedBy: b.member }), 400, 'invitedBy');
    expectProblem(await t.api.post('/api/v1/activities', { kind: 'message', occurredAt: new Date().toISOString(), memberId: b.member }), 400, 'memberId');
    expectProblem(await t.api.post('/api/v1/activities', { kind: 'message', occurredAt: new Date().toISOString(), groupId: b.group }), 400, 'groupId');
    expect(await dbSnapshot(t)).toEqual(before);
  });

  it("never shows B's rows in A's lists, searches, audit log or exports", async () => {
    const bIds = new Set(Object.values(b));
    const leaks = (x: unknown) => [...bIds].filter((id) => JSON.stringify(x).includes(id));
    const lists = [
      '/api/v1/communities', `/api/v1/communities/${a.community}/phases`, '/api/v1/groups', `/api/v1/groups/${a.group}/memberships?includeLeft=true`,
      '/api/v1/group-sets', '/api/v1/members', '/api/v1/activities', '/api/v1/operators', '/api/v1/tokens', '/api/v1/audit-log?limit=500',
    ];
    for (const path of lists) {
      const r = await t.api.get(path);
      expectStatus(r, 200);
      expect(r.body.items.length, path).toBeGreaterThan(0);
      expect(leaks(r.body), path).toEqual([]);
      expect(r.text, path).not.toContain('Beta');
    }
    // B's own lists hold its rows and none of A's.
    const bGroups = await allPages(bApi, '/api/v1/groups');
    expect(bGroups.items.map((g: any) => g.id).sort()).toEqual([b.group, b.group2, b.importedGroup].sort());
    expect((await bApi.get('/api/v1/members')).body.items.map((m: any) => m.id).sort()).toEqual([b.member, b.joiner, b.importedMember, b.mergeKeep, b.mergeOther].sort());

    const searches = [
      `q=${encodeURIComponent('Beta成员')}`, `q=${encodeURIComponent('成员')}`, 'q=Beta_handle', 'q=137', 'q=1370000', 'q=1234', `q=${encodeURIComponent(bMember.email)}`,
      `tag=${encodeURIComponent('Beta标签')}`, `groupId=${b.group}`, 'stage=acquired',
    ];
    for (const q of searches) {
      const r = await t.api.get(`/api/v1/members?${q}`);
      expectStatus(r, 200);
      expect(leaks(r.body), q).toEqual([]);
      const rb = await bApi.get(`/api/v1/members?${q}`);
      // The fixture's joiner, imported sender and members left for a merge (no phone, e-mail or tags) match only the stage.
      const all = [b.member, b.joiner, b.importedMember, b.mergeKeep, b.mergeOther];
      expect(rb.body.items.map((m: any) => m.id).sort(), `B finds its own member with ${q}`).toEqual(q === 'stage=acquired' ? all.sort() : [b.member]);
    }
    // A's member with the same phone is found in A only.
    expect((await t.api.get('/api/v1/members?q=1234')).body.items.map((m: any) => m.id)).toEqual([a.member]);
    expect((await t.api.get(`/api/v1/activities?groupId=${b.group}`)).body.items).toEqual([]);
    expect((await t.api.get(`/api/v1/activities?memberId=${b.member}`)).body.items).toEqual([]);
    expect((await t.api.get(`/api/v1/groups?communityId=${b.community}`)).body.items).toEqual([]);
    expect(await auditSince(t.api, `actorId=${b.token}`)).toEqual([]);

    const exp = await t.api.post('/api/v1/members/export', { reason: '隔离检查导出' });
    expectStatus(exp, 200);
    // A's own: the fixture's member, its invite newcomer, the imported sender and the two left for a merge.
    expect(exp.headers.get('x-export-rows')).toBe('5');
    expect(leaks(exp.text)).toEqual([]);
    expect(exp.text).not.toContain('Beta');
  });

  it('keeps identity, external-id and numbering spaces apart per workspace', async () => {
    // The same platform account may exist once in each workspace.
    const idn = await t.api.post(`/api/v1/members/${a.member}/identities`, { platform: 'wechat', externalId: 'Beta-wx' });
    expectStatus(idn, 201);
    const g = await t.api.post('/api/v1/groups', { communityId: a.community, platform: 'wechat', name: 'same ext', externalId: 'Beta-ext' });
    expectStatus(g, 201);
    // B still sees its own, unchanged.
    const bm = await bApi.get(`/api/v1/members/${b.member}`);
    expect(bm.body).toEqual(bMember);
    expect(bm.body.memberships[0].numberDisplay).toBe('0001');
  });

  it("leaves B's data intact after everything A tried", async () => {
    for (const c of documentedOnly(readCalls(b), ops)) {
      const r = await call(bApi, c);
      expectStatus(r, 200);
    }
    const g = await bApi.get(`/api/v1/groups/${b.group}`);
    expect(g.body).toMatchObject({ name: 'Beta群', memberCount: 1, groupSetId: b.groupSet });
    expect((await bApi.get(`/api/v1/operators/${b.operator}`)).body.disabled).toBe(false);
    expect((await bApi.get('/api/v1/tokens')).body.items.find((x: any) => x.id === b.token).revokedAt).toBeNull();
  });

  it('signs an e-mail used in two workspaces into the one it names', async () => {
    const op = await bApi.post('/api/v1/operators', { email: ADMIN.email, name: 'Beta 管理员', role: 'owner', password: 'beta-password-1' });
    expectStatus(op, 201);
    const ambiguous = await t.client().post('/api/v1/auth/sign-in', { email: ADMIN.email, password: ADMIN.password });
    expectProblem(ambiguous, 400, 'workspace');
    const s = await signIn(t, ADMIN.email, 'beta-password-1', 'beta');
    expect(s.body.workspace.slug).toBe('beta');
    expect(s.body.operator.id).toBe(op.body.id);
    expectProblem(await s.cookieOnly.get(`/api/v1/communities/${a.community}`), 404);
    expectStatus(await s.cookieOnly.get(`/api/v1/communities/${b.community}`), 200);
    expectProblem(await s.client.patch(`/api/v1/members/${a.member}`, { city: 'x' }), 404);
    // A's password does not open B's account, nor B's A's.
    expectProblem(await t.client().post('/api/v1/auth/sign-in', { email: ADMIN.email, password: ADMIN.password, workspace: 'beta' }), 401);
    const sa = await signIn(t, ADMIN.email, ADMIN.password, 'default');
    expectProblem(await sa.cookieOnly.get(`/api/v1/members/${b.member}`), 404);
  });
});
