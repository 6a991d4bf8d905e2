// Authentication (tokens, cookie sessions with CSRF, sign-in rate limiting) and role permissions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestServer, type TestServer } from './helpers/server.ts';
import {
  call, dbSnapshot, documentedOnly, expectProblem, expectStatus, makeFixture, memberCalls, mintToken, openApiOperations, publicCalls, readCalls, signIn, writeCalls,
  type Fixture, type OpenApiOperation,
} from './helpers/api.ts';

let t: TestServer;
let fx: Fixture;
let ops: OpenApiOperation[];
beforeAll(async () => {
  t = await startTestServer();
  fx = await makeFixture(t, t.api);
  ops = (await openApiOperations(t)).ops;
});
const reads = (f: Fixture) => documentedOnly(readCalls(f), ops);
const writesOf = (f: Fixture) => documentedOnly(writeCalls(f), ops);
afterAll(async () => t?.stop());

const PUBLIC = new Set([
  'POST /api/v1/auth/sign-in', 'GET /api/v1/public/join/{code}', 'POST /api/v1/public/join/{code}', 'GET /api/v1/public/live-sessions/{id}', 'POST /api/v1/public/live-sessions/{id}/applications',
  'POST /api/v1/connectors/telegram/{id}/webhook', 'GET /l/{code}',
]);
const EXCLUDED_FROM_WRITES = new Set(['POST /api/v1/auth/sign-in', 'POST /api/v1/auth/sign-out', 'POST /api/v1/members/export']);

describe('the operation tables used by the permission tests', () => {
  it('cover every operation of the OpenAPI document', async () => {
    const documented = ops.map((o) => `${o.method} ${o.path}`).sort();
    const covered = [...writesOf(fx), ...reads(fx), ...documentedOnly(publicCalls(fx), ops), ...documentedOnly(memberCalls(fx), ops)].map((c) => `${c.method} ${c.path}`);
    expect(new Set(covered).size).toBe(covered.length);
    // A new operation fails here until it joins the tables in test/helpers/api.ts.
    expect([...covered, ...EXCLUDED_FROM_WRITES].sort()).toEqual(documented);
  });
});

describe('API tokens', () => {
  it('answers 401 problem+json with WWW-Authenticate to every secured operation without credentials', async () => {
    const before = await dbSnapshot(t);
    const calls = [...writesOf(fx), ...reads(fx), { method: 'POST', path: '', url: '/api/v1/members/export', body: { reason: '无凭据导出' } }, { method: 'POST', path: '', url: '/api/v1/auth/sign-out' }];
    expect(calls.length).toBe(ops.length - PUBLIC.size - documentedOnly(memberCalls(fx), ops).length);
    for (const c of calls) {
      const r = await call(t.client(), c);
      expectProblem(r, 401, undefined, 'auth.required');
      expect(r.headers.get('www-authenticate'), `${c.method} ${c.url}`).toBe('Bearer realm="shequn"');
    }
    expect(await dbSnapshot(t)).toEqual(before);
  });

  it('refuses malformed, unknown and revoked tokens with 401', async () => {
    for (const auth of ['Bearer', 'Bearer ', 'Basic YWRtaW46cGFzcw==', 'Bearer shq_unknown', `Bearer ${'x'.repeat(300)}`, 'Bearer a b', 'bearer']) {
      const r = await t.client().withHeaders({ authorization: auth }).get('/api/v1/members');
      expectProblem(r, 401, undefined, 'auth.required');
      expect(r.headers.get('www-authenticate')).toBe('Bearer realm="shequn"');
    }
    const tok = await mintToken(t, 'operator');
    expectStatus(await tok.client.get('/api/v1/members'), 200);
    const me = await tok.client.get('/api/v1/auth/me');
    expect(me.body).toMatchObject({ operator: null, actor: { kind: 'token', id: tok.id, name: `token:${tok.name}`, role: 'operator' }, csrfToken: null });
    expect(me.body.permissions).toContain('member.write');
    expect(me.body.permissions).not.toContain('token.manage');
    expectStatus(await t.api.delete(`/api/v1/tokens/${tok.id}`), 204);
    const revoked = await tok.client.get('/api/v1/members');
    expectProblem(revoked, 401, undefined, 'auth.required');
    expect(revoked.body.detail).toMatch(/invalid or revoked/);
    const listed = (await t.api.get('/api/v1/tokens')).body.items.find((x: any) => x.id === tok.id);
    expect(listed.revokedAt).toEqual(expect.any(String));
    expect(listed.lastUsedAt).toEqual(expect.any(String));
    // A token list never shows secrets.
    expect(JSON.stringify((await t.api.get('/api/v1/tokens')).body)).not.toContain(tok.token);
  });

  it('ignores a session cookie when a bearer token is sent', async () => {
    const s = await signIn(t, ADMIN.email, ADMIN.password);
    expectProblem(await s.client.withHeaders({ authorization: 'Bearer shq_nope' }).get('/api/v1/members'), 401);
  });

  it('validates token requests', async () => {
    expectProblem(await t.api.post('/api/v1/tokens', { name: 'x' }), 400, 'body.role');
    expectProblem(await t.api.post('/api/v1/tokens', { name: 'x', role: 'god' }), 400, 'body.role');
    expectProblem(await t.api.post('/api/v1/tokens', { name: '', role: 'analyst' }), 400, 'body.name');
    expectProblem(await t.api.post('/api/v1/tokens', { name: 'x', role: 'analyst', scope: { planets: [] } }), 400, 'body.scope');
    expectProblem(await t.api.delete('/api/v1/tokens/tok_missing'), 404, undefined, 'not_found');
  });
});

describe('cookie sessions', () => {
  it('signs in with a session cookie and a CSRF token; writes need the X-CSRF-Token header', async () => {
    const s = await signIn(t, ' Admin@Shequn.Local ', ADMIN.password);
    expect(s.body.operator).toMatchObject({ email: ADMIN.email, role: 'owner', disabled: false });
    expect(s.body.actor).toMatchObject({ kind: 'operator', role: 'owner' });
    expect(s.body.workspace.slug).toBe('default');
    expect(s.body.permissions).toEqual(expect.arrayContaining(['member.export', 'audit.read', 'token.manage']));
    expect(s.csrfToken.length).toBeGreaterThanOrEqual(24);
    const session = s.setCookies.find((c) => c.startsWith('shequn_session='))!;
    const csrf = s.setCookies.find((c) => c.startsWith('shequn_csrf='))!;
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).toMatch(/Path=\//);
    expect(csrf).not.toMatch(/HttpOnly/i);
    expect(csrf).toContain(`shequn_csrf=${s.csrfToken}`);

    const me = await s.cookieOnly.get('/api/v1/auth/me');
    expectStatus(me, 200);
    expect(me.body).toMatchObject({ operator: { email: ADMIN.email }, actor: { kind: 'operator' }, csrfToken: s.csrfToken });
    expectStatus(await s.cookieOnly.get('/api/v1/communities'), 200);

    const before = await dbSnapshot(t);
    const forged = await s.cookieOnly.post('/api/v1/communities', { name: '伪造', purpose: 'brand' });
    expectProblem(forged, 403, undefined, 'auth.csrf');
    expectProblem(await s.cookieOnly.withHeaders({ 'x-csrf-token': 'wrong' }).post('/api/v1/communities', { name: '伪造', purpose: 'brand' }), 403, undefined, 'auth.csrf');
    expectProblem(await s.cookieOnly.withHeaders({ 'x-csrf-token': '' }).patch(`/api/v1/communities/${fx.community}`, { name: '伪造' }), 403, undefined, 'auth.csrf');
    expectProblem(await s.cookieOnly.delete(`/api/v1/phases/${fx.phase}`), 403, undefined, 'auth.csrf');
    expectProblem(await s.cookieOnly.post('/api/v1/auth/sign-out'), 403, undefined, 'auth.csrf');
    // Another session's CSRF token does not fit this session.
    const other = await signIn(t, ADMIN.email, ADMIN.password);
    expectProblem(await s.cookieOnly.withHeaders({ 'x-csrf-token': other.csrfToken }).post('/api/v1/communities', { name: '伪造', purpose: 'brand' }), 403, undefined, 'auth.csrf');
    const after = await dbSnapshot(t);
    // Only the second sign-in (its session and its audit entry) changed anything.
    expect({ ...after.counts, sessions: 0, audit_log: 0 }).toEqual({ ...before.counts, sessions: 0, audit_log: 0 });
    expect(after.counts.sessions).toBe(before.counts.sessions! + 1);
    expect(after.rows.communities).toBe(before.rows.communities);

    const ok = await s.client.post('/api/v1/communities', { name: '会话创建', purpose: 'brand' });
    expectStatus(ok, 201);
    const [entry] = (await t.api.get('/api/v1/audit-log?action=community.create&limit=1')).body.items;
    expect(entry).toMatchObject({ actor: { type: 'operator', id: s.body.operator.id, name: '管理员 Admin' }, target: { id: ok.body.id } });

    const out = await s.client.post('/api/v1/auth/sign-out');
    expectStatus(out, 204);
    expect(out.headers.getSetCookie().some((c) => /^shequn_session=;/.test(c))).toBe(true);
    expectProblem(await s.cookieOnly.get('/api/v1/auth/me'), 401, undefined, 'auth.required');
    expectProblem(await s.client.post('/api/v1/communities', { name: 'x', purpose: 'brand' }), 401);
    // The other session is still good.
    expectStatus(await other.cookieOnly.get('/api/v1/auth/me'), 200);
  });

  it('refuses wrong credentials with one answer for unknown e-mail and wrong password', async () => {
    const wrong = await t.client().post('/api/v1/auth/sign-in', { email: ADMIN.email, password: 'not-the-password' });
    expectProblem(wrong, 401, undefined, 'auth.invalid_credentials');
    expect(wrong.headers.getSetCookie()).toEqual([]);
    const unknown = await t.client().post('/api/v1/auth/sign-in', { email: 'nobody@example.com', password: 'whatever1' });
    expectProblem(unknown, 401, undefined, 'auth.invalid_credentials');
    expect(unknown.body.detail).toBe(wrong.body.detail);
    expectProblem(await t.client().post('/api/v1/auth/sign-in', { email: ADMIN.email }), 400, 'body.password');
    expectProblem(await t.client().post('/api/v1/auth/sign-in', { email: 'not-an-email', password: 'x' }), 400, 'body.email');
    expectProblem(await t.client().post('/api/v1/auth/sign-in', { email: ADMIN.email, password: ADMIN.password, remember: true }), 400, 'body');
  });

  it("revokes a disabled operator's API tokens", async () => {
    const op = await t.api.post('/api/v1/operators', { email: 'automator@example.com', name: '自动化', role: 'admin', password: 'automator-pass-1' });
    expectStatus(op, 201);
    const s = await signIn(t, 'automator@example.com', 'automator-pass-1');
    const tok = await s.client.post('/api/v1/tokens', { name: 'nightly sync', role: 'operator' });
    expectStatus(tok, 201);
    const automation = t.client(tok.body.token);
    expectStatus(await automation.get('/api/v1/members'), 200);
    expectStatus(await t.api.delete(`/api/v1/operators/${op.body.id}`), 204);
    expectProblem(await automation.get('/api/v1/members'), 401, undefined, 'auth.required');
    const [entry] = (await t.api.get('/api/v1/audit-log?action=operator.disable&limit=1')).body.items;
    expect(entry).toMatchObject({ target: { type: 'operator', id: op.body.id }, detail: { disabled: true, revokedTokens: 1 } });
  });

  it('ends the sessions of a disabled operator, and lets a re-enabled one sign in again', async () => {
    const op = await t.api.post('/api/v1/operators', { email: 'analyst@example.com', name: '分析师', role: 'analyst', password: 'analyst-pass-1' });
    expectStatus(op, 201);
    expect(op.body).not.toHaveProperty('password');
    const s = await signIn(t, 'analyst@example.com', 'analyst-pass-1');
    expect(s.body.permissions).not.toContain('member.write');
    expectStatus(await s.cookieOnly.get('/api/v1/members'), 200);
    // Even with the CSRF token, an analyst's session cannot write.
    expectProblem(await s.client.post('/api/v1/communities', { name: 'x', purpose: 'brand' }), 403, undefined, 'auth.forbidden');
    expectStatus(await t.api.delete(`/api/v1/operators/${op.body.id}`), 204);
    expectProblem(await s.cookieOnly.get('/api/v1/members'), 401);
    expectProblem(await t.client().post('/api/v1/auth/sign-in', { email: 'analyst@example.com', password: 'analyst-pass-1' }), 401);
    const back = await t.api.patch(`/api/v1/operators/${op.body.id}`, { disabled: false });
    expect(back.body.disabled).toBe(false);
    const again = await signIn(t, 'analyst@example.com', 'analyst-pass-1');
    // A new password ends the sessions opened with the old one.
    const changed = await t.api.patch(`/api/v1/operators/${op.body.id}`, { password: 'analyst-pass-2' });
    expectStatus(changed, 200);
    expect(JSON.stringify(changed.body)).not.toContain('analyst-pass-2');
    expectProblem(await again.cookieOnly.get('/api/v1/auth/me'), 401);
    expectProblem(await t.client().post('/api/v1/auth/sign-in', { email: 'analyst@example.com', password: 'analyst-pass-1' }), 401);
    await signIn(t, 'analyst@example.com', 'analyst-pass-2');
    const [entry] = (await t.api.get(`/api/v1/audit-log?action=operator.update&limit=1`)).body.items;
    expect(entry.detail).toEqual({ passwordChanged: true });
  });
});

describe('member sessions (the member app)', () => {
  it('answers every member operation 401 without a member session, whatever operator credentials are sent', async () => {
    const owner = await signIn(t, ADMIN.email, ADMIN.password);
    const before = await dbSnapshot(t);
    for (const c of documentedOnly(memberCalls(fx), ops)) {
      for (const client of [t.client(), t.api, owner.client, t.client().withHeaders({ cookie: 'shequn_member=forged-token' })]) {
        expectProblem(await call(client, c), 401, undefined, 'auth.required');
      }
    }
    expect(await dbSnapshot(t)).toEqual(before);
  });

  it('needs the member CSRF token on writes, and a signed-out device is a stranger again', async () => {
    const f = await makeFixture(t, t.api);
    const cookieOnly = t.client().withHeaders({ cookie: f.memberCookie });
    const before = await dbSnapshot(t);
    for (const c of documentedOnly(memberCalls(f), ops).filter((x) => x.method !== 'GET')) {
      expectProblem(await call(cookieOnly, c), 403, undefined, 'auth.csrf');
    }
    expect(await dbSnapshot(t)).toEqual(before);
    for (const c of documentedOnly(memberCalls(f), ops).filter((x) => x.method === 'GET')) expectStatus(await call(f.memberClient, c), 200);
    const out = await f.memberClient.post('/api/v1/me/sign-out');
    expectStatus(out, 204);
    expect(out.headers.get('set-cookie')).toMatch(/^shequn_member=;/);
    expectProblem(await f.memberClient.get('/api/v1/me'), 401, undefined, 'auth.required');
  });
});

describe('sign-in rate limiting', () => {
  it('answers the attempt after the limit with 429 problem+json, per e-mail however it is written', async () => {
    const limited = await startTestServer({ SHEQUN_SIGNIN_LIMIT: '3' });
    try {
      const anon = limited.client();
      for (let i = 0; i < 3; i++) expectProblem(await anon.post('/api/v1/auth/sign-in', { email: 'victim@example.com', password: `guess-${i}` }), 401);
      const r = await anon.post('/api/v1/auth/sign-in', { email: 'victim@example.com', password: 'guess-3' });
      expectProblem(r, 429, undefined, 'auth.rate_limited');
      expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
      expectProblem(await anon.post('/api/v1/auth/sign-in', { email: ' VICTIM@Example.com', password: 'guess-4' }), 429);
      // Another e-mail is counted on its own; the admin (whose test sign-in counted once) has two tries left.
      expectProblem(await anon.post('/api/v1/auth/sign-in', { email: 'someone@example.com', password: 'guess' }), 401);
      expectStatus(await anon.post('/api/v1/auth/sign-in', ADMIN), 200);
      expectStatus(await anon.post('/api/v1/auth/sign-in', ADMIN), 200);
      expectProblem(await anon.post('/api/v1/auth/sign-in', ADMIN), 429, undefined, 'auth.rate_limited');
      // Signed-in work is not rate limited.
      for (let i = 0; i < 5; i++) expectStatus(await limited.api.get('/api/v1/auth/me'), 200);
    } finally {
      await limited.stop();
    }
  });
});

describe('role permissions', () => {
  async function expectNoWrites(client: ReturnType<TestServer['client']>, label: string) {
    const f = await makeFixture(t, t.api);
    const before = await dbSnapshot(t);
    for (const c of writesOf(f)) {
      const r = await call(client, c);
      expectProblem(r, 403, undefined, 'auth.forbidden');
      expect(r.body.detail, `${label} ${c.method} ${c.url}`).toMatch(/does not allow/);
    }
    const after = await dbSnapshot(t);
    expect(after.rows).toEqual(before.rows);
  }

  it("an analyst's token reads and exports but cannot write anything", async () => {
    const analyst = await mintToken(t, 'analyst');
    await expectNoWrites(analyst.client, 'analyst');
    for (const c of reads(fx)) {
      const r = await call(analyst.client, c);
      if (c.path === '/api/v1/audit-log' || c.path === '/api/v1/tokens') expectProblem(r, 403, undefined, 'auth.forbidden');
      else expectStatus(r, 200);
    }
    const m = await analyst.client.get(`/api/v1/members/${fx.member}`);
    expect(m.body.phone).toBe('13700001234');
    const exp = await analyst.client.post('/api/v1/members/export', { reason: '月度分析报告' });
    expectStatus(exp, 200);
    expect(exp.text).toContain(`token:${analyst.name}`);
  });

  it('a service token reads members but cannot export them', async () => {
    const service = await mintToken(t, 'service');
    const list = await service.client.get('/api/v1/members');
    expectStatus(list, 200);
    expect(list.body.items.map((x: any) => x.id)).toContain(fx.member);
    expectStatus(await service.client.get(`/api/v1/members/${fx.member}`), 200);
    const before = await dbSnapshot(t);
    const exp = await service.client.post('/api/v1/members/export', { reason: '客服想要名单' });
    expectProblem(exp, 403, undefined, 'auth.forbidden');
    expect(exp.body.detail).toContain('member.export');
    expectProblem(await service.client.get('/api/v1/audit-log'), 403);
    expectProblem(await service.client.get('/api/v1/operators'), 403);
    expect(await dbSnapshot(t)).toEqual(before);
  });

  it('a supervisor reads the audit log but cannot write', async () => {
    const sup = await mintToken(t, 'supervisor');
    const log = await sup.client.get('/api/v1/audit-log?limit=5');
    expectStatus(log, 200);
    expect(log.body.items).toHaveLength(5);
    await expectNoWrites(sup.client, 'supervisor');
    expectProblem(await sup.client.post('/api/v1/members/export', { reason: '督导抽查名单' }), 403, undefined, 'auth.forbidden');
  });

  it('an admin cannot mint an owner token, create or promote an owner, or change an owner', async () => {
    const admin = await mintToken(t, 'admin');
    const before = await dbSnapshot(t);
    expectProblem(await admin.client.post('/api/v1/tokens', { name: 'escalate', role: 'owner' }), 403, undefined, 'auth.forbidden');
    expectProblem(await admin.client.post('/api/v1/operators', { email: 'boss@example.com', name: 'boss', role: 'owner' }), 403, undefined, 'auth.forbidden');
    expectProblem(await admin.client.patch(`/api/v1/operators/${fx.operator}`, { role: 'owner' }), 403, undefined, 'auth.forbidden');
    const owner = (await t.api.get('/api/v1/operators')).body.items.find((o: any) => o.role === 'owner');
    expectProblem(await admin.client.patch(`/api/v1/operators/${owner.id}`, { name: '篡位' }), 403, undefined, 'auth.forbidden');
    expectProblem(await admin.client.delete(`/api/v1/operators/${owner.id}`), 403, undefined, 'auth.forbidden');
    expect(await dbSnapshot(t)).toEqual(before);
    // What an admin may grant, it may.
    const tok = await admin.client.post('/api/v1/tokens', { name: 'admin-made', role: 'admin' });
    expectStatus(tok, 201);
    expect(tok.body.apiToken.role).toBe('admin');
    expectStatus(await admin.client.post('/api/v1/operators', { email: 'ops2@example.com', name: 'ops2', role: 'operator' }), 201);
  });

  it('an operator cannot grant more than it has, and the last owner cannot be demoted', async () => {
    const op = await mintToken(t, 'planner');
    expectProblem(await op.client.post('/api/v1/tokens', { name: 'x', role: 'analyst' }), 403, undefined, 'auth.forbidden');
    expectProblem(await op.client.get('/api/v1/tokens'), 403);
    expectStatus(await op.client.post('/api/v1/communities', { name: '策划的社群', purpose: 'brand' }), 201);
    expectProblem(await op.client.post('/api/v1/members', { displayName: '策划加人' }), 403, undefined, 'auth.forbidden');
    const owner = (await t.api.get('/api/v1/operators')).body.items.find((o: any) => o.role === 'owner');
    expectProblem(await t.api.patch(`/api/v1/operators/${owner.id}`, { role: 'admin' }), 400, 'role');
    expectProblem(await t.api.delete(`/api/v1/operators/${owner.id}`), 400, 'role');
  });
});

describe('operators', () => {
  it('creates, lists, reads, changes and disables operators; validates and answers 404', async () => {
    const r = await t.api.post('/api/v1/operators', { email: ' New.Op@Example.com ', name: '新运营', role: 'content', scope: { communities: [fx.community] } });
    expectStatus(r, 201);
    expect(r.body).toMatchObject({ email: 'new.op@example.com', name: '新运营', role: 'content', disabled: false, scope: { communities: [fx.community], groupSets: [], regions: [] } });
    expect(r.body.id).toMatch(/^op_/);
    expect((await t.api.get(`/api/v1/operators/${r.body.id}`)).body).toEqual(r.body);
    expect((await t.api.get('/api/v1/operators')).body.items.map((o: any) => o.id)).toContain(r.body.id);
    const p = await t.api.patch(`/api/v1/operators/${r.body.id}`, { role: 'analyst', scope: null, name: '改名' });
    expectStatus(p, 200);
    expect(p.body).toMatchObject({ role: 'analyst', scope: null, name: '改名', email: 'new.op@example.com' });
    expectStatus(await t.api.delete(`/api/v1/operators/${r.body.id}`), 204);
    expect((await t.api.get(`/api/v1/operators/${r.body.id}`)).body.disabled).toBe(true);

    expectProblem(await t.api.post('/api/v1/operators', { email: 'new.op@example.com', name: 'dup', role: 'content' }), 409, 'email', 'conflict');
    expectProblem(await t.api.post('/api/v1/operators', { email: 'x@example.com', name: 'x', role: 'content', password: 'short' }), 400, 'body.password');
    expectProblem(await t.api.post('/api/v1/operators', { email: 'x', name: 'x', role: 'content' }), 400, 'body.email');
    expectProblem(await t.api.post('/api/v1/operators', { email: 'x@example.com', name: 'x', role: 'emperor' }), 400, 'body.role');
    expectProblem(await t.api.patch(`/api/v1/operators/${r.body.id}`, { disabled: 'yes' }), 400, 'body.disabled');
    expectProblem(await t.api.get('/api/v1/operators/op_missing'), 404, undefined, 'not_found');
    expectProblem(await t.api.patch('/api/v1/operators/op_missing', { name: 'x' }), 404);
    expectProblem(await t.api.delete('/api/v1/operators/op_missing'), 404);
  });
});
