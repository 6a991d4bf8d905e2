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
    /** A member whose nickname does not fit yet is reminded this long after joining (null: never); they cannot post until it fits. */
    nicknameRemindMinutes: z.number().int().min(1).max(7 * 24 * 60).nullable().default(30),
    /** Posted after the welcome (破冰), e.g. 用一句话介绍自己：城市、做什么、想在群里找什么. */
    iceBreaker: Text(500).default(''),
    /** Points (and the 入群仪式 badge) for a member who completes the ritual: a nickname that fits. */
    rewardPoints: z.number().int().min(0).max(10_000).default(10),
  })
  .strict();
export type RitualSettings = z.infer<typeof RitualSettingsSchema>;

export const CapacitySettingsSchema = z
  .object({
    /** Fill the set's groups in order (by creation): a newcomer goes to the first with room. */
    order: z.enum(['fill']).default('fill'),
    /** A group counts as full at this share of its seats (percent). */
    thresholdPercent: z.number().int().min(1).max(100).default(100),
    /**
     * When the set's last group with room reaches this share, a new group is made from the set's newest group
     * (built-in sets: its settings, rules and announcement, named by the set's naming pattern), or the team is
     * alerted (other platforms). null: never.
     */
    growAtPercent: z.number().int().min(1).max(100).nullable().default(null),
  })
  .strict();
export type CapacitySettings = z.infer<typeof CapacitySettingsSchema>;

const HourMinute = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM, 24-hour (e.g. 22:00)');

const Zone = z.string().max(64).refine((tz) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}, 'an IANA time zone such as Asia/Shanghai');


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
    timezone: Zone.default('Asia/Shanghai'),
    /** Roles that may speak while the group is muted. */
    exemptRoles: z.array(z.enum(['creator', 'manager', 'participant', 'pioneer', 'splitter', 'partner', 'payer'])).max(7).default(['creator', 'manager']),
  })
  .strict();
export type MuteScheduleSettings = z.infer<typeof MuteScheduleSettingsSchema>;

/** What a graduated action does at each step (警告 → 禁言 → 移出 → 拉黑). */
export const moderationSteps = ['warn', 'mute', 'remove', 'blacklist'] as const;
export type ModerationStep = (typeof moderationSteps)[number];

export const ModerationSettingsSchema = z
  .object({
    /** What counts as an ad or off-topic post. */
    detect: z
      .object({
        links: z.boolean().default(true),
        phoneNumbers: z.boolean().default(true),
        wechatIds: z.boolean().default(true),
        /** A QR code in a posted image (the group's own invite posters excepted). */
        qrCodes: z.boolean().default(true),
        keywords: z.array(Text(50).min(1)).max(200).default([]),
        /** Regular expressions (JavaScript syntax, case-insensitive). */
        patterns: z
          .array(Text(200).min(1).refine((p) => {
            try {
              new RegExp(p, 'iu');
              return true;
            } catch {
              return false;
            }
          }, 'a valid regular expression'))
          .max(50)
          .default([]),
        /** The same text posted in this many groups of the workspace within a day (刷屏). */
        sameTextInGroups: z.number().int().min(2).max(100).nullable().default(3),
      })
      .strict()
      .default({ links: true, phoneNumbers: true, wechatIds: true, qrCodes: true, keywords: [], patterns: [], sameTextInGroups: 3 }),
    /** Links are fine from members who joined more than this many hours ago (0: never fine). */
    newMemberLinkHours: z.number().int().min(0).max(24 * 90).default(24),
    /** Per-member flood limit: more than `messages` in `seconds` is a violation. */
    flood: z.object({ messages: z.number().int().min(2).max(200), seconds: z.number().int().min(5).max(3600) }).strict().nullable().default({ messages: 8, seconds: 60 }),
    /** The ladder: the Nth violation within `windowDays` takes step N (the last step repeats). */
    steps: z.array(z.enum(moderationSteps)).min(1).max(6).default(['warn', 'mute', 'remove']),
    muteMinutes: z.number().int().min(1).max(60 * 24 * 30).default(60),
    windowDays: z.number().int().min(1).max(365).default(30),
    /** Never acted on: these roles (the team is never acted on anyway) and these members. */
    exemptRoles: z.array(z.enum(['creator', 'manager', 'participant', 'pioneer', 'splitter', 'partner', 'payer'])).max(7).default(['creator', 'manager']),
    allowMembers: z.array(z.string().min(1).max(64)).max(500).default([]),
    /** The warning posted in the group ({nickname}, {reason}, {count}). */
    warnTemplate: Text(500).default('@{nickname} 请注意：{reason}。这是第 {count} 次提醒，再犯将被禁言或移出本群。'),
  })
  .strict();
export type ModerationSettings = z.infer<typeof ModerationSettingsSchema>;

export const SharingSettingsSchema = z
  .object({
    title: Text(100).min(1).default('每周分享'),
    /** When: weekdays (1 = Monday … 7 = Sunday), the start time and how long it runs. */
    days: z.array(z.number().int().min(1).max(7)).min(1).max(7).default([5]),
    at: HourMinute.default('20:00'),
    durationMinutes: z.number().int().min(10).max(600).default(90),
    timezone: Zone.default('Asia/Shanghai'),
    /** Who speaks: a rotating roster of members (轮换上台), a guest (嘉宾空降), or the group's leader. */
    speakers: z
      .discriminatedUnion('mode', [
        z.object({ mode: z.literal('roster'), memberIds: z.array(z.string().min(1).max(64)).min(1).max(200) }).strict(),
        z.object({ mode: z.literal('guest'), name: Text(50).min(1) }).strict(),
        z.object({ mode: z.literal('leader') }).strict(),
      ])
      .default({ mode: 'leader' }),
    /** Reminders posted to the group this many minutes before the start. */
    remindMinutes: z.array(z.number().int().min(5).max(7 * 24 * 60)).max(5).default([1440, 60]),
    /** Lift the group's mute (its mute schedule, all-muted) while the session runs. */
    liftMute: z.boolean().default(true),
    /** A summary task (经验总结) for the speaker (or the roster's next member), due this many hours after the end; 0: none. */
    summaryDueHours: z.number().int().min(0).max(24 * 30).default(48),
  })
  .strict();
export type SharingSettings = z.infer<typeof SharingSettingsSchema>;

export const QuietSettingsSchema = z
  .object({
    /** The group's own baseline: messages per day over this many days before the last one. */
    baselineDays: z.number().int().min(7).max(90).default(28),
    /** Quiet: the last 24 hours had fewer messages than this share of the baseline. */
    belowPercent: z.number().int().min(1).max(99).default(30),
    /** Groups quieter than this on average are left alone (a new or tiny group is not "going quiet"). */
    minBaselinePerDay: z.number().min(0.5).max(10_000).default(5),
    /** Prepared topics, posted in turn; none: only the owner is alerted (a console event and the action log). */
    topics: z.array(Text(500).min(1)).max(50).default([]),
  })
  .strict();
export type QuietSettings = z.infer<typeof QuietSettingsSchema>;

export const PostSettingsSchema = z
  .object({
    /** When: each newcomer, every Nth member, or a weekly schedule. */
    trigger: z
      .discriminatedUnion('on', [
        z.object({ on: z.literal('join') }).strict(),
        z.object({ on: z.literal('milestone'), every: z.number().int().min(2).max(1_000_000) }).strict(),
        z.object({ on: z.literal('schedule'), days: z.array(z.number().int().min(1).max(7)).min(1).max(7), at: HourMinute, timezone: Zone.default('Asia/Shanghai') }).strict(),
      ])
      .default({ on: 'join' }),
    /** {nickname} {number} {group} {count} */
    text: Text(2000).min(1).default('欢迎 {nickname}！'),
  })
  .strict();
export type PostSettings = z.infer<typeof PostSettingsSchema>;

export const AdmissionSettingsSchema = z
  .object({
    /** Who may bring people in with their own invite (share poster): every member, only managers, or members with these roles. */
    who: z.enum(['members', 'managers', 'roles']).default('members'),
    roles: z.array(z.enum(['creator', 'manager', 'participant', 'pioneer', 'splitter', 'partner', 'payer'])).max(7).default([]),
    /** How many people each member may bring into the group (null: no limit). */
    perMemberLimit: z.number().int().min(1).max(10_000).nullable().default(null),
    /** Joins through a member's invite wait for an operator's approval. */
    approval: z.boolean().default(false),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.who === 'roles' && s.roles.length === 0) ctx.addIssue({ code: 'custom', path: ['roles'], message: 'name the roles that may invite' });
  });
export type AdmissionSettings = z.infer<typeof AdmissionSettingsSchema>;

export const RankingSettingsSchema = z
  .object({
    /** When the ranking runs (weekly). */
    days: z.array(z.number().int().min(1).max(7)).min(1).max(7).default([7]),
    at: HourMinute.default('21:00'),
    timezone: Zone.default('Asia/Shanghai'),
    /** The contribution score counts the last this many days. */
    windowDays: z.number().int().min(1).max(365).default(30),
    weights: z
      .object({
        messages: z.number().min(0).max(100).default(1),
        replies: z.number().min(0).max(100).default(2),
        highlights: z.number().min(0).max(100).default(5),
        sharing: z.number().min(0).max(100).default(10),
        attendance: z.number().min(0).max(100).default(3),
      })
      .strict()
      .default({ messages: 1, replies: 2, highlights: 5, sharing: 10, attendance: 3 }),
    /** Remove the bottom K of the core group, promote the top K of the member groups. */
    bottomK: z.number().int().min(0).max(1000).default(3),
    promoteK: z.number().int().min(0).max(1000).default(3),
    /** Where the promoted come from; the community's member groups (kind member) when empty. */
    fromGroupIds: z.array(z.string().min(1).max(64)).max(200).default([]),
    exemptRoles: z.array(z.enum(['creator', 'manager', 'participant', 'pioneer', 'splitter', 'partner', 'payer'])).max(7).default(['creator', 'manager']),
  })
  .strict();
export type RankingSettings = z.infer<typeof RankingSettingsSchema>;

export const SunsetSettingsSchema = z
  .object({
    /** At the end of the community's planned lifecycle (canvas lifecycle.plannedEndOn): tell the group, archive it, or move its members on. */
    action: z.enum(['announce', 'archive', 'move']).default('announce'),
    /** Where members move to (action move): a built-in group. */
    successorGroupId: z.string().min(1).max(64).nullable().default(null),
    /** Days before the end to start (0: on the day). */
    daysBefore: z.number().int().min(0).max(365).default(0),
    text: Text(1000).default('感谢大家一路相伴！本群按计划到了收官的时候。{next}'),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.action === 'move' && !s.successorGroupId) ctx.addIssue({ code: 'custom', path: ['successorGroupId'], message: 'moving members needs the successor group' });
  });
export type SunsetSettings = z.infer<typeof SunsetSettingsSchema>;

export const InactivitySettingsSchema = z
  .object({
    /** No counted activity for this many days (since the last one, or since joining) → a warning. */
    inactiveDays: z.number().int().min(1).max(365).default(30),
    /** Still inactive this many days after the warning → removed. */
    graceDays: z.number().int().min(1).max(90).default(7),
    /** What counts as taking part. */
    counts: z.array(z.enum(['message', 'reaction', 'checkin', 'attendance'])).min(1).max(4).default(['message', 'reaction', 'checkin', 'attendance']),
    exemptRoles: z.array(z.enum(['creator', 'manager', 'participant', 'pioneer', 'splitter', 'partner', 'payer'])).max(7).default(['creator', 'manager', 'payer']),
    allowMembers: z.array(z.string().min(1).max(64)).max(500).default([]),
    /** {nickname} {days} {grace} */
    warnTemplate: Text(500).default('@{nickname} 你已经 {days} 天没有参与群里的互动了。{grace} 天内还没有发言或互动，将被移出本群，把位置留给更活跃的同好。'),
  })
  .strict();
export type InactivitySettings = z.infer<typeof InactivitySettingsSchema>;

const stepLabel: Record<ModerationStep, string> = { warn: '警告', mute: '禁言', remove: '移出本群', blacklist: '拉黑（所有群）' };

const roleLabel: Record<string, string> = { creator: '创建者', manager: '管理者', participant: '参与者', pioneer: '开拓者', splitter: '分化者', partner: '合作者', payer: '付费者' };

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
        s.nicknamePattern ? `群昵称格式 ${s.nicknamePattern}${s.nicknameExample ? `（例：${s.nicknameExample}）` : ''}${s.nicknameRemindMinutes ? `，${s.nicknameRemindMinutes} 分钟未改好会被提醒，改好前不能发言` : '，改好前不能发言'}` : null,
        s.iceBreaker ? '破冰话题' : null,
        s.nicknamePattern && s.rewardPoints ? `完成仪式得 ${s.rewardPoints} 积分和「入群仪式」徽章` : null,
      ].filter(Boolean);
      return `入群仪式：${parts.join('；')}`;
    },
  },
  'joining.capacity': {
    family: 'joining',
    label: '满群轮转（活码）',
    settings: CapacitySettingsSchema,
    preview: (s: CapacitySettings): string =>
      `满群轮转：群${s.thresholdPercent < 100 ? `达到 ${s.thresholdPercent}% 席位` : '满'}后，新成员自动进入同一群组合中下一个有空位的群${s.growAtPercent ? `；最后一个群达到 ${s.growAtPercent}% 时自动按模板建新群（外部平台提醒运营）` : ''}`,
  },
  'communication.moderation': {
    family: 'communication',
    label: '广告与刷屏治理',
    settings: ModerationSettingsSchema,
    preview: (s: ModerationSettings): string => {
      const what = [
        s.detect.links ? `链接${s.newMemberLinkHours ? `（入群 ${s.newMemberLinkHours} 小时内）` : ''}` : null,
        s.detect.phoneNumbers ? '手机号' : null,
        s.detect.wechatIds ? '微信号' : null,
        s.detect.qrCodes ? '二维码图片' : null,
        s.detect.keywords.length ? `${s.detect.keywords.length} 个关键词` : null,
        s.detect.patterns.length ? `${s.detect.patterns.length} 个规则表达式` : null,
        s.detect.sameTextInGroups ? `同一内容发到 ${s.detect.sameTextInGroups} 个群` : null,
        s.flood ? `${s.flood.seconds} 秒内超过 ${s.flood.messages} 条` : null,
      ].filter(Boolean);
      const ladder = s.steps.map((x) => (x === 'mute' ? `禁言 ${s.muteMinutes} 分钟` : stepLabel[x])).join(' → ');
      const exempt = [...s.exemptRoles.map((r) => roleLabel[r]), ...(s.allowMembers.length ? ['白名单成员'] : [])];
      return `广告与刷屏：发现${what.join('、') || '（未选择）'}时，${s.windowDays} 天内依次${ladder}${exempt.length ? `；${exempt.join('、')}除外` : ''}`;
    },
  },
  'sharing.session': {
    family: 'sharing',
    label: '定期分享',
    settings: SharingSettingsSchema,
    preview: (s: SharingSettings): string => {
      const who = s.speakers.mode === 'roster' ? `${s.speakers.memberIds.length} 位成员轮流上台` : s.speakers.mode === 'guest' ? `嘉宾 ${s.speakers.name}` : '群主';
      const days = s.days.map((d) => dayNames[d]).join('、');
      return `「${s.title}」每周${days} ${s.at} 起 ${s.durationMinutes} 分钟，${who}分享${s.remindMinutes.length ? `；提前 ${s.remindMinutes.map((m) => (m % 60 === 0 ? `${m / 60} 小时` : `${m} 分钟`)).join('、')}提醒` : ''}${s.liftMute ? '；分享期间解除全员禁言' : ''}${s.summaryDueHours ? `；结束后布置经验总结（${s.summaryDueHours} 小时内）` : ''}`;
    },
  },
  'communication.quiet': {
    family: 'communication',
    label: '冷群提醒',
    settings: QuietSettingsSchema,
    preview: (s: QuietSettings): string =>
      `冷群提醒：最近 24 小时消息不到过去 ${s.baselineDays} 天日均的 ${s.belowPercent}% 时，${s.topics.length ? `发出准备好的话题（${s.topics.length} 个轮流）` : '提醒群主'}；日均不足 ${s.minBaselinePerDay} 条的群不算`,
  },
  'communication.post': {
    family: 'communication',
    label: '自动发布（SOP）',
    settings: PostSettingsSchema,
    preview: (s: PostSettings): string => {
      const when = s.trigger.on === 'join' ? '每有新人入群' : s.trigger.on === 'milestone' ? `每满 ${s.trigger.every} 人` : `每周${s.trigger.days.map((d) => dayNames[d]).join('、')} ${s.trigger.at}`;
      return `自动发布：${when}时发「${s.text.length > 30 ? `${s.text.slice(0, 30)}…` : s.text}」`;
    },
  },
  'admission.invite': {
    family: 'admission',
    label: '谁能拉人',
    settings: AdmissionSettingsSchema,
    preview: (s: AdmissionSettings): string => {
      const who = s.who === 'members' ? '所有成员' : s.who === 'managers' ? '只有群主和管理者' : `只有${s.roles.map((r) => roleLabel[r]).join('、')}`;
      return `引入：${who}可以用自己的邀请海报拉人${s.perMemberLimit ? `，每人最多 ${s.perMemberLimit} 人` : ''}${s.approval ? '；被邀请的人要经运营审核' : ''}；邀请人会被记录`;
    },
  },
  'elimination.inactivity': {
    family: 'elimination',
    label: '不活跃淘汰',
    settings: InactivitySettingsSchema,
    preview: (s: InactivitySettings): string =>
      `不活跃淘汰：${s.inactiveDays} 天没有${s.counts.map((c) => ({ message: '发言', reaction: '互动', checkin: '打卡', attendance: '参加活动' })[c]).join('、')}先提醒，提醒后 ${s.graceDays} 天仍不活跃则移出本群${s.exemptRoles.length ? `；${s.exemptRoles.map((r) => roleLabel[r]).join('、')}除外` : ''}`,
  },
  'elimination.ranking': {
    family: 'elimination',
    label: '核心群末位淘汰与晋升',
    settings: RankingSettingsSchema,
    preview: (s: RankingSettings): string =>
      `核心群末位淘汰：每周${s.days.map((d) => dayNames[d]).join('、')} ${s.at} 按近 ${s.windowDays} 天贡献分（发言×${s.weights.messages}、回复他人×${s.weights.replies}、精华×${s.weights.highlights}、主讲分享×${s.weights.sharing}、参加活动×${s.weights.attendance}）排名，移出末位 ${s.bottomK} 人，从${s.fromGroupIds.length ? ` ${s.fromGroupIds.length} 个指定群` : '学员群'}晋升前 ${s.promoteK} 名`,
  },
  'elimination.sunset': {
    family: 'elimination',
    label: '生命周期收官',
    settings: SunsetSettingsSchema,
    preview: (s: SunsetSettings): string =>
      `收官：社群计划生命周期结束${s.daysBefore ? `前 ${s.daysBefore} 天` : '时'}，${s.action === 'announce' ? '在群里发收官通知' : s.action === 'archive' ? '发收官通知并归档本群' : '发收官通知并把成员转入后继群'}`,
  },
  'communication.mute_schedule': {
    family: 'communication',
    label: '全员禁言与禁言时段',
    settings: MuteScheduleSettingsSchema,
    preview: (s: MuteScheduleSettings): string => {
      const except = s.exemptRoles.length ? `除${s.exemptRoles.map((r) => roleLabel[r]).join('、')}外，` : '';
      if (s.allMuted) return `全员禁言：${except}成员暂不能发言`;
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
