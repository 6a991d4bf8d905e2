// The rules engine on built-in groups: a moderation rule judges what members post and climbs its ladder
// (warn → mute → remove, or blacklist) through the outbox; the team and exempt roles are never acted on;
// an operator undoes an action; judging again after a restart repeats nothing; a dry run writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import QRCode from 'qrcode';
import { startTestServer, type Client, type TestServer } from './helpers/server.ts';
import { dbSnapshot, expectProblem, expectStatus, joinAsMember, makeCommunity, makeGroup, waitFor } from './helpers/api.ts';

let t: TestServer;
let community: any;
beforeAll(async () => {
  // The engine ticks only when a test says so: every step below is deterministic.
  t = await startTestServer({ SHEQUN_ENGINE_INTERVAL_MS: '60000', SHEQUN_ENGINE_SLOW_EVERY_MS: '0', SHEQUN_JOIN_LIMIT: '1000' });
  community = await makeCommunity(t.api, { name: '治理社群' });
});
afterAll(async () => t?.stop());

let seq = 0;
const say = (c: Client, g: string, text: string) => c.post(`/api/v1/me/groups/${g}/messages`, { clientId: `eng-${Date.now().toString(36)}-${++seq}`, text });
const tick = () => t.server.engine.tick();

async function moderated(settings: Record<string, unknown> = {}) {
  const g = await makeGroup(t.api, community.id, { platform: 'builtin' });
  const rule = await t.api.post('/api/v1/rules', { type: 'communication.moderation', targetType: 'group', targetId: g.id, settings });
  expectStatus(rule, 201);
  const inv = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id });
  return { g, rule: rule.body, code: inv.body.code as string };
}

const actions = async (groupId: string) => (await t.api.get(`/api/v1/rule-actions?groupId=${groupId}`)).body.items as any[];

describe('moderation', () => {
  it('warns, then mutes, then removes; the warning names the member and the reason; undo brings them back', async () => {
    const { g, rule, code } = await moderated({ steps: ['warn', 'mute', 'remove'], muteMinutes: 30 });
    expect(rule.preview).toContain('警告 → 禁言 30 分钟 → 移出本群');
    const m = await joinAsMember(t, code, { name: '广告哥' });
    const ok = await joinAsMember(t, code, { name: '好群友' });
    expectStatus(await say(ok.client, g.id, '今天的茶真不错'), 201);
    expectStatus(await say(m.client, g.id, '加我微信 tea_shop_2024 领优惠'), 201);
    await tick();
    let done = await actions(g.id);
    expect(done).toMatchObject([{ action: 'warn', memberId: m.result.memberId, status: 'done', originType: 'rule', originId: rule.id, reason: '不要在群里留微信号、拉人加好友' }]);
    const chat = (await m.client.get(`/api/v1/me/groups/${g.id}/messages`)).body.items;
    expect(chat[0]).toMatchObject({ system: '群助手', mentions: [m.result.memberId], text: '@广告哥 请注意：不要在群里留微信号、拉人加好友。这是第 1 次提醒，再犯将被禁言或移出本群。' });

    expectStatus(await say(m.client, g.id, '便宜代购 www.fake-shop.top'), 201);
    await tick();
    done = await actions(g.id);
    expect(done[0]).toMatchObject({ action: 'mute', status: 'done', payload: { minutes: 30 } });
    const refused = await say(m.client, g.id, '我被禁言了？');
    expectProblem(refused, 403, undefined, 'chat.refused');
    // The operator undoes the mute: the member speaks again, and the undone step no longer counts.
    const undo = await t.api.post(`/api/v1/rule-actions/${done[0].id}/undo`);
    expectStatus(undo, 200);
    expect(undo.body).toMatchObject({ status: 'undone', undoneBy: expect.any(String) });
    expectProblem(await t.api.post(`/api/v1/rule-actions/${done[0].id}/undo`), 409);
    await tick();
    expectStatus(await say(m.client, g.id, '好的我不发了'), 201);
    expectStatus(await say(m.client, g.id, '最后一次 13812345678'), 201);
    await tick();
    done = await actions(g.id);
    expect(done.filter((a) => a.originType === 'rule').map((a) => [a.action, a.status])).toEqual([['mute', 'done'], ['mute', 'undone'], ['warn', 'done']]);
    expectStatus(await t.api.post(`/api/v1/rule-actions/${done[0].id}/undo`), 200);
    await tick();
    expectStatus(await say(m.client, g.id, '再来 https://spam.example.com'), 201);
    await tick();
    done = await actions(g.id);
    expect(done[0]).toMatchObject({ action: 'mute' });
    expectStatus(await t.api.post(`/api/v1/rule-actions/${done[0].id}/undo`), 200);
    await tick();
    // One warning stands and the undone mutes do not count: the next violation is the second step again.
    const third = await say(m.client, g.id, '还有 vx: buy_now_88');
    expectStatus(third, 201);
    await tick();
    expect((await actions(g.id))[0]).toMatchObject({ action: 'mute' });
    expect((await t.api.get(`/api/v1/audit-log?action=rule_action.undo`)).body.items.length).toBeGreaterThanOrEqual(3);
  });

  it('removes on the last step and an undo restores the member with their own number', async () => {
    const { g, code } = await moderated({ steps: ['remove'] });
    const m = await joinAsMember(t, code, { name: '刷屏者' });
    expectStatus(await say(m.client, g.id, '专业刷单 13912345678'), 201);
    await tick();
    const [act] = await actions(g.id);
    expect(act).toMatchObject({ action: 'remove', status: 'done' });
    expectProblem(await m.client.get(`/api/v1/me/groups/${g.id}`), 404);
    const lines = (await t.api.get(`/api/v1/groups/${g.id}/chat`)).body.items;
    expect(lines[0]).toMatchObject({ system: '群助手', text: '刷屏者 已被移出本群：不要在群里留手机号' });
    expectStatus(await t.api.post(`/api/v1/rule-actions/${act.id}/undo`), 200);
    await tick();
    expect((await m.client.get(`/api/v1/me/groups/${g.id}`)).body.me).toMatchObject({ number: '0001' });
  });

  it('blacklists across every built-in group of the workspace and refuses a new join from that device', async () => {
    const a = await moderated({ steps: ['blacklist'] });
    const other = await makeGroup(t.api, community.id, { platform: 'builtin' });
    const otherInv = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: other.id });
    const m = await joinAsMember(t, a.code, { name: '黑名单' });
    expectStatus(await m.client.post(`/api/v1/public/join/${otherInv.body.code}`, { name: '黑名单', consentAccepted: true, rulesAccepted: true }), 200);
    expectStatus(await say(m.client, a.g.id, '代理加盟 weixin: join_us_now'), 201);
    await tick();
    expect((await m.client.get('/api/v1/me')).body.groups).toEqual([]);
    const third = await makeGroup(t.api, community.id, { platform: 'builtin' });
    const inv = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: third.id });
    const again = await m.client.post(`/api/v1/public/join/${inv.body.code}`, { name: '黑名单', consentAccepted: true, rulesAccepted: true });
    expectProblem(again, 403, undefined, 'auth.forbidden');
    const [act] = await actions(a.g.id);
    expectStatus(await t.api.post(`/api/v1/rule-actions/${act.id}/undo`), 200);
    await tick();
    expect((await m.client.get('/api/v1/me')).body.groups.map((x: any) => x.groupId).sort()).toEqual([a.g.id, other.id].sort());
  });

  it('never acts on managers, allowed members, the team, or imported history', async () => {
    const { g, code } = await moderated({});
    const boss = await joinAsMember(t, code, { name: '群主' });
    const vip = await joinAsMember(t, code, { name: '熟人' });
    const ms = (await t.api.get(`/api/v1/groups/${g.id}/memberships`)).body.items;
    expectStatus(await t.api.patch(`/api/v1/memberships/${ms.find((x: any) => x.memberId === boss.result.memberId).id}`, { role: 'manager' }), 200);
    const rule = (await t.api.get(`/api/v1/rules?targetType=group&targetId=${g.id}`)).body.items[0];
    expectStatus(await t.api.patch(`/api/v1/rules/${rule.id}`, { settings: { allowMembers: [vip.result.memberId] } }), 200);
    expectStatus(await say(boss.client, g.id, '活动报名 https://example.com/form'), 201);
    expectStatus(await say(vip.client, g.id, '我的电话 13712345678'), 201);
    expectStatus(await t.api.post(`/api/v1/groups/${g.id}/messages`, { clientId: `team-${Date.now()}`, text: '官方链接 https://example.com' }), 201);
    expectStatus(await t.api.post('/api/v1/activities', { kind: 'message', groupId: g.id, memberId: vip.result.memberId, occurredAt: new Date().toISOString(), source: 'import:wechat', sourceId: 'hist-1', payload: { text: '旧消息 13612345678' } }), 201);
    await tick();
    expect(await actions(g.id)).toEqual([]);
  });

  it('acts on an image with a QR code that leads elsewhere, not on the group\'s own invite poster', async () => {
    const { g, code } = await moderated({});
    const m = await joinAsMember(t, code, { name: '扫码哥' });
    const fan = await joinAsMember(t, code, { name: '老粉' });
    const postImage = async (who: { client: Client }, text: string) => {
      const up = await who.client.request('POST', `/api/v1/me/groups/${g.id}/uploads?name=qr.png`, await QRCode.toBuffer(text, { width: 300 }), { 'content-type': 'application/octet-stream' });
      expectStatus(up, 201);
      expectStatus(await who.client.post(`/api/v1/me/groups/${g.id}/messages`, { clientId: `qr-${Date.now().toString(36)}-${++seq}`, imageId: up.body.id }), 201);
    };
    await postImage(m, 'https://weixin.qq.com/g/AQYAAAbCdEf');
    // Sharing the group's own invite (its poster) is what admission asks members to do.
    await postImage(fan, `${t.url}/m/join/${code}`);
    // A Shequn join link that is not this workspace's is someone else's group.
    await postImage(fan, 'https://other-shequn.example.com/m/join/zzzz9999zz');
    await tick();
    const done = await actions(g.id);
    expect(done.map((a) => [a.memberId, a.action, a.reason])).toEqual([
      [fan.result.memberId, 'warn', '不要在群里发二维码（加好友、进别的群）'],
      [m.result.memberId, 'warn', '不要在群里发二维码（加好友、进别的群）'],
    ]);
    // Operators see what the code said, with the message.
    const activity = (await t.api.get(`/api/v1/activities/${done[1].causeActivityId}`)).body;
    expect(activity.payload.image.qrCodes).toEqual(['https://weixin.qq.com/g/AQYAAAbCdEf']);
    // Members are not shown the decoded text.
    const item = (await fan.client.get(`/api/v1/me/groups/${g.id}/messages`)).body.items.find((i: any) => i.id === done[1].causeActivityId);
    expect(item.image).not.toHaveProperty('qrCodes');

    const off = await moderated({ detect: { qrCodes: false } });
    const x = await joinAsMember(t, off.code, { name: '随手拍' });
    const up = await x.client.request('POST', `/api/v1/me/groups/${off.g.id}/uploads`, await QRCode.toBuffer('https://weixin.qq.com/g/zzz', { width: 300 }), { 'content-type': 'image/png' });
    expectStatus(await x.client.post(`/api/v1/me/groups/${off.g.id}/messages`, { clientId: `qr-off-${++seq}-${Date.now()}`, imageId: up.body.id }), 201);
    await tick();
    expect(await actions(off.g.id)).toEqual([]);
  });

  it('judges each message once, even when a restart judges the same stretch again', async () => {
    const { g, code } = await moderated({});
    const m = await joinAsMember(t, code, { name: '重复' });
    expectStatus(await say(m.client, g.id, '电话 13512345678'), 201);
    await tick();
    expect(await actions(g.id)).toHaveLength(1);
    // A crash after writing actions but before the checkpoint moved: the stretch is judged again.
    await t.server.rt.db.kysely.deleteFrom('rule_checkpoints').execute();
    await tick();
    await tick();
    expect(await actions(g.id)).toHaveLength(1);
  });
});

describe('dry run', () => {
  it("replays a group's messages through proposed settings and writes nothing", async () => {
    const g = await makeGroup(t.api, community.id, { platform: 'builtin' });
    const inv = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id });
    const m = await joinAsMember(t, inv.body.code, { name: '试跑' });
    for (const text of ['大家好', '加我 vx: hello_tea1', '电话 13612345678', '代购找我']) expectStatus(await say(m.client, g.id, text), 201);
    await tick();
    const before = await dbSnapshot(t);
    const r = await t.api.post('/api/v1/rules/dry-run', { groupId: g.id, days: 7, settings: { steps: ['warn', 'mute'], detect: { keywords: ['代购'] } } });
    expectStatus(r, 200);
    expect(r.body.members).toBe(1);
    expect(r.body.items.map((x: any) => [x.text, x.step])).toEqual([['加我 vx: hello_tea1', 'warn'], ['电话 13612345678', 'mute'], ['代购找我', 'mute']]);
    expect(await dbSnapshot(t)).toEqual(before);
    // Without settings: the group's own rule, and it has none.
    expect((await t.api.post('/api/v1/rules/dry-run', { groupId: g.id })).body.items).toEqual([]);
    expectProblem(await t.api.post('/api/v1/rules/dry-run', { groupId: g.id, settings: { steps: ['punch'] } }), 400, 'settings.steps.0');
    expectProblem(await t.api.post('/api/v1/rules/dry-run', { groupId: g.id, settings: { detect: { patterns: ['(unclosed'] } } }), 400, 'settings.detect.patterns.0');
    expectProblem(await t.api.post('/api/v1/rules/dry-run', { groupId: 'grp_missing' }), 404);
  });
});

describe('sharing sessions (分享)', () => {
  /** HH:MM in Shanghai, `minutes` from now, and today's weekday there (1 = Monday). */
  const shanghai = (minutes: number) => {
    const at = new Date(Date.now() + minutes * 60_000 + 8 * 3_600_000);
    return { hm: at.toISOString().slice(11, 16), day: ((at.getUTCDay() + 6) % 7) + 1 };
  };
  const everyDay = [1, 2, 3, 4, 5, 6, 7];

  async function sharingGroup(settings: Record<string, unknown>, muted = true) {
    const g = await makeGroup(t.api, community.id, { platform: 'builtin' });
    const inv = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id });
    const speaker = await joinAsMember(t, inv.body.code, { name: '主讲' });
    const listener = await joinAsMember(t, inv.body.code, { name: '听众' });
    if (muted) expectStatus(await t.api.post('/api/v1/rules', { type: 'communication.mute_schedule', targetType: 'group', targetId: g.id, settings: { allMuted: true } }), 201);
    const rule = await t.api.post('/api/v1/rules', {
      type: 'sharing.session', targetType: 'group', targetId: g.id,
      settings: { title: '周五茶话', speakers: { mode: 'roster', memberIds: [speaker.result.memberId, listener.result.memberId] }, ...settings },
    });
    expectStatus(rule, 201);
    // Made an hour ago: its steps due in the last minutes are its own (a rule does not act on what was due before it existed).
    await t.server.rt.db.kysely.updateTable('rules').set({ created_at: Date.now() - 3_600_000 }).where('id', '=', rule.body.id).execute();
    return { g, speaker, listener, rule: rule.body };
  }
  const sent = async (groupId: string): Promise<string[]> => (await t.api.get(`/api/v1/groups/${groupId}/chat`)).body.items.filter((i: any) => i.system === '群助手').map((i: any) => i.text as string);

  it('lifts the group mute while a session runs, and posts its start once however often the engine ticks', async () => {
    const start = shanghai(-2);
    const { g, rule, speaker, listener } = await sharingGroup({ days: everyDay, at: start.hm, durationMinutes: 30, remindMinutes: [] });
    expect(rule.preview).toContain('2 位成员轮流上台');
    await tick();
    await tick();
    await tick();
    const texts = await sent(g.id);
    expect(texts.filter((x) => x.includes('现在开始'))).toHaveLength(1);
    expect(texts[0]).toMatch(/^🎤「周五茶话」现在开始，主讲：(主讲|听众)。分享期间本群解除禁言/);
    // The group is all-muted, but not during the session.
    expectStatus(await say(listener.client, g.id, '老师好，我有个问题'), 201);
    expectStatus(await say(speaker.client, g.id, '请说'), 201);
  });

  it('reminds before a session, and after one posts the thanks, gives the speaker the summary task and points', async () => {
    const soon = shanghai(3);
    const a = await sharingGroup({ days: everyDay, at: soon.hm, remindMinutes: [5], durationMinutes: 30 }, false);
    await tick();
    expect((await sent(a.g.id)).some((x) => x.startsWith('📣 5 分钟后'))).toBe(true);

    const past = shanghai(-11);
    const b = await sharingGroup({ days: everyDay, at: past.hm, durationMinutes: 10, remindMinutes: [], summaryDueHours: 24 });
    await tick();
    await tick();
    const texts = await sent(b.g.id);
    expect(texts.filter((x) => x.startsWith('🙏「周五茶话」结束了'))).toHaveLength(1);
    // The session is over: the group's all-mute holds again.
    expectProblem(await say(b.listener.client, b.g.id, '还能说吗'), 403, undefined, 'chat.refused');
    const tasks = (await t.api.get(`/api/v1/tasks?groupId=${b.g.id}`)).body.items;
    expect(tasks).toHaveLength(1);
    expect(tasks[0]).toMatchObject({ title: expect.stringContaining('经验总结：周五茶话'), status: 'open', originType: 'rule', originId: b.rule.id });
    const writer = [b.speaker, b.listener].find((x) => x.result.memberId === tasks[0].memberId)!;
    const mine = (await writer.client.get('/api/v1/me/tasks')).body.items;
    expect(mine.map((x: any) => x.id)).toEqual([tasks[0].id]);
    expect((await writer.client.get('/api/v1/me/points')).body).toMatchObject({ total: 20, entries: [{ points: 20, reason: '主讲「周五茶话」', ruleId: b.rule.id }] });
    const done = await writer.client.post(`/api/v1/me/tasks/${tasks[0].id}/done`);
    expectStatus(done, 200);
    expect(done.body.status).toBe('done');
    expectProblem(await writer.client.post(`/api/v1/me/tasks/${tasks[0].id}/done`), 409);
    const other = [b.speaker, b.listener].find((x) => x !== writer)!;
    expectProblem(await other.client.post(`/api/v1/me/tasks/${tasks[0].id}/done`), 404);
    const confirmed = await t.api.post(`/api/v1/tasks/${tasks[0].id}/confirm`);
    expect(confirmed.body).toMatchObject({ status: 'confirmed', confirmedBy: expect.any(String) });
    expect((await t.api.get(`/api/v1/members/${writer.result.memberId}/points`)).body.total).toBe(20);
  });

  it('does not act on what was due before the rule existed', async () => {
    const past = shanghai(-11);
    const g = await makeGroup(t.api, community.id, { platform: 'builtin' });
    expectStatus(await t.api.post('/api/v1/rules', { type: 'sharing.session', targetType: 'group', targetId: g.id, settings: { days: everyDay, at: past.hm, durationMinutes: 10, remindMinutes: [] } }), 201);
    await tick();
    await tick();
    expect(await sent(g.id)).toEqual([]);
    expect((await t.api.get(`/api/v1/tasks?groupId=${g.id}`)).body.items).toEqual([]);
  });

  it('validates the schedule and the speakers', async () => {
    const g = await makeGroup(t.api, community.id, { platform: 'builtin' });
    const bad = (settings: object) => t.api.post('/api/v1/rules', { type: 'sharing.session', targetType: 'group', targetId: g.id, settings });
    expectProblem(await bad({ at: '25:00' }), 400, 'settings.at');
    expectProblem(await bad({ days: [0] }), 400, 'settings.days.0');
    expectProblem(await bad({ speakers: { mode: 'roster', memberIds: [] } }), 400, 'settings.speakers.memberIds');
    expectProblem(await bad({ timezone: 'Mars/Base' }), 400, 'settings.timezone');
    expectProblem(await bad({ durationMinutes: 5 }), 400, 'settings.durationMinutes');
  });
});

describe('inactivity (不活跃淘汰)', () => {
  const DAY = 86_400_000;
  const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

  it('warns members silent for N days, removes them after the grace period, and spares the active, the exempt and the returning', async () => {
    const g = await makeGroup(t.api, community.id, { platform: 'builtin' });
    const member = async (name: string, joinedDaysAgo: number, role = 'participant') =>
      (await t.api.post('/api/v1/members', { displayName: name, memberships: [{ groupId: g.id, joinedAt: ago(joinedDaysAgo), role }] })).body;
    const silent = await member('潜水员', 60);
    const active = await member('活跃者', 60);
    const payer = await member('付费会员', 60, 'payer');
    const newbie = await member('新人', 3);
    const back = await member('回归者', 60);
    const act = (m: any, daysAgo: number, kind = 'message') =>
      t.api.post('/api/v1/activities', { kind, memberId: m.id, groupId: g.id, occurredAt: ago(daysAgo), sourceId: `act-${m.id}-${daysAgo}-${kind}` });
    expectStatus(await act(active, 2), 201);
    expectStatus(await act(silent, 45), 201);
    expectStatus(await act(back, 40, 'reaction'), 201);
    const rule = await t.api.post('/api/v1/rules', { type: 'elimination.inactivity', targetType: 'group', targetId: g.id, settings: { inactiveDays: 30, graceDays: 7 } });
    expectStatus(rule, 201);
    expect(rule.body.preview).toBe('不活跃淘汰：30 天没有发言、互动、打卡、参加活动先提醒，提醒后 7 天仍不活跃则移出本群；创建者、管理者、付费者除外');
    await tick();
    await tick();
    let acts = await actions(g.id);
    expect(acts.map((a) => [a.action, a.memberId]).sort()).toEqual([['warn', back.id], ['warn', silent.id]].sort());
    const warning = (await t.api.get(`/api/v1/groups/${g.id}/chat`)).body.items.find((i: any) => i.mentions.includes(silent.id));
    expect(warning.text).toBe('@潜水员 你已经 45 天没有参与群里的互动了。7 天内还没有发言或互动，将被移出本群，把位置留给更活跃的同好。');
    // The returning member speaks; a week passes (the warnings are made a week old).
    expectStatus(await act(back, 0), 201);
    await t.server.rt.db.kysely.updateTable('outbox').set({ created_at: Date.now() - 8 * DAY }).where('action', '=', 'warn').where('group_id', '=', g.id).execute();
    await tick();
    await tick();
    acts = await actions(g.id);
    expect(acts.filter((a) => a.action === 'remove').map((a) => a.memberId)).toEqual([silent.id]);
    const left = (await t.api.get(`/api/v1/groups/${g.id}/memberships?includeLeft=true`)).body.items.filter((m: any) => m.leftAt).map((m: any) => m.memberId);
    expect(left).toEqual([silent.id]);
    // Judged again, nothing repeats.
    await tick();
    expect(await actions(g.id)).toHaveLength(acts.length);
    // Never acted on: the exempt payer, and the newcomer who joined three days ago.
    expect(acts.map((a) => a.memberId)).not.toContain(payer.id);
    expect(acts.map((a) => a.memberId)).not.toContain(newbie.id);
  });
});

describe('reports feed the ladder', () => {
  it('a confirmed report takes the reported member one step up the group’s moderation ladder', async () => {
    const { g, code, rule } = await moderated({ steps: ['warn', 'mute'], muteMinutes: 15 });
    const a = await joinAsMember(t, code, { name: '举报人' });
    const b = await joinAsMember(t, code, { name: '被举报' });
    const m1 = await say(b.client, g.id, '你们都不懂，别说了');
    const m2 = await say(b.client, g.id, '又来了，懒得理你们');
    await tick();
    expect(await actions(g.id)).toEqual([]); // not an ad: the rule itself sees nothing
    const r1 = await a.client.post(`/api/v1/me/groups/${g.id}/reports`, { targetType: 'message', targetId: m1.body.id, reason: '人身攻击' });
    const d1 = await t.api.post(`/api/v1/reports/${r1.body.id}/decide`, { decision: 'confirm', ladder: true });
    expect(d1.body).toMatchObject({ status: 'confirmed', step: 'warn' });
    await tick();
    expect((await actions(g.id))[0]).toMatchObject({ action: 'warn', memberId: b.result.memberId, originId: rule.id, reason: '被举报：人身攻击', causeActivityId: m1.body.id });
    const r2 = await a.client.post(`/api/v1/me/groups/${g.id}/reports`, { targetType: 'message', targetId: m2.body.id, reason: '继续攻击' });
    expect((await t.api.post(`/api/v1/reports/${r2.body.id}/decide`, { decision: 'confirm', ladder: true })).body.step).toBe('mute');
    await tick();
    expectProblem(await say(b.client, g.id, '我又来了'), 403, undefined, 'chat.refused');
  });
});

describe('the entry ritual runs by itself', () => {
  it('breaks the ice, reminds a newcomer whose nickname does not fit, and rewards the ritual once', async () => {
    const g = await makeGroup(t.api, community.id, { platform: 'builtin' });
    expectStatus(await t.api.post('/api/v1/rules', {
      type: 'joining.ritual', targetType: 'group', targetId: g.id,
      settings: { nicknamePattern: '{city}-{name}', nicknameExample: '杭州-小周', nicknameRemindMinutes: 10, iceBreaker: '用一句话介绍自己吧！', rewardPoints: 15, consentRequired: false },
    }), 201);
    const inv = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id });
    const late = await joinAsMember(t, inv.body.code, { name: '慢慢来' });
    const quick = await joinAsMember(t, inv.body.code, { name: '小快', nickname: '上海-小快' });
    const chat = (await t.api.get(`/api/v1/groups/${g.id}/chat`)).body.items;
    expect(chat.filter((i: any) => i.text?.endsWith('用一句话介绍自己吧！')).map((i: any) => i.text)).toEqual(['@上海-小快 用一句话介绍自己吧！', '@慢慢来 用一句话介绍自己吧！']);
    // The one who gave a fitting nickname at once has completed the ritual.
    expect((await quick.client.get('/api/v1/me/points')).body).toMatchObject({ total: 15, badges: [{ badge: '入群仪式' }] });
    await tick();
    expect(await actions(g.id)).toEqual([]); // not yet: 10 minutes after joining
    await t.server.rt.db.kysely.updateTable('memberships').set({ joined_at: Date.now() - 11 * 60_000 }).where('group_id', '=', g.id).execute();
    await tick();
    await tick();
    const acts = await actions(g.id);
    expect(acts).toMatchObject([{ action: 'warn', memberId: late.result.memberId, reason: '群昵称不符合格式' }]);
    const reminder = (await late.client.get(`/api/v1/me/groups/${g.id}/messages`)).body.items[0];
    expect(reminder.text).toBe('@慢慢来 请按本群格式 {city}-{name}（例：杭州-小周） 修改群昵称，改好后就能发言了。');
    expectStatus(await late.client.request('PUT', `/api/v1/me/groups/${g.id}/nickname`, { nickname: '杭州-慢慢来' }), 200);
    expectStatus(await late.client.request('PUT', `/api/v1/me/groups/${g.id}/nickname`, { nickname: '苏州-慢慢来' }), 200);
    expect((await late.client.get('/api/v1/me/points')).body).toMatchObject({ total: 15, badges: [{ badge: '入群仪式' }] });
    await tick();
    expect(await actions(g.id)).toHaveLength(1);
  });
});

describe('admission (引入)', () => {
  it('lets only the allowed roles invite, counts each member’s invitations, and can send their newcomers to approval', async () => {
    const g = await makeGroup(t.api, community.id, { platform: 'builtin' });
    const inv = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id });
    const lead = await joinAsMember(t, inv.body.code, { name: '带人的' });
    const plain = await joinAsMember(t, inv.body.code, { name: '普通人' });
    const ms = (await t.api.get(`/api/v1/groups/${g.id}/memberships`)).body.items;
    expectStatus(await t.api.patch(`/api/v1/memberships/${ms.find((x: any) => x.memberId === lead.result.memberId).id}`, { role: 'pioneer' }), 200);
    const rule = await t.api.post('/api/v1/rules', { type: 'admission.invite', targetType: 'group', targetId: g.id, settings: { who: 'roles', roles: ['pioneer'], perMemberLimit: 2 } });
    expectStatus(rule, 201);
    expect(rule.body.preview).toBe('引入：只有开拓者可以用自己的邀请海报拉人，每人最多 2 人；邀请人会被记录');
    expectProblem(await plain.client.get(`/api/v1/me/groups/${g.id}/poster`), 403, undefined, 'auth.forbidden');
    const poster = await lead.client.get(`/api/v1/me/groups/${g.id}/poster`);
    expectStatus(poster, 200);
    const code = poster.body.invite.code;
    for (const name of ['朋友一', '朋友二']) expect((await joinAsMember(t, code, { name })).result).toMatchObject({ status: 'joined' });
    const third = await t.client().post(`/api/v1/public/join/${code}`, { name: '朋友三', consentAccepted: true, rulesAccepted: true });
    expectProblem(third, 409);
    expect(third.body.detail).toContain('used up (2)');
    const brought = (await t.api.get(`/api/v1/groups/${g.id}/memberships`)).body.items.filter((x: any) => x.invitedBy === lead.result.memberId);
    expect(brought).toHaveLength(2);
    // With approval, the next newcomer waits for an operator.
    expectStatus(await t.api.patch(`/api/v1/rules/${rule.body.id}`, { settings: { who: 'roles', roles: ['pioneer'], perMemberLimit: 3, approval: true } }), 200);
    const waiting = await t.client().post(`/api/v1/public/join/${code}`, { name: '朋友三', consentAccepted: true, rulesAccepted: true });
    expect(waiting.body.status).toBe('pending');
    const approved = await t.api.post(`/api/v1/join-requests/${waiting.body.requestId}/approve`);
    expect(approved.body).toMatchObject({ status: 'approved', referrerMemberId: lead.result.memberId });
    expectProblem(await t.api.post('/api/v1/rules', { type: 'admission.invite', targetType: 'group', targetId: g.id, settings: {} }), 409);
    expectProblem(await t.api.patch(`/api/v1/rules/${rule.body.id}`, { settings: { who: 'roles' } }), 400, 'settings.roles');
  });
});

describe('quiet groups and automatic posts', () => {
  const DAY = 86_400_000;

  it('posts the next prepared topic when a group falls below its own baseline, once a day', async () => {
    const g = await makeGroup(t.api, community.id, { platform: 'builtin' });
    const m = await t.api.post('/api/v1/members', { displayName: '老成员', memberships: [{ groupId: g.id, joinedAt: new Date(Date.now() - 60 * DAY).toISOString() }] });
    // A busy month (10 messages a day), then a quiet day (1 message).
    const batch = [];
    for (let d = 1; d <= 28; d++) for (let i = 0; i < 10; i++) batch.push({ kind: 'message', memberId: m.body.id, groupId: g.id, occurredAt: new Date(Date.now() - d * DAY - 3_600_000 - i * 60_000).toISOString(), sourceId: `q-${d}-${i}` });
    batch.push({ kind: 'message', memberId: m.body.id, groupId: g.id, occurredAt: new Date(Date.now() - 3_600_000).toISOString(), sourceId: 'q-today' });
    expectStatus(await t.api.post('/api/v1/activities/batch', { activities: batch }), 200);
    const rule = await t.api.post('/api/v1/rules', { type: 'communication.quiet', targetType: 'group', targetId: g.id, settings: { topics: ['你最近喝到的一款好茶是什么？', '分享一张你的茶席照片'] } });
    expectStatus(rule, 201);
    expect(rule.body.preview).toContain('发出准备好的话题（2 个轮流）');
    await tick();
    await tick();
    const acts = await actions(g.id);
    expect(acts).toMatchObject([{ action: 'send', status: 'done', reason: expect.stringContaining('最近 24 小时只有 1 条消息（过去 28 天日均 10.0 条）') }]);
    // A post is not something to undo.
    expectProblem(await t.api.post(`/api/v1/rule-actions/${acts[0].id}/undo`), 409);
    const topic = (await t.api.get(`/api/v1/groups/${g.id}/chat`)).body.items[0];
    expect(topic.text).toMatch(/^💬 今日话题：(你最近喝到的一款好茶是什么？|分享一张你的茶席照片)$/);
    // A busy group is left alone.
    const busy = await makeGroup(t.api, community.id, { platform: 'builtin' });
    expectStatus(await t.api.post('/api/v1/rules', { type: 'communication.quiet', targetType: 'group', targetId: busy.id, settings: { topics: ['x'] } }), 201);
    await tick();
    expect(await actions(busy.id)).toEqual([]);
  });

  it('posts on each join, on every Nth member, and on a weekly schedule', async () => {
    const g = await makeGroup(t.api, community.id, { platform: 'builtin', name: 'SOP群' });
    expectStatus(await t.api.post('/api/v1/rules', { type: 'communication.post', targetType: 'group', targetId: g.id, settings: { trigger: { on: 'join' }, text: '欢迎 {nickname}（{number} 号）来到{group}，先看群公告哦' } }), 201);
    const inv = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id });
    await joinAsMember(t, inv.body.code, { name: '小一' });
    await tick();
    await tick();
    expect((await t.api.get(`/api/v1/groups/${g.id}/chat`)).body.items[0].text).toBe('欢迎 小一（0001 号）来到SOP群，先看群公告哦');

    const h = await makeGroup(t.api, community.id, { platform: 'builtin', name: '里程碑群' });
    expectStatus(await t.api.post('/api/v1/rules', { type: 'communication.post', targetType: 'group', targetId: h.id, settings: { trigger: { on: 'milestone', every: 2 }, text: '🎉 {group}已经有 {count} 位同好了！' } }), 201);
    const inv2 = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: h.id });
    for (const name of ['甲', '乙', '丙']) await joinAsMember(t, inv2.body.code, { name });
    await tick();
    await tick();
    const posts = (await actions(h.id)).filter((a) => a.action === 'send').map((a) => a.payload.text);
    expect(posts).toEqual(['🎉 里程碑群已经有 2 位同好了！']);

    const k = await makeGroup(t.api, community.id, { platform: 'builtin', name: '定时群' });
    const at = new Date(Date.now() - 60_000 + 8 * 3_600_000).toISOString().slice(11, 16);
    expectStatus(await t.api.post('/api/v1/rules', { type: 'communication.post', targetType: 'group', targetId: k.id, settings: { trigger: { on: 'schedule', days: [1, 2, 3, 4, 5, 6, 7], at }, text: '早安，{group}！' } }), 201);
    await tick();
    await tick();
    await tick();
    expect((await actions(k.id)).map((a) => a.payload.text)).toEqual(['早安，定时群！']);
  });
});

describe('core-group ranking (核心群末位淘汰)', () => {
  it('removes the bottom of the core group and brings in the best of the member groups, once per run', async () => {
    const c = await makeCommunity(t.api, { name: '训练营' });
    const core = await makeGroup(t.api, c.id, { platform: 'builtin', kind: 'core', name: '核心群' });
    const students = await makeGroup(t.api, c.id, { platform: 'builtin', kind: 'member', name: '学员1群' });
    const mk = async (name: string, groupId: string, role = 'participant') => (await t.api.post('/api/v1/members', { displayName: name, memberships: [{ groupId, role }] })).body;
    const [a, b, quiet, boss] = [await mk('甲', core.id), await mk('乙', core.id), await mk('沉默', core.id), await mk('班长', core.id, 'manager')];
    const [star, some] = [await mk('明星学员', students.id), await mk('普通学员', students.id)];
    let n = 0;
    const post = (m: any, groupId: string, times: number) => Promise.all(Array.from({ length: times }, () =>
      t.api.post('/api/v1/activities', { kind: 'message', memberId: m.id, groupId, occurredAt: new Date(Date.now() - 86_400_000).toISOString(), sourceId: `rank-${++n}`, payload: { text: '分享' } })));
    await post(a, core.id, 5);
    await post(b, core.id, 2);
    await post(star, students.id, 12);
    await post(some, students.id, 3);
    const at = new Date(Date.now() - 60_000 + 8 * 3_600_000).toISOString().slice(11, 16);
    const rule = await t.api.post('/api/v1/rules', { type: 'elimination.ranking', targetType: 'group', targetId: core.id, settings: { days: [1, 2, 3, 4, 5, 6, 7], at, bottomK: 1, promoteK: 1 } });
    expectStatus(rule, 201);
    expect(rule.body.preview).toContain('移出末位 1 人，从学员群晋升前 1 名');
    await tick();
    await tick();
    await tick();
    const coreNow = (await t.api.get(`/api/v1/groups/${core.id}/memberships`)).body.items.map((m: any) => m.memberId).sort();
    expect(coreNow).toEqual([a.id, b.id, boss.id, star.id].sort());
    const removed = (await actions(core.id)).filter((x) => x.action === 'remove');
    expect(removed).toMatchObject([{ memberId: quiet.id, reason: '核心群末位淘汰：近 30 天贡献分 0' }]);
    expect((await t.api.get(`/api/v1/groups/${students.id}/chat`)).body.items[0].text).toBe('🎉 恭喜 @明星学员 近 30 天贡献分 12，晋升进入「核心群」！');
    // The operator can undo the removal like any rule action.
    expectStatus(await t.api.post(`/api/v1/rule-actions/${removed[0].id}/undo`), 200);
    await tick();
    expect((await t.api.get(`/api/v1/groups/${core.id}/memberships`)).body.items.map((m: any) => m.memberId)).toContain(quiet.id);
    void some;
  });
});

describe('rule templates (群规模板)', () => {
  it('copies a template onto a group, skipping the types it already has, each rule validated and previewed', async () => {
    const tpls = (await t.api.get('/api/v1/rule-templates')).body.items;
    expect(tpls.map((x: any) => x.key)).toEqual(['student-group', 'core-group', 'acquisition-group']);
    const g = await makeGroup(t.api, community.id, { platform: 'builtin' });
    expectStatus(await t.api.post('/api/v1/rules', { type: 'communication.mute_schedule', targetType: 'group', targetId: g.id, settings: { allMuted: true } }), 201);
    const r = await t.api.post('/api/v1/rules/from-template', { template: 'student-group', targetType: 'group', targetId: g.id });
    expectStatus(r, 200);
    expect(r.body).toMatchObject({ created: expect.any(Array), skipped: ['communication.mute_schedule'] });
    expect(r.body.created).toHaveLength(3);
    const rules = (await t.api.get(`/api/v1/rules?targetType=group&targetId=${g.id}`)).body.items;
    expect(rules.map((x: any) => x.type).sort()).toEqual(['communication.moderation', 'communication.mute_schedule', 'elimination.inactivity', 'joining.ritual']);
    expect(rules.every((x: any) => x.preview.length > 10)).toBe(true);
    // Every template is valid as a whole.
    for (const tpl of tpls) {
      const target = await makeGroup(t.api, community.id, { platform: 'builtin' });
      expect((await t.api.post('/api/v1/rules/from-template', { template: tpl.key, targetType: 'group', targetId: target.id })).body.created).toHaveLength(tpl.rules.length);
    }
    expectProblem(await t.api.post('/api/v1/rules/from-template', { template: 'nope', targetType: 'group', targetId: g.id }), 400, 'template');
    expectProblem(await t.api.post('/api/v1/rules/from-template', { template: 'core-group', targetType: 'group', targetId: 'grp_missing' }), 400, 'targetId');
  });
});

describe('sunset (生命周期收官)', () => {
  it("tells the group, moves its members to the successor and archives it when the community's plan ends, once", async () => {
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(Date.now());
    const c = await makeCommunity(t.api, { name: '一期社群', canvas: { lifecycle: { startsOn: '2024-01-01', plannedEndOn: today, basis: 'community' } } });
    const old = await makeGroup(t.api, c.id, { platform: 'builtin', name: '一期群' });
    const next = await makeGroup(t.api, community.id, { platform: 'builtin', name: '二期群' });
    const m = (await t.api.post('/api/v1/members', { displayName: '老学员', memberships: [{ groupId: old.id }] })).body;
    const rule = await t.api.post('/api/v1/rules', { type: 'elimination.sunset', targetType: 'community', targetId: c.id, settings: { action: 'move', successorGroupId: next.id } });
    expectStatus(rule, 201);
    expect(rule.body.preview).toBe('收官：社群计划生命周期结束时，发收官通知并把成员转入后继群');
    await tick();
    await tick();
    await tick();
    expect((await t.api.get(`/api/v1/groups/${old.id}`)).body.status).toBe('archived');
    expect((await t.api.get(`/api/v1/groups/${next.id}/memberships`)).body.items.map((x: any) => x.memberId)).toEqual([m.id]);
    const said = (await actions(old.id)).filter((a) => a.action === 'send');
    expect(said).toHaveLength(1);
    expect(said[0].payload.text).toBe('感谢大家一路相伴！本群按计划到了收官的时候。大家会一起转入「二期群」，继续见！');
    expectProblem(await t.api.post('/api/v1/rules', { type: 'elimination.sunset', targetType: 'group', targetId: next.id, settings: { action: 'move' } }), 400, 'settings.successorGroupId');
  });
});
