// Rollup maintenance: what the dashboards read instead of scanning activities.
//
// A write of new activities does not count them: it leaves one row in `rollup_queue` (what the rollups need
// of each activity) in its own transaction, so a rolled-back write leaves no trace and a duplicate activity,
// never inserted, is never queued. The engine's rollup runner counts the queue in batches of ~20,000
// activities, and deletes what it counted in the same transaction as the counts (a crash repeats nothing).
// Counting a thousand activities at a time cost the ingest as much again as writing them (7 member-period and
// 3 milestone upserts per member-activity, most of them conflicts); in batches of 20,000 a busy day's repeated
// keys collapse in memory first, and the writer pays one insert per call. Every dashboard read catches up
// first, so what it shows is never behind what was written: the runner's laziness is only the size of that
// catch-up. An import adds its rows when it is published, a member merge, split or erasure recounts the members
// concerned (after the queue is counted), and `rebuildRollups` recomputes everything (after a time-zone
// change, or to check). All four take the workspace's rollup lock, so that their upserts never deadlock.
import { sql, type Kysely } from 'kysely';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { dayKey, localDayHour, monthKey, monthOf, weekKey, weekOf } from './calendar.ts';
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
interface HourDelta { scope: string; day: number; hour: number; n: number }
interface PeriodDelta { scope: string; member_id: string; period: string }
interface EventDelta { scope: string; event_key: string; first_at: number; attendances: number }
interface ContentDelta { scope: string; day: number; source: string; n: number }
interface MilestoneDelta { scope: string; member_id: string; milestone: string; first_at: number; last_at: number; n: number; amount: number }

/** The sum of many activities' contributions, keyed as the rollup tables are. */
class Deltas {
  readonly days = new Map<string, DayDelta>();
  readonly hours = new Map<string, HourDelta>();
  readonly periods = new Map<string, PeriodDelta>();
  readonly milestones = new Map<string, MilestoneDelta>();
  readonly events = new Map<string, EventDelta>();
  readonly content = new Map<string, ContentDelta>();

  constructor(
    readonly timezone: string,
    /** A group's community, for the community scope (a group not found counts for the workspace and itself). */
    private readonly communityOf: Map<string, string | null>,
    /** Only the member-keyed rollups (a member's activities counted again). */
    private readonly membersOnly = false,
  ) {}

  add(a: Counted): void {
    const { at, amount, event } = a;
    const { day, hour } = localDayHour(at, this.timezone);
    const community = a.group_id ? this.communityOf.get(a.group_id) : null;
    const scopes = ['', ...(community ? [communityScope(community)] : []), ...(a.group_id ? [a.group_id] : [])];
    if (!this.membersOnly) {
      for (const scope of scopes) {
        const k = `${scope}|${day}|${a.kind}`;
        const d = this.days.get(k);
        if (d) (d.n += 1), (d.amount += amount);
        else this.days.set(k, { scope, day, kind: a.kind, n: 1, amount });
        if (event) {
          const ek = `${scope}|${event}`;
          const e = this.events.get(ek);
          if (e) (e.first_at = Math.min(e.first_at, at)), (e.attendances += 1);
          else this.events.set(ek, { scope, event_key: event, first_at: at, attendances: 1 });
        }
        if (a.content_source) {
          const ck = `${scope}|${day}|${a.content_source}`;
          const c = this.content.get(ck);
          if (c) c.n += 1;
          else this.content.set(ck, { scope, day, source: a.content_source, n: 1 });
        }
        if (a.kind === 'message') {
          const hk = `${scope}|${day}|${hour}`;
          const h = this.hours.get(hk);
          if (h) h.n += 1;
          else this.hours.set(hk, { scope, day, hour, n: 1 });
        }
      }
    }
    if (!a.member_id) return;
    const active = isActiveKind(a.kind);
    if (active) {
      const week = weekKey(weekOf(day));
      const month = monthKey(monthOf(day));
      for (const scope of scopes) {
        // Daily actives for the workspace only: per group they would double the rows for little use.
        for (const period of scope === '' ? [dayKey(day), week, month] : [week, month]) {
          const k = `${scope}|${a.member_id}|${period}`;
          if (!this.periods.has(k)) this.periods.set(k, { scope, member_id: a.member_id, period });
        }
      }
    }
    const milestone = a.kind === 'join' || a.kind === 'consultation' || a.kind === 'purchase' ? a.kind : active ? 'active' : null;
    if (!milestone) return;
    for (const scope of scopes) {
      const k = `${scope}|${a.member_id}|${milestone}`;
      const m = this.milestones.get(k);
      if (m) (m.first_at = Math.min(m.first_at, at)), (m.last_at = Math.max(m.last_at, at)), (m.n += 1), (m.amount += amount);
      else this.milestones.set(k, { scope, member_id: a.member_id, milestone, first_at: at, last_at: at, n: 1, amount });
    }
  }

  get empty(): boolean {
    return !this.days.size && !this.periods.size && !this.milestones.size && !this.events.size && !this.content.size;
  }
}

// Rows per statement: well under SQLite's 32,766 parameters at 7 columns.
const CHUNK = 1000;
const chunks = <T>(rows: T[]): T[][] => Array.from({ length: Math.ceil(rows.length / CHUNK) }, (_, i) => rows.slice(i * CHUNK, (i + 1) * CHUNK));

async function apply(tx: Ctx, d: Deltas): Promise<void> {
  const db = tx.tdb;
  for (const rows of chunks([...d.days.values()])) {
    await db.insertInto('activity_days', rows).onConflict((oc) => oc.columns(['workspace_id', 'scope', 'day', 'kind']).doUpdateSet((eb) => ({
      n: eb('activity_days.n', '+', eb.ref('excluded.n')), amount: eb('activity_days.amount', '+', eb.ref('excluded.amount')),
    }))).execute();
  }
  for (const rows of chunks([...d.events.values()])) {
    await db.insertInto('scope_events', rows).onConflict((oc) => oc.columns(['workspace_id', 'scope', 'event_key']).doUpdateSet((eb) => ({
      first_at: sql<number>`case when excluded.first_at < scope_events.first_at then excluded.first_at else scope_events.first_at end`,
      attendances: eb('scope_events.attendances', '+', eb.ref('excluded.attendances')),
    }))).execute();
  }
  for (const rows of chunks([...d.content.values()])) {
    await db.insertInto('content_days', rows).onConflict((oc) => oc.columns(['workspace_id', 'scope', 'day', 'source']).doUpdateSet((eb) => ({
      n: eb('content_days.n', '+', eb.ref('excluded.n')),
    }))).execute();
  }
  for (const rows of chunks([...d.hours.values()])) {
    await db.insertInto('activity_hours', rows).onConflict((oc) => oc.columns(['workspace_id', 'scope', 'day', 'hour']).doUpdateSet((eb) => ({
      n: eb('activity_hours.n', '+', eb.ref('excluded.n')),
    }))).execute();
  }
  // Milestones before periods: what moved (a join, a first reach) decides where the batch's new periods count.
  const moves: MilestoneMove[] = [];
  for (const rows of chunks([...d.milestones.values()])) {
    const back = await db.insertInto('member_milestones', rows).onConflict((oc) => oc.columns(['workspace_id', 'scope', 'member_id', 'milestone']).doUpdateSet((eb) => ({
      // Every right-hand side reads the row as it was, so prev_first_at takes the old first_at.
      prev_first_at: sql<number>`member_milestones.first_at`,
      first_at: sql<number>`case when excluded.first_at < member_milestones.first_at then excluded.first_at else member_milestones.first_at end`,
      last_at: sql<number>`case when excluded.last_at > member_milestones.last_at then excluded.last_at else member_milestones.last_at end`,
      n: eb('member_milestones.n', '+', eb.ref('excluded.n')), amount: eb('member_milestones.amount', '+', eb.ref('excluded.amount')),
    }))).returning(['scope', 'member_id', 'milestone', 'first_at', 'prev_first_at']).execute();
    for (const r of back) {
      const [from, to] = [r.prev_first_at === null ? null : Number(r.prev_first_at), Number(r.first_at)];
      if (from !== to) moves.push({ scope: r.scope, member_id: r.member_id, milestone: r.milestone, from, to });
    }
  }
  const cohorts = new CohortDeltas(d.timezone);
  const joins = moves.length ? await followMilestones(tx, cohorts, moves) : new Map<string, number | null>();
  // The rows returned are the new ones (a conflict returns nothing): each is one more active member.
  const actives = new Map<string, { scope: string; period: string; n: number }>();
  const added: { scope: string; member_id: string; period: string }[] = [];
  for (const rows of chunks([...d.periods.values()])) {
    const back = await db.insertInto('member_periods', rows).onConflict((oc) => oc.columns(['workspace_id', 'scope', 'member_id', 'period']).doNothing())
      .returning(['scope', 'member_id', 'period']).execute();
    for (const r of back) {
      const k = `${r.scope}|${r.period}`;
      const a = actives.get(k);
      if (a) a.n += 1;
      else actives.set(k, { scope: r.scope, period: r.period, n: 1 });
      added.push(r);
    }
  }
  await addActives(tx, [...actives.values()]);
  await followPeriods(tx, cohorts, added, joins);
  await cohorts.apply(tx, chunks);
}

async function addActives(tx: Ctx, rows: { scope: string; period: string; n: number }[]): Promise<void> {
  for (const c of chunks(rows)) {
    await tx.tdb.insertInto('period_actives', c).onConflict((oc) => oc.columns(['workspace_id', 'scope', 'period']).doUpdateSet((eb) => ({
      n: eb('period_actives.n', '+', eb.ref('excluded.n')),
    }))).execute();
  }
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

/** Activities counted per transaction by the runner: large enough for a busy day's repeated keys to collapse in memory. */
export const ROLLUP_BATCH = 20_000;

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

const ROLLUP_TABLES = ['activity_days', 'activity_hours', 'member_periods', 'period_actives', 'member_milestones', 'milestone_days', 'cohort_periods', 'cohort_milestones', 'scope_events', 'content_days'] as const;

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
  // Their first reaches and cohort contributions go first, while their rows still say what they were.
  const reached = await tx.tdb.selectFrom('member_milestones').select(['scope', 'member_id', 'milestone', 'first_at']).where('member_id', 'in', ids).execute();
  const out = new CohortDeltas(tz);
  for (const r of reached) out.reach(r.scope, Number(r.first_at), r.milestone, -1);
  const joined = reached.filter((r) => r.milestone === 'join');
  if (joined.length) {
    const state = await memberStateOf(tx, joined);
    for (const j of joined) out.contribution(j.scope, Number(j.first_at), state.periods(j.scope, j.member_id), state.firsts(j.scope, j.member_id), -1);
  }
  await out.apply(tx, chunks);
  const removed = await tx.tdb.selectFrom('member_periods').select(['scope', 'period', (eb) => eb.fn.countAll<number>().as('n')])
    .where('member_id', 'in', ids).groupBy(['scope', 'period']).execute();
  await addActives(tx, removed.map((r) => ({ scope: r.scope, period: r.period, n: -Number(r.n) })));
  await tx.tdb.deleteFrom('member_periods').where('member_id', 'in', ids).execute();
  await tx.tdb.deleteFrom('member_milestones').where('member_id', 'in', ids).execute();
  const groups = await communities(tx, (await tx.tdb.selectFrom('groups').select('id').execute()).map((g) => g.id));
  await eachPage(tx, { memberIds: ids }, async (rows) => {
    const d = new Deltas(tz, groups, true);
    for (const r of rows) d.add(counted(r));
    await apply(tx, d);
  });
}

/** Recomputes every rollup of the workspace from its activities, in one transaction (writers wait meanwhile). */
export async function rebuildRollups(ctx: Ctx, opts: { timezone?: string } = {}): Promise<{ activities: number; timezone: string; ms: number }> {
  const started = Date.now();
  return ctx.transaction(async (tx) => {
    await tx.tdb.lockRollups();
    // Everything queued is in the activities read below.
    for (const t of [...ROLLUP_TABLES, 'rollup_queue'] as const) await tx.tdb.deleteFrom(t).execute();
    // Seats are kept by the database's triggers; counted again here all the same, as a rebuild is the repair.
    await tx.tdb.recountSeats();
    // The weekly reports stay: they are documents of their week. Structures kept in memory are recomputed.
    forgetStructures(tx.workspaceId);
    // Voice is read again by the engine from the first message, in the new days.
    await resetVoice(tx);
    const timezone = opts.timezone ?? (await analyticsTimezone(tx));
    await tx.tdb.deleteFrom('analytics_state').execute();
    await tx.tdb.insertInto('analytics_state', { timezone, rebuilt_at: tx.clock.now() }).execute();
    const groups = await communities(tx, (await tx.tdb.selectFrom('groups').select('id').execute()).map((g) => g.id));
    let activities = 0;
    // Deltas are kept across pages (activities come in time order, so most keys repeat) and applied in
    // slices: a rebuild writes each rollup row about once.
    let d = new Deltas(timezone, groups);
    let pending = 0;
    await eachPage(tx, {}, async (rows) => {
      for (const r of rows) d.add(counted(r));
      activities += rows.length;
      pending += rows.length;
      if (pending >= 200_000) {
        await apply(tx, d);
        d = new Deltas(timezone, groups);
        pending = 0;
      }
    });
    if (!d.empty) await apply(tx, d);
    return { activities, timezone, ms: Date.now() - started };
  });
}
