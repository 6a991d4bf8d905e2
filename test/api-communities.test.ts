// Communities (定位) and their phases (阶段): every endpoint's happy path, validation and 404.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { expectProblem, expectStatus, makeCommunity, makeGroup, makeGroupSet, makeMember } from './helpers/api.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.stop());

const MISSING = 'com_doesnotexist0000';

describe('communities', () => {
  it('creates a community with its canvas, fills defaults and reads it back', async () => {
    const body = {
      name: '  茶友会  ',
      purpose: 'interest',
      canvas: {
        sharedInterest: { description: '喝茶', basis: 'behaviour' },
        valueToMembers: { description: '学泡茶', type: 'knowledge' },
        tone: '温和',
        competitors: ['茶颜'],
        budgetCents: 1_000_000,
        persona: { genders: ['female'], ageMin: 25, ageMax: 40, cities: ['上海'], interests: ['茶'], occupations: [] },
        lifecycle: { startsOn: '2024-03-01' },
        monetization: ['membership'],
        kpi: { memberFloor: 8000 },
      },
    };
    const before = Date.now();
    const r = await t.api.post('/api/v1/communities', body);
    expectStatus(r, 201);
    expect(r.body.id).toMatch(/^com_[0-9a-z]{16}$/);
    expect(r.body.name).toBe('茶友会');
    expect(r.body.purpose).toBe('interest');
    expect(r.body.parentId).toBeNull();
    expect(r.body.leaderMemberId).toBeNull();
    expect(r.body.canvas.sharedInterest).toEqual({ description: '喝茶', basis: 'behaviour' });
    expect(r.body.canvas.valueToBuilder).toEqual({ description: '', type: null });
    expect(r.body.canvas.persona.ageMax).toBe(40);
    // A lifecycle plan defaults to two years from its start.
    expect(r.body.canvas.lifecycle).toEqual({ startsOn: '2024-03-01', plannedEndOn: '2026-03-01', basis: 'community' });
    expect(r.body.canvas.kpi).toEqual({ memberFloor: 8000, activeMemberRate: 0.3, eventsPerGroupPerYear: 6, revenuePerMemberPerYearCents: 0 });
    expect(Date.parse(r.body.createdAt)).toBeGreaterThanOrEqual(before - 1000);
    expect(r.body.updatedAt).toBe(r.body.createdAt);

    const got = await t.api.get(`/api/v1/communities/${r.body.id}`);
    expectStatus(got, 200);
    expect(got.body).toEqual(r.body);

    const list = await t.api.get('/api/v1/communities');
    expectStatus(list, 200);
    expect(list.body.items.map((c: any) => c.id)).toContain(r.body.id);
    expect(list.body.items.find((c: any) => c.id === r.body.id)).toEqual(r.body);
  });

  it('lists communities in creation order', async () => {
    const a = await makeCommunity(t.api);
    const b = await makeCommunity(t.api);
    const ids = (await t.api.get('/api/v1/communities')).body.items.map((c: any) => c.id);
    expect(ids.indexOf(a.id)).toBeGreaterThanOrEqual(0);
    expect(ids.indexOf(a.id)).toBeLessThan(ids.indexOf(b.id));
  });

  it('rejects invalid bodies as problems naming the field', async () => {
    expectProblem(await t.api.post('/api/v1/communities', { purpose: 'brand' }), 400, 'body.name', 'validation.failed');
    expectProblem(await t.api.post('/api/v1/communities', { name: '   ', purpose: 'brand' }), 400, 'body.name');
    expectProblem(await t.api.post('/api/v1/communities', { name: 'x'.repeat(101), purpose: 'brand' }), 400, 'body.name');
    expectProblem(await t.api.post('/api/v1/communities', { name: 'x', purpose: 'world-domination' }), 400, 'body.purpose');
    expectProblem(await t.api.post('/api/v1/communities', { name: 42, purpose: 'brand' }), 400, 'body.name');
    expectProblem(await t.api.post('/api/v1/communities', { name: 'x', purpose: 'brand', colour: 'red' }), 400, 'body');
    expectProblem(await t.api.post('/api/v1/communities', { name: 'x', purpose: 'brand', canvas: { persona: { ageMin: 50, ageMax: 20 } } }), 400, 'body.canvas.persona.ageMin');
    expectProblem(
      await t.api.post('/api/v1/communities', { name: 'x', purpose: 'brand', canvas: { lifecycle: { startsOn: '2024-05-01', plannedEndOn: '2024-01-01' } } }),
      400, 'body.canvas.lifecycle.plannedEndOn',
    );
    expectProblem(await t.api.post('/api/v1/communities', { name: 'x', purpose: 'brand', canvas: { lifecycle: { startsOn: '2024-02-30' } } }), 400, 'body.canvas.lifecycle.startsOn');
    expectProblem(await t.api.post('/api/v1/communities', { name: 'x', purpose: 'brand', canvas: { kpi: { activeMemberRate: 1.5 } } }), 400, 'body.canvas.kpi.activeMemberRate');
    expectProblem(await t.api.post('/api/v1/communities', { name: 'x', purpose: 'brand', canvas: { budgetCents: -1 } }), 400, 'body.canvas.budgetCents');
    expectProblem(await t.api.post('/api/v1/communities', { name: 'x', purpose: 'brand', parentId: MISSING }), 400, 'parentId');
    expectProblem(await t.api.post('/api/v1/communities', { name: 'x', purpose: 'brand', leaderMemberId: 'mem_nobody' }), 400, 'leaderMemberId');
    expectProblem(await t.api.post('/api/v1/communities', []), 400, 'body');
  });

  it('answers 404 for unknown ids on every community route', async () => {
    expectProblem(await t.api.get(`/api/v1/communities/${MISSING}`), 404, undefined, 'not_found');
    expectProblem(await t.api.patch(`/api/v1/communities/${MISSING}`, { name: 'y' }), 404);
    expectProblem(await t.api.delete(`/api/v1/communities/${MISSING}`), 404);
    expectProblem(await t.api.get(`/api/v1/communities/${MISSING}/phases`), 404);
    expectProblem(await t.api.post(`/api/v1/communities/${MISSING}/phases`, { name: 'p', purpose: 'sales', startsOn: '2024-01-01', endsOn: '2024-02-01' }), 404);
  });

  it('changes a community and keeps what was not sent', async () => {
    const c = await makeCommunity(t.api, { canvas: { tone: '活泼' } });
    const leader = await makeMember(t.api);
    const r = await t.api.patch(`/api/v1/communities/${c.id}`, { name: '新名字', leaderMemberId: leader.id });
    expectStatus(r, 200);
    expect(r.body.name).toBe('新名字');
    expect(r.body.purpose).toBe('brand');
    expect(r.body.leaderMemberId).toBe(leader.id);
    expect(r.body.canvas.tone).toBe('活泼');
    expect(Date.parse(r.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(c.updatedAt));
    const got = await t.api.get(`/api/v1/communities/${c.id}`);
    expect(got.body.name).toBe('新名字');
    expect(got.body.leaderMemberId).toBe(leader.id);

    expectProblem(await t.api.patch(`/api/v1/communities/${c.id}`, { purpose: 'nope' }), 400, 'body.purpose');
    expectProblem(await t.api.patch(`/api/v1/communities/${c.id}`, { name: '' }), 400, 'body.name');
    expectProblem(await t.api.patch(`/api/v1/communities/${c.id}`, { leaderMemberId: 'mem_nobody' }), 400, 'leaderMemberId');
    // Nothing of the failed patches landed.
    expect((await t.api.get(`/api/v1/communities/${c.id}`)).body).toEqual(got.body);
  });

  it('refuses a spin-off cycle and a self-parent', async () => {
    const a = await makeCommunity(t.api);
    const b = await makeCommunity(t.api, { parentId: a.id });
    expect(b.parentId).toBe(a.id);
    const c = await makeCommunity(t.api, { parentId: b.id });
    expectProblem(await t.api.patch(`/api/v1/communities/${a.id}`, { parentId: a.id }), 400, 'parentId');
    expectProblem(await t.api.patch(`/api/v1/communities/${a.id}`, { parentId: c.id }), 400, 'parentId');
    expect((await t.api.get(`/api/v1/communities/${a.id}`)).body.parentId).toBeNull();
    // A community with spin-offs cannot be deleted.
    expectProblem(await t.api.delete(`/api/v1/communities/${a.id}`), 409, undefined, 'conflict');
    expectStatus(await t.api.patch(`/api/v1/communities/${b.id}`, { parentId: null }), 200);
    expectStatus(await t.api.delete(`/api/v1/communities/${a.id}`), 204);
  });

  it('deletes a community without groups, with its phases, and detaches its group sets', async () => {
    const c = await makeCommunity(t.api);
    const p = await t.api.post(`/api/v1/communities/${c.id}/phases`, { name: '预热', purpose: 'voice', startsOn: '2024-01-01', endsOn: '2024-01-31' });
    expectStatus(p, 201);
    const gs = await makeGroupSet(t.api, { communityId: c.id });
    const g = await makeGroup(t.api, c.id);
    const blocked = await t.api.delete(`/api/v1/communities/${c.id}`);
    expectProblem(blocked, 409, undefined, 'conflict');
    expectStatus(await t.api.delete(`/api/v1/groups/${g.id}`), 204);

    const d = await t.api.delete(`/api/v1/communities/${c.id}`);
    expectStatus(d, 204);
    expect(d.text).toBe('');
    expectProblem(await t.api.get(`/api/v1/communities/${c.id}`), 404);
    expectProblem(await t.api.get(`/api/v1/phases/${p.body.id}`), 404);
    const set = await t.api.get(`/api/v1/group-sets/${gs.id}`);
    expectStatus(set, 200);
    expect(set.body.communityId).toBeNull();
    expect((await t.api.get('/api/v1/communities')).body.items.map((x: any) => x.id)).not.toContain(c.id);
    expectProblem(await t.api.delete(`/api/v1/communities/${c.id}`), 404);
  });
});

describe('phases', () => {
  it('creates, lists in date order, reads, changes and deletes phases', async () => {
    const c = await makeCommunity(t.api);
    const later = await t.api.post(`/api/v1/communities/${c.id}/phases`, {
      name: '双十一', purpose: 'sales', startsOn: '2024-11-01', endsOn: '2024-11-11',
      targets: { fans: 5000, clickRate: 0.12 }, budgetCents: 500000, platformMix: [{ platform: 'wechat', share: 0.6 }, { platform: 'qq', share: 0.4 }],
    });
    expectStatus(later, 201);
    expect(later.body).toMatchObject({
      communityId: c.id, name: '双十一', purpose: 'sales', startsOn: '2024-11-01', endsOn: '2024-11-11',
      targets: { fans: 5000, clickRate: 0.12, consultations: null, salesCents: null }, budgetCents: 500000,
      platformMix: [{ platform: 'wechat', share: 0.6 }, { platform: 'qq', share: 0.4 }],
    });
    expect(later.body.id).toMatch(/^ph_/);
    const earlier = await t.api.post(`/api/v1/communities/${c.id}/phases`, { name: '冷启动', purpose: 'pr', startsOn: '2024-01-01', endsOn: '2024-01-01' });
    expectStatus(earlier, 201);
    expect(earlier.body.budgetCents).toBeNull();
    expect(earlier.body.platformMix).toEqual([]);

    const list = await t.api.get(`/api/v1/communities/${c.id}/phases`);
    expectStatus(list, 200);
    expect(list.body.items.map((p: any) => p.id)).toEqual([earlier.body.id, later.body.id]);

    const got = await t.api.get(`/api/v1/phases/${later.body.id}`);
    expect(got.body).toEqual(later.body);

    const patched = await t.api.patch(`/api/v1/phases/${later.body.id}`, { endsOn: '2024-11-12', budgetCents: null });
    expectStatus(patched, 200);
    expect(patched.body.endsOn).toBe('2024-11-12');
    expect(patched.body.startsOn).toBe('2024-11-01');
    expect(patched.body.budgetCents).toBeNull();
    expect((await t.api.get(`/api/v1/phases/${later.body.id}`)).body.budgetCents).toBeNull();

    expectStatus(await t.api.delete(`/api/v1/phases/${earlier.body.id}`), 204);
    expect((await t.api.get(`/api/v1/communities/${c.id}/phases`)).body.items.map((p: any) => p.id)).toEqual([later.body.id]);
    expectProblem(await t.api.get(`/api/v1/phases/${earlier.body.id}`), 404);
  });

  it('rejects invalid phases naming the field', async () => {
    const c = await makeCommunity(t.api);
    const url = `/api/v1/communities/${c.id}/phases`;
    const ok = { name: 'p', purpose: 'sales', startsOn: '2024-01-10', endsOn: '2024-01-20' };
    expectProblem(await t.api.post(url, { ...ok, endsOn: '2024-01-01' }), 400, 'body.endsOn');
    expectProblem(await t.api.post(url, { ...ok, startsOn: '2024-02-30' }), 400, 'body.startsOn');
    expectProblem(await t.api.post(url, { ...ok, startsOn: '10/01/2024' }), 400, 'body.startsOn');
    expectProblem(await t.api.post(url, { ...ok, purpose: 'fun' }), 400, 'body.purpose');
    expectProblem(await t.api.post(url, { ...ok, platformMix: [{ platform: 'wechat', share: 0.7 }, { platform: 'qq', share: 0.7 }] }), 400, 'body.platformMix');
    expectProblem(await t.api.post(url, { ...ok, targets: { clickRate: 2 } }), 400, 'body.targets.clickRate');
    expectProblem(await t.api.post(url, { ...ok, budgetCents: 1.5 }), 400, 'body.budgetCents');
    const { name: _n, ...noName } = ok;
    expectProblem(await t.api.post(url, noName), 400, 'body.name');
    const p = await t.api.post(url, ok);
    expectStatus(p, 201);
    // A patch that would end the phase before it starts, judged against the stored start.
    expectProblem(await t.api.patch(`/api/v1/phases/${p.body.id}`, { endsOn: '2024-01-05' }), 400, 'endsOn');
    expectProblem(await t.api.patch(`/api/v1/phases/${p.body.id}`, { purpose: 'x' }), 400, 'body.purpose');
    expect((await t.api.get(`/api/v1/phases/${p.body.id}`)).body.endsOn).toBe('2024-01-20');
    expect((await t.api.get(url)).body.items).toHaveLength(1);
  });

  it('answers 404 for unknown phase ids', async () => {
    expectProblem(await t.api.get('/api/v1/phases/ph_missing'), 404, undefined, 'not_found');
    expectProblem(await t.api.patch('/api/v1/phases/ph_missing', { name: 'x' }), 404);
    expectProblem(await t.api.delete('/api/v1/phases/ph_missing'), 404);
  });
});

describe('templates (定位模板)', () => {
  it('offers filled canvases whose lifecycle starts today, and a community made from one keeps it', async () => {
    const r = await t.api.get('/api/v1/community-templates');
    expectStatus(r, 200);
    expect(r.body.items.map((x: any) => x.key)).toEqual(['tea-brand', 'baijiu', 'paid-course', 'city-meetup']);
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(Date.now());
    const baijiu = r.body.items.find((x: any) => x.key === 'baijiu');
    expect(baijiu).toMatchObject({ name: '白酒品鉴会', nameEn: 'Baijiu tasting society', purpose: 'sales' });
    expect(baijiu.canvas.sharedInterest.basis).toBe('values');
    expect(baijiu.canvas.lifecycle).toMatchObject({ startsOn: today, basis: 'product' });
    expect(Date.parse(baijiu.canvas.lifecycle.plannedEndOn) - Date.parse(today)).toBe(1095 * 86_400_000);
    // Every template is a valid canvas as the API takes it.
    for (const tpl of r.body.items) {
      const made = await t.api.post('/api/v1/communities', { name: `${tpl.name}（试）`, purpose: tpl.purpose, canvas: tpl.canvas });
      expectStatus(made, 201);
      expect(made.body.canvas).toEqual(tpl.canvas);
    }
  });
});
