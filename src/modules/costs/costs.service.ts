// The cost ledger: what was spent, on what and when, entered in a form or imported from a sheet. An operator
// with a scope records and sees the costs of its communities only; costs with no community are the
// workspace's, for operators who see everything.
import { iso } from '../../kernel/clock.ts';
import type { Ctx } from '../../kernel/context.ts';
import { decodeCursor, encodeCursor } from '../../kernel/cursor.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { invalid, notFound } from '../../kernel/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { visibleCommunities } from '../community/index.ts';
import type { Cost, CostInput, CostListQuery, CostSubject } from './costs.schema.ts';

type Row = Database['costs'];

const toCost = (r: Row): Cost => ({
  id: r.id, subject: r.subject as CostSubject, subjectKey: r.subject_key, communityId: r.community_id, spentOn: r.spent_on,
  amountCents: Number(r.amount_cents), category: r.category, note: r.note, source: r.source, createdBy: r.created_by, createdAt: iso(Number(r.created_at)),
});

/** A cost ready to be written: its subject checked and its community settled. */
export type CheckedCost = Omit<Row, 'id' | 'workspace_id' | 'created_by' | 'created_at'>;

/**
 * Checks a cost's subject and community against the workspace and the actor's scope: a phase or a group must
 * exist (its community is the cost's), a campaign or an event needs its name. `field` prefixes the names of
 * the fields in errors (an import names the file and line instead).
 */
export async function checkCost(ctx: Ctx, input: CostInput, field: (name: string) => string = (n) => n): Promise<Omit<CheckedCost, 'source' | 'dedupe_key'>> {
  const v = await ctx.visibility();
  let communityId = input.communityId ?? null;
  const key = input.subjectKey.trim();
  if (input.subject === 'phase' || input.subject === 'group') {
    const owner = input.subject === 'phase'
      ? await ctx.tdb.selectFrom('phases').select(['id', 'community_id']).where('id', '=', key).executeTakeFirst()
      : await ctx.tdb.selectFrom('groups').select(['id', 'community_id']).where('id', '=', key).executeTakeFirst();
    const visible = owner && (v.all || (input.subject === 'group' ? v.groupIds.has(owner.id) : v.communityIds.has(owner.community_id)));
    if (!visible) throw invalid([{ field: field('subjectKey'), reason: key ? `${input.subject} ${key} does not exist` : `name the ${input.subject} (its id)` }]);
    if (communityId && communityId !== owner.community_id) throw invalid([{ field: field('communityId'), reason: `${input.subject} ${key} belongs to community ${owner.community_id}` }]);
    communityId = owner.community_id;
  } else if (input.subject === 'other') {
    if (key) throw invalid([{ field: field('subjectKey'), reason: 'a cost of subject other names nothing: leave subjectKey empty' }]);
  } else if (!key) {
    throw invalid([{ field: field('subjectKey'), reason: `name the ${input.subject} the money was spent on` }]);
  }
  if (communityId && !(input.subject === 'phase' || input.subject === 'group')) {
    const c = await ctx.tdb.selectFrom('communities').select('id').where('id', '=', communityId).executeTakeFirst();
    if (!c || (!v.all && !v.communityIds.has(c.id))) throw invalid([{ field: field('communityId'), reason: `community ${communityId} does not exist` }]);
  }
  if (!communityId && !v.all) throw invalid([{ field: field('communityId'), reason: 'an operator with a scope records the costs of one of its communities' }]);
  return {
    community_id: communityId, subject: input.subject, subject_key: key, spent_on: input.spentOn, amount_cents: input.amountCents,
    category: input.category ?? null, note: input.note || null,
  };
}

/** Writes checked costs in the caller's transaction; a row whose dedupe key is already there is skipped. Returns the rows written. */
export async function writeCosts(tx: Ctx, rows: CheckedCost[]): Promise<Row[]> {
  const written: Row[] = [];
  for (const c of rows) {
    const row: Row = { ...c, id: tx.ids.next('cst'), workspace_id: tx.workspaceId, created_by: tx.actor.name, created_at: tx.clock.now() };
    // A form's cost has no dedupe key, and nulls never conflict.
    const r = await tx.tdb.insertInto('costs', row).onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).doNothing()).returning('id').executeTakeFirst();
    if (r) written.push(row);
  }
  return written;
}

export async function createCost(ctx: Ctx, input: CostInput): Promise<Cost> {
  ctx.authorize('community.write');
  const checked = await checkCost(ctx, input);
  return ctx.transaction(async (tx) => {
    const [row] = await writeCosts(tx, [{ ...checked, source: 'form', dedupe_key: null }]);
    await recordAudit(tx, 'cost.create', { type: 'cost', id: row!.id }, { subject: row!.subject, subjectKey: row!.subject_key, amountCents: row!.amount_cents });
    return toCost(row!);
  });
}

export async function listCosts(ctx: Ctx, q: CostListQuery): Promise<{ items: Cost[]; totalCents: number; nextCursor: string | null }> {
  ctx.authorize('community.read');
  const mine = await visibleCommunities(ctx);
  const filtered = () => {
    let query = ctx.tdb.selectFrom('costs');
    if (mine) query = query.where('community_id', 'in', [...mine, '']);
    if (q.communityId) query = query.where('community_id', '=', q.communityId);
    if (q.subject) query = query.where('subject', '=', q.subject);
    if (q.subjectKey !== undefined) query = query.where('subject_key', '=', q.subjectKey);
    if (q.from) query = query.where('spent_on', '>=', q.from);
    if (q.to) query = query.where('spent_on', '<=', q.to);
    return query;
  };
  let page = filtered().selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1);
  const c = decodeCursor(q.cursor);
  if (c) page = page.where((eb) => eb.or([eb('created_at', '<', c.key), eb.and([eb('created_at', '=', c.key), eb('id', '<', c.id)])]));
  const rows = await page.execute();
  const total = await filtered().select((eb) => eb.fn.sum<number>('amount_cents').as('n')).executeTakeFirst();
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  return { items: items.map(toCost), totalCents: Number(total?.n ?? 0), nextCursor: rows.length > q.limit && last ? encodeCursor(Number(last.created_at), last.id) : null };
}

export async function deleteCost(ctx: Ctx, id: string): Promise<void> {
  ctx.authorize('community.write');
  const mine = await visibleCommunities(ctx);
  const r = await ctx.tdb.selectFrom('costs').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r || (mine && !(r.community_id && mine.includes(r.community_id)))) throw notFound('cost', id);
  await ctx.transaction(async (tx) => {
    await tx.tdb.deleteFrom('costs').where('id', '=', id).execute();
    await recordAudit(tx, 'cost.delete', { type: 'cost', id }, { subject: r.subject, subjectKey: r.subject_key, amountCents: Number(r.amount_cents), spentOn: r.spent_on });
  });
}

/** Costs by subject and key, for the ROI dashboard: spent in [from, to] (YYYY-MM-DD) when given, in the communities when given. */
export async function costTotals(ctx: Ctx, q: { from?: string; to?: string; communityIds?: string[]; subject?: CostSubject }): Promise<Map<string, number>> {
  const mine = await visibleCommunities(ctx);
  let query = ctx.tdb.selectFrom('costs').select(['subject', 'subject_key', (eb) => eb.fn.sum<number>('amount_cents').as('n')]).groupBy(['subject', 'subject_key']);
  if (mine) query = query.where('community_id', 'in', [...mine, '']);
  if (q.communityIds) query = query.where('community_id', 'in', [...q.communityIds, '']);
  if (q.subject) query = query.where('subject', '=', q.subject);
  if (q.from) query = query.where('spent_on', '>=', q.from);
  if (q.to) query = query.where('spent_on', '<=', q.to);
  const out = new Map<string, number>();
  for (const r of await query.execute()) out.set(`${r.subject}|${r.subject_key}`, Number(r.n));
  return out;
}
