// 活动与输出 Events and output: the events held (an attendance's event, counted once per scope when first
// attended) against the community's target per group per year, the community-wide ones (attended from two
// groups or more) with the firms and people who supported them, content by who made it (OGC official, PGC experts and guests, UGC members), and the
// sharing sessions and live relays held, with the groups they reached.
import type { Ctx } from '../../kernel/context.ts';
import { supportersOf } from '../supporters/index.ts';
import { dayDate } from './calendar.ts';
import { resolveRange, resolveScope, type DashboardQuery } from './dashboard.ts';

/** The method's floor for the firms and people behind a year's community-wide events. */
const SUPPORTERS_TARGET = 200;

export async function output(ctx: Ctx, q: DashboardQuery) {
  ctx.authorize('activity.read');
  const [scope, range] = [await resolveScope(ctx, q), await resolveRange(ctx, q)];
  const events = await ctx.tdb.selectFrom('scope_events').select(['event_key', 'attendances'])
    .where('scope', '=', scope.key).where('first_at', '>=', range.fromAt).where('first_at', '<', range.toAt).execute();
  let groups = ctx.tdb.selectFrom('groups').select(['id', 'community_id']).where('status', '!=', 'archived');
  if (scope.kind === 'community') groups = groups.where('community_id', '=', scope.id!);
  if (scope.kind === 'group') groups = groups.where('id', '=', scope.id!);
  const groupIds = (await groups.execute()).map((g) => g.id);
  // An event is community-wide when it was attended from two groups or more.
  const spread = new Map<string, number>();
  const keys = events.map((e) => e.event_key);
  for (let i = 0; i < keys.length && groupIds.length; i += 500) {
    for (const r of await ctx.tdb.selectFrom('scope_events').select(['event_key', (eb) => eb.fn.countAll<number>().as('n')])
      .where('scope', 'in', groupIds).where('event_key', 'in', keys.slice(i, i + 500)).groupBy('event_key').execute()) spread.set(r.event_key, Number(r.n));
  }
  const community = scope.kind === 'community' ? scope.id : scope.kind === 'group'
    ? (await ctx.tdb.selectFrom('groups').select('community_id').where('id', '=', scope.id!).executeTakeFirstOrThrow()).community_id : null;
  const canvas = community ? await ctx.tdb.selectFrom('communities').select('canvas').where('id', '=', community).executeTakeFirst() : null;
  const target = canvas ? (JSON.parse(canvas.canvas) as { kpi?: { eventsPerGroupPerYear?: number } }).kpi?.eventsPerGroupPerYear ?? null : null;
  const years = (range.lastDay - range.firstDay + 1) / 365;
  const content = await ctx.tdb.selectFrom('content_days').select(['source', (eb) => eb.fn.sum<number>('n').as('n')])
    .where('scope', '=', scope.key).where('day', '>=', range.firstDay).where('day', '<=', range.lastDay).groupBy('source').execute();
  const bySource = Object.fromEntries(['OGC', 'PGC', 'UGC'].map((s) => [s, Number(content.find((c) => c.source === s)?.n ?? 0)])) as Record<'OGC' | 'PGC' | 'UGC', number>;
  const contentTotal = bySource.OGC + bySource.PGC + bySource.UGC;
  // Live sessions held in the range (ended in it): sharing sessions are a series' occurrences.
  let live = ctx.tdb.selectFrom('live_sessions').select(['id', 'rule_id']).where('status', '=', 'ended').where('ended_at', '>=', range.fromAt).where('ended_at', '<', range.toAt);
  if (scope.kind === 'community') live = live.where('community_id', '=', scope.id!);
  if (scope.kind === 'group') live = live.where('main_group_id', '=', scope.id!);
  const sessions = await live.execute();
  const reached = sessions.length
    ? Number((await ctx.tdb.selectFrom('live_targets').select((eb) => eb.fn.countAll<number>().as('n')).where('session_id', 'in', sessions.map((s) => s.id)).executeTakeFirstOrThrow()).n)
    : 0;
  const perGroupPerYear = groupIds.length && years ? events.length / groupIds.length / years : 0;
  const wide = events.filter((e) => (spread.get(e.event_key) ?? 0) >= 2);
  const supporters = await supportersOf(ctx, wide.map((e) => e.event_key));
  return {
    scope: { kind: scope.kind, id: scope.id, name: scope.name },
    range: { from: dayDate(range.firstDay), to: dayDate(range.lastDay), timezone: range.timezone },
    events: events.length,
    attendances: events.reduce((t, e) => t + Number(e.attendances), 0),
    communityWideEvents: wide.length,
    communityWideSupporters: { ...supporters, total: supporters.firms + supporters.people, target: SUPPORTERS_TARGET },
    groups: groupIds.length,
    eventsPerGroupPerYear: Math.round(perGroupPerYear * 100) / 100,
    eventsPerGroupPerYearTarget: target,
    content: { ...bySource, ugcShare: contentTotal ? bySource.UGC / contentTotal : 0 },
    liveSessions: sessions.length,
    sharingSessions: sessions.filter((s) => s.rule_id).length,
    groupsReached: reached,
  };
}
