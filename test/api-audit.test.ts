// The audit log (who wrote what, when) and member exports (a reason, an audit entry, a watermark).
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, startTestServer, type TestServer } from './helpers/server.ts';
import { allPages, auditSince, dbSnapshot, expectProblem, expectStatus, makeCommunity, makeGroup, makeMember, mintToken, signIn, type TokenHandle } from './helpers/api.ts';

let t: TestServer;
let admin: TokenHandle;
beforeAll(async () => {
  t = await startTestServer();
  admin = await mintToken(t, 'admin');
});
afterAll(async () => t?.stop());

describe('audit log', () => {
  it('records every write with who, what and when, and nothing for failed writes', async () => {
    const api = admin.client;
    const start = Date.now();
    const expected: [string, string | null, string | null][] = [];
    const ok = async (r: Promise<any>, status: number) => {
      const res = await r;
      expectStatus(res, status);
      return res.body;
    };
    const c = await ok(api.post('/api/v1/communities', { name: '审计社群', purpose: 'brand' }), 201);
    expected.push(['community.create', 'community', c.id]);
    await ok(api.patch(`/api/v1/communities/${c.id}`, { name: '审计社群2' }), 200);
    expected.push(['community.update', 'community', c.id]);
    const p = await ok(api.post(`/api/v1/communities/${c.id}/phases`, { name: 'p', purpose: 'pr', startsOn: '2024-01-01', endsOn: '2024-02-01' }), 201);
    expected.push(['phase.create', 'phase', p.id]);
    await ok(api.patch(`/api/v1/phases/${p.id}`, { name: 'p2' }), 200);
    expected.push(['phase.update', 'phase', p.id]);
    await ok(api.delete(`/api/v1/phases/${p.id}`), 204);
    expected.push(['phase.delete', 'phase', p.id]);
    const gs = await ok(api.post('/api/v1/group-sets', { name: 'set' }), 201);
    expected.push(['group_set.create', 'group_set', gs.id]);
    await ok(api.patch(`/api/v1/group-sets/${gs.id}`, { name: 'set2' }), 200);
    expected.push(['group_set.update', 'group_set', gs.id]);
    const g = await ok(api.post('/api/v1/groups', { communityId: c.id, platform: 'qq', name: 'g' }), 201);
    expected.push(['group.create', 'group', g.id]);
    await ok(api.patch(`/api/v1/groups/${g.id}`, { name: 'g2' }), 200);
    expected.push(['group.update', 'group', g.id]);
    const m = await ok(api.post('/api/v1/members', { displayName: '审计员', phone: '13500001111' }), 201);
    expected.push(['member.create', 'member', m.id]);
    await ok(api.patch(`/api/v1/members/${m.id}`, { phone: '13500002222', email: 'secret@example.com', stage: 'nurtured' }), 200);
    expected.push(['member.update', 'member', m.id]);
    const withIdn = await ok(api.post(`/api/v1/members/${m.id}/identities`, { platform: 'qq', externalId: 'audit-1' }), 201);
    const idn = withIdn.identities[0].id;
    expected.push(['identity.create', 'identity', idn]);
    await ok(api.delete(`/api/v1/identities/${idn}`), 204);
    expected.push(['identity.delete', 'identity', idn]);
    const ms = await ok(api.post(`/api/v1/members/${m.id}/memberships`, { groupId: g.id }), 201);
    expected.push(['membership.create', 'membership', ms.id]);
    await ok(api.patch(`/api/v1/memberships/${ms.id}`, { leftAt: new Date(Date.now() + 1000).toISOString() }), 200);
    expected.push(['membership.update', 'membership', ms.id]);
    const a = await ok(api.post('/api/v1/activities', { kind: 'message', occurredAt: new Date().toISOString(), groupId: g.id, sourceId: 'audit-a' }), 201);
    expected.push(['activity.create', 'activity', a.activity.id]);
    await ok(api.post('/api/v1/activities/batch', { activities: [{ kind: 'message', occurredAt: new Date().toISOString(), sourceId: 'audit-b' }, { kind: 'join', occurredAt: new Date().toISOString(), sourceId: 'audit-c' }] }), 200);
    expected.push(['activity.create', null, null]);
    const op = await ok(api.post('/api/v1/operators', { email: 'audited@example.com', name: '被审计', role: 'analyst' }), 201);
    expected.push(['operator.create', 'operator', op.id]);
    await ok(api.patch(`/api/v1/operators/${op.id}`, { role: 'service' }), 200);
    expected.push(['operator.update', 'operator', op.id]);
    await ok(api.delete(`/api/v1/operators/${op.id}`), 204);
    expected.push(['operator.disable', 'operator', op.id]);
    const tok = await ok(api.post('/api/v1/tokens', { name: 'short-lived', role: 'analyst' }), 201);
    expected.push(['token.create', 'token', tok.apiToken.id]);
    await ok(api.delete(`/api/v1/tokens/${tok.apiToken.id}`), 204);
    expected.push(['token.revoke', 'token', tok.apiToken.id]);
    const exp = await api.post('/api/v1/members/export', { reason: '审计测试导出' });
    expectStatus(exp, 200);
    expected.push(['member.export', null, null]);
    await ok(api.delete(`/api/v1/members/${m.id}`), 204);
    expected.push(['member.delete', 'member', m.id]);
    await ok(api.delete(`/api/v1/groups/${g.id}`), 204);
    expected.push(['group.delete', 'group', g.id]);
    await ok(api.delete(`/api/v1/group-sets/${gs.id}`), 204);
    expected.push(['group_set.delete', 'group_set', gs.id]);
    await ok(api.delete(`/api/v1/communities/${c.id}`), 204);
    expected.push(['community.delete', 'community', c.id]);

    // Failed writes, idempotent repeats and reads leave no trace.
    expectProblem(await api.post('/api/v1/communities', { name: '' }), 400);
    expectProblem(await api.patch(`/api/v1/communities/${c.id}`, { name: 'x' }), 404);
    expectProblem(await api.delete(`/api/v1/members/${m.id}`), 404);
    expectStatus(await api.post('/api/v1/activities', { kind: 'message', occurredAt: new Date().toISOString(), groupId: null, sourceId: 'audit-b' }), 200);
    expectStatus(await api.delete(`/api/v1/tokens/${tok.apiToken.id}`), 204);
    expectStatus(await api.get('/api/v1/members'), 200);
    const end = Date.now();

    const entries = (await auditSince(t.api, `actorId=${admin.id}`)).reverse();
    expect(entries.map((e) => [e.action, e.target.type, e.target.id])).toEqual(expected);
    for (const e of entries) {
      expect(e.actor).toEqual({ type: 'token', id: admin.id, name: `token:${admin.name}` });
      expect(e.id).toMatch(/^aud_/);
      const at = Date.parse(e.at);
      expect(at).toBeGreaterThanOrEqual(start - 5);
      expect(at).toBeLessThanOrEqual(end + 5);
    }
    // Personal data and secrets stay out of the log.
    const text = JSON.stringify(entries);
    expect(text).not.toContain('13500002222');
    expect(text).not.toContain('secret@example.com');
    expect(entries.find((e) => e.action === 'member.update')!.detail).toEqual({ fields: ['phone', 'email', 'stage'], stage: 'nurtured' });
    expect(entries.find((e) => e.action === 'activity.create' && e.target.id === null)!.detail).toEqual({ created: 2, duplicates: 0 });
    expect(entries.find((e) => e.action === 'member.export')!.detail).toMatchObject({ reason: '审计测试导出', format: 'csv', rows: 1 });
  });

  it('records sign-in and sign-out of an operator', async () => {
    const s = await signIn(t, ADMIN.email, ADMIN.password);
    const opId = s.body.operator.id;
    expectStatus(await s.client.post('/api/v1/auth/sign-out'), 204);
    const entries = await auditSince(t.api, `actorId=${opId}&limit=2`);
    expect(entries.slice(0, 2).map((e) => [e.action, e.actor.type, e.actor.name, e.target.id])).toEqual([
      ['auth.sign_out', 'operator', '管理员 Admin', opId],
      ['auth.sign_in', 'operator', '管理员 Admin', opId],
    ]);
  });

  it('filters by action and pages by cursor, newest first', async () => {
    const c = await makeCommunity(t.api);
    for (let i = 0; i < 5; i++) expectStatus(await t.api.patch(`/api/v1/communities/${c.id}`, { name: `改名${i}` }), 200);
    const all = await auditSince(t.api, 'action=community.update');
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(all.every((e) => e.action === 'community.update')).toBe(true);
    for (let i = 1; i < all.length; i++) expect(Date.parse(all[i - 1].at)).toBeGreaterThanOrEqual(Date.parse(all[i].at));
    const paged = await allPages(t.api, '/api/v1/audit-log?action=community.update&limit=2');
    expect(paged.items.map((e: any) => e.id)).toEqual(all.map((e) => e.id));
    const everything = await allPages(t.api, '/api/v1/audit-log?limit=7');
    expect(new Set(everything.items.map((e: any) => e.id)).size).toBe(everything.items.length);
    const count = Number((await t.server.rt.db.kysely.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).where('workspace_id', '=', (await t.api.get('/api/v1/auth/me')).body.workspace.id).executeTakeFirstOrThrow()).n);
    expect(everything.items).toHaveLength(count);
    expectProblem(await t.api.get('/api/v1/audit-log?limit=0'), 400, 'querystring.limit');
    expectProblem(await t.api.get('/api/v1/audit-log?cursor=nope'), 400, 'cursor');
    expectProblem(await t.api.get('/api/v1/audit-log?actor=x'), 400, 'querystring');
  });
});

describe('member export', () => {
  let shanghai: any[];
  beforeAll(async () => {
    const c = await makeCommunity(t.api);
    const g = await makeGroup(t.api, c.id);
    shanghai = [
      await makeMember(t.api, { displayName: '导出甲', city: '上海', phone: '13600000001', tags: ['VIP', '老友'], memberships: [{ groupId: g.id }], joinedAt: '2024-01-01T00:00:00Z' }),
      await makeMember(t.api, { displayName: '导出乙, "引号"', city: '上海', email: 'yi@example.com', joinedAt: '2024-01-02T00:00:00Z' }),
    ];
    await makeMember(t.api, { displayName: '导出丙', city: '北京', joinedAt: '2024-01-03T00:00:00Z' });
  });

  it('requires a reason (400) and valid options, and records nothing then', async () => {
    const before = await dbSnapshot(t);
    expectProblem(await t.api.post('/api/v1/members/export', {}), 400, 'body.reason');
    expectProblem(await t.api.post('/api/v1/members/export', { reason: '   ' }), 400, 'body.reason');
    expectProblem(await t.api.post('/api/v1/members/export', { reason: '看看' }), 400, 'body.reason');
    expectProblem(await t.api.post('/api/v1/members/export', { reason: '季度复盘', format: 'pdf' }), 400, 'body.format');
    expectProblem(await t.api.post('/api/v1/members/export', { reason: '季度复盘', filters: { circle: 'x' } }), 400, 'body.filters.circle');
    expectProblem(await t.api.post('/api/v1/members/export', { reason: '季度复盘', filters: { limit: 5 } }), 400, 'body.filters');
    expect(await dbSnapshot(t)).toEqual(before);
  });

  it('exports CSV with a BOM, the filtered rows and a watermark naming the exporter on every row, and audits it', async () => {
    const r = await admin.client.post('/api/v1/members/export', { reason: '上海城市会筹备', filters: { city: '上海' } });
    expectStatus(r, 200);
    expect(r.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(r.headers.get('content-disposition')).toMatch(/^attachment; filename="members-[\d-]+\.csv"$/);
    expect(r.headers.get('x-export-rows')).toBe('2');
    expect([...r.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows: string[][] = parse(r.text);
    expect(rows).toHaveLength(3);
    const [header, ...data] = rows as [string[], ...string[][]];
    expect(header[0]).toBe('ID');
    expect(header.at(-1)).toBe('水印 watermark');
    expect(data.map((row) => row[0])).toEqual([shanghai[1].id, shanghai[0].id]);
    expect(data[0]![1]).toBe('导出乙, "引号"');
    const col = (name: string) => header.findIndex((h) => h.includes(name));
    expect(data[1]![col('phone')]).toBe('13600000001');
    expect(data[1]![col('tags')]).toBe('VIP|老友');
    expect(data[0]![col('e-mail')]).toBe('yi@example.com');
    for (const row of data) {
      const wm = row.at(-1)!;
      expect(wm).toContain(`token:${admin.name}`);
      expect(wm).toContain(admin.id);
      expect(wm).toContain('上海城市会筹备');
    }
    const [entry] = await auditSince(t.api, `actorId=${admin.id}&action=member.export&limit=1`);
    expect(entry.detail).toEqual({ reason: '上海城市会筹备', format: 'csv', filters: { city: '上海' }, rows: 2 });
    expect(entry.actor.id).toBe(admin.id);
  });

  it('exports XLSX with the watermark on every row, in the page header and footer, and an export sheet naming the operator', async () => {
    const s = await signIn(t, ADMIN.email, ADMIN.password);
    const r = await s.client.post('/api/v1/members/export', { reason: '年度会员盘点', format: 'xlsx', filters: { city: '上海' } });
    expectStatus(r, 200);
    expect(r.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(r.headers.get('content-disposition')).toMatch(/filename="members-[\d-]+\.xlsx"/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(r.bytes) as any);
    const sheet = wb.getWorksheet('members')!;
    expect(sheet.rowCount).toBe(3);
    const ids = [2, 3].map((i) => sheet.getRow(i).getCell(1).value);
    expect(ids).toEqual([shanghai[1].id, shanghai[0].id]);
    const lastCol = sheet.getRow(1).cellCount;
    expect(sheet.getRow(1).getCell(lastCol).value).toBe('水印 watermark');
    for (const i of [2, 3]) {
      const wm = String(sheet.getRow(i).getCell(lastCol).value);
      expect(wm).toContain('管理员 Admin');
      expect(wm).toContain(s.body.operator.id);
      expect(wm).toContain('年度会员盘点');
    }
    expect(sheet.headerFooter.oddHeader).toContain('管理员 Admin');
    expect(sheet.headerFooter.oddFooter).toContain('年度会员盘点');
    const info = wb.getWorksheet('export')!;
    const kv = Object.fromEntries([1, 2, 3, 4, 5].map((i) => [info.getRow(i).getCell(1).value, info.getRow(i).getCell(2).value]));
    expect(kv).toMatchObject({ 'exported by': '管理员 Admin', 'actor id': s.body.operator.id, reason: '年度会员盘点', rows: 2 });
    const [entry] = await auditSince(t.api, `actorId=${s.body.operator.id}&action=member.export&limit=1`);
    expect(entry.detail).toMatchObject({ reason: '年度会员盘点', format: 'xlsx', rows: 2 });
    expect(entry.actor).toEqual({ type: 'operator', id: s.body.operator.id, name: '管理员 Admin' });
  });
});
