// Headline figures for the console's home page: counts the actor can see and activities per day.
// Counting through the list endpoints would page through every member and activity; this asks SQL once.
import { sql } from 'kysely';
import { z } from 'zod';
import { groupActivity } from '../../modules/activity/index.ts';
import { Secured, type App } from './common.ts';

const DAY = 86_400_000;

const OverviewQuery = z
  .object({
    days: z.coerce.number().int().min(1).max(90).default(14),
    /** Minutes east of UTC for day boundaries; Asia/Shanghai (+480) unless the console says otherwise. */
    tzOffsetMinutes: z.coerce.number().int().min(-720).max(840).default(480),
  })
  .strict();

const Overview = z.object({
  members: z.number(),
  groups: z.number(),
  communities: z.number(),
  activitiesLast7Days: z.number(),
  activitiesPerDay: z.array(z.object({ day: z.string(), count: z.number() })),
  /** Messages since midnight (at the caller's offset) and in the last 7 days; joins and leaves in the last 7 days. */
  messagesToday: z.number(),
  messagesLast7Days: z.number(),
  joinsLast7Days: z.number(),
  leavesLast7Days: z.number(),
});

const GroupActivityQuery = z
  .object({
    days: z.coerce.number().int().min(1).max(31).default(7),
    tzOffsetMinutes: z.coerce.number().int().min(-720).max(840).default(480),
  })
  .strict();

const GroupActivitySchema = z.object({
  days: z.array(z.string()),
  items: z.array(z.object({ groupId: z.string(), messagesPerDay: z.array(z.number()), messages: z.number(), joins: z.number(), leaves: z.number() })),
});

export function statsRoutes(app: App) {
  app.get('/api/v1/stats/groups', {
    schema: {
      tags: ['评估 stats'], summary: 'Messages per day, joins and leaves per group over the last days (most active first; groups with none are left out)',
      security: Secured, querystring: GroupActivityQuery, response: { 200: GroupActivitySchema },
    },
  }, async (req) => groupActivity(req.ctx(), req.query));

  app.get('/api/v1/stats/overview', {
    schema: {
      tags: ['评估 stats'], summary: 'Counts of members, groups and communities the actor sees, and activities per day', security: Secured,
      querystring: OverviewQuery, response: { 200: Overview },
    },
  }, async (req) => {
    const ctx = req.ctx();
    ctx.authorize('community.read');
    ctx.authorize('group.read');
    ctx.authorize('member.read');
    ctx.authorize('activity.read');
    const v = await ctx.visibility();
    const groupIds = v.all ? null : [...v.groupIds, ''];
    const count = (r: { n: unknown } | undefined) => Number(r?.n ?? 0);

    let communities = ctx.tdb.selectFrom('communities').select((eb) => eb.fn.countAll().as('n'));
    if (!v.all) communities = communities.where('id', 'in', [...v.communityIds, '']);
    let groups = ctx.tdb.selectFrom('groups').select((eb) => eb.fn.countAll().as('n'));
    if (groupIds) groups = groups.where('id', 'in', groupIds);
    // A scoped actor sees the members of its groups (as the member search does).
    const members = groupIds
      ? ctx.tdb.selectFrom('memberships').select((eb) => eb.fn.count('member_id').distinct().as('n')).where('group_id', 'in', groupIds)
      : ctx.tdb.selectFrom('members').select((eb) => eb.fn.countAll().as('n'));

    const offset = req.query.tzOffsetMinutes * 60_000;
    const now = ctx.clock.now();
    const today = Math.floor((now + offset) / DAY);
    const firstDay = today - req.query.days + 1;
    const from = firstDay * DAY - offset;
    // Literals, not parameters: PostgreSQL would see the GROUP BY's parameters as a different expression.
    const dayExpr = sql<number>`(occurred_at + ${sql.lit(offset)}) / ${sql.lit(DAY)}`;
    let perDay = ctx.tdb
      .selectFrom('activities')
      .select([dayExpr.as('d'), (eb) => eb.fn.countAll().as('n')])
      .where('occurred_at', '>=', from)
      .where('occurred_at', '<=', now)
      .groupBy(dayExpr);
    if (groupIds) perDay = perDay.where('group_id', 'in', groupIds);
    let last7 = ctx.tdb.selectFrom('activities').select((eb) => eb.fn.countAll().as('n')).where('occurred_at', '>=', now - 7 * DAY).where('occurred_at', '<=', now);
    if (groupIds) last7 = last7.where('group_id', 'in', groupIds);
    // One pass over the week's message, join and leave activities, split by kind and by "today".
    const startOfToday = today * DAY - offset;
    const todayExpr = sql<number>`case when occurred_at >= ${sql.lit(startOfToday)} then 1 else 0 end`;
    let byKind = ctx.tdb.selectFrom('activities').select(['kind', todayExpr.as('today'), (eb) => eb.fn.countAll().as('n')])
      .where('occurred_at', '>=', Math.min(now - 7 * DAY, startOfToday)).where('occurred_at', '<=', now).where('kind', 'in', ['message', 'join', 'leave'])
      .groupBy(['kind', todayExpr]);
    if (groupIds) byKind = byKind.where('group_id', 'in', groupIds);

    const [c, g, m, a7, rows, kinds] = await Promise.all([
      communities.executeTakeFirst(), groups.executeTakeFirst(), members.executeTakeFirst(), last7.executeTakeFirst(), perDay.execute(), byKind.execute(),
    ]);
    const sum = (kind: string, todayOnly = false) => kinds.filter((r) => r.kind === kind && (!todayOnly || Number(r.today) === 1)).reduce((t, r) => t + Number(r.n), 0);
    const byDay = new Map(rows.map((r) => [Math.floor(Number(r.d)), Number(r.n)]));
    const activitiesPerDay = Array.from({ length: req.query.days }, (_, i) => ({
      day: new Date((firstDay + i) * DAY).toISOString().slice(0, 10),
      count: byDay.get(firstDay + i) ?? 0,
    }));
    return {
      members: count(m), groups: count(g), communities: count(c), activitiesLast7Days: count(a7), activitiesPerDay,
      messagesToday: sum('message', true), messagesLast7Days: sum('message'), joinsLast7Days: sum('join'), leavesLast7Days: sum('leave'),
    };
  });
}
