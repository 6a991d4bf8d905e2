// Referrals (裂变): who brought whom. Of the people who joined in the range, how many came through a member
// (a member's referrer, or the member who invited them into a group), the viral coefficient (those
// referred joins per member the scope had when the range began: K > 1 grows on its own), the members who
// brought the most, and how deep the chains run (a friend of a friend of a friend).
import type { Ctx } from '../../kernel/context.ts';
import { dayDate } from './calendar.ts';
import { resolveRange, resolveScope, type DashboardQuery } from './dashboard.ts';

const MAX_DEPTH = 6;

export async function referrals(ctx: Ctx, q: DashboardQuery) {
  ctx.authorize('member.read');
  const [scope, range] = [await resolveScope(ctx, q), await resolveRange(ctx, q)];
  // Who joined in the range and who brought them: the workspace by members, a community or group by seats.
  let joined: { member: string; by: string | null }[];
  let base: number;
  if (scope.kind === 'workspace') {
    joined = (await ctx.tdb.selectFrom('members').select(['id', 'referrer_id']).where('joined_at', '>=', range.fromAt).where('joined_at', '<', range.toAt).execute())
      .map((r) => ({ member: r.id, by: r.referrer_id }));
    base = Number((await ctx.tdb.selectFrom('members').select((eb) => eb.fn.countAll<number>().as('n')).where('joined_at', '<', range.fromAt).executeTakeFirstOrThrow()).n);
  } else {
    const groups = scope.kind === 'group' ? [scope.id!] : (await ctx.tdb.selectFrom('groups').select('id').where('community_id', '=', scope.id!).execute()).map((g) => g.id);
    const ids = groups.length ? groups : [''];
    const seats = await ctx.tdb.selectFrom('memberships').innerJoin('members', (j) => j.onRef('members.workspace_id', '=', 'memberships.workspace_id').onRef('members.id', '=', 'memberships.member_id'))
      .select(['memberships.member_id', 'memberships.invited_by', 'members.referrer_id'])
      .where('memberships.group_id', 'in', ids).where('memberships.joined_at', '>=', range.fromAt).where('memberships.joined_at', '<', range.toAt).execute();
    const seen = new Map<string, string | null>();
    for (const s of seats) if (!seen.has(s.member_id) || (!seen.get(s.member_id) && (s.invited_by ?? s.referrer_id))) seen.set(s.member_id, s.invited_by ?? s.referrer_id);
    joined = [...seen].map(([member, by]) => ({ member, by }));
    base = Number((await ctx.tdb.selectFrom('memberships').select((eb) => eb.fn.count<number>('member_id').distinct().as('n'))
      .where('group_id', 'in', ids).where('joined_at', '<', range.fromAt).where((eb) => eb.or([eb('left_at', 'is', null), eb('left_at', '>=', range.fromAt)])).executeTakeFirstOrThrow()).n);
  }
  const referred = joined.filter((j) => j.by);
  const byReferrer = new Map<string, number>();
  for (const j of referred) byReferrer.set(j.by!, (byReferrer.get(j.by!) ?? 0) + 1);
  // A referral's second level: the people the referred brought in the same range.
  const joinedBy = new Map(referred.map((j) => [j.member, j.by!]));
  const second = new Map<string, number>();
  for (const j of referred) {
    const grand = joinedBy.get(j.by!);
    if (grand) second.set(grand, (second.get(grand) ?? 0) + 1);
  }
  const top = [...byReferrer.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 20);
  const names = top.length ? new Map((await ctx.tdb.selectFrom('members').select(['id', 'display_name']).where('id', 'in', top.map(([id]) => id)).execute()).map((m) => [m.id, m.display_name])) : new Map();
  // Chain depth: follow each referred joiner's referrers up (a level per query), at most MAX_DEPTH.
  const parent = new Map<string, string | null>(joined.map((j) => [j.member, j.by]));
  let frontier = [...new Set(referred.map((j) => j.by!))].filter((id) => !parent.has(id));
  for (let level = 0; level < MAX_DEPTH && frontier.length; level++) {
    const next: string[] = [];
    for (let i = 0; i < frontier.length; i += 500) {
      for (const m of await ctx.tdb.selectFrom('members').select(['id', 'referrer_id']).where('id', 'in', frontier.slice(i, i + 500)).execute()) {
        parent.set(m.id, m.referrer_id);
        if (m.referrer_id && !parent.has(m.referrer_id)) next.push(m.referrer_id);
      }
    }
    frontier = [...new Set(next)];
  }
  const depths = new Map<number, number>();
  for (const j of referred) {
    let d = 0;
    let at: string | null | undefined = j.member;
    const path = new Set<string>();
    while (at && parent.get(at) && d < MAX_DEPTH && !path.has(at)) {
      path.add(at);
      at = parent.get(at);
      d++;
    }
    depths.set(d, (depths.get(d) ?? 0) + 1);
  }
  return {
    scope: { kind: scope.kind, id: scope.id, name: scope.name },
    range: { from: dayDate(range.firstDay), to: dayDate(range.lastDay), timezone: range.timezone },
    joined: joined.length,
    referred: referred.length,
    referralShare: joined.length ? referred.length / joined.length : 0,
    base,
    viralCoefficient: base ? referred.length / base : null,
    topReferrers: top.map(([id, n]) => ({ memberId: id, displayName: names.get(id) ?? id, referred: n, secondLevel: second.get(id) ?? 0 })),
    depths: [...depths.entries()].sort((a, b) => a[0] - b[0]).map(([depth, members]) => ({ depth, members })),
  };
}
