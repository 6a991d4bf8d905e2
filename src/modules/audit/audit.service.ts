import type { Ctx } from '../../kernel/context.ts';
import { iso } from '../../kernel/clock.ts';

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
  const v = await ctx.visibility();
  if (!v.all) {
    // A scoped actor reads what it did itself and what happened to the rows it can see (operators and
    // tokens are not scoped); entries about hidden rows, or without a target, are not its to read.
    const groups = [...v.groupIds, ''];
    const communities = [...v.communityIds, ''];
    const sets = [...v.groupSetIds, ''];
    const tdb = ctx.tdb;
    const visibleMembers = () => tdb.selectFrom('memberships').select('member_id').where('group_id', 'in', groups);
    query = query.where((eb) =>
      eb.or([
        eb('actor_id', '=', ctx.actor.id ?? ''),
        eb('target_type', 'in', ['operator', 'token']),
        eb.and([eb('target_type', '=', 'community'), eb('target_id', 'in', communities)]),
        eb.and([eb('target_type', '=', 'group'), eb('target_id', 'in', groups)]),
        eb.and([eb('target_type', '=', 'group_set'), eb('target_id', 'in', sets)]),
        eb.and([eb('target_type', '=', 'phase'), eb('target_id', 'in', tdb.selectFrom('phases').select('id').where('community_id', 'in', communities))]),
        eb.and([eb('target_type', '=', 'membership'), eb('target_id', 'in', tdb.selectFrom('memberships').select('id').where('group_id', 'in', groups))]),
        eb.and([eb('target_type', '=', 'member'), eb('target_id', 'in', visibleMembers())]),
        eb.and([eb('target_type', '=', 'identity'), eb('target_id', 'in', tdb.selectFrom('identities').select('id').where('member_id', 'in', visibleMembers()))]),
        eb.and([eb('target_type', '=', 'activity'), eb('target_id', 'in', tdb.selectFrom('activities').select('id').where('group_id', 'in', groups))]),
      ]),
    );
  }
  if (q.action) query = query.where('action', '=', q.action);
  if (q.actorId) query = query.where('actor_id', '=', q.actorId);
  if (q.cursor) {
    const { at, id } = q.cursor;
    query = query.where((eb) => eb.or([eb('at', '<', at), eb.and([eb('at', '=', at), eb('id', '<', id)])]));
  }
  const rows = await query.execute();
  return rows.map((r) => ({
    id: r.id,
    at: iso(r.at),
    actor: { type: r.actor_type, id: r.actor_id, name: r.actor_name },
    action: r.action,
    target: { type: r.target_type, id: r.target_id },
    detail: JSON.parse(r.detail) as Record<string, unknown>,
  }));
}
