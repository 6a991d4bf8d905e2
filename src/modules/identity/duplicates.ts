// How many real people stand behind a community's seats: members counted once however many of its groups
// they sit in, and the overlap between each pair of groups (the console draws it as a heat map).
import type { Ctx } from '../../kernel/context.ts';
import { getCommunity } from '../community/index.ts';

export interface DuplicatesReport {
  /** Memberships (current) in the community's groups. */
  seats: number;
  /** Distinct members behind them. */
  people: number;
  /** Members with seats in more than one of the groups. */
  inSeveral: number;
  groups: { id: string; name: string; platform: string; seats: number }[];
  /** Pairs of groups sharing members, most shared first. */
  overlap: { a: string; b: string; shared: number }[];
}

export async function duplicatesReport(ctx: Ctx, communityId: string): Promise<DuplicatesReport> {
  ctx.authorize('member.read');
  await getCommunity(ctx, communityId); // 404 for a community the actor does not see
  const v = await ctx.visibility();
  const groups = (await ctx.tdb.selectFrom('groups').select(['id', 'name', 'platform']).where('community_id', '=', communityId).orderBy('created_at').execute())
    .filter((g) => v.all || v.groupIds.has(g.id));
  const byMember = new Map<string, string[]>();
  const seats = new Map<string, number>();
  const CHUNK = 500;
  for (let i = 0; i < groups.length; i += CHUNK) {
    const rows = await ctx.tdb.selectFrom('memberships').select(['member_id', 'group_id']).where('group_id', 'in', groups.slice(i, i + CHUNK).map((g) => g.id)).where('left_at', 'is', null).execute();
    for (const r of rows) {
      (byMember.get(r.member_id) ?? byMember.set(r.member_id, []).get(r.member_id)!).push(r.group_id);
      seats.set(r.group_id, (seats.get(r.group_id) ?? 0) + 1);
    }
  }
  const pairs = new Map<string, number>();
  let total = 0;
  let inSeveral = 0;
  for (const gs of byMember.values()) {
    total += gs.length;
    if (gs.length < 2) continue;
    inSeveral++;
    gs.sort();
    for (let i = 0; i < gs.length; i++) for (let j = i + 1; j < gs.length; j++) pairs.set(`${gs[i]}|${gs[j]}`, (pairs.get(`${gs[i]}|${gs[j]}`) ?? 0) + 1);
  }
  return {
    seats: total, people: byMember.size, inSeveral,
    groups: groups.map((g) => ({ id: g.id, name: g.name, platform: g.platform, seats: seats.get(g.id) ?? 0 })),
    overlap: [...pairs].map(([k, shared]) => ({ a: k.split('|')[0]!, b: k.split('|')[1]!, shared })).sort((x, y) => y.shared - x.shared),
  };
}
