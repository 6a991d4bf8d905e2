// The dashboards on the demo workspace (six months of every kind of activity) against a raw SQL
// recomputation from the activities table, on the dialect under test: the overview's counts and actives,
// every group's health figures, the funnel's range and join cohort with the waits, and weekly and monthly retention, for the workspace
// and for one community. The SQL here reads nothing but `activities` and `groups`; the local day is plain
// arithmetic on the instant (Asia/Shanghai is UTC+8 all year), the week Monday-based.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemo } from '../src/demo/index.ts';
import { meetupTuning } from '../src/modules/analytics/structure.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { expectStatus } from './helpers/api.ts';

const NOW = Date.parse('2026-06-17T04:00:00Z');
const DAY = 86_400_000;
const TZ = 8 * 3_600_000;
const FROM = '2026-03-01';
const TO = '2026-06-17';
const fromAt = Date.parse(`${FROM}T00:00:00Z`) - TZ;
const toAt = Date.parse(`${TO}T00:00:00Z`) + DAY - TZ;

let t: TestServer;
let ws: string;
let communityId: string;

beforeAll(async () => {
  t = await startTestServer({}, { clock: { now: () => NOW } });
  const summary = await generateDemo(t.server.rt, { members: 800, seed: 3 });
  ws = summary.workspace.id;
  communityId = (await t.api.get('/api/v1/communities')).body.items[0].id;
}, 240_000);

afterAll(async () => {
  await t?.stop();
});

const num = (v: unknown) => Number(v ?? 0);
const db = () => t.server.rt.db.kysely;
/** Only the scope's activities: every one for the workspace, those in the community's groups for it. */
const inScope = (community: string | null) => (community
  ? sql`and group_id in (select id from groups where workspace_id = ${ws} and community_id = ${community})`
  : sql``);
const ACTIVE = sql`kind not in ('join', 'leave', 'service')`;
const MILESTONE = sql`case when kind in ('join', 'consultation', 'purchase') then kind else 'active' end`;
/** Monday-based week of the local day: ⌊(⌊(at + 8 h) / day⌋ + 3) / 7⌋, folded into one integer division. */
const WEEK = sql`((occurred_at + ${sql.lit(TZ + 3 * DAY)}) / ${sql.lit(7 * DAY)})`;

/** A purchase's payload.amountCents, in the dialect under test. */
const amountCents = () => (t.server.rt.db.dialect === 'postgres' ? sql`cast(payload::json->>'amountCents' as bigint)` : sql`json_extract(payload, '$.amountCents')`);

async function rows<T>(q: ReturnType<typeof sql<T>>): Promise<T[]> {
  return (await q.execute(db())).rows;
}

describe.each([['workspace', false], ['community', true]] as const)('dashboards on the demo workspace (%s) equal raw SQL', (_, byCommunity) => {
  const scopeQ = () => (byCommunity ? `&communityId=${communityId}` : '');
  const community = () => (byCommunity ? communityId : null);

  it('counts messages, joins, leaves, revenue and monthly actives as the activities say', async () => {
    const r = await t.api.get(`/api/v1/analytics/overview?from=${FROM}&to=${TO}${scopeQ()}`);
    expectStatus(r, 200);
    const [raw] = await rows<{ messages: unknown; joins: unknown; leaves: unknown; purchases: unknown }>(sql`
      select sum(case when kind = 'message' then 1 else 0 end) as messages, sum(case when kind = 'join' then 1 else 0 end) as joins,
             sum(case when kind = 'leave' then 1 else 0 end) as leaves, sum(case when kind = 'purchase' then 1 else 0 end) as purchases
      from activities where workspace_id = ${ws} and occurred_at >= ${fromAt} and occurred_at < ${toAt} ${inScope(community())}`);
    expect(r.body.activity.messages).toBe(num(raw!.messages));
    expect(r.body.scale).toMatchObject({ joins: num(raw!.joins), leaves: num(raw!.leaves) });
    expect(r.body.revenue.purchases).toBe(num(raw!.purchases));
    expect(r.body.activity.messages).toBeGreaterThan(1000);
    // The top tenth of the speakers and their share of the members' messages.
    const perMember = (await rows<{ n: unknown }>(sql`select count(*) as n from activities where workspace_id = ${ws} and kind = 'message'
      and member_id is not null and occurred_at >= ${fromAt} and occurred_at < ${toAt} ${inScope(community())} group by member_id`)).map((x) => num(x.n)).sort((x, y) => y - x);
    const top = Math.ceil(perMember.length / 10);
    const sum = (xs: number[]) => xs.reduce((s, n) => s + n, 0);
    expect(r.body.activity.concentration).toEqual({ speakers: perMember.length, topSpeakers: top, topShare: sum(perMember.slice(0, top)) / sum(perMember) });
    expect(r.body.activity.concentration.topShare).toBeGreaterThan(0.1);
    // Every month of the range: its distinct active members.
    for (const m of r.body.months as { month: string; active: number }[]) {
      const start = Date.parse(`${m.month}T00:00:00Z`) - TZ;
      const d = new Date(start + TZ);
      const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - TZ;
      const [a] = await rows<{ n: unknown }>(sql`select count(distinct member_id) as n from activities
        where workspace_id = ${ws} and ${ACTIVE} and member_id is not null and occurred_at >= ${start} and occurred_at < ${end} ${inScope(community())}`);
      expect(m.active, m.month).toBe(num(a!.n));
    }
    expect(Math.max(...r.body.months.map((m: { active: number }) => m.active))).toBeGreaterThan(50);
  });

  it('gives every group the messages, joins, leaves, revenue and trend its activities say', async () => {
    const r = await t.api.get(`/api/v1/analytics/groups?from=${FROM}&to=${TO}${scopeQ()}`);
    expectStatus(r, 200);
    // The trend compares the last 7 days with the 21 before them.
    const recentAt = toAt - 7 * DAY;
    const beforeAt = toAt - 28 * DAY;
    const raw = await rows<{ group_id: string; messages: unknown; joins: unknown; leaves: unknown; revenue: unknown; recent: unknown; before: unknown }>(sql`
      select group_id,
        sum(case when kind = 'message' and occurred_at >= ${fromAt} then 1 else 0 end) as messages,
        sum(case when kind = 'join' and occurred_at >= ${fromAt} then 1 else 0 end) as joins,
        sum(case when kind = 'leave' and occurred_at >= ${fromAt} then 1 else 0 end) as leaves,
        sum(case when kind = 'purchase' and occurred_at >= ${fromAt} then coalesce(${amountCents()}, 0) else 0 end) as revenue,
        sum(case when kind = 'message' and occurred_at >= ${recentAt} then 1 else 0 end) as recent,
        sum(case when kind = 'message' and occurred_at >= ${beforeAt} and occurred_at < ${recentAt} then 1 else 0 end) as before
      from activities where workspace_id = ${ws} and group_id is not null and occurred_at >= ${Math.min(fromAt, beforeAt)} and occurred_at < ${toAt} ${inScope(community())}
      group by group_id`);
    const want = new Map(raw.map((g) => [g.group_id, g]));
    const items = r.body.items as { groupId: string; messages: number; joins: number; leaves: number; revenueCents: number; trend: number | null }[];
    expect(items.length).toBeGreaterThan(3);
    for (const g of items) {
      const w = want.get(g.groupId);
      expect({ messages: g.messages, joins: g.joins, leaves: g.leaves, revenueCents: g.revenueCents }, g.groupId)
        .toEqual({ messages: num(w?.messages), joins: num(w?.joins), leaves: num(w?.leaves), revenueCents: num(w?.revenue) });
      const before = num(w?.before) / 3;
      expect(g.trend, g.groupId).toBe(before >= 1 ? num(w?.recent) / before : null);
    }
    expect(items.reduce((n, g) => n + g.messages, 0)).toBeGreaterThan(1000);
  });

  it('follows the join cohort through the funnel with the same counts and waits', async () => {
    const r = await t.api.get(`/api/v1/analytics/funnel?from=${FROM}&to=${TO}${scopeQ()}`);
    expectStatus(r, 200);
    const firsts = sql`select member_id, ${MILESTONE} as ms, min(occurred_at) as first_at from activities
      where workspace_id = ${ws} and member_id is not null and kind not in ('leave', 'service') ${inScope(community())} group by member_id, ${MILESTONE}`;
    const raw = await rows<{ ms: string; n: unknown; wait: unknown }>(sql`
      with f as (${firsts}), c as (select member_id, first_at as join_at from f where ms = 'join' and first_at >= ${fromAt} and first_at < ${toAt})
      select f.ms as ms, count(*) as n, sum(case when f.first_at > c.join_at then f.first_at - c.join_at else 0 end) as wait
      from c join f on f.member_id = c.member_id group by f.ms`);
    const reached = await rows<{ ms: string; n: unknown }>(sql`with f as (${firsts})
      select ms, count(*) as n from f where first_at >= ${fromAt} and first_at < ${toAt} group by ms`);
    const cohort = new Map(raw.map((x) => [x.ms, x]));
    const inRange = new Map(reached.map((x) => [x.ms, num(x.n)]));
    const joined = num(cohort.get('join')?.n);
    expect(joined).toBeGreaterThan(20);
    for (const s of r.body.stages as { stage: string; reachedInRange: number; fromJoinCohort: number; meanDaysFromJoin: number | null }[]) {
      const c = cohort.get(s.stage);
      expect(s.reachedInRange, s.stage).toBe(inRange.get(s.stage) ?? 0);
      expect(s.fromJoinCohort, s.stage).toBe(num(c?.n));
      if (s.stage !== 'join' && c) expect(s.meanDaysFromJoin!, s.stage).toBeCloseTo(num(c.wait) / num(c.n) / DAY, 9);
    }
  });

  it('invites the busiest city\'s members most recently active in the scope, kept with the snapshot or looked up alike', async () => {
    // A community's people are those with a seat in it now.
    const seated = (c: string | null) => (c ? sql`and a.member_id in (select member_id from memberships where workspace_id = ${ws} and left_at is null
      and group_id in (select id from groups where workspace_id = ${ws} and community_id = ${c}))` : sql``);
    const meetups = async (bigCity: number) => {
      meetupTuning.bigCity = bigCity;
      try {
        expectStatus(await t.api.get(`/api/v1/analytics/structure?refresh=true${scopeQ()}`), 200);
        const r = await t.api.get(`/api/v1/analytics/meetups?limit=30${scopeQ()}`);
        expectStatus(r, 200);
        return r.body as { city: string; invitees: { id: string; lastActiveAt: string }[] };
      } finally {
        meetupTuning.bigCity = 1_000;
      }
    };
    // Every city is kept (1), or none is (∞): the two paths must give the same list. The last activity is the
    // 'active' milestone's: consultations and purchases are milestones of their own.
    const kept = await meetups(1);
    const looked = await meetups(Infinity);
    expect(kept.city).toBe(looked.city);
    const raw = await rows<{ id: string; last: unknown }>(sql`select a.member_id as id, max(a.occurred_at) as last from activities a
      join members m on m.workspace_id = a.workspace_id and m.id = a.member_id
      where a.workspace_id = ${ws} and a.${ACTIVE} and a.kind not in ('consultation', 'purchase') and m.city = ${kept.city} ${inScope(community())} ${seated(community())}
      group by a.member_id order by last desc, a.member_id limit 30`);
    expect(raw.length).toBeGreaterThan(10);
    const lastOf = new Map((await rows<{ id: string; last: unknown }>(sql`select member_id as id, max(occurred_at) as last from activities
      where workspace_id = ${ws} and ${ACTIVE} and kind not in ('consultation', 'purchase') ${inScope(community())} group by member_id`)).map((r) => [r.id, num(r.last)]));
    expect(looked.invitees).toEqual(kept.invitees);
    for (const got of [kept, looked]) {
      // Ties on the instant may list either member first: the instants must match in order, and each its member's.
      expect(got.invitees.map((i) => Date.parse(i.lastActiveAt))).toEqual(raw.map((r) => num(r.last)));
      for (const i of got.invitees) expect(Date.parse(i.lastActiveAt), i.id).toBe(lastOf.get(i.id));
    }
  });

  it('keeps weekly and monthly retention cohorts cell for cell', async () => {
    const join = sql`select member_id, min(occurred_at) as join_at from activities
      where workspace_id = ${ws} and kind = 'join' and member_id is not null ${inScope(community())} group by member_id`;
    for (const period of ['week', 'month'] as const) {
      const r = await t.api.get(`/api/v1/analytics/retention?from=${FROM}&to=${TO}&period=${period}${scopeQ()}`);
      expectStatus(r, 200);
      // The cohort and the active periods in raw form: weeks by integer division, months by their bounds.
      const members = await rows<{ member_id: string; join_at: unknown }>(sql`with j as (${join}) select member_id, join_at from j where join_at >= ${fromAt} and join_at < ${toAt}`);
      const active = await rows<{ member_id: string; at: unknown }>(sql`select distinct member_id, ${period === 'week' ? WEEK : sql`occurred_at`} as at from activities
        where workspace_id = ${ws} and ${ACTIVE} and member_id in (select member_id from (${join}) j where join_at >= ${fromAt} and join_at < ${toAt}) ${inScope(community())}`);
      const monthOf = (at: number) => {
        const d = new Date(at + TZ);
        return d.getUTCFullYear() * 12 + d.getUTCMonth();
      };
      const index = (at: number) => (period === 'week' ? Math.floor((at + TZ + 3 * DAY) / (7 * DAY)) : monthOf(at));
      const cohortOf = new Map(members.map((m) => [m.member_id, index(num(m.join_at))]));
      const want = new Map<number, { members: number; active: Map<number, Set<string>> }>();
      for (const c of cohortOf.values()) want.set(c, { members: 0, active: new Map() });
      for (const c of cohortOf.values()) want.get(c)!.members++;
      for (const a of active) {
        const c0 = cohortOf.get(a.member_id)!;
        const k = (period === 'week' ? num(a.at) : monthOf(num(a.at))) - c0;
        if (k < 0) continue;
        const cell = want.get(c0)!.active;
        if (!cell.has(k)) cell.set(k, new Set());
        cell.get(k)!.add(a.member_id);
      }
      const got = r.body.cohorts as { cohort: string; members: number; active: number[] }[];
      expect(got.length, period).toBe(want.size);
      const keys = [...want.keys()].sort((a, b) => a - b);
      for (const [i, c0] of keys.entries()) {
        const w = want.get(c0)!;
        expect(got[i]!.members, `${period} ${got[i]!.cohort}`).toBe(w.members);
        expect(got[i]!.active, `${period} ${got[i]!.cohort}`).toEqual(got[i]!.active.map((_, k) => w.active.get(k)?.size ?? 0));
        // Nothing active after now was left out.
        expect(Math.max(-1, ...w.active.keys())).toBeLessThan(got[i]!.active.length);
      }
      expect(got.reduce((s, c) => s + c.active.slice(1).reduce((x, y) => x + y, 0), 0), period).toBeGreaterThan(0);
    }
  });
});

describe('cost and outcome on the demo workspace equal raw SQL', () => {
  it("sets each phase's spending beside its budget and each meetup's venue beside its attendees and what they bought", async () => {
    const r = await t.api.get(`/api/v1/analytics/roi?from=${FROM}&to=${TO}`);
    expectStatus(r, 200);
    const spent = await rows<{ subject: string; subject_key: string; n: unknown }>(sql`select subject, subject_key, sum(amount_cents) as n from costs
      where workspace_id = ${ws} group by subject, subject_key`);
    const costOf = (subject: string, key: string) => num(spent.find((s) => s.subject === subject && s.subject_key === key)?.n);
    expect(r.body.phases.length).toBeGreaterThan(1);
    for (const p of r.body.phases) expect(p.costCents, p.name).toBe(costOf('phase', p.phaseId));
    expect(r.body.phases.some((p: { costCents: number }) => p.costCents > 0)).toBe(true);
    // Attendances and their members per event (payload.eventId), and the attendees' purchases within 30 days of the event.
    const eventId = t.server.rt.db.dialect === 'postgres' ? sql`payload::json->>'eventId'` : sql`json_extract(payload, '$.eventId')`;
    const events = r.body.events as { eventKey: string; heldOn: string; attendances: number; attendees: number; costCents: number; buyers: number; revenueCents: number }[];
    expect(events.filter((e) => e.costCents > 0).length).toBeGreaterThan(0);
    for (const e of events.filter((x) => x.eventKey.startsWith('meetup-'))) {
      const held = Date.parse(e.heldOn);
      const [raw] = await rows<{ attendees: unknown; buyers: unknown; revenue: unknown }>(sql`
        with a as (select distinct member_id from activities where workspace_id = ${ws} and kind = 'attendance' and member_id is not null and ${eventId} = ${e.eventKey})
        select (select count(*) from a) as attendees,
          (select count(distinct p.member_id) from activities p join a on a.member_id = p.member_id where p.workspace_id = ${ws} and p.kind = 'purchase'
             and p.occurred_at >= ${held} and p.occurred_at < ${held + 30 * DAY}) as buyers,
          (select sum(${amountCents()}) from activities p join a on a.member_id = p.member_id where p.workspace_id = ${ws} and p.kind = 'purchase'
             and p.occurred_at >= ${held} and p.occurred_at < ${held + 30 * DAY}) as revenue`);
      expect({ attendees: e.attendees, buyers: e.buyers, revenueCents: e.revenueCents, costCents: e.costCents }, e.eventKey)
        .toEqual({ attendees: num(raw!.attendees), buyers: num(raw!.buyers), revenueCents: num(raw!.revenue), costCents: costOf('event', e.eventKey) });
    }
    // The groups by age hold every group of the board, with its revenue.
    const board = (await t.api.get(`/api/v1/analytics/groups?from=${FROM}&to=${TO}`)).body.items as { revenueCents: number }[];
    const bands = r.body.lifecycle as { groups: number; revenueCents: number }[];
    expect(bands.reduce((s, b) => s + b.groups, 0)).toBe(board.length);
    expect(bands.reduce((s, b) => s + b.revenueCents, 0)).toBe(board.reduce((s, g) => s + g.revenueCents, 0));
  });
});
