// The community's project plan (计划书) and its actuals: a multi-year plan with targets per year, quarterly
// milestones and risks; the actuals of each month, computed from the data where Shequn has it (groups,
// seats, effective fans, turnover) and entered or imported where it has not (payroll, running costs,
// share capital, sponsorship…); and the two side by side by month, quarter or year.
import type { Ctx } from '../../kernel/context.ts';
import { iso } from '../../kernel/clock.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { conflict, invalid, notFound } from '../../kernel/errors.ts';
import { recordAudit } from '../audit/index.ts';
import type { z } from 'zod';
import type { ActualsInputSchema, Plan, PlanCreateSchema, PlanUpdateSchema } from './plan.schema.ts';
import { PlanContentSchema } from './plan.schema.ts';
import { ENTERED_KEYS, PLAN_TEMPLATES, type PlanContent } from './plan.template.ts';

type Row = Database['plans'];

/** Months since year 0, and back. */
export const monthIndex = (m: string): number => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
export const monthText = (i: number): string => `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;

export const toPlan = (r: Row): Plan => {
  const content = JSON.parse(r.content) as PlanContent;
  return {
    id: r.id, name: r.name, communityId: r.community_id, startMonth: r.start_month, endMonth: monthText(monthIndex(r.start_month) + content.years.length * 12 - 1),
    template: r.template, content, createdBy: r.created_by, createdAt: iso(r.created_at), updatedAt: iso(r.updated_at),
  };
};

/** A plan the actor may see: a community's plan with the community, a workspace's plan by an unscoped actor. */
export async function visiblePlan(ctx: Ctx, id: string): Promise<Row> {
  const r = await ctx.tdb.selectFrom('plans').selectAll().where('id', '=', id).executeTakeFirst();
  const v = await ctx.visibility();
  if (!r || (!v.all && !(r.community_id && v.communityIds.has(r.community_id)))) throw notFound('plan', id);
  return r;
}

async function checkCommunity(ctx: Ctx, communityId: string | null | undefined): Promise<void> {
  if (!communityId) {
    const v = await ctx.visibility();
    if (!v.all) throw invalid([{ field: 'communityId', reason: 'an operator with a scope makes plans for one of its communities' }]);
    return;
  }
  const c = await ctx.tdb.selectFrom('communities').select('id').where('id', '=', communityId).executeTakeFirst();
  const v = await ctx.visibility();
  if (!c || (!v.all && !v.communityIds.has(c.id))) throw invalid([{ field: 'communityId', reason: `community ${communityId} does not exist` }]);
}

export function planTemplates() {
  return PLAN_TEMPLATES.map((t) => ({ key: t.key, name: t.name, description: t.description, content: t.content }));
}

export async function createPlan(ctx: Ctx, input: z.infer<typeof PlanCreateSchema>): Promise<Plan> {
  ctx.authorize('community.write');
  const template = input.templateKey ? PLAN_TEMPLATES.find((t) => t.key === input.templateKey) : undefined;
  if (input.templateKey && !template) throw invalid([{ field: 'templateKey', reason: `no template "${input.templateKey}" (known: ${PLAN_TEMPLATES.map((t) => t.key).join(', ')})` }]);
  if (!template && !input.content) throw invalid([{ field: 'content', reason: 'give the plan\'s content or a templateKey to start from' }]);
  await checkCommunity(ctx, input.communityId);
  const content = PlanContentSchema.parse(input.content ?? template!.content);
  const now = ctx.clock.now();
  const row: Omit<Row, 'workspace_id'> = {
    id: ctx.ids.next('pln'), name: input.name, community_id: input.communityId ?? null, start_month: input.startMonth, template: template?.key ?? null,
    content: JSON.stringify(content), created_by: ctx.actor.name, created_at: now, updated_at: now,
  };
  await ctx.transaction(async (tx) => {
    await tx.tdb.insertInto('plans', row).execute();
    await recordAudit(tx, 'plan.create', { type: 'plan', id: row.id }, { name: row.name, template: row.template });
  });
  return toPlan({ ...row, workspace_id: ctx.workspaceId });
}

export async function listPlans(ctx: Ctx): Promise<Plan[]> {
  ctx.authorize('community.read');
  const v = await ctx.visibility();
  let q = ctx.tdb.selectFrom('plans').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc');
  if (!v.all) q = q.where('community_id', 'in', [...v.communityIds, '']);
  return (await q.execute()).map(toPlan);
}

export async function getPlan(ctx: Ctx, id: string): Promise<Plan> {
  ctx.authorize('community.read');
  return toPlan(await visiblePlan(ctx, id));
}

export async function updatePlan(ctx: Ctx, id: string, input: z.infer<typeof PlanUpdateSchema>): Promise<Plan> {
  ctx.authorize('community.write');
  return ctx.transaction(async (tx) => {
    const r = await visiblePlan(tx, id);
    const patch: Partial<Row> = { updated_at: tx.clock.now() };
    if (input.name !== undefined) patch.name = input.name;
    if (input.startMonth !== undefined) patch.start_month = input.startMonth;
    if (input.content !== undefined) patch.content = JSON.stringify(input.content);
    await tx.tdb.updateTable('plans').set(patch).where('id', '=', id).execute();
    await recordAudit(tx, 'plan.update', { type: 'plan', id }, { fields: Object.keys(input) });
    return toPlan({ ...r, ...patch });
  });
}

export async function deletePlan(ctx: Ctx, id: string): Promise<void> {
  ctx.authorize('community.write');
  await ctx.transaction(async (tx) => {
    await visiblePlan(tx, id);
    await tx.tdb.deleteFrom('plan_actuals').where('plan_id', '=', id).execute();
    await tx.tdb.deleteFrom('plans').where('id', '=', id).execute();
    await recordAudit(tx, 'plan.delete', { type: 'plan', id });
  });
}

/**
 * Records entered actuals (a null value clears one). Only the measures Shequn cannot compute are entered;
 * months outside the plan are refused, each by its place in the list.
 */
export async function setActuals(ctx: Ctx, id: string, input: z.infer<typeof ActualsInputSchema>, prefix = (i: number) => `entries.${i}.`, source = 'form'): Promise<{ entries: number }> {
  ctx.authorize('community.write');
  return ctx.transaction(async (tx) => {
    const plan = toPlan(await visiblePlan(tx, id));
    const [first, last] = [monthIndex(plan.startMonth), monthIndex(plan.endMonth)];
    const errors = input.entries.flatMap((e, i) => [
      ...(!(ENTERED_KEYS as readonly string[]).includes(e.metric) ? [{ field: `${prefix(i)}metric`, reason: `${e.metric} is computed from the data, not entered` }] : []),
      ...(monthIndex(e.month) < first || monthIndex(e.month) > last ? [{ field: `${prefix(i)}month`, reason: `${e.month} is outside the plan (${plan.startMonth} to ${plan.endMonth})` }] : []),
    ]);
    if (errors.length) throw invalid(errors.slice(0, 100));
    const seen = new Map<string, number>();
    input.entries.forEach((e, i) => {
      const k = `${e.month}|${e.metric}`;
      if (seen.has(k)) throw conflict(`${prefix(i)}: ${e.metric} for ${e.month} is given twice (also ${prefix(seen.get(k)!)})`);
      seen.set(k, i);
    });
    const now = tx.clock.now();
    for (const { month, metric, value } of input.entries) {
      if (value === null) {
        await tx.tdb.deleteFrom('plan_actuals').where('plan_id', '=', id).where('month', '=', month).where('metric', '=', metric).execute();
        continue;
      }
      await tx.tdb.insertInto('plan_actuals', { plan_id: id, month, metric, value, source, updated_by: tx.actor.name, updated_at: now })
        .onConflict((oc) => oc.columns(['workspace_id', 'plan_id', 'month', 'metric']).doUpdateSet({ value, source, updated_by: tx.actor.name, updated_at: now })).execute();
    }
    await recordAudit(tx, 'plan.actuals', { type: 'plan', id }, { entries: input.entries.length, source });
    return { entries: input.entries.length };
  });
}
