import { z } from 'zod';
import { memberCircle } from '../enums.ts';
import { MAX_INVITEES } from './structure.ts';

const Id = z.string().min(1).max(64);
const Day = z.string().max(10).describe('a local day, YYYY-MM-DD, in the analytics time zone');

export const DashboardQuerySchema = z
  .object({
    from: Day.optional().describe('first day (default: 29 days before `to`)'),
    to: Day.optional().describe('last day (default: today)'),
    communityId: Id.optional(),
    groupId: Id.optional(),
  })
  .strict();

export const RetentionQuerySchema = DashboardQuerySchema.extend({ period: z.enum(['week', 'month']).default('week') }).strict();

const ScopeOut = z.object({ kind: z.enum(['workspace', 'community', 'group']), id: z.string().nullable(), name: z.string().nullable() });
const RangeOut = z.object({ from: z.string(), to: z.string(), timezone: z.string() });
const RfmSegment = z.enum(['champions', 'loyal_lapsing', 'big_new', 'big_lapsing', 'regular_recent', 'regular_lapsing', 'small_new', 'small_lapsed']);

export const OverviewSchema = z.object({
  scope: ScopeOut,
  range: RangeOut,
  scale: z.object({
    /** Real people (a member in two groups counts once) against seats (one per membership). */
    people: z.number(), seats: z.number(), duplicateSeats: z.number(), memberFloor: z.number().nullable(),
    joins: z.number(), leaves: z.number(), netGrowth: z.number(),
  }),
  activity: z.object({
    messages: z.number(), activities: z.number(), weeklyActive: z.number(), monthlyActive: z.number(),
    activeMemberRate: z.number(), activeMemberRateTarget: z.number().nullable(), messagesPerActiveMember: z.number(),
    /**
     * The share of the members' messages in the range written by its most active tenth of speakers (at least one).
     * Null when the range holds more than 50,000 messages: it is counted from the messages themselves.
     */
    concentration: z.object({ speakers: z.number(), topSpeakers: z.number(), topShare: z.number() }).nullable(),
  }),
  revenue: z.object({ purchases: z.number(), amountCents: z.number(), perMemberCents: z.number() }),
  /** `period` is the key GET /api/v1/analytics/members drills into. */
  days: z.array(z.object({ date: z.string(), period: z.string(), messages: z.number(), joins: z.number(), leaves: z.number(), purchases: z.number(), active: z.number().nullable() })),
  weeks: z.array(z.object({ week: z.string(), period: z.string(), active: z.number() })),
  months: z.array(z.object({ month: z.string(), period: z.string(), active: z.number() })),
  /** Messages by weekday (0 = Monday) and hour. */
  heatmap: z.array(z.array(z.number())),
});

export const FunnelSchema = z.object({
  scope: ScopeOut,
  range: RangeOut,
  stages: z.array(z.object({
    stage: z.enum(['join', 'active', 'consultation', 'purchase']),
    reachedInRange: z.number(), fromJoinCohort: z.number(), conversionFromJoin: z.number(), meanDaysFromJoin: z.number().nullable(),
  })),
});

export const RetentionSchema = z.object({
  scope: ScopeOut,
  range: RangeOut,
  period: z.enum(['week', 'month']),
  cohorts: z.array(z.object({ cohort: z.string(), members: z.number(), active: z.array(z.number()) })),
});

export const GroupHealthSchema = z.object({
  range: RangeOut,
  items: z.array(z.object({
    groupId: z.string(), name: z.string(), communityId: z.string(), platform: z.string(), status: z.string(), seats: z.number(), capacity: z.number(), ageDays: z.number(),
    messages: z.number(), joins: z.number(), leaves: z.number(), revenueCents: z.number(),
    owner: z.object({ type: z.enum(['operator', 'member']), id: z.string() }).nullable(), secretary: z.object({ type: z.enum(['operator', 'member']), id: z.string() }).nullable(),
    weeklyActive: z.number(), activeRate: z.number(), trend: z.number().nullable(),
    quiet: z.boolean(), pastPrime: z.boolean(), score: z.number(),
    reasons: z.array(z.object({ code: z.enum(['low_active_rate', 'little_talk', 'going_quiet', 'shrinking', 'past_prime', 'near_capacity']), value: z.number() })),
  })),
});

export const ValueSchema = z.object({
  scope: ScopeOut,
  range: RangeOut,
  revenueCents: z.number(), orders: z.number(), revenuePerMemberCents: z.number(), revenuePerMemberTargetCents: z.number().nullable(),
  newBuyers: z.number(), consultations: z.number(), consultingMembers: z.number(), consultingMembersWhoOrdered: z.number(),
  /** The scope's buyers now (whatever the range), the share who bought twice or more, and the mean days between their purchases. */
  buyers: z.number(), repurchaseRate: z.number(), meanDaysBetweenPurchases: z.number().nullable(), meanSpendCents: z.number(),
  /** Of the buyers now: recent = bought in the last 90 days; frequent = twice or more; big = spent above the mean. */
  rfm: z.array(z.object({ segment: RfmSegment, members: z.number() })),
});

const Bucket = z.object({ value: z.string(), members: z.number() });
/** A slice of the members compared: fit, the share active in the last 30 days, who consulted, who bought, bought again, and revenue. */
const Segment = z.object({
  key: z.string(), people: z.number(), fitScore: z.number().nullable(), activeRate: z.number(), consultedRate: z.number(),
  buyerRate: z.number(), repurchaseRate: z.number(), revenueCents: z.number(), revenuePerMemberCents: z.number(),
});
export const StructureQuerySchema = z.object({ communityId: Id.optional(), groupId: Id.optional(), refresh: z.stringbool().default(false) }).strict();
export const StructureSchema = z.object({
  scope: ScopeOut,
  /** When the figures were computed (they are kept for an hour; refresh=true recomputes). */
  computedAt: z.string(),
  people: z.number(),
  target: z.object({
    genders: z.array(z.string()), ageMin: z.number().nullable(), ageMax: z.number().nullable(), cities: z.array(z.string()), interests: z.array(z.string()), occupations: z.array(z.string()),
  }).nullable(),
  /** 0–100: the mean share of members matching the target on each targeted dimension (unknown values left out); null without a target. */
  fitScore: z.number().nullable(),
  /** Targeted dimensions, the furthest from the target first, with the deviation in words (zh-CN). */
  deviations: z.array(z.object({
    dimension: z.enum(['gender', 'age', 'city', 'interest', 'occupation']), target: z.string(), matchShare: z.number(), known: z.number(),
    top: z.object({ value: z.string(), share: z.number() }).nullable(), words: z.string(),
  })),
  distributions: z.object({
    gender: z.array(Bucket), age: z.array(Bucket), city: z.array(Bucket), interest: z.array(Bucket), occupation: z.array(Bucket),
    circle: z.array(Bucket), sourceChannel: z.array(Bucket), platform: z.array(Bucket),
  }),
  byPlatform: z.array(Segment),
  bySourceChannel: z.array(Segment),
  /** Circles (圈层: leader, kin, media, public, business; '' for none). */
  byCircle: z.array(Segment),
  byCity: z.array(Segment),
});
export const MeetupQuerySchema = z.object({
  communityId: Id.optional(), groupId: Id.optional(), city: z.string().min(1).max(100).optional(), limit: z.coerce.number().int().min(1).max(MAX_INVITEES).default(50),
}).strict();
export const MeetupSchema = z.object({
  scope: ScopeOut,
  computedAt: z.string(),
  /** Cities by the members active there in the last 30 days. */
  cities: z.array(z.object({ city: z.string(), people: z.number(), active: z.number(), activeRate: z.number(), buyerRate: z.number() })),
  city: z.string().nullable(),
  /** The members of that city most recently active, to invite (30–50 for a meetup). */
  invitees: z.array(z.object({ id: z.string(), displayName: z.string(), circle: z.string().nullable(), stage: z.string(), lastActiveAt: z.string(), activities: z.number() })),
});

export const TeamSchema = z.object({
  range: RangeOut,
  items: z.array(z.object({
    keeper: z.object({ type: z.enum(['operator', 'member']), id: z.string(), name: z.string() }), roles: z.array(z.enum(['owner', 'secretary'])),
    groups: z.number(), groupIds: z.array(z.string()), seats: z.number(), messages: z.number(), netGrowth: z.number(), weeklyActive: z.number(), activeRate: z.number(),
    revenueCents: z.number(), meanScore: z.number(), quietGroups: z.number(),
  })),
});

export const DrillQuerySchema = DashboardQuerySchema.extend({
  /** The actives of a period, as the charts name it: d000000 (day, workspace only), w00000 (week), m000000 (month). */
  period: z.string().max(10).optional(),
  /** The members who reached a funnel stage in the range. */
  milestone: z.enum(['join', 'active', 'consultation', 'purchase']).optional(),
  segment: RfmSegment.optional(),
  /** The members of the scope with no activity in the last 30 days. */
  silent: z.stringbool().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(64).optional(),
}).strict();
export const DrillSchema = z.object({
  items: z.array(z.object({
    id: z.string(), displayName: z.string(), city: z.string().nullable(), circle: z.string().nullable(), stage: z.string(),
    activities: z.number().nullable(), messages: z.number().nullable(), at: z.string().nullable(), spentCents: z.number().nullable(),
  })),
  nextCursor: z.string().nullable(),
});

export const ReportQuerySchema = DashboardQuerySchema.extend({
  phaseId: Id.optional().describe("a phase's report: its community and dates (up to today while it runs); not with from, to, communityId or groupId"),
}).strict().superRefine((q, ctx) => {
  if (!q.phaseId) return;
  for (const f of ['from', 'to', 'communityId', 'groupId'] as const) {
    if (q[f] !== undefined) ctx.addIssue({ code: 'custom', path: [f], message: "a phase's report takes its dates and community from the phase" });
  }
});

const PhaseMeasure = z.object({ key: z.enum(['fans', 'consultations', 'salesCents', 'clickRate']), target: z.number().nullable(), actual: z.number().nullable(), ratio: z.number().nullable() });

export const ReportSchema = z.object({
  /** A phase's report: its targets beside the outcome, and what its budget bought. */
  phase: z.object({
    id: z.string(), name: z.string(), purpose: z.string(), startsOn: z.string(), endsOn: z.string(),
    /** The last day counted: today while the phase runs. */
    through: z.string(),
    budgetCents: z.number().nullable(),
    /** fans: people whose first join in the community fell in the phase; consultations: first consultations; salesCents: revenue. */
    measures: z.array(PhaseMeasure),
    costPerFanCents: z.number().nullable(),
    /** Sales per unit of budget (1.5: ¥1.5 of sales per ¥1). */
    salesPerBudget: z.number().nullable(),
  }).nullable(),
  scope: ScopeOut,
  range: RangeOut,
  previous: z.object({ from: z.string(), to: z.string() }),
  /** What the figures say, in Chinese, a sentence per line. */
  summary: z.array(z.string()),
  overview: OverviewSchema,
  previousOverview: OverviewSchema.pick({ scale: true, activity: true, revenue: true }),
  funnel: FunnelSchema.shape.stages,
  value: ValueSchema,
  groups: z.object({ count: z.number(), best: GroupHealthSchema.shape.items, worst: GroupHealthSchema.shape.items, quiet: GroupHealthSchema.shape.items }),
  team: TeamSchema.shape.items,
});
export const WeeklyReportListSchema = z.object({ items: z.array(z.object({ week: z.string(), from: z.string(), to: z.string(), createdAt: z.string() })) });

export const VoiceSchema = z.object({
  scope: ScopeOut,
  range: RangeOut,
  messages: z.number(), positiveShare: z.number(), negativeShare: z.number(),
  /** Replies between members: a member's message quoting another member's; and their share of the messages. */
  replies: z.number(), replyShare: z.number(),
  days: z.array(z.object({ date: z.string(), messages: z.number(), positive: z.number(), negative: z.number(), replies: z.number() })),
  /** The most mentioned keywords in the range, with their mentions in the period before. */
  topics: z.array(z.object({ term: z.string(), mentions: z.number(), before: z.number() })),
  rising: z.array(z.object({ term: z.string(), mentions: z.number(), before: z.number(), growth: z.number() })),
  /** Days with at least 5 negative messages and 3× the usual of the 14 days before, with (up to 20 of) the messages. */
  spikes: z.array(z.object({
    date: z.string(), negative: z.number(), usual: z.number(),
    messages: z.array(z.object({ id: z.string(), groupId: z.string().nullable(), memberId: z.string().nullable(), occurredAt: z.string(), text: z.string() })),
  })),
});

export const ReferralsSchema = z.object({
  scope: ScopeOut,
  range: RangeOut,
  joined: z.number(), referred: z.number(), referralShare: z.number(),
  /** Members the scope had when the range began; the viral coefficient is referred joins per one of them. */
  base: z.number(), viralCoefficient: z.number().nullable(),
  topReferrers: z.array(z.object({ memberId: z.string(), displayName: z.string(), referred: z.number(), secondLevel: z.number() })),
  /** Referred joiners by the length of their referral chain (1: brought by someone who came on their own). */
  depths: z.array(z.object({ depth: z.number(), members: z.number() })),
});

export const OutputSchema = z.object({
  scope: ScopeOut,
  range: RangeOut,
  /** Events first attended in the range (an attendance's eventId or event name), and their attendances. */
  events: z.number(), attendances: z.number(),
  /** Of those, the ones attended from two groups or more. */
  communityWideEvents: z.number(),
  /** The distinct firms and people (by name) recorded as supporting those community-wide events, the money they gave, and the method's floor (200 a year). */
  communityWideSupporters: z.object({ firms: z.number(), people: z.number(), total: z.number(), moneyCents: z.number(), target: z.number() }),
  groups: z.number(), eventsPerGroupPerYear: z.number(), eventsPerGroupPerYearTarget: z.number().nullable(),
  content: z.object({ OGC: z.number(), PGC: z.number(), UGC: z.number(), ugcShare: z.number() }),
  /** Live relays ended in the range; sharing sessions are the occurrences of a series; the target groups they reached. */
  liveSessions: z.number(), sharingSessions: z.number(), groupsReached: z.number(),
});

const PerYuan = z.number().nullable().describe('sales per yuan spent (null with no cost, or when the outcome was not followed)');
export const RoiSchema = z.object({
  scope: ScopeOut,
  range: RangeOut,
  /** Purchases count for a campaign or an event when made within this many days of the click or the event. */
  attributionDays: z.number(),
  /** Costs spent in the range, by what they were for. */
  spentInRange: z.object({ campaignCents: z.number(), eventCents: z.number(), phaseCents: z.number(), groupCents: z.number(), otherCents: z.number(), totalCents: z.number() }),
  /**
   * Campaigns (the short links' campaign, and any with costs in the range): clicks in the range, the members who
   * clicked, and their purchases after their first click. clickers, buyers and revenue are null above 200,000 clicks.
   */
  campaigns: z.array(z.object({
    campaign: z.string(), links: z.number(), clicks: z.number(), clickers: z.number().nullable(), costCents: z.number(), costPerClickCents: z.number().nullable(),
    buyers: z.number().nullable(), revenueCents: z.number().nullable(), salesPerYuan: PerYuan,
  })),
  /** Events first held in the range, their costs (whenever paid), attendees and the attendees' purchases after the event. */
  events: z.array(z.object({
    eventKey: z.string(), name: z.string().nullable().describe("an attendance's payload.event, when the key is its eventId"), heldOn: z.string(), attendances: z.number(), attendees: z.number().nullable(), costCents: z.number(), costPerAttendeeCents: z.number().nullable(),
    buyers: z.number().nullable(), revenueCents: z.number().nullable(), salesPerYuan: PerYuan,
  })),
  /** Phases overlapping the range: their budget beside what was spent on them (whenever). */
  phases: z.array(z.object({
    phaseId: z.string(), name: z.string(), communityId: z.string(), startsOn: z.string(), endsOn: z.string(), budgetCents: z.number().nullable(), costCents: z.number(), budgetUsed: z.number().nullable(),
  })),
  /** Groups by age (the group lifecycle): their measures in the range, revenue and the costs spent on them in the range. */
  lifecycle: z.array(z.object({
    band: z.enum(['under_6_months', '6_to_12_months', '1_to_2_years', 'over_2_years']), groups: z.number(), seats: z.number(), messages: z.number(), messagesPerSeat: z.number(),
    meanScore: z.number().nullable(), revenueCents: z.number(), costCents: z.number(), salesPerYuan: PerYuan,
  })),
});

export const ReplicationSchema = z.object({
  scope: ScopeOut,
  range: RangeOut,
  /** All three in place: a core group, self-organisation and a sub-culture. */
  ready: z.boolean(),
  /** What is missing, in Chinese, a sentence each. */
  reasons: z.array(z.string()),
  coreGroup: z.object({
    ready: z.boolean(), minSeats: z.number(),
    groups: z.array(z.object({ groupId: z.string(), name: z.string(), seats: z.number(), weeklyActive: z.number(), activeRate: z.number(), quiet: z.boolean() })),
  }),
  /** Messages in the range, those of the group keepers and of no member (assistant, relays), and the members' own share. */
  selfOrganisation: z.object({ ready: z.boolean(), messages: z.number(), staffMessages: z.number(), memberShare: z.number(), threshold: z.number() }),
  /** Terms used in at least `recurringWeeks` of the last `weeks` weeks (since `since`). */
  subculture: z.object({
    ready: z.boolean(), weeks: z.number(), recurringWeeks: z.number(), minTerms: z.number(), since: z.string(),
    terms: z.array(z.object({ term: z.string(), weeks: z.number(), mentions: z.number() })),
  }),
  /** The family of communities (parent → spin-offs), breadth first from the first ancestor the actor sees, with their figures over the range. */
  lineage: z.array(z.object({
    id: z.string(), name: z.string(), parentId: z.string().nullable(), depth: z.number(), createdAt: z.string(),
    people: z.number(), seats: z.number(), monthlyActive: z.number(), activeMemberRate: z.number(), revenueCents: z.number(), joins: z.number(),
  })),
});

const CircleKey = z.enum(memberCircle.values);
/** A circle's four tasks, in order: 文化认同, 产品鉴评, 圈层认知, 消费引领. */
export const CIRCLE_TASKS = ['identity', 'review', 'awareness', 'lead'] as const;
const CircleTaskKey = z.enum(CIRCLE_TASKS);
export const CircleTaskInputSchema = z.object({ circle: CircleKey, task: CircleTaskKey, done: z.boolean(), note: z.string().trim().max(500).optional() }).strict();
export const CircleRolloutSchema = z.object({
  communityId: z.string(), name: z.string(),
  /** When the circles' figures were computed (the structure's snapshot, kept for an hour). */
  computedAt: z.string(),
  /** The circle being worked on: the first with a task not done; null once all five are reached. */
  current: CircleKey.nullable(),
  /** Members with no circle set. */
  unassigned: z.number(),
  circles: z.array(z.object({
    circle: CircleKey,
    figures: z.object({ people: z.number(), activeRate: z.number(), consultedRate: z.number(), buyerRate: z.number(), revenueCents: z.number() }),
    /** identity 文化认同, review 产品鉴评, awareness 圈层认知, lead 消费引领. */
    tasks: z.array(z.object({ task: CircleTaskKey, done: z.boolean(), doneAt: z.string().nullable(), doneBy: z.string().nullable(), note: z.string() })),
    done: z.boolean(),
  })),
});
