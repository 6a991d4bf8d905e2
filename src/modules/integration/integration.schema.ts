// The integration wizard's contract (整合): a plan over a community's existing groups (imported or connected),
// each classified and given a decision, and the new group set the members of merged groups move into.
import { z } from 'zod';
import { groupFunction, groupKind, memberCircle, platform } from '../enums.ts';

const Id = z.string().min(1).max(64);
const Text = (max: number) => z.string().trim().max(max);

/** keep: the group stays and joins the new set; merge: its members move to the new groups; retire: it closes and its members are not moved. */
export const integrationDecisions = ['keep', 'merge', 'retire'] as const;
export type IntegrationDecision = (typeof integrationDecisions)[number];
export const moveKeys = ['city', 'interest', 'circle'] as const;
export type MoveKey = (typeof moveKeys)[number];

export const PlanGroupSchema = z
  .object({
    groupId: Id,
    kind: z.enum(groupKind.values),
    function: z.enum(groupFunction.values),
    city: Text(64).min(1).nullable(),
    interest: Text(64).min(1).nullable(),
    decision: z.enum(integrationDecisions),
  })
  .strict();
export type PlanGroup = z.infer<typeof PlanGroupSchema>;

export const PlanSettingsSchema = z
  .object({
    /** The new group set's name. */
    setName: Text(100).min(1),
    /** Members of merged groups go to one new group per city, interest or circle. */
    moveBy: z.enum(moveKeys),
    /** Names of the new groups, e.g. `{community}{key}{n}群`; {key} is the city, interest or circle label, {n}/{nn} count within it. */
    pattern: Text(100).min(1),
    /** Where members whose city (interest, circle) is unknown go: a catch-all group named with `otherLabel`, or nowhere. */
    unknown: z.enum(['other', 'none']),
    otherLabel: Text(20).min(1),
    /** The new groups' platform; the built-in community by default. */
    platform: z.enum(platform.values),
    /** Members per new group before another is opened (headroom below the platform's limit). */
    seatsPerGroup: z.number().int().min(2).max(1_000_000),
    /** A member who already has a seat in a kept group does not move. */
    skipSeated: z.boolean(),
    /** The move notice posted in each merged or retired group; {links} becomes one line per new group its members go to. */
    notice: Text(2000).min(1),
  })
  .strict();
export type PlanSettings = z.infer<typeof PlanSettingsSchema>;

export const PlanCreateSchema = z
  .object({
    communityId: Id,
    name: Text(100).min(1),
    /** The groups to integrate; every group of the community when absent. */
    groupIds: z.array(Id).min(1).max(5000).optional(),
  })
  .strict();

export const PlanUpdateSchema = z
  .object({
    name: Text(100).min(1).optional(),
    /** Changes to some groups' classification or decision (others stay as they are). */
    groups: z.array(PlanGroupSchema.partial().required({ groupId: true }).strict()).max(5000).optional(),
    settings: PlanSettingsSchema.partial().optional(),
  })
  .strict();

export const NewGroupPreviewSchema = z.object({
  key: z.string(),
  name: z.string(),
  /** Members planned to move in. */
  members: z.number(),
  /** The old groups they come from, with how many from each. */
  from: z.array(z.object({ groupId: z.string(), members: z.number() })),
  /** Set once the plan is carried out. */
  groupId: z.string().nullable(),
  invitePath: z.string().nullable(),
  /** Planned members who now sit in the new group. */
  moved: z.number(),
});
export type NewGroupPreview = z.infer<typeof NewGroupPreviewSchema>;

export const PlanStatsSchema = z.object({
  before: z.object({ groups: z.number(), seats: z.number(), people: z.number() }),
  after: z.object({ groups: z.number(), seats: z.number(), people: z.number() }),
  /** Members planned to move into the new groups. */
  moving: z.number(),
  /** People in the plan's groups who end up with no seat (their groups retired, or their key unknown with `unknown: none`). */
  leftWithoutGroup: z.number(),
  /** Up to 20 of them, for the operator to look at. */
  leftSample: z.array(z.object({ id: z.string(), displayName: z.string() })),
  /** Once carried out: planned members who now sit in their new group. */
  moved: z.number(),
});
export type PlanStats = z.infer<typeof PlanStatsSchema>;

export const PlanGroupViewSchema = PlanGroupSchema.extend({
  name: z.string(),
  platform: z.string(),
  seats: z.number(),
  /** Messages in the last 30 days: how alive the group is. */
  recentMessages: z.number(),
  /** Its latest activity: for imported history, where the last 30 days say nothing. */
  lastActivityAt: z.string().nullable(),
  /** Seats shared with the other groups of the plan. */
  sharedSeats: z.number(),
});

/** A move notice and its outbox row (`missing` if that row is gone; `failed` with the reason, e.g. a platform with no connector yet). */
export const NoticeSchema = z.object({
  groupId: z.string(), outboxId: z.string().nullable(), status: z.enum(['pending', 'sending', 'done', 'failed', 'undone', 'missing']), lastError: z.string().nullable(), text: z.string(),
});

export const PlanSchema = z.object({
  id: z.string(),
  communityId: z.string(),
  name: z.string(),
  status: z.enum(['draft', 'carried_out']),
  groups: z.array(PlanGroupViewSchema),
  settings: PlanSettingsSchema,
  newGroups: z.array(NewGroupPreviewSchema),
  stats: PlanStatsSchema,
  /** Set when the draft no longer works out as it stands (e.g. members' new cities make two groups' names clash): what to fix. */
  warning: z.string().nullable(),
  /** Once carried out: the new group set and the notices posted in the old groups. */
  groupSetId: z.string().nullable(),
  notices: z.array(NoticeSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  carriedOutAt: z.string().nullable(),
});
export type Plan = z.infer<typeof PlanSchema>;

export const PlanSummarySchema = PlanSchema.pick({ id: true, communityId: true, name: true, status: true, createdAt: true, updatedAt: true, carriedOutAt: true });

export const MoveListQuerySchema = z
  .object({
    status: z.enum(['moved', 'waiting']).optional(),
    toGroupId: Id.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export const MoveSchema = z.object({
  memberId: z.string(),
  displayName: z.string(),
  fromGroupId: z.string(),
  toGroupId: z.string(),
  movedAt: z.string().nullable(),
});

export const circleLabel = (c: string) => memberCircle.labels[c as keyof typeof memberCircle.labels]?.[0] ?? c;
