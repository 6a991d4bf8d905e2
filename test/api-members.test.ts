// Members (成员), their identities (账号) and memberships (入群) with member numbers (编号).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { dbSnapshot, expectProblem, expectStatus, makeActivity, makeCommunity, makeGroup, makeMember } from './helpers/api.ts';

let t: TestServer;
let community: any;
let group: any;
beforeAll(async () => {
  t = await startTestServer();
  community = await makeCommunity(t.api, { name: '读书会' });
  group = await makeGroup(t.api, community.id, { name: '读书1群' });
});
afterAll(async () => t?.stop());

describe('members', () => {
  it('creates a member with identities and memberships and reads it back', async () => {
    const r = await t.api.post('/api/v1/members', {
      displayName: ' 李清照 ', gender: 'female', birthYear: 1990, city: '杭州', occupation: '诗人', skills: ['写作', '写作', '书法'],
      phone: '+86 138-1234-5678', email: 'Li.QZ@Example.COM', tags: ['VIP', '作者', 'VIP'], circle: 'leader', sourceChannel: '公众号',
      stage: 'nurtured', consent: { dataUse: true, marketing: false }, joinedAt: '2024-03-01T08:00:00+08:00',
      identities: [{ platform: 'wechat', externalId: 'wx_liqz', handle: 'yian_jushi' }],
      memberships: [{ groupId: group.id, role: 'pioneer', nickname: '易安' }],
    });
    expectStatus(r, 201);
    const m = r.body;
    expect(m.id).toMatch(/^mem_[0-9a-z]{16}$/);
    expect(m).toMatchObject({
      displayName: '李清照', gender: 'female', birthYear: 1990, city: '杭州', occupation: '诗人', skills: ['写作', '书法'],
      phone: '13812345678', email: 'li.qz@example.com', tags: ['VIP', '作者'], circle: 'leader', sourceChannel: '公众号', referrerId: null,
      stage: 'nurtured', consent: { dataUse: true, marketing: false, directory: false }, joinedAt: '2024-03-01T00:00:00.000Z',
    });
    expect(m.stageHistory).toEqual([{ stage: 'nurtured', at: '2024-03-01T00:00:00.000Z' }]);
    expect(m.identities).toHaveLength(1);
    expect(m.identities[0]).toMatchObject({ platform: 'wechat', externalId: 'wx_liqz', handle: 'yian_jushi' });
    expect(m.identities[0].id).toMatch(/^idn_/);
    expect(m.memberships).toHaveLength(1);
    expect(m.memberships[0]).toMatchObject({ groupId: group.id, memberId: m.id, number: 1, numberDisplay: '0001', role: 'pioneer', nickname: '易安', leftAt: null });
    expect(m.memberships[0].id).toMatch(/^ms_/);
    const got = await t.api.get(`/api/v1/members/${m.id}`);
    expectStatus(got, 200);
    expect(got.body).toEqual(m);
  });

  it('creates a bare member with defaults', async () => {
    const before = Date.now();
    const m = await makeMember(t.api, { displayName: '无名' });
    expect(m).toMatchObject({ gender: null, birthYear: null, city: null, phone: null, email: null, tags: [], skills: [], circle: null, stage: 'acquired', identities: [], memberships: [] });
    expect(m.consent).toEqual({ dataUse: false, marketing: false, directory: false });
    expect(Date.parse(m.joinedAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('rejects invalid members naming the field', async () => {
    const post = (b: unknown) => t.api.post('/api/v1/members', b);
    expectProblem(await post({}), 400, 'body.displayName');
    expectProblem(await post({ displayName: '' }), 400, 'body.displayName');
    expectProblem(await post({ displayName: 'x'.repeat(101) }), 400, 'body.displayName');
    expectProblem(await post({ displayName: 'x', email: 'not-an-email' }), 400, 'body.email');
    expectProblem(await post({ displayName: 'x', phone: 'call me' }), 400, 'body.phone');
    expectProblem(await post({ displayName: 'x', birthYear: 1800 }), 400, 'body.birthYear');
    expectProblem(await post({ displayName: 'x', gender: 'robot' }), 400, 'body.gender');
    expectProblem(await post({ displayName: 'x', circle: 'inner' }), 400, 'body.circle');
    expectProblem(await post({ displayName: 'x', stage: 'born' }), 400, 'body.stage');
    expectProblem(await post({ displayName: 'x', tags: ['ok', ''] }), 400, 'body.tags.1');
    expectProblem(await post({ displayName: 'x', tags: Array.from({ length: 51 }, (_, i) => `t${i}`) }), 400, 'body.tags');
    expectProblem(await post({ displayName: 'x', joinedAt: '2024-13-01T00:00:00Z' }), 400, 'body.joinedAt');
    expectProblem(await post({ displayName: 'x', consent: { dataUse: 'yes' } }), 400, 'body.consent.dataUse');
    expectProblem(await post({ displayName: 'x', identities: [{ platform: 'wechat' }] }), 400, 'body.identities.0.externalId');
    expectProblem(await post({ displayName: 'x', memberships: [{ groupId: 'grp_missing' }] }), 400, 'memberships.0.groupId');
    expectProblem(await post({ displayName: 'x', memberships: [{ groupId: group.id, invitedBy: 'mem_missing' }] }), 400, 'memberships.0.invitedBy');
    expectProblem(await post({ displayName: 'x', referrerId: 'mem_missing' }), 400, 'referrerId');
    expectProblem(await post({ displayName: 'x', memberships: [{ groupId: group.id }, { groupId: group.id }] }), 409, 'memberships.1.groupId');
  });

  it('answers 404 for unknown member, identity and membership ids', async () => {
    expectProblem(await t.api.get('/api/v1/members/mem_missing'), 404, undefined, 'not_found');
    expectProblem(await t.api.patch('/api/v1/members/mem_missing', { city: 'x' }), 404);
    expectProblem(await t.api.delete('/api/v1/members/mem_missing'), 404);
    expectProblem(await t.api.post('/api/v1/members/mem_missing/identities', { platform: 'qq', externalId: '1' }), 404);
    expectProblem(await t.api.post('/api/v1/members/mem_missing/memberships', { groupId: group.id }), 404);
    expectProblem(await t.api.delete('/api/v1/identities/idn_missing'), 404);
    expectProblem(await t.api.patch('/api/v1/memberships/ms_missing', { role: 'payer' }), 404);
  });

  it('changes a member; a new stage is appended to the stage history', async () => {
    const m = await makeMember(t.api, { displayName: '王小波', city: '北京', phone: '13900001111', tags: ['a'] });
    const referrer = await makeMember(t.api);
    const r = await t.api.patch(`/api/v1/members/${m.id}`, { stage: 'activated', city: null, tags: ['b', 'c'], referrerId: referrer.id, email: 'WXB@example.com' });
    expectStatus(r, 200);
    expect(r.body).toMatchObject({ displayName: '王小波', stage: 'activated', city: null, tags: ['b', 'c'], referrerId: referrer.id, email: 'wxb@example.com', phone: '13900001111' });
    expect(r.body.stageHistory.map((s: any) => s.stage)).toEqual(['acquired', 'activated']);
    // The same stage again is no new step.
    const again = await t.api.patch(`/api/v1/members/${m.id}`, { stage: 'activated' });
    expect(again.body.stageHistory).toHaveLength(2);
    expect((await t.api.get(`/api/v1/members/${m.id}`)).body).toEqual(again.body);

    expectProblem(await t.api.patch(`/api/v1/members/${m.id}`, { referrerId: m.id }), 400, 'referrerId');
    expectProblem(await t.api.patch(`/api/v1/members/${m.id}`, { displayName: '' }), 400, 'body.displayName');
    expectProblem(await t.api.patch(`/api/v1/members/${m.id}`, { identities: [] }), 400, 'body');
    expectProblem(await t.api.patch(`/api/v1/members/${m.id}`, { stage: 'x' }), 400, 'body.stage');
    expect((await t.api.get(`/api/v1/members/${m.id}`)).body).toEqual(again.body);
  });

  it('deletes a member: identities and memberships go, activities stay detached, numbers stay reserved', async () => {
    const g = await makeGroup(t.api, community.id, { numbering: { prefix: 'DEL-', width: 2 } });
    const m = await makeMember(t.api, { identities: [{ platform: 'qq', externalId: 'qq-del-1' }], memberships: [{ groupId: g.id }] });
    const referred = await makeMember(t.api, { referrerId: m.id });
    const a = await makeActivity(t.api, { memberId: m.id, groupId: g.id });
    expectStatus(await t.api.delete(`/api/v1/members/${m.id}`), 204);
    expectProblem(await t.api.get(`/api/v1/members/${m.id}`), 404);
    expectProblem(await t.api.delete(`/api/v1/identities/${m.identities[0].id}`), 404);
    expectProblem(await t.api.patch(`/api/v1/memberships/${m.memberships[0].id}`, { role: 'payer' }), 404);
    const act = await t.api.get(`/api/v1/activities/${a.id}`);
    expectStatus(act, 200);
    expect(act.body.memberId).toBeNull();
    expect(act.body.groupId).toBe(g.id);
    expect((await t.api.get(`/api/v1/members/${referred.id}`)).body.referrerId).toBeNull();
    expect((await t.api.get(`/api/v1/groups/${g.id}`)).body.memberCount).toBe(0);
    // The identity is free again, and the number DEL-01 is never given to anyone else.
    const next = await makeMember(t.api, { identities: [{ platform: 'qq', externalId: 'qq-del-1' }], memberships: [{ groupId: g.id }] });
    expect(next.memberships[0].numberDisplay).toBe('DEL-02');
  });
});

describe('identities', () => {
  it('links and unlinks platform accounts; a duplicate account is a 409 naming the field', async () => {
    const m = await makeMember(t.api, { displayName: '苏轼' });
    const r = await t.api.post(`/api/v1/members/${m.id}/identities`, { platform: 'telegram', externalId: '777', handle: 'dongpo' });
    expectStatus(r, 201);
    expect(r.body.id).toBe(m.id);
    expect(r.body.identities).toHaveLength(1);
    const idn = r.body.identities[0];
    expect(idn).toMatchObject({ platform: 'telegram', externalId: '777', handle: 'dongpo' });

    const other = await makeMember(t.api);
    const dup = await t.api.post(`/api/v1/members/${other.id}/identities`, { platform: 'telegram', externalId: '777' });
    expectProblem(dup, 409, 'externalId', 'conflict');
    expect(dup.body.detail).toContain(m.id);
    // The same external id on another platform is a different account.
    expectStatus(await t.api.post(`/api/v1/members/${other.id}/identities`, { platform: 'discord', externalId: '777' }), 201);
    const dupOnCreate = await t.api.post('/api/v1/members', { displayName: 'x', identities: [{ platform: 'qq', externalId: 'q1' }, { platform: 'qq', externalId: 'q1' }] });
    expectProblem(dupOnCreate, 409, 'identities.1');
    const dupOfExisting = await t.api.post('/api/v1/members', { displayName: '冒名', identities: [{ platform: 'telegram', externalId: '777' }] });
    expectProblem(dupOfExisting, 409, 'identities.0');
    expect((await t.api.get(`/api/v1/members?q=${encodeURIComponent('冒名')}`)).body.items).toEqual([]);

    expectProblem(await t.api.post(`/api/v1/members/${m.id}/identities`, { platform: 'wechat', externalId: '' }), 400, 'body.externalId');
    expectProblem(await t.api.post(`/api/v1/members/${m.id}/identities`, { platform: 'icq', externalId: '1' }), 400, 'body.platform');

    expectStatus(await t.api.delete(`/api/v1/identities/${idn.id}`), 204);
    expect((await t.api.get(`/api/v1/members/${m.id}`)).body.identities).toEqual([]);
    expectProblem(await t.api.delete(`/api/v1/identities/${idn.id}`), 404);
    // Unlinked, the account may be linked to someone else.
    expectStatus(await t.api.post(`/api/v1/members/${other.id}/identities`, { platform: 'telegram', externalId: '777' }), 201);
  });
});

describe('memberships and member numbers', () => {
  it('numbers members per group in the display form of the group (QY-0069), never reusing a number', async () => {
    const g = await makeGroup(t.api, community.id, { numbering: { scope: 'group', prefix: 'QY-', width: 4 } });
    const first = [] as any[];
    // Concurrent joins must still get distinct, gapless numbers.
    for (let batch = 0; batch < 68; batch += 17) {
      first.push(...(await Promise.all(Array.from({ length: 17 }, () => makeMember(t.api, { memberships: [{ groupId: g.id }] })))));
    }
    const numbers = first.map((m) => m.memberships[0].number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 68 }, (_, i) => i + 1));
    const m69 = await makeMember(t.api, { memberships: [{ groupId: g.id }] });
    expect(m69.memberships[0]).toMatchObject({ number: 69, numberDisplay: 'QY-0069' });

    // Member 69 leaves and rejoins: same number. A newcomer gets 70, not 69.
    const left = await t.api.patch(`/api/v1/memberships/${m69.memberships[0].id}`, { leftAt: new Date(Date.now() + 1000).toISOString() });
    expectStatus(left, 200);
    expect(left.body.leftAt).not.toBeNull();
    const newcomer = await makeMember(t.api, { memberships: [{ groupId: g.id }] });
    expect(newcomer.memberships[0].numberDisplay).toBe('QY-0070');
    const back = await t.api.post(`/api/v1/members/${m69.id}/memberships`, { groupId: g.id, role: 'payer' });
    expectStatus(back, 201);
    expect(back.body).toMatchObject({ id: m69.memberships[0].id, number: 69, numberDisplay: 'QY-0069', role: 'payer', leftAt: null });
    expect((await t.api.get(`/api/v1/groups/${g.id}`)).body.memberCount).toBe(70);

    // Another group has its own sequence.
    const g2 = await makeGroup(t.api, community.id, { numbering: { scope: 'group', prefix: 'QY-', width: 4 } });
    const j = await t.api.post(`/api/v1/members/${m69.id}/memberships`, { groupId: g2.id });
    expect(j.body.numberDisplay).toBe('QY-0001');
  });

  it('numbers members per community when the groups share a community scope', async () => {
    const c = await makeCommunity(t.api);
    const numbering = { scope: 'community', prefix: 'SQ', width: 3 };
    const g1 = await makeGroup(t.api, c.id, { numbering });
    const g2 = await makeGroup(t.api, c.id, { numbering });
    const a = await makeMember(t.api, { memberships: [{ groupId: g1.id }] });
    const b = await makeMember(t.api, { memberships: [{ groupId: g2.id }] });
    expect(a.memberships[0].numberDisplay).toBe('SQ001');
    expect(b.memberships[0].numberDisplay).toBe('SQ002');
    // The same person in a second group of the community keeps one number.
    const a2 = await t.api.post(`/api/v1/members/${a.id}/memberships`, { groupId: g2.id });
    expectStatus(a2, 201);
    expect(a2.body.numberDisplay).toBe('SQ001');
    const c3 = await makeMember(t.api, { memberships: [{ groupId: g1.id }, { groupId: g2.id }] });
    expect(c3.memberships.map((m: any) => m.numberDisplay)).toEqual(['SQ003', 'SQ003']);
  });

  it('refuses a second active membership and a full group (409)', async () => {
    const g = await makeGroup(t.api, community.id, { capacity: 2 });
    const a = await makeMember(t.api, { memberships: [{ groupId: g.id }] });
    expectProblem(await t.api.post(`/api/v1/members/${a.id}/memberships`, { groupId: g.id }), 409, 'groupId', 'conflict');
    await makeMember(t.api, { memberships: [{ groupId: g.id }] });
    const c = await makeMember(t.api);
    const before = await dbSnapshot(t);
    const full = await t.api.post(`/api/v1/members/${c.id}/memberships`, { groupId: g.id });
    expectProblem(full, 409, 'groupId', 'conflict');
    expect(full.body.detail).toMatch(/full/);
    const fullOnCreate = await t.api.post('/api/v1/members', { displayName: '挤不进', memberships: [{ groupId: g.id }] });
    expectProblem(fullOnCreate, 409, 'memberships.0.groupId');
    // A refused join changes nothing (no number burnt, no member half-created).
    expect(await dbSnapshot(t)).toEqual(before);
    // When someone leaves, a seat frees up.
    expectStatus(await t.api.patch(`/api/v1/memberships/${a.memberships[0].id}`, { leftAt: new Date(Date.now() + 1000).toISOString() }), 200);
    const joined = await t.api.post(`/api/v1/members/${c.id}/memberships`, { groupId: g.id });
    expectStatus(joined, 201);
    expect(joined.body.number).toBe(3);
  });

  it('never seats more members than the capacity, even when they join at once', async () => {
    const g = await makeGroup(t.api, community.id, { capacity: 5 });
    const people = await Promise.all(Array.from({ length: 12 }, () => makeMember(t.api)));
    const results = await Promise.all(people.map((p) => t.api.post(`/api/v1/members/${p.id}/memberships`, { groupId: g.id })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(5).fill(201), ...Array(7).fill(409)]);
    for (const r of results.filter((x) => x.status === 409)) expectProblem(r, 409, 'groupId', 'conflict');
    expect((await t.api.get(`/api/v1/groups/${g.id}`)).body.memberCount).toBe(5);
    expect(results.filter((r) => r.status === 201).map((r) => r.body.number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5]);
  });

  it('changes a membership: role, nickname, mute and leave; validates the change', async () => {
    const g = await makeGroup(t.api, community.id);
    const m = await makeMember(t.api, { memberships: [{ groupId: g.id, joinedAt: '2024-05-01T00:00:00Z' }] });
    const ms = m.memberships[0];
    const r = await t.api.patch(`/api/v1/memberships/${ms.id}`, { role: 'manager', nickname: '管理', mutedUntil: '2030-01-01T00:00:00Z' });
    expectStatus(r, 200);
    expect(r.body).toMatchObject({ id: ms.id, role: 'manager', nickname: '管理', mutedUntil: '2030-01-01T00:00:00.000Z', number: ms.number, leftAt: null });
    expect((await t.api.get(`/api/v1/members/${m.id}`)).body.memberships[0]).toEqual(r.body);

    expectProblem(await t.api.patch(`/api/v1/memberships/${ms.id}`, { role: 'king' }), 400, 'body.role');
    expectProblem(await t.api.patch(`/api/v1/memberships/${ms.id}`, { leftAt: 'soon' }), 400, 'body.leftAt');
    expectProblem(await t.api.patch(`/api/v1/memberships/${ms.id}`, { leftAt: '2024-04-01T00:00:00Z' }), 400, 'leftAt');
    expectStatus(await t.api.patch(`/api/v1/memberships/${ms.id}`, { leftAt: '2024-06-01T00:00:00Z' }), 200);
    expectProblem(await t.api.patch(`/api/v1/memberships/${ms.id}`, { leftAt: null }), 400, 'leftAt');
    expect((await t.api.get(`/api/v1/members?groupId=${g.id}`)).body.items).toEqual([]);

    expectProblem(await t.api.post(`/api/v1/members/${m.id}/memberships`, {}), 400, 'body.groupId');
    expectProblem(await t.api.post(`/api/v1/members/${m.id}/memberships`, { groupId: 'grp_missing' }), 400, 'groupId');
    expectProblem(await t.api.post(`/api/v1/members/${m.id}/memberships`, { groupId: g.id, role: 'king' }), 400, 'body.role');
  });
});
