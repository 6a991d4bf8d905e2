// How concentrated the talk is: the share of a range's messages written by its most active tenth of speakers.
// A member's count in an arbitrary range is in no rollup (member periods are presence only, as counts made every
// message rewrite a row), so this reads the messages themselves, and only where they are few enough to read
// at dashboard speed; a busier scope gets null rather than a slow page.
import type { Ctx } from '../../kernel/context.ts';
import type { Range, Scope } from './dashboard.ts';

/**
 * The most messages a range may hold to be counted member by member. The count is read from the group-time index
 * alone (migration 0035): 12 ms on SQLite for a group's 9,057 messages, against 30 ms through the table's rows.
 */
export const CONCENTRATION_MAX_MESSAGES = 50_000;
const TOP = 0.1;

export interface Concentration {
  /** Members who wrote at least one message in the range. */
  speakers: number;
  /** The top tenth of them (at least one), by messages in the range. */
  topSpeakers: number;
  /** Their share of the members' messages in the range (messages without a member are left out). */
  topShare: number;
}

/** Null when the range holds more than CONCENTRATION_MAX_MESSAGES messages (`messages`, from the rollups). */
export async function concentration(ctx: Ctx, scope: Scope, range: Range, messages: number): Promise<Concentration | null> {
  if (messages > CONCENTRATION_MAX_MESSAGES) return null;
  if (messages === 0) return { speakers: 0, topSpeakers: 0, topShare: 0 };
  let q = ctx.tdb.selectFrom('activities').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'message').where('member_id', 'is not', null)
    .where('occurred_at', '>=', range.fromAt).where('occurred_at', '<', range.toAt).groupBy('member_id');
  if (scope.kind === 'group') q = q.where('group_id', '=', scope.id!);
  if (scope.kind === 'community') q = q.where('group_id', 'in', ctx.tdb.selectFrom('groups').select('id').where('community_id', '=', scope.id!));
  const counts = (await q.execute()).map((r) => Number(r.n)).sort((a, b) => b - a);
  const total = counts.reduce((s, n) => s + n, 0);
  const topSpeakers = Math.ceil(counts.length * TOP);
  const top = counts.slice(0, topSpeakers).reduce((s, n) => s + n, 0);
  return { speakers: counts.length, topSpeakers, topShare: total ? top / total : 0 };
}
