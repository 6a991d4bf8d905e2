// The rule model (群规): CRUD on groups, group sets and communities, settings checked per rule type with
// defaults and a plain-language preview, precedence (group over set over community), scopes and tenancy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { dbSnapshot, expectProblem, expectStatus, makeCommunity, makeGroup, makeGroupSet, mintToken, otherWorkspace } from './helpers/api.ts';

let t: TestServer;
const w: Record<string, any> = {};
beforeAll(async () => {
  t = await startTestServer({ SHEQUN_JOIN_LIMIT: '1000' });
  w.c = await makeCommunity(t.api, { name: '规则社群' });
  w.c2 = await makeCommunity(t.api, { name: '别的社群' });
  w.set = await makeGroupSet(t.api, { name: '规则组合', communityId: w.c.id });
  w.g = await makeGroup(t.api, w.c.id, { name: '规则1群', groupSetId: w.set.id });
  w.hidden = await makeGroup(t.api, w.c2.id, { name: '看不见的群' });
});
afterAll(async () => t?.stop());

const entryMode = async (code: string) => {
  const r = await t.client().get(`/api/v1/public/join/${code}`);
  expectStatus(r, 200);
  return r.body.mode;
};

describe('rules', () => {
  it('creates a rule with defaults filled in and a zh-CN preview, reads, lists, changes and deletes it', async () => {
    const r = await t.api.post('/api/v1/rules', { type: 'joining.entry', targetType: 'group', targetId: w.g.id, settings: { mode: 'application' } });
    expectStatus(r, 201);
    expect(r.body).toMatchObject({
      family: 'joining', type: 'joining.entry', targetType: 'group', targetId: w.g.id, enabled: true,
      settings: { mode: 'application', questions: [] }, preview: '申请入群：运营审核后才能进群',
    });
    expect(r.body.id).toMatch(/^rul_/);
    expect((await t.api.get(`/api/v1/rules/${r.body.id}`)).body).toEqual(r.body);
    const list = await t.api.get(`/api/v1/rules?targetType=group&targetId=${w.g.id}`);
    expect(list.body.items.map((x: any) => x.id)).toEqual([r.body.id]);
    const p = await t.api.patch(`/api/v1/rules/${r.body.id}`, { settings: { mode: 'paid', priceFen: 9900 } });
    expectStatus(p, 200);
    expect(p.body.preview).toBe('付费入群：支付 ¥99.00 后进群（支付接入前由运营确认）');
    expect((await t.api.patch(`/api/v1/rules/${r.body.id}`, { enabled: false })).body.enabled).toBe(false);
    expectStatus(await t.api.delete(`/api/v1/rules/${r.body.id}`), 204);
    expectProblem(await t.api.get(`/api/v1/rules/${r.body.id}`), 404, undefined, 'not_found');
  });

  it('previews the ritual and the rotation in plain language', async () => {
    const g = await makeGroup(t.api, w.c.id);
    const ritual = await t.api.post('/api/v1/rules', {
      type: 'joining.ritual', targetType: 'group', targetId: g.id, settings: { nicknamePattern: '{city}-{industry}-{name}', nicknameExample: '上海-金融-张三' },
    });
    expectStatus(ritual, 201);
    expect(ritual.body.preview).toBe('入群仪式：阅读并同意群规与数据使用说明；领取成员编号和欢迎语；群昵称格式 {city}-{industry}-{name}（例：上海-金融-张三），30 分钟未改好会被提醒，改好前不能发言；完成仪式得 10 积分和「入群仪式」徽章');
    const cap = await t.api.post('/api/v1/rules', { type: 'joining.capacity', targetType: 'group_set', targetId: w.set.id, settings: { thresholdPercent: 90 } });
    expectStatus(cap, 201);
    expect(cap.body.preview).toContain('满群轮转');
    expect(cap.body.preview).toContain('90%');
  });

  it('rejects invalid rules naming the field, and a second rule of a type on one target (409)', async () => {
    const ok = { type: 'joining.entry', targetType: 'group', targetId: w.g.id };
    expectProblem(await t.api.post('/api/v1/rules', { ...ok, type: 'joining.teleport' }), 400, 'body.type');
    expectProblem(await t.api.post('/api/v1/rules', { ...ok, targetType: 'planet' }), 400, 'body.targetType');
    expectProblem(await t.api.post('/api/v1/rules', { ...ok, settings: { mode: 'lottery' } }), 400, 'settings.mode');
    expectProblem(await t.api.post('/api/v1/rules', { ...ok, settings: { mode: 'code' } }), 400, 'settings.code');
    expectProblem(await t.api.post('/api/v1/rules', { ...ok, settings: { mode: 'paid', priceFen: -1 } }), 400, 'settings.priceFen');
    expectProblem(await t.api.post('/api/v1/rules', { ...ok, settings: { mode: 'task' } }), 400, 'settings.task');
    expectProblem(await t.api.post('/api/v1/rules', { ...ok, settings: { colour: 'red' } }), 400, 'settings');
    expectProblem(await t.api.post('/api/v1/rules', { type: 'joining.ritual', targetType: 'group', targetId: w.g.id, settings: { nicknamePattern: '{City}' } }), 400, 'settings.nicknamePattern');
    expectProblem(await t.api.post('/api/v1/rules', { type: 'joining.capacity', targetType: 'group', targetId: w.g.id, settings: { thresholdPercent: 0 } }), 400, 'settings.thresholdPercent');
    expectProblem(await t.api.post('/api/v1/rules', { ...ok, targetId: 'grp_missing' }), 400, 'targetId');
    expectProblem(await t.api.post('/api/v1/rules', { ...ok, targetType: 'group_set', targetId: w.g.id }), 400, 'targetId');
    const first = await t.api.post('/api/v1/rules', { ...ok, targetType: 'community', targetId: w.c2.id });
    expectStatus(first, 201);
    expectProblem(await t.api.post('/api/v1/rules', { ...ok, targetType: 'community', targetId: w.c2.id }), 409, 'type', 'conflict');
    expectProblem(await t.api.patch(`/api/v1/rules/${first.body.id}`, { settings: { mode: 'code' } }), 400, 'settings.code');
    expectStatus(await t.api.delete(`/api/v1/rules/${first.body.id}`), 204);
  });

  it('applies the group rule over the set rule over the community rule over the default (open)', async () => {
    const c = await makeCommunity(t.api);
    const set = await makeGroupSet(t.api, { communityId: c.id });
    const g = await makeGroup(t.api, c.id, { groupSetId: set.id });
    const inv = (await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id })).body;
    expect(await entryMode(inv.code)).toBe('open');
    const rc = await t.api.post('/api/v1/rules', { type: 'joining.entry', targetType: 'community', targetId: c.id, settings: { mode: 'task', task: '转发海报' } });
    expect(await entryMode(inv.code)).toBe('task');
    const rs = await t.api.post('/api/v1/rules', { type: 'joining.entry', targetType: 'group_set', targetId: set.id, settings: { mode: 'application' } });
    expect(await entryMode(inv.code)).toBe('application');
    const rg = await t.api.post('/api/v1/rules', { type: 'joining.entry', targetType: 'group', targetId: g.id, settings: { mode: 'code', code: 'RUN2024' } });
    expect(await entryMode(inv.code)).toBe('code');
    // A disabled rule steps aside; deleting rules falls back level by level.
    await t.api.patch(`/api/v1/rules/${rg.body.id}`, { enabled: false });
    expect(await entryMode(inv.code)).toBe('application');
    await t.api.delete(`/api/v1/rules/${rs.body.id}`);
    expect(await entryMode(inv.code)).toBe('task');
    await t.api.delete(`/api/v1/rules/${rc.body.id}`);
    expect(await entryMode(inv.code)).toBe('open');
  });

  it('lets a scoped operator see and set rules only on its own targets (others are 404 or 400)', async () => {
    const r = await t.api.post('/api/v1/rules', { type: 'joining.entry', targetType: 'group', targetId: w.hidden.id, settings: { mode: 'application' } });
    expectStatus(r, 201);
    const scoped = await mintToken(t, 'operator', { communities: [w.c.id] });
    const before = await dbSnapshot(t);
    expectProblem(await scoped.client.get(`/api/v1/rules/${r.body.id}`), 404, undefined, 'not_found');
    expectProblem(await scoped.client.patch(`/api/v1/rules/${r.body.id}`, { enabled: false }), 404, undefined, 'not_found');
    expectProblem(await scoped.client.delete(`/api/v1/rules/${r.body.id}`), 404, undefined, 'not_found');
    expectProblem(await scoped.client.post('/api/v1/rules', { type: 'joining.ritual', targetType: 'group', targetId: w.hidden.id }), 400, 'targetId');
    expectProblem(await scoped.client.post('/api/v1/rules', { type: 'joining.ritual', targetType: 'community', targetId: w.c2.id }), 400, 'targetId');
    const listed = (await scoped.client.get('/api/v1/rules')).body.items.map((x: any) => x.id);
    expect(listed).not.toContain(r.body.id);
    expect(await dbSnapshot(t)).toEqual(before);
    const own = await scoped.client.post('/api/v1/rules', { type: 'joining.ritual', targetType: 'community', targetId: w.c.id });
    expectStatus(own, 201);
    expect((await scoped.client.get('/api/v1/rules')).body.items.map((x: any) => x.id)).toContain(own.body.id);
    // An analyst reads rules but cannot write them.
    const analyst = await mintToken(t, 'analyst');
    expectStatus(await analyst.client.get(`/api/v1/rules/${own.body.id}`), 200);
    expectProblem(await analyst.client.patch(`/api/v1/rules/${own.body.id}`, { enabled: false }), 403, undefined, 'auth.forbidden');
  });

  it("answers 404 for another workspace's rules and treats its targets as unknown", async () => {
    const other = await otherWorkspace(t, 'rules-other');
    const r = (await t.api.post('/api/v1/rules', { type: 'joining.capacity', targetType: 'community', targetId: w.c.id })).body;
    expectProblem(await other.api.get(`/api/v1/rules/${r.id}`), 404, undefined, 'not_found');
    expectProblem(await other.api.patch(`/api/v1/rules/${r.id}`, { enabled: false }), 404, undefined, 'not_found');
    expectProblem(await other.api.delete(`/api/v1/rules/${r.id}`), 404, undefined, 'not_found');
    expectProblem(await other.api.post('/api/v1/rules', { type: 'joining.entry', targetType: 'group', targetId: w.g.id }), 400, 'targetId');
    expect((await other.api.get('/api/v1/rules')).body.items).toEqual([]);
  });
});
