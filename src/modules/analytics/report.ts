// The report (周报 and the report of any phase, event or campaign by its dates): the dashboards of a scope
// and range put together with the period before for comparison, the groups to praise and to look at, the
// team, and what it says in plain Chinese. Exported as an XLSX workbook; the console prints it as PDF.
// Weekly reports are kept: the engine writes last week's on Monday (GET …/reports lists them).
import type { Ctx } from '../../kernel/context.ts';
import { invalid } from '../../kernel/errors.ts';
import { getPhase, type Phase } from '../community/index.ts';
import { dayDate, localDayHour, parseDay, weekOf, weekStartDay } from './calendar.ts';
import { funnel, groupHealth, MAX_DAYS, overview, team, value, type DashboardQuery } from './dashboard.ts';
import { analyticsTimezone, catchUpRollups } from './rollup.ts';

const pct = (x: number) => `${Math.round(x * 100)}%`;
const change = (now: number, before: number) => (before ? `${now >= before ? '+' : ''}${Math.round(((now - before) / before) * 100)}%` : now ? '新增' : '持平');
const yuan = (cents: number) => `¥${(cents / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 })}`;

export interface ReportQuery extends DashboardQuery {
  /** A phase's report: its community, and its dates (up to today while it runs). */
  phaseId?: string;
}

/** The query a phase's report stands for: its community and dates, up to today while it runs. */
async function phaseQuery(ctx: Ctx, phaseId: string): Promise<{ phase: Phase; q: DashboardQuery }> {
  const phase = await getPhase(ctx, phaseId);
  const first = parseDay(phase.startsOn);
  const end = parseDay(phase.endsOn);
  if (end - first + 1 > MAX_DAYS) throw invalid([{ field: 'phaseId', reason: `the phase runs ${end - first + 1} days; a report covers at most ${MAX_DAYS}` }]);
  const today = localDayHour(ctx.clock.now(), await analyticsTimezone(ctx)).day;
  const last = first <= today && today < end ? today : end;
  return { phase, q: { communityId: phase.communityId, from: phase.startsOn, to: dayDate(last) } };
}

const ratio = (actual: number | null, target: number | null) => (actual === null || !target ? null : actual / target);

/**
 * A phase's targets beside what its dates brought: new people in the community (吸粉), first consultations,
 * sales; and its budget against them (cost per new person, sales per yuan of budget). The click rate has
 * no denominator Shequn counts (the links' reach), so its actual stays empty.
 */
function phaseOutcome(phase: Phase, through: string, f: Awaited<ReturnType<typeof funnel>>, v: Awaited<ReturnType<typeof value>>) {
  const reached = (stage: string) => f.stages.find((s) => s.stage === stage)!.reachedInRange;
  const actual = { fans: reached('join'), consultations: reached('consultation'), salesCents: v.revenueCents, clickRate: null };
  const t = phase.targets;
  const budget = phase.budgetCents;
  return {
    id: phase.id, name: phase.name, purpose: phase.purpose, startsOn: phase.startsOn, endsOn: phase.endsOn, through, budgetCents: budget,
    measures: (['fans', 'consultations', 'salesCents', 'clickRate'] as const).map((key) => ({ key, target: t[key], actual: actual[key], ratio: ratio(actual[key], t[key]) })),
    costPerFanCents: budget !== null && actual.fans ? Math.round(budget / actual.fans) : null,
    salesPerBudget: budget ? actual.salesCents / budget : null,
  };
}

export async function report(ctx: Ctx, query: ReportQuery) {
  const { phaseId, ...rest } = query;
  const { phase, q } = phaseId ? await phaseQuery(ctx, phaseId) : { phase: null, q: rest };
  const o = await overview(ctx, q);
  const first = parseDay(o.range.from);
  const last = parseDay(o.range.to);
  const span = last - first + 1;
  const previousQuery = { ...q, from: dayDate(first - span), to: dayDate(first - 1) };
  const before = await overview(ctx, previousQuery);
  const [f, v, groups] = [await funnel(ctx, q), await value(ctx, q), await groupHealth(ctx, q)];
  const people = await team(ctx, q, groups);
  const quiet = groups.items.filter((g) => g.quiet);
  const best = groups.items.slice(0, 5);
  const worst = [...groups.items].sort((a, b) => a.score - b.score || a.messages - b.messages).slice(0, 5);
  const joinStage = f.stages.find((s) => s.stage === 'join')!;
  const buy = f.stages.find((s) => s.stage === 'purchase')!;
  const summary = [
    `${o.range.from} 至 ${o.range.to}：消息 ${o.activity.messages.toLocaleString('zh-CN')} 条（对比上期 ${change(o.activity.messages, before.activity.messages)}），` +
      `入群 ${o.scale.joins} 人、退群 ${o.scale.leaves} 人，净增 ${o.scale.netGrowth}。`,
    `月活 ${o.activity.monthlyActive.toLocaleString('zh-CN')} 人，活跃率 ${pct(o.activity.activeMemberRate)}` +
      (o.activity.activeMemberRateTarget !== null ? `（目标 ${pct(o.activity.activeMemberRateTarget)}）` : '') + `；人均发言 ${o.activity.messagesPerActiveMember.toFixed(1)} 条` +
      (o.activity.concentration?.speakers ? `，发言最多的 ${o.activity.concentration.topSpeakers} 人（前 10%）说了 ${pct(o.activity.concentration.topShare)} 的话。` : '。'),
    `收入 ${yuan(v.revenueCents)}（对比上期 ${change(v.revenueCents, before.revenue.amountCents)}），订单 ${v.orders} 笔，新买家 ${v.newBuyers} 人，复购率 ${pct(v.repurchaseRate)}。`,
    joinStage.fromJoinCohort ? `本期新人 ${joinStage.fromJoinCohort} 人，已有 ${pct(buy.conversionFromJoin)} 下单。` : '本期没有新人入群。',
    quiet.length ? `${quiet.length} 个群正在变冷：${quiet.slice(0, 5).map((g) => `「${g.name}」`).join('')}${quiet.length > 5 ? ' 等' : ''}。` : '没有群在变冷。',
  ];
  const p = phase ? phaseOutcome(phase, o.range.to, f, v) : null;
  if (p) summary.unshift(phaseWords(p));
  return {
    phase: p,
    scope: o.scope,
    range: o.range,
    previous: { from: before.range.from, to: before.range.to },
    summary,
    overview: o,
    previousOverview: { scale: before.scale, activity: before.activity, revenue: before.revenue },
    funnel: f.stages,
    value: v,
    groups: { count: groups.items.length, best, worst, quiet },
    team: people.items,
  };
}

export type Report = Awaited<ReturnType<typeof report>>;
type PhaseOutcome = ReturnType<typeof phaseOutcome>;

const MEASURE_WORDS = { fans: '吸粉', consultations: '咨询', salesCents: '销售', clickRate: '点击率' } as const;
const measureFigure = (key: keyof typeof MEASURE_WORDS, v: number) => (key === 'salesCents' ? yuan(v) : key === 'clickRate' ? pct(v) : `${v.toLocaleString('zh-CN')} 人`);

/** The phase in one sentence: each target met or not, and what the budget bought. */
function phaseWords(p: PhaseOutcome): string {
  const measures = p.measures.filter((m) => m.actual !== null).map((m) =>
    `${MEASURE_WORDS[m.key]} ${measureFigure(m.key, m.actual!)}${m.target !== null ? `（目标 ${measureFigure(m.key, m.target)}，完成 ${pct(m.ratio!)}）` : ''}`);
  const budget = p.budgetCents === null ? '' : `；预算 ${yuan(p.budgetCents)}` +
    (p.costPerFanCents !== null ? `，每个新人 ${yuan(p.costPerFanCents)}` : '') + (p.salesPerBudget !== null ? `，每 1 元预算带来销售 ${yuan(Math.round(p.salesPerBudget * 100))}` : '');
  const running = p.through < p.endsOn ? `，截至 ${p.through}` : '';
  return `阶段「${p.name}」（${p.startsOn} 至 ${p.endsOn}${running}）：${measures.join('，')}${budget}。`;
}

/** The report as a workbook: a sheet of headline figures and one per table, in Chinese. */
export async function reportWorkbook(r: Report): Promise<Buffer> {
  // exceljs takes a good half second to load: only exports pay for it.
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.Workbook();
  wb.creator = 'Shequn 社群';
  const title = `${r.scope.name ?? '全部社群'} ${r.range.from} 至 ${r.range.to}`;
  const sheet = (name: string, columns: { header: string; key: string; width?: number }[], rows: Record<string, unknown>[]) => {
    const ws = wb.addWorksheet(name);
    ws.columns = columns.map((c) => ({ ...c, width: c.width ?? Math.max(10, c.header.length * 2 + 2) }));
    ws.getRow(1).font = { bold: true };
    ws.addRows(rows);
    ws.views = [{ state: 'frozen', ySplit: 1 }];
    return ws;
  };
  const o = r.overview;
  const p = r.previousOverview;
  const head = sheet('概览', [{ header: '指标', key: 'k', width: 24 }, { header: '本期', key: 'now', width: 16 }, { header: '上期', key: 'before', width: 16 }], [
    { k: '范围', now: title, before: `${r.previous.from} 至 ${r.previous.to}` },
    { k: '真实人数', now: o.scale.people, before: p.scale.people },
    { k: '席位', now: o.scale.seats, before: p.scale.seats },
    { k: '入群', now: o.scale.joins, before: p.scale.joins },
    { k: '退群', now: o.scale.leaves, before: p.scale.leaves },
    { k: '净增', now: o.scale.netGrowth, before: p.scale.netGrowth },
    { k: '消息', now: o.activity.messages, before: p.activity.messages },
    { k: '周活', now: o.activity.weeklyActive, before: p.activity.weeklyActive },
    { k: '月活', now: o.activity.monthlyActive, before: p.activity.monthlyActive },
    { k: '活跃率', now: o.activity.activeMemberRate, before: p.activity.activeMemberRate },
    { k: '收入（元）', now: o.revenue.amountCents / 100, before: p.revenue.amountCents / 100 },
    { k: '订单', now: o.revenue.purchases, before: p.revenue.purchases },
  ]);
  head.getCell('B11').numFmt = '0.0%';
  head.getCell('C11').numFmt = '0.0%';
  head.addRow([]);
  for (const line of r.summary) head.addRow([line]);
  if (r.phase) {
    const ph = r.phase;
    sheet('阶段', [{ header: '指标', key: 'k', width: 16 }, { header: '目标', key: 'target', width: 16 }, { header: '实际', key: 'actual', width: 16 }, { header: '完成', key: 'ratio', width: 12 }], [
      ...ph.measures.map((x) => {
        const money = x.key === 'salesCents' ? 100 : 1;
        return { k: MEASURE_WORDS[x.key] + (money === 100 ? '（元）' : ''), target: x.target === null ? null : x.target / money, actual: x.actual === null ? null : x.actual / money, ratio: x.ratio };
      }),
      { k: '预算（元）', target: ph.budgetCents === null ? null : ph.budgetCents / 100 },
      { k: '每个新人成本（元）', actual: ph.costPerFanCents === null ? null : ph.costPerFanCents / 100 },
      { k: '每 1 元预算的销售（元）', actual: ph.salesPerBudget },
    ]).getColumn('ratio').numFmt = '0%';
  }
  sheet('每日', [{ header: '日期', key: 'date' }, { header: '消息', key: 'messages' }, { header: '入群', key: 'joins' }, { header: '退群', key: 'leaves' }, { header: '购买', key: 'purchases' }, { header: '日活', key: 'active' }], o.days);
  sheet('漏斗', [{ header: '阶段', key: 'stage' }, { header: '期间到达', key: 'reachedInRange' }, { header: '新人到达', key: 'fromJoinCohort' }, { header: '转化率', key: 'conversionFromJoin' }, { header: '平均天数', key: 'meanDaysFromJoin' }],
    r.funnel.map((s) => ({ ...s, stage: ({ join: '吸粉', active: '养粉', consultation: '促粉', purchase: '变现' } as const)[s.stage] })));
  const groupRows = (gs: Report['groups']['best']) => gs.map((g) => ({ ...g, reasons: g.reasons.map((x) => x.code).join(', ') }));
  const groupCols = [
    { header: '群', key: 'name', width: 24 }, { header: '健康分', key: 'score' }, { header: '席位', key: 'seats' }, { header: '消息', key: 'messages' }, { header: '入群', key: 'joins' },
    { header: '退群', key: 'leaves' }, { header: '周活', key: 'weeklyActive' }, { header: '活跃率', key: 'activeRate' }, { header: '趋势', key: 'trend' }, { header: '原因', key: 'reasons', width: 30 },
  ];
  sheet('表现最好的群', groupCols, groupRows(r.groups.best));
  sheet('需要关注的群', groupCols, groupRows([...r.groups.worst, ...r.groups.quiet.filter((g) => !r.groups.worst.includes(g))]));
  sheet('团队', [
    { header: '负责人', key: 'name', width: 16 }, { header: '角色', key: 'roles' }, { header: '群数', key: 'groups' }, { header: '席位', key: 'seats' }, { header: '消息', key: 'messages' },
    { header: '净增', key: 'netGrowth' }, { header: '收入（元）', key: 'revenue' }, { header: '平均健康分', key: 'meanScore' }, { header: '变冷的群', key: 'quietGroups' },
  ], r.team.map((x) => ({ ...x, name: x.keeper.name, roles: x.roles.map((y) => (y === 'owner' ? '群主' : '秘书')).join('、'), revenue: x.revenueCents / 100 })));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Last week's dates (Monday to Sunday) in the analytics time zone, as of now. */
export async function lastWeek(ctx: Ctx): Promise<{ from: string; to: string; week: number }> {
  const tz = await analyticsTimezone(ctx);
  const week = weekOf(localDayHour(ctx.clock.now(), tz).day) - 1;
  return { from: dayDate(weekStartDay(week)), to: dayDate(weekStartDay(week) + 6), week };
}

/**
 * Writes last week's report for the workspace and each community, once (the engine calls this on every
 * evaluation; a week already written is left as it is).
 */
export async function writeWeeklyReports(ctx: Ctx): Promise<number> {
  await catchUpRollups(ctx);
  // A workspace that has never had an activity has nothing to report.
  if (!(await ctx.tdb.selectFrom('activity_days').select('day').limit(1).executeTakeFirst())) return 0;
  const { from, to, week } = await lastWeek(ctx);
  const kind = `report:w${week}`;
  const scopes: { key: string; q: DashboardQuery }[] = [
    { key: '', q: {} },
    ...(await ctx.tdb.selectFrom('communities').select('id').execute()).map((c) => ({ key: `c:${c.id}`, q: { communityId: c.id } })),
  ];
  const done = new Set((await ctx.tdb.selectFrom('analytics_snapshots').select('scope').where('kind', '=', kind).execute()).map((r) => r.scope));
  let written = 0;
  for (const s of scopes) {
    if (done.has(s.key)) continue;
    const r = await report(ctx, { ...s.q, from, to });
    await ctx.tdb.insertInto('analytics_snapshots', { scope: s.key, kind, computed_at: ctx.clock.now(), data: JSON.stringify(r) })
      .onConflict((oc) => oc.columns(['workspace_id', 'scope', 'kind']).doNothing()).execute();
    written++;
  }
  return written;
}

/** The weekly reports kept for a scope, newest first. */
export async function listWeeklyReports(ctx: Ctx, scopeKey: string): Promise<{ week: string; from: string; to: string; createdAt: string }[]> {
  const rows = await ctx.tdb.selectFrom('analytics_snapshots').select(['kind', 'computed_at']).where('scope', '=', scopeKey).where('kind', 'like', 'report:w%').execute();
  return rows.map((r) => {
    const week = Number(r.kind.slice('report:w'.length));
    return { week: dayDate(weekStartDay(week)), from: dayDate(weekStartDay(week)), to: dayDate(weekStartDay(week) + 6), createdAt: new Date(Number(r.computed_at)).toISOString() };
  }).sort((a, b) => (a.week < b.week ? 1 : -1));
}

export async function weeklyReport(ctx: Ctx, scopeKey: string, weekStart: string): Promise<Report | null> {
  const day = parseDay(weekStart);
  if (Number.isNaN(day)) return null;
  const r = await ctx.tdb.selectFrom('analytics_snapshots').select('data').where('scope', '=', scopeKey).where('kind', '=', `report:w${weekOf(day)}`).executeTakeFirst();
  // Reports kept before phases had a section have none.
  return r ? ({ phase: null, ...JSON.parse(r.data) } as Report) : null;
}
