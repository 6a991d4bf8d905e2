// Rollup maintenance: what the dashboards read instead of scanning activities.
//
// A write of new activities does not count them: it leaves one row in `rollup_queue` (what the rollups need
// of each activity) in its own transaction, so a rolled-back write leaves no trace and a duplicate activity,
// never inserted, is never queued. The engine's rollup runner counts the queue in batches of ~50,000
// activities, and deletes what it counted in the same transaction as the counts (a crash repeats nothing).
// Counting a thousand activities at a time cost the ingest as much again as writing them (7 member-period and
// 3 milestone upserts per member-activity, most of them conflicts); in batches of 50,000 a busy day's repeated
// keys collapse in memory first, and the writer pays one insert per call. Every dashboard read catches up
// first, so what it shows is never behind what was written: the runner's laziness is only the size of that
// catch-up. An import adds its rows when it is published, a member merge, split or erasure recounts the members
// concerned (after the queue is counted), and `rebuildRollups` recomputes everything (after a time-zone
// change, or to check). All four take the workspace's rollup lock, so that their upserts never deadlock.
import type { Kysely } from 'kysely';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { dayKey, localDayHour, monthKey, monthOf, SPAN_LEVELS, spanOf, weekKey, weekOf } from './calendar.ts';
import { CohortDeltas, followMilestones, followPeriods, memberStateOf, type MilestoneMove } from './cohort.ts';
import { resetVoice } from './voice.ts';
import { forgetStructures } from './structure.ts';

export type RollupRow = Pick<Database['activities'], 'kind' | 'member_id' | 'group_id' | 'occurred_at' | 'payload' | 'content_source'>;
/** What the rollups count of an activity: the payload only matters for a purchase's amount and an attendance's event. */
interface Counted { kind: string; member_id: string | null; group_id: string | null; at: number; content_source: string | null; amount: number; event: string | null }
/** A Counted as it waits in the queue: [kind, member, group, occurredAt, contentSource, amountCents, event]. */
type QueuedRow = [string, string | null, string | null, number, string | null, number, string | null];

const counted = (r: RollupRow): Counted => ({
  kind: r.kind, member_id: r.member_id, group_id: r.group_id, at: Number(r.occurred_at), content_source: r.content_source,
  amount: amountOf(r.kind, r.payload), event: eventOf(r.kind, r.payload),
});
const fromQueue = ([kind, member_id, group_id, at, content_source, amount, event]: QueuedRow): Counted => ({ kind, member_id, group_id, at, content_source, amount, event });

/** The analytics time zone of a workspace that never chose one. */
export const DEFAULT_TIMEZONE = 'Asia/Shanghai';

/** Kinds that are not a member doing something (being added, leaving, system notices): they make no one active. */
const PASSIVE_KINDS = new Set(['join', 'leave', 'service']);
export const isActiveKind = (kind: string): boolean => !PASSIVE_KINDS.has(kind);
/** The funnel's milestones: 吸粉 (join), 养粉 (active), 促粉 (consultation), 变现 (purchase). */
export const MILESTONES = ['join', 'active', 'consultation', 'purchase'] as const;
export type Milestone = (typeof MILESTONES)[number];

/** An attendance's event: payload.eventId, else the event's name; null when it names none. */
export function eventOf(kind: string, payload: string): string | null {
  if (kind !== 'attendance') return null;
  try {
    const p = JSON.parse(payload) as { eventId?: unknown; event?: unknown };
    const k = typeof p.eventId === 'string' && p.eventId ? p.eventId : typeof p.event === 'string' && p.event ? p.event : null;
    return k ? k.slice(0, 200) : null;
  } catch {
    return null;
  }
}

/** A purchase's amount in cents (payload.amountCents); anything else counts nothing. */
export function amountOf(kind: string, payload: string): number {
  if (kind !== 'purchase') return 0;
  try {
    const v = (JSON.parse(payload) as { amountCents?: unknown }).amountCents;
    return typeof v === 'number' && Number.isFinite(v) ? Math.round(v) : 0;
  } catch {
    return 0;
  }
}

export const communityScope = (communityId: string): string => `c:${communityId}`;

interface DayDelta { scope: string; day: number; kind: string; n: number; amount: number }
/** A group's figures over one aligned span of days (group_spans): the health board's messages, joins, leaves and revenue. */
interface SpanDelta { scope: string; span: number; messages: number; joins: number; leaves: number; revenue: number }
/** The kinds the health board sums per group over any range (group_spans). */
const SPAN_KINDS = new Set(['message', 'join', 'leave', 'purchase']);
const addSpan = (x: SpanDelta, v: SpanDelta) => {
  x.messages += v.messages;
  x.joins += v.joins;
  x.leaves += v.leaves;
  x.revenue += v.revenue;
};
interface HourDelta { scope: string; day: number; hour: number; n: number }
interface PeriodDelta { scope: string; member_id: string; period: string }
interface EventDelta { scope: string; event_key: string; first_at: number; attendances: number }
interface ContentDelta { scope: string; day: number; source: string; n: number }
interface MilestoneDelta { scope: string; member_id: string; milestone: string; first_at: number; last_at: number; n: number; amount: number }

interface Expanded {
  days: DayDelta[]; spans: SpanDelta[]; hours: HourDelta[]; periods: PeriodDelta[]; milestones: MilestoneDelta[]; events: EventDelta[]; content: ContentDelta[];
}

/** Adds `v` into the entry at `k` with `merge`, or makes it the entry. */
function bump<V>(m: Map<string, V>, k: string, v: V, merge: (into: V, v: V) => void): void {
  const x = m.get(k);
  if (x) merge(x, v);
  else m.set(k, v);
}
const addN = <V extends { n: number; amount?: number }>(into: V, v: V) => {
  into.n += v.n;
  if (into.amount !== undefined) into.amount += v.amount!;
};

/**
 * The sum of many activities' contributions. They are summed by group first ('' for none), not yet by
 * scope: an activity costs a few map operations, and the fan-out to the workspace, community and group
 * scopes (and a group's spans, and a member's periods) happens once per distinct key, in expand().
 */
class Deltas {
  private readonly days = new Map<string, { group: string; day: number; kind: string; n: number; amount: number }>();
  private readonly hours = new Map<string, { group: string; day: number; hour: number; n: number }>();
  private readonly content = new Map<string, { group: string; day: number; source: string; n: number }>();
  private readonly events = new Map<string, { group: string; event_key: string; first_at: number; attendances: number }>();
  /** A member active in a group (or none) on a day. */
  private readonly activeDays = new Map<string, { group: string; member_id: string; day: number }>();
  private readonly milestones = new Map<string, { group: string; member_id: string; milestone: string; first_at: number; last_at: number; n: number; amount: number }>();

  constructor(
    readonly timezone: string,
    /** A group's community, for the community scope (a group not found counts for the workspace and itself). */
    private readonly communityOf: Map<string, string | null>,
    /** Only the member-keyed rollups (a member's activities counted again). */
    private readonly membersOnly = false,
  ) {}

  add(a: Counted): void {
    const { at, amount, event, kind } = a;
    const { day, hour } = localDayHour(at, this.timezone);
    const group = a.group_id ?? '';
    if (!this.membersOnly) {
      bump(this.days, `${group}|${day}|${kind}`, { group, day, kind, n: 1, amount }, addN);
      if (event) {
        bump(this.events, `${group}|${event}`, { group, event_key: event, first_at: at, attendances: 1 }, (e, v) => {
          e.first_at = Math.min(e.first_at, v.first_at);
          e.attendances += 1;
        });
      }
      if (a.content_source) bump(this.content, `${group}|${day}|${a.content_source}`, { group, day, source: a.content_source, n: 1 }, addN);
      if (kind === 'message') bump(this.hours, `${group}|${day}|${hour}`, { group, day, hour, n: 1 }, addN);
    }
    const member = a.member_id;
    if (!member) return;
    const active = isActiveKind(kind);
    if (active) {
      const k = `${member}|${group}|${day}`;
      if (!this.activeDays.has(k)) this.activeDays.set(k, { group, member_id: member, day });
    }
    const milestone = kind === 'join' || kind === 'consultation' || kind === 'purchase' ? kind : active ? 'active' : null;
    if (!milestone) return;
    bump(this.milestones, `${member}|${group}|${milestone}`, { group, member_id: member, milestone, first_at: at, last_at: at, n: 1, amount }, mergeMilestone);
  }

  get empty(): boolean {
    return !this.days.size && !this.activeDays.size && !this.milestones.size && !this.events.size && !this.content.size;
  }

  /** The contributions keyed as the rollup tables are. */
  expand(): Expanded {
    const scopeCache = new Map<string, string[]>();
    const scopesOf = (group: string): string[] => {
      let s = scopeCache.get(group);
      if (!s) {
        const community = group ? this.communityOf.get(group) : null;
        scopeCache.set(group, (s = ['', ...(community ? [communityScope(community)] : []), ...(group ? [group] : [])]));
      }
      return s;
    };
    const days = new Map<string, DayDelta>();
    const spans = new Map<string, SpanDelta>();
    for (const d of this.days.values()) {
      for (const scope of scopesOf(d.group)) bump(days, `${scope}|${d.day}|${d.kind}`, { scope, day: d.day, kind: d.kind, n: d.n, amount: d.amount }, addN);
      if (d.group && SPAN_KINDS.has(d.kind)) {
        const messages = d.kind === 'message' ? d.n : 0;
        const joins = d.kind === 'join' ? d.n : 0;
        const leaves = d.kind === 'leave' ? d.n : 0;
        const revenue = d.kind === 'purchase' ? d.amount : 0;
        for (let level = 0; level <= SPAN_LEVELS; level++) {
          const span = spanOf(level, d.day);
          bump(spans, `${d.group}|${span}`, { scope: d.group, span, messages, joins, leaves, revenue }, addSpan);
        }
      }
    }
    const hours = new Map<string, HourDelta>();
    for (const h of this.hours.values()) for (const scope of scopesOf(h.group)) bump(hours, `${scope}|${h.day}|${h.hour}`, { scope, day: h.day, hour: h.hour, n: h.n }, addN);
    const content = new Map<string, ContentDelta>();
    for (const c of this.content.values()) for (const scope of scopesOf(c.group)) bump(content, `${scope}|${c.day}|${c.source}`, { scope, day: c.day, source: c.source, n: c.n }, addN);
    const events = new Map<string, EventDelta>();
    for (const e of this.events.values()) {
      for (const scope of scopesOf(e.group)) {
        bump(events, `${scope}|${e.event_key}`, { scope, event_key: e.event_key, first_at: e.first_at, attendances: e.attendances }, (x, v) => {
          x.first_at = Math.min(x.first_at, v.first_at);
          x.attendances += v.attendances;
        });
      }
    }
    // Daily actives for the workspace only: per group they would double the rows for little use.
    const dayPeriods = new Map<number, { day: string; week: string; month: string }>();
    const periods = new Map<string, PeriodDelta>();
    for (const a of this.activeDays.values()) {
      let p = dayPeriods.get(a.day);
      if (!p) dayPeriods.set(a.day, (p = { day: dayKey(a.day), week: weekKey(weekOf(a.day)), month: monthKey(monthOf(a.day)) }));
      for (const scope of scopesOf(a.group)) {
        for (const period of scope === '' ? [p.day, p.week, p.month] : [p.week, p.month]) {
          const k = `${scope}|${a.member_id}|${period}`;
          if (!periods.has(k)) periods.set(k, { scope, member_id: a.member_id, period });
        }
      }
    }
    const milestones = new Map<string, MilestoneDelta>();
    for (const m of this.milestones.values()) {
      for (const scope of scopesOf(m.group)) {
        bump(milestones, `${scope}|${m.member_id}|${m.milestone}`, { scope, member_id: m.member_id, milestone: m.milestone, first_at: m.first_at, last_at: m.last_at, n: m.n, amount: m.amount }, mergeMilestone);
      }
    }
    // In key order, as the tables' primary keys are: each chunk's upserts walk neighbouring pages of the B-tree.
    const v = <T>(m: Map<string, T>) => [...m.keys()].sort().map((k) => m.get(k)!);
    return { days: v(days), spans: v(spans), hours: v(hours), periods: v(periods), milestones: v(milestones), events: v(events), content: v(content) };
  }
}

function mergeMilestone(m: { first_at: number; last_at: number; n: number; amount: number }, v: { first_at: number; last_at: number; n: number; amount: number }): void {
  m.first_at = Math.min(m.first_at, v.first_at);
  m.last_at = Math.max(m.last_at, v.last_at);
  m.n += v.n;
  m.amount += v.amount;
}

// Rows per statement: well under SQLite's 32,766 parameters at 7 columns.
const CHUNK = 1000;
const chunks = <T>(rows: T[]): T[][] => Array.from({ length: Math.ceil(rows.length / CHUNK) }, (_, i) => rows.slice(i * CHUNK, (i + 1) * CHUNK));

/** DO UPDATE SET lists that add the new row's figures to the stored ones. */
const adding = (table: string, ...cols: string[]) => cols.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');

/**
 * Writes a batch's contributions. `fresh`: the batch holds every activity of its members and the rebuild has
 * written none of their rows yet, so the member-keyed rows are inserted as they are, none can meet a stored one.
 * Conflict handling and RETURNING cost more than the insert for rows that are all new: SQLite took 40 µs a new
 * row through RETURNING against 14 for a plain insert (measured).
 */
async function apply(tx: Ctx, deltas: Deltas, fresh = false): Promise<void> {
  const db = tx.tdb;
  const d = deltas.expand();
  await db.upsertMany('activity_days', d.days, { keys: ['workspace_id', 'scope', 'day', 'kind'], set: adding('activity_days', 'n', 'amount') });
  await db.upsertMany('group_spans', d.spans, { keys: ['workspace_id', 'scope', 'span'], set: adding('group_spans', 'messages', 'joins', 'leaves', 'revenue') });
  await db.upsertMany('scope_events', d.events, {
    keys: ['workspace_id', 'scope', 'event_key'],
    set: `first_at = case when excluded.first_at < scope_events.first_at then excluded.first_at else scope_events.first_at end, ${adding('scope_events', 'attendances')}`,
  });
  await db.upsertMany('content_days', d.content, { keys: ['workspace_id', 'scope', 'day', 'source'], set: adding('content_days', 'n') });
  await db.upsertMany('activity_hours', d.hours, { keys: ['workspace_id', 'scope', 'day', 'hour'], set: adding('activity_hours', 'n') });
  // Milestones before periods: what moved (a join, a first reach) decides where the batch's new periods count.
  const moves: MilestoneMove[] = [];
  let reached: { scope: string; member_id: string; milestone: string; first_at: number; prev_first_at: number | null }[];
  if (fresh) {
    await db.bulkInsert('member_milestones', d.milestones);
    reached = d.milestones.map((m) => ({ ...m, prev_first_at: null }));
  } else reached = await db.upsertMany('member_milestones', d.milestones, {
    keys: ['workspace_id', 'scope', 'member_id', 'milestone'],
    // Every right-hand side reads the row as it was, so prev_first_at takes the old first_at.
    set: 'prev_first_at = member_milestones.first_at, '
      + 'first_at = case when excluded.first_at < member_milestones.first_at then excluded.first_at else member_milestones.first_at end, '
      + `last_at = case when excluded.last_at > member_milestones.last_at then excluded.last_at else member_milestones.last_at end, ${adding('member_milestones', 'n', 'amount')}`,
  }, ['scope', 'member_id', 'milestone', 'first_at', 'prev_first_at']);
  for (const r of reached) {
    const [from, to] = [r.prev_first_at === null ? null : Number(r.prev_first_at), Number(r.first_at)];
    if (from !== to) moves.push({ scope: r.scope, member_id: r.member_id, milestone: r.milestone, from, to });
  }
  const cohorts = new CohortDeltas(deltas.timezone);
  const joins = moves.length ? await followMilestones(tx, cohorts, moves, fresh) : new Map<string, number | null>();
  // The rows returned are the new ones (a conflict returns nothing): each is one more active member.
  let added: { scope: string; member_id: string; period: string }[] = d.periods;
  if (fresh) await db.bulkInsert('member_periods', d.periods);
  else added = await db.upsertMany('member_periods', d.periods, { keys: ['workspace_id', 'scope', 'member_id', 'period'], set: null }, ['scope', 'member_id', 'period']);
  const actives = new Map<string, { scope: string; period: string; n: number }>();
  for (const r of added) {
    const k = `${r.scope}|${r.period}`;
    const a = actives.get(k);
    if (a) a.n += 1;
    else actives.set(k, { scope: r.scope, period: r.period, n: 1 });
  }
  await addActives(tx, [...actives.values()]);
  await followPeriods(tx, cohorts, added, joins, fresh);
  await cohorts.apply(tx, chunks);
}

async function addActives(tx: Ctx, rows: { scope: string; period: string; n: number }[]): Promise<void> {
  await tx.tdb.upsertMany('period_actives', rows, { keys: ['workspace_id', 'scope', 'period'], set: adding('period_actives', 'n') });
}

/** The workspace's analytics time zone: the default until a rebuild names another (and records it). */
export async function analyticsTimezone(tx: Ctx): Promise<string> {
  const row = await tx.tdb.selectFrom('analytics_state').select('timezone').executeTakeFirst();
  return row?.timezone ?? DEFAULT_TIMEZONE;
}

async function communities(tx: Ctx, groupIds: Iterable<string>): Promise<Map<string, string | null>> {
  const ids = [...new Set(groupIds)];
  const out = new Map<string, string | null>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await tx.tdb.withStaged().selectFrom('groups').select(['id', 'community_id']).where('id', 'in', ids.slice(i, i + 500)).execute();
    for (const r of rows) out.set(r.id, r.community_id);
  }
  return out;
}

/** Queues newly written activities for the rollups, in the caller's transaction: one row per call. */
export async function queueForRollups(tx: Ctx, rows: RollupRow[]): Promise<void> {
  if (!rows.length) return;
  const queued = rows.map((r): QueuedRow => {
    const c = counted(r);
    return [c.kind, c.member_id, c.group_id, c.at, c.content_source, c.amount, c.event];
  });
  await tx.tdb.insertInto('rollup_queue', { id: tx.ids.next('rq'), n: rows.length, rows: JSON.stringify(queued), created_at: tx.clock.now() }).execute();
}

/**
 * Activities counted per transaction by the runner: large enough for a busy day's repeated keys to collapse in
 * memory (per activity, a batch of 50,000 cost about half what one of 20,000 did), small enough that SQLite's
 * one connection is held for a second or two at most under a saturating ingest.
 */
export const ROLLUP_BATCH = 50_000;

/**
 * Counts the oldest queued activities, about `limit` of them (whole queue rows: at least one), and deletes
 * their queue rows in the same transaction. Returns how many activities it counted (0: the queue is empty).
 */
export async function runRollups(ctx: Ctx, limit = ROLLUP_BATCH): Promise<number> {
  return ctx.transaction(async (tx) => {
    await tx.tdb.lockRollups();
    // Sizes first: a queue row of one bulk write holds thousands of activities, and a backlog may hold millions.
    const heads = await tx.tdb.selectFrom('rollup_queue').select(['id', 'n']).orderBy('id').limit(limit).execute();
    let total = 0;
    let take = 0;
    while (take < heads.length && total < limit) total += Number(heads[take++]!.n);
    if (!take) return 0;
    const ids = heads.slice(0, take).map((h) => h.id);
    const rows: Counted[] = [];
    for (let i = 0; i < ids.length; i += CHUNK) {
      for (const q of await tx.tdb.selectFrom('rollup_queue').select('rows').where('id', 'in', ids.slice(i, i + CHUNK)).execute()) {
        for (const r of JSON.parse(q.rows) as QueuedRow[]) rows.push(fromQueue(r));
      }
    }
    const d = new Deltas(await analyticsTimezone(tx), await communities(tx, rows.flatMap((r) => (r.group_id ? [r.group_id] : []))));
    for (const r of rows) d.add(r);
    await apply(tx, d);
    for (let i = 0; i < ids.length; i += CHUNK) await tx.tdb.deleteFrom('rollup_queue').where('id', 'in', ids.slice(i, i + CHUNK)).execute();
    return total;
  });
}

/**
 * Counts everything queued, so that what is read next shows every activity written before: called by every
 * rollup reader. Costs one indexed lookup when the runner has kept up.
 */
export async function catchUpRollups(ctx: Ctx): Promise<void> {
  if (!(await ctx.tdb.selectFrom('rollup_queue').select('id').limit(1).executeTakeFirst())) return;
  while ((await runRollups(ctx)) > 0);
}

/** Per workspace: activities waiting in the rollup queue, and when the oldest was queued (for the engine). */
export async function rollupBacklog(db: Kysely<Database>): Promise<{ workspaceId: string; n: number; oldest: number }[]> {
  const rows = await db.selectFrom('rollup_queue').select(['workspace_id', (eb) => eb.fn.sum<number>('n').as('n'), (eb) => eb.fn.min<number>('created_at').as('oldest')])
    .groupBy('workspace_id').execute();
  return rows.map((r) => ({ workspaceId: r.workspace_id, n: Number(r.n), oldest: Number(r.oldest) }));
}

const ROLLUP_COLUMNS = ['id', 'kind', 'member_id', 'group_id', 'occurred_at', 'payload', 'content_source', 'created_at'] as const;
const PAGE = 20_000;

/** Adds an import's activities when it is published (they were hidden, so counted nowhere, until then). */
export async function addImportToRollups(tx: Ctx, importId: string, startedAt: number): Promise<void> {
  await tx.tdb.lockRollups();
  const tz = await analyticsTimezone(tx);
  let after: { created: number; id: string } | null = null;
  const groups = new Map<string, string | null>();
  for (;;) {
    let q = tx.tdb.selectFrom('activities').select(ROLLUP_COLUMNS).where('import_id', '=', importId).where('created_at', '>=', startedAt)
      .orderBy('created_at').orderBy('id').limit(PAGE);
    const c = after;
    // A row comparison: both dialects walk the (workspace, created_at, id) index from it, where an OR made
    // SQLite scan from the workspace's first row on every page.
    if (c) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(c.created, c.id)));
    const rows = await q.execute();
    if (!rows.length) return;
    const missing = rows.flatMap((r) => (r.group_id && !groups.has(r.group_id) ? [r.group_id] : []));
    for (const [k, v] of await communities(tx, missing)) groups.set(k, v);
    const d = new Deltas(tz, groups);
    for (const r of rows) d.add(counted(r));
    await apply(tx, d);
    const last = rows[rows.length - 1]!;
    after = { created: Number(last.created_at), id: last.id };
  }
}

/** Streams activities in (occurred_at, id) order, a page at a time. */
async function eachPage(tx: Ctx, filter: { memberIds?: string[] }, fn: (rows: RollupRow[]) => Promise<void>): Promise<void> {
  let after: { at: number; id: string } | null = null;
  for (;;) {
    let q = tx.tdb.selectFrom('activities').select(ROLLUP_COLUMNS).orderBy('occurred_at').orderBy('id').limit(PAGE);
    if (filter.memberIds) q = q.where('member_id', 'in', filter.memberIds);
    const c = after;
    // A row comparison (see above): a rebuild of 5,000,000 activities took 19 minutes with an OR here.
    if (c) q = q.where((eb) => eb(eb.refTuple('occurred_at', 'id'), '>', eb.tuple(c.at, c.id)));
    const rows = await q.execute();
    if (!rows.length) return;
    await fn(rows);
    const last = rows[rows.length - 1]!;
    after = { at: Number(last.occurred_at), id: last.id };
  }
}

const ROLLUP_TABLES = ['activity_days', 'group_spans', 'activity_hours', 'member_periods', 'period_actives', 'member_milestones', 'milestone_days', 'cohort_periods', 'cohort_milestones', 'scope_events', 'content_days'] as const;

/**
 * Recounts some members' rows after their activities changed hands (a merge or split) or lost their owner
 * (an erasure): their period and milestone rows are taken out, period counts lowered, then counted again.
 */
export async function recountMembers(tx: Ctx, memberIds: string[]): Promise<void> {
  const ids = [...new Set(memberIds)];
  if (!ids.length) return;
  // Queued activities are counted first: the recount below reads the members' activities as they are now,
  // and what it takes out must be everything that was counted of them.
  await catchUpRollups(tx);
  await tx.tdb.lockRollups();
  const tz = await analyticsTimezone(tx);
  const groupRows = await tx.tdb.withStaged().selectFrom('groups').select(['id', 'community_id']).execute();
  const groups = new Map(groupRows.map((g) => [g.id, g.community_id]));
  const scopes = await memberScopes(tx, ids, groupRows.map((g) => g.id));
  // Their first reaches and cohort contributions go first, while their rows still say what they were.
  const reached = [];
  for (const part of scopes) {
    reached.push(...(await tx.tdb.selectFrom('member_milestones').select(['scope', 'member_id', 'milestone', 'first_at']).where('scope', 'in', part).where('member_id', 'in', ids).execute()));
  }
  const out = new CohortDeltas(tz);
  for (const r of reached) out.reach(r.scope, Number(r.first_at), r.milestone, -1);
  const joined = reached.filter((r) => r.milestone === 'join');
  if (joined.length) {
    const state = await memberStateOf(tx, joined);
    for (const j of joined) out.contribution(j.scope, Number(j.first_at), state.periods(j.scope, j.member_id), state.firsts(j.scope, j.member_id), -1);
  }
  await out.apply(tx, chunks);
  for (const part of scopes) {
    const removed = await tx.tdb.selectFrom('member_periods').select(['scope', 'period', (eb) => eb.fn.countAll<number>().as('n')])
      .where('scope', 'in', part).where('member_id', 'in', ids).groupBy(['scope', 'period']).execute();
    await addActives(tx, removed.map((r) => ({ scope: r.scope, period: r.period, n: -Number(r.n) })));
    await tx.tdb.deleteFrom('member_periods').where('scope', 'in', part).where('member_id', 'in', ids).execute();
    await tx.tdb.deleteFrom('member_milestones').where('scope', 'in', part).where('member_id', 'in', ids).execute();
  }
  await eachPage(tx, { memberIds: ids }, async (rows) => {
    const d = new Deltas(tz, groups, true);
    for (const r of rows) d.add(counted(r));
    await apply(tx, d);
  });
}

/**
 * Every scope some members' rows may be under, in lists of 500: the workspace, every community and group, and
 * any other group their activities name (one deleted since). The rows' keys lead with the scope: read by
 * member alone, they were scanned, every scope's rows.
 */
async function memberScopes(tx: Ctx, ids: string[], groupIds: string[]): Promise<string[][]> {
  const communities = await tx.tdb.selectFrom('communities').select('id').execute();
  const named = await tx.tdb.selectFrom('activities').select('group_id').distinct().where('member_id', 'in', ids).where('group_id', 'is not', null).execute();
  const all = [...new Set(['', ...communities.map((c) => communityScope(c.id)), ...groupIds, ...named.map((r) => r.group_id!)])];
  return Array.from({ length: Math.ceil(all.length / 500) }, (_, i) => all.slice(i * 500, (i + 1) * 500));
}

export interface RebuildOptions {
  /** Days in this IANA time zone from now on (default: the one in use). */
  timezone?: string;
  /** Told the activities counted so far, after each slice. */
  onProgress?: (activities: number) => void;
  /**
   * Commit after each slice instead of once at the end. Only for a workspace nothing else writes to meanwhile (the
   * demo's load): what is written in between would be counted twice or not at all. On SQLite one transaction over
   * millions of activities outgrows the page cache, and every page it evicts goes to the WAL: a rebuild of 4,000,000
   * activities slowed from 15,000 to about 1,000 a second as its WAL grew past 1.9 GB.
   */
  inPieces?: boolean;
  /**
   * Drop the rollup tables' secondary indexes meanwhile and make them again at the end, from sorted rows (see
   * kernel/db/rollup-indexes.ts). Default: for a workspace of BIG_REBUILD activities or more, where nobody waits
   * for it (SQLite's readers keep their snapshot; PostgreSQL's would wait for the dropped index until the one
   * transaction ends, so there only in pieces).
   */
  dropIndexes?: boolean;
  /** Activities per slice (default REBUILD_SLICE); tests set a few to cross many slices' edges. */
  slice?: number;
}

/** Activities from which a rebuild drops and remakes the rollup indexes by default. */
const BIG_REBUILD = 1_000_000;

/** Activities a rebuild counts per slice (a member's are never split across slices). */
const REBUILD_SLICE = 200_000;

/** Recomputes every rollup of the workspace from its activities, in one transaction (writers wait meanwhile) unless `inPieces`. */
export async function rebuildRollups(ctx: Ctx, opts: RebuildOptions = {}): Promise<{ activities: number; timezone: string; ms: number; indexMs: number | null }> {
  const started = Date.now();
  const locked = <R>(fn: (tx: Ctx) => Promise<R>) => ctx.transaction(async (tx) => {
    await tx.tdb.lockRollups();
    return fn(tx);
  });
  const dropIndexes = opts.dropIndexes ?? ((opts.inPieces || ctx.tdb.dialect === 'sqlite')
    && (await ctx.tdb.countUpTo(ctx.tdb.selectFrom('activities').select('id'), BIG_REBUILD)) >= BIG_REBUILD);
  const o = { ...opts, dropIndexes };
  if (opts.inPieces) return rebuild((fn) => locked(fn), o, started);
  return locked((tx) => rebuild((fn) => fn(tx), o, started));
}

/** The rebuild, each step run through `piece`: in the one transaction, or each in its own. */
async function rebuild(piece: <R>(fn: (tx: Ctx) => Promise<R>) => Promise<R>, opts: RebuildOptions & { dropIndexes: boolean }, started: number) {
  const { timezone, groups } = await piece(async (tx) => {
    // Everything queued is in the activities read below.
    for (const t of [...ROLLUP_TABLES, 'rollup_queue'] as const) await tx.tdb.deleteFrom(t).execute();
    if (opts.dropIndexes) await tx.tdb.dropRollupIndexes();
    // Seats are kept by the database's triggers; counted again here all the same, as a rebuild is the repair.
    await tx.tdb.recountSeats();
    // The weekly reports stay: they are documents of their week. Structures kept in memory are recomputed.
    forgetStructures(tx.workspaceId);
    // Voice is read again by the engine from the first message, in the new days.
    await resetVoice(tx);
    const timezone = opts.timezone ?? (await analyticsTimezone(tx));
    await tx.tdb.deleteFrom('analytics_state').execute();
    await tx.tdb.insertInto('analytics_state', { timezone, rebuilt_at: tx.clock.now() }).execute();
    return { timezone, groups: await communities(tx, (await tx.tdb.selectFrom('groups').select('id').execute()).map((g) => g.id)) };
  });
  let activities = 0;
  const size = opts.slice ?? REBUILD_SLICE;
  const count = async (tx: Ctx, rows: RollupRow[], fresh: boolean) => {
    const d = new Deltas(timezone, groups);
    for (const r of rows) d.add(counted(r));
    await apply(tx, d, fresh);
    activities += rows.length;
    opts.onProgress?.(activities);
  };
  // Members are counted in key order, each one whole in one slice: every member row (periods, milestones) is
  // then written once, in primary-key order. Counted in time order, each slice of 200,000 activities updated
  // the milestones of nearly every member again: a rebuild rewrote those tables once per slice, and one of
  // 4,000,000 activities did not end in 40 minutes on SQLite. Activities with no member follow in time order.
  let member: string | null = '';
  while (member !== null) {
    const after: string = member;
    member = await piece(async (tx) => {
      const slice = await memberSlice(tx, after, size);
      if (slice.rows.length) await count(tx, slice.rows, true);
      return slice.last;
    });
  }
  let after: { at: number; id: string } | null = null;
  for (let more = true; more; ) {
    more = await piece(async (tx) => {
      const rows: Awaited<ReturnType<typeof anonymousPage>> = [];
      for (let page = await anonymousPage(tx, after); page.length; page = await anonymousPage(tx, after)) {
        rows.push(...page);
        const last = page[page.length - 1]!;
        after = { at: Number(last.occurred_at), id: last.id };
        if (rows.length >= size) break;
      }
      if (rows.length) await count(tx, rows, false);
      return rows.length >= size;
    });
  }
  const indexed = Date.now();
  if (opts.dropIndexes) await piece((tx) => tx.tdb.ensureRollupIndexes());
  return { activities, timezone, ms: Date.now() - started, indexMs: opts.dropIndexes ? Date.now() - indexed : null };
}

/**
 * The activities of the members after `after`, whole members in member order: up to the member `size`
 * activities on in the member index (staged ones counted too: it is only a bound), and all of that member's.
 * `last` is null when no member follows. The bound is a walk of the index alone. Counting each member's
 * activities to find it, PostgreSQL planned a scan and sort of the whole table for every slice while its
 * statistics put a million members at 49,870 (at 1,000,000 members, EXPLAIN ANALYZE in psql with two parallel
 * workers: 12 s a slice against 0.7 s for the walk; the rebuild went at 4,300 activities a second).
 */
async function memberSlice(tx: Ctx, after: string, size: number): Promise<{ rows: RollupRow[]; last: string | null }> {
  const edge = await tx.tdb.withStaged().selectFrom('activities').select('member_id')
    .where('member_id', '>', after).orderBy('member_id').offset(size).limit(1).executeTakeFirst();
  let q = tx.tdb.selectFrom('activities').select(ROLLUP_COLUMNS).where('member_id', '>', after);
  if (edge) q = q.where('member_id', '<=', edge.member_id!);
  return { rows: await q.execute(), last: edge?.member_id ?? null };
}

/** The next page of activities with no member, in time order. */
async function anonymousPage(tx: Ctx, after: { at: number; id: string } | null) {
  let q = tx.tdb.selectFrom('activities').select(ROLLUP_COLUMNS).where('member_id', 'is', null).orderBy('occurred_at').orderBy('id').limit(PAGE);
  if (after) q = q.where((eb) => eb(eb.refTuple('occurred_at', 'id'), '>', eb.tuple(after.at, after.id)));
  return q.execute();
}
