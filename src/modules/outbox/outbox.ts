// The durable outbox (see migration 0004): actions written with their cause, carried out by a worker
// through the group's platform connector, retried with backoff, never twice (a dedupe key per action),
// and undoable by an operator. The relay and the external connectors extend the same table.
import type { Kysely } from 'kysely';
import type { Clock, IdGenerator } from '../../kernel/clock.ts';
import { iso } from '../../kernel/clock.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { conflict, notFound } from '../../kernel/errors.ts';
import type { Logger } from '../../kernel/logger.ts';
import { recordAudit } from '../audit/index.ts';
import type { Connector, GroupAction, OutboxAction } from './connector.ts';
import { Limiter, RateLimited, limitKeys } from './limiter.ts';

export interface Enqueue {
  dedupeKey: string;
  action: OutboxAction;
  platform: string;
  groupId: string | null;
  memberId: string | null;
  payload?: Record<string, unknown>;
  origin: { type: 'rule' | 'operator' | 'undo'; id: string | null };
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
  status: 'pending' | 'done' | 'failed' | 'undone';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  doneAt: string | null;
  undoneAt: string | null;
  undoneBy: string | null;
}

const MAX_ATTEMPTS = 8;

export const toEntry = (r: Database['outbox']): OutboxEntry => ({
  id: r.id, action: r.action as OutboxAction, platform: r.platform, groupId: r.group_id, memberId: r.member_id, payload: JSON.parse(r.payload),
  originType: r.origin_type, originId: r.origin_id, reason: r.reason, causeActivityId: r.cause_activity_id,
  status: (r.undone_at !== null ? 'undone' : r.status) as OutboxEntry['status'], attempts: Number(r.attempts), lastError: r.last_error,
  createdAt: iso(r.created_at), doneAt: r.done_at === null ? null : iso(r.done_at), undoneAt: r.undone_at === null ? null : iso(r.undone_at), undoneBy: r.undone_by,
});

/** Writes actions in the caller's transaction; one already written under the same key is left alone. */
export async function enqueue(ctx: Ctx, items: Enqueue[]): Promise<void> {
  const now = ctx.clock.now();
  for (const e of items) {
    await ctx.tdb.insertInto('outbox', {
      id: ctx.ids.next('obx'), dedupe_key: e.dedupeKey, action: e.action, platform: e.platform, group_id: e.groupId, member_id: e.memberId,
      payload: JSON.stringify(e.payload ?? {}), origin_type: e.origin.type, origin_id: e.origin.id, reason: e.reason, cause_activity_id: e.causeActivityId,
      status: 'pending', attempts: 0, next_attempt_at: now, last_error: null, created_at: now, done_at: null, undone_at: null, undone_by: null,
    }).onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).doNothing()).execute();
  }
}

export interface Worker {
  /** Carries out the due actions; returns how many were tried. */
  drain(limit?: number): Promise<number>;
}

/**
 * The worker: due rows, oldest first, each through its platform's connector in a workspace context.
 * A failure is retried with exponential backoff up to MAX_ATTEMPTS, then left `failed` for an operator.
 */
export function outboxWorker(deps: {
  db: Kysely<Database>; clock: Clock; log: Logger; connectors: Map<string, Connector>; ctxFor: (workspaceId: string) => Ctx;
}): Worker {
  const limiter = new Limiter();
  return {
    async drain(limit = 100) {
      const now = deps.clock.now();
      const due = await deps.db.selectFrom('outbox').selectAll().where('status', '=', 'pending').where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at').orderBy('id').limit(limit).execute();
      for (const r of due) {
        const ctx = deps.ctxFor(r.workspace_id);
        const connector = deps.connectors.get(r.platform);
        const keys = connector?.limits ? limitKeys(r.platform, 'default', r.group_id, connector.limits) : [];
        const wait = limiter.wait(keys, now);
        if (wait > 0) {
          // Held back, not failed: it goes when the platform's window has room (no attempt is spent).
          await deps.db.updateTable('outbox').set({ next_attempt_at: now + wait }).where('id', '=', r.id).where('status', '=', 'pending').execute();
          continue;
        }
        try {
          if (!connector) throw new Error(`no connector for ${r.platform}`);
          if (!connector.capabilities.has(r.action as OutboxAction)) throw new Error(`${r.platform} cannot ${r.action}`);
          limiter.record(keys, now);
          const action: GroupAction = { id: r.id, action: r.action as OutboxAction, groupId: r.group_id, memberId: r.member_id, payload: JSON.parse(r.payload), reason: r.reason };
          await ctx.transaction(async (tx) => {
            // Claim the row in the transaction that performs it: a second worker finds it done.
            const claimed = await tx.tdb.updateTable('outbox').set({ status: 'done', done_at: tx.clock.now(), attempts: Number(r.attempts) + 1, last_error: null })
              .where('id', '=', r.id).where('status', '=', 'pending').executeTakeFirst();
            if (Number(claimed.numUpdatedRows) === 0) return;
            const result = await connector.perform(tx, action);
            if (result) await tx.tdb.updateTable('outbox').set({ payload: JSON.stringify({ ...action.payload, result }) }).where('id', '=', r.id).execute();
            updated(tx, r, 'done');
          });
        } catch (err) {
          if (err instanceof RateLimited) {
            // The platform refused for speed and did nothing: try again when it says, without spending an attempt.
            deps.log.info({ outboxId: r.id, action: r.action, retryAfterMs: err.retryAfterMs }, 'outbox action rate limited');
            await deps.db.updateTable('outbox').set({ next_attempt_at: now + err.retryAfterMs, last_error: err.message.slice(0, 500) }).where('id', '=', r.id).execute();
            continue;
          }
          const attempts = Number(r.attempts) + 1;
          const failed = attempts >= MAX_ATTEMPTS || !connector;
          deps.log.warn({ err, outboxId: r.id, action: r.action, attempts }, 'outbox action failed');
          await deps.db.updateTable('outbox').set({
            status: failed ? 'failed' : 'pending', attempts, last_error: String((err as Error).message ?? err).slice(0, 500),
            next_attempt_at: now + Math.min(3_600_000, 1000 * 2 ** attempts),
          }).where('id', '=', r.id).execute();
          if (failed) updated(ctx, r, 'failed');
        }
      }
      return due.length;
    },
  };
}

const INVERSE: Partial<Record<OutboxAction, OutboxAction>> = { mute: 'unmute', remove: 'restore', blacklist: 'unblacklist' };
/** A warning has no inverse but can be undone: it stops counting toward the member's next step. */
const UNDOABLE = new Set<OutboxAction>(['warn', 'mute', 'remove', 'blacklist']);

const updated = (ctx: Ctx, r: { id: string; group_id: string | null; action: string }, status: string) =>
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
      // Not carried out yet: it never will be.
      await tx.tdb.updateTable('outbox').set({ status: 'done', done_at: now }).where('id', '=', id).execute();
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
