import type { z } from 'zod';
import { sql, type ExpressionBuilder } from 'kysely';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { decodeCursor, encodeCursor } from '../../kernel/cursor.ts';
import { conflict, forbidden, invalid, notFound } from '../../kernel/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { assertCommunityVisible } from '../community/index.ts';
import { memberVisible } from '../operator/index.ts';
import {
  NumberingSchema, defaultCapacity, type Group, type GroupCreateSchema, type GroupListQuerySchema, type GroupSet,
  type GroupSetCreateSchema, type GroupSetUpdateSchema, type GroupUpdateSchema,
} from './group.schema.ts';
import { iso } from '../../kernel/clock.ts';

type Keeper = { type: 'operator' | 'member'; id: string } | null | undefined;

const keeper = (type: string | null, id: string | null) => (type && id ? { type: type as 'operator' | 'member', id } : null);

const toGroup = (r: Database['groups'], memberCount: number): Group => ({
  id: r.id,
  communityId: r.community_id,
  groupSetId: r.group_set_id,
  platform: r.platform as Group['platform'],
  externalId: r.external_id,
  name: r.name,
  kind: r.kind as Group['kind'],
  function: r.function as Group['function'],
  official: r.official === 1,
  structure: r.structure as Group['structure'],
  capacity: Number(r.capacity),
  status: r.status as Group['status'],
  region: r.region,
  tags: JSON.parse(r.tags) as string[],
  owner: keeper(r.owner_type, r.owner_id),
  secretary: keeper(r.secretary_type, r.secretary_id),
  numbering: NumberingSchema.parse(JSON.parse(r.numbering)),
  announcement: r.announcement ? { text: r.announcement, at: iso(Number(r.announcement_at ?? r.updated_at)) } : null,
  memberCount,
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

async function memberCounts(ctx: Ctx, groupIds: string[]): Promise<Map<string, number>> {
  if (groupIds.length === 0) return new Map();
  const rows = await ctx.tdb
    .selectFrom('memberships')
    .select((eb) => ['group_id', eb.fn.countAll<number>().as('n')])
    .where('group_id', 'in', groupIds)
    .where('left_at', 'is', null)
    .groupBy('group_id')
    .execute();
  return new Map(rows.map((r) => [r.group_id, Number(r.n)]));
}

export async function visibleGroupRow(ctx: Ctx, id: string) {
  const v = await ctx.visibility();
  if (!v.all && !v.groupIds.has(id)) throw notFound('group', id);
  const r = await ctx.tdb.selectFrom('groups').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('group', id);
  return r;
}

async function checkKeeper(ctx: Ctx, field: string, k: Keeper) {
  if (!k) return;
  const exists =
    k.type === 'operator'
      ? !!(await ctx.tdb.selectFrom('operators').select('id').where('id', '=', k.id).executeTakeFirst())
      : await memberVisible(ctx.tdb, await ctx.visibility(), k.id);
  if (!exists) throw invalid([{ field: `${field}.id`, reason: `${k.type} ${k.id} does not exist` }]);
}

async function checkGroupSet(ctx: Ctx, groupSetId: string | null | undefined) {
  if (!groupSetId) return;
  const row = await ctx.tdb.selectFrom('group_sets').select('id').where('id', '=', groupSetId).executeTakeFirst();
  const v = await ctx.visibility();
  if (!row || (!v.all && !v.groupSetIds.has(groupSetId))) throw invalid([{ field: 'groupSetId', reason: `group set ${groupSetId} does not exist` }]);
}

async function checkCommunity(ctx: Ctx, communityId: string) {
  const row = await ctx.tdb.selectFrom('communities').select('id').where('id', '=', communityId).executeTakeFirst();
  const v = await ctx.visibility();
  if (!row || (!v.all && !v.communityIds.has(communityId))) throw invalid([{ field: 'communityId', reason: `community ${communityId} does not exist` }]);
}

async function assertExternalIdFree(ctx: Ctx, platform: string, externalId: string | null | undefined, exceptId?: string) {
  if (!externalId) return;
  let q = ctx.tdb.selectFrom('groups').select('id').where('platform', '=', platform).where('external_id', '=', externalId);
  if (exceptId) q = q.where('id', '!=', exceptId);
  const dup = await q.executeTakeFirst();
  if (dup) throw conflict(`A ${platform} group with external id ${externalId} already exists`, { field: 'externalId', groupId: dup.id });
}

/**
 * Groups carrying any of the tags: the tags are a JSON array of strings, so a tag is found as its JSON form
 * (quoted and escaped as stored) inside it, on either dialect.
 */
export function tagged(tags: string[]) {
  const like = (t: string) => `%${JSON.stringify(t).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return (eb: ExpressionBuilder<Database, 'groups'>) => eb.or(tags.map((t) => eb('groups.tags', 'like', sql<string>`${like(t)} escape '\\'`)));
}

export async function listGroups(ctx: Ctx, q: z.infer<typeof GroupListQuerySchema>): Promise<{ items: Group[]; nextCursor: string | null }> {
  ctx.authorize('group.read');
  const v = await ctx.visibility();
  let query = ctx.tdb.selectFrom('groups').selectAll().orderBy('created_at').orderBy('id').limit(q.limit + 1);
  if (!v.all) query = v.groupIds.size ? query.where('id', 'in', [...v.groupIds]) : query.where('id', '=', '');
  if (q.communityId) query = query.where('community_id', '=', q.communityId);
  if (q.groupSetId) query = query.where('group_set_id', '=', q.groupSetId);
  if (q.platform) query = query.where('platform', '=', q.platform);
  if (q.kind) query = query.where('kind', '=', q.kind);
  if (q.tag) query = query.where(tagged([q.tag]));
  if (q.status) query = query.where('status', '=', q.status);
  const c = decodeCursor(q.cursor);
  if (c) query = query.where((eb) => eb.or([eb('created_at', '>', c.key), eb.and([eb('created_at', '=', c.key), eb('id', '>', c.id)])]));
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const counts = await memberCounts(ctx, page.map((r) => r.id));
  const last = page[page.length - 1];
  return {
    items: page.map((r) => toGroup(r, counts.get(r.id) ?? 0)),
    nextCursor: rows.length > q.limit && last ? encodeCursor(Number(last.created_at), last.id) : null,
  };
}

export async function getGroup(ctx: Ctx, id: string): Promise<Group> {
  ctx.authorize('group.read');
  const r = await visibleGroupRow(ctx, id);
  return toGroup(r, (await memberCounts(ctx, [id])).get(id) ?? 0);
}

export async function createGroup(ctx: Ctx, input: z.infer<typeof GroupCreateSchema>): Promise<Group> {
  ctx.authorize('group.write');
  return ctx.transaction(async (tx) => {
    await checkCommunity(tx, input.communityId);
    await checkGroupSet(tx, input.groupSetId);
    await checkKeeper(tx, 'owner', input.owner);
    await checkKeeper(tx, 'secretary', input.secretary);
    await assertExternalIdFree(tx, input.platform, input.externalId);
    const now = tx.clock.now();
    const row = {
      id: tx.ids.next('grp'),
      community_id: input.communityId,
      group_set_id: input.groupSetId ?? null,
      platform: input.platform,
      external_id: input.externalId ?? null,
      name: input.name,
      kind: input.kind,
      function: input.function,
      official: input.official ? 1 : 0,
      structure: input.structure,
      capacity: input.capacity ?? defaultCapacity[input.platform],
      status: input.status,
      region: input.region ?? null,
      tags: JSON.stringify(input.tags ?? []),
      owner_type: input.owner?.type ?? null,
      owner_id: input.owner?.id ?? null,
      secretary_type: input.secretary?.type ?? null,
      secretary_id: input.secretary?.id ?? null,
      numbering: JSON.stringify(input.numbering ?? NumberingSchema.parse({})),
      announcement: null,
      announcement_at: null,
      created_at: input.createdAt ? Date.parse(input.createdAt) : now,
      updated_at: now,
    };
    // Judged against the scope itself: the communities and sets a scoped actor sees only as context are not its own.
    const v = await tx.visibility();
    const scope = tx.actor.scope;
    if (scope && !scope.communities.includes(row.community_id) && !(row.group_set_id && scope.groupSets.includes(row.group_set_id)) && !(row.region && scope.regions.includes(row.region))) {
      throw forbidden('creating a group outside your scope');
    }
    await tx.tdb.insertInto('groups', row).execute();
    if (!v.all) v.groupIds.add(row.id);
    await recordAudit(tx, 'group.create', { type: 'group', id: row.id }, { name: row.name, platform: row.platform });
    tx.emit({ type: 'group.created', workspaceId: tx.workspaceId, groupId: row.id, data: { id: row.id, name: row.name } });
    return toGroup({ ...row, workspace_id: tx.workspaceId }, 0);
  });
}

export async function updateGroup(ctx: Ctx, id: string, input: z.infer<typeof GroupUpdateSchema>): Promise<Group> {
  ctx.authorize('group.write');
  return ctx.transaction(async (tx) => {
    const current = await visibleGroupRow(tx, id);
    if (input.communityId) await checkCommunity(tx, input.communityId);
    await checkGroupSet(tx, input.groupSetId);
    await checkKeeper(tx, 'owner', input.owner);
    await checkKeeper(tx, 'secretary', input.secretary);
    if (input.externalId !== undefined) await assertExternalIdFree(tx, current.platform, input.externalId, id);
    if (input.numbering) {
      const used = await tx.tdb.selectFrom('memberships').select('id').where('group_id', '=', id).where('number', 'is not', null).limit(1).executeTakeFirst();
      const old = NumberingSchema.parse(JSON.parse(current.numbering));
      if (used && old.scope !== input.numbering.scope) {
        throw invalid([{ field: 'numbering.scope', reason: 'numbers were already given in this scope; member numbers are never reissued' }]);
      }
    }
    const patch: Partial<Database['groups']> = { updated_at: tx.clock.now() };
    if (input.communityId !== undefined) patch.community_id = input.communityId;
    if (input.groupSetId !== undefined) patch.group_set_id = input.groupSetId;
    if (input.externalId !== undefined) patch.external_id = input.externalId;
    if (input.name !== undefined) patch.name = input.name;
    if (input.kind !== undefined) patch.kind = input.kind;
    if (input.function !== undefined) patch.function = input.function;
    if (input.official !== undefined) patch.official = input.official ? 1 : 0;
    if (input.structure !== undefined) patch.structure = input.structure;
    if (input.capacity !== undefined) patch.capacity = input.capacity;
    if (input.status !== undefined) patch.status = input.status;
    if (input.region !== undefined) patch.region = input.region;
    if (input.tags !== undefined) patch.tags = JSON.stringify(input.tags);
    if (input.owner !== undefined) Object.assign(patch, { owner_type: input.owner?.type ?? null, owner_id: input.owner?.id ?? null });
    if (input.secretary !== undefined) Object.assign(patch, { secretary_type: input.secretary?.type ?? null, secretary_id: input.secretary?.id ?? null });
    if (input.numbering !== undefined) patch.numbering = JSON.stringify(input.numbering);
    await tx.tdb.updateTable('groups').set(patch).where('id', '=', id).execute();
    await recordAudit(tx, 'group.update', { type: 'group', id }, { fields: Object.keys(input) });
    tx.emit({ type: 'group.updated', workspaceId: tx.workspaceId, groupId: id, data: { id, fields: Object.keys(input) } });
    return toGroup({ ...current, ...patch }, (await memberCounts(tx, [id])).get(id) ?? 0);
  });
}

export async function deleteGroup(ctx: Ctx, id: string): Promise<void> {
  ctx.authorize('group.write');
  await ctx.transaction(async (tx) => {
    await visibleGroupRow(tx, id);
    const active = await tx.tdb.selectFrom('memberships').select('id').where('group_id', '=', id).where('left_at', 'is', null).limit(1).executeTakeFirst();
    if (active) throw conflict('The group still has members; archive it (status "archived") instead', { groupId: id });
    await tx.tdb.deleteFrom('member_terms').where('term', '=', `g:${id}`).execute();
    await tx.tdb.deleteFrom('memberships').where('group_id', '=', id).execute();
    await tx.tdb.deleteFrom('groups').where('id', '=', id).execute();
    await recordAudit(tx, 'group.delete', { type: 'group', id });
  });
}

// ---- group sets ----

const toGroupSet = (r: Database['group_sets'], groupCount: number): GroupSet => ({
  id: r.id,
  name: r.name,
  communityId: r.community_id,
  region: r.region,
  namingPattern: r.naming_pattern,
  groupCount,
  createdAt: iso(r.created_at),
});

async function groupCounts(ctx: Ctx, ids: string[]) {
  if (!ids.length) return new Map<string, number>();
  const rows = await ctx.tdb
    .selectFrom('groups')
    .select((eb) => ['group_set_id', eb.fn.countAll<number>().as('n')])
    .where('group_set_id', 'in', ids)
    .groupBy('group_set_id')
    .execute();
  return new Map(rows.map((r) => [r.group_set_id as string, Number(r.n)]));
}

/** A scoped actor changes only the sets its scope names (by id, community or region), not those it sees as context. */
function assertSetWritable(ctx: Ctx, set: { id: string; community_id: string | null; region: string | null }): void {
  const scope = ctx.actor.scope;
  if (!scope) return;
  if (scope.groupSets.includes(set.id) || (set.community_id && scope.communities.includes(set.community_id)) || (set.region && scope.regions.includes(set.region))) return;
  throw forbidden('changing a group set outside your scope');
}

async function visibleSetRow(ctx: Ctx, id: string) {
  const v = await ctx.visibility();
  if (!v.all && !v.groupSetIds.has(id)) throw notFound('group set', id);
  const r = await ctx.tdb.selectFrom('group_sets').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('group set', id);
  return r;
}

export async function listGroupSets(ctx: Ctx): Promise<GroupSet[]> {
  ctx.authorize('group.read');
  const v = await ctx.visibility();
  let q = ctx.tdb.selectFrom('group_sets').selectAll().orderBy('created_at').orderBy('id');
  if (!v.all) q = v.groupSetIds.size ? q.where('id', 'in', [...v.groupSetIds]) : q.where('id', '=', '');
  const rows = await q.execute();
  const counts = await groupCounts(ctx, rows.map((r) => r.id));
  return rows.map((r) => toGroupSet(r, counts.get(r.id) ?? 0));
}

export async function getGroupSet(ctx: Ctx, id: string): Promise<GroupSet> {
  ctx.authorize('group.read');
  const r = await visibleSetRow(ctx, id);
  return toGroupSet(r, (await groupCounts(ctx, [id])).get(id) ?? 0);
}

export async function createGroupSet(ctx: Ctx, input: z.infer<typeof GroupSetCreateSchema>): Promise<GroupSet> {
  ctx.authorize('group.write');
  if (ctx.actor.scope && !(input.communityId && ctx.actor.scope.communities.includes(input.communityId)) && !(input.region && ctx.actor.scope.regions.includes(input.region))) {
    throw forbidden('creating a group set outside your scope');
  }
  return ctx.transaction(async (tx) => {
    if (input.communityId) await assertCommunityVisibleAsField(tx, input.communityId);
    const now = tx.clock.now();
    const row = {
      id: tx.ids.next('gs'),
      name: input.name,
      community_id: input.communityId ?? null,
      region: input.region ?? null,
      naming_pattern: input.namingPattern ?? null,
      created_at: now,
      updated_at: now,
    };
    await tx.tdb.insertInto('group_sets', row).execute();
    const v = await tx.visibility();
    if (!v.all) v.groupSetIds.add(row.id);
    await recordAudit(tx, 'group_set.create', { type: 'group_set', id: row.id }, { name: row.name });
    return toGroupSet({ ...row, workspace_id: tx.workspaceId }, 0);
  });
}

async function assertCommunityVisibleAsField(ctx: Ctx, communityId: string) {
  try {
    await assertCommunityVisible(ctx, communityId);
  } catch {
    throw invalid([{ field: 'communityId', reason: `community ${communityId} does not exist` }]);
  }
}

export async function updateGroupSet(ctx: Ctx, id: string, input: z.infer<typeof GroupSetUpdateSchema>): Promise<GroupSet> {
  ctx.authorize('group.write');
  return ctx.transaction(async (tx) => {
    const current = await visibleSetRow(tx, id);
    assertSetWritable(tx, current);
    if (input.communityId) await assertCommunityVisibleAsField(tx, input.communityId);
    const patch: Partial<Database['group_sets']> = { updated_at: tx.clock.now() };
    if (input.name !== undefined) patch.name = input.name;
    if (input.communityId !== undefined) patch.community_id = input.communityId;
    if (input.region !== undefined) patch.region = input.region;
    if (input.namingPattern !== undefined) patch.naming_pattern = input.namingPattern;
    await tx.tdb.updateTable('group_sets').set(patch).where('id', '=', id).execute();
    await recordAudit(tx, 'group_set.update', { type: 'group_set', id }, { fields: Object.keys(input) });
    return toGroupSet({ ...current, ...patch }, (await groupCounts(tx, [id])).get(id) ?? 0);
  });
}

export async function deleteGroupSet(ctx: Ctx, id: string): Promise<void> {
  ctx.authorize('group.write');
  await ctx.transaction(async (tx) => {
    assertSetWritable(tx, await visibleSetRow(tx, id));
    await tx.tdb.updateTable('groups').set({ group_set_id: null }).where('group_set_id', '=', id).execute();
    await tx.tdb.deleteFrom('group_sets').where('id', '=', id).execute();
    await recordAudit(tx, 'group_set.delete', { type: 'group_set', id });
  });
}
