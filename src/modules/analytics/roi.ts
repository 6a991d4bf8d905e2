// Cost and outcome (量·质·ROI): what was spent on each campaign, event, phase and group (the cost ledger) beside
// what it brought. A campaign's outcome is its short links' clicks and the purchases of the members who
// clicked, within ATTRIBUTION_DAYS of their first click in the range; an event's is its attendances and the
// purchases of its attendees within ATTRIBUTION_DAYS of the event; a phase's cost stands beside its budget;
// groups are compared by age (the lifecycle: is an old group still worth what it costs?).
import type { Ctx } from '../../kernel/context.ts';
import { costTotals } from '../costs/index.ts';
import { DAY, dayDate } from './calendar.ts';
import { groupHealth, num, resolveRange, resolveScope, type DashboardQuery, type Range, type Scope } from './dashboard.ts';
import { amountOf, eventOf } from './rollup.ts';

export const ATTRIBUTION_DAYS = 30;
/** Attendances or clicks above this in a range are not followed member by member (the totals still show). */
const MAX_FOLLOWED = 200_000;
export const AGE_BANDS = [
  { band: 'under_6_months', maxDays: 182 }, { band: '6_to_12_months', maxDays: 365 }, { band: '1_to_2_years', maxDays: 730 }, { band: 'over_2_years', maxDays: Infinity },
] as const;

interface Outcome { buyers: number; revenueCents: number }

/** Purchases of members within ATTRIBUTION_DAYS after each one's start (their first click, the event). */
async function purchasesAfter(ctx: Ctx, starts: Map<string, number>): Promise<Outcome> {
  const ids = [...starts.keys()];
  let buyers = 0;
  let revenueCents = 0;
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const from = Math.min(...chunk.map((m) => starts.get(m)!));
    const to = Math.max(...chunk.map((m) => starts.get(m)!)) + ATTRIBUTION_DAYS * DAY;
    const rows = await ctx.tdb.selectFrom('activities').select(['member_id', 'occurred_at', 'payload'])
      .where('kind', '=', 'purchase').where('member_id', 'in', chunk).where('occurred_at', '>=', from).where('occurred_at', '<', to).execute();
    const bought = new Set<string>();
    for (const r of rows) {
      const start = starts.get(r.member_id!)!;
      const at = Number(r.occurred_at);
      if (at < start || at >= start + ATTRIBUTION_DAYS * DAY) continue;
      bought.add(r.member_id!);
      revenueCents += amountOf('purchase', r.payload);
    }
    buyers += bought.size;
  }
  return { buyers, revenueCents };
}

/** An attendance's event name (payload.event), when it has one beside its eventId. */
function nameOf(payload: string): string | null {
  try {
    const e = (JSON.parse(payload) as { event?: unknown }).event;
    return typeof e === 'string' && e ? e.slice(0, 200) : null;
  } catch {
    return null;
  }
}

const perYuan = (revenueCents: number, costCents: number) => (costCents > 0 ? revenueCents / costCents : null);

async function campaigns(ctx: Ctx, scope: Scope, range: Range, costs: Map<string, number>) {
  let links = ctx.tdb.selectFrom('short_links').select(['id', 'campaign']).where('campaign', 'is not', null);
  if (scope.kind === 'community') links = links.where('community_id', '=', scope.id!);
  if (scope.kind === 'group') links = links.where('group_id', '=', scope.id!);
  const byCampaign = new Map<string, string[]>();
  for (const l of await links.execute()) byCampaign.set(l.campaign!, [...(byCampaign.get(l.campaign!) ?? []), l.id]);
  for (const k of costs.keys()) if (k.startsWith('campaign|') && !byCampaign.has(k.slice(9))) byCampaign.set(k.slice(9), []);
  const out = [];
  for (const [campaign, ids] of byCampaign) {
    let clicks = 0;
    const first = new Map<string, number>();
    let followed = true;
    for (const id of ids) {
      // A link's clicks are one range of the activities' unique key (source, source_id), as the link stats read them.
      const inRange = ctx.tdb.selectFrom('activities').where('source', '=', 'link').where('source_id', '>=', `${id}:`).where('source_id', '<', `${id};`)
        .where('occurred_at', '>=', range.fromAt).where('occurred_at', '<', range.toAt);
      const n = num((await inRange.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
      clicks += n;
      if (!followed || clicks > MAX_FOLLOWED) {
        followed = false;
        continue;
      }
      for (const r of await inRange.select(['member_id', 'occurred_at']).where('member_id', 'is not', null).execute()) {
        const at = Number(r.occurred_at);
        if (at < (first.get(r.member_id!) ?? Infinity)) first.set(r.member_id!, at);
      }
    }
    const costCents = costs.get(`campaign|${campaign}`) ?? 0;
    const o = followed ? await purchasesAfter(ctx, first) : null;
    out.push({
      campaign, links: ids.length, clicks, clickers: followed ? first.size : null, costCents,
      buyers: o?.buyers ?? null, revenueCents: o?.revenueCents ?? null, costPerClickCents: clicks && costCents ? Math.round(costCents / clicks) : null,
      salesPerYuan: o ? perYuan(o.revenueCents, costCents) : null,
    });
  }
  return out.sort((a, b) => b.costCents - a.costCents || b.clicks - a.clicks || a.campaign.localeCompare(b.campaign));
}

async function events(ctx: Ctx, scope: Scope, range: Range, costs: Map<string, number>) {
  const held = await ctx.tdb.selectFrom('scope_events').select(['event_key', 'first_at', 'attendances'])
    .where('scope', '=', scope.key).where('first_at', '>=', range.fromAt).where('first_at', '<', range.toAt).execute();
  const attendances = held.reduce((s, e) => s + num(e.attendances), 0);
  // The attendees of each event held in the range (their attendances may run past it: a course of sessions).
  const attendees = new Map<string, Map<string, number>>(held.map((e) => [e.event_key, new Map()]));
  const followed = attendances <= MAX_FOLLOWED;
  const names = new Map<string, string | null>();
  if (followed && held.length) {
    let q = ctx.tdb.selectFrom('activities').select(['member_id', 'payload', 'occurred_at']).where('kind', '=', 'attendance').where('member_id', 'is not', null)
      .where('occurred_at', '>=', range.fromAt).where('occurred_at', '<', range.toAt + ATTRIBUTION_DAYS * DAY);
    if (scope.kind === 'group') q = q.where('group_id', '=', scope.id!);
    if (scope.kind === 'community') q = q.where('group_id', 'in', ctx.tdb.selectFrom('groups').select('id').where('community_id', '=', scope.id!));
    for (const r of await q.execute()) {
      const key = eventOf('attendance', r.payload) ?? '';
      const m = attendees.get(key);
      if (!m) continue;
      if (!m.has(r.member_id!)) m.set(r.member_id!, 0);
      if (!names.has(key)) names.set(key, nameOf(r.payload));
    }
  }
  const out = [];
  for (const e of held) {
    const at = num(e.first_at);
    const who = attendees.get(e.event_key)!;
    for (const m of who.keys()) who.set(m, at);
    const costCents = costs.get(`event|${e.event_key}`) ?? 0;
    const o = followed ? await purchasesAfter(ctx, who) : null;
    out.push({
      eventKey: e.event_key, name: names.get(e.event_key) ?? null, heldOn: new Date(at).toISOString(), attendances: num(e.attendances), attendees: followed ? who.size : null, costCents,
      costPerAttendeeCents: costCents && who.size ? Math.round(costCents / who.size) : null,
      buyers: o?.buyers ?? null, revenueCents: o?.revenueCents ?? null, salesPerYuan: o ? perYuan(o.revenueCents, costCents) : null,
    });
  }
  return out.sort((a, b) => a.heldOn.localeCompare(b.heldOn) || a.eventKey.localeCompare(b.eventKey));
}

async function phases(ctx: Ctx, scope: Scope, range: Range, costs: Map<string, number>) {
  let q = ctx.tdb.selectFrom('phases').select(['id', 'name', 'community_id', 'starts_on', 'ends_on', 'budget_cents'])
    .where('starts_on', '<=', dayDate(range.lastDay)).where('ends_on', '>=', dayDate(range.firstDay));
  if (scope.kind === 'community') q = q.where('community_id', '=', scope.id!);
  if (scope.kind === 'group') q = q.where('community_id', '=', ctx.tdb.selectFrom('groups').select('community_id').where('id', '=', scope.id!));
  const v = await ctx.visibility();
  return (await q.orderBy('starts_on').orderBy('id').execute()).filter((p) => v.all || v.communityIds.has(p.community_id)).map((p) => {
    const spent = costs.get(`phase|${p.id}`) ?? 0;
    const budget = p.budget_cents === null ? null : num(p.budget_cents);
    return { phaseId: p.id, name: p.name, communityId: p.community_id, startsOn: p.starts_on, endsOn: p.ends_on, budgetCents: budget, costCents: spent, budgetUsed: budget ? spent / budget : null };
  });
}

async function lifecycle(ctx: Ctx, q: DashboardQuery, costs: Map<string, number>) {
  const board = await groupHealth(ctx, q);
  return AGE_BANDS.map(({ band, maxDays }, i) => {
    const min = i ? AGE_BANDS[i - 1]!.maxDays : -Infinity;
    const gs = board.items.filter((g) => g.ageDays > min && g.ageDays <= maxDays);
    const sum = (f: (g: (typeof gs)[number]) => number) => gs.reduce((s, g) => s + f(g), 0);
    const seats = sum((g) => g.seats);
    const costCents = sum((g) => costs.get(`group|${g.groupId}`) ?? 0);
    const revenueCents = sum((g) => g.revenueCents);
    return {
      band, groups: gs.length, seats, messages: sum((g) => g.messages), messagesPerSeat: seats ? sum((g) => g.messages) / seats : 0,
      meanScore: gs.length ? sum((g) => g.score) / gs.length : null, revenueCents, costCents, salesPerYuan: perYuan(revenueCents, costCents),
    };
  });
}

export async function roi(ctx: Ctx, q: DashboardQuery) {
  ctx.authorize('activity.read');
  ctx.authorize('community.read');
  const [scope, range] = [await resolveScope(ctx, q), await resolveRange(ctx, q)];
  const communityIds = scope.kind === 'community' ? [scope.id!]
    : scope.kind === 'group' ? [(await ctx.tdb.selectFrom('groups').select('community_id').where('id', '=', scope.id!).executeTakeFirstOrThrow()).community_id]
    : undefined;
  const within = communityIds ? { communityIds } : {};
  // Spent in the range: campaigns, groups and the rest. An event's and a phase's costs are theirs whenever paid
  // (the venue is booked weeks before).
  const inRange = await costTotals(ctx, { ...within, from: dayDate(range.firstDay), to: dayDate(range.lastDay) });
  const whenever = await costTotals(ctx, within);
  const byKey = new Map([...inRange].filter(([k]) => !k.startsWith('event|') && !k.startsWith('phase|')));
  for (const [k, v] of whenever) if (k.startsWith('event|') || k.startsWith('phase|')) byKey.set(k, v);
  const spent = (subject: string) => [...inRange].filter(([k]) => k.startsWith(`${subject}|`)).reduce((s, [, v]) => s + v, 0);
  return {
    scope: { kind: scope.kind, id: scope.id, name: scope.name },
    range: { from: dayDate(range.firstDay), to: dayDate(range.lastDay), timezone: range.timezone },
    attributionDays: ATTRIBUTION_DAYS,
    spentInRange: {
      campaignCents: spent('campaign'), eventCents: spent('event'), phaseCents: spent('phase'), groupCents: spent('group'), otherCents: spent('other'),
      totalCents: [...inRange.values()].reduce((s, v) => s + v, 0),
    },
    campaigns: await campaigns(ctx, scope, range, byKey),
    events: await events(ctx, scope, range, byKey),
    phases: await phases(ctx, scope, range, byKey),
    lifecycle: await lifecycle(ctx, q, byKey),
  };
}
