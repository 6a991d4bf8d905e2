// 复制 through the API on a small hand-checked community: a core group of 12 seats kept by K; in the last 30
// days 12 messages, 2 of them K's and 1 the group assistant's (no member), so members wrote 9 (75 %); the
// same tea terms in four different weeks; two spin-offs below it. Readiness, what is missing where it is not,
// and the lineage with each community's figures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { TestClock } from './helpers/clock.ts';
import { expectProblem, expectStatus, makeCommunity, makeGroup, makeMember } from './helpers/api.ts';

const clock = new TestClock(Date.parse('2026-11-28T04:00:00Z'));
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({}, { clock });
});
afterAll(async () => {
  await t?.stop();
});

const at = (local: string) => new Date(`${local}+08:00`).toISOString();
// Two messages a week: the voice keeps a message's few leading keywords.
const TERMS = ['普洱茶 紫砂壶 品鉴', '铁观音 白茶 茶席'];

describe('replication (复制)', () => {
  let parent: any;
  let east: any;
  let south: any;
  let core: any;

  beforeAll(async () => {
    parent = await makeCommunity(t.api, { name: '茶友会' });
    core = await makeGroup(t.api, parent.id, { name: '茶友会核心群', kind: 'core', platform: 'builtin' });
    const chat = await makeGroup(t.api, parent.id, { name: '茶友会一群' });
    const keeper = await makeMember(t.api, { displayName: 'K', memberships: [{ groupId: core.id }] });
    expectStatus(await t.api.patch(`/api/v1/groups/${core.id}`, { owner: { type: 'member', id: keeper.id } }), 200);
    const ms: any[] = [];
    for (let i = 1; i <= 11; i++) ms.push(await makeMember(t.api, { displayName: `M${i}`, memberships: [{ groupId: core.id }] }));
    const say = (m: any, g: any, when: string, text: string) => ({ kind: 'message', ...(m ? { memberId: m.id } : {}), groupId: g.id, occurredAt: at(when), payload: { text } });
    expectStatus(await t.api.post('/api/v1/activities/batch', { activities: [
      // The same terms in the weeks of 11-02, 11-09, 11-16 and 11-23, each message from another member.
      ...['2026-11-03', '2026-11-10', '2026-11-17', '2026-11-24'].flatMap((day, w) => TERMS.map((text, k) => say(ms[w * 2 + k], core, `${day}T20:0${k}`, text))),
      say(ms[8], chat, '2026-11-26T09:00', '大家早'),
      say(keeper, core, '2026-11-25T10:00', '本周分享会周五晚八点'), say(keeper, chat, '2026-11-25T10:05', '欢迎新朋友'),
      say(null, chat, '2026-11-25T11:00', '【群助手】请先阅读群规'),
      // Before the range: K's notice does not count.
      say(keeper, core, '2026-10-20T10:00', '旧通知'),
    ] }), 200);
    await t.server.engine.tick(); // voice reads the terms
    east = await makeCommunity(t.api, { name: '茶友会·上海', parentId: parent.id });
    clock.t += 1000;
    south = await makeCommunity(t.api, { name: '茶友会·深圳', parentId: parent.id });
  });

  it('says a community with an active core group, members who speak for themselves and recurring terms is ready', async () => {
    const r = await t.api.get(`/api/v1/analytics/replication?communityId=${parent.id}`);
    expectStatus(r, 200);
    const x = r.body;
    expect(x.range).toMatchObject({ from: '2026-10-30', to: '2026-11-28' });
    expect(x.coreGroup).toMatchObject({ ready: true, minSeats: 10, groups: [expect.objectContaining({ groupId: core.id, name: '茶友会核心群', seats: 12 })] });
    expect(x.selfOrganisation).toEqual({ ready: true, messages: 12, staffMessages: 3, memberShare: 9 / 12, threshold: 0.5 });
    expect(x.subculture).toMatchObject({ ready: true, weeks: 6, recurringWeeks: 4, minTerms: 5, since: '2026-10-19' });
    expect(x.subculture.terms.map((y: any) => y.term).sort()).toEqual(['品鉴', '普洱茶', '紫砂壶', '铁观音', '茶席'].sort()); // 白茶 is not a keyword of the voice
    expect(x.subculture.terms.every((y: any) => y.weeks === 4 && y.mentions === 4)).toBe(true);
    expect(x).toMatchObject({ ready: true, reasons: [] });
    // The family: the parent first, then its spin-offs by age, each with its figures.
    expect(x.lineage.map((c: any) => [c.name, c.depth, c.parentId])).toEqual([['茶友会', 0, null], ['茶友会·上海', 1, parent.id], ['茶友会·深圳', 1, parent.id]]);
    expect(x.lineage[0]).toMatchObject({ people: 12, seats: 12 });
    expect(x.lineage[1]).toMatchObject({ people: 0, seats: 0, revenueCents: 0 });
  });

  it('says what is missing where it is not ready, and a spin-off shows the same family', async () => {
    const r = await t.api.get(`/api/v1/analytics/replication?communityId=${south.id}`);
    expectStatus(r, 200);
    expect(r.body).toMatchObject({ ready: false, coreGroup: { ready: false, groups: [] }, selfOrganisation: { ready: false, messages: 0 }, subculture: { ready: false, terms: [] } });
    expect(r.body.reasons).toEqual([
      '还没有核心群（群类型为「核心群」）',
      '这段时间没有消息',
      '亚文化还没形成：最近 6 周里至少 4 周都出现的词有 0 个，需要至少 5 个',
    ]);
    expect(r.body.lineage.map((c: any) => c.id)).toEqual([parent.id, east.id, south.id]);
    // Over the last two weeks only two of the terms' weeks are in: no sub-culture yet, said in numbers.
    const short = (await t.api.get(`/api/v1/analytics/replication?communityId=${parent.id}&from=2026-11-01&to=2026-11-14`)).body;
    expect(short.subculture).toMatchObject({ ready: false, since: '2026-10-05', terms: [] });
    expect(short.reasons).toContain('亚文化还没形成：最近 6 周里至少 4 周都出现的词有 0 个，需要至少 5 个');
  });

  it('refuses a request without a community, or for a group', async () => {
    expectProblem(await t.api.get('/api/v1/analytics/replication'), 400, 'communityId');
    expectProblem(await t.api.get(`/api/v1/analytics/replication?communityId=${parent.id}&groupId=${core.id}`), 400, 'groupId');
    expectProblem(await t.api.get('/api/v1/analytics/replication?communityId=com_nope'), 404);
  });
});
