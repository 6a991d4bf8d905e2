import type { z } from 'zod';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { conflict, forbidden, invalid, notFound } from '../../kernel/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { memberVisible } from '../operator/index.ts';
import {
  CanvasSchema, type Canvas, type Community, type CommunityCreateSchema, type CommunityUpdateSchema,
  type Phase, type PhaseCreateSchema, type PhaseUpdateSchema,
} from './community.schema.ts';
import { iso } from '../../kernel/clock.ts';


const toCommunity = (r: Database['communities']): Community => ({
  id: r.id,
  name: r.name,
  purpose: r.purpose as Community['purpose'],
  parentId: r.parent_id,
  leaderMemberId: r.leader_member_id,
  canvas: CanvasSchema.parse(JSON.parse(r.canvas)),
  createdAt: iso(r.created_at),
  updatedAt: iso(r.updated_at),
});

/** A lifecycle plan defaults to two years from its start (DESIGN.md: a group's prime is about two years). */
function withLifecycleDefaults(canvas: Canvas): Canvas {
  const l = canvas.lifecycle;
  if (l.startsOn && !l.plannedEndOn) {
    const [y, m, d] = l.startsOn.split('-');
    return { ...canvas, lifecycle: { ...l, plannedEndOn: `${Number(y) + 2}-${m}-${d}` } };
  }
  return canvas;
}

async function visibleCommunityRow(ctx: Ctx, id: string) {
  const v = await ctx.visibility();
  if (!v.all && !v.communityIds.has(id)) throw notFound('community', id);
  const r = await ctx.tdb.selectFrom('communities').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('community', id);
  return r;
}

/**
 * A scoped actor sees the communities of its visible groups as read-only context; it changes only the
 * communities its scope names. Checked after visibility, so a hidden community stays a 404.
 */
function assertCommunityWritable(ctx: Ctx, id: string): void {
  if (ctx.actor.scope && !ctx.actor.scope.communities.includes(id)) throw forbidden('changing a community outside your scope');
}

/** Throws 404 unless the community exists and the actor can see it. */
export async function assertCommunityVisible(ctx: Ctx, id: string): Promise<void> {
  await visibleCommunityRow(ctx, id);
}

export async function listCommunities(ctx: Ctx): Promise<Community[]> {
  ctx.authorize('community.read');
  const v = await ctx.visibility();
  let q = ctx.tdb.selectFrom('communities').selectAll().orderBy('created_at').orderBy('id');
  if (!v.all) q = v.communityIds.size ? q.where('id', 'in', [...v.communityIds]) : q.where('id', '=', '');
  return (await q.execute()).map(toCommunity);
}

export async function getCommunity(ctx: Ctx, id: string): Promise<Community> {
  ctx.authorize('community.read');
  return toCommunity(await visibleCommunityRow(ctx, id));
}

async function checkLineage(ctx: Ctx, id: string | null, parentId: string | null | undefined, leaderMemberId: string | null | undefined) {
  const v = await ctx.visibility();
  if (parentId) {
    if (parentId === id) throw invalid([{ field: 'parentId', reason: 'a community cannot be its own parent' }]);
    // Walk up the parent chain: a spin-off cannot end up as its own ancestor.
    let cursor: string | null = parentId;
    for (let depth = 0; cursor; depth++) {
      if (depth > 100 || cursor === id) throw invalid([{ field: 'parentId', reason: 'this parent would make a cycle of spin-offs' }]);
      const p: { parent_id: string | null } | undefined = await ctx.tdb.selectFrom('communities').select('parent_id').where('id', '=', cursor).executeTakeFirst();
      if (!p || (depth === 0 && !v.all && !v.communityIds.has(parentId))) throw invalid([{ field: 'parentId', reason: `community ${parentId} does not exist` }]);
      cursor = p.parent_id;
    }
  }
  if (leaderMemberId && !(await memberVisible(ctx.tdb, v, leaderMemberId))) {
    throw invalid([{ field: 'leaderMemberId', reason: `member ${leaderMemberId} does not exist` }]);
  }
}

export async function createCommunity(ctx: Ctx, input: z.infer<typeof CommunityCreateSchema>): Promise<Community> {
  ctx.authorize('community.write');
  if (ctx.actor.scope) throw forbidden('creating communities outside your scope');
  return ctx.transaction(async (tx) => {
    await checkLineage(tx, null, input.parentId, input.leaderMemberId);
    const now = tx.clock.now();
    const row = {
      id: tx.ids.next('com'),
      name: input.name,
      purpose: input.purpose,
      parent_id: input.parentId ?? null,
      leader_member_id: input.leaderMemberId ?? null,
      canvas: JSON.stringify(withLifecycleDefaults(input.canvas ?? CanvasSchema.parse({}))),
      created_at: now,
      updated_at: now,
    };
    await tx.tdb.insertInto('communities', row).execute();
    await recordAudit(tx, 'community.create', { type: 'community', id: row.id }, { name: row.name });
    return toCommunity({ ...row, workspace_id: tx.workspaceId });
  });
}

export async function updateCommunity(ctx: Ctx, id: string, input: z.infer<typeof CommunityUpdateSchema>): Promise<Community> {
  ctx.authorize('community.write');
  return ctx.transaction(async (tx) => {
    const current = await visibleCommunityRow(tx, id);
    assertCommunityWritable(tx, id);
    await checkLineage(tx, id, input.parentId, input.leaderMemberId);
    const patch: Partial<Database['communities']> = { updated_at: tx.clock.now() };
    if (input.name !== undefined) patch.name = input.name;
    if (input.purpose !== undefined) patch.purpose = input.purpose;
    if (input.parentId !== undefined) patch.parent_id = input.parentId;
    if (input.leaderMemberId !== undefined) patch.leader_member_id = input.leaderMemberId;
    if (input.canvas !== undefined) patch.canvas = JSON.stringify(withLifecycleDefaults(input.canvas));
    await tx.tdb.updateTable('communities').set(patch).where('id', '=', id).execute();
    await recordAudit(tx, 'community.update', { type: 'community', id }, { fields: Object.keys(input) });
    return toCommunity({ ...current, ...patch });
  });
}

export async function deleteCommunity(ctx: Ctx, id: string): Promise<void> {
  ctx.authorize('community.write');
  await ctx.transaction(async (tx) => {
    await visibleCommunityRow(tx, id);
    assertCommunityWritable(tx, id);
    const group = await tx.tdb.selectFrom('groups').select('id').where('community_id', '=', id).limit(1).executeTakeFirst();
    if (group) throw conflict('The community still has groups; move or delete them first', { communityId: id });
    const child = await tx.tdb.selectFrom('communities').select('id').where('parent_id', '=', id).limit(1).executeTakeFirst();
    if (child) throw conflict('The community has spin-offs; re-parent them first', { communityId: id, childId: child.id });
    await tx.tdb.deleteFrom('phases').where('community_id', '=', id).execute();
    await tx.tdb.deleteFrom('circle_tasks').where('community_id', '=', id).execute();
    await tx.tdb.updateTable('group_sets').set({ community_id: null }).where('community_id', '=', id).execute();
    await tx.tdb.deleteFrom('communities').where('id', '=', id).execute();
    await recordAudit(tx, 'community.delete', { type: 'community', id });
  });
}

const toPhase = (r: Database['phases']): Phase => ({
  id: r.id,
  communityId: r.community_id,
  name: r.name,
  purpose: r.purpose as Phase['purpose'],
  startsOn: r.starts_on,
  endsOn: r.ends_on,
  targets: JSON.parse(r.targets),
  budgetCents: r.budget_cents === null ? null : Number(r.budget_cents),
  platformMix: JSON.parse(r.platform_mix),
  createdAt: iso(r.created_at),
});

/** The communities whose records (costs, event supporters) the actor may see: null for all of them. */
export async function visibleCommunities(ctx: Ctx): Promise<string[] | null> {
  const v = await ctx.visibility();
  return v.all ? null : [...v.communityIds];
}

export async function listPhases(ctx: Ctx, communityId: string): Promise<Phase[]> {
  ctx.authorize('community.read');
  await visibleCommunityRow(ctx, communityId);
  const rows = await ctx.tdb.selectFrom('phases').selectAll().where('community_id', '=', communityId).orderBy('starts_on').orderBy('id').execute();
  return rows.map(toPhase);
}

/** Every phase of the communities the actor sees, by start: the report's phase picker. */
export async function listAllPhases(ctx: Ctx): Promise<Phase[]> {
  ctx.authorize('community.read');
  const v = await ctx.visibility();
  if (!v.all && !v.communityIds.size) return [];
  let q = ctx.tdb.selectFrom('phases').selectAll().orderBy('starts_on').orderBy('id');
  if (!v.all) q = q.where('community_id', 'in', [...v.communityIds]);
  return (await q.execute()).map(toPhase);
}

export async function createPhase(ctx: Ctx, communityId: string, input: z.infer<typeof PhaseCreateSchema>): Promise<Phase> {
  ctx.authorize('community.write');
  return ctx.transaction(async (tx) => {
    await visibleCommunityRow(tx, communityId);
    assertCommunityWritable(tx, communityId);
    const now = tx.clock.now();
    const row = {
      id: tx.ids.next('ph'),
      community_id: communityId,
      name: input.name,
      purpose: input.purpose,
      starts_on: input.startsOn,
      ends_on: input.endsOn,
      targets: JSON.stringify(input.targets),
      budget_cents: input.budgetCents,
      platform_mix: JSON.stringify(input.platformMix),
      created_at: now,
      updated_at: now,
    };
    await tx.tdb.insertInto('phases', row).execute();
    await recordAudit(tx, 'phase.create', { type: 'phase', id: row.id }, { communityId, name: row.name });
    return toPhase({ ...row, workspace_id: tx.workspaceId });
  });
}

async function visiblePhaseRow(ctx: Ctx, id: string) {
  const r = await ctx.tdb.selectFrom('phases').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('phase', id);
  const v = await ctx.visibility();
  if (!v.all && !v.communityIds.has(r.community_id)) throw notFound('phase', id);
  return r;
}

export async function getPhase(ctx: Ctx, id: string): Promise<Phase> {
  ctx.authorize('community.read');
  return toPhase(await visiblePhaseRow(ctx, id));
}

export async function updatePhase(ctx: Ctx, id: string, input: z.infer<typeof PhaseUpdateSchema>): Promise<Phase> {
  ctx.authorize('community.write');
  return ctx.transaction(async (tx) => {
    const current = await visiblePhaseRow(tx, id);
    assertCommunityWritable(tx, current.community_id);
    const startsOn = input.startsOn ?? current.starts_on;
    const endsOn = input.endsOn ?? current.ends_on;
    if (startsOn > endsOn) throw invalid([{ field: 'endsOn', reason: 'endsOn must not be before startsOn' }]);
    const patch: Partial<Database['phases']> = { updated_at: tx.clock.now(), starts_on: startsOn, ends_on: endsOn };
    if (input.name !== undefined) patch.name = input.name;
    if (input.purpose !== undefined) patch.purpose = input.purpose;
    if (input.targets !== undefined) patch.targets = JSON.stringify(input.targets);
    if (input.budgetCents !== undefined) patch.budget_cents = input.budgetCents;
    if (input.platformMix !== undefined) patch.platform_mix = JSON.stringify(input.platformMix);
    await tx.tdb.updateTable('phases').set(patch).where('id', '=', id).execute();
    await recordAudit(tx, 'phase.update', { type: 'phase', id }, { fields: Object.keys(input) });
    return toPhase({ ...current, ...patch });
  });
}

export async function deletePhase(ctx: Ctx, id: string): Promise<void> {
  ctx.authorize('community.write');
  await ctx.transaction(async (tx) => {
    const phase = await visiblePhaseRow(tx, id);
    assertCommunityWritable(tx, phase.community_id);
    await tx.tdb.deleteFrom('phases').where('id', '=', id).execute();
    await recordAudit(tx, 'phase.delete', { type: 'phase', id });
  });
}
