// 复制: is a community ready to copy itself, and how have its copies done? Ready means three things the method
// asks for before a community splits off a new one: a core group in place (a core group with people in it who
// are active), self-organisation (most messages come from members, not from the group keepers and the bots),
// and a sub-culture of its own (terms the community keeps using week after week). The lineage is the tree of
// communities around it (parent → spin-offs), each with its figures over the same range.
import type { Ctx } from '../../kernel/context.ts';
import { invalid } from '../../kernel/errors.ts';
import { dayDate, weekOf } from './calendar.ts';
import { groupHealth, num, overview, resolveRange, resolveScope, type DashboardQuery } from './dashboard.ts';

/** A core group counts once it holds this many seats and someone in it is active weekly. */
export const CORE_MIN_SEATS = 10;
/** Self-organisation: at least this share of the messages written by members who keep no group. */
export const SELF_ORGANISED_SHARE = 0.5;
/** Sub-culture: terms used in at least RECURRING_WEEKS of the last SUBCULTURE_WEEKS weeks, at least SUBCULTURE_TERMS of them. */
export const SUBCULTURE_WEEKS = 6;
export const RECURRING_WEEKS = 4;
export const SUBCULTURE_TERMS = 5;
const LINEAGE_MAX = 30;

const pct = (x: number) => `${Math.round(x * 100)}%`;

export async function replication(ctx: Ctx, q: DashboardQuery) {
  ctx.authorize('activity.read');
  ctx.authorize('community.read');
  if (!q.communityId) throw invalid([{ field: 'communityId', reason: 'readiness to replicate is a community\'s: name the community' }]);
  if (q.groupId) throw invalid([{ field: 'groupId', reason: 'readiness to replicate is a community\'s, not a group\'s' }]);
  const [scope, range] = [await resolveScope(ctx, q), await resolveRange(ctx, q)];
  const communityId = scope.id!;

  // Core groups: the community's groups of kind core, with their seats and weekly actives over the range.
  const kinds = new Map((await ctx.tdb.selectFrom('groups').select(['id', 'kind']).where('community_id', '=', communityId).execute()).map((g) => [g.id, g.kind]));
  const health = await groupHealth(ctx, q);
  const core = health.items.filter((g) => kinds.get(g.groupId) === 'core')
    .map((g) => ({ groupId: g.groupId, name: g.name, seats: g.seats, weeklyActive: g.weeklyActive, activeRate: g.activeRate, quiet: g.quiet }));
  const coreReady = core.some((g) => g.seats >= CORE_MIN_SEATS && g.weeklyActive >= 1);

  // Self-organisation: the messages in the range, less those of the keepers (owners and secretaries who are
  // members) and those with no member (the group assistant, relays, notices), read by member through its index.
  const groups = health.items.map((g) => g.groupId);
  const keepers = [...new Set(health.items.flatMap((g) => [g.owner, g.secretary]).flatMap((k) => (k?.type === 'member' ? [k.id] : [])))];
  const messages = num((await ctx.tdb.selectFrom('activity_days').select((eb) => eb.fn.sum<number>('n').as('n'))
    .where('scope', '=', scope.key).where('kind', '=', 'message').where('day', '>=', range.firstDay).where('day', '<=', range.lastDay).executeTakeFirst())?.n);
  let staff = 0;
  for (let i = 0; i < groups.length; i += 500) {
    const part = groups.slice(i, i + 500);
    const count = (who: 'keepers' | 'nobody', ids: string[] = []) => {
      let c = ctx.tdb.selectFrom('activities').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', 'message')
        .where('occurred_at', '>=', range.fromAt).where('occurred_at', '<', range.toAt).where('group_id', 'in', part);
      c = who === 'nobody' ? c.where('member_id', 'is', null) : c.where('member_id', 'in', ids);
      return c.executeTakeFirst().then((r) => num(r?.n));
    };
    staff += await count('nobody');
    for (let k = 0; k < keepers.length; k += 500) staff += await count('keepers', keepers.slice(k, k + 500));
  }
  const memberShare = messages ? Math.max(0, messages - staff) / messages : 0;
  const selfOrganised = messages > 0 && memberShare >= SELF_ORGANISED_SHARE;

  // Sub-culture: the terms of the last SUBCULTURE_WEEKS weeks (ending with the range), by the weeks they came up in.
  const lastWeek = weekOf(range.lastDay);
  const from = (lastWeek - SUBCULTURE_WEEKS + 1) * 7 - 3;
  const rows = await ctx.tdb.selectFrom('term_days').select(['term', 'day', 'n'])
    .where('scope', '=', scope.key).where('day', '>=', from).where('day', '<=', range.lastDay).execute();
  const byTerm = new Map<string, { weeks: Set<number>; mentions: number }>();
  for (const r of rows) {
    const t = byTerm.get(r.term) ?? byTerm.set(r.term, { weeks: new Set(), mentions: 0 }).get(r.term)!;
    t.weeks.add(weekOf(Number(r.day)));
    t.mentions += num(r.n);
  }
  const recurring = [...byTerm].filter(([, t]) => t.weeks.size >= RECURRING_WEEKS)
    .map(([term, t]) => ({ term, weeks: t.weeks.size, mentions: t.mentions }))
    .sort((a, b) => b.weeks - a.weeks || b.mentions - a.mentions || (a.term < b.term ? -1 : 1)).slice(0, 30);
  const subculture = recurring.length >= SUBCULTURE_TERMS;

  const reasons: string[] = [];
  if (!coreReady) reasons.push(core.length ? `核心群还不够：需要至少 ${CORE_MIN_SEATS} 个席位、每周有人活跃的核心群` : '还没有核心群（群类型为「核心群」）');
  if (!selfOrganised) reasons.push(messages ? `自组织不足：成员自己发的消息占 ${pct(memberShare)}，需要至少 ${pct(SELF_ORGANISED_SHARE)}` : '这段时间没有消息');
  if (!subculture) reasons.push(`亚文化还没形成：最近 ${SUBCULTURE_WEEKS} 周里至少 ${RECURRING_WEEKS} 周都出现的词有 ${recurring.length} 个，需要至少 ${SUBCULTURE_TERMS} 个`);

  return {
    scope: { kind: scope.kind, id: scope.id, name: scope.name },
    range: { from: dayDate(range.firstDay), to: dayDate(range.lastDay), timezone: range.timezone },
    ready: coreReady && selfOrganised && subculture,
    reasons,
    coreGroup: { ready: coreReady, minSeats: CORE_MIN_SEATS, groups: core },
    selfOrganisation: { ready: selfOrganised, messages, staffMessages: Math.min(staff, messages), memberShare, threshold: SELF_ORGANISED_SHARE },
    subculture: { ready: subculture, weeks: SUBCULTURE_WEEKS, recurringWeeks: RECURRING_WEEKS, minTerms: SUBCULTURE_TERMS, since: dayDate(from), terms: recurring },
    lineage: await lineage(ctx, communityId, q),
  };
}

/** The community's family: up to its first ancestor the actor sees, then every spin-off below it, with figures. */
async function lineage(ctx: Ctx, communityId: string, q: DashboardQuery) {
  const v = await ctx.visibility();
  // The community asked for is in (its scope was allowed, perhaps through its groups); the others only if seen whole.
  const all = (await ctx.tdb.selectFrom('communities').select(['id', 'name', 'parent_id', 'created_at']).execute())
    .filter((c) => v.all || v.communityIds.has(c.id) || c.id === communityId);
  const byId = new Map(all.map((c) => [c.id, c]));
  let root = byId.get(communityId)!;
  for (const seen = new Set([root.id]); root.parent_id && byId.has(root.parent_id) && !seen.has(root.parent_id);) {
    root = byId.get(root.parent_id)!;
    seen.add(root.id);
  }
  const children = new Map<string, typeof all>();
  for (const c of all) if (c.parent_id) (children.get(c.parent_id) ?? children.set(c.parent_id, []).get(c.parent_id)!).push(c);
  const out: { id: string; name: string; parentId: string | null; depth: number; createdAt: string; people: number; seats: number; monthlyActive: number; activeMemberRate: number; revenueCents: number; joins: number }[] = [];
  const queue: [typeof root, number][] = [[root, 0]];
  const visited = new Set<string>();
  while (queue.length && out.length < LINEAGE_MAX) {
    const [c, depth] = queue.shift()!;
    if (visited.has(c.id)) continue;
    visited.add(c.id);
    const o = await overview(ctx, { communityId: c.id, from: q.from, to: q.to });
    out.push({
      id: c.id, name: c.name, parentId: c.parent_id && byId.has(c.parent_id) ? c.parent_id : null, depth, createdAt: new Date(Number(c.created_at)).toISOString(),
      people: o.scale.people, seats: o.scale.seats, monthlyActive: o.activity.monthlyActive, activeMemberRate: o.activity.activeMemberRate,
      revenueCents: o.revenue.amountCents, joins: o.scale.joins,
    });
    for (const k of (children.get(c.id) ?? []).sort((a, b) => Number(a.created_at) - Number(b.created_at))) queue.push([k, depth + 1]);
  }
  return out;
}
