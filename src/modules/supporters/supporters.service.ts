// The supporters of the community's events: firms and people who gave a venue, goods, money, a talk or their
// time. An operator with a scope records and sees its communities' supporters only.
import { iso } from '../../kernel/clock.ts';
import type { Ctx } from '../../kernel/context.ts';
import { decodeCursor, encodeCursor } from '../../kernel/cursor.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { invalid, notFound } from '../../kernel/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { visibleCommunities } from '../community/index.ts';
import type { Supporter, SupporterInput, SupporterListQuery } from './supporters.schema.ts';

type Row = Database['event_supporters'];
export type CheckedSupporter = Omit<Row, 'id' | 'workspace_id' | 'created_by' | 'created_at'>;

const toSupporter = (r: Row): Supporter => ({
  id: r.id, eventKey: r.event_key, supporterType: r.supporter_type as Supporter['supporterType'], name: r.name, memberId: r.member_id, communityId: r.community_id,
  contribution: r.contribution, amountCents: r.amount_cents === null ? null : Number(r.amount_cents), supportedOn: r.supported_on, source: r.source,
  createdBy: r.created_by, createdAt: iso(Number(r.created_at)),
});

/** Checks the member and the community against the workspace and the actor's scope. */
export async function checkSupporter(ctx: Ctx, input: SupporterInput, field: (name: string) => string = (n) => n): Promise<Omit<CheckedSupporter, 'source' | 'dedupe_key'>> {
  const v = await ctx.visibility();
  const communityId = input.communityId ?? null;
  if (communityId) {
    const c = await ctx.tdb.selectFrom('communities').select('id').where('id', '=', communityId).executeTakeFirst();
    if (!c || (!v.all && !v.communityIds.has(c.id))) throw invalid([{ field: field('communityId'), reason: `community ${communityId} does not exist` }]);
  } else if (!v.all) {
    throw invalid([{ field: field('communityId'), reason: 'an operator with a scope records the supporters of one of its communities' }]);
  }
  if (input.memberId) {
    if (input.supporterType !== 'person') throw invalid([{ field: field('memberId'), reason: 'only a person can be a member' }]);
    const m = await ctx.tdb.selectFrom('members').select('id').where('id', '=', input.memberId).executeTakeFirst();
    if (!m) throw invalid([{ field: field('memberId'), reason: `member ${input.memberId} does not exist` }]);
  }
  return {
    community_id: communityId, event_key: input.eventKey, supporter_type: input.supporterType, name: input.name, member_id: input.memberId ?? null,
    contribution: input.contribution || null, amount_cents: input.amountCents ?? null, supported_on: input.supportedOn,
  };
}

/** Writes checked supporters in the caller's transaction, skipping a row whose dedupe key is there already; returns those written. */
export async function writeSupporters(tx: Ctx, rows: CheckedSupporter[]): Promise<Row[]> {
  const written: Row[] = [];
  for (const c of rows) {
    const row: Row = { ...c, id: tx.ids.next('sup'), workspace_id: tx.workspaceId, created_by: tx.actor.name, created_at: tx.clock.now() };
    const r = await tx.tdb.insertInto('event_supporters', row).onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).doNothing()).returning('id').executeTakeFirst();
    if (r) written.push(row);
  }
  return written;
}

export async function createSupporter(ctx: Ctx, input: SupporterInput): Promise<Supporter> {
  ctx.authorize('community.write');
  const checked = await checkSupporter(ctx, input);
  return ctx.transaction(async (tx) => {
    const [row] = await writeSupporters(tx, [{ ...checked, source: 'form', dedupe_key: null }]);
    await recordAudit(tx, 'supporter.create', { type: 'supporter', id: row!.id }, { eventKey: row!.event_key, name: row!.name });
    return toSupporter(row!);
  });
}

export async function listSupporters(ctx: Ctx, q: SupporterListQuery): Promise<{ items: Supporter[]; nextCursor: string | null }> {
  ctx.authorize('community.read');
  const mine = await visibleCommunities(ctx);
  let query = ctx.tdb.selectFrom('event_supporters').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1);
  if (mine) query = query.where('community_id', 'in', [...mine, '']);
  if (q.communityId) query = query.where('community_id', '=', q.communityId);
  if (q.eventKey) query = query.where('event_key', '=', q.eventKey);
  if (q.from) query = query.where('supported_on', '>=', q.from);
  if (q.to) query = query.where('supported_on', '<=', q.to);
  const c = decodeCursor(q.cursor);
  if (c) query = query.where((eb) => eb.or([eb('created_at', '<', c.key), eb.and([eb('created_at', '=', c.key), eb('id', '<', c.id)])]));
  const rows = await query.execute();
  const items = rows.slice(0, q.limit);
  const last = items[items.length - 1];
  return { items: items.map(toSupporter), nextCursor: rows.length > q.limit && last ? encodeCursor(Number(last.created_at), last.id) : null };
}

export async function deleteSupporter(ctx: Ctx, id: string): Promise<void> {
  ctx.authorize('community.write');
  const mine = await visibleCommunities(ctx);
  const r = await ctx.tdb.selectFrom('event_supporters').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r || (mine && !(r.community_id && mine.includes(r.community_id)))) throw notFound('supporter', id);
  await ctx.transaction(async (tx) => {
    await tx.tdb.deleteFrom('event_supporters').where('id', '=', id).execute();
    await recordAudit(tx, 'supporter.delete', { type: 'supporter', id }, { eventKey: r.event_key, name: r.name });
  });
}

/** The distinct supporters (by type and name) of some events, for the events dashboard. */
export async function supportersOf(ctx: Ctx, eventKeys: string[]): Promise<{ firms: number; people: number; moneyCents: number }> {
  const mine = await visibleCommunities(ctx);
  const seen = new Set<string>();
  let firms = 0;
  let people = 0;
  let moneyCents = 0;
  for (let i = 0; i < eventKeys.length; i += 500) {
    let q = ctx.tdb.selectFrom('event_supporters').select(['supporter_type', 'name', 'amount_cents']).where('event_key', 'in', eventKeys.slice(i, i + 500));
    if (mine) q = q.where('community_id', 'in', [...mine, '']);
    for (const r of await q.execute()) {
      moneyCents += Number(r.amount_cents ?? 0);
      const k = `${r.supporter_type}|${r.name}`;
      if (seen.has(k)) continue;
      seen.add(k);
      if (r.supporter_type === 'firm') firms++;
      else people++;
    }
  }
  return { firms, people, moneyCents };
}
