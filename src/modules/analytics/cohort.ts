// Join-cohort and first-reach rollups, kept beside the member rollups they follow. A member who joined scope S
// at instant j counts, in S's cohort of j's local day, once in every week and month they were active
// (cohort_periods: retention) and once for every milestone they reached, with the wait from j to its first
// reach (cohort_milestones: the funnel's cohort). Every first reach also counts on its own local day
// (milestone_days: the funnel's stages reached in a range). The writer knows from its own upserts what moved:
// a period row that is new, a milestone that is new or reached earlier than known, a join that is new or
// earlier. A join that moves takes the member's whole contribution from the old cohort to the new one.
import type { SelectQueryBuilder } from 'kysely';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { localDayHour } from './calendar.ts';

/** A milestone row an upsert created or moved: its first reach before (null: new) and after. */
export interface MilestoneMove { scope: string; member_id: string; milestone: string; from: number | null; to: number }

const pairKey = (scope: string, member: string) => `${scope}|${member}`;
/** Daily actives are the workspace's alone and not followed by cohort (a cohort × day table would be huge). */
const followed = (period: string) => period.startsWith('w') || period.startsWith('m');
const wait = (first: number, join: number) => Math.max(0, first - join);
const IN = 500;

/** The cohort tables' pending changes, summed per key. */
export class CohortDeltas {
  readonly reaches = new Map<string, { scope: string; day: number; milestone: string; n: number }>();
  readonly periods = new Map<string, { scope: string; join_day: number; period: string; n: number }>();
  readonly milestones = new Map<string, { scope: string; join_day: number; milestone: string; n: number; wait: number }>();
  /** Keys lowered: a row that reaches zero there is removed. */
  private readonly lowered = new Map<string, Set<number>>();

  constructor(private readonly timezone: string) {}

  private day(at: number): number {
    return localDayHour(at, this.timezone).day;
  }

  period(scope: string, joinAt: number, period: string, n: number): void {
    if (!followed(period)) return;
    const join_day = this.day(joinAt);
    const k = `${scope}|${join_day}|${period}`;
    const p = this.periods.get(k);
    if (p) p.n += n;
    else this.periods.set(k, { scope, join_day, period, n });
    if (n < 0) this.lower(scope, join_day);
  }

  milestone(scope: string, joinAt: number, milestone: string, n: number, w: number): void {
    const join_day = this.day(joinAt);
    const k = `${scope}|${join_day}|${milestone}`;
    const m = this.milestones.get(k);
    if (m) (m.n += n), (m.wait += w);
    else this.milestones.set(k, { scope, join_day, milestone, n, wait: w });
    if (n < 0 || w < 0) this.lower(scope, join_day);
  }

  /** A first reach at `at` counted (n = 1) or taken back (n = -1). */
  reach(scope: string, at: number, milestone: string, n: 1 | -1): void {
    const day = this.day(at);
    const k = `${scope}|${day}|${milestone}`;
    const r = this.reaches.get(k);
    if (r) r.n += n;
    else this.reaches.set(k, { scope, day, milestone, n });
    if (n < 0) this.lower(scope, day);
  }

  /** Takes out (sign −1) or puts in (+1) a member's whole contribution to one scope's cohort of `joinAt`. */
  contribution(scope: string, joinAt: number, periods: Iterable<string>, firsts: Iterable<[string, number]>, sign: 1 | -1): void {
    for (const p of periods) this.period(scope, joinAt, p, sign);
    for (const [milestone, first] of firsts) this.milestone(scope, joinAt, milestone, sign, sign * wait(first, joinAt));
  }

  private lower(scope: string, day: number): void {
    let s = this.lowered.get(scope);
    if (!s) this.lowered.set(scope, (s = new Set()));
    s.add(day);
  }

  async apply(tx: Ctx, chunks: <T>(rows: T[]) => T[][]): Promise<void> {
    const db = tx.tdb;
    await db.upsertMany('cohort_periods', [...this.periods.values()].filter((r) => r.n !== 0), {
      keys: ['workspace_id', 'scope', 'join_day', 'period'], set: 'n = cohort_periods.n + excluded.n',
    });
    await db.upsertMany('cohort_milestones', [...this.milestones.values()].filter((r) => r.n !== 0 || r.wait !== 0), {
      keys: ['workspace_id', 'scope', 'join_day', 'milestone'], set: 'n = cohort_milestones.n + excluded.n, wait = cohort_milestones.wait + excluded.wait',
    });
    await db.upsertMany('milestone_days', [...this.reaches.values()].filter((r) => r.n !== 0), {
      keys: ['workspace_id', 'scope', 'day', 'milestone'], set: 'n = milestone_days.n + excluded.n',
    });
    for (const [scope, days] of this.lowered) {
      for (const some of chunks([...days])) {
        await db.deleteFrom('milestone_days').where('scope', '=', scope).where('day', 'in', some).where('n', '=', 0).execute();
        await db.deleteFrom('cohort_periods').where('scope', '=', scope).where('join_day', 'in', some).where('n', '=', 0).execute();
        await db.deleteFrom('cohort_milestones').where('scope', '=', scope).where('join_day', 'in', some).where('n', '=', 0).execute();
      }
    }
  }
}

/**
 * Rows of a member-keyed table for some (scope, member) pairs: one statement per few hundred pairs, a UNION ALL of
 * one `scope = ? and member_id in (…)` per scope, each planned on its own on the primary key. A scope list crossed
 * with a member list probed every combination (hundreds of group scopes at once); a disjunction of the per-scope
 * terms SQLite read as a range over the workspace's whole key, statistics or not (at 1,000,000 members, 26.9 million
 * member_periods rows and 1.7–3.4 s a call: a rebuild slowed from 23,000 to 2,900 activities a second). At most 250
 * parts per statement, under SQLite's 500 compound terms.
 */
async function rowsOf<T>(
  pairs: Iterable<{ scope: string; member_id: string }>,
  part: (scope: string, members: string[]) => SelectQueryBuilder<Database, 'member_milestones' | 'member_periods', T>,
): Promise<T[]> {
  const byScope = new Map<string, Set<string>>();
  for (const p of pairs) {
    let s = byScope.get(p.scope);
    if (!s) byScope.set(p.scope, (s = new Set()));
    s.add(p.member_id);
  }
  const out: T[] = [];
  let batch: [string, string[]][] = [];
  let size = 0;
  const flush = async () => {
    const [first, ...rest] = batch.map(([scope, members]) => part(scope, members));
    if (first) out.push(...(await rest.reduce((q, p) => q.unionAll(p), first).execute()));
    batch = [];
    size = 0;
  };
  for (const [scope, members] of byScope) {
    const ids = [...members];
    for (let i = 0; i < ids.length; i += IN) {
      const some = ids.slice(i, i + IN);
      if (size + some.length > IN) await flush();
      batch.push([scope, some]);
      size += some.length + 1;
    }
  }
  await flush();
  return out;
}


/** When each (scope, member) pair joined its scope; pairs without a join are absent. */
async function joinsOf(tx: Ctx, pairs: Iterable<{ scope: string; member_id: string }>): Promise<Map<string, number>> {
  const rows = await rowsOf(pairs, (scope, members) => tx.tdb.selectFrom('member_milestones').select(['scope', 'member_id', 'first_at'])
    .where('scope', '=', scope).where('member_id', 'in', members).where('milestone', '=', 'join'));
  return new Map(rows.map((r) => [pairKey(r.scope, r.member_id), Number(r.first_at)]));
}

/** Every period and every milestone's first reach of some pairs, as stored now. */
export async function memberStateOf(tx: Ctx, pairs: Iterable<{ scope: string; member_id: string }>) {
  const list = [...pairs];
  const periods = new Map<string, string[]>();
  for (const r of await rowsOf(list, (scope, members) => tx.tdb.selectFrom('member_periods').select(['scope', 'member_id', 'period'])
    .where('scope', '=', scope).where('member_id', 'in', members))) {
    if (!followed(r.period)) continue;
    const k = pairKey(r.scope, r.member_id);
    const a = periods.get(k);
    if (a) a.push(r.period);
    else periods.set(k, [r.period]);
  }
  const firsts = new Map<string, Map<string, number>>();
  for (const r of await rowsOf(list, (scope, members) => tx.tdb.selectFrom('member_milestones').select(['scope', 'member_id', 'milestone', 'first_at'])
    .where('scope', '=', scope).where('member_id', 'in', members))) {
    const k = pairKey(r.scope, r.member_id);
    let m = firsts.get(k);
    if (!m) firsts.set(k, (m = new Map()));
    m.set(r.milestone, Number(r.first_at));
  }
  return { periods: (scope: string, member: string) => periods.get(pairKey(scope, member)) ?? [], firsts: (scope: string, member: string) => firsts.get(pairKey(scope, member)) ?? new Map<string, number>() };
}

/**
 * The cohort changes of moved milestones, before the batch's period rows are written (a moved join takes
 * the member's stored periods along; the batch's new periods then land in the new cohort). Returns the
 * joins known afterwards for the pairs looked at, for the period rows that follow.
 */
export async function followMilestones(tx: Ctx, c: CohortDeltas, moves: MilestoneMove[], fresh = false): Promise<Map<string, number | null>> {
  for (const m of moves) {
    if (m.from !== null) c.reach(m.scope, m.from, m.milestone, -1);
    c.reach(m.scope, m.to, m.milestone, 1);
  }
  const joinMoves = new Map<string, MilestoneMove>();
  for (const m of moves) if (m.milestone === 'join') joinMoves.set(pairKey(m.scope, m.member_id), m);
  const known = new Map<string, number | null>();
  if (joinMoves.size) {
    // Fresh (a rebuild's first write of these members): what is stored of them is what the batch wrote, all moves.
    const state = fresh ? stateOfMoves(moves) : await memberStateOf(tx, joinMoves.values());
    const movedHere = new Map(moves.map((m) => [`${pairKey(m.scope, m.member_id)}|${m.milestone}`, m]));
    for (const [k, j] of joinMoves) {
      const now = state.firsts(j.scope, j.member_id);
      const periods = state.periods(j.scope, j.member_id);
      if (j.from !== null) {
        // What the pair counted before this write: its milestones' first reaches as they were.
        const before: [string, number][] = [];
        for (const [milestone, first] of now) {
          const mv = movedHere.get(`${k}|${milestone}`);
          if (!mv) before.push([milestone, first]);
          else if (mv.from !== null) before.push([milestone, mv.from]);
        }
        c.contribution(j.scope, j.from, periods, before, -1);
      }
      c.contribution(j.scope, j.to, periods, now, 1);
      known.set(k, j.to);
    }
  }
  const others = moves.filter((m) => m.milestone !== 'join' && !joinMoves.has(pairKey(m.scope, m.member_id)));
  const joins = others.length && !fresh ? await joinsOf(tx, others) : new Map<string, number>();
  for (const m of others) {
    const j = joins.get(pairKey(m.scope, m.member_id));
    known.set(pairKey(m.scope, m.member_id), j ?? null);
    if (j === undefined) continue;
    if (m.from === null) c.milestone(m.scope, j, m.milestone, 1, wait(m.to, j));
    else c.milestone(m.scope, j, m.milestone, 0, wait(m.to, j) - wait(m.from, j));
  }
  return known;
}

/** The stored state of members a rebuild wrote only now: no periods yet, and the first reaches it just wrote. */
function stateOfMoves(moves: MilestoneMove[]): Awaited<ReturnType<typeof memberStateOf>> {
  const firsts = new Map<string, Map<string, number>>();
  for (const m of moves) {
    const k = pairKey(m.scope, m.member_id);
    let f = firsts.get(k);
    if (!f) firsts.set(k, (f = new Map()));
    f.set(m.milestone, m.to);
  }
  return { periods: () => [], firsts: (scope: string, member: string) => firsts.get(pairKey(scope, member)) ?? new Map<string, number>() };
}

/** The cohort changes of new period rows (a member active in a week or month for the first time). */
export async function followPeriods(
  tx: Ctx, c: CohortDeltas, added: { scope: string; member_id: string; period: string }[], known: Map<string, number | null>, fresh = false,
): Promise<void> {
  const rows = added.filter((r) => followed(r.period));
  const unknown = rows.filter((r) => !known.has(pairKey(r.scope, r.member_id)));
  const joins = unknown.length && !fresh ? await joinsOf(tx, unknown) : new Map<string, number>();
  for (const r of rows) {
    const k = pairKey(r.scope, r.member_id);
    const j = known.has(k) ? known.get(k) : joins.get(k);
    if (j !== undefined && j !== null) c.period(r.scope, j, r.period, 1);
  }
}
