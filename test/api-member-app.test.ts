// The member web app's API (the built-in community): sessions from joining, the ritual's nickname after
// the number, chat with replies, mentions, images and questions, mutes and mute windows, reports, the
// roster and directory, the announcement, and what a member of one group can never reach in another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Probe } from './helpers/realtime.ts';
import { startTestServer, type Client, type TestServer } from './helpers/server.ts';
import { PNG_1x1, dbSnapshot, expectProblem, expectStatus, joinAsMember, makeCommunity, makeGroup, otherWorkspace, pngBytes } from './helpers/api.ts';

let t: TestServer;
let community: any;
beforeAll(async () => {
  t = await startTestServer({ SHEQUN_JOIN_LIMIT: '1000' });
  community = await makeCommunity(t.api, { name: '成员端社群' });
});
afterAll(async () => t?.stop());

let seq = 0;
const clientId = () => `test-${Date.now().toString(36)}-${++seq}`;

async function groupWith(rules: Record<string, Record<string, unknown>> = {}, body: Record<string, unknown> = {}) {
  const g = await makeGroup(t.api, community.id, { platform: 'builtin', ...body });
  for (const [type, settings] of Object.entries(rules)) {
    expectStatus(await t.api.post('/api/v1/rules', { type, targetType: 'group', targetId: g.id, settings }), 201);
  }
  const inv = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id });
  expectStatus(inv, 201);
  return { g, code: inv.body.code as string };
}

const say = (c: Client, groupId: string, body: Record<string, unknown>) => c.post(`/api/v1/me/groups/${groupId}/messages`, { clientId: clientId(), ...body });

describe('joining opens a member session', () => {
  it('runs the ritual: number and welcome, then a nickname that fails and then fits before the first message', async () => {
    const { g, code } = await groupWith({
      'joining.ritual': { rulesText: '不发广告', nicknamePattern: '{city}-{industry}-{name}', nicknameExample: '上海-金融-张三', welcomeTemplate: '欢迎 {nickname}，你是 {number} 号' },
    });
    const m = await joinAsMember(t, code, { name: '小林' });
    expect(m.result).toMatchObject({ status: 'joined', number: '0001', welcome: '欢迎 小林，你是 0001 号', nicknameNeeded: { pattern: '{city}-{industry}-{name}' } });
    const me = await m.client.get('/api/v1/me');
    expectStatus(me, 200);
    expect(me.body).toMatchObject({ member: { id: m.result.memberId, displayName: '小林' }, groups: [{ groupId: g.id, number: '0001', nicknameNeeded: { example: '上海-金融-张三' } }] });

    const refused = await say(m.client, g.id, { text: '大家好' });
    expectProblem(refused, 403, undefined, 'chat.refused');
    expect(refused.body.refusal).toMatchObject({ reason: 'nickname', pattern: '{city}-{industry}-{name}' });
    const bad = await m.client.request('PUT', `/api/v1/me/groups/${g.id}/nickname`, { nickname: '上海-小林' });
    expectProblem(bad, 400, 'nickname');
    expect(bad.body.errors[0].reason).toContain('industry');
    const good = await m.client.request('PUT', `/api/v1/me/groups/${g.id}/nickname`, { nickname: '上海-设计-小林' });
    expectStatus(good, 200);
    expect(good.body).toMatchObject({ me: { nickname: '上海-设计-小林', nicknameNeeded: null }, mute: { muted: false }, rulesText: '不发广告' });

    const cid = clientId();
    const sent = await m.client.post(`/api/v1/me/groups/${g.id}/messages`, { clientId: cid, text: '大家好' });
    expectStatus(sent, 201);
    expect(sent.body).toMatchObject({ kind: 'message', memberId: m.result.memberId, text: '大家好', system: null, question: false });
    // A retry of the same message (a flaky phone network) posts nothing new.
    const again = await m.client.post(`/api/v1/me/groups/${g.id}/messages`, { clientId: cid, text: '大家好' });
    expectStatus(again, 201);
    expect(again.body.id).toBe(sent.body.id);
    const page = await m.client.get(`/api/v1/me/groups/${g.id}/messages`);
    expectStatus(page, 200);
    expect(page.body.items.map((i: any) => [i.kind, i.text ?? i.number])).toEqual([['message', '大家好'], ['message', '欢迎 小林，你是 0001 号'], ['join', '0001']]);
    expect(page.body.items[1]).toMatchObject({ system: 'system', memberId: null });
    // The operators' log has the messages; member chat lines are not audited one by one.
    expect((await t.api.get(`/api/v1/activities?groupId=${g.id}&kind=message`)).body.items).toHaveLength(2);
  });

  it('keeps one member across groups on one device, and a second join of the same group changes nothing', async () => {
    const a = await groupWith();
    const b = await groupWith();
    const m = await joinAsMember(t, a.code, { name: '同一人' });
    const second = await m.client.post(`/api/v1/public/join/${b.code}`, { name: '换个名字', consentAccepted: true, rulesAccepted: true });
    expectStatus(second, 200);
    expect(second.body).toMatchObject({ status: 'joined', memberId: m.result.memberId, groupId: b.g.id });
    expect(second.headers.get('set-cookie')).toBeNull();
    const before = await dbSnapshot(t);
    const third = await m.client.post(`/api/v1/public/join/${a.code}`, { name: '同一人', consentAccepted: true, rulesAccepted: true });
    expect(third.body).toMatchObject({ status: 'joined', membershipId: m.result.membershipId, number: '0001' });
    expect(await dbSnapshot(t)).toEqual(before);
    expect((await m.client.get(`/api/v1/public/join/${a.code}`)).body.alreadyMember).toBe(true);
    expect((await t.client().get(`/api/v1/public/join/${a.code}`)).body.alreadyMember).toBe(false);
    const me = (await m.client.get('/api/v1/me')).body;
    expect(me.member.displayName).toBe('同一人');
    expect(me.groups.map((x: any) => x.groupId)).toEqual([a.g.id, b.g.id]);
  });

  it('lets an applicant in only on approval: their device waits unbound, then becomes the member', async () => {
    const { g, code } = await groupWith({ 'joining.entry': { mode: 'application', questions: ['你做什么工作？'] } });
    const r = await t.client().post(`/api/v1/public/join/${code}`, { name: '申请人', answers: ['设计师'], consentAccepted: true, rulesAccepted: true });
    expect(r.body.status).toBe('pending');
    const cookie = r.headers.get('set-cookie')!.split(';')[0]!;
    const device = t.client().withHeaders({ cookie });
    expectProblem(await device.get('/api/v1/me'), 401, undefined, 'auth.required');
    // Asking again from the same device is the same request.
    const again = await device.post(`/api/v1/public/join/${code}`, { name: '申请人', answers: ['设计师'], consentAccepted: true, rulesAccepted: true });
    expect(again.body).toMatchObject({ status: 'pending', requestId: r.body.requestId });
    expect((await device.get(`/api/v1/public/join/${code}`)).body.pendingRequestId).toBe(r.body.requestId);
    expectStatus(await t.api.post(`/api/v1/join-requests/${r.body.requestId}/approve`), 200);
    const me = await device.get('/api/v1/me');
    expectStatus(me, 200);
    expect(me.body.groups).toMatchObject([{ groupId: g.id, number: '0001' }]);
  });
});

describe('chat', () => {
  async function pair(rules: Record<string, Record<string, unknown>> = {}) {
    const { g, code } = await groupWith(rules);
    const a = await joinAsMember(t, code, { name: '甲' });
    const b = await joinAsMember(t, code, { name: '乙' });
    return { g, code, a, b };
  }

  it('posts replies, mentions and images that belong to the group, and refuses what does not', async () => {
    const { g, a, b } = await pair();
    const other = await pair();
    const first = await say(a.client, g.id, { text: '谁懂报税？' });
    const reply = await say(b.client, g.id, { text: '@甲 我懂', replyTo: first.body.id, mentions: [a.result.memberId] });
    expectStatus(reply, 201);
    expect(reply.body).toMatchObject({ replyTo: first.body.id, mentions: [a.result.memberId] });
    const foreign = await say(other.a.client, other.g.id, { text: '别的群' });
    expectProblem(await say(b.client, g.id, { text: 'x', replyTo: foreign.body.id }), 400, 'replyTo');
    expectProblem(await say(b.client, g.id, { text: 'x', mentions: [other.a.result.memberId] }), 400, 'mentions.0');
    expectProblem(await say(b.client, g.id, {}), 400, 'text');
    expectProblem(await b.client.post(`/api/v1/me/groups/${g.id}/messages`, { clientId: 'x', text: 'hi' }), 400, 'body.clientId');

    const png = await pngBytes('群聊图片');
    const up = await a.client.request('POST', `/api/v1/me/groups/${g.id}/uploads?name=${encodeURIComponent('../<i>海报<i>.png')}`, png, { 'content-type': 'application/octet-stream' });
    expectStatus(up, 201);
    expect(up.body).toMatchObject({ mime: 'image/png', width: 64, height: 64, name: 'i海报i.png', bytes: png.length });
    const img = await say(a.client, g.id, { imageId: up.body.id });
    expect(img.body.image).toEqual({ id: up.body.id, width: 64, height: 64, name: 'i海报i.png' });
    // Only its uploader posts it.
    expectProblem(await say(b.client, g.id, { imageId: up.body.id }), 400, 'imageId');
    const served = await b.client.get(up.body.url);
    expectStatus(served, 200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(served.headers.get('content-security-policy')).toContain('sandbox');
    expect(Buffer.from(served.bytes).equals(Buffer.from(png))).toBe(true);
    expectStatus(await t.api.get(up.body.url), 200);
    expectProblem(await other.a.client.get(up.body.url), 404, undefined, 'not_found');
    expectProblem(await t.client().get(up.body.url), 401);

    const before = await dbSnapshot(t);
    for (const [label, body, type] of [
      ['svg', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', 'image/svg+xml'],
      ['html named png', '<html><body onload=alert(1)>', 'image/png'],
      ['empty', '', 'image/png'],
    ] as const) {
      const r = await a.client.request('POST', `/api/v1/me/groups/${g.id}/uploads?name=x.png`, new TextEncoder().encode(body), { 'content-type': type });
      expectProblem(r, 400, 'file');
      expect(r.body.errors[0].reason, label).toMatch(/not a PNG|empty/);
    }
    const big = new Uint8Array(6 * 1024 * 1024);
    big.set(PNG_1x1);
    expectProblem(await a.client.request('POST', `/api/v1/me/groups/${g.id}/uploads`, big, { 'content-type': 'image/png' }), 413);
    expect(await dbSnapshot(t)).toEqual(before);
  });

  it('enforces a mute by the team and the group mute windows, and shows why and until when', async () => {
    const { g, a, b } = await pair();
    const ms = (await t.api.get(`/api/v1/groups/${g.id}/memberships`)).body.items.find((x: any) => x.memberId === a.result.memberId);
    const until = new Date(Date.now() + 3600_000).toISOString();
    expectStatus(await t.api.patch(`/api/v1/memberships/${ms.id}`, { mutedUntil: until }), 200);
    const r = await say(a.client, g.id, { text: '我被禁言了吗' });
    expectProblem(r, 403, undefined, 'chat.refused');
    expect(r.body.refusal).toMatchObject({ reason: 'muted', until: new Date(until).toISOString() });
    expect((await a.client.get(`/api/v1/me/groups/${g.id}`)).body.mute).toEqual({ muted: true, reason: '你已被管理者禁言', until: new Date(until).toISOString() });
    expectProblem(await a.client.request('POST', `/api/v1/me/groups/${g.id}/uploads`, PNG_1x1, { 'content-type': 'image/png' }), 403, undefined, 'chat.refused');
    expectStatus(await say(b.client, g.id, { text: '我可以说话' }), 201);

    const rule = await t.api.post('/api/v1/rules', { type: 'communication.mute_schedule', targetType: 'group', targetId: g.id, settings: { allMuted: true } });
    expectStatus(rule, 201);
    expect(rule.body.preview).toContain('全员禁言');
    const all = await say(b.client, g.id, { text: '全员禁言时' });
    expect(all.body.refusal).toMatchObject({ reason: 'muted', why: '全员禁言中', until: null });
    // Managers are exempt by default.
    const msB = (await t.api.get(`/api/v1/groups/${g.id}/memberships`)).body.items.find((x: any) => x.memberId === b.result.memberId);
    expectStatus(await t.api.patch(`/api/v1/memberships/${msB.id}`, { role: 'manager' }), 200);
    expectStatus(await say(b.client, g.id, { text: '管理者发言' }), 201);
    // A window around now, on every day.
    const hm = (d: Date) => d.toISOString().slice(11, 16);
    const now = new Date();
    expectStatus(await t.api.patch(`/api/v1/rules/${rule.body.id}`, {
      settings: { timezone: 'UTC', exemptRoles: [], windows: [{ days: [1, 2, 3, 4, 5, 6, 7], from: hm(new Date(now.getTime() - 120_000)), to: hm(new Date(now.getTime() + 180_000)) }] },
    }), 200);
    const win = await say(b.client, g.id, { text: '禁言时段' });
    expectProblem(win, 403, undefined, 'chat.refused');
    expect(win.body.refusal.why).toMatch(/^禁言时段 \d\d:\d\d–\d\d:\d\d$/);
  });

  it('takes reports to the managers, once per reporter, and a confirmed report can mute', async () => {
    const { g, a, b } = await pair();
    const spam = await say(b.client, g.id, { text: '加我微信 abc123 领优惠' });
    const rep = await a.client.post(`/api/v1/me/groups/${g.id}/reports`, { targetType: 'message', targetId: spam.body.id, reason: '广告' });
    expectStatus(rep, 201);
    expect(rep.body).toMatchObject({ status: 'open', targetMemberId: b.result.memberId, excerpt: '加我微信 abc123 领优惠' });
    const twice = await a.client.post(`/api/v1/me/groups/${g.id}/reports`, { targetType: 'message', targetId: spam.body.id, reason: '还是广告' });
    expect(twice.body.id).toBe(rep.body.id);
    expectProblem(await a.client.post(`/api/v1/me/groups/${g.id}/reports`, { targetType: 'member', targetId: a.result.memberId, reason: 'x' }), 400, 'targetId');
    const list = await t.api.get(`/api/v1/groups/${g.id}/reports?status=open`);
    expect(list.body.items.map((x: any) => x.id)).toEqual([rep.body.id]);
    const d = await t.api.post(`/api/v1/reports/${rep.body.id}/decide`, { decision: 'confirm', muteMinutes: 30, note: '第一次警告' });
    expectStatus(d, 200);
    expect(d.body).toMatchObject({ status: 'confirmed', decisionNote: '第一次警告' });
    expectProblem(await t.api.post(`/api/v1/reports/${rep.body.id}/decide`, { decision: 'dismiss' }), 409);
    expectProblem(await say(b.client, g.id, { text: '再发一次' }), 403, undefined, 'chat.refused');
  });

  it('keeps a question open until an expert, a manager or the team answers it', async () => {
    const { g, a, b } = await pair();
    const q = await say(a.client, g.id, { text: '新手该买什么跑鞋？', question: true });
    expect(q.body.question).toBe(true);
    await say(b.client, g.id, { text: '我也想知道', replyTo: q.body.id });
    let open = (await a.client.get(`/api/v1/me/groups/${g.id}/questions?status=open`)).body.items;
    expect(open.map((x: any) => x.activityId)).toEqual([q.body.id]);
    const team = await t.api.post(`/api/v1/groups/${g.id}/messages`, { clientId: clientId(), text: '先去店里测足型', replyTo: q.body.id });
    expectStatus(team, 201);
    expect(team.body).toMatchObject({ memberId: null, system: expect.any(String), replyTo: q.body.id });
    open = (await t.api.get(`/api/v1/groups/${g.id}/questions?status=open`)).body.items;
    expect(open).toEqual([]);
    const answered = (await a.client.get(`/api/v1/me/groups/${g.id}/questions`)).body.items[0];
    expect(answered).toMatchObject({ status: 'answered', answerActivityId: team.body.id });
  });

  it('shows the roster with numbers and roles, the opt-in directory, the announcement and the share poster', async () => {
    const { g, a, b } = await pair();
    const roster = (await a.client.get(`/api/v1/me/groups/${g.id}/members`)).body.items;
    expect(roster.map((x: any) => [x.displayName, x.number, x.role])).toEqual([['甲', '0001', 'participant'], ['乙', '0002', 'participant']]);
    expectStatus(await b.client.patch('/api/v1/me', { occupation: '会计', skills: ['报税', '记账'], city: '成都' }), 200);
    expect((await a.client.get(`/api/v1/me/groups/${g.id}/directory`)).body.items).toEqual([]);
    expectStatus(await b.client.request('PUT', `/api/v1/me/groups/${g.id}/directory`, { inDirectory: true }), 200);
    expect((await a.client.get(`/api/v1/me/groups/${g.id}/directory`)).body.items).toEqual([
      { memberId: b.result.memberId, name: '乙', number: '0002', city: '成都', occupation: '会计', skills: ['报税', '记账'], expert: false },
    ]);
    const ann = await t.api.request('PUT', `/api/v1/groups/${g.id}/announcement`, { text: '本周六晨跑，7 点集合' });
    expectStatus(ann, 200);
    expect((await a.client.get(`/api/v1/me/groups/${g.id}`)).body.announcement).toMatchObject({ text: '本周六晨跑，7 点集合' });
    expect((await a.client.get(`/api/v1/me/groups/${g.id}/messages?limit=1`)).body.items[0]).toMatchObject({ kind: 'announcement', text: '本周六晨跑，7 点集合' });
    const poster = await a.client.get(`/api/v1/me/groups/${g.id}/poster`);
    expectStatus(poster, 200);
    expect(poster.body.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(poster.body.invite.referrerMemberId).toBe(a.result.memberId);
    // A newcomer through the poster is attributed to its member.
    const c = await joinAsMember(t, poster.body.invite.code, { name: '丙' });
    expect((await t.api.get(`/api/v1/members/${c.result.memberId}`)).body.referrerId).toBe(a.result.memberId);
  });
});

describe('groups on other platforms', () => {
  it('refuses posts, images and announcements that no connector would deliver, saying why', async () => {
    const { g, code } = await groupWith({}, { platform: 'wechat', name: '微信 1 群' });
    const m = await joinAsMember(t, code, { name: '微信成员' });
    const before = await dbSnapshot(t);
    const member = await say(m.client, g.id, { text: '你好' });
    expectProblem(member, 403, undefined, 'chat.refused');
    expect(member.body.refusal).toEqual({ reason: 'platform', platform: 'wechat' });
    const team = await t.api.post(`/api/v1/groups/${g.id}/messages`, { clientId: clientId(), text: '通知' });
    expectProblem(team, 403, undefined, 'chat.refused');
    expect(team.body.detail).toContain('no wechat connector');
    expectProblem(await t.api.request('PUT', `/api/v1/groups/${g.id}/announcement`, { text: 'x' }), 403, undefined, 'chat.refused');
    expectProblem(await t.api.request('POST', `/api/v1/groups/${g.id}/uploads`, PNG_1x1, { 'content-type': 'image/png' }), 403, undefined, 'chat.refused');
    expectProblem(await m.client.request('POST', `/api/v1/me/groups/${g.id}/uploads`, PNG_1x1, { 'content-type': 'image/png' }), 403, undefined, 'chat.refused');
    expect(await dbSnapshot(t)).toEqual(before);
  });
});

describe('a member of one group in another', () => {
  it('cannot read, post, list, upload, report or subscribe there (404), nor in another workspace', async () => {
    const mine = await groupWith();
    const theirs = await groupWith();
    const me = await joinAsMember(t, mine.code, { name: '我' });
    const them = await joinAsMember(t, theirs.code, { name: '他们' });
    const their = await say(them.client, theirs.g.id, { text: '内部消息' });
    const ws = await otherWorkspace(t);
    const wsGroup = await makeGroup(ws.api, (await makeCommunity(ws.api, { name: '别家社群' })).id, {});
    const before = await dbSnapshot(t);
    for (const gid of [theirs.g.id, wsGroup.id, 'grp_missing']) {
      for (const [method, path, body] of [
        ['GET', '', undefined], ['GET', '/messages', undefined], ['POST', '/messages', { clientId: clientId(), text: 'x' }], ['GET', '/members', undefined],
        ['GET', '/directory', undefined], ['PUT', '/nickname', { nickname: 'x' }], ['PUT', '/directory', { inDirectory: true }], ['GET', '/questions', undefined],
        ['GET', '/poster', undefined], ['POST', '/reports', { targetType: 'message', targetId: their.body.id, reason: 'x' }],
      ] as const) {
        const r = await me.client.request(method, `/api/v1/me/groups/${gid}${path}`, body);
        expectProblem(r, 404, undefined, 'not_found');
        expect(r.text).not.toContain('内部消息');
      }
      expectProblem(await me.client.request('POST', `/api/v1/me/groups/${gid}/uploads`, PNG_1x1, { 'content-type': 'image/png' }), 404);
    }
    expect(await dbSnapshot(t)).toEqual(before);

    const origin = t.url;
    const p = await Probe.open(t.url, { headers: { cookie: me.cookie, origin } });
    expect(p.frames[0]).toMatchObject({ type: 'hello', principal: { kind: 'member', memberId: me.result.memberId } });
    for (const channel of [`chat:${theirs.g.id}`, `group:${mine.g.id}`, `workspace:${p.frames[0].principal.workspaceId}`]) {
      p.send({ type: 'subscribe', channel, ref: channel });
      const err = await p.next((f) => f.type === 'error' && f.ref === channel);
      expect(err.code, channel).toMatch(/^channel\.(not_found|forbidden)$/);
    }
    // Cross-site pages cannot ride the member cookie into the hub.
    expect((await Probe.upgradeStatus(t.url, { headers: { cookie: me.cookie, origin: 'https://evil.example' } })).status).toBe(401);
    p.ws.close();
  });

  it('hears its own group live, and resumes after a cursor with what it missed', async () => {
    const { g, code } = await groupWith();
    const a = await joinAsMember(t, code, { name: '听众' });
    const b = await joinAsMember(t, code, { name: '说话者' });
    const p = await Probe.open(t.url, { headers: { cookie: a.cookie, origin: t.url } });
    p.send({ type: 'subscribe', channel: `chat:${g.id}`, ref: 's1' });
    await p.next((f) => f.type === 'subscribed' && f.ref === 's1');
    const sent = await say(b.client, g.id, { text: '实时消息 <img src=x onerror=alert(1)>' });
    const live = await p.next((f) => f.type === 'event' && f.event.type === 'chat.item' && f.event.data.id === sent.body.id, 5000, 0);
    expect(live.event.data).toMatchObject({ kind: 'message', memberId: b.result.memberId, text: '实时消息 <img src=x onerror=alert(1)>' });
    // What members hear carries none of the operators' bookkeeping.
    expect(JSON.stringify(p.frames)).not.toMatch(/inviteId|joinRequestId|referrerId|clientId/);
    const cursor = live.event.cursor;
    p.ws.close();
    const missed = await say(b.client, g.id, { text: '你不在时说的' });
    const q = await Probe.open(t.url, { headers: { cookie: a.cookie, origin: t.url } });
    q.send({ type: 'subscribe', channel: `chat:${g.id}`, after: cursor, ref: 's2' });
    const replay = await q.next((f) => f.type === 'event' && f.replay && f.event.data.id === missed.body.id, 5000, 0);
    expect(replay.event.data.text).toBe('你不在时说的');
    q.ws.close();
  });
});

describe('open connections follow revocations', () => {
  let fast: TestServer;
  beforeAll(async () => {
    fast = await startTestServer({ SHEQUN_REALTIME_RECHECK_MS: '100', SHEQUN_JOIN_LIMIT: '1000' });
  });
  afterAll(async () => fast?.stop());

  it('stops a member hearing a group they left, closes a signed-out member and a revoked token (4001)', async () => {
    const c = await makeCommunity(fast.api, { name: '撤销社群' });
    const g = await makeGroup(fast.api, c.id, { platform: 'builtin' });
    const inv = await fast.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id });
    const m = await joinAsMember(fast, inv.body.code, { name: '要走的人' });
    const p = await Probe.open(fast.url, { headers: { cookie: m.cookie, origin: fast.url } });
    p.send({ type: 'subscribe', channel: `chat:${g.id}`, ref: 'c' });
    await p.next((f) => f.type === 'subscribed', 5000, 0);
    expectStatus(await m.client.post(`/api/v1/me/groups/${g.id}/leave`), 204);
    const revoked = await p.next((f) => f.type === 'error' && f.code === 'channel.revoked', 5000, 0);
    expect(revoked.channel).toBe(`chat:${g.id}`);
    expectProblem(await m.client.get(`/api/v1/me/groups/${g.id}`), 404);
    const left = (await fast.api.get(`/api/v1/groups/${g.id}/memberships?includeLeft=true`)).body.items[0];
    expect(left.leftAt).toEqual(expect.any(String));
    expect((await fast.api.get(`/api/v1/activities?groupId=${g.id}&kind=leave`)).body.items).toHaveLength(1);

    expectStatus(await m.client.post('/api/v1/me/sign-out'), 204);
    expect((await p.closed).code).toBe(4001);

    const tok = await fast.api.post('/api/v1/tokens', { name: 'ws-revoke', role: 'analyst' });
    const op = await Probe.open(fast.url, { token: tok.body.token });
    expectStatus(await fast.api.delete(`/api/v1/tokens/${tok.body.apiToken.id}`), 204);
    expect((await op.closed).code).toBe(4001);
  });
});

describe('good content (精华)', () => {
  it('is marked by the team or a group manager, not by a plain member; its author earns points once', async () => {
    const { g, code } = await groupWith();
    const author = await joinAsMember(t, code, { name: '作者' });
    const manager = await joinAsMember(t, code, { name: '管理' });
    const ms = (await t.api.get(`/api/v1/groups/${g.id}/memberships`)).body.items;
    expectStatus(await t.api.patch(`/api/v1/memberships/${ms.find((x: any) => x.memberId === manager.result.memberId).id}`, { role: 'manager' }), 200);
    const msg = await say(author.client, g.id, { text: '我整理了一份新手跑步装备清单：跑鞋、速干衣、腰包。' });
    const other = await say(author.client, g.id, { text: '第二条' });
    expectProblem(await author.client.post(`/api/v1/me/groups/${g.id}/messages/${other.body.id}/highlight`), 403, undefined, 'auth.forbidden');
    expectStatus(await manager.client.post(`/api/v1/me/groups/${g.id}/messages/${msg.body.id}/highlight`), 204);
    expectStatus(await t.api.post(`/api/v1/groups/${g.id}/messages/${msg.body.id}/highlight`), 204);
    expectStatus(await t.api.post(`/api/v1/groups/${g.id}/messages/${other.body.id}/highlight`), 204);
    const page = (await author.client.get(`/api/v1/me/groups/${g.id}/messages`)).body.items;
    expect(page.filter((i: any) => i.highlighted).map((i: any) => i.id).sort()).toEqual([msg.body.id, other.body.id].sort());
    expect((await author.client.get('/api/v1/me/points')).body.total).toBe(10);
    expectProblem(await t.api.post(`/api/v1/groups/${g.id}/messages/act_missing/highlight`), 404);
  });
});
