// Engagement the rules need: tasks (a titled to-do for a member, done by the member or confirmed by an
// operator) and an append-only points ledger with badges. Rules write them under a dedupe key, so a rule
// judged twice gives nothing twice.
import type { z } from 'zod';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { iso } from '../../kernel/clock.ts';
import { conflict, invalid, notFound } from '../../kernel/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { visibleMemberRow } from '../member/index.ts';
import type { Points, Task, TaskCreateSchema, TaskListQuerySchema } from './engagement.schema.ts';

const isoOrNull = (ms: number | null) => (ms === null ? null : iso(Number(ms)));

const toTask = (r: Database['tasks']): Task => ({
  id: r.id, memberId: r.member_id, groupId: r.group_id, title: r.title, detail: r.detail, dueAt: isoOrNull(r.due_at), status: r.status as Task['status'],
  originType: r.origin_type, originId: r.origin_id, createdAt: iso(r.created_at), completedAt: isoOrNull(r.completed_at), confirmedAt: isoOrNull(r.confirmed_at),
  confirmedBy: r.confirmed_by,
});

export interface TaskInput {
  memberId: string;
  groupId: string | null;
  title: string;
  detail?: string;
  dueAt: number | null;
  origin: { type: 'rule' | 'operator'; id: string | null };
  dedupeKey: string;
}

/** Gives a member a task (once per dedupe key); the caller has checked the member and the group. */
export async function assignTask(ctx: Ctx, t: TaskInput): Promise<void> {
  const row = {
    id: ctx.ids.next('tsk'), member_id: t.memberId, group_id: t.groupId, title: t.title, detail: t.detail ?? '', due_at: t.dueAt, status: 'open',
    origin_type: t.origin.type, origin_id: t.origin.id, dedupe_key: t.dedupeKey, created_at: ctx.clock.now(), completed_at: null, confirmed_at: null, confirmed_by: null,
  };
  const inserted = await ctx.tdb.insertInto('tasks', row).onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).doNothing()).returning('id').executeTakeFirst();
  if (inserted) ctx.emit({ type: 'task.assigned', workspaceId: ctx.workspaceId, ...(t.groupId ? { groupId: t.groupId } : {}), data: { id: row.id, memberId: t.memberId, title: t.title } });
}

export async function createTask(ctx: Ctx, input: z.infer<typeof TaskCreateSchema>): Promise<Task> {
  ctx.authorize('member.write');
  return ctx.transaction(async (tx) => {
    try {
      await visibleMemberRow(tx, input.memberId);
    } catch {
      throw invalid([{ field: 'memberId', reason: `member ${input.memberId} does not exist` }]);
    }
    const key = `operator:${tx.ids.next('tsk')}`;
    await assignTask(tx, {
      memberId: input.memberId, groupId: input.groupId ?? null, title: input.title, detail: input.detail, dueAt: input.dueAt ? Date.parse(input.dueAt) : null,
      origin: { type: 'operator', id: tx.actor.id }, dedupeKey: key,
    });
    const row = await tx.tdb.selectFrom('tasks').selectAll().where('dedupe_key', '=', key).executeTakeFirstOrThrow();
    await recordAudit(tx, 'task.create', { type: 'task', id: row.id }, { memberId: input.memberId });
    return toTask(row);
  });
}

export async function listTasks(ctx: Ctx, q: z.infer<typeof TaskListQuerySchema>): Promise<Task[]> {
  ctx.authorize('member.read');
  const v = await ctx.visibility();
  let query = ctx.tdb.selectFrom('tasks').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit);
  if (q.memberId) query = query.where('member_id', '=', q.memberId);
  if (q.groupId) query = query.where('group_id', '=', q.groupId);
  if (q.status) query = query.where('status', '=', q.status);
  if (!v.all) query = query.where('group_id', 'in', [...v.groupIds, '']);
  return (await query.execute()).map(toTask);
}

/** The member's own tasks (the member app), open ones first. */
export async function memberTasks(ctx: Ctx, me: string): Promise<Task[]> {
  const rows = await ctx.tdb.selectFrom('tasks').selectAll().where('member_id', '=', me).where('status', '!=', 'cancelled').orderBy('created_at', 'desc').limit(200).execute();
  return rows.map(toTask).sort((a, b) => Number(a.status !== 'open') - Number(b.status !== 'open'));
}

export async function completeTask(ctx: Ctx, me: string, id: string): Promise<Task> {
  return ctx.transaction(async (tx) => {
    const r = await tx.tdb.selectFrom('tasks').selectAll().where('id', '=', id).where('member_id', '=', me).executeTakeFirst();
    if (!r) throw notFound('task', id);
    if (r.status !== 'open') throw conflict(`The task is already ${r.status}`, { status: r.status });
    const patch = { status: 'done', completed_at: tx.clock.now() };
    await tx.tdb.updateTable('tasks').set(patch).where('id', '=', id).execute();
    tx.emit({ type: 'task.done', workspaceId: tx.workspaceId, ...(r.group_id ? { groupId: r.group_id } : {}), data: { id, memberId: me } });
    return toTask({ ...r, ...patch });
  });
}

export async function confirmTask(ctx: Ctx, id: string): Promise<Task> {
  ctx.authorize('member.write');
  return ctx.transaction(async (tx) => {
    const r = await tx.tdb.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst();
    const v = await tx.visibility();
    if (!r || (!v.all && (!r.group_id || !v.groupIds.has(r.group_id)))) throw notFound('task', id);
    if (r.status === 'confirmed' || r.status === 'cancelled') throw conflict(`The task is already ${r.status}`, { status: r.status });
    const patch = { status: 'confirmed', confirmed_at: tx.clock.now(), confirmed_by: tx.actor.id ?? tx.actor.name, completed_at: r.completed_at ?? tx.clock.now() };
    await tx.tdb.updateTable('tasks').set(patch).where('id', '=', id).execute();
    await recordAudit(tx, 'task.confirm', { type: 'task', id }, { memberId: r.member_id });
    return toTask({ ...r, ...patch });
  });
}

// ---- points and badges ----

export async function awardPoints(ctx: Ctx, p: { memberId: string; points: number; reason: string; ruleId: string | null; activityId: string | null; dedupeKey: string }): Promise<void> {
  await ctx.tdb.insertInto('points', {
    id: ctx.ids.next('pts'), member_id: p.memberId, points: p.points, reason: p.reason, rule_id: p.ruleId, activity_id: p.activityId, dedupe_key: p.dedupeKey, created_at: ctx.clock.now(),
  }).onConflict((oc) => oc.columns(['workspace_id', 'dedupe_key']).doNothing()).execute();
}

export async function awardBadge(ctx: Ctx, b: { memberId: string; badge: string; reason: string; ruleId: string | null }): Promise<void> {
  await ctx.tdb.insertInto('badges', { member_id: b.memberId, badge: b.badge, reason: b.reason, rule_id: b.ruleId, created_at: ctx.clock.now() })
    .onConflict((oc) => oc.columns(['workspace_id', 'member_id', 'badge']).doNothing()).execute();
}

/** A member's points (the sum of the ledger), the latest entries and the badges. */
export async function pointsOf(ctx: Ctx, memberId: string): Promise<Points> {
  const sum = await ctx.tdb.selectFrom('points').select((eb) => eb.fn.sum<number>('points').as('n')).where('member_id', '=', memberId).executeTakeFirst();
  const entries = await ctx.tdb.selectFrom('points').selectAll().where('member_id', '=', memberId).orderBy('created_at', 'desc').orderBy('id', 'desc').limit(50).execute();
  const badges = await ctx.tdb.selectFrom('badges').selectAll().where('member_id', '=', memberId).orderBy('created_at').execute();
  return {
    total: Number(sum?.n ?? 0),
    entries: entries.map((e) => ({ id: e.id, points: Number(e.points), reason: e.reason, ruleId: e.rule_id, activityId: e.activity_id, createdAt: iso(e.created_at) })),
    badges: badges.map((b) => ({ badge: b.badge, reason: b.reason, ruleId: b.rule_id, createdAt: iso(b.created_at) })),
  };
}

export async function memberPoints(ctx: Ctx, memberId: string): Promise<Points> {
  ctx.authorize('member.read');
  await visibleMemberRow(ctx, memberId);
  return pointsOf(ctx, memberId);
}
