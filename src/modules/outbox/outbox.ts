// The durable outbox (see migration 0004): actions written with their cause, carried out by a worker
// through the group's platform connector, retried with backoff, never twice (a dedupe key per action),
// and undoable by an operator. The relay and the external connectors extend the same table.
import { iso } from '../../kernel/clock.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import type { TenantDb } from '../../kernel/db/tenant.ts';
import { conflict, notFound } from '../../kernel/errors.ts';
import { recordAudit } from '../audit/index.ts';
import type { OutboxAction } from './connector.ts';
import { chunks } from '../../kernel/db/chunks.ts';

export interface Enqueue {
  dedupeKey: string;
  /**
   * Actions in one lane are carried out one after another, in the order written (a group's relayed
   * messages): a later one waits, parked, until the one before it is done or has failed for good.
   */
  lane?: string;
  action: OutboxAction;
  platform: string;
  groupId: string | null;
  memberId: string | null;
  payload?: Record<string, unknown>;
  origin: { type: 'rule' | 'operator' | 'undo' | 'relay' | 'integration'; id: string | null };
  reason: string | null;
  causeActivityId: string | null;
}

export interface OutboxEntry {
  id: string;
  action: OutboxAction;
  platform: string;
  groupId: string | null;
  memberId: string | null;
  payload: Record<string, unknown>;
  originType: string;
  originId: string | null;
  reason: string | null;
  causeActivityId: string | null;
  status: 'pending' | 'sending' | 'done' | 'failed' | 'undone';
  attempts: number;
  /** Sends whose outcome was unknown (a timeout, a worker stopped mid-call) and were tried again. */
  ambiguous: number;
  lastError: string | null;
  createdAt: string;
  doneAt: string | null;
  undoneAt: string | null;
  undoneBy: string | null;
}

export const toEntry = (r: Database['outbox']): OutboxEntry => ({
  id: r.id, action: r.action as OutboxAction, platform: r.platform, groupId: r.group_id, memberId: r.member_id, payload: JSON.parse(r.payload),
  originType: r.origin_type, originId: r.origin_id, reason: r.reason, causeActivityId: r.cause_activity_id,
  status: (r.undone_at !== null ? 'undone' : r.status) as OutboxEntry['status'], attempts: Number(r.attempts), ambiguous: Number(r.ambiguous), lastError: r.last_error,
  createdAt: iso(r.created_at), doneAt: r.done_at === null ? null : iso(r.done_at), undoneAt: r.undone_at === null ? null : iso(r.undone_at), undoneBy: r.undone_by,
});

/** next_attempt_at of a row waiting behind an earlier one in its lane: never due until promoted. */
export const PARKED = 8_000_000_000_000_000;

let lastSeq = 0;
/** Increasing within this process, and with the clock across processes (a lane's order). */
const nextSeq = (now: number) => (lastSeq = Math.max(lastSeq + 1, now * 1000));

/**
 * Writes actions in the caller's transaction; one already written under the same key is left alone. Many
 * at once (a relay to thousands of groups) go in as one bulk insert.
 */
export async function enqueue(ctx: Ctx, items: Enqueue[]): Promise<void> {
  if (!items.length) return;
  const now = ctx.clock.now();
  const written = new Set<string>();
  for (const part of chunks([...new Set(items.map((e) => e.dedupeKey))])) {
    for (const r of await ctx.tdb.selectFrom('outbox').select('dedupe_key').where('dedupe_key', 'in', part).execute()) written.add(r.dedupe_key);
  }
  const fresh = items.filter((e) => !written.has(e.dedupeKey) && (written.add(e.dedupeKey), true));
  // Lanes with an unfinished action already: what is written now waits behind it.
  const lanes = [...new Set(fresh.flatMap((e) => (e.lane ? [e.lane] : [])))];
  const busy = new Set<string>();
  for (const part of chunks(lanes)) {
    for (const r of await ctx.tdb.selectFrom('outbox').select('lane').distinct().where('lane', 'in', part).where('status', 'in', ['pending', 'sending']).execute()) busy.add(r.lane!);
  }
  const rows = fresh.map((e) => {
    const parked = e.lane !== undefined && busy.has(e.lane);
    if (e.lane !== undefined) busy.add(e.lane);
    return {
      id: ctx.ids.next('obx'), dedupe_key: e.dedupeKey, action: e.action, platform: e.platform, group_id: e.groupId, member_id: e.memberId,
      payload: JSON.stringify(e.payload ?? {}), origin_type: e.origin.type, origin_id: e.origin.id, reason: e.reason, cause_activity_id: e.causeActivityId,
      status: 'pending', attempts: 0, next_attempt_at: parked ? PARKED : now, last_error: null, created_at: now, done_at: null, undone_at: null, undone_by: null,
      lane: e.lane ?? null, seq: nextSeq(now), account: null, lease_until: null, ambiguous: 0, sent_ref: null,
    };
  });
  // A race with another writer of the same key leaves theirs (and a lane parked behind it is repaired by the worker).
  await ctx.transaction((tx) => tx.tdb.bulkInsert('outbox', rows, { skipExisting: true }));
}

/**
 * A lane's head finished (done, failed for good, or undone before it went): the next one in the lane
 * becomes due, no earlier than `at` (the platform's window for the group).
 */
export async function promoteNext(db: TenantDb, lanes: { lane: string; at: number }[]): Promise<void> {
  for (const { lane, at } of lanes) {
    const next = await db.selectFrom('outbox').select(['id', 'status']).where('lane', '=', lane).where('status', 'in', ['pending', 'sending'])
      .orderBy('seq').limit(1).executeTakeFirst();
    if (next?.status === 'pending') await db.updateTable('outbox').set({ next_attempt_at: at }).where('id', '=', next.id).where('next_attempt_at', '=', PARKED).execute();
  }
}

const INVERSE: Partial<Record<OutboxAction, OutboxAction>> = { mute: 'unmute', remove: 'restore', blacklist: 'unblacklist' };
/** A warning has no inverse but can be undone: it stops counting toward the member's next step. */
const UNDOABLE = new Set<OutboxAction>(['warn', 'mute', 'remove', 'blacklist']);

export const updated = (ctx: Ctx, r: { id: string; group_id: string | null; action: string }, status: string) =>
  ctx.emit({ type: 'rule_action.updated', workspaceId: ctx.workspaceId, ...(r.group_id ? { groupId: r.group_id } : {}), data: { id: r.id, action: r.action, status } });

/**
 * Undoes an action: the inverse action is queued (unmute, restore, unblacklist); a warning has none but
 * stops counting toward the member's next step. Undoing twice is refused.
 */
export async function undoAction(ctx: Ctx, id: string): Promise<OutboxEntry> {
  ctx.authorize('member.write');
  return ctx.transaction(async (tx) => {
    const r = await tx.tdb.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirst();
    const v = await tx.visibility();
    if (!r || (!v.all && (!r.group_id || !v.groupIds.has(r.group_id)))) throw notFound('action', id);
    if (r.undone_at !== null) throw conflict('The action was already undone', { undoneAt: iso(r.undone_at) });
    if (!UNDOABLE.has(r.action as OutboxAction)) throw conflict(`A ${r.action} action cannot be undone`, { action: r.action });
    const now = tx.clock.now();
    const by = tx.actor.id ?? tx.actor.name;
    await tx.tdb.updateTable('outbox').set({ undone_at: now, undone_by: by }).where('id', '=', id).execute();
    const inverse = INVERSE[r.action as OutboxAction];
    if (r.status === 'pending') {
      // Not carried out yet: it never will be (and what waited behind it goes).
      await tx.tdb.updateTable('outbox').set({ status: 'done', done_at: now }).where('id', '=', id).execute();
      if (r.lane) await promoteNext(tx.tdb, [{ lane: r.lane, at: now }]);
    } else if (inverse) {
      await enqueue(tx, [{
        dedupeKey: `undo:${id}`, action: inverse, platform: r.platform, groupId: r.group_id, memberId: r.member_id,
        payload: { undoes: id, ...(JSON.parse(r.payload).result ? { of: JSON.parse(r.payload).result } : {}) },
        origin: { type: 'undo', id }, reason: `撤销：${r.reason ?? r.action}`, causeActivityId: r.cause_activity_id,
      }]);
    }
    await recordAudit(tx, 'rule_action.undo', { type: 'action', id }, { action: r.action, memberId: r.member_id, groupId: r.group_id });
    updated(tx, r, 'undone');
    const row = await tx.tdb.selectFrom('outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return toEntry(row);
  });
}

export async function listActions(
  ctx: Ctx, q: { groupId?: string | undefined; memberId?: string | undefined; originType?: string | undefined; limit: number },
): Promise<OutboxEntry[]> {
  ctx.authorize('member.read');
  const v = await ctx.visibility();
  let query = ctx.tdb.selectFrom('outbox').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit);
  if (q.groupId) query = query.where('group_id', '=', q.groupId);
  if (q.memberId) query = query.where('member_id', '=', q.memberId);
  if (q.originType) query = query.where('origin_type', '=', q.originType);
  if (!v.all) query = query.where('group_id', 'in', [...v.groupIds, '']);
  return (await query.execute()).map(toEntry);
}
