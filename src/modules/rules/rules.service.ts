// The rule model: a rule per group, group set or community, with its settings. A group's effective
// settings for a type are its own rule's, else its set's, else its community's, else the type's defaults.
import type { z } from 'zod';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { conflict, forbidden, invalid, notFound } from '../../kernel/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { parseSettings, previewOf, ruleTypes, type RuleSettings, type RuleType } from './rule-types.ts';
import type { Rule, RuleCreateSchema, RuleListQuerySchema, RuleTargetType, RuleUpdateSchema } from './rules.schema.ts';
import { iso } from '../../kernel/clock.ts';
import { forgetLiveRules } from './rule-cache.ts';


function toRule(r: Database['rules']): Rule {
  const type = r.type as RuleType;
  const parsed = parseSettings(type, JSON.parse(r.settings));
  const settings = parsed.ok ? parsed.value : ruleTypes[type].settings.parse({});
  return {
    id: r.id,
    family: r.family as Rule['family'],
    type,
    targetType: r.target_type as RuleTargetType,
    targetId: r.target_id,
    settings: settings as Record<string, unknown>,
    enabled: r.enabled === 1,
    preview: previewOf(type, settings as never),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

/** Whether the actor sees the target; `write` also asks that a scoped actor's scope names a set or community itself. */
async function targetVisible(ctx: Ctx, type: RuleTargetType, id: string, write: boolean): Promise<boolean> {
  const table = type === 'group' ? 'groups' : type === 'group_set' ? 'group_sets' : 'communities';
  const row = await ctx.tdb.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
  if (!row) return false;
  const v = await ctx.visibility();
  if (v.all) return true;
  if (type === 'group') return v.groupIds.has(id);
  const scope = ctx.actor.scope!;
  if (type === 'community') return write ? scope.communities.includes(id) : v.communityIds.has(id);
  if (!v.groupSetIds.has(id)) return false;
  if (!write) return true;
  const set = await ctx.tdb.selectFrom('group_sets').select(['community_id', 'region']).where('id', '=', id).executeTakeFirstOrThrow();
  return scope.groupSets.includes(id) || (!!set.community_id && scope.communities.includes(set.community_id)) || (!!set.region && scope.regions.includes(set.region));
}

async function visibleRuleRow(ctx: Ctx, id: string) {
  const r = await ctx.tdb.selectFrom('rules').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r || !(await targetVisible(ctx, r.target_type as RuleTargetType, r.target_id, false))) throw notFound('rule', id);
  return r;
}

function checkedSettings(type: RuleType, raw: unknown): string {
  const p = parseSettings(type, raw);
  if (!p.ok) throw invalid(p.errors.map((e) => ({ field: e.path ? `settings.${e.path}` : 'settings', reason: e.reason })));
  return JSON.stringify(p.value);
}

export async function listRules(ctx: Ctx, q: z.infer<typeof RuleListQuerySchema>): Promise<Rule[]> {
  ctx.authorize('group.read');
  let query = ctx.tdb.selectFrom('rules').selectAll().orderBy('created_at').orderBy('id');
  if (q.targetType) query = query.where('target_type', '=', q.targetType);
  if (q.targetId) query = query.where('target_id', '=', q.targetId);
  if (q.family) query = query.where('family', '=', q.family);
  const rows = await query.limit(1000).execute();
  const v = await ctx.visibility();
  if (v.all) return rows.map(toRule);
  const seen = rows.filter((r) =>
    r.target_type === 'group' ? v.groupIds.has(r.target_id) : r.target_type === 'group_set' ? v.groupSetIds.has(r.target_id) : v.communityIds.has(r.target_id));
  return seen.map(toRule);
}

export async function getRule(ctx: Ctx, id: string): Promise<Rule> {
  ctx.authorize('group.read');
  return toRule(await visibleRuleRow(ctx, id));
}

export async function createRule(ctx: Ctx, input: z.infer<typeof RuleCreateSchema>): Promise<Rule> {
  ctx.authorize('group.write');
  return ctx.transaction(async (tx) => {
    if (!(await targetVisible(tx, input.targetType, input.targetId, false))) {
      throw invalid([{ field: 'targetId', reason: `${input.targetType.replace('_', ' ')} ${input.targetId} does not exist` }]);
    }
    if (!(await targetVisible(tx, input.targetType, input.targetId, true))) throw forbidden('setting rules outside your scope');
    const settings = checkedSettings(input.type, input.settings);
    const dup = await tx.tdb.selectFrom('rules').select('id')
      .where('target_type', '=', input.targetType).where('target_id', '=', input.targetId).where('type', '=', input.type).executeTakeFirst();
    if (dup) throw conflict(`The target already has a ${input.type} rule; change that one`, { field: 'type', ruleId: dup.id });
    const now = tx.clock.now();
    const row = {
      id: tx.ids.next('rul'),
      family: ruleTypes[input.type].family,
      type: input.type,
      target_type: input.targetType,
      target_id: input.targetId,
      settings,
      enabled: input.enabled ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    await tx.tdb.insertInto('rules', row).execute();
    await recordAudit(tx, 'rule.create', { type: 'rule', id: row.id }, { ruleType: row.type, targetType: row.target_type, targetId: row.target_id });
    forgetLiveRules(tx.workspaceId);
    return toRule({ ...row, workspace_id: tx.workspaceId });
  });
}

export async function updateRule(ctx: Ctx, id: string, input: z.infer<typeof RuleUpdateSchema>): Promise<Rule> {
  ctx.authorize('group.write');
  return ctx.transaction(async (tx) => {
    const current = await visibleRuleRow(tx, id);
    if (!(await targetVisible(tx, current.target_type as RuleTargetType, current.target_id, true))) throw forbidden('setting rules outside your scope');
    const patch: Partial<Database['rules']> = { updated_at: tx.clock.now() };
    if (input.settings !== undefined) patch.settings = checkedSettings(current.type as RuleType, input.settings);
    if (input.enabled !== undefined) patch.enabled = input.enabled ? 1 : 0;
    await tx.tdb.updateTable('rules').set(patch).where('id', '=', id).execute();
    await recordAudit(tx, 'rule.update', { type: 'rule', id }, { fields: Object.keys(input) });
    forgetLiveRules(tx.workspaceId);
    return toRule({ ...current, ...patch });
  });
}

export async function deleteRule(ctx: Ctx, id: string): Promise<void> {
  ctx.authorize('group.write');
  await ctx.transaction(async (tx) => {
    const current = await visibleRuleRow(tx, id);
    if (!(await targetVisible(tx, current.target_type as RuleTargetType, current.target_id, true))) throw forbidden('setting rules outside your scope');
    await tx.tdb.deleteFrom('rules').where('id', '=', id).execute();
    await recordAudit(tx, 'rule.delete', { type: 'rule', id }, { ruleType: current.type });
    forgetLiveRules(tx.workspaceId);
  });
}

export interface EffectiveRule<T extends RuleType> {
  settings: RuleSettings<T>;
  /** Where the settings come from; `default` when no enabled rule applies. */
  from: RuleTargetType | 'default';
  ruleId: string | null;
}

/**
 * The effective settings of a rule type for a group: the group's rule over its set's over its community's over
 * the type's defaults. No permission check: callers have already resolved the group.
 */
export async function effectiveRule<T extends RuleType>(
  ctx: Ctx,
  group: { id: string; group_set_id: string | null; community_id: string },
  type: T,
): Promise<EffectiveRule<T>> {
  const targets = [group.id, group.community_id, ...(group.group_set_id ? [group.group_set_id] : [])];
  const rows = await ctx.tdb.selectFrom('rules').selectAll().where('type', '=', type).where('enabled', '=', 1).where('target_id', 'in', targets).execute();
  const pick = (tt: RuleTargetType, tid: string | null) => rows.find((r) => r.target_type === tt && r.target_id === tid);
  const hit = pick('group', group.id) ?? pick('group_set', group.group_set_id) ?? pick('community', group.community_id);
  if (!hit) return { settings: ruleTypes[type].settings.parse({}) as RuleSettings<T>, from: 'default', ruleId: null };
  const p = parseSettings(type, JSON.parse(hit.settings));
  return { settings: (p.ok ? p.value : ruleTypes[type].settings.parse({})) as RuleSettings<T>, from: hit.target_type as RuleTargetType, ruleId: hit.id };
}
