// Activities are the append-only spine: (source, sourceId) is unique in a workspace, so writing the
// same activity twice is a no-op and imports, connectors and the API can all retry safely.
import type { z } from 'zod';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { decodeCursor, encodeCursor } from '../../kernel/cursor.ts';
import type { DomainEvent } from '../../kernel/events.ts';
import { invalid, notFound } from '../../kernel/errors.ts';
import { recordAudit } from '../audit/index.ts';
import type { Activity, ActivityInput, ActivityListQuerySchema } from './activity.schema.ts';
import { iso } from '../../kernel/clock.ts';
import { chatItem } from './chat-item.ts';
import { queueForRollups, type RollupRow } from '../analytics/index.ts';

const MAX_PAYLOAD_BYTES = 16 * 1024;

/** A stored activity row as the API shows it. */
export const toActivity = (r: Database['activities']): Activity => ({
  id: r.id,
  kind: r.kind,
  memberId: r.member_id,
  groupId: r.group_id,
  occurredAt: iso(r.occurred_at),
  contentSource: r.content_source as Activity['contentSource'],
  payload: JSON.parse(r.payload),
  source: r.source,
  sourceId: r.source_id,
  createdAt: iso(r.created_at),
});

export interface WriteResult {
  activity: Activity;
  created: boolean;
}

async function checkRefs(ctx: Ctx, inputs: ActivityInput[], prefix: (i: number) => string) {
  const memberIds = [...new Set(inputs.flatMap((a) => (a.memberId ? [a.memberId] : [])))];
  const groupIds = [...new Set(inputs.flatMap((a) => (a.groupId ? [a.groupId] : [])))];
  const members = new Set<string>();
  const v = await ctx.visibility();
  for (let i = 0; i < memberIds.length; i += 500) {
    const chunk = memberIds.slice(i, i + 500);
    // A scoped actor may name only members of its visible groups; others do not exist for it.
    const rows = v.all
      ? await ctx.tdb.selectFrom('members').select('id').where('id', 'in', chunk).execute()
      : v.groupIds.size
        ? await ctx.tdb.selectFrom('memberships').select('member_id as id').distinct().where('member_id', 'in', chunk).where('group_id', 'in', [...v.groupIds]).execute()
        : [];
    rows.forEach((r) => members.add(r.id));
  }
  const groups = new Set<string>();
  if (groupIds.length) {
    const rows = await ctx.tdb.selectFrom('groups').select('id').where('id', 'in', groupIds).execute();
    rows.forEach((r) => (v.all || v.groupIds.has(r.id)) && groups.add(r.id));
  }
  const errors = inputs.flatMap((a, i) => [
    ...(a.memberId && !members.has(a.memberId) ? [{ field: `${prefix(i)}memberId`, reason: `member ${a.memberId} does not exist` }] : []),
    ...(a.groupId && !groups.has(a.groupId) ? [{ field: `${prefix(i)}groupId`, reason: `group ${a.groupId} does not exist` }] : []),
    ...(!v.all && !a.groupId ? [{ field: `${prefix(i)}groupId`, reason: 'an operator with a scope must name one of its groups' }] : []),
    ...(JSON.stringify(a.payload).length > MAX_PAYLOAD_BYTES ? [{ field: `${prefix(i)}payload`, reason: `larger than ${MAX_PAYLOAD_BYTES} bytes` }] : []),
  ]);
  if (errors.length) throw invalid(errors.slice(0, 100));
}

/**
 * Writes activities idempotently. `audit: false` is for streams that are their own record (a member's chat
 * lines): the activity already says who did what, when. `rollups: false` is only for the dashboards
 * benchmark's baseline (ingest without rollup maintenance); the rollups are then wrong until a rebuild.
 * New activities are queued for the rollups, not counted here (see analytics/rollup.ts).
 */
export async function writeActivities(
  ctx: Ctx, inputs: ActivityInput[], fieldPrefix = (i: number) => `activities.${i}.`, opts: { audit?: boolean; rollups?: boolean } = {},
): Promise<WriteResult[]> {
  ctx.authorize('activity.write');
  return ctx.transaction(async (tx) => {
    await checkRefs(tx, inputs, fieldPrefix);
    const now = tx.clock.now();
    const results: WriteResult[] = [];
    const inserted: RollupRow[] = [];
    for (const a of inputs) {
      const id = tx.ids.next('act');
      const row = {
        id,
        kind: a.kind,
        member_id: a.memberId ?? null,
        group_id: a.groupId ?? null,
        occurred_at: Date.parse(a.occurredAt),
        content_source: a.contentSource ?? null,
        payload: JSON.stringify(a.payload),
        source: a.source,
        source_id: a.sourceId ?? id,
        created_at: now,
      };
      const wasNew = await tx.tdb
        .insertInto('activities', row)
        .onConflict((oc) => oc.columns(['workspace_id', 'source', 'source_id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (wasNew) {
        results.push({ activity: toActivity({ ...row, workspace_id: tx.workspaceId }), created: true });
        inserted.push(row);
      } else {
        const existing = await tx.tdb.selectFrom('activities').selectAll().where('source', '=', row.source).where('source_id', '=', row.source_id).executeTakeFirstOrThrow();
        results.push({ activity: toActivity(existing), created: false });
      }
    }
    if (opts.rollups !== false) await queueForRollups(tx, inserted);
    // One audit entry per write call (not per activity); a retry that only repeats earlier writes records nothing.
    const created = results.filter((r) => r.created);
    // Published after the commit (a rolled-back write announces nothing); retries of earlier writes are not news.
    tx.emit(...created.map((r) => activityCreatedEvent(tx.workspaceId, r.activity)));
    if (created.length && opts.audit !== false) {
      const target = created.length === 1 ? { type: 'activity', id: created[0]!.activity.id } : null;
      await recordAudit(tx, 'activity.create', target, { created: created.length, duplicates: results.length - created.length });
    }
    return results;
  });
}

export async function listActivities(ctx: Ctx, q: z.infer<typeof ActivityListQuerySchema>): Promise<{ items: Activity[]; nextCursor: string | null }> {
  ctx.authorize('activity.read');
  const v = await ctx.visibility();
  let query = ctx.tdb.selectFrom('activities').selectAll().orderBy('occurred_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1);
  if (!v.all) query = query.where('group_id', 'in', [...v.groupIds, '']);
  if (q.groupId) query = query.where('group_id', '=', q.groupId);
  if (q.memberId) query = query.where('member_id', '=', q.memberId);
  if (q.kind) query = query.where('kind', '=', q.kind);
  if (q.from) query = query.where('occurred_at', '>=', Date.parse(q.from));
  if (q.to) query = query.where('occurred_at', '<=', Date.parse(q.to));
  const c = decodeCursor(q.cursor);
  if (c) query = query.where((eb) => eb.or([eb('occurred_at', '<', c.key), eb.and([eb('occurred_at', '=', c.key), eb('id', '<', c.id)])]));
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  return { items: page.map(toActivity), nextCursor: rows.length > q.limit && last ? encodeCursor(Number(last.occurred_at), last.id) : null };
}

/** Where an activity sits in its stream: the same cursor the list pages with. */
export const activityCursor = (a: Activity): string => encodeCursor(Date.parse(a.occurredAt), a.id);

/** `activity.created`: the whole activity for its group's listeners, a compact summary for the workspace's. */
export function activityCreatedEvent(workspaceId: string, a: Activity): DomainEvent {
  const cursor = activityCursor(a);
  const chat = a.groupId ? chatItem(a) : null;
  return {
    type: 'activity.created',
    workspaceId,
    ...(a.groupId ? { groupId: a.groupId } : {}),
    cursor,
    data: a,
    summary: { id: a.id, kind: a.kind, groupId: a.groupId, memberId: a.memberId, occurredAt: a.occurredAt },
    ...(chat ? { chat } : {}),
  };
}

/**
 * A group's activities after a cursor, oldest first (the backlog a reconnecting real-time client missed).
 * The caller has already checked that the actor sees the group.
 */
export async function groupActivitiesAfter(
  ctx: Ctx, groupId: string, cursor: string | undefined, limit: number, kinds?: readonly string[],
): Promise<Activity[]> {
  ctx.authorize('activity.read');
  let query = ctx.tdb.selectFrom('activities').selectAll().where('group_id', '=', groupId).orderBy('occurred_at', 'asc').orderBy('id', 'asc').limit(limit);
  if (kinds) query = query.where('kind', 'in', kinds);
  const c = decodeCursor(cursor);
  if (c) query = query.where((eb) => eb.or([eb('occurred_at', '>', c.key), eb.and([eb('occurred_at', '=', c.key), eb('id', '>', c.id)])]));
  return (await query.execute()).map(toActivity);
}

export async function getActivity(ctx: Ctx, id: string): Promise<Activity> {
  ctx.authorize('activity.read');
  const r = await ctx.tdb.selectFrom('activities').selectAll().where('id', '=', id).executeTakeFirst();
  const v = await ctx.visibility();
  if (!r || (!v.all && (!r.group_id || !v.groupIds.has(r.group_id)))) throw notFound('activity', id);
  return toActivity(r);
}
