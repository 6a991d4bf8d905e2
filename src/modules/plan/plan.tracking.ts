// Plan vs actual (计划与实际): the plan's projection month by month, beside the actuals, by month, quarter or
// year. The projection ramps each level (groups, seats, fans, staff) from the year before's target (the
// baseline for year 1) to the year's target, spreads each yearly amount evenly over its months, and keeps
// rates as given. Actuals the data holds are computed; the rest are what was entered or imported.
import type { Ctx } from '../../kernel/context.ts';
import { analyticsTimezone, catchUpRollups, communityScope, dayStart, localDayHour, monthKey, monthOf, monthStartDay } from '../analytics/index.ts';
import { monthIndex, monthText, toPlan, visiblePlan } from './plan.service.ts';
import { METRICS, type MetricDef, type MetricKey } from './plan.template.ts';

type Period = 'month' | 'quarter' | 'year';
type Status = 'ahead' | 'on_track' | 'behind' | 'over_budget' | 'no_plan' | 'no_actual' | 'future';
type Figures = Partial<Record<MetricKey, number>>;

const num = (v: unknown) => Number(v ?? 0);

/** The projection for each month of the plan (index from its first month). */
function projection(plan: ReturnType<typeof toPlan>): Figures[] {
  const { baseline, years } = plan.content;
  const out: Figures[] = [];
  years.forEach((y, yi) => {
    const before: Figures = yi === 0 ? baseline : { ...baseline, ...years[yi - 1]!.targets };
    for (let j = 0; j < 12; j++) {
      const f: Figures = {};
      for (const m of METRICS) {
        const target = y.targets[m.key];
        if (target === undefined) continue;
        const share = (j + 1) / 12;
        f[m.key] = m.kind === 'stock' ? (before[m.key] ?? 0) + (target - (before[m.key] ?? 0)) * share
          : m.kind === 'flow' ? target / 12
            : m.kind === 'ytd' ? target * share
              : target;
      }
      out.push(f);
    }
  });
  return out;
}

/** Groups and seats at each month's end: one pass over the scope's groups and memberships. */
async function levels(ctx: Ctx, communityId: string | null, ends: number[]): Promise<{ groups: number[]; seats: number[] }> {
  let gq = ctx.tdb.selectFrom('groups').select(['id', 'created_at']);
  if (communityId) gq = gq.where('community_id', '=', communityId);
  const groups = await gq.execute();
  const firstEnd = (t: number) => {
    // The first month whose end is after t (binary search); ends.length when none.
    let lo = 0;
    let hi = ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (ends[mid]! > t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  const diff = (n: number) => Array.from({ length: n + 1 }, () => 0);
  const g = diff(ends.length);
  for (const r of groups) g[firstEnd(num(r.created_at))]! += 1;
  const s = diff(ends.length);
  let mq = ctx.tdb.selectFrom('memberships').select(['joined_at', 'left_at']);
  if (communityId) mq = mq.where('group_id', 'in', groups.length ? groups.map((x) => x.id) : ['']);
  for (const r of await mq.execute()) {
    s[firstEnd(num(r.joined_at))]! += 1;
    if (r.left_at !== null) s[firstEnd(num(r.left_at))]! -= 1;
  }
  const cumulate = (d: number[]) => {
    let acc = 0;
    return ends.map((_, i) => (acc += d[i]!));
  };
  return { groups: cumulate(g), seats: cumulate(s) };
}

/** The actuals of each month up to the current one: computed from the data, and entered. */
async function actuals(ctx: Ctx, plan: ReturnType<typeof toPlan>, first: number, upTo: number, tz: string): Promise<Figures[]> {
  const months = Array.from({ length: Math.max(0, upTo - first + 1) }, (_, i) => first + i);
  const out: Figures[] = months.map(() => ({}));
  if (!months.length) return out;
  const ends = months.map((m) => dayStart(monthStartDay(m + 1), tz));
  const scope = plan.communityId ? communityScope(plan.communityId) : '';
  await catchUpRollups(ctx);
  const { groups, seats } = await levels(ctx, plan.communityId, ends);
  const fans = new Map((await ctx.tdb.selectFrom('period_actives').select(['period', 'n']).where('scope', '=', scope).where('period', 'in', months.map(monthKey)).execute()).map((r) => [r.period, num(r.n)]));
  const firstDay = monthStartDay(first);
  const turnover = months.map(() => 0);
  const sales = await ctx.tdb.selectFrom('activity_days').select(['day', 'amount']).where('scope', '=', scope).where('kind', '=', 'purchase')
    .where('day', '>=', firstDay).where('day', '<', monthStartDay(upTo + 1)).execute();
  for (const r of sales) turnover[monthOf(r.day) - first]! += num(r.amount);
  const entered = await ctx.tdb.selectFrom('plan_actuals').select(['month', 'metric', 'value']).where('plan_id', '=', plan.id).execute();
  for (const e of entered) {
    const i = monthIndex(e.month) - first;
    if (i >= 0 && i < out.length) out[i]![e.metric as MetricKey] = num(e.value);
  }
  let ytd = 0;
  months.forEach((m, i) => {
    const f = out[i]!;
    if ((m - first) % 12 === 0) ytd = 0;
    ytd += turnover[i]!;
    f.groups = groups[i]!;
    f.seats = seats[i]!;
    f.membersPerGroup = groups[i] ? Math.round(seats[i]! / groups[i]!) : 0;
    f.effectiveFans = fans.get(monthKey(m)) ?? 0;
    f.turnoverCents = turnover[i]!;
    f.spendPerMemberCents = f.effectiveFans ? Math.round(ytd / f.effectiveFans) : 0;
    if (f.grossMarginCents !== undefined) f.surplusCents = f.grossMarginCents - (f.payrollCents ?? 0) - (f.runningCostsCents ?? 0) - (f.sponsorshipCents ?? 0);
  });
  return out;
}

/** A period's figure from its months: the last level, the sum of amounts, the mean of rates. */
function combine(def: MetricDef, values: (number | undefined)[]): number | null {
  const known = values.filter((v): v is number => v !== undefined);
  if (!known.length) return null;
  if (def.kind === 'flow') return known.reduce((s, v) => s + v, 0);
  if (def.kind === 'rate') return known.reduce((s, v) => s + v, 0) / known.length;
  return values[values.length - 1] ?? null;
}

function status(def: MetricDef, plan: number | null, actual: number | null, future: boolean): { ratio: number | null; status: Status } {
  if (future) return { ratio: null, status: 'future' };
  if (plan === null) return { ratio: null, status: 'no_plan' };
  if (actual === null) return { ratio: null, status: 'no_actual' };
  const ratio = plan === 0 ? (actual === 0 ? 1 : null) : actual / plan;
  if (def.direction === 'budget') return { ratio, status: ratio !== null && ratio > 1.1 ? 'over_budget' : 'on_track' };
  if (ratio === null) return { ratio, status: actual > 0 ? 'ahead' : 'on_track' };
  return { ratio, status: ratio >= 1.1 ? 'ahead' : ratio >= 0.9 ? 'on_track' : 'behind' };
}

const round = (v: number | null, money: boolean) => (v === null ? null : money ? Math.round(v) : Math.round(v * 1000) / 1000);

export async function tracking(ctx: Ctx, id: string, period: Period) {
  ctx.authorize('community.read');
  ctx.authorize('activity.read');
  const plan = toPlan(await visiblePlan(ctx, id));
  const tz = await analyticsTimezone(ctx);
  const first = monthIndex(plan.startMonth);
  const last = monthIndex(plan.endMonth);
  const current = monthOf(localDayHour(ctx.clock.now(), tz).day);
  const planned = projection(plan);
  const actual = await actuals(ctx, plan, first, Math.min(current, last), tz);
  const size = period === 'month' ? 1 : period === 'quarter' ? 3 : 12;
  const periods = [];
  for (let start = first; start <= last; start += size) {
    const end = start + size - 1;
    // A period in progress compares the months so far on both sides.
    const upTo = Math.min(end, current);
    const future = start > current;
    const idx = Array.from({ length: Math.max(1, upTo - start + 1) }, (_, i) => start + i - first);
    const cells: Record<string, { plan: number | null; actual: number | null; ratio: number | null; status: Status }> = {};
    for (const def of METRICS as readonly MetricDef[]) {
      const k = def.key as MetricKey;
      const p = combine(def, (future ? Array.from({ length: size }, (_, i) => start + i - first) : idx).map((i) => planned[i]?.[k]));
      const a = future ? null : combine(def, idx.map((i) => actual[i]?.[k]));
      cells[k] = { plan: round(p, def.money), actual: round(a, def.money), ...status(def, p, a, future) };
    }
    const y = Math.floor((start - first) / 12) + 1;
    const label = period === 'month' ? monthText(start) : period === 'quarter' ? `第${y}年 Q${Math.floor(((start - first) % 12) / 3) + 1}` : `第${y}年`;
    periods.push({ key: period === 'month' ? monthText(start) : `${monthText(start)}/${monthText(end)}`, label, cells, finished: end < current });
  }
  const lastDone = [...periods].reverse().find((p) => p.finished);
  const behind = lastDone
    ? Object.entries(lastDone.cells).flatMap(([metric, c]) => (c.status === 'behind' || c.status === 'over_budget') && c.plan !== null && c.actual !== null
      ? [{ metric: metric as MetricKey, period: lastDone.key, plan: c.plan, actual: c.actual, ratio: c.ratio ?? 0 }] : [])
    : [];
  return {
    plan: { id: plan.id, name: plan.name, startMonth: plan.startMonth, endMonth: plan.endMonth, communityId: plan.communityId },
    period,
    metrics: METRICS.map((m) => ({ ...m })),
    periods: periods.map(({ finished: _f, ...p }) => p),
    behind,
  };
}
