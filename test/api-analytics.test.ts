// The evaluation dashboards on a small data set worked out by hand (times in Asia/Shanghai, UTC+8):
//   2026-11-02 Mon  10:00 A joins G1, 10:05 A says something in G1; 21:30 B joins G1 and says two things
//   2026-11-03 Tue  08:00 A joins G2, 09:00 A says something in G2
//   2026-11-10 Tue  C joins G2; 12:00 A says something in G1; 13:00 A asks about a product in G1 (consultation)
//   2026-11-11 Wed  15:00 A buys for ¥199 (no group); 2026-11-12 C leaves G2
//   B buys privately (no group) for ¥30 on 10-20 and for ¥50 on 11-14, both at 20:00
// G1 and G2 are in one community with a floor of 10 members and an active-rate target of 50 %.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { TestClock } from './helpers/clock.ts';
import { expectProblem, expectStatus, makeCommunity, makeGroup, makeMember, mintToken } from './helpers/api.ts';

let t: TestServer;
const clock = new TestClock(Date.parse('2026-11-28T04:00:00Z'));
beforeAll(async () => {
  t = await startTestServer({}, { clock });
});
afterAll(async () => {
  await t?.stop();
});

const at = (local: string) => new Date(`${local}+08:00`).toISOString();
const range = 'from=2026-11-01&to=2026-11-15';

describe('evaluation dashboards', () => {
  let community: any;
  let g1: any;
  let g2: any;
  let other: any;
  let a: any;
  let b: any;
  let c: any;

  beforeAll(async () => {
    community = await makeCommunity(t.api, { name: '茶友会', canvas: { kpi: { memberFloor: 10, activeMemberRate: 0.5 } } });
    g1 = await makeGroup(t.api, community.id, { name: '一群' });
    g2 = await makeGroup(t.api, community.id, { name: '二群' });
    other = await makeGroup(t.api, (await makeCommunity(t.api)).id, { name: '别的群' });
    a = await makeMember(t.api, { displayName: 'A', memberships: [{ groupId: g1.id }, { groupId: g2.id }] });
    b = await makeMember(t.api, { displayName: 'B', memberships: [{ groupId: g1.id }] });
    c = await makeMember(t.api, { displayName: 'C', memberships: [{ groupId: g2.id }] });
    const act = (kind: string, m: any, g: any, when: string, payload: Record<string, unknown> = {}) => ({
      kind, memberId: m.id, ...(g ? { groupId: g.id } : {}), occurredAt: at(when), payload,
    });
    const r = await t.api.post('/api/v1/activities/batch', { activities: [
      act('join', a, g1, '2026-11-02T10:00'), act('message', a, g1, '2026-11-02T10:05'),
      act('join', b, g1, '2026-11-02T21:30'), act('message', b, g1, '2026-11-02T21:31'), act('message', b, g1, '2026-11-02T21:40'),
      act('join', a, g2, '2026-11-03T08:00'), act('message', a, g2, '2026-11-03T09:00'),
      act('join', c, g2, '2026-11-10T08:00'), act('message', a, g1, '2026-11-10T12:00'), act('consultation', a, g1, '2026-11-10T13:00'),
      act('purchase', a, null, '2026-11-11T15:00', { amountCents: 19900 }), act('leave', c, g2, '2026-11-12T18:00'),
      act('purchase', b, null, '2026-10-20T20:00', { amountCents: 3000 }), act('purchase', b, null, '2026-11-14T20:00', { amountCents: 5000 }),
      // Outside the range: the day before and the day after.
      act('message', b, g1, '2026-10-31T23:59'), act('message', b, g1, '2026-11-16T00:00'),
    ] });
    expectStatus(r, 200);
  });

  it('gives the workspace overview: scale, days, weeks, months, heat map and revenue', async () => {
    const r = await t.api.get(`/api/v1/analytics/overview?${range}`);
    expectStatus(r, 200);
    const o = r.body;
    expect(o.range).toEqual({ from: '2026-11-01', to: '2026-11-15', timezone: 'Asia/Shanghai' });
    expect(o.scale).toEqual({ people: 3, seats: 4, duplicateSeats: 1, memberFloor: null, joins: 4, leaves: 1, netGrowth: 3 });
    expect(o.activity).toMatchObject({ messages: 5, activities: 8, weeklyActive: 2, monthlyActive: 2 });
    expect(o.activity.activeMemberRate).toBeCloseTo(2 / 3);
    // Two speakers (A 3 messages, B 2): the top tenth is one member, A, with 3 of the 5.
    expect(o.activity.concentration).toEqual({ speakers: 2, topSpeakers: 1, topShare: 0.6 });
    expect(o.revenue).toEqual({ purchases: 2, amountCents: 24900, perMemberCents: 8300 });
    expect(o.days).toHaveLength(15);
    const day = (d: string) => o.days.find((x: any) => x.date === d);
    expect(day('2026-11-02')).toEqual({ date: '2026-11-02', period: 'd020759', messages: 3, joins: 2, leaves: 0, purchases: 0, active: 2 });
    expect(day('2026-11-03')).toMatchObject({ messages: 1, joins: 1, active: 1 });
    expect(day('2026-11-10')).toMatchObject({ messages: 1, joins: 1, active: 1 });
    expect(day('2026-11-11')).toMatchObject({ messages: 0, purchases: 1, active: 1 });
    expect(day('2026-11-12')).toMatchObject({ leaves: 1, active: 0 });
    expect(day('2026-11-14')).toMatchObject({ purchases: 1, active: 1 });
    expect(day('2026-11-01')).toMatchObject({ messages: 0, active: 0 });
    expect(o.weeks).toEqual([{ week: '2026-10-26', period: 'w02965', active: 1 }, { week: '2026-11-02', period: 'w02966', active: 2 }, { week: '2026-11-09', period: 'w02967', active: 2 }]);
    expect(o.months).toEqual([{ month: '2026-11', period: 'm024322', active: 2 }]);
    // Monday 10h and 21h (twice); Tuesday 9h and 12h.
    const cells = o.heatmap.flatMap((row: number[], wd: number) => row.flatMap((n, h) => (n ? [`${wd}:${h}=${n}`] : [])));
    expect(cells).toEqual(['0:10=1', '0:21=2', '1:9=1', '1:12=1']);
  });

  it('gives a community and a group their own figures, against the community\'s targets', async () => {
    const r = await t.api.get(`/api/v1/analytics/overview?${range}&communityId=${community.id}`);
    expectStatus(r, 200);
    expect(r.body.scope).toEqual({ kind: 'community', id: community.id, name: '茶友会' });
    expect(r.body.scale).toEqual({ people: 3, seats: 4, duplicateSeats: 1, memberFloor: 10, joins: 4, leaves: 1, netGrowth: 3 });
    // The purchase had no group: it counts for the workspace, not the community.
    expect(r.body.revenue.purchases).toBe(0);
    expect(r.body.activity).toMatchObject({ messages: 5, monthlyActive: 2, activeMemberRateTarget: 0.5, concentration: { speakers: 2, topShare: 0.6 } });
    expect(r.body.days.every((d: any) => d.active === null)).toBe(true);
    const g = await t.api.get(`/api/v1/analytics/overview?${range}&groupId=${g2.id}`);
    expectStatus(g, 200);
    expect(g.body.scale).toMatchObject({ people: 2, seats: 2, joins: 2, leaves: 1 });
    expect(g.body.activity).toMatchObject({ messages: 1, monthlyActive: 1, concentration: { speakers: 1, topSpeakers: 1, topShare: 1 } });
    // 别的群 has no messages in the range.
    const quiet = await t.api.get(`/api/v1/analytics/overview?${range}&groupId=${other.id}`);
    expect(quiet.body.activity.concentration).toEqual({ speakers: 0, topSpeakers: 0, topShare: 0 });
    expect(g.body.weeks.map((w: any) => [w.week, w.active])).toEqual([['2026-10-26', 0], ['2026-11-02', 1], ['2026-11-09', 0]]);
  });

  it('follows the join cohort through the funnel 吸粉 → 养粉 → 促粉 → 变现', async () => {
    const r = await t.api.get(`/api/v1/analytics/funnel?${range}`);
    expectStatus(r, 200);
    const s = Object.fromEntries(r.body.stages.map((x: any) => [x.stage, x]));
    expect(s.join).toMatchObject({ reachedInRange: 3, fromJoinCohort: 3, conversionFromJoin: 1 });
    // B first spoke on 10-31, before the range: only A became active in it, but both of the cohort are active.
    expect(s.active).toMatchObject({ reachedInRange: 1, fromJoinCohort: 2 });
    expect(s.active.conversionFromJoin).toBeCloseTo(2 / 3);
    expect(s.consultation).toMatchObject({ reachedInRange: 1, fromJoinCohort: 1 });
    // B's first purchase was before the range (and before B joined): only A's is in it, but both joiners bought.
    expect(s.purchase).toMatchObject({ reachedInRange: 1, fromJoinCohort: 2 });
    // A joined on 11-02 at 10:00 and bought on 11-11 at 15:00 (9 days 5 hours); B had bought before joining (0).
    expect(s.purchase.meanDaysFromJoin).toBeCloseTo((9 + 5 / 24) / 2);
    // A first spoke 5 minutes after joining; B had spoken before joining (10-31), which counts as no wait.
    expect(s.active.meanDaysFromJoin).toBeCloseTo(2.5 / 60 / 24, 6);
  });

  it('keeps join cohorts by week, followed up to this week', async () => {
    const r = await t.api.get(`/api/v1/analytics/retention?${range}&period=week`);
    expectStatus(r, 200);
    // Today is 2026-11-28, in the week of 11-23: the 11-02 cohort has 4 weeks, the 11-09 one 3.
    expect(r.body.cohorts).toEqual([
      { cohort: '2026-11-02', members: 2, active: [2, 2, 1, 0] },
      { cohort: '2026-11-09', members: 1, active: [0, 0, 0] },
    ]);
  });

  it('gives revenue, repurchase, consultations that ordered and RFM segments', async () => {
    const r = await t.api.get(`/api/v1/analytics/value?${range}`);
    expectStatus(r, 200);
    expect(r.body).toMatchObject({
      revenueCents: 24900, orders: 2, revenuePerMemberCents: 8300, revenuePerMemberTargetCents: null, newBuyers: 1,
      consultations: 1, consultingMembers: 1, consultingMembersWhoOrdered: 1,
      // A once for ¥199; B twice for ¥80 in all, 25 days apart. The mean spend is ¥139.50.
      buyers: 2, repurchaseRate: 0.5, meanDaysBetweenPurchases: 25, meanSpendCents: 13950,
    });
    const seg = Object.fromEntries(r.body.rfm.map((x: any) => [x.segment, x.members]));
    expect(seg).toEqual({ champions: 0, loyal_lapsing: 0, big_new: 1, big_lapsing: 0, regular_recent: 1, regular_lapsing: 0, small_new: 0, small_lapsed: 0 });
    // In October only B's first purchase happened; the buyers' figures are today's whatever the range.
    const before = await t.api.get('/api/v1/analytics/value?from=2026-10-01&to=2026-10-31');
    expect(before.body).toMatchObject({ revenueCents: 3000, orders: 1, newBuyers: 1, buyers: 2, repurchaseRate: 0.5 });
    // A community with a yearly target of ¥365 per member has ¥15 as the target for 15 days.
    expectStatus(await t.api.patch(`/api/v1/communities/${community.id}`, { canvas: { kpi: { memberFloor: 10, activeMemberRate: 0.5, revenuePerMemberPerYearCents: 36500 } } }), 200);
    const c = await t.api.get(`/api/v1/analytics/value?${range}&communityId=${community.id}`);
    expect(c.body).toMatchObject({ revenueCents: 0, revenuePerMemberTargetCents: 1500, consultations: 1, consultingMembersWhoOrdered: 0 });
  });

  it('compares the members with the target persona, in words, by platform and by channel', async () => {
    const com = await makeCommunity(t.api, { name: '青年茶会', canvas: { persona: { genders: ['male'], ageMin: 18, ageMax: 25, cities: ['深圳'], interests: [], occupations: [] } } });
    const wx = await makeGroup(t.api, com.id, { platform: 'wechat' });
    const tg = await makeGroup(t.api, com.id, { platform: 'telegram' });
    // Born 2003 is 23 this year (2026), 1990 is 36. Four people, five seats.
    const people = [
      { gender: 'male', birthYear: 2003, city: '深圳', sourceChannel: 'poster', memberships: [{ groupId: wx.id }, { groupId: tg.id }] },
      { gender: 'female', birthYear: 1990, city: '广州', sourceChannel: 'poster', memberships: [{ groupId: wx.id }] },
      { gender: 'female', birthYear: 1988, city: '广州', sourceChannel: 'referral', memberships: [{ groupId: wx.id }] },
      { gender: 'female', city: '深圳', tags: ['普洱'], sourceChannel: 'referral', memberships: [{ groupId: tg.id }] },
    ];
    for (const p of people) await makeMember(t.api, p);
    const r = await t.api.get(`/api/v1/analytics/structure?communityId=${com.id}`);
    expectStatus(r, 200);
    const s = r.body;
    expect(s.people).toBe(4);
    // Gender 1 of 4 male (25 %), age 1 of 3 known in 18–25 (33 %), city 2 of 4 in 深圳 (50 %): a fit of 36.
    expect(s.fitScore).toBe(36);
    expect(s.deviations.map((d: any) => [d.dimension, Math.round(d.matchShare * 100)])).toEqual([['gender', 25], ['age', 33], ['city', 50]]);
    expect(s.deviations[0].words).toBe('性别：目标 男，符合的占 25%；实际最多的是 女（75%）');
    expect(s.deviations[1].words).toBe('年龄：目标 18–25 岁，符合的占 33%；实际最多的是 31–40 岁（67%）');
    expect(s.distributions.gender).toEqual([{ value: 'female', members: 3 }, { value: 'male', members: 1 }]);
    expect(s.distributions.platform).toEqual([{ value: 'wechat', members: 3 }, { value: 'telegram', members: 2 }]);
    expect(s.distributions.interest).toEqual([{ value: '普洱', members: 1 }]);
    // Telegram: the young man from 深圳 and the woman of unknown age from 深圳: gender 50, age 100, city 100.
    expect(s.byPlatform.map((x: any) => [x.key, x.people, x.fitScore])).toEqual([['wechat', 3, 33], ['telegram', 2, 83]]);
    expect(s.bySourceChannel.map((c: any) => c.key).sort()).toEqual(['poster', 'referral']);
    // Circles and channels compared on outcomes: the B of the first data set (kin) is active, consulted
    // nothing and bought twice for ¥80 in the workspace.
    expectStatus(await t.api.patch(`/api/v1/members/${b.id}`, { circle: 'kin' }), 200);
    const ws = (await t.api.get('/api/v1/analytics/structure?refresh=true')).body;
    const kin = ws.byCircle.find((x: any) => x.key === 'kin');
    expect(kin).toMatchObject({ people: 1, consultedRate: 0, buyerRate: 1, repurchaseRate: 1, revenueCents: 8000, revenuePerMemberCents: 8000 });
    // B was last active on 11-16, within 30 days of today (11-28).
    expect(kin.activeRate).toBe(1);
    const none = ws.byCircle.find((x: any) => x.key === '');
    expect(none).toMatchObject({ revenueCents: 19900 });
    // Kept for an hour: a new member shows after a refresh.
    await makeMember(t.api, { gender: 'male', birthYear: 2004, city: '深圳', memberships: [{ groupId: wx.id }] });
    expect((await t.api.get(`/api/v1/analytics/structure?communityId=${com.id}`)).body).toMatchObject({ people: 4, computedAt: s.computedAt });
    expect((await t.api.get(`/api/v1/analytics/structure?communityId=${com.id}&refresh=true`)).body.people).toBe(5);
    // The meetup planner: 深圳 has two people (one of them new since the snapshot), 广州 two; neither active lately.
    const m = await t.api.get(`/api/v1/analytics/meetups?communityId=${com.id}&city=深圳`);
    expectStatus(m, 200);
    expect(m.body.cities.map((c: any) => c.city).sort()).toEqual(['广州', '深圳']);
    expect(m.body).toMatchObject({ city: '深圳', invitees: [] });
    // The workspace's: A (no city) is the active one; B gets a city and is invited, most recently active first.
    expectStatus(await t.api.patch(`/api/v1/members/${b.id}`, { city: '杭州' }), 200);
    const w2 = await t.api.get('/api/v1/analytics/meetups?city=杭州');
    expect(w2.body.invitees).toEqual([expect.objectContaining({ id: b.id, displayName: 'B', lastActiveAt: at('2026-11-16T00:00') })]);
    // The whole workspace has no single target persona.
    const w = await t.api.get('/api/v1/analytics/structure');
    expect(w.body).toMatchObject({ fitScore: null, deviations: [], target: null });
  });

  it('drills from a figure to the members behind it', async () => {
    const names = async (q: string) => {
      const r = await t.api.get(`/api/v1/analytics/members?${q}`);
      expectStatus(r, 200);
      return r.body.items.map((m: any) => m.displayName).sort();
    };
    // The actives of 11-02 (day), the week of 11-09 and November; a group's week.
    expect(await names('period=d020759')).toEqual(['A', 'B']);
    expect(await names('period=w02967')).toEqual(['A', 'B']);
    expect(await names(`period=w02966&groupId=${g2.id}`)).toEqual(['A']);
    // Who joined in the range, who first bought in it, an RFM segment, and the silent (nothing in 30 days).
    expect(await names(`milestone=join&${range}`)).toEqual(['A', 'B', 'C']);
    const bought = (await t.api.get(`/api/v1/analytics/members?milestone=purchase&${range}`)).body.items;
    expect(bought).toEqual([expect.objectContaining({ displayName: 'A', spentCents: 19900, at: at('2026-11-11T15:00') })]);
    expect(await names('segment=regular_recent')).toEqual(['B']);
    expect(await names('silent=true')).toContain('C');
    expect(await names('silent=true')).not.toContain('B');
    // Pages by id; one question at a time; daily actives only for the workspace.
    const p1 = await t.api.get(`/api/v1/analytics/members?milestone=join&${range}&limit=2`);
    expect(p1.body.items).toHaveLength(2);
    const p2 = await t.api.get(`/api/v1/analytics/members?milestone=join&${range}&limit=2&cursor=${p1.body.nextCursor}`);
    expect(p2.body).toMatchObject({ nextCursor: null });
    expect(p2.body.items).toHaveLength(1);
    expectProblem(await t.api.get('/api/v1/analytics/members'), 400, 'period');
    expectProblem(await t.api.get('/api/v1/analytics/members?period=w1&silent=true'), 400, 'period');
    expectProblem(await t.api.get('/api/v1/analytics/members?period=2026-11'), 400, 'period');
    expectProblem(await t.api.get(`/api/v1/analytics/members?period=d020759&groupId=${g1.id}`), 400, 'period');
  });

  it('reports a range against the one before, in words and as a workbook, and keeps last week\'s', async () => {
    const r = await t.api.get(`/api/v1/analytics/report?from=2026-11-09&to=2026-11-15&communityId=${community.id}`);
    expectStatus(r, 200);
    expect(r.body.previous).toEqual({ from: '2026-11-02', to: '2026-11-08' });
    // 11-09…11-15: A's one message; the week before: 4 (three on 11-02, one on 11-03).
    expect(r.body.summary[0]).toBe('2026-11-09 至 2026-11-15：消息 1 条（对比上期 -75%），入群 1 人、退群 1 人，净增 0。');
    // One speaker (A): the top tenth is A, with all of it.
    expect(r.body.summary[1]).toBe('月活 2 人，活跃率 67%（目标 50%）；人均发言 0.5 条，发言最多的 1 人（前 10%）说了 100% 的话。');
    expect(r.body.groups.count).toBeGreaterThanOrEqual(2);
    const x = await t.api.get(`/api/v1/analytics/report.xlsx?from=2026-11-09&to=2026-11-15&communityId=${community.id}`);
    expectStatus(x, 200);
    expect(x.headers.get('content-disposition')).toBe('attachment; filename="shequn-report-2026-11-09-2026-11-15.xlsx"');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.bytes as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['概览', '每日', '漏斗', '表现最好的群', '需要关注的群', '团队']);
    const head = wb.getWorksheet('概览')!;
    expect(head.getRow(8).values).toEqual([undefined, '消息', 1, 4]);
    expect(head.getCell('A11').value).toBe('活跃率');
    expect(head.getCell('B11').numFmt).toBe('0.0%');
    // The engine writes last week's (11-16…11-22) for the workspace and each community, once.
    clock.t += 5 * 60_000 + 1;
    await t.server.engine.tick();
    const list = await t.api.get(`/api/v1/analytics/reports?communityId=${community.id}`);
    expect(list.body.items).toEqual([expect.objectContaining({ week: '2026-11-16', from: '2026-11-16', to: '2026-11-22' })]);
    const kept = await t.api.get(`/api/v1/analytics/reports/2026-11-16?communityId=${community.id}`);
    expectStatus(kept, 200);
    expect(kept.body.range).toMatchObject({ from: '2026-11-16', to: '2026-11-22' });
    expectStatus(await t.api.get('/api/v1/analytics/reports/2026-11-16/xlsx'), 200);
    expectProblem(await t.api.get('/api/v1/analytics/reports/2026-11-09'), 404);
    expectProblem(await t.api.get('/api/v1/analytics/reports/yesterday'), 400, 'params.week');
  });

  it("reports a phase: its community and dates, its targets beside the outcome, and what its budget bought", async () => {
    // 读书会: P came before the phase; Q and R joined in it; Q consulted and bought ¥300 in it, P bought ¥100 after it.
    const club = await makeCommunity(t.api, { name: '读书会' });
    const g = await makeGroup(t.api, club.id, { name: '读书一群' });
    const [p, q, r] = [await makeMember(t.api, { displayName: 'P' }), await makeMember(t.api, { displayName: 'Q' }), await makeMember(t.api, { displayName: 'R' })];
    const act = (kind: string, m: any, when: string, payload: Record<string, unknown> = {}) => ({ kind, memberId: m.id, groupId: g.id, occurredAt: at(when), payload });
    expectStatus(await t.api.post('/api/v1/activities/batch', { activities: [
      act('join', p, '2026-11-05T10:00'), act('join', q, '2026-11-10T10:00'), act('join', r, '2026-11-12T10:00'),
      act('consultation', q, '2026-11-11T10:00'), act('purchase', q, '2026-11-13T10:00', { amountCents: 30000 }),
      act('purchase', p, '2026-11-20T10:00', { amountCents: 10000 }),
    ] }), 200);
    const phase = (await t.api.post(`/api/v1/communities/${club.id}/phases`, {
      name: '启动期', purpose: 'sales', startsOn: '2026-11-09', endsOn: '2026-11-15', budgetCents: 100_000,
      targets: { fans: 4, consultations: 2, salesCents: 50_000, clickRate: 0.1 },
    })).body;
    const rep = await t.api.get(`/api/v1/analytics/report?phaseId=${phase.id}`);
    expectStatus(rep, 200);
    expect(rep.body.scope).toMatchObject({ kind: 'community', id: club.id });
    expect(rep.body.range).toMatchObject({ from: '2026-11-09', to: '2026-11-15' });
    expect(rep.body.phase).toEqual({
      id: phase.id, name: '启动期', purpose: 'sales', startsOn: '2026-11-09', endsOn: '2026-11-15', through: '2026-11-15', budgetCents: 100_000,
      measures: [
        { key: 'fans', target: 4, actual: 2, ratio: 0.5 },
        { key: 'consultations', target: 2, actual: 1, ratio: 0.5 },
        { key: 'salesCents', target: 50_000, actual: 30_000, ratio: 0.6 },
        { key: 'clickRate', target: 0.1, actual: null, ratio: null },
      ],
      costPerFanCents: 50_000,
      salesPerBudget: 0.3,
    });
    expect(rep.body.summary[0]).toBe('阶段「启动期」（2026-11-09 至 2026-11-15）：吸粉 2 人（目标 4 人，完成 50%），咨询 1 人（目标 2 人，完成 50%），销售 ¥300（目标 ¥500，完成 60%）；预算 ¥1,000，每个新人 ¥500，每 1 元预算带来销售 ¥0.3。');
    // The same as the community's report of those dates, but for the phase's section.
    const plain = (await t.api.get(`/api/v1/analytics/report?communityId=${club.id}&from=2026-11-09&to=2026-11-15`)).body;
    expect(plain.phase).toBeNull();
    expect({ ...rep.body, phase: null, summary: rep.body.summary.slice(1) }).toEqual(plain);
    const x = await t.api.get(`/api/v1/analytics/report.xlsx?phaseId=${phase.id}`);
    expectStatus(x, 200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(x.bytes as any);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['概览', '阶段', '每日', '漏斗', '表现最好的群', '需要关注的群', '团队']);
    expect(wb.getWorksheet('阶段')!.getRow(4).values).toEqual([undefined, '销售（元）', 500, 300, 0.6]);
    // A phase still running is counted up to today (11-28).
    const running = (await t.api.post(`/api/v1/communities/${club.id}/phases`, { name: '常规期', purpose: 'voice', startsOn: '2026-11-16', endsOn: '2026-12-31' })).body;
    const now = (await t.api.get(`/api/v1/analytics/report?phaseId=${running.id}`)).body;
    expect(now.range).toMatchObject({ from: '2026-11-16', to: '2026-11-28' });
    expect(now.phase).toMatchObject({ through: '2026-11-28', budgetCents: null, costPerFanCents: null, salesPerBudget: null });
    expect(now.phase.measures.find((m: any) => m.key === 'salesCents')).toEqual({ key: 'salesCents', target: null, actual: 10_000, ratio: null });
    expect(now.summary[0]).toBe('阶段「常规期」（2026-11-16 至 2026-12-31，截至 2026-11-28）：吸粉 0 人，咨询 0 人，销售 ¥100。');
    // The picker's list; a phase with dates of its own, an unknown one and one too long are refused.
    expect((await t.api.get('/api/v1/phases')).body.items.map((x: any) => x.id)).toEqual(expect.arrayContaining([phase.id, running.id]));
    expectProblem(await t.api.get(`/api/v1/analytics/report?phaseId=${phase.id}&from=2026-11-01`), 400, 'querystring.from');
    expectProblem(await t.api.get('/api/v1/analytics/report?phaseId=ph_nope'), 404);
    const long = (await t.api.post(`/api/v1/communities/${club.id}/phases`, { name: '两年', purpose: 'pr', startsOn: '2026-01-01', endsOn: '2027-12-31' })).body;
    expectProblem(await t.api.get(`/api/v1/analytics/report?phaseId=${long.id}`), 400, 'phaseId');
  });

  it('follows referrals: the share referred, the viral coefficient, the top referrers and the chains', async () => {
    // P came on its own on 09-01; P brought Q, Q brought R and S; T came on its own.
    const make = async (name: string, day: string, referrer?: any) => makeMember(t.api, { displayName: name, joinedAt: at(`2026-09-${day}T10:00`), ...(referrer ? { referrerId: referrer.id } : {}) });
    const p = await make('P', '01');
    const q = await make('Q', '10', p);
    await make('R', '12', q);
    await make('S', '15', q);
    await make('T', '20');
    const r = await t.api.get('/api/v1/analytics/referrals?from=2026-09-05&to=2026-09-30');
    expectStatus(r, 200);
    expect(r.body).toMatchObject({ joined: 4, referred: 3, referralShare: 0.75, base: 1, viralCoefficient: 3 });
    expect(r.body.topReferrers).toEqual([
      { memberId: q.id, displayName: 'Q', referred: 2, secondLevel: 0 },
      { memberId: p.id, displayName: 'P', referred: 1, secondLevel: 2 },
    ]);
    expect(r.body.depths).toEqual([{ depth: 1, members: 1 }, { depth: 2, members: 2 }]);
  });

  it('scores every group\'s health with its reasons, and puts the healthiest first', async () => {
    const r = await t.api.get(`/api/v1/analytics/groups?${range}&communityId=${community.id}`);
    expectStatus(r, 200);
    const [first, second] = r.body.items;
    expect(r.body.items).toHaveLength(2);
    // 一群: 2 seats, weekly actives 1 (B on 10-31), 2, 1 (mean 4/3: rate 2/3, 40 points); 4 messages in 15/7
    // weeks per seat (0.933: 18.7); 1 message in the last 7 days against 4 in the 3 weeks before (trend 0.75:
    // 15); 2 joins (20).
    expect(first).toMatchObject({ groupId: g1.id, seats: 2, messages: 4, joins: 2, leaves: 0, weeklyActive: 1.3, trend: 0.75, quiet: false, score: 94, reasons: [] });
    expect(first.activeRate).toBeCloseTo(2 / 3);
    // 二群: weekly actives 0, 1, 0 (rate 1/6: 22.2); 1 message (0.233 per seat-week: 4.7); nothing lately and
    // too little before to call a trend (0); net +1 (20).
    expect(second).toMatchObject({ groupId: g2.id, seats: 2, messages: 1, joins: 2, leaves: 1, trend: null, score: 47 });
  });

  it('scores each group owner and secretary on their groups (团队考核)', async () => {
    const ops = await t.api.get('/api/v1/operators');
    const admin = ops.body.items[0];
    expectStatus(await t.api.patch(`/api/v1/groups/${g1.id}`, { owner: { type: 'operator', id: admin.id }, secretary: { type: 'member', id: b.id } }), 200);
    expectStatus(await t.api.patch(`/api/v1/groups/${g2.id}`, { owner: { type: 'operator', id: admin.id } }), 200);
    const r = await t.api.get(`/api/v1/analytics/team?${range}&communityId=${community.id}`);
    expectStatus(r, 200);
    // Best first: B, secretary of 一群 (94), then the operator who owns both (94 and 47: a mean of 71).
    const [secretary, owner] = r.body.items;
    expect(owner).toMatchObject({ keeper: { type: 'operator', id: admin.id, name: admin.name }, roles: ['owner'], groups: 2, seats: 4, messages: 5, netGrowth: 3, meanScore: 71, quietGroups: 0 });
    expect(secretary).toMatchObject({ keeper: { type: 'member', id: b.id, name: 'B' }, roles: ['secretary'], groups: 1, groupIds: [g1.id], seats: 2, messages: 4, meanScore: 94 });
  });

  it('flags a group going quiet from its trend, before it is silent', async () => {
    const g = await makeGroup(t.api, community.id, { name: '渐冷群' });
    const m = await makeMember(t.api, { memberships: [{ groupId: g.id }] });
    // Thirty messages over the three weeks before the range's last week (ten a week), then two in it.
    const msg = (when: string) => ({ kind: 'message', memberId: m.id, groupId: g.id, occurredAt: when });
    const msgs = Array.from({ length: 30 }, (_, i) => msg(new Date(Date.parse(at('2026-10-19T09:00')) + Math.floor((i * 21) / 30) * 86_400_000).toISOString()));
    msgs.push(msg(at('2026-11-10T09:00')), msg(at('2026-11-12T09:00')));
    expectStatus(await t.api.post('/api/v1/activities/batch', { activities: msgs }), 200);
    const r = await t.api.get(`/api/v1/analytics/groups?${range}&groupId=${g.id}`);
    expectStatus(r, 200);
    const [h] = r.body.items;
    expect(h.trend).toBeCloseTo(2 / 10);
    expect(h.quiet).toBe(true);
    expect(h.reasons.map((x: any) => x.code)).toContain('going_quiet');
  });

  it('shows a scoped operator its community and groups only, and names bad input', async () => {
    const scoped = await mintToken(t, 'analyst', { communities: [community.id] });
    expectStatus(await scoped.client.get(`/api/v1/analytics/overview?${range}&communityId=${community.id}`), 200);
    expectStatus(await scoped.client.get(`/api/v1/analytics/groups?${range}&communityId=${community.id}`), 200);
    expectProblem(await scoped.client.get(`/api/v1/analytics/overview?${range}`), 403);
    expectProblem(await scoped.client.get(`/api/v1/analytics/overview?${range}&groupId=${other.id}`), 404);
    expectProblem(await t.api.get('/api/v1/analytics/overview?from=2026-13-01'), 400, 'from');
    expectProblem(await t.api.get('/api/v1/analytics/overview?from=2026-11-10&to=2026-11-01'), 400, 'from');
    expectProblem(await t.api.get('/api/v1/analytics/overview?from=2024-01-01&to=2026-01-01'), 400, 'from');
    expectProblem(await t.api.get('/api/v1/analytics/funnel?to=yesterday'), 400, 'to');
    expectProblem(await t.api.get('/api/v1/analytics/retention?period=day'), 400, 'querystring.period');
    expectProblem(await t.api.get('/api/v1/analytics/overview?groupId=grp_nope'), 404);
  });
  it('counts events against the target per group per year, community-wide ones, and content by source', async () => {
    // A tea tasting attended from both groups, a reading club from one; an official notice and a member's post.
    const go = (m: any, g: any, event: string, when: string) => ({ kind: 'attendance', memberId: m.id, groupId: g.id, occurredAt: at(when), payload: { eventId: event } });
    expectStatus(await t.api.post('/api/v1/activities/batch', { activities: [
      go(a, g1, 'tasting-1', '2026-11-07T14:00'), go(c, g2, 'tasting-1', '2026-11-07T14:05'), go(b, g1, 'reading-1', '2026-11-08T20:00'),
      { kind: 'message', groupId: g1.id, occurredAt: at('2026-11-09T09:00'), contentSource: 'OGC', payload: { text: '本周活动预告' } },
      { kind: 'message', memberId: a.id, groupId: g1.id, occurredAt: at('2026-11-09T09:30'), contentSource: 'UGC', payload: { text: '我来分享' } },
    ] }), 200);
    const r = await t.api.get(`/api/v1/analytics/output?${range}&communityId=${community.id}`);
    expectStatus(r, 200);
    // 2 events among the community's groups over 15 days: 2 / groups / (15/365) a group a year.
    expect(r.body).toMatchObject({ events: 2, attendances: 3, communityWideEvents: 1, eventsPerGroupPerYearTarget: 6, content: { OGC: 1, PGC: 0, UGC: 1, ugcShare: 0.5 }, liveSessions: 0 });
    expect(r.body.eventsPerGroupPerYear).toBeCloseTo(Math.round((2 / r.body.groups / (15 / 365)) * 100) / 100);
    const g = await t.api.get(`/api/v1/analytics/output?${range}&groupId=${g2.id}`);
    expect(g.body).toMatchObject({ events: 1, attendances: 1, communityWideEvents: 0, groups: 1 });
    expect(r.body.communityWideSupporters).toEqual({ firms: 0, people: 0, total: 0, moneyCents: 0, target: 200 });

    // Its supporters: a tea shop that gave the tea and ¥500 (entered), a guest (a member) and the same shop again and a
    // volunteer from a sheet; the reading club's sponsor does not count (one group only). Distinct by name: 1 firm, 2 people.
    const sup = (body: Record<string, unknown>) => t.api.post('/api/v1/event-supporters', { supportedOn: '2026-11-07', communityId: community.id, ...body });
    expectStatus(await sup({ eventKey: 'tasting-1', supporterType: 'firm', name: '一叶茶庄', contribution: '茶叶 5 斤', amountCents: 50_000 }), 201);
    expectStatus(await sup({ eventKey: 'tasting-1', supporterType: 'person', name: 'A', memberId: a.id, contribution: '主讲' }), 201);
    expectStatus(await sup({ eventKey: 'reading-1', supporterType: 'firm', name: '书店' }), 201);
    expectProblem(await sup({ eventKey: 'tasting-1', supporterType: 'firm', name: '茶庄', memberId: a.id }), 400, 'memberId');
    expectProblem(await sup({ eventKey: 'tasting-1', supporterType: 'team', name: 'x' }), 400, 'body.supporterType');
    const csv = '日期,活动,类型,名称,贡献,金额\n2026/11/7,tasting-1,企业,一叶茶庄,场地,\n2026年11月7日,tasting-1,志愿者,小周,签到,\n';
    const upload = (body: string) => t.api.request('POST', '/api/v1/event-supporters/import?name=支持方.csv', body, { 'content-type': 'application/octet-stream' });
    expect((await upload(csv)).body).toEqual({ rows: 2, added: 2, duplicates: 0 });
    expect((await upload(csv)).body).toEqual({ rows: 2, added: 0, duplicates: 2 });
    const bad = await upload('日期,活动,类型,名称\n2026-11-07,tasting-1,团队,小李\n2026-11-31,tasting-1,个人,小王\n');
    expectProblem(bad, 400);
    expect(bad.body.errors.map((e: any) => e.field)).toEqual(['支持方.csv:2:类型', '支持方.csv:3:日期']);
    const after = await t.api.get(`/api/v1/analytics/output?${range}&communityId=${community.id}`);
    expect(after.body.communityWideSupporters).toEqual({ firms: 1, people: 2, total: 3, moneyCents: 50_000, target: 200 });
    const listed = (await t.api.get('/api/v1/event-supporters?eventKey=tasting-1')).body.items;
    expect(listed.map((x: any) => x.name).sort()).toEqual(['A', '一叶茶庄', '一叶茶庄', '小周']);
  });

  it('queues what is written, counts it in the background once due, and never lets a read lag behind it', async () => {
    const db = t.server.rt.db.kysely;
    const queued = async () => (await db.selectFrom('rollup_queue').select('n').execute()).reduce((s, r) => s + Number(r.n), 0);
    const counted = async () => Number((await db.selectFrom('activity_days').select((eb) => eb.fn.sum<number>('n').as('n')).where('scope', '=', other.id).executeTakeFirst())?.n ?? 0);
    const say = (sourceId: string) => ({ kind: 'message', groupId: other.id, occurredAt: at('2026-11-14T10:00'), source: 'queue-test', sourceId, payload: { text: '在吗' } });
    // A read counts whatever is queued first.
    const messages = async () => (await t.api.get(`/api/v1/analytics/overview?${range}&groupId=${other.id}`)).body.activity.messages as number;
    const m0 = await messages();
    expect(await queued()).toBe(0);
    const c0 = await counted();
    expectStatus(await t.api.post('/api/v1/activities/batch', { activities: [say('q1'), say('q2')] }), 200);
    // Queued, not counted: the runner waits for a batch, or for the oldest to have waited 30 s.
    expect(await queued()).toBe(2);
    await t.server.engine.tick();
    expect(await queued()).toBe(2);
    expect(await counted()).toBe(c0);
    clock.t += 30_000;
    await t.server.engine.tick();
    expect(await queued()).toBe(0);
    expect(await counted()).toBe(c0 + 2);
    // A repeat writes nothing and queues nothing; a new one is queued, and the next read shows it.
    expectStatus(await t.api.post('/api/v1/activities/batch', { activities: [say('q2'), say('q3')] }), 200);
    expect(await queued()).toBe(1);
    expect(await messages()).toBe(m0 + 3);
    expect(await queued()).toBe(0);
  });
});
