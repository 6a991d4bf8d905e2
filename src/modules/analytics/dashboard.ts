// The evaluation dashboards (评估精进), read from the rollups: scale against the community's floor, activity
// over the range (daily, weekly and monthly actives, the hour × weekday heat map), revenue, the funnel
// 吸粉 → 养粉 → 促粉 → 变现, join-cohort retention, and every group's health with its reasons. A scope is the
// workspace, a community or a group; the range is a span of local days in the analytics time zone.
import { sql } from 'kysely';
import type { Ctx } from '../../kernel/context.ts';
import { forbidden, invalid, notFound } from '../../kernel/errors.ts';
import {
  DAY, dayDate, dayKey, daySpans, dayStart, localDayHour, monthDate, monthKey, monthOf, parseDay, weekdayOf, weekKey, weekOf, weekStartDay,
} from './calendar.ts';
import { concentration } from './concentration.ts';
import { analyticsTimezone, catchUpRollups, communityScope, MILESTONES, type Milestone } from './rollup.ts';

export interface DashboardQuery {
  from?: string;
  to?: string;
  communityId?: string;
  groupId?: string;
}

export interface Scope {
  kind: 'workspace' | 'community' | 'group';
  id: string | null;
  name: string | null;
  /** The rollups' scope key. */
  key: string;
}

export interface Range {
  timezone: string;
  firstDay: number;
  lastDay: number;
  /** The instants the range covers: [start of the first day, start of the day after the last). */
  fromAt: number;
  toAt: number;
}

export const MAX_DAYS = 366;

export async function resolveRange(ctx: Ctx, q: DashboardQuery): Promise<Range> {
  const timezone = await analyticsTimezone(ctx);
  const today = localDayHour(ctx.clock.now(), timezone).day;
  const lastDay = q.to ? parseDay(q.to) : today;
  const firstDay = q.from ? parseDay(q.from) : lastDay - 29;
  const errors = [
    ...(Number.isNaN(lastDay) ? [{ field: 'to', reason: `"${q.to}" is not a date (YYYY-MM-DD)` }] : []),
    ...(Number.isNaN(firstDay) ? [{ field: 'from', reason: `"${q.from}" is not a date (YYYY-MM-DD)` }] : []),
  ];
  if (!errors.length && firstDay > lastDay) errors.push({ field: 'from', reason: `${q.from} is after ${dayDate(lastDay)}` });
  if (!errors.length && lastDay - firstDay + 1 > MAX_DAYS) errors.push({ field: 'from', reason: `a range is at most ${MAX_DAYS} days (this one is ${lastDay - firstDay + 1})` });
  if (errors.length) throw invalid(errors);
  return { timezone, firstDay, lastDay, fromAt: dayStart(firstDay, timezone), toAt: dayStart(lastDay + 1, timezone) };
}

/**
 * The scope asked for, if the actor may see all of it (a scoped operator sees its groups and whole
 * communities). Every rollup reader starts here, so this is also where the rollups catch up with the queue.
 */
export async function resolveScope(ctx: Ctx, q: DashboardQuery): Promise<Scope> {
  const scope = await visibleScope(ctx, q);
  await catchUpRollups(ctx);
  return scope;
}

async function visibleScope(ctx: Ctx, q: DashboardQuery): Promise<Scope> {
  const v = await ctx.visibility();
  if (q.groupId) {
    const g = await ctx.tdb.selectFrom('groups').select(['id', 'name']).where('id', '=', q.groupId).executeTakeFirst();
    if (!g || (!v.all && !v.groupIds.has(g.id))) throw notFound('group', q.groupId);
    return { kind: 'group', id: g.id, name: g.name, key: g.id };
  }
  if (q.communityId) {
    const c = await ctx.tdb.selectFrom('communities').select(['id', 'name']).where('id', '=', q.communityId).executeTakeFirst();
    if (!c || (!v.all && !v.communityIds.has(c.id))) throw notFound('community', q.communityId);
    if (!v.all && !ctx.actor.scope?.communities.includes(c.id)) throw forbidden('analytics of a whole community outside the operator\'s scope (pick one of its groups)');
    return { kind: 'community', id: c.id, name: c.name, key: communityScope(c.id) };
  }
  if (!v.all) throw forbidden('analytics of the whole workspace (an operator with a scope picks a community or group)');
  return { kind: 'workspace', id: null, name: null, key: '' };
}

export const num = (v: unknown): number => Number(v ?? 0);
const days = (r: Range): number[] => Array.from({ length: r.lastDay - r.firstDay + 1 }, (_, i) => r.firstDay + i);
const weeksOf = (r: Range): number[] => {
  const out: number[] = [];
  for (let w = weekOf(r.firstDay); w <= weekOf(r.lastDay); w++) out.push(w);
  return out;
};
const monthsOf = (r: Range): number[] => {
  const out: number[] = [];
  for (let m = monthOf(r.firstDay); m <= monthOf(r.lastDay); m++) out.push(m);
  return out;
};

/** The groups a scope holds (a community's, one group, or every group). */
async function groupsIn(ctx: Ctx, scope: Scope) {
  let q = ctx.tdb.selectFrom('groups').select(['id', 'name', 'community_id', 'capacity', 'status', 'created_at', 'platform', 'owner_type', 'owner_id', 'secretary_type', 'secretary_id']);
  if (scope.kind === 'community') q = q.where('community_id', '=', scope.id!);
  if (scope.kind === 'group') q = q.where('id', '=', scope.id!);
  return q.execute();
}

/** Seats (current memberships) and the people behind them: the figure the memberships' triggers keep (migration 0023). */
async function seats(ctx: Ctx, scope: Scope): Promise<{ seats: number; people: number }> {
  const r = await ctx.tdb.selectFrom('scope_seats').select(['seats', 'people']).where('scope', '=', scope.key).executeTakeFirst();
  return { seats: num(r?.seats), people: num(r?.people) };
}

export async function overview(ctx: Ctx, q: DashboardQuery) {
  ctx.authorize('activity.read');
  ctx.authorize('member.read');
  const [scope, range] = [await resolveScope(ctx, q), await resolveRange(ctx, q)];
  const dayRows = await ctx.tdb.selectFrom('activity_days').select(['day', 'kind', 'n', 'amount'])
    .where('scope', '=', scope.key).where('day', '>=', range.firstDay).where('day', '<=', range.lastDay).execute();
  const dayList = days(range);
  const perKind = new Map<string, number[]>();
  let revenue = 0;
  for (const r of dayRows) {
    let a = perKind.get(r.kind);
    if (!a) perKind.set(r.kind, (a = dayList.map(() => 0)));
    a[r.day - range.firstDay]! += num(r.n);
    if (r.kind === 'purchase') revenue += num(r.amount);
  }
  const series = (kind: string) => perKind.get(kind) ?? dayList.map(() => 0);
  const total = (kind: string) => series(kind).reduce((s, n) => s + n, 0);

  const weeks = weeksOf(range);
  const months = monthsOf(range);
  const periodKeys = [...(scope.kind === 'workspace' ? dayList.map(dayKey) : []), ...weeks.map(weekKey), ...months.map(monthKey)];
  const actives = new Map<string, number>();
  // One IN list over the period keys (at most 366 + 53 + 13).
  for (const r of await ctx.tdb.selectFrom('period_actives').select(['period', 'n']).where('scope', '=', scope.key).where('period', 'in', periodKeys).execute()) actives.set(r.period, num(r.n));

  const hourRows = await ctx.tdb.selectFrom('activity_hours').select(['day', 'hour', (eb) => eb.fn.sum<number>('n').as('n')])
    .where('scope', '=', scope.key).where('day', '>=', range.firstDay).where('day', '<=', range.lastDay).groupBy(['day', 'hour']).execute();
  const heatmap = Array.from({ length: 7 }, () => Array.from({ length: 24 }, () => 0));
  for (const r of hourRows) heatmap[weekdayOf(r.day)]![r.hour]! += num(r.n);

  const community = scope.kind === 'community'
    ? await ctx.tdb.selectFrom('communities').select('canvas').where('id', '=', scope.id!).executeTakeFirst()
    : null;
  const kpi = community ? (JSON.parse(community.canvas) as { kpi?: { memberFloor?: number; activeMemberRate?: number } }).kpi ?? null : null;
  const s = await seats(ctx, scope);
  // The workspace's people are all its members (kept by triggers, migration 0025), in a group or not.
  const people = scope.kind === 'workspace' ? num((await ctx.tdb.selectFrom('member_counts').select('members').executeTakeFirst())?.members) : s.people;
  const lastWeek = actives.get(weekKey(weeks[weeks.length - 1]!)) ?? 0;
  const lastMonth = actives.get(monthKey(months[months.length - 1]!)) ?? 0;
  const messages = total('message');
  const purchases = total('purchase');
  return {
    scope: { kind: scope.kind, id: scope.id, name: scope.name },
    range: { from: dayDate(range.firstDay), to: dayDate(range.lastDay), timezone: range.timezone },
    scale: {
      people, seats: s.seats, duplicateSeats: Math.max(0, s.seats - s.people),
      memberFloor: kpi?.memberFloor ?? null,
      joins: total('join'), leaves: total('leave'), netGrowth: total('join') - total('leave'),
    },
    activity: {
      messages, activities: [...perKind.entries()].filter(([k]) => k !== 'join' && k !== 'leave' && k !== 'service').reduce((t, [, a]) => t + a.reduce((x, y) => x + y, 0), 0),
      weeklyActive: lastWeek, monthlyActive: lastMonth,
      activeMemberRate: people ? lastMonth / people : 0, activeMemberRateTarget: kpi?.activeMemberRate ?? null,
      messagesPerActiveMember: lastMonth ? messages / lastMonth : 0,
      concentration: await concentration(ctx, scope, range, messages),
    },
    revenue: { purchases, amountCents: revenue, perMemberCents: people ? Math.round(revenue / people) : 0 },
    days: dayList.map((d, i) => ({
      date: dayDate(d), period: dayKey(d), messages: series('message')[i]!, joins: series('join')[i]!, leaves: series('leave')[i]!,
      purchases: series('purchase')[i]!, active: scope.kind === 'workspace' ? actives.get(dayKey(d)) ?? 0 : null,
    })),
    weeks: weeks.map((w) => ({ week: dayDate(weekStartDay(w)), period: weekKey(w), active: actives.get(weekKey(w)) ?? 0 })),
    months: months.map((m) => ({ month: monthDate(m), period: monthKey(m), active: actives.get(monthKey(m)) ?? 0 })),
    heatmap,
  };
}

/** The funnel: members who reached each milestone in the range, and what became of those who joined in it. */
export async function funnel(ctx: Ctx, q: DashboardQuery) {
  ctx.authorize('activity.read');
  ctx.authorize('member.read');
  const [scope, range] = [await resolveScope(ctx, q), await resolveRange(ctx, q)];
  // First reaches by day: a few rows per day, where counting member rows took 42 ms at 250,000 members.
  const reached = await ctx.tdb.selectFrom('milestone_days').select(['milestone', (eb) => eb.fn.sum<number>('n').as('n')])
    .where('scope', '=', scope.key).where('day', '>=', range.firstDay).where('day', '<=', range.lastDay).groupBy('milestone').execute();
  // The join cohort of the range, followed to each later milestone (whenever it came): the cohort rollup by
  // join day, where a join per member cost a row per member (88,000 rows at 250,000 members).
  const cohort = await ctx.tdb.selectFrom('cohort_milestones').select(['milestone', (eb) => eb.fn.sum<number>('n').as('n'), (eb) => eb.fn.sum<number>('wait').as('wait')])
    .where('scope', '=', scope.key).where('join_day', '>=', range.firstDay).where('join_day', '<=', range.lastDay).groupBy('milestone').execute();
  const byReached = new Map(reached.map((r) => [r.milestone, num(r.n)]));
  const byCohort = new Map(cohort.map((r) => [r.milestone, { n: num(r.n), wait: num(r.wait) }]));
  const joined = byCohort.get('join')?.n ?? 0;
  return {
    scope: { kind: scope.kind, id: scope.id, name: scope.name },
    range: { from: dayDate(range.firstDay), to: dayDate(range.lastDay), timezone: range.timezone },
    stages: MILESTONES.map((m: Milestone) => {
      const c = byCohort.get(m);
      return {
        stage: m,
        reachedInRange: byReached.get(m) ?? 0,
        fromJoinCohort: c?.n ?? 0,
        conversionFromJoin: joined ? (c?.n ?? 0) / joined : 0,
        meanDaysFromJoin: c && c.n && m !== 'join' ? c.wait / c.n / DAY : null,
      };
    }),
  };
}

/** Join cohorts by week or month, and the share of each still active k periods later. */
export async function retention(ctx: Ctx, q: DashboardQuery & { period?: 'week' | 'month' }) {
  ctx.authorize('activity.read');
  ctx.authorize('member.read');
  const [scope, range] = [await resolveScope(ctx, q), await resolveRange(ctx, q)];
  const period = q.period ?? 'week';
  const prefix = period === 'week' ? 'w' : 'm';
  const inRange = (table: 'cohort_milestones' | 'cohort_periods') => ctx.tdb.selectFrom(table)
    .where('scope', '=', scope.key).where('join_day', '>=', range.firstDay).where('join_day', '<=', range.lastDay);
  const joined = await inRange('cohort_milestones').select(['join_day', 'n']).where('milestone', '=', 'join').execute();
  const cells = await inRange('cohort_periods').select(['join_day', 'period', 'n']).where('period', '>=', prefix).where('period', '<', `${prefix}~`).execute();
  const index = (day: number) => (period === 'week' ? weekOf(day) : monthOf(day));
  const lastIndex = index(localDayHour(ctx.clock.now(), range.timezone).day);
  const cohorts = new Map<number, { members: number; active: Map<number, number> }>();
  const cohortOf = (joinDay: number) => {
    const c0 = index(joinDay);
    let c = cohorts.get(c0);
    if (!c) cohorts.set(c0, (c = { members: 0, active: new Map() }));
    return [c0, c] as const;
  };
  for (const r of joined) cohortOf(r.join_day)[1].members += num(r.n);
  for (const r of cells) {
    const [c0, c] = cohortOf(r.join_day);
    const k = Number(r.period.slice(1)) - c0;
    if (k >= 0) c.active.set(k, (c.active.get(k) ?? 0) + num(r.n));
  }
  return {
    scope: { kind: scope.kind, id: scope.id, name: scope.name },
    range: { from: dayDate(range.firstDay), to: dayDate(range.lastDay), timezone: range.timezone },
    period,
    cohorts: [...cohorts.entries()].sort(([a], [b]) => a - b).map(([c0, c]) => ({
      cohort: period === 'week' ? dayDate(weekStartDay(c0)) : monthDate(c0),
      members: c.members,
      // Offsets 0 … now: a cohort is not followed into the future.
      active: Array.from({ length: Math.max(0, lastIndex - c0 + 1) }, (_, k) => c.active.get(k) ?? 0),
    })),
  };
}

export interface GroupHealth {
  groupId: string;
  name: string;
  communityId: string;
  platform: string;
  status: string;
  seats: number;
  capacity: number;
  ageDays: number;
  messages: number;
  joins: number;
  leaves: number;
  revenueCents: number;
  owner: { type: 'operator' | 'member'; id: string } | null;
  secretary: { type: 'operator' | 'member'; id: string } | null;
  /** Mean weekly active members over the range's weeks, and as a share of the seats. */
  weeklyActive: number;
  activeRate: number;
  /** Messages in the range's last 7 days against the mean of the 3 weeks before. */
  trend: number | null;
  quiet: boolean;
  pastPrime: boolean;
  score: number;
  reasons: { code: 'low_active_rate' | 'little_talk' | 'going_quiet' | 'shrinking' | 'past_prime' | 'near_capacity'; value: number }[];
}

const PRIME_DAYS = 730;

/** Every group of the scope with its measures, health score and reasons, healthiest first (the PK board). */
/** group_spans' figures: messages, joins, leaves and revenue (purchases' amounts). */
type SpanColumn = 'messages' | 'joins' | 'leaves' | 'revenue';
interface Window { columns: SpanColumn[]; first: number; last: number }

/**
 * Above this many groups, a board reads every scope's rows of its spans and days and keeps the groups': reading
 * an index range costs a small fraction of a lookup per row, so this wins early (the demo test's workspace takes
 * this path, its communities the other).
 */
const MANY_GROUPS = 8;

/**
 * Some groups' figures over several windows of days, handed to `add` per window, group and column, from group_spans
 * (a row per group and aligned span of days, a column per figure): each window is the fewest aligned spans, single
 * days at its edges included, so a group costs a few rows (about 2 × log2 of the range) instead of one per day.
 * One plain query per window: summing every window at once with a CASE per window and row cost SQLite more than
 * reading the rows (403 groups, when spans had a row per kind: 11.9 ms against 5.3 ms this way). The queries are
 * sent together: on PostgreSQL each runs on a connection of its own while this process reads the rows of another.
 */
async function sumGroups(ctx: Ctx, groups: string[], windows: Window[], add: (window: number, scope: string, column: SpanColumn, value: number) => void): Promise<void> {
  if (!groups.length) return;
  const many = groups.length > MANY_GROUPS;
  const wanted = new Set(groups);
  await Promise.all(windows.map(async (w, i) => {
    if (w.last < w.first) return;
    const { spans, days } = daySpans(w.first, w.last);
    // A single day is its own span (level 0). Literals: small integers from this code, never input.
    const keys = sql.join([...days, ...spans].map((x) => sql.lit(x)));
    let q = ctx.tdb.selectFrom('group_spans').select('scope').where(sql<boolean>`span in (${keys})`).groupBy('scope')
      .select((eb) => w.columns.map((c) => eb.fn.sum<number>(c).as(c)));
    // Many groups are read by span first (an index range each, every group in it) and the others dropped here:
    // looked up one by one, 403 groups took 40,000 index lookups.
    if (!many) q = q.where('scope', 'in', groups);
    for (const r of (await q.execute()) as Record<string, unknown>[]) {
      const scope = r.scope as string;
      if (many && !wanted.has(scope)) continue;
      for (const c of w.columns) add(i, scope, c, num(r[c]));
    }
  }));
}

interface GroupStats { messages: number; joins: number; leaves: number; recent: number; before: number; weekly: number; revenue: number; seats: number }

export async function groupHealth(ctx: Ctx, q: DashboardQuery): Promise<{ range: { from: string; to: string; timezone: string }; items: GroupHealth[] }> {
  ctx.authorize('activity.read');
  ctx.authorize('group.read');
  const [scope, range, v] = await Promise.all([resolveScope(ctx, q), resolveRange(ctx, q), ctx.visibility()]);
  const groups = (await groupsIn(ctx, scope)).filter((g) => v.all || v.groupIds.has(g.id));
  const ids = groups.map((g) => g.id);
  const trendFrom = range.lastDay - 27;
  const stats = new Map<string, GroupStats>();
  for (const g of groups) stats.set(g.id, { messages: 0, joins: 0, leaves: 0, recent: 0, before: 0, weekly: 0, revenue: 0, seats: 0 });
  const weeks = weeksOf(range);
  // No list of the groups is sent for more than MANY_GROUPS of them (see sumGroups), so none is cut in parts.
  const sums = sumGroups(ctx, ids, [
    { columns: ['messages', 'joins', 'leaves', 'revenue'], first: range.firstDay, last: range.lastDay },
    { columns: ['messages'], first: range.lastDay - 6, last: range.lastDay },
    { columns: ['messages'], first: trendFrom, last: range.lastDay - 7 },
  ], (window, scope, column, value) => {
    const s = stats.get(scope)!;
    if (window === 0) s[column] += value;
    else if (window === 1) s.recent += value;
    else s.before += value;
  });
  // Summed in the database: a row per scope and week reached JavaScript as 20,607 objects for 2,039 groups (15 ms).
  let act = ctx.tdb.selectFrom('period_actives').select(['scope', (eb) => eb.fn.sum<number>('n').as('n')]).where('period', 'in', weeks.map(weekKey)).groupBy('scope');
  if (ids.length <= MANY_GROUPS) act = act.where('scope', 'in', ids);
  // Many groups: the workspace's seat rows in one range (a row per scope), not lists of 500 ids.
  let seatRows = ctx.tdb.selectFrom('scope_seats').select(['scope', 'seats']);
  if (ids.length <= MANY_GROUPS) seatRows = seatRows.where('scope', 'in', ids);
  await Promise.all([
    sums,
    ids.length && act.execute().then((rows) => {
      for (const r of rows) {
        const s = stats.get(r.scope);
        if (s) s.weekly += num(r.n) / weeks.length;
      }
    }),
    ids.length && seatRows.execute().then((rows) => {
      for (const r of rows) {
        const s = stats.get(r.scope);
        if (s) s.seats = num(r.seats);
      }
    }),
  ]);
  const now = ctx.clock.now();
  const weeksInRange = (range.lastDay - range.firstDay + 1) / 7;
  const items = groups.map((g): GroupHealth => {
    const s = stats.get(g.id)!;
    const seatsN = s.seats;
    const activeRate = seatsN ? Math.min(1, s.weekly / seatsN) : 0;
    const beforeWeekly = s.before / 3;
    const trend = beforeWeekly >= 1 ? s.recent / beforeWeekly : null;
    const perSeatWeekly = seatsN ? s.messages / seatsN / weeksInRange : 0;
    // Four parts: who takes part (40), how much is said (20), where it is heading (20), growth (20).
    const reasons: GroupHealth['reasons'] = [];
    const pActive = Math.min(1, activeRate / 0.3) * 40;
    if (activeRate < 0.1) reasons.push({ code: 'low_active_rate', value: activeRate });
    const pTalk = Math.min(1, perSeatWeekly) * 20;
    if (perSeatWeekly < 0.2) reasons.push({ code: 'little_talk', value: perSeatWeekly });
    const pTrend = trend === null ? (s.recent > 0 ? 20 : 0) : Math.min(1, trend) * 20;
    const quiet = trend !== null && trend < 0.5;
    if (quiet) reasons.push({ code: 'going_quiet', value: trend! });
    const net = s.joins - s.leaves;
    const pGrowth = net >= 0 ? 20 : Math.max(0, 20 - (seatsN ? (-net / seatsN) * 200 : 20));
    if (net < 0) reasons.push({ code: 'shrinking', value: net });
    const ageDays = Math.floor((now - num(g.created_at)) / DAY);
    const pastPrime = ageDays > PRIME_DAYS;
    if (pastPrime) reasons.push({ code: 'past_prime', value: ageDays });
    if (g.capacity && seatsN >= g.capacity * 0.95) reasons.push({ code: 'near_capacity', value: seatsN / g.capacity });
    return {
      groupId: g.id, name: g.name, communityId: g.community_id, platform: g.platform, status: g.status, seats: seatsN, capacity: g.capacity, ageDays,
      messages: s.messages, joins: s.joins, leaves: s.leaves, revenueCents: s.revenue,
      owner: g.owner_type && g.owner_id ? { type: g.owner_type as 'operator' | 'member', id: g.owner_id } : null,
      secretary: g.secretary_type && g.secretary_id ? { type: g.secretary_type as 'operator' | 'member', id: g.secretary_id } : null,
      weeklyActive: Math.round(s.weekly * 10) / 10, activeRate, trend, quiet, pastPrime,
      score: Math.round(pActive + pTalk + pTrend + pGrowth), reasons,
    };
  });
  items.sort((a, b) => b.score - a.score || b.messages - a.messages || a.name.localeCompare(b.name));
  return { range: { from: dayDate(range.firstDay), to: dayDate(range.lastDay), timezone: range.timezone }, items };
}

/** The RFM segments: recent (bought in the last 90 days), frequent (twice or more), big (spent above the mean). */
export const RFM_SEGMENTS = [
  'champions', 'loyal_lapsing', 'big_new', 'big_lapsing', 'regular_recent', 'regular_lapsing', 'small_new', 'small_lapsed',
] as const;
const RECENT_DAYS = 90;

/**
 * Money (量·质·ROI): revenue and orders in the range against the community's target per member, new buyers,
 * consultations and how many of them ordered, repurchase, the time between purchases, and RFM segments.
 */
export async function value(ctx: Ctx, q: DashboardQuery) {
  ctx.authorize('activity.read');
  ctx.authorize('member.read');
  const [scope, range] = [await resolveScope(ctx, q), await resolveRange(ctx, q)];
  const kinds = await ctx.tdb.selectFrom('activity_days').select(['kind', (eb) => eb.fn.sum<number>('n').as('n'), (eb) => eb.fn.sum<number>('amount').as('amount')])
    .where('scope', '=', scope.key).where('day', '>=', range.firstDay).where('day', '<=', range.lastDay).where('kind', 'in', ['purchase', 'consultation']).groupBy('kind').execute();
  const k = (kind: string) => kinds.find((r) => r.kind === kind);
  const newBuyers = num((await ctx.tdb.selectFrom('member_milestones').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('scope', '=', scope.key).where('milestone', '=', 'purchase').where('first_at', '>=', range.fromAt).where('first_at', '<', range.toAt).executeTakeFirstOrThrow()).n);
  // Consultations first made in the range, and how many of those members ordered afterwards.
  const consulted = await ctx.tdb.selectFrom('member_milestones')
    .leftJoin('member_milestones as p', (jn) => jn.onRef('p.workspace_id', '=', 'member_milestones.workspace_id').onRef('p.scope', '=', 'member_milestones.scope')
      .onRef('p.member_id', '=', 'member_milestones.member_id').on('p.milestone', '=', 'purchase'))
    .select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>(sql`case when p.last_at >= member_milestones.first_at then 1 else 0 end`).as('ordered')])
    .where('member_milestones.scope', '=', scope.key).where('member_milestones.milestone', '=', 'consultation')
    .where('member_milestones.first_at', '>=', range.fromAt).where('member_milestones.first_at', '<', range.toAt).executeTakeFirstOrThrow();
  // Buyers, repurchase and RFM describe the scope's buyers as they are now, whatever the range: a member's
  // rollup row holds their whole purchase history, not its state on a past day.
  const buyers = ctx.tdb.selectFrom('member_milestones').where('scope', '=', scope.key).where('milestone', '=', 'purchase');
  const agg = await buyers.select([
    (eb) => eb.fn.countAll<number>().as('buyers'), (eb) => eb.fn.sum<number>(sql`case when n > 1 then 1 else 0 end`).as('repeat'),
    (eb) => eb.fn.sum<number>('amount').as('amount'), (eb) => eb.fn.sum<number>(sql`case when n > 1 then last_at - first_at else 0 end`).as('span'),
    (eb) => eb.fn.sum<number>(sql`case when n > 1 then n - 1 else 0 end`).as('gaps'),
  ]).executeTakeFirstOrThrow();
  const mean = num(agg.buyers) ? num(agg.amount) / num(agg.buyers) : 0;
  const recentFrom = ctx.clock.now() - RECENT_DAYS * DAY;
  const seg = sql<number>`(case when last_at >= ${sql.lit(recentFrom)} then 4 else 0 end) + (case when n > 1 then 2 else 0 end) + (case when amount > ${sql.lit(Math.floor(mean))} then 1 else 0 end)`;
  const segRows = await buyers.select([seg.as('seg'), (eb) => eb.fn.countAll<number>().as('n')]).groupBy(seg).execute();
  // Bits: recent 4, frequent 2, high value 1 → segment names.
  const NAMES: Record<number, (typeof RFM_SEGMENTS)[number]> = {
    7: 'champions', 6: 'regular_recent', 5: 'big_new', 4: 'small_new', 3: 'loyal_lapsing', 2: 'regular_lapsing', 1: 'big_lapsing', 0: 'small_lapsed',
  };
  const segCount = new Map(segRows.map((r) => [NAMES[num(r.seg)]!, num(r.n)]));
  const people = scope.kind === 'workspace'
    ? num((await ctx.tdb.selectFrom('members').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
    : (await seats(ctx, scope)).people;
  const community = scope.kind === 'community' ? await ctx.tdb.selectFrom('communities').select('canvas').where('id', '=', scope.id!).executeTakeFirst() : null;
  const yearly = community ? (JSON.parse(community.canvas) as { kpi?: { revenuePerMemberPerYearCents?: number } }).kpi?.revenuePerMemberPerYearCents ?? null : null;
  const spanDays = range.lastDay - range.firstDay + 1;
  const revenue = num(k('purchase')?.amount);
  return {
    scope: { kind: scope.kind, id: scope.id, name: scope.name },
    range: { from: dayDate(range.firstDay), to: dayDate(range.lastDay), timezone: range.timezone },
    revenueCents: revenue,
    orders: num(k('purchase')?.n),
    revenuePerMemberCents: people ? Math.round(revenue / people) : 0,
    // The yearly target per member, for the range's share of a year.
    revenuePerMemberTargetCents: yearly ? Math.round((yearly * spanDays) / 365) : null,
    newBuyers,
    consultations: num(k('consultation')?.n),
    consultingMembers: num(consulted.n),
    consultingMembersWhoOrdered: num(consulted.ordered),
    buyers: num(agg.buyers),
    repurchaseRate: num(agg.buyers) ? num(agg.repeat) / num(agg.buyers) : 0,
    meanDaysBetweenPurchases: num(agg.gaps) ? num(agg.span) / num(agg.gaps) / DAY : null,
    meanSpendCents: Math.round(mean),
    rfm: RFM_SEGMENTS.map((s) => ({ segment: s, members: segCount.get(s) ?? 0 })),
  };
}

/**
 * 团队考核: a scorecard per keeper (an operator or a member who owns a group or is its secretary) on their
 * groups' measures over the range: groups, seats, messages, net growth, weekly actives, revenue, the mean
 * health score and how many of their groups are going quiet.
 */
export async function team(ctx: Ctx, q: DashboardQuery, health?: Awaited<ReturnType<typeof groupHealth>>) {
  // The health board of the same scope and range, when the caller has it already (the report).
  const board = health ?? (await groupHealth(ctx, q));
  const cards = new Map<string, { type: 'operator' | 'member'; id: string; roles: Set<string>; groups: GroupHealth[] }>();
  for (const g of board.items) {
    for (const [role, k] of [['owner', g.owner], ['secretary', g.secretary]] as const) {
      if (!k) continue;
      const key = `${k.type}:${k.id}`;
      let c = cards.get(key);
      if (!c) cards.set(key, (c = { type: k.type, id: k.id, roles: new Set(), groups: [] }));
      c.roles.add(role);
      if (!c.groups.includes(g)) c.groups.push(g);
    }
  }
  const ids = (type: string) => [...cards.values()].filter((c) => c.type === type).map((c) => c.id);
  const names = new Map<string, string>();
  const ops = ids('operator');
  if (ops.length) for (const o of await ctx.tdb.selectFrom('operators').select(['id', 'name']).where('id', 'in', ops).execute()) names.set(`operator:${o.id}`, o.name);
  const mems = ids('member');
  if (mems.length) for (const m of await ctx.tdb.selectFrom('members').select(['id', 'display_name']).where('id', 'in', mems).execute()) names.set(`member:${m.id}`, m.display_name);
  const sum = (gs: GroupHealth[], f: (g: GroupHealth) => number) => gs.reduce((t, g) => t + f(g), 0);
  const items = [...cards.entries()].map(([key, c]) => {
    const seats = sum(c.groups, (g) => g.seats);
    const weekly = sum(c.groups, (g) => g.weeklyActive);
    return {
      keeper: { type: c.type, id: c.id, name: names.get(key) ?? c.id }, roles: [...c.roles].sort() as ('owner' | 'secretary')[],
      groups: c.groups.length, groupIds: c.groups.map((g) => g.groupId), seats, messages: sum(c.groups, (g) => g.messages),
      netGrowth: sum(c.groups, (g) => g.joins - g.leaves), weeklyActive: Math.round(weekly * 10) / 10, activeRate: seats ? Math.min(1, weekly / seats) : 0,
      revenueCents: sum(c.groups, (g) => g.revenueCents), meanScore: Math.round(sum(c.groups, (g) => g.score) / c.groups.length),
      quietGroups: c.groups.filter((g) => g.quiet).length,
    };
  });
  items.sort((a, b) => b.meanScore - a.meanScore || b.messages - a.messages || a.keeper.name.localeCompare(b.keeper.name));
  return { range: board.range, items };
}
