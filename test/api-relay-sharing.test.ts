// A sharing session of the rules engine (分享) relayed like a live session, on a clock the test moves: the
// operator links a live session to the sharing rule (the series); before each sharing session the target
// groups are reminded, and when it starts in the main group an occurrence (a live session of its own) starts
// with the roster's speaker, relays them to every target group, and stops when the sharing session ends.
// The next session is another occurrence with the next speaker and its own archive; a host's /结束 ends one
// early for good; deleting the series stops the relaying and keeps what was relayed. The link is validated.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Client, type TestServer } from './helpers/server.ts';
import { expectProblem, expectStatus, joinAsMember, makeCommunity, makeGroup } from './helpers/api.ts';
import { TestClock } from './helpers/clock.ts';

const MINUTE = 60_000;
const DAY = 86_400_000;
// Whole minutes, so a session set for HH:MM starts exactly `minutes` from now.
const clock = new TestClock(Math.floor(Date.now() / MINUTE) * MINUTE);
const everyDay = [1, 2, 3, 4, 5, 6, 7];
let t: TestServer;
let community: any;
let main: any;
let targets: any[];
let rule: any;
let speakerA: { client: Client; result: any };
let speakerB: { client: Client; result: any };
let host: { client: Client; result: any };
let listener: { client: Client; result: any };
let series: any;
let seq = 0;

const tick = () => t.server.engine.tick();
const say = (m: { client: Client }, g: string, text: string) => m.client.post(`/api/v1/me/groups/${g}/messages`, { clientId: `share-relay-${++seq}`, text });
const chat = async (g: string) => ((await t.api.get(`/api/v1/groups/${g}/chat?limit=100`)).body.items as any[]).reverse();
const relayed = async (g: string) => (await chat(g)).filter((i) => i.system?.startsWith('直播')).map((i) => i.text as string);
const occurrences = async () => (await t.api.get(`/api/v1/live-sessions?seriesId=${series.id}`)).body.items as any[];
/** HH:MM in Shanghai, `minutes` from the test clock's now. */
const hm = (minutes: number) => new Date(clock.now() + minutes * MINUTE + 8 * 3_600_000).toISOString().slice(11, 16);

beforeAll(async () => {
  t = await startTestServer({ SHEQUN_ENGINE_INTERVAL_MS: '60000', SHEQUN_ENGINE_SLOW_EVERY_MS: '0', SHEQUN_JOIN_LIMIT: '1000' }, { clock });
  community = await makeCommunity(t.api, { name: '分享直播社群' });
  main = await makeGroup(t.api, community.id, { platform: 'builtin', name: '分享主群' });
  targets = [await makeGroup(t.api, community.id, { platform: 'builtin', name: '收听 1 群' }), await makeGroup(t.api, community.id, { platform: 'builtin', name: '收听 2 群' })];
  const code = (await t.api.post('/api/v1/invites', { targetType: 'group', targetId: main.id })).body.code as string;
  speakerA = await joinAsMember(t, code, { name: '甲老师' });
  speakerB = await joinAsMember(t, code, { name: '乙老师' });
  host = await joinAsMember(t, code, { name: '主持人' });
  listener = await joinAsMember(t, code, { name: '听众' });
  // Every day, 30 minutes from now, for 20 minutes: 甲 speaks at the first session, 乙 at the second.
  const r = await t.api.post('/api/v1/rules', {
    type: 'sharing.session', targetType: 'group', targetId: main.id,
    settings: { title: '周五茶话', days: everyDay, at: hm(30), durationMinutes: 20, remindMinutes: [10], summaryDueHours: 0, speakers: { mode: 'roster', memberIds: [speakerA.result.memberId, speakerB.result.memberId] } },
  });
  expectStatus(r, 201);
  rule = r.body;
});
afterAll(async () => t?.stop());

const seriesBody = () => ({
  communityId: community.id, title: '周五茶话 · 直播', ruleId: rule.id, host: { type: 'member', id: host.result.memberId },
  targets: { groupIds: targets.map((g) => g.id) }, settings: { reminders: [10] },
});

describe('linking a live session to a sharing rule', () => {
  it('checks the rule, the main group and the schedule', async () => {
    const post = (body: Record<string, unknown>) => t.api.post('/api/v1/live-sessions', { ...seriesBody(), ...body });
    expectProblem(await post({ ruleId: 'rul_nobody' }), 400, 'ruleId');
    const other = await t.api.post('/api/v1/rules', { type: 'communication.post', targetType: 'group', targetId: targets[0].id, settings: { trigger: { on: 'join' }, text: '欢迎' } });
    expectStatus(other, 201);
    const notSharing = await post({ ruleId: other.body.id });
    expectProblem(notSharing, 400, 'ruleId');
    expect(JSON.stringify(notSharing.body)).toContain('only a sharing session (sharing.session) can be relayed');
    expectProblem(await post({ scheduledAt: new Date(clock.now() + DAY).toISOString() }), 400, 'scheduledAt');
    // A rule over a whole community runs in several groups: one is chosen, and it must be one of them.
    const c2 = await makeCommunity(t.api, { name: '两群社群' });
    const [g1, g2] = [await makeGroup(t.api, c2.id, { platform: 'builtin', name: '一群' }), await makeGroup(t.api, c2.id, { platform: 'builtin', name: '二群' })];
    const wide = await t.api.post('/api/v1/rules', { type: 'sharing.session', targetType: 'community', targetId: c2.id, settings: { days: [1], at: '20:00' } });
    expectStatus(wide, 201);
    const several = await post({ communityId: c2.id, ruleId: wide.body.id, targets: { groupIds: [main.id] } });
    expectProblem(several, 400, 'mainGroupId');
    expect(JSON.stringify(several.body)).toContain('runs its sessions in 2 groups: choose the main group');
    expectProblem(await post({ communityId: c2.id, ruleId: wide.body.id, mainGroupId: main.id }), 400, 'mainGroupId');
    const chosen = await post({ communityId: c2.id, ruleId: wide.body.id, mainGroupId: g2.id, targets: { groupIds: [g1.id] } });
    expectStatus(chosen, 201);
    expect(chosen.body).toMatchObject({ mainGroupId: g2.id, ruleId: wide.body.id, seriesId: null, scheduledAt: null, speakers: [] });
    expectStatus(await t.api.delete(`/api/v1/live-sessions/${chosen.body.id}`), 204);
    // A session of its own still needs its main group and a speaker.
    const { ruleId: _r, ...plain } = seriesBody();
    expectProblem(await t.api.post('/api/v1/live-sessions', { ...plain, mainGroupId: main.id }), 400, 'speakers');
    expectProblem(await t.api.post('/api/v1/live-sessions', { ...plain, speakers: [{ type: 'member', id: speakerA.result.memberId }] }), 400, 'mainGroupId');
  });

  it('makes a series that never runs itself, one per rule and group', async () => {
    const s = await t.api.post('/api/v1/live-sessions', seriesBody());
    expectStatus(s, 201);
    series = s.body;
    expect(series).toMatchObject({ mainGroupId: main.id, ruleId: rule.id, seriesId: null, status: 'scheduled', scheduledAt: null, speakers: [], targetCount: 2 });
    expectProblem(await t.api.post('/api/v1/live-sessions', seriesBody()), 409);
    expectProblem(await t.api.post(`/api/v1/live-sessions/${series.id}/start`), 409);
    expectProblem(await t.api.patch(`/api/v1/live-sessions/${series.id}`, { scheduledAt: new Date(clock.now() + DAY).toISOString() }), 400, 'scheduledAt');
  });
});

describe('relaying the sharing sessions', () => {
  it('reminds the target groups, starts with the sharing session and its speaker, relays them, and ends with it', async () => {
    clock.t += 21 * MINUTE;
    await tick();
    for (const g of targets) expect(await relayed(g.id)).toEqual([`【直播预告】《周五茶话 · 直播》将在 9 分钟后（${hm(9)}）开始，欢迎准时收听。`]);
    expect(await occurrences()).toEqual([]);

    clock.t += 9 * MINUTE;
    await tick();
    const [first] = await occurrences();
    expect(first).toMatchObject({
      ruleId: rule.id, seriesId: series.id, status: 'live', scheduledAt: new Date(clock.now()).toISOString(), mainGroupId: main.id, targetCount: 2,
      title: '周五茶话 · 直播', host: { id: host.result.memberId }, speakers: [{ type: 'member', id: speakerA.result.memberId, name: '甲老师' }],
    });
    expect((await chat(main.id)).find((i) => i.text?.startsWith('🎤'))?.text).toMatch(/^🎤「周五茶话」现在开始，主讲：甲老师。/);

    expectStatus(await say(speakerA, main.id, '第一讲：选茶'), 201);
    expectStatus(await say(speakerB, main.id, '（今天不是我讲）'), 201);
    expectStatus(await say(listener, main.id, '问：单丛要洗茶吗？'), 201);
    await tick();
    for (const g of targets) expect((await relayed(g.id)).slice(1)).toEqual(['【直播开始】《周五茶话 · 直播》现在开始，主讲的发言会同步到本群。提问请以「问：」开头。', '【主讲】甲老师：第一讲：选茶']);
    expect((await t.api.get(`/api/v1/live-sessions/${first.id}/questions`)).body.items.map((q: any) => q.text)).toEqual(['单丛要洗茶吗？']);

    clock.t += 20 * MINUTE;
    await tick();
    await tick();
    const ended = (await t.api.get(`/api/v1/live-sessions/${first.id}`)).body;
    expect(ended).toMatchObject({ status: 'ended', messageCount: 1, endedAt: new Date(clock.now()).toISOString() });
    for (const g of targets) expect((await relayed(g.id)).at(-1)).toBe('【直播结束】《周五茶话 · 直播》到此结束，感谢收听！回放稍后可在社群主页查看。');
    expect((await t.api.get(`/api/v1/live-sessions/${first.id}/archive`)).body.items.map((m: any) => [m.speaker, m.text])).toEqual([['甲老师', '第一讲：选茶']]);
    // What is said after the end is not relayed, and the series itself never ran.
    expectStatus(await say(speakerA, main.id, '散会了'), 201);
    await tick();
    expect(await occurrences()).toHaveLength(1);
    expect((await relayed(targets[0].id)).some((x) => x.includes('散会了'))).toBe(false);
    expect((await t.api.get(`/api/v1/live-sessions/${series.id}`)).body).toMatchObject({ status: 'scheduled', messageCount: 0, startedAt: null });
  });

  it('relays the next session as another occurrence, with the roster’s next speaker; the host’s /结束 ends it for good', async () => {
    clock.t += DAY - 30 * MINUTE; // ten minutes before the next session
    await tick();
    expect((await relayed(targets[1].id)).at(-1)).toMatch(/^【直播预告】《周五茶话 · 直播》将在 10 分钟后/);
    clock.t += 10 * MINUTE;
    await tick();
    const list = await occurrences();
    expect(list).toHaveLength(2);
    const second = list.find((s) => s.status === 'live')!;
    expect(second.speakers.map((p: any) => p.name)).toEqual(['乙老师']);
    expectStatus(await say(speakerB, main.id, '第二讲：择水'), 201);
    expectStatus(await say(speakerA, main.id, '（今天我听）'), 201);
    await tick();
    expect((await relayed(targets[0].id)).at(-1)).toBe('【主讲】乙老师：第二讲：择水');

    clock.t += 5 * MINUTE;
    expectStatus(await say(host, main.id, '/结束'), 201);
    await tick();
    expect((await t.api.get(`/api/v1/live-sessions/${second.id}`)).body.status).toBe('ended');
    // Still within the sharing session: the occurrence is not made again.
    clock.t += MINUTE;
    await tick();
    await tick();
    const after = await occurrences();
    expect(after.map((s) => s.status)).toEqual(['ended', 'ended']);
    expect((await t.api.get(`/api/v1/live-sessions/${second.id}/archive`)).body.items.map((m: any) => m.text)).toEqual(['第二讲：择水']);
    // Each occurrence is its own replay in the member app.
    const replays = (await listener.client.get('/api/v1/me/replays')).body.items;
    expect(replays.map((r: any) => [r.id, r.messageCount]).sort()).toEqual([[after[0].id, 1], [after[1].id, 1]].sort());
    // The audit log says who ran them: the engine, with the sharing session, and the host from the chat.
    const audit = async (action: string) => ((await t.api.get(`/api/v1/audit-log?action=${action}`)).body.items as any[]).filter((a) => a.target.id.startsWith(`${series.id}.`));
    expect((await audit('live.create')).map((a) => a.detail.seriesId)).toEqual([series.id, series.id]);
    expect((await audit('live.start')).map((a) => a.detail.via)).toEqual(['schedule', 'schedule']);
    expect((await audit('live.stop')).map((a) => a.detail.via).sort()).toEqual(['chat', 'schedule']);
  });

  it('stops relaying when the series is deleted, and keeps what was relayed', async () => {
    expectStatus(await t.api.delete(`/api/v1/live-sessions/${series.id}`), 204);
    clock.t += DAY;
    await tick();
    await tick();
    expect((await t.api.get(`/api/v1/live-sessions?ruleId=${rule.id}`)).body.items.map((s: any) => s.status)).toEqual(['ended', 'ended']);
    expect((await chat(main.id)).filter((i) => i.text?.startsWith('🎤')).length).toBe(3); // the sharing sessions themselves go on
  });

  it('links a planned session to the rule, and unlinks it', async () => {
    const planned = await t.api.post('/api/v1/live-sessions', {
      communityId: community.id, title: '临时直播', mainGroupId: main.id, host: { type: 'member', id: host.result.memberId },
      speakers: [{ type: 'member', id: speakerA.result.memberId }], targets: { groupIds: [targets[0].id] }, scheduledAt: new Date(clock.now() + DAY).toISOString(),
    });
    expectStatus(planned, 201);
    const linked = await t.api.patch(`/api/v1/live-sessions/${planned.body.id}`, { ruleId: rule.id });
    expectStatus(linked, 200);
    expect(linked.body).toMatchObject({ ruleId: rule.id, seriesId: null, scheduledAt: null });
    expectProblem(await t.api.post('/api/v1/live-sessions', seriesBody()), 409);
    const unlinked = await t.api.patch(`/api/v1/live-sessions/${planned.body.id}`, { ruleId: null });
    expectStatus(unlinked, 200);
    expect(unlinked.body).toMatchObject({ ruleId: null, scheduledAt: null, status: 'scheduled' });
    expectProblem(await t.api.patch(`/api/v1/live-sessions/${planned.body.id}`, { speakers: [] }), 400, 'speakers');
    // An occurrence keeps its rule.
    const [occ] = (await t.api.get(`/api/v1/live-sessions?ruleId=${rule.id}&status=ended`)).body.items;
    expectProblem(await t.api.patch(`/api/v1/live-sessions/${occ.id}`, { ruleId: null }), 409);
  });
});
