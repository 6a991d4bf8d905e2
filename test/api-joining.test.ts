// Joining (入群) through invites: every entry mode (open, code, application, task, paid), the entry ritual
// (consent, rules, number, welcome, nickname pattern), rotating invites across a group set, referral
// attribution, operators' decisions, scopes and tenancy, validation and the public pages' rate limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Client, type TestServer } from './helpers/server.ts';
import { dbSnapshot, expectProblem, expectStatus, makeCommunity, makeGroup, makeGroupSet, makeMember, mintToken, otherWorkspace } from './helpers/api.ts';

let t: TestServer;
let anon: Client;
let community: any;
beforeAll(async () => {
  t = await startTestServer({ SHEQUN_JOIN_LIMIT: '1000' });
  anon = t.client();
  community = await makeCommunity(t.api, { name: '入群社群' });
});
afterAll(async () => t?.stop());

const yes = { consentAccepted: true, rulesAccepted: true };

async function groupWith(rules: Record<string, Record<string, unknown>>, body: Record<string, unknown> = {}) {
  const g = await makeGroup(t.api, community.id, body);
  for (const [type, settings] of Object.entries(rules)) {
    expectStatus(await t.api.post('/api/v1/rules', { type, targetType: 'group', targetId: g.id, settings }), 201);
  }
  const inv = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id });
  expectStatus(inv, 201);
  return { g, code: inv.body.code as string, invite: inv.body };
}

const join = (code: string, body: Record<string, unknown>) => anon.post(`/api/v1/public/join/${code}`, body);

async function activitiesOf(memberId: string) {
  const r = await t.api.get(`/api/v1/activities?memberId=${memberId}`);
  expectStatus(r, 200);
  return r.body.items;
}

describe('entry modes', () => {
  it('open: joins at once with a member number, a join activity and a completed request', async () => {
    const { g, code, invite } = await groupWith({});
    expect(invite).toMatchObject({ targetType: 'group', targetId: g.id, referrerMemberId: null, path: `/m/join/${code}`, revokedAt: null });
    const view = await anon.get(`/api/v1/public/join/${code}`);
    expectStatus(view, 200);
    expect(view.body).toMatchObject({ code, group: { id: g.id, name: g.name }, mode: 'open', modeText: '开放入群：打开邀请链接即可进群', priceFen: null, ritual: null });
    const r = await join(code, { name: '小林', phone: '13800001111', consentAccepted: true, rulesAccepted: false });
    expectStatus(r, 200);
    expect(r.body).toMatchObject({ status: 'joined', groupId: g.id, groupName: g.name, number: '0001', welcome: null, requestId: expect.any(String) });
    const m = (await t.api.get(`/api/v1/members/${r.body.memberId}`)).body;
    expect(m).toMatchObject({ displayName: '小林', phone: '13800001111', sourceChannel: 'invite', consent: { dataUse: true } });
    expect(m.memberships).toMatchObject([{ id: r.body.membershipId, groupId: g.id, numberDisplay: '0001', role: 'participant' }]);
    const acts = await activitiesOf(r.body.memberId);
    const joinAct = acts.find((a: any) => a.kind === 'join');
    expect(joinAct).toMatchObject({ groupId: g.id, source: 'builtin', payload: { mode: 'open', inviteId: invite.id } });
    expect(joinAct.sourceId).toBe(`join:${r.body.membershipId}:${Date.parse(m.memberships[0].joinedAt)}`);
    const reqs = await t.api.get(`/api/v1/groups/${g.id}/join-requests?status=completed`);
    expect(reqs.body.items).toMatchObject([{ id: r.body.requestId, memberId: r.body.memberId, mode: 'open', status: 'completed' }]);
    const second = await join(code, { name: '小王', ...yes });
    expect(second.body.number).toBe('0002');
  });

  it('code: a wrong or missing code is a 400 naming code; the right one joins', async () => {
    const { g, code } = await groupWith({ 'joining.entry': { mode: 'code', code: 'RUN2024' } });
    expect((await anon.get(`/api/v1/public/join/${code}`)).body).toMatchObject({ mode: 'code' });
    const before = await dbSnapshot(t);
    expectProblem(await join(code, { name: '错码', code: 'run2023', ...yes }), 400, 'code');
    expectProblem(await join(code, { name: '无码', ...yes }), 400, 'code');
    expect(await dbSnapshot(t)).toEqual(before);
    const ok = await join(code, { name: '对码', code: 'RUN2024', ...yes });
    expectStatus(ok, 200);
    expect(ok.body).toMatchObject({ status: 'joined', groupId: g.id, number: '0001' });
  });

  it('application: answers required; pending until an operator rejects with a reason or approves', async () => {
    const { g, code } = await groupWith({ 'joining.entry': { mode: 'application', questions: ['你的城市？', '为什么加入？'] } });
    expect((await anon.get(`/api/v1/public/join/${code}`)).body).toMatchObject({ mode: 'application', questions: ['你的城市？', '为什么加入？'] });
    expectProblem(await join(code, { name: '申请者', answers: ['上海'], ...yes }), 400, 'answers.1');
    const a = await join(code, { name: '申请者甲', answers: ['上海', '想跑步'], ...yes });
    expectStatus(a, 200);
    expect(a.body).toMatchObject({ status: 'pending', groupId: g.id, memberId: null, number: null, requestId: expect.stringMatching(/^jr_/) });
    const b = await join(code, { name: '申请者乙', answers: ['北京', '认识朋友'], ...yes });
    const pending = await t.api.get(`/api/v1/groups/${g.id}/join-requests?status=pending`);
    expect(pending.body.items.map((x: any) => x.id)).toEqual([a.body.requestId, b.body.requestId]);
    expect(pending.body.items[0].applicant).toMatchObject({ name: '申请者甲', answers: [{ question: '你的城市？', answer: '上海' }, { question: '为什么加入？', answer: '想跑步' }] });
    expectProblem(await t.api.post(`/api/v1/join-requests/${a.body.requestId}/reject`, {}), 400, 'body.reason');
    const rej = await t.api.post(`/api/v1/join-requests/${a.body.requestId}/reject`, { reason: '本群只收上海跑者以外的朋友' });
    expectStatus(rej, 200);
    expect(rej.body).toMatchObject({ status: 'rejected', reason: '本群只收上海跑者以外的朋友', memberId: null, decidedBy: expect.any(String) });
    const ok = await t.api.post(`/api/v1/join-requests/${b.body.requestId}/approve`);
    expectStatus(ok, 200);
    expect(ok.body).toMatchObject({ status: 'approved', memberId: expect.stringMatching(/^mem_/) });
    const m = (await t.api.get(`/api/v1/members/${ok.body.memberId}`)).body;
    expect(m.memberships).toMatchObject([{ groupId: g.id, numberDisplay: '0001' }]);
    expect((await activitiesOf(m.id)).map((x: any) => x.kind)).toContain('join');
    // Decided once.
    expectProblem(await t.api.post(`/api/v1/join-requests/${b.body.requestId}/approve`), 409, undefined, 'conflict');
    expectProblem(await t.api.post(`/api/v1/join-requests/${a.body.requestId}/approve`), 409, undefined, 'conflict');
  });

  it('task and paid: pending until an operator confirms; the page shows the task and the price', async () => {
    const task = await groupWith({ 'joining.entry': { mode: 'task', task: '把活动海报转发到朋友圈' } });
    expect((await anon.get(`/api/v1/public/join/${task.code}`)).body).toMatchObject({ mode: 'task', task: '把活动海报转发到朋友圈' });
    const tr = await join(task.code, { name: '转发者', ...yes });
    expect(tr.body.status).toBe('pending');
    const tok = await t.api.post(`/api/v1/join-requests/${tr.body.requestId}/approve`);
    expect(tok.body).toMatchObject({ status: 'approved', mode: 'task' });

    const paid = await groupWith({ 'joining.entry': { mode: 'paid', priceFen: 19900 } });
    expect((await anon.get(`/api/v1/public/join/${paid.code}`)).body).toMatchObject({ mode: 'paid', priceFen: 19900, modeText: expect.stringContaining('¥199.00') });
    const pr = await join(paid.code, { name: '付费者', ...yes });
    expect(pr.body.status).toBe('pending');
    const pok = await t.api.post(`/api/v1/join-requests/${pr.body.requestId}/approve`);
    expect(pok.body).toMatchObject({ status: 'approved', mode: 'paid' });
    expect((await t.api.get(`/api/v1/groups/${paid.g.id}/memberships`)).body.items).toHaveLength(1);
  });
});

describe('the entry ritual', () => {
  const ritual = {
    rulesText: '1. 禁止广告 2. 每周打卡', dataUseNotice: '你的手机号只用于活动通知。', consentRequired: true,
    nicknamePattern: '{city}-{industry}-{name}', nicknameExample: '上海-金融-张三',
    welcomeTemplate: '欢迎 {nickname}（{number} 号）加入{group}！邀请人：{inviter}。群规：{rules}',
  };

  it('requires consent and the rules, checks the nickname naming the failing part, then welcomes with number and inviter', async () => {
    const { g } = await groupWith({ 'joining.ritual': ritual });
    const inviter = await makeMember(t.api, { displayName: '老会员', memberships: [{ groupId: g.id }] });
    const ref = await t.api.get(`/api/v1/members/${inviter.id}/referral?groupId=${g.id}`);
    expectStatus(ref, 200);
    const code = ref.body.invite.code;
    const view = (await anon.get(`/api/v1/public/join/${code}`)).body;
    expect(view.ritual).toEqual({ rulesText: ritual.rulesText, dataUseNotice: ritual.dataUseNotice, nicknamePattern: ritual.nicknamePattern, nicknameExample: ritual.nicknameExample, consentRequired: true });
    const before = await dbSnapshot(t);
    expectProblem(await join(code, { name: '新人', nickname: '上海-金融-新人', consentAccepted: false, rulesAccepted: true }), 400, 'consentAccepted');
    expectProblem(await join(code, { name: '新人', nickname: '上海-金融-新人', consentAccepted: true, rulesAccepted: false }), 400, 'rulesAccepted');
    const bad = await join(code, { name: '新人', nickname: '上海-新人', ...yes });
    expectProblem(bad, 400, 'nickname');
    expect(bad.body.errors[0].reason).toContain('industry');
    const bad2 = await join(code, { name: '新人', nickname: '-金融-新人', ...yes });
    expect(bad2.body.errors[0].reason).toContain('city');
    expect(await dbSnapshot(t)).toEqual(before);
    const ok = await join(code, { name: '新人', nickname: '上海-金融-新人', ...yes });
    expectStatus(ok, 200);
    expect(ok.body.number).toBe('0002');
    expect(ok.body.welcome).toBe(`欢迎 上海-金融-新人（0002 号）加入${g.name}！邀请人：老会员。群规：${ritual.rulesText}`);
    const m = (await t.api.get(`/api/v1/members/${ok.body.memberId}`)).body;
    expect(m).toMatchObject({ referrerId: inviter.id, consent: { dataUse: true } });
    expect(m.memberships[0]).toMatchObject({ nickname: '上海-金融-新人', invitedBy: inviter.id });
    const msgs = (await t.api.get(`/api/v1/activities?groupId=${g.id}&kind=message`)).body.items;
    expect(msgs).toHaveLength(1);
    expect(msgs[0]).toMatchObject({ contentSource: 'OGC', source: 'builtin', memberId: null, payload: { text: ok.body.welcome, from: 'system' } });
    expect(ok.body.nicknameNeeded).toBeNull();

    // The nickname may come after the number: the result says which format the member app must ask for.
    const later = await join(code, { name: '后来者', ...yes });
    expectStatus(later, 200);
    expect(later.body).toMatchObject({ status: 'joined', number: '0003', nicknameNeeded: { pattern: ritual.nicknamePattern, example: ritual.nicknameExample } });
    expect(later.body.welcome).toContain('欢迎 后来者（0003 号）');
    expect(later.headers.get('set-cookie')).toMatch(/^shequn_member=[\w-]{30,}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
  });
});

describe('rotating invites (活码)', () => {
  it('sends newcomers to the next group of the set with room, and says so when every group is full', async () => {
    const set = await makeGroupSet(t.api, { name: '跑团活码', communityId: community.id });
    const g1 = await makeGroup(t.api, community.id, { name: '跑团1群', groupSetId: set.id, capacity: 1 });
    const g2 = await makeGroup(t.api, community.id, { name: '跑团2群', groupSetId: set.id, capacity: 2 });
    const setInvite = (await t.api.post('/api/v1/invites', { targetType: 'group_set', targetId: set.id })).body;
    const g1Invite = (await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g1.id })).body;
    expect((await anon.get(`/api/v1/public/join/${setInvite.code}`)).body.group.id).toBe(g1.id);
    expect((await join(setInvite.code, { name: '一号', ...yes })).body.groupId).toBe(g1.id);
    // g1 is full: both the set's invite and g1's own invite now lead to g2.
    expect((await anon.get(`/api/v1/public/join/${g1Invite.code}`)).body).toMatchObject({ group: { id: g2.id }, groupSet: { id: set.id } });
    expect((await join(g1Invite.code, { name: '二号', ...yes })).body.groupId).toBe(g2.id);
    expect((await join(setInvite.code, { name: '三号', ...yes })).body.groupId).toBe(g2.id);
    const before = await dbSnapshot(t);
    const full = await join(setInvite.code, { name: '四号', ...yes });
    expectProblem(full, 409, undefined, 'conflict');
    expect(full.body.detail).toMatch(/full/);
    expectProblem(await anon.get(`/api/v1/public/join/${setInvite.code}`), 409);
    expect(await dbSnapshot(t)).toEqual(before);
    // A capacity rule on the set counts a group full earlier; a new group in the set takes the next newcomers.
    const g3 = await makeGroup(t.api, community.id, { name: '跑团3群', groupSetId: set.id, capacity: 4 });
    expectStatus(await t.api.post('/api/v1/rules', { type: 'joining.capacity', targetType: 'group_set', targetId: set.id, settings: { thresholdPercent: 50 } }), 201);
    expect((await join(setInvite.code, { name: '四号', ...yes })).body.groupId).toBe(g3.id);
    expect((await join(setInvite.code, { name: '五号', ...yes })).body.groupId).toBe(g3.id);
    expectProblem(await join(setInvite.code, { name: '六号', ...yes }), 409);
  });

  it('places an approved applicant in the next group of the set when theirs filled up meanwhile', async () => {
    const set = await makeGroupSet(t.api, { name: '审核活码', communityId: community.id });
    expectStatus(await t.api.post('/api/v1/rules', { type: 'joining.entry', targetType: 'group_set', targetId: set.id, settings: { mode: 'application' } }), 201);
    const g1 = await makeGroup(t.api, community.id, { name: '审核1群', groupSetId: set.id, capacity: 1 });
    const g2 = await makeGroup(t.api, community.id, { name: '审核2群', groupSetId: set.id, capacity: 5 });
    const code = (await t.api.post('/api/v1/invites', { targetType: 'group_set', targetId: set.id })).body.code;
    const a = (await join(code, { name: '申请一', ...yes })).body;
    const b = (await join(code, { name: '申请二', ...yes })).body;
    expect([a.groupId, b.groupId]).toEqual([g1.id, g1.id]);
    expect((await t.api.post(`/api/v1/join-requests/${a.requestId}/approve`)).body.groupId).toBe(g1.id);
    const second = await t.api.post(`/api/v1/join-requests/${b.requestId}/approve`);
    expectStatus(second, 200);
    expect(second.body.groupId).toBe(g2.id);
    expect((await t.api.get(`/api/v1/members/${second.body.memberId}`)).body.memberships[0].groupId).toBe(g2.id);
  });
});

describe('referrals', () => {
  it("gives a member one referral invite per group with a QR code, and attributes joins through it or a ref code", async () => {
    const { g, code } = await groupWith({});
    const referrer = await makeMember(t.api, { displayName: '推荐人', memberships: [{ groupId: g.id }] });
    const r1 = await t.api.get(`/api/v1/members/${referrer.id}/referral?groupId=${g.id}`);
    expectStatus(r1, 200);
    expect(r1.body.invite).toMatchObject({ targetType: 'group', targetId: g.id, referrerMemberId: referrer.id });
    expect(r1.body.path).toBe(`/m/join/${r1.body.invite.code}`);
    expect(r1.body.qrDataUrl).toMatch(/^data:image\/png;base64,[A-Za-z0-9+/]+=*$/);
    const r2 = await t.api.get(`/api/v1/members/${referrer.id}/referral?groupId=${g.id}`);
    expect(r2.body.invite.id).toBe(r1.body.invite.id);
    const via = await join(r1.body.invite.code, { name: '被推荐甲', ...yes });
    const viaRef = await join(code, { name: '被推荐乙', ref: r1.body.invite.code, ...yes });
    const plain = await join(code, { name: '自己来的', ref: 'nosuchcode', ...yes });
    for (const [r, expected] of [[via, referrer.id], [viaRef, referrer.id], [plain, null]] as const) {
      const m = (await t.api.get(`/api/v1/members/${r.body.memberId}`)).body;
      expect(m.referrerId).toBe(expected);
      expect(m.memberships[0].invitedBy).toBe(expected);
    }
    expectProblem(await t.api.get(`/api/v1/members/${referrer.id}/referral?groupId=grp_missing`), 400, 'groupId');
    expectProblem(await t.api.get(`/api/v1/members/${referrer.id}/referral`), 400, 'querystring.groupId');
  });
});

describe('invites, access and validation', () => {
  it('lists and revokes invites; a revoked code is 404 on the public pages', async () => {
    const { g, code, invite } = await groupWith({});
    const list = await t.api.get(`/api/v1/invites?targetType=group&targetId=${g.id}`);
    expect(list.body.items.map((x: any) => x.id)).toEqual([invite.id]);
    expectStatus(await t.api.delete(`/api/v1/invites/${invite.id}`), 204);
    expect((await t.api.get(`/api/v1/invites?targetId=${g.id}`)).body.items).toEqual([]);
    expect((await t.api.get(`/api/v1/invites?targetId=${g.id}&includeRevoked=true`)).body.items[0].revokedAt).not.toBeNull();
    expectProblem(await anon.get(`/api/v1/public/join/${code}`), 404, undefined, 'not_found');
    expectProblem(await join(code, { name: 'x', ...yes }), 404, undefined, 'not_found');
    expectProblem(await t.api.post('/api/v1/invites', { targetType: 'group', targetId: 'grp_missing' }), 400, 'targetId');
    expectProblem(await t.api.post('/api/v1/invites', { targetType: 'group_set', targetId: g.id }), 400, 'targetId');
    expectProblem(await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id, referrerMemberId: 'mem_missing' }), 400, 'referrerMemberId');
  });

  it('validates the public form naming the field', async () => {
    const { code } = await groupWith({});
    const before = await dbSnapshot(t);
    expectProblem(await join(code, { ...yes }), 400, 'body.name');
    expectProblem(await join(code, { name: '', ...yes }), 400, 'body.name');
    expectProblem(await join(code, { name: 'x', consentAccepted: 'yes', rulesAccepted: true }), 400, 'body.consentAccepted');
    expectProblem(await join(code, { name: 'x', rulesAccepted: true }), 400, 'body.consentAccepted');
    expectProblem(await join(code, { name: 'x', phone: 'call me', ...yes }), 400, 'body.phone');
    expectProblem(await join(code, { name: 'x', answers: 'all', ...yes }), 400, 'body.answers');
    expectProblem(await join(code, { name: 'x', admin: true, ...yes }), 400, 'body');
    expect(await dbSnapshot(t)).toEqual(before);
  });

  it("hides other scopes' and workspaces' join requests and invites (404)", async () => {
    const other = await makeCommunity(t.api, { name: '别处社群' });
    const hidden = await makeGroup(t.api, other.id, { name: '别处群' });
    await t.api.post('/api/v1/rules', { type: 'joining.entry', targetType: 'group', targetId: hidden.id, settings: { mode: 'application' } });
    const inv = (await t.api.post('/api/v1/invites', { targetType: 'group', targetId: hidden.id })).body;
    const req = (await join(inv.code, { name: '别处申请', ...yes })).body;
    const scoped = await mintToken(t, 'operator', { communities: [community.id] });
    const ws2 = await otherWorkspace(t, 'join-other');
    const before = await dbSnapshot(t);
    for (const c of [scoped.client, ws2.api]) {
      expectProblem(await c.get(`/api/v1/groups/${hidden.id}/join-requests`), 404, undefined, 'not_found');
      expectProblem(await c.post(`/api/v1/join-requests/${req.requestId}/approve`), 404, undefined, 'not_found');
      expectProblem(await c.post(`/api/v1/join-requests/${req.requestId}/reject`, { reason: '不行' }), 404, undefined, 'not_found');
      expectProblem(await c.delete(`/api/v1/invites/${inv.id}`), 404, undefined, 'not_found');
      expect((await c.get('/api/v1/invites')).body.items.map((x: any) => x.id)).not.toContain(inv.id);
      expectProblem(await c.post('/api/v1/invites', { targetType: 'group', targetId: hidden.id }), 400, 'targetId');
    }
    expect(await dbSnapshot(t)).toEqual(before);
    // An analyst reads requests but cannot decide them.
    const analyst = await mintToken(t, 'analyst');
    expectStatus(await analyst.client.get(`/api/v1/groups/${hidden.id}/join-requests`), 200);
    expectProblem(await analyst.client.post(`/api/v1/join-requests/${req.requestId}/approve`), 403, undefined, 'auth.forbidden');
  });

  it('rate-limits join submissions per IP on the public page', async () => {
    const limited = await startTestServer({ SHEQUN_JOIN_LIMIT: '2' });
    try {
      const c = await makeCommunity(limited.api);
      const g = await makeGroup(limited.api, c.id);
      const inv = (await limited.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id })).body;
      const a = limited.client();
      expectStatus(await a.post(`/api/v1/public/join/${inv.code}`, { name: '一', ...yes }), 200);
      expectStatus(await a.post(`/api/v1/public/join/${inv.code}`, { name: '二', ...yes }), 200);
      expectProblem(await a.post(`/api/v1/public/join/${inv.code}`, { name: '三', ...yes }), 429, undefined, 'auth.rate_limited');
      expectStatus(await a.get(`/api/v1/public/join/${inv.code}`), 200);
    } finally {
      await limited.stop();
    }
  });
});

describe('a rotating set that grows by itself', () => {
  it("clones the set's newest group when the last group with room reaches growAtPercent, named by the set's pattern", async () => {
    const set = await makeGroupSet(t.api, { name: '自增跑团', communityId: community.id, namingPattern: '{set}{n}群' });
    const g1 = await makeGroup(t.api, community.id, { name: '自增跑团1群', groupSetId: set.id, capacity: 2, platform: 'builtin' });
    const g2 = await makeGroup(t.api, community.id, { name: '自增跑团2群', groupSetId: set.id, capacity: 2, platform: 'builtin' });
    expectStatus(await t.api.post('/api/v1/rules', { type: 'joining.ritual', targetType: 'group', targetId: g2.id, settings: { rulesText: '二群的群规' } }), 201);
    const rule = await t.api.post('/api/v1/rules', { type: 'joining.capacity', targetType: 'group_set', targetId: set.id, settings: { growAtPercent: 50 } });
    expect(rule.body.preview).toContain('最后一个群达到 50% 时自动按模板建新群');
    const inv = (await t.api.post('/api/v1/invites', { targetType: 'group_set', targetId: set.id })).body;
    const names = async () => (await t.api.get(`/api/v1/groups?groupSetId=${set.id}`)).body.items.map((g: any) => g.name);
    for (const name of ['一', '二']) expect((await join(inv.code, { name, ...yes })).body.groupId).toBe(g1.id);
    expect(await names()).toEqual(['自增跑团1群', '自增跑团2群']);
    expect((await join(inv.code, { name: '三', ...yes })).body.groupId).toBe(g2.id);
    // g2, the last group with room, is now half full: the set grows a third group like g2.
    const grown = await names();
    expect(grown).toEqual(['自增跑团1群', '自增跑团2群', '自增跑团3群']);
    const g3 = (await t.api.get(`/api/v1/groups?groupSetId=${set.id}`)).body.items[2];
    expect(g3).toMatchObject({ capacity: 2, platform: 'builtin', memberCount: 0 });
    expect((await t.api.get(`/api/v1/rules?targetType=group&targetId=${g3.id}`)).body.items.map((r: any) => r.settings.rulesText)).toEqual(['二群的群规']);
    expect((await join(inv.code, { name: '四', ...yes })).body.groupId).toBe(g2.id);
    expect((await join(inv.code, { name: '五', ...yes })).body.groupId).toBe(g3.id);
    expect(await names()).toHaveLength(4);
  });
});
