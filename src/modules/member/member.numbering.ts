// Member numbers (编号): a sequence per group or per community as the group's numbering scheme says.
// A number belongs to its member for good; a member who rejoins gets the same one back.
import { sql } from 'kysely';
import type { Ctx } from '../../kernel/context.ts';
import type { Numbering } from '../group/index.ts';

export function formatNumber(numbering: Numbering, n: number): string {
  return `${numbering.prefix}${String(n).padStart(numbering.width, '0')}`;
}

export function numberScope(numbering: Numbering, group: { id: string; community_id: string }): string {
  return numbering.scope === 'community' ? `c:${group.community_id}` : `g:${group.id}`;
}

export async function assignNumber(
  ctx: Ctx,
  memberId: string,
  numbering: Numbering,
  group: { id: string; community_id: string },
): Promise<{ scope: string; number: number; display: string }> {
  const scope = numberScope(numbering, group);
  const held = await ctx.tdb
    .selectFrom('member_numbers')
    .select(['number', 'display'])
    .where('number_scope', '=', scope)
    .where('member_id', '=', memberId)
    .executeTakeFirst();
  if (held) return { scope, number: Number(held.number), display: held.display };
  const next = await ctx.tdb
    .insertInto('number_sequences', { scope_key: scope, last_number: 1 })
    .onConflict((oc) => oc.columns(['workspace_id', 'scope_key']).doUpdateSet({ last_number: sql`number_sequences.last_number + 1` }))
    .returning('last_number')
    .executeTakeFirstOrThrow();
  const number = Number(next.last_number);
  const display = formatNumber(numbering, number);
  await ctx.tdb
    .insertInto('member_numbers', { number_scope: scope, number, member_id: memberId, display, assigned_at: ctx.clock.now() })
    .execute();
  return { scope, number, display };
}
