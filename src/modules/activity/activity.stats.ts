// Per-group activity over the last days (the groups table's sparklines, the home page's most active
// groups) and the week's joins, leaves and messages. One grouped query each; the evaluation issue moves
// these onto rollups.
import { sql } from 'kysely';
import type { Ctx } from '../../kernel/context.ts';

const DAY = 86_400_000;

export interface GroupActivity {
  groupId: string;
  /** Messages per day, oldest first, `days` entries. */
  messagesPerDay: number[];
  messages: number;
  joins: number;
  leaves: number;
}

export async function groupActivity(ctx: Ctx, q: { days: number; tzOffsetMinutes: number }): Promise<{ days: string[]; items: GroupActivity[] }> {
  ctx.authorize('activity.read');
  const v = await ctx.visibility();
  const offset = q.tzOffsetMinutes * 60_000;
  const now = ctx.clock.now();
  const today = Math.floor((now + offset) / DAY);
  const firstDay = today - q.days + 1;
  const from = firstDay * DAY - offset;
  // Literals, not parameters: PostgreSQL would see the GROUP BY's parameters as a different expression.
  const dayExpr = sql<number>`(occurred_at + ${sql.lit(offset)}) / ${sql.lit(DAY)}`;
  let query = ctx.tdb.selectFrom('activities')
    .select(['group_id', 'kind', dayExpr.as('d'), (eb) => eb.fn.countAll().as('n')])
    .where('occurred_at', '>=', from).where('occurred_at', '<=', now)
    .where('group_id', 'is not', null).where('kind', 'in', ['message', 'join', 'leave'])
    .groupBy(['group_id', 'kind', dayExpr]);
  if (!v.all) query = query.where('group_id', 'in', [...v.groupIds, '']);
  const byGroup = new Map<string, GroupActivity>();
  for (const r of await query.execute()) {
    const id = r.group_id!;
    let g = byGroup.get(id);
    if (!g) byGroup.set(id, (g = { groupId: id, messagesPerDay: Array.from({ length: q.days }, () => 0), messages: 0, joins: 0, leaves: 0 }));
    const n = Number(r.n);
    const i = Math.floor(Number(r.d)) - firstDay;
    if (r.kind === 'message') {
      g.messages += n;
      if (i >= 0 && i < q.days) g.messagesPerDay[i]! += n;
    } else if (r.kind === 'join') g.joins += n;
    else g.leaves += n;
  }
  const days = Array.from({ length: q.days }, (_, i) => new Date((firstDay + i) * DAY).toISOString().slice(0, 10));
  return { days, items: [...byGroup.values()].sort((a, b) => b.messages - a.messages || a.groupId.localeCompare(b.groupId)) };
}
