import type { Ctx } from '../../kernel/context.ts';

export interface AuditEntry {
  id: string;
  at: string;
  actor: { type: string; id: string | null; name: string | null };
  action: string;
  target: { type: string | null; id: string | null };
  detail: Record<string, unknown>;
}

/** Records who did what, in the caller's transaction so the audit and the write land together. */
export async function recordAudit(
  ctx: Ctx,
  action: string,
  target: { type: string; id: string } | null,
  detail: Record<string, unknown> = {},
): Promise<void> {
  await ctx.tdb
    .insertInto('audit_log', {
      id: ctx.ids.next('aud'),
      at: ctx.clock.now(),
      actor_type: ctx.actor.kind,
      actor_id: ctx.actor.id,
      actor_name: ctx.actor.name,
      action,
      target_type: target?.type ?? null,
      target_id: target?.id ?? null,
      detail: JSON.stringify(detail),
    })
    .execute();
}

export async function listAudit(
  ctx: Ctx,
  q: { limit: number; cursor?: { at: number; id: string } | undefined; action?: string | undefined; actorId?: string | undefined },
): Promise<AuditEntry[]> {
  ctx.authorize('audit.read');
  let query = ctx.tdb.selectFrom('audit_log').selectAll().orderBy('at', 'desc').orderBy('id', 'desc').limit(q.limit);
  if (q.action) query = query.where('action', '=', q.action);
  if (q.actorId) query = query.where('actor_id', '=', q.actorId);
  if (q.cursor) {
    const { at, id } = q.cursor;
    query = query.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    at: new Date(Number(r.at)).toISOString(),
    actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
    action: r.action,
    target: { type: r.target_type, id: r.target_id },
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
}
