// Who is who across platforms: a Telegram export, a WhatsApp export and a member list of overlapping people,
// imported through the real CLI; the merge suggestions with their evidence (the same phone strongly, the same
// name across platforms weakly), a rejection, a merge and its exact undo, and the community's duplicates report.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { apiOn, cliEnv, runCli, type ApiOnDb } from './helpers/cli.ts';
import { allPages, expectProblem, expectStatus } from './helpers/api.ts';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let db: TestDatabase;
let t: ApiOnDb;
let dir: string;
beforeAll(async () => {
  db = await createTestDatabase();
  t = await apiOn(db);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shequn-identity-'));
  const env = cliEnv(db, { SHEQUN_LOG_LEVEL: 'warn' });
  const file = (name: string, body: string) => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, body);
    return f;
  };
  const msg = (id: number, from: string, uid: number, text: string) => ({ id, type: 'message', date: '2024-05-01T10:00:00', date_unixtime: String(1714528800 + id), from, from_id: `user${uid}`, text });
  const telegram = { name: '茶友会', type: 'private_supergroup', id: 1600000001, messages: [msg(1, '张三', 11, '早'), msg(2, '李四', 12, '早上好'), msg(3, '王五', 13, '大家好')] };
  const whatsapp = [
    '01/05/2024, 09:00 - 张三: 有人在吗',
    '01/05/2024, 09:01 - 李四: 在',
    '01/05/2024, 09:02 - +86 139 1234 5678: 我是新来的',
    '',
  ].join('\n');
  const members = '姓名,手机,城市\n张三,13812345678,上海\n王五,13912345678,北京\n';
  for (const args of [
    ['import', 'telegram', file('result.json', JSON.stringify(telegram)), '--json'],
    ['import', 'whatsapp', file('WhatsApp Chat with 茶友会WA.txt', whatsapp), '--json'],
    ['import', 'members', file('名单.csv', members), '--json'],
  ]) {
    const r = await runCli(args, env);
    expect(r.code, r.stderr).toBe(0);
  }
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const suggestions = async (q = '') => (await t.api.get(`/api/v1/merge-suggestions${q}`)).body.items as any[];
const pairOf = (s: any) => [s.a, s.b].map((m: any) => `${m.displayName}@${m.platforms.join('+') || 'list'}`).sort().join(' ~ ');

describe('merge suggestions', () => {
  it('proposes the same phone strongly and the same name across platforms weakly, with the evidence', async () => {
    const all = await suggestions();
    const by = new Map(all.map((s) => [pairOf(s), s]));
    // The WhatsApp sender shown as +86 139… is the listed 王五: the same phone.
    const phone = by.get('+86 139 1234 5678@whatsapp ~ 王五@list');
    expect(phone).toMatchObject({ confidence: 0.95, evidence: [{ kind: 'phone', detail: '同一手机号 139****5678' }] });
    // 李四 on Telegram and on WhatsApp: the same name on two platforms, weaker.
    const li = by.get('李四@telegram ~ 李四@whatsapp');
    expect(li.confidence).toBe(0.5);
    expect(li.evidence.map((e: any) => e.kind)).toEqual(['name', 'platforms']);
    expect(li.confidence).toBeLessThan(phone.confidence);
    expect(by.get('张三@telegram ~ 张三@whatsapp')?.confidence).toBe(0.5);
    expect(by.get('张三@list ~ 张三@telegram')?.confidence).toBe(0.4);
    // Strongest first.
    expect(all.map((s) => s.confidence)).toEqual([...all.map((s) => s.confidence)].sort((a, b) => b - a));
  });

  it('does not suggest a rejected pair again', async () => {
    const s = (await suggestions()).find((x) => pairOf(x) === '张三@list ~ 张三@telegram');
    const r = await t.api.post('/api/v1/merge-suggestions/reject', { memberIds: [s.a.id, s.b.id] });
    expectStatus(r, 204);
    expect((await suggestions()).map(pairOf)).not.toContain('张三@list ~ 张三@telegram');
  });
});

describe('merge and split', () => {
  it('merges 李四 across platforms into one member, and splits them back exactly', async () => {
    const li = (await suggestions()).find((x) => pairOf(x) === '李四@telegram ~ 李四@whatsapp');
    const [tg, wa] = li.a.platforms[0] === 'telegram' ? [li.a, li.b] : [li.b, li.a];
    const before = { tg: (await t.api.get(`/api/v1/members/${tg.id}`)).body, wa: (await t.api.get(`/api/v1/members/${wa.id}`)).body };
    const waActs = (await allPages(t.api, `/api/v1/activities?memberId=${wa.id}`)).items;
    expect(waActs).toHaveLength(1);
    const community = (await allPages(t.api, '/api/v1/communities')).items.find((c: any) => c.name === '导入的群 Imported groups');
    const dupBefore = (await t.api.get(`/api/v1/communities/${community.id}/duplicates`)).body;
    expect(dupBefore).toMatchObject({ seats: 6, people: 6, inSeveral: 0 });

    const m = await t.api.post(`/api/v1/members/${tg.id}/merge`, { mergeId: wa.id, evidence: li.evidence });
    expectStatus(m, 201);
    expect(m.body).toMatchObject({ keptId: tg.id, mergedId: wa.id, mergedName: '李四', splitAt: null, evidence: li.evidence });
    const merged = (await t.api.get(`/api/v1/members/${tg.id}`)).body;
    expect(merged.identities.map((i: any) => i.platform).sort()).toEqual(['telegram', 'whatsapp']);
    expect(merged.memberships.map((x: any) => x.groupId).sort()).toEqual([...before.tg.memberships, ...before.wa.memberships].map((x: any) => x.groupId).sort());
    expectProblem(await t.api.get(`/api/v1/members/${wa.id}`), 404);
    expect((await allPages(t.api, `/api/v1/activities?memberId=${tg.id}`)).items).toHaveLength(2);
    const dupAfter = (await t.api.get(`/api/v1/communities/${community.id}/duplicates`)).body;
    expect(dupAfter).toMatchObject({ seats: 6, people: 5, inSeveral: 1, overlap: [{ shared: 1 }] });
    expect((await suggestions()).map(pairOf)).not.toContain('李四@telegram ~ 李四@whatsapp');

    const split = await t.api.post(`/api/v1/member-merges/${m.body.id}/split`);
    expectStatus(split, 200);
    expect(split.body.splitAt).toEqual(expect.any(String));
    expectProblem(await t.api.post(`/api/v1/member-merges/${m.body.id}/split`), 409);
    const after = { tg: (await t.api.get(`/api/v1/members/${tg.id}`)).body, wa: (await t.api.get(`/api/v1/members/${wa.id}`)).body };
    expect(after.wa).toEqual(before.wa);
    expect({ ...after.tg, updatedAt: null }).toEqual({ ...before.tg, updatedAt: null });
    expect((await allPages(t.api, `/api/v1/activities?memberId=${wa.id}`)).items.map((a: any) => a.id)).toEqual(waActs.map((a: any) => a.id));
    expect((await t.api.get(`/api/v1/communities/${community.id}/duplicates`)).body).toEqual(dupBefore);
  });

  it('refuses merging a member into themselves, and unknown members', async () => {
    const [s] = await suggestions();
    expectProblem(await t.api.post(`/api/v1/members/${s.a.id}/merge`, { mergeId: s.a.id }), 409);
    expectProblem(await t.api.post(`/api/v1/members/${s.a.id}/merge`, { mergeId: 'mem_nope' }), 404);
    expectProblem(await t.api.post('/api/v1/member-merges/mrg_nope/split'), 404);
  });
});
