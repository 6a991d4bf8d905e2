// The plan's measures and the shipped template (计划书): a three-year plan from 220 scattered groups to 500
// groups of 400, with its money, team, quarterly milestones and risks, figures as given by the method.
// Money is in fen (分) like everywhere else; a rate is a fraction.

/**
 * How a measure adds up over time: a level at a moment (groups), an amount per period (turnover), a rate
 * (averaged), or a year-to-date figure (spend per member: the year's turnover so far per effective fan).
 */
export type MetricKind = 'stock' | 'flow' | 'rate' | 'ytd';
/** Whether more is better (groups, turnover) or a budget not to exceed (payroll). */
export type Direction = 'up' | 'budget';

export interface MetricDef {
  key: string;
  zh: string;
  en: string;
  kind: MetricKind;
  direction: Direction;
  money: boolean;
  /** Where the actual comes from: the data (computed each month) or the operators (entered or imported). */
  actual: 'computed' | 'entered';
}

export const METRICS = [
  { key: 'groups', zh: '群数', en: 'Groups', kind: 'stock', direction: 'up', money: false, actual: 'computed' },
  { key: 'membersPerGroup', zh: '每群人数', en: 'Members per group', kind: 'stock', direction: 'up', money: false, actual: 'computed' },
  { key: 'seats', zh: '席位', en: 'Seats', kind: 'stock', direction: 'up', money: false, actual: 'computed' },
  { key: 'effectiveFans', zh: '有效粉丝', en: 'Effective fans', kind: 'stock', direction: 'up', money: false, actual: 'computed' },
  { key: 'events', zh: '活动场次', en: 'Events', kind: 'flow', direction: 'up', money: false, actual: 'entered' },
  { key: 'spendPerMemberCents', zh: '人均消费', en: 'Spend per member', kind: 'ytd', direction: 'up', money: true, actual: 'computed' },
  { key: 'turnoverCents', zh: '营业额', en: 'Turnover', kind: 'flow', direction: 'up', money: true, actual: 'computed' },
  { key: 'marginRate', zh: '毛利率', en: 'Gross margin rate', kind: 'rate', direction: 'up', money: false, actual: 'entered' },
  { key: 'grossMarginCents', zh: '毛利', en: 'Gross margin', kind: 'flow', direction: 'up', money: true, actual: 'entered' },
  { key: 'staff', zh: '员工人数', en: 'Staff', kind: 'stock', direction: 'budget', money: false, actual: 'entered' },
  { key: 'payrollCents', zh: '人员工资', en: 'Payroll', kind: 'flow', direction: 'budget', money: true, actual: 'entered' },
  { key: 'runningCostsCents', zh: '运营费用', en: 'Running costs', kind: 'flow', direction: 'budget', money: true, actual: 'entered' },
  { key: 'shareCapitalCents', zh: '募集股本', en: 'Share capital raised', kind: 'flow', direction: 'up', money: true, actual: 'entered' },
  { key: 'sponsorshipCents', zh: '群主与秘书赞助', en: 'Sponsorship to owners and secretaries', kind: 'flow', direction: 'budget', money: true, actual: 'entered' },
  { key: 'surplusCents', zh: '盈余', en: 'Surplus', kind: 'flow', direction: 'up', money: true, actual: 'computed' },
  { key: 'returnToShareholdersCents', zh: '股东回报', en: 'Return to shareholders', kind: 'flow', direction: 'up', money: true, actual: 'entered' },
] as const satisfies readonly MetricDef[];

export type MetricKey = (typeof METRICS)[number]['key'];
export const METRIC_KEYS = METRICS.map((m) => m.key) as [MetricKey, ...MetricKey[]];
export const metricDef = (key: string): MetricDef | undefined => METRICS.find((m) => m.key === key);
export const ENTERED_KEYS = METRICS.filter((m) => m.actual === 'entered').map((m) => m.key);

export interface PlanYear {
  /** Year-end levels, yearly amounts and rates; a missing figure is no target. */
  targets: Partial<Record<MetricKey, number>>;
  notes: string;
}

export interface PlanContent {
  /** Where the plan starts from (stock measures before its first month). */
  baseline: Partial<Record<MetricKey, number>>;
  years: PlanYear[];
  /** Quarterly milestones (Q1 … Q4 of each year), as tasks. */
  milestones: { year: number; quarter: number; title: string; tasks: string[] }[];
  risks: { title: string; mitigation: string }[];
}

const Y = 1_000_000_00; // ¥1,000,000 in fen

/** The method's three-year plan, figures as given. */
export const THREE_YEAR_PLAN: PlanContent = {
  baseline: { groups: 220 },
  years: [
    {
      targets: {
        groups: 300, membersPerGroup: 300, seats: 90_000, effectiveFans: 30_000, events: 300 * 6, spendPerMemberCents: 200_00,
        turnoverCents: 5 * Y, marginRate: 0.2, grossMarginCents: 1 * Y, staff: 10, payrollCents: 0.6 * Y, runningCostsCents: 0.4 * Y,
        shareCapitalCents: 2 * Y, sponsorshipCents: 0.2 * Y, surplusCents: 0, returnToShareholdersCents: 0,
      },
      notes: '第一年：整合分散的 220 个群，建到 300 个群、每群 300 人，有效粉丝不少于 3 万；营业额 500 万以上，毛利 20%（100 万），收支平衡。',
    },
    {
      targets: {
        groups: 500, membersPerGroup: 400, seats: 200_000, effectiveFans: 60_000, events: 500 * 6, spendPerMemberCents: 500_00,
        turnoverCents: 30 * Y, marginRate: 0.15, grossMarginCents: 4.5 * Y, staff: 20, payrollCents: 1.2 * Y, runningCostsCents: 0.8 * Y,
        sponsorshipCents: 0.5 * Y, surplusCents: 2 * Y, returnToShareholdersCents: 1 * Y,
      },
      notes: '第二年：500 个群、每群 400 人，有效粉丝约 6 万；营业额 3000 万以上，毛利 15%（450 万），盈余 200 万以上（100% 回报，一半分红）。',
    },
    {
      targets: {
        groups: 500, membersPerGroup: 400, seats: 200_000, effectiveFans: 100_000, events: 500 * 6, spendPerMemberCents: 600_00,
        turnoverCents: 60 * Y, marginRate: 0.15, grossMarginCents: 9 * Y, staff: 30, payrollCents: 1.8 * Y, runningCostsCents: 1.2 * Y,
        sponsorshipCents: 1 * Y, surplusCents: 6 * Y, returnToShareholdersCents: 6 * Y,
      },
      notes: '第三年：500 个群以上、每群 400 人，有效粉丝不少于 10 万；营业额 6000 万以上，毛利 15%（900 万），盈余 600 万以上（每 1 元股本分 3 元：收回本金并得 200% 回报）。',
    },
  ],
  milestones: [1, 2, 3].flatMap((year) => [
    { year, quarter: 1, title: '整合与股份', tasks: ['整合现有群与群主', '确定股份与分红规则', '募集股本', '建立社群画布与目标'] },
    { year, quarter: 2, title: '团队与首批群', tasks: ['组建运营团队', '招募群主与秘书', '建成首批标准群', '上线入群仪式与群规'] },
    { year, quarter: 3, title: '运营', tasks: ['每群每月活动', '分享与直播', '内容输出', '商品与服务上线'] },
    { year, quarter: 4, title: '成果', tasks: ['年度评估', '群 PK 与表彰', '分红与赞助结算', '下一年计划'] },
  ]),
  risks: [
    { title: '股本募集', mitigation: '分期募集；以第一年的收支平衡和可见成果争取后续股东' },
    { title: '运营团队', mitigation: '群主与秘书的赞助和考核；核心团队持股' },
    { title: '产品毛利与销售', mitigation: '选毛利达标的产品；按月看营业额与毛利，落后时调整品类' },
    { title: '成员的真实参与', mitigation: '看有效粉丝而不是席位；活跃率、留存和群健康分每周复盘' },
  ],
};

export const PLAN_TEMPLATES = [
  { key: 'three-year', name: '三年计划书 Three-year plan', description: '从 220 个分散的群到 500 个 400 人的群：规模、收入、团队、股本与回报，季度里程碑和四项风险', content: THREE_YEAR_PLAN },
] as const;
