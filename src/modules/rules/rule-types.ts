// The rule types (群规), in one explicit table: each names its family, validates its settings with a zod
// schema (defaults included) and says in plain zh-CN what it does. This slice defines the joining family
// (入群); the structure-rules work adds admission 引入, communication 交流, sharing 分享 and elimination 淘汰.
import { z } from 'zod';

export const ruleFamilies = ['joining', 'admission', 'communication', 'sharing', 'elimination'] as const;
export type RuleFamily = (typeof ruleFamilies)[number];

export const entryModes = ['open', 'application', 'code', 'task', 'paid'] as const;
export type EntryMode = (typeof entryModes)[number];

const Text = (max: number) => z.string().trim().max(max);

export const EntrySettingsSchema = z
  .object({
    mode: z.enum(entryModes).default('open'),
    /** The invitation code newcomers type (mode `code`). */
    code: Text(64).min(1).optional(),
    /** What the newcomer must do (mode `task`), e.g. 转发海报到朋友圈. */
    task: Text(500).min(1).optional(),
    /** Price in fen (mode `paid`). */
    priceFen: z.number().int().min(1).max(100_000_000).optional(),
    /** The application form (mode `application`): one answer per question. */
    questions: z.array(Text(200).min(1)).max(10).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.mode === 'code' && !s.code) ctx.addIssue({ code: 'custom', path: ['code'], message: 'an invitation-code entry needs the code' });
    if (s.mode === 'task' && !s.task) ctx.addIssue({ code: 'custom', path: ['task'], message: 'a task entry needs the task text' });
    if (s.mode === 'paid' && !s.priceFen) ctx.addIssue({ code: 'custom', path: ['priceFen'], message: 'a paid entry needs the price in fen' });
  });
export type EntrySettings = z.infer<typeof EntrySettingsSchema>;

export const RitualSettingsSchema = z
  .object({
    rulesText: Text(5000).default(''),
    dataUseNotice: Text(5000).default(''),
    /** Variables: {nickname} {number} {group} {rules} {inviter}. */
    welcomeTemplate: Text(2000).default('欢迎 {nickname} 加入{group}！你的编号是 {number}。'),
    /** Named parts and separators, e.g. `{city}-{industry}-{name}`; empty: any nickname. */
    nicknamePattern: Text(200)
      .regex(/^([^{}]*\{[a-z][a-z0-9_]{0,29}\})*[^{}]*$/, 'named parts in braces, e.g. {city}-{industry}-{name}')
      .default(''),
    nicknameExample: Text(100).default(''),
    consentRequired: z.boolean().default(true),
  })
  .strict();
export type RitualSettings = z.infer<typeof RitualSettingsSchema>;

export const CapacitySettingsSchema = z
  .object({
    /** Fill the set's groups in order (by creation): a newcomer goes to the first with room. */
    order: z.enum(['fill']).default('fill'),
    /** A group counts as full at this share of its seats (percent). */
    thresholdPercent: z.number().int().min(1).max(100).default(100),
  })
  .strict();
export type CapacitySettings = z.infer<typeof CapacitySettingsSchema>;

const HourMinute = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour (e.g. 22:00)');

export const MuteScheduleSettingsSchema = z
  .object({
    /** 全员禁言: nobody but the exempt roles speaks until it is switched off. */
    allMuted: z.boolean().default(false),
    /** Weekly windows; `to` before `from` runs past midnight (22:00–08:00). Days are 1 (Monday) to 7 (Sunday). */
    windows: z
      .array(z.object({ days: z.array(z.number().int().min(1).max(7)).min(1).max(7), from: HourMinute, to: HourMinute }).strict())
      .max(20)
      .default([]),
    /** The clock the windows are read on (an IANA zone). */
    timezone: z.string().max(64).refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'an IANA time zone such as Asia/Shanghai').default('Asia/Shanghai'),
    /** Roles that may speak while the group is muted. */
    exemptRoles: z.array(z.enum(['creator', 'manager', 'participant', 'pioneer', 'splitter', 'partner', 'payer'])).max(7).default(['creator', 'manager']),
  })
  .strict();
export type MuteScheduleSettings = z.infer<typeof MuteScheduleSettingsSchema>;

const dayNames = ['', '一', '二', '三', '四', '五', '六', '日'];

const yuan = (fen: number) => (fen / 100).toFixed(2);

export const ruleTypes = {
  'joining.entry': {
    family: 'joining',
    label: '入群方式',
    settings: EntrySettingsSchema,
    preview: (s: EntrySettings): string => {
      switch (s.mode) {
        case 'open': return '开放入群：打开邀请链接即可进群';
        case 'application': return `申请入群：运营审核后才能进群${s.questions.length ? `（填写 ${s.questions.length} 个问题）` : ''}`;
        case 'code': return '邀请码入群：填写正确的邀请码才能进群';
        case 'task': return `任务入群：完成任务「${s.task ?? ''}」并经运营确认后进群`;
        case 'paid': return `付费入群：支付 ¥${yuan(s.priceFen ?? 0)} 后进群（支付接入前由运营确认）`;
      }
    },
  },
  'joining.ritual': {
    family: 'joining',
    label: '入群仪式',
    settings: RitualSettingsSchema,
    preview: (s: RitualSettings): string => {
      const parts = [
        s.consentRequired ? '阅读并同意群规与数据使用说明' : null,
        '领取成员编号和欢迎语',
        s.nicknamePattern ? `群昵称格式 ${s.nicknamePattern}${s.nicknameExample ? `（例：${s.nicknameExample}）` : ''}` : null,
      ].filter(Boolean);
      return `入群仪式：${parts.join('；')}`;
    },
  },
  'joining.capacity': {
    family: 'joining',
    label: '满群轮转（活码）',
    settings: CapacitySettingsSchema,
    preview: (s: CapacitySettings): string =>
      `满群轮转：群${s.thresholdPercent < 100 ? `达到 ${s.thresholdPercent}% 席位` : '满'}后，新成员自动进入同一群组合中下一个有空位的群`,
  },
  'communication.mute_schedule': {
    family: 'communication',
    label: '全员禁言与禁言时段',
    settings: MuteScheduleSettingsSchema,
    preview: (s: MuteScheduleSettings): string => {
      if (s.allMuted) return '全员禁言：除群主与管理者外，成员暂不能发言';
      if (!s.windows.length) return '不设禁言时段';
      const w = s.windows.map((x) => `周${x.days.map((d) => dayNames[d]).join('、')} ${x.from}–${x.to}`).join('；');
      return `禁言时段（${s.timezone}）：${w}`;
    },
  },
} as const satisfies Record<string, { family: RuleFamily; label: string; settings: z.ZodType; preview: (s: never) => string }>;

export type RuleType = keyof typeof ruleTypes;
export const ruleTypeNames = Object.keys(ruleTypes) as [RuleType, ...RuleType[]];
export type RuleSettings<T extends RuleType> = z.infer<(typeof ruleTypes)[T]['settings']>;

/** Validates settings for a type; zod issues come back as (path, reason) pairs. */
export function parseSettings<T extends RuleType>(type: T, raw: unknown): { ok: true; value: RuleSettings<T> } | { ok: false; errors: { path: string; reason: string }[] } {
  const r = (ruleTypes[type].settings as z.ZodType).safeParse(raw);
  if (r.success) return { ok: true, value: r.data as RuleSettings<T> };
  return { ok: false, errors: r.error.issues.map((i) => ({ path: i.path.map(String).join('.'), reason: i.message })) };
}

export function previewOf<T extends RuleType>(type: T, settings: RuleSettings<T>): string {
  return (ruleTypes[type].preview as (s: RuleSettings<T>) => string)(settings);
}
