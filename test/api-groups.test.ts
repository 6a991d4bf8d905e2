// Groups (群), group sets (群组合) and a group's member list: happy paths, validation, 404, paging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { allPages, expectProblem, expectStatus, makeCommunity, makeGroup, makeGroupSet, makeMember } from './helpers/api.ts';

let t: TestServer;
let community: any;
beforeAll(async () => {
  t = await startTestServer();
  community = await makeCommunity(t.api, { name: '跑团' });
});
afterAll(async () => t?.stop());

describe('groups', () => {
  it('creates a group with platform defaults and reads it back', async () => {
    const r = await t.api.post('/api/v1/groups', { communityId: community.id, platform: 'wechat', name: ' 上海跑团1群 ' });
    expectStatus(r, 201);
    expect(r.body).toMatchObject({
      communityId: community.id, groupSetId: null, platform: 'wechat', externalId: null, name: '上海跑团1群', kind: 'member',
      function: 'retain', official: true, structure: 'pyramid', capacity: 500, status: 'active', region: null, owner: null,
      secretary: null, numbering: { scope: 'group', prefix: '', width: 4 }, memberCount: 0,
    });
    expect(r.body.id).toMatch(/^grp_[0-9a-z]{16}$/);
    const got = await t.api.get(`/api/v1/groups/${r.body.id}`);
    expectStatus(got, 200);
    expect(got.body).toEqual(r.body);
    // Another platform's default seat limit.
    const tg = await makeGroup(t.api, community.id, { platform: 'telegram' });
    expect(tg.capacity).toBe(200000);
  });

  it('creates a fully described group', async () => {
    const set = await makeGroupSet(t.api, { communityId: community.id });
    const owner = await makeMember(t.api);
    const ops = (await t.api.get('/api/v1/operators')).body.items;
    const r = await t.api.post('/api/v1/groups', {
      communityId: community.id, groupSetId: set.id, platform: 'qq', externalId: '123456', name: '核心群', kind: 'core', function: 'serve',
      official: false, structure: 'ring', capacity: 50, status: 'quiet', region: '上海', owner: { type: 'member', id: owner.id },
      secretary: { type: 'operator', id: ops[0].id }, numbering: { scope: 'community', prefix: 'HX-', width: 3 },
    });
    expectStatus(r, 201);
    expect(r.body).toMatchObject({
      groupSetId: set.id, platform: 'qq', externalId: '123456', kind: 'core', function: 'serve', official: false, structure: 'ring',
      capacity: 50, status: 'quiet', region: '上海', owner: { type: 'member', id: owner.id }, secretary: { type: 'operator', id: ops[0].id },
      numbering: { scope: 'community', prefix: 'HX-', width: 3 },
    });
    expect((await t.api.get(`/api/v1/group-sets/${set.id}`)).body.groupCount).toBe(1);
  });

  it('rejects invalid groups naming the field', async () => {
    const ok = { communityId: community.id, platform: 'wechat', name: 'g' };
    expectProblem(await t.api.post('/api/v1/groups', { platform: 'wechat', name: 'g' }), 400, 'body.communityId');
    expectProblem(await t.api.post('/api/v1/groups', { ...ok, platform: 'myspace' }), 400, 'body.platform');
    expectProblem(await t.api.post('/api/v1/groups', { ...ok, name: '' }), 400, 'body.name');
    expectProblem(await t.api.post('/api/v1/groups', { ...ok, capacity: 0 }), 400, 'body.capacity');
    expectProblem(await t.api.post('/api/v1/groups', { ...ok, capacity: 2.5 }), 400, 'body.capacity');
    expectProblem(await t.api.post('/api/v1/groups', { ...ok, capacity: '500' }), 400, 'body.capacity');
    expectProblem(await t.api.post('/api/v1/groups', { ...ok, official: 'yes' }), 400, 'body.official');
    expectProblem(await t.api.post('/api/v1/groups', { ...ok, numbering: { width: 11 } }), 400, 'body.numbering.width');
    expectProblem(await t.api.post('/api/v1/groups', { ...ok, numbering: { scope: 'world' } }), 400, 'body.numbering.scope');
    expectProblem(await t.api.post('/api/v1/groups', { ...ok, owner: { type: 'alien', id: 'x' } }), 400, 'body.owner.type');
    expectProblem(await t.api.post('/api/v1/groups', { ...ok, createdAt: 'yesterday' }), 400, 'body.createdAt');
    expectProblem(await t.api.post('/api/v1/groups', { ...ok, communityId: 'com_missing' }), 400, 'communityId');
    expectProblem(await t.api.post('/api/v1/groups', { ...ok, groupSetId: 'gs_missing' }), 400, 'groupSetId');
    expectProblem(await t.api.post('/api/v1/groups', { ...ok, owner: { type: 'member', id: 'mem_missing' } }), 400, 'owner.id');
    expectProblem(await t.api.post('/api/v1/groups', { ...ok, secretary: { type: 'operator', id: 'op_missing' } }), 400, 'secretary.id');
  });

  it('refuses a second group with the same platform external id (409) but allows it on another platform', async () => {
    const a = await makeGroup(t.api, community.id, { platform: 'telegram', externalId: '-100123' });
    const dup = await t.api.post('/api/v1/groups', { communityId: community.id, platform: 'telegram', name: 'dup', externalId: '-100123' });
    expectProblem(dup, 409, 'externalId', 'conflict');
    const other = await makeGroup(t.api, community.id, { platform: 'discord', externalId: '-100123' });
    expect(other.externalId).toBe('-100123');
    const b = await makeGroup(t.api, community.id, { platform: 'telegram' });
    expectProblem(await t.api.patch(`/api/v1/groups/${b.id}`, { externalId: '-100123' }), 409, 'externalId');
    // Setting a group's own external id again is no conflict.
    expectStatus(await t.api.patch(`/api/v1/groups/${a.id}`, { externalId: '-100123' }), 200);
  });

  it('answers 404 for unknown group ids', async () => {
    expectProblem(await t.api.get('/api/v1/groups/grp_missing'), 404, undefined, 'not_found');
    expectProblem(await t.api.patch('/api/v1/groups/grp_missing', { name: 'x' }), 404);
    expectProblem(await t.api.delete('/api/v1/groups/grp_missing'), 404);
    expectProblem(await t.api.get('/api/v1/groups/grp_missing/memberships'), 404);
  });

  it('changes a group and keeps what was not sent', async () => {
    const g = await makeGroup(t.api, community.id, { region: '北京', capacity: 100 });
    const c2 = await makeCommunity(t.api);
    const r = await t.api.patch(`/api/v1/groups/${g.id}`, { name: '改名', status: 'archived', region: null, communityId: c2.id });
    expectStatus(r, 200);
    expect(r.body).toMatchObject({ name: '改名', status: 'archived', region: null, communityId: c2.id, capacity: 100, platform: 'wechat' });
    expect((await t.api.get(`/api/v1/groups/${g.id}`)).body).toEqual(r.body);
    expectProblem(await t.api.patch(`/api/v1/groups/${g.id}`, { status: 'dead' }), 400, 'body.status');
    expectProblem(await t.api.patch(`/api/v1/groups/${g.id}`, { platform: 'qq' }), 400, 'body');
    expectProblem(await t.api.patch(`/api/v1/groups/${g.id}`, { communityId: 'com_missing' }), 400, 'communityId');
    expect((await t.api.get(`/api/v1/groups/${g.id}`)).body).toEqual(r.body);
  });

  it('refuses to change the numbering scope once numbers were given', async () => {
    const g = await makeGroup(t.api, community.id, { numbering: { scope: 'group', prefix: 'A-', width: 2 } });
    // Before any number, the scheme may change freely.
    expectStatus(await t.api.patch(`/api/v1/groups/${g.id}`, { numbering: { scope: 'community', prefix: 'A-', width: 2 } }), 200);
    expectStatus(await t.api.patch(`/api/v1/groups/${g.id}`, { numbering: { scope: 'group', prefix: 'A-', width: 2 } }), 200);
    const m = await makeMember(t.api, { memberships: [{ groupId: g.id }] });
    expect(m.memberships[0].numberDisplay).toBe('A-01');
    expectProblem(await t.api.patch(`/api/v1/groups/${g.id}`, { numbering: { scope: 'community' } }), 400, 'numbering.scope');
    // The prefix may still change; numbers already given keep their display.
    const p = await t.api.patch(`/api/v1/groups/${g.id}`, { numbering: { scope: 'group', prefix: 'B-', width: 3 } });
    expectStatus(p, 200);
    expect(p.body.numbering).toEqual({ scope: 'group', prefix: 'B-', width: 3 });
    const m2 = await makeMember(t.api, { memberships: [{ groupId: g.id }] });
    expect(m2.memberships[0].numberDisplay).toBe('B-002');
  });

  it('deletes only an empty group; a group whose members left can go', async () => {
    const g = await makeGroup(t.api, community.id);
    const m = await makeMember(t.api, { memberships: [{ groupId: g.id }] });
    expect((await t.api.get(`/api/v1/groups/${g.id}`)).body.memberCount).toBe(1);
    expectProblem(await t.api.delete(`/api/v1/groups/${g.id}`), 409, undefined, 'conflict');
    expectStatus(await t.api.patch(`/api/v1/memberships/${m.memberships[0].id}`, { leftAt: new Date().toISOString() }), 200);
    expect((await t.api.get(`/api/v1/groups/${g.id}`)).body.memberCount).toBe(0);
    expectStatus(await t.api.delete(`/api/v1/groups/${g.id}`), 204);
    expectProblem(await t.api.get(`/api/v1/groups/${g.id}`), 404);
    // The member stays, without the membership of the deleted group.
    const after = await t.api.get(`/api/v1/members/${m.id}`);
    expectStatus(after, 200);
    expect(after.body.memberships).toEqual([]);
    expect((await t.api.get(`/api/v1/members?groupId=${g.id}`)).body.items).toEqual([]);
  });

  it('lists groups with filters and pages through them by cursor', async () => {
    const c = await makeCommunity(t.api);
    const set = await makeGroupSet(t.api, { communityId: c.id });
    const made = [] as any[];
    for (let i = 0; i < 7; i++) {
      made.push(await makeGroup(t.api, c.id, {
        platform: i % 2 ? 'qq' : 'wechat', kind: i < 3 ? 'core' : 'city', status: i === 6 ? 'archived' : 'active', groupSetId: i < 2 ? set.id : null,
      }));
    }
    const all = await t.api.get(`/api/v1/groups?communityId=${c.id}`);
    expectStatus(all, 200);
    expect(all.body.items.map((g: any) => g.id)).toEqual(made.map((g) => g.id));
    expect(all.body.nextCursor).toBeNull();
    const ids = (q: string) => t.api.get(`/api/v1/groups?communityId=${c.id}&${q}`).then((r) => r.body.items.map((g: any) => g.id));
    expect(await ids('platform=qq')).toEqual([made[1].id, made[3].id, made[5].id]);
    expect(await ids('kind=core')).toEqual(made.slice(0, 3).map((g) => g.id));
    expect(await ids('status=archived')).toEqual([made[6].id]);
    expect(await ids(`groupSetId=${set.id}`)).toEqual([made[0].id, made[1].id]);
    expect(await ids('kind=core&platform=wechat')).toEqual([made[0].id, made[2].id]);

    const first = await t.api.get(`/api/v1/groups?communityId=${c.id}&limit=3`);
    expect(first.body.items.map((g: any) => g.id)).toEqual(made.slice(0, 3).map((g) => g.id));
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await t.api.get(`/api/v1/groups?communityId=${c.id}&limit=3&cursor=${first.body.nextCursor}`);
    expect(second.body.items.map((g: any) => g.id)).toEqual(made.slice(3, 6).map((g) => g.id));
    const paged = await allPages(t.api, `/api/v1/groups?communityId=${c.id}&limit=2`);
    expect(paged.items.map((g: any) => g.id)).toEqual(made.map((g) => g.id));
    expect(paged.pages).toBe(4);

    for (const bad of ['limit=0', 'limit=501', 'limit=abc', 'limit=Infinity', 'limit=1.5']) expectProblem(await t.api.get(`/api/v1/groups?${bad}`), 400, 'querystring.limit');
    expectProblem(await t.api.get('/api/v1/groups?platform=myspace'), 400, 'querystring.platform');
    expectProblem(await t.api.get('/api/v1/groups?colour=red'), 400, 'querystring');
    expectProblem(await t.api.get('/api/v1/groups?cursor=not-a-cursor'), 400, 'cursor');
  });

  it('keeps a group\'s tags (trimmed, once each), changes them, and finds groups by one exactly', async () => {
    const c = await makeCommunity(t.api);
    const a = await makeGroup(t.api, c.id, { tags: [' 深圳 ', '深圳', 'VIP'] });
    expect(a.tags).toEqual(['深圳', 'VIP']);
    // Characters that mean something to LIKE or to JSON are matched as themselves.
    const b = await makeGroup(t.api, c.id, { tags: ['100%', 'a_b', '引号"里'] });
    const none = await makeGroup(t.api, c.id, {});
    expect(none.tags).toEqual([]);
    const find = async (tag: string) => (await t.api.get(`/api/v1/groups?communityId=${c.id}&tag=${encodeURIComponent(tag)}`)).body.items.map((g: any) => g.id);
    expect(await find('VIP')).toEqual([a.id]);
    expect(await find('100%')).toEqual([b.id]);
    expect(await find('100')).toEqual([]);
    expect(await find('a_b')).toEqual([b.id]);
    expect(await find('axb')).toEqual([]);
    expect(await find('引号"里')).toEqual([b.id]);
    expect(await find('深')).toEqual([]);
    const changed = await t.api.patch(`/api/v1/groups/${a.id}`, { tags: ['广州'] });
    expectStatus(changed, 200);
    expect(changed.body.tags).toEqual(['广州']);
    expect(await find('深圳')).toEqual([]);
    expectProblem(await t.api.post('/api/v1/groups', { communityId: c.id, platform: 'wechat', name: 'x', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }), 400, 'body.tags');
    expectProblem(await t.api.patch(`/api/v1/groups/${a.id}`, { tags: ['x'.repeat(31)] }), 400, 'body.tags.0');
  });

  it("lists a group's members with their numbers, by cursor, with or without those who left", async () => {
    const g = await makeGroup(t.api, community.id, { numbering: { prefix: 'PT-', width: 4 } });
    const members = [] as any[];
    for (let i = 0; i < 5; i++) {
      members.push(await makeMember(t.api, { displayName: `跑者${i}`, memberships: [{ groupId: g.id, joinedAt: new Date(Date.UTC(2024, 0, 1 + i)).toISOString(), nickname: `n${i}` }] }));
    }
    const left = members[1].memberships[0];
    expectStatus(await t.api.patch(`/api/v1/memberships/${left.id}`, { leftAt: '2024-02-01T00:00:00Z' }), 200);

    const r = await t.api.get(`/api/v1/groups/${g.id}/memberships`);
    expectStatus(r, 200);
    expect(r.body.items.map((m: any) => m.displayName)).toEqual(['跑者0', '跑者2', '跑者3', '跑者4']);
    expect(r.body.items.map((m: any) => m.numberDisplay)).toEqual(['PT-0001', 'PT-0003', 'PT-0004', 'PT-0005']);
    expect(r.body.items[0]).toMatchObject({ groupId: g.id, memberId: members[0].id, number: 1, role: 'participant', nickname: 'n0', leftAt: null });

    const withLeft = await allPages(t.api, `/api/v1/groups/${g.id}/memberships?includeLeft=true&limit=2`);
    expect(withLeft.items.map((m: any) => m.memberId)).toEqual(members.map((m) => m.id));
    expect(withLeft.items[1].leftAt).toBe('2024-02-01T00:00:00.000Z');
    expect(withLeft.pages).toBe(3);
    expectProblem(await t.api.get(`/api/v1/groups/${g.id}/memberships?includeLeft=maybe`), 400, 'querystring.includeLeft');
    expectProblem(await t.api.get(`/api/v1/groups/${g.id}/memberships?limit=0`), 400, 'querystring.limit');
    expectProblem(await t.api.get(`/api/v1/groups/${g.id}/memberships?cursor=%%%`), 400);
  });
});

describe('group sets', () => {
  it('creates, lists, reads, changes and deletes a group set; its groups stay', async () => {
    const r = await t.api.post('/api/v1/group-sets', { name: '华东组合', communityId: community.id, region: '华东', namingPattern: '华东{n}群' });
    expectStatus(r, 201);
    expect(r.body).toMatchObject({ name: '华东组合', communityId: community.id, region: '华东', namingPattern: '华东{n}群', groupCount: 0 });
    expect(r.body.id).toMatch(/^gs_/);
    const g1 = await makeGroup(t.api, community.id, { groupSetId: r.body.id });
    const g2 = await makeGroup(t.api, community.id, { groupSetId: r.body.id });
    const got = await t.api.get(`/api/v1/group-sets/${r.body.id}`);
    expect(got.body).toEqual({ ...r.body, groupCount: 2 });
    const list = await t.api.get('/api/v1/group-sets');
    expectStatus(list, 200);
    expect(list.body.items.find((s: any) => s.id === r.body.id)).toEqual({ ...r.body, groupCount: 2 });

    const p = await t.api.patch(`/api/v1/group-sets/${r.body.id}`, { name: '华东大组合', region: null });
    expectStatus(p, 200);
    expect(p.body).toMatchObject({ name: '华东大组合', region: null, communityId: community.id, namingPattern: '华东{n}群', groupCount: 2 });

    expectStatus(await t.api.delete(`/api/v1/group-sets/${r.body.id}`), 204);
    expectProblem(await t.api.get(`/api/v1/group-sets/${r.body.id}`), 404);
    for (const g of [g1, g2]) {
      const gr = await t.api.get(`/api/v1/groups/${g.id}`);
      expectStatus(gr, 200);
      expect(gr.body.groupSetId).toBeNull();
    }
  });

  it('rejects invalid group sets and answers 404 for unknown ids', async () => {
    expectProblem(await t.api.post('/api/v1/group-sets', {}), 400, 'body.name');
    expectProblem(await t.api.post('/api/v1/group-sets', { name: 'x', region: '' }), 400, 'body.region');
    expectProblem(await t.api.post('/api/v1/group-sets', { name: 'x', communityId: 'com_missing' }), 400, 'communityId');
    const s = await makeGroupSet(t.api);
    expectProblem(await t.api.patch(`/api/v1/group-sets/${s.id}`, { name: 5 }), 400, 'body.name');
    expectProblem(await t.api.patch(`/api/v1/group-sets/${s.id}`, { communityId: 'com_missing' }), 400, 'communityId');
    expect((await t.api.get(`/api/v1/group-sets/${s.id}`)).body).toEqual(s);
    expectProblem(await t.api.get('/api/v1/group-sets/gs_missing'), 404, undefined, 'not_found');
    expectProblem(await t.api.patch('/api/v1/group-sets/gs_missing', { name: 'x' }), 404);
    expectProblem(await t.api.delete('/api/v1/group-sets/gs_missing'), 404);
  });
});

describe('replication (复制)', () => {
  it('clones a group from a template: settings, its own rules and its announcement, with a fresh number sequence', async () => {
    const c = await makeCommunity(t.api, { name: '复制社群' });
    const set = await makeGroupSet(t.api, { name: '茶友', communityId: c.id });
    const tpl = await makeGroup(t.api, c.id, { name: '茶友模板群', platform: 'builtin', groupSetId: set.id, capacity: 300, kind: 'core', region: '杭州', numbering: { scope: 'group', prefix: 'T', width: 3 } });
    for (const [type, settings] of [['joining.entry', { mode: 'application', questions: ['喝什么茶？'] }], ['joining.ritual', { nicknamePattern: '{city}-{name}', rulesText: '只聊茶' }]] as const) {
      expectStatus(await t.api.post('/api/v1/rules', { type, targetType: 'group', targetId: tpl.id, settings }), 201);
    }
    expectStatus(await t.api.request('PUT', `/api/v1/groups/${tpl.id}/announcement`, { text: '每周三品茶会' }), 200);
    await makeMember(t.api, { displayName: '老茶友', memberships: [{ groupId: tpl.id }] });

    const r = await t.api.post(`/api/v1/groups/${tpl.id}/clone`, { name: '茶友 2 群' });
    expectStatus(r, 201);
    expect(r.body.rulesCopied).toBe(2);
    expect(r.body.group).toMatchObject({
      name: '茶友 2 群', groupSetId: set.id, capacity: 300, kind: 'core', region: '杭州', numbering: { prefix: 'T', width: 3 }, memberCount: 0,
      announcement: { text: '每周三品茶会' },
    });
    const rules = (await t.api.get(`/api/v1/rules?targetType=group&targetId=${r.body.group.id}`)).body.items;
    expect(rules.map((x: any) => [x.type, x.settings.mode ?? x.settings.nicknamePattern]).sort()).toEqual([['joining.entry', 'application'], ['joining.ritual', '{city}-{name}']]);
    const m = await makeMember(t.api, { displayName: '新茶友', memberships: [{ groupId: r.body.group.id }] });
    expect(m.memberships[0].numberDisplay).toBe('T001');
    expectProblem(await t.api.post(`/api/v1/groups/${tpl.id}/clone`, { name: '' }), 400, 'body.name');
    expectProblem(await t.api.post('/api/v1/groups/grp_nope/clone', { name: 'x' }), 404);
  });

  it("previews and applies a naming pattern to a set's groups, in creation order, naming missing variables", async () => {
    const c = await makeCommunity(t.api, { name: '改名社群' });
    const set = await makeGroupSet(t.api, { name: '跑团', communityId: c.id, region: '成都' });
    const gs = [];
    for (const name of ['a', 'b', 'c']) gs.push(await makeGroup(t.api, c.id, { name, groupSetId: set.id }));
    const url = `/api/v1/group-sets/${set.id}/rename`;
    expectProblem(await t.api.post(url, { pattern: '{brand}{region}{n}群' }), 400, 'vars');
    expectProblem(await t.api.post(url, { pattern: '固定名' }), 400, 'pattern');
    // A refused pattern leaves nothing behind: the next request still names its missing variable.
    expectProblem(await t.api.post(url, { pattern: '{brand}茶友群', vars: { brand: 'x' } }), 400, 'pattern');
    expectProblem(await t.api.post(url, { pattern: '{brand}茶友{n}群' }), 400, 'vars');
    expectProblem(await t.api.post(url, { pattern: '{brand}茶友{n}群' }), 400, 'vars');
    expectProblem(await t.api.post(url, {}), 400, 'pattern');
    const before = (await t.api.get(`/api/v1/groups?groupSetId=${set.id}`)).body.items.map((g: any) => g.name);
    const preview = await t.api.post(url, { pattern: '{brand}{region}{nn}群', vars: { brand: '悦跑' } });
    expectStatus(preview, 200);
    expect(preview.body).toEqual({ applied: false, items: gs.map((g, i) => ({ groupId: g.id, from: g.name, to: `悦跑成都0${i + 1}群` })) });
    expect((await t.api.get(`/api/v1/groups?groupSetId=${set.id}`)).body.items.map((g: any) => g.name)).toEqual(before);
    const applied = await t.api.post(url, { pattern: '{brand}{region}{nn}群', vars: { brand: '悦跑' }, apply: true });
    expect(applied.body.applied).toBe(true);
    expect((await t.api.get(`/api/v1/groups?groupSetId=${set.id}`)).body.items.map((g: any) => g.name)).toEqual(['悦跑成都01群', '悦跑成都02群', '悦跑成都03群']);
    // The set's own pattern is the default.
    expectStatus(await t.api.patch(`/api/v1/group-sets/${set.id}`, { namingPattern: '{set}{n}群' }), 200);
    expect((await t.api.post(url, {})).body.items.map((x: any) => x.to)).toEqual(['跑团1群', '跑团2群', '跑团3群']);
  });
});
