// An operator may be scoped to some communities, group sets or regions; it then sees nothing else.
// Visibility is resolved once per request into sets of ids that queries filter on.
import { z } from 'zod';
import type { TenantDb } from '../../kernel/db/tenant.ts';

export const ScopeSchema = z
  .object({
    communities: z.array(z.string().max(64)).max(1000).default([]),
    groupSets: z.array(z.string().max(64)).max(1000).default([]),
    regions: z.array(z.string().min(1).max(64)).max(1000).default([]),
  })
  .strict();
export type Scope = z.infer<typeof ScopeSchema>;

export type Visibility =
  | { all: true }
  | { all: false; communityIds: Set<string>; groupSetIds: Set<string>; groupIds: Set<string> };

export function parseScope(json: string | null): Scope | null {
  if (!json) return null;
  const s = ScopeSchema.parse(JSON.parse(json));
  return s.communities.length + s.groupSets.length + s.regions.length === 0 ? null : s;
}

export async function resolveVisibility(tdb: TenantDb, scope: Scope | null): Promise<Visibility> {
  if (!scope) return { all: true };
  const groups = await tdb
    .selectFrom('groups')
    .select(['id', 'community_id', 'group_set_id', 'region'])
    .execute();
  const communityIds = new Set(scope.communities);
  const groupSetIds = new Set(scope.groupSets);
  const regions = new Set(scope.regions);
  const groupIds = new Set<string>();
  for (const g of groups) {
    if (scope.communities.includes(g.community_id) || (g.group_set_id && groupSetIds.has(g.group_set_id)) || (g.region && regions.has(g.region))) {
      groupIds.add(g.id);
    }
  }
  // A community or set that holds a visible group is visible too (read-only context for the group).
  const sets = await tdb.selectFrom('group_sets').select(['id', 'community_id', 'region']).execute();
  for (const s of sets) {
    if ((s.community_id && scope.communities.includes(s.community_id)) || (s.region && regions.has(s.region))) groupSetIds.add(s.id);
  }
  for (const g of groups) {
    if (groupIds.has(g.id)) {
      communityIds.add(g.community_id);
      if (g.group_set_id) groupSetIds.add(g.group_set_id);
    }
  }
  return { all: false, communityIds, groupSetIds, groupIds };
}

/** Whether `inner` grants no more than `outer`: an unscoped actor may grant anything, a scoped one only parts of its own scope. */
export function scopeWithin(inner: Scope | null | undefined, outer: Scope | null): boolean {
  if (!outer) return true;
  if (!inner || inner.communities.length + inner.groupSets.length + inner.regions.length === 0) return false;
  return (
    inner.communities.every((c) => outer.communities.includes(c)) &&
    inner.groupSets.every((s) => outer.groupSets.includes(s)) &&
    inner.regions.every((r) => outer.regions.includes(r))
  );
}

/** Whether the member exists and the actor may see them: a scoped actor only members of its visible groups. */
export async function memberVisible(tdb: TenantDb, v: Visibility, memberId: string): Promise<boolean> {
  if (v.all) return !!(await tdb.selectFrom('members').select('id').where('id', '=', memberId).executeTakeFirst());
  if (v.groupIds.size === 0) return false;
  const seen = await tdb
    .selectFrom('memberships')
    .select('id')
    .where('member_id', '=', memberId)
    .where('group_id', 'in', [...v.groupIds])
    .limit(1)
    .executeTakeFirst();
  return !!seen;
}
