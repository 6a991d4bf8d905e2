import { z } from 'zod';
import { groupKind } from '../enums.ts';

const Id = z.string().min(1).max(64);
const Person = z.object({ type: z.enum(['member', 'operator']), id: Id }).strict();

/** How the target groups are chosen: listed, and/or every group of some communities or group sets or with some tags (narrowed by kind or region). */
export const TargetingSchema = z
  .object({
    groupIds: z.array(Id).max(5000).default([]),
    communityIds: z.array(Id).max(100).default([]),
    groupSetIds: z.array(Id).max(100).default([]),
    /** Every group carrying any of these tags. */
    tags: z.array(z.string().trim().min(1).max(30)).max(50).default([]),
    kinds: z.array(z.enum(groupKind.values)).max(20).default([]),
    regions: z.array(z.string().min(1).max(50)).max(100).default([]),
  })
  .strict();

export const LiveSettingsSchema = z
  .object({
    /** Reminders posted to the target groups this many minutes before the scheduled start. */
    reminders: z.array(z.number().int().min(1).max(7 * 24 * 60)).max(5).default([30]),
    /** Start by itself at the scheduled time. */
    autoStart: z.boolean().default(true),
    /** What a member's message starts with to be a question. */
    questionPrefixes: z.array(z.string().min(1).max(10)).max(10).optional(),
    /** Post the start, pause and end notices to the target groups. */
    notices: z.boolean().default(true),
  })
  .strict();

/** Speakers: 1 to 20 for a session of its own; for a sharing relay those relayed besides each session's speaker (none is fine). */
const Speakers = z.array(Person).max(20);

export const LiveSessionCreateSchema = z
  .object({
    communityId: Id,
    title: z.string().trim().min(1).max(100),
    description: z.string().max(2000).optional(),
    coverUrl: z.url().max(500).optional(),
    /** Not with `ruleId`: a sharing relay runs at the rule's times. */
    scheduledAt: z.iso.datetime({ offset: true }).optional(),
    /**
     * Relay the rules engine's sharing sessions (分享): a `sharing.session` rule of the workspace. Each of its
     * sessions in the main group is relayed as a session of its own (an occurrence), started and ended with
     * it, its speaker the session's speaker (the roster's turn, or the group's leader).
     */
    ruleId: Id.optional().describe('Relay each session of this sharing rule (sharing.session) in the main group, as a session of its own started and ended with it'),
    /** Required, except with `ruleId` when the rule runs in one group only (then that group). */
    mainGroupId: Id.optional().describe('Where the speakers talk; with ruleId, one of the groups where the rule runs (may be left out when it runs in one)'),
    host: Person,
    speakers: Speakers.default([]),
    targets: TargetingSchema,
    settings: LiveSettingsSchema.default(LiveSettingsSchema.parse({})),
  })
  .strict();

export const LiveSessionUpdateSchema = z
  .object({
    title: z.string().trim().min(1).max(100),
    description: z.string().max(2000).nullable(),
    coverUrl: z.url().max(500).nullable(),
    scheduledAt: z.iso.datetime({ offset: true }).nullable(),
    /** Link a session that has not started to a sharing rule (its main group must be one of the rule's groups), or unlink it (null). */
    ruleId: Id.nullable().describe('Link a session that has not started to a sharing rule, or unlink it (null)'),
    host: Person,
    speakers: Speakers,
    targets: TargetingSchema,
    settings: LiveSettingsSchema,
    /** The replay's summary, written by the host after the session. */
    summary: z.string().max(5000).nullable(),
  })
  .partial()
  .strict();

export const liveStatuses = ['scheduled', 'live', 'paused', 'ended'] as const;

export const LiveSessionSchema = z.object({
  id: z.string(),
  communityId: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  coverUrl: z.string().nullable(),
  scheduledAt: z.string().nullable(),
  mainGroupId: z.string(),
  /** The sharing rule relayed: on the linked session (a series, which never runs itself) and on each occurrence. */
  ruleId: z.string().nullable().describe('The sharing rule relayed (on the series and on each occurrence)'),
  /** On an occurrence: the series it was cloned from (null for the series itself and for a session of its own). */
  seriesId: z.string().nullable().describe('On an occurrence: the series it was cloned from'),
  host: z.object({ type: z.enum(['member', 'operator']), id: z.string(), name: z.string() }),
  speakers: z.array(z.object({ type: z.enum(['member', 'operator']), id: z.string(), name: z.string() })),
  targeting: TargetingSchema,
  settings: LiveSettingsSchema,
  status: z.enum(liveStatuses),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  summary: z.string().nullable(),
  targetCount: z.number(),
  messageCount: z.number(),
  rebroadcasts: z.number(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type LiveSession = z.infer<typeof LiveSessionSchema>;

export const DeliveryGroupSchema = z.object({
  groupId: z.string(),
  name: z.string(),
  platform: z.string(),
  /** How it got in: chosen by the operator, or a group owner's approved application. */
  origin: z.enum(['plan', 'recruit']),
  delivered: z.number(),
  queued: z.number(),
  retrying: z.number(),
  failed: z.number(),
  /** Sends whose outcome was unknown and were sent again (the group may have seen them twice). */
  ambiguous: z.number(),
  state: z.enum(['delivered', 'queued', 'retrying', 'failed', 'idle']),
  lastError: z.string().nullable(),
  /** How long the oldest message it has not received yet has waited (ms); 0 when it has them all. */
  lagMs: z.number(),
});

export const DeliverySchema = z.object({
  sessionId: z.string(),
  messages: z.number(),
  totals: z.object({ delivered: z.number(), queued: z.number(), retrying: z.number(), failed: z.number(), ambiguous: z.number() }),
  /** The slowest group's lag (ms). */
  slowestLagMs: z.number(),
  groups: z.array(DeliveryGroupSchema),
});

export const LiveMessageSchema = z.object({
  id: z.string(),
  seq: z.number(),
  kind: z.enum(['speech', 'answer', 'notice']),
  speaker: z.string(),
  text: z.string(),
  /** The text as said, when the archive corrected it. */
  originalText: z.string().nullable(),
  image: z.object({ url: z.string(), width: z.number(), height: z.number() }).nullable(),
  /** A relayed voice, file, video or audio. */
  file: z.object({ url: z.string(), name: z.string(), mime: z.string(), bytes: z.number(), kind: z.enum(['file', 'voice', 'video', 'audio']) }).nullable(),
  replyToSeq: z.number().nullable(),
  question: z.object({ asker: z.string(), group: z.string(), text: z.string() }).nullable(),
  hidden: z.boolean(),
  at: z.string(),
});

export const ArchiveEditSchema = z
  .object({
    summary: z.string().max(5000).nullable().optional(),
    messages: z.array(z.object({ seq: z.number().int().min(1), hidden: z.boolean().optional(), text: z.string().max(4000).nullable().optional() }).strict()).max(2000).default([]),
  })
  .strict();

export const QuestionSchema = z.object({
  id: z.string(),
  groupId: z.string(),
  groupName: z.string(),
  memberId: z.string().nullable(),
  asker: z.string(),
  text: z.string(),
  status: z.enum(['open', 'answered', 'dismissed']),
  /** The same question asked in other groups (or again), grouped under the first. */
  repeats: z.array(z.object({ id: z.string(), groupName: z.string(), asker: z.string(), text: z.string() })),
  answer: z.string().nullable(),
  answeredAt: z.string().nullable(),
  askedAt: z.string(),
});

export const AnswerSchema = z.object({ answer: z.string().trim().min(1).max(4000), by: z.string().trim().min(1).max(20).default('主讲') }).strict();

export const ApplicationCreateSchema = z
  .object({
    platform: z.enum(['telegram', 'wechat', 'wecom', 'qq', 'builtin', 'other']),
    groupName: z.string().trim().min(1).max(100),
    /** The group's id or link on its platform (a Telegram chat id, @username or t.me link). */
    groupRef: z.string().trim().max(200).optional(),
    applicant: z.string().trim().min(1).max(50),
    contact: z.string().trim().min(3).max(100),
    members: z.number().int().min(1).max(200_000).optional(),
    note: z.string().max(1000).optional(),
  })
  .strict();

/** Which group approving a pending application adds (found by its id, public username or name), or why none. */
export const ApplicationMatchSchema = z.object({
  groupId: z.string().nullable(),
  groupName: z.string().nullable(),
  by: z.enum(['id', 'username', 'name']).nullable(),
  /** Why no group: a private invite link names none; no known group has the username; nothing matched. */
  problem: z.enum(['private_link', 'unknown_username', 'not_found']).nullable(),
  reason: z.string().nullable(),
});

export const ApplicationSchema = z.object({
  id: z.string(),
  sessionId: z.string(),
  platform: z.string(),
  groupName: z.string(),
  groupRef: z.string().nullable(),
  applicant: z.string(),
  contact: z.string(),
  members: z.number().nullable(),
  note: z.string().nullable(),
  status: z.enum(['pending', 'approved', 'rejected']),
  groupId: z.string().nullable(),
  reason: z.string().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  /** On a pending application in the console: the group approving it would add, or why none (null otherwise). */
  match: ApplicationMatchSchema.nullable(),
});

export const ApplicationDecisionSchema = z
  .object({
    decision: z.enum(['approve', 'reject']),
    /** The group to add (found from the application's group id when it names one Shequn knows). */
    groupId: Id.optional(),
    reason: z.string().max(500).optional(),
  })
  .strict();

export const StatsSchema = z.object({
  groupsTargeted: z.number(),
  groupsReached: z.number(),
  membersReached: z.number(),
  messagesRelayed: z.number(),
  questionsAsked: z.number(),
  questionsAnswered: z.number(),
  /** Members' messages in the target groups during the session and in as long a time after it. */
  perGroup: z.array(z.object({ groupId: z.string(), name: z.string(), during: z.number(), after: z.number() })),
  ambiguous: z.number(),
});

/** What the public recruitment page shows of a session. */
export const PublicSessionSchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  coverUrl: z.string().nullable(),
  scheduledAt: z.string().nullable(),
  status: z.enum(liveStatuses),
  community: z.string(),
  /** The bots a Telegram group owner adds to their group. */
  telegramBots: z.array(z.string()),
});

/** A replay in the member web app. */
export const ReplaySchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string().nullable(),
  coverUrl: z.string().nullable(),
  summary: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  speakers: z.array(z.string()),
  messages: z.array(LiveMessageSchema.omit({ hidden: true, originalText: true })),
});
export const ReplaySummarySchema = ReplaySchema.omit({ messages: true }).extend({ messageCount: z.number(), community: z.string() });
