// Drill-down: the members behind a dashboard figure, a page at a time. The actives of a day, week or month
// (the bars of the activity charts), the members who reached a funnel stage in a range, an RFM segment, or
// the silent ones (no activity in the last 30 days). The messages behind a figure are the activities list
// filtered by group, kind and time (GET /api/v1/activities).
import { sql } from 'kysely';
import type { Ctx } from '../../kernel/context.ts';
import { invalid } from '../../kernel/errors.ts';
import { DAY } from './calendar.ts';
import { resolveRange, resolveScope, RFM_SEGMENTS, type DashboardQuery } from './dashboard.ts';
import type { Milestone } from './rollup.ts';

export interface DrillQuery extends DashboardQuery {
  /** A period key as the rollups name them: d000000 (day), w00000 (week), m000000 (month). */
  period?: string;
  milestone?: Milestone;
  segment?: (typeof RFM_SEGMENTS)[number];
  silent?: boolean;
  limit: number;
  cursor?: string;
}

export interface DrillMember {
  id: string;
  displayName: string;
  city: string | null;
  circle: string | null;
  stage: string;
  /** What put them in the list: when they reached the stage, what they spent; an RFM segment's purchases as activities. */
  activities: number | null;
  messages: number | null;
  at: string | null;
  spentCents: number | null;
}

const RECENT = 90 * DAY;

export async function drillMembers(ctx: Ctx, q: DrillQuery): Promise<{ items: DrillMember[]; nextCursor: string | null }> {
  ctx.authorize('member.read');
  ctx.authorize('activity.read');
  const asked = [q.period, q.milestone, q.segment, q.silent ? 'silent' : undefined].filter(Boolean);
  if (asked.length !== 1) throw invalid([{ field: 'period', reason: 'name exactly one of period, milestone, segment or silent=true' }]);
  const scope = await resolveScope(ctx, q);
  const after = q.cursor ?? '';
  type Hit = { member_id: string; activities: number | null; messages: number | null; at: number | null; spent: number | null };
  let hits: Hit[];
  if (q.period) {
    if (!/^(d\d{6}|w\d{5}|m\d{6})$/.test(q.period)) throw invalid([{ field: 'period', reason: `"${q.period}" is not a period (d000000, w00000 or m000000, as the charts name them)` }]);
    if (q.period.startsWith('d') && scope.kind !== 'workspace') throw invalid([{ field: 'period', reason: 'daily actives are kept for the whole workspace only; pick a week or a month' }]);
    hits = (await ctx.tdb.selectFrom('member_periods').select(['member_id'])
      .where('scope', '=', scope.key).where('period', '=', q.period).where('member_id', '>', after).orderBy('member_id').limit(q.limit + 1).execute())
      .map((r) => ({ member_id: r.member_id, activities: null, messages: null, at: null, spent: null }));
  } else if (q.milestone) {
    const range = await resolveRange(ctx, q);
    hits = (await ctx.tdb.selectFrom('member_milestones').select(['member_id', 'first_at', 'amount'])
      .where('scope', '=', scope.key).where('milestone', '=', q.milestone).where('first_at', '>=', range.fromAt).where('first_at', '<', range.toAt)
      .where('member_id', '>', after).orderBy('member_id').limit(q.limit + 1).execute())
      .map((r) => ({ member_id: r.member_id, activities: null, messages: null, at: Number(r.first_at), spent: q.milestone === 'purchase' ? Number(r.amount) : null }));
  } else if (q.segment) {
    const bits = { champions: 7, regular_recent: 6, big_new: 5, small_new: 4, loyal_lapsing: 3, regular_lapsing: 2, big_lapsing: 1, small_lapsed: 0 }[q.segment];
    const buyers = ctx.tdb.selectFrom('member_milestones').where('scope', '=', scope.key).where('milestone', '=', 'purchase');
    const agg = await buyers.select([(eb) => eb.fn.countAll<number>().as('n'), (eb) => eb.fn.sum<number>('amount').as('amount')]).executeTakeFirstOrThrow();
    const mean = Number(agg.n) ? Math.floor(Number(agg.amount) / Number(agg.n)) : 0;
    // The same segment arithmetic as the value dashboard.
    const seg = sql<number>`(case when last_at >= ${sql.lit(ctx.clock.now() - RECENT)} then 4 else 0 end) + (case when n > 1 then 2 else 0 end) + (case when amount > ${sql.lit(mean)} then 1 else 0 end)`;
    hits = (await buyers.select(['member_id', 'last_at', 'amount', 'n']).where(seg, '=', bits).where('member_id', '>', after).orderBy('member_id').limit(q.limit + 1).execute())
      .map((r) => ({ member_id: r.member_id, activities: Number(r.n), messages: null, at: Number(r.last_at), spent: Number(r.amount) }));
  } else {
    // Silent: in the scope now (a seat in it; for the workspace, any member) and not active in the last 30 days.
    const since = ctx.clock.now() - 30 * DAY;
    let base = ctx.tdb.selectFrom('members').select('members.id as member_id').where('members.id', '>', after);
    if (scope.kind !== 'workspace') {
      const groups = scope.kind === 'group' ? [scope.id!] : (await ctx.tdb.selectFrom('groups').select('id').where('community_id', '=', scope.id!).execute()).map((g) => g.id);
      base = base.where('members.id', 'in', (eb) => eb.selectFrom('memberships').select('member_id').where('workspace_id', '=', ctx.workspaceId).where('left_at', 'is', null).where('group_id', 'in', groups.length ? groups : ['']));
    }
    base = base.where((eb) => eb.not(eb.exists(eb.selectFrom('member_milestones as mm').select('mm.member_id').whereRef('mm.workspace_id', '=', 'members.workspace_id')
      .whereRef('mm.member_id', '=', 'members.id').where('mm.scope', '=', scope.key).where('mm.milestone', '=', 'active').where('mm.last_at', '>=', since))));
    hits = (await base.orderBy('members.id').limit(q.limit + 1).execute()).map((r) => ({ member_id: r.member_id, activities: null, messages: null, at: null, spent: null }));
  }
  const page = hits.slice(0, q.limit);
  const members = page.length
    ? new Map((await ctx.tdb.selectFrom('members').select(['id', 'display_name', 'city', 'circle', 'stage']).where('id', 'in', page.map((h) => h.member_id)).execute()).map((m) => [m.id, m]))
    : new Map();
  return {
    items: page.flatMap((h) => {
      const m = members.get(h.member_id);
      return m ? [{
        id: m.id, displayName: m.display_name, city: m.city, circle: m.circle, stage: m.stage,
        activities: h.activities, messages: h.messages, at: h.at === null ? null : new Date(h.at).toISOString(), spentCents: h.spent,
      }] : [];
    }),
    nextCursor: hits.length > q.limit ? page[page.length - 1]!.member_id : null,
  };
}
