import { z } from 'zod';
import { entryModes } from '../rules/index.ts';

const Id = z.string().min(1).max(64);
const Text = (max: number) => z.string().trim().max(max);

export const inviteTargetTypes = ['group', 'group_set'] as const;
export const joinRequestStatus = ['pending', 'approved', 'rejected', 'completed'] as const;

export const InviteCreateSchema = z
  .object({
    targetType: z.enum(inviteTargetTypes),
    targetId: Id,
    /** Joins through this invite are attributed to this member. */
    referrerMemberId: Id.nullable().optional(),
  })
  .strict();

export const InviteListQuerySchema = z
  .object({
    targetType: z.enum(inviteTargetTypes).optional(),
    targetId: Id.optional(),
    includeRevoked: z.stringbool().optional(),
  })
  .strict();

export const InviteSchema = z.object({
  id: z.string(),
  code: z.string(),
  targetType: z.enum(inviteTargetTypes),
  targetId: z.string(),
  referrerMemberId: z.string().nullable(),
  /** The member web app's page for this invite. */
  path: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().nullable(),
});
export type Invite = z.infer<typeof InviteSchema>;

export const ReferralSchema = z.object({
  invite: InviteSchema,
  path: z.string(),
  /** The invite's QR code as a PNG data URL (the share poster's code). */
  qrDataUrl: z.string(),
});

export const CodeParams = z.object({ code: z.string().min(1).max(64) }).strict();

export const JoinViewSchema = z.object({
  code: z.string(),
  group: z.object({ id: z.string(), name: z.string() }),
  groupSet: z.object({ id: z.string(), name: z.string() }).nullable(),
  mode: z.enum(entryModes),
  /** The rule in plain zh-CN. */
  modeText: z.string(),
  priceFen: z.number().nullable(),
  task: z.string().nullable(),
  questions: z.array(z.string()),
  ritual: z
    .object({
      rulesText: z.string(),
      dataUseNotice: z.string(),
      nicknamePattern: z.string(),
      nicknameExample: z.string(),
      consentRequired: z.boolean(),
    })
    .nullable(),
  /** This device's member is already in the group (the app opens the chat instead of the form). */
  alreadyMember: z.boolean(),
  /** This device's request to the group awaits an operator. */
  pendingRequestId: z.string().nullable(),
});
export type JoinView = z.infer<typeof JoinViewSchema>;

export const JoinSubmitSchema = z
  .object({
    name: Text(50).min(1),
    phone: z.string().trim().regex(/^\+?[0-9][0-9 -]{5,19}$/, 'a phone number').optional(),
    answers: z.array(Text(1000)).max(10).optional(),
    code: Text(64).optional(),
    consentAccepted: z.boolean(),
    rulesAccepted: z.boolean(),
    nickname: Text(60).min(1).optional(),
    /** Another member's referral code (their invite code), when not already in the link. */
    ref: z.string().max(64).optional(),
  })
  .strict();
export type JoinSubmit = z.infer<typeof JoinSubmitSchema>;

export const JoinResultSchema = z.object({
  status: z.enum(['joined', 'pending']),
  groupId: z.string(),
  groupName: z.string(),
  memberId: z.string().nullable(),
  membershipId: z.string().nullable(),
  number: z.string().nullable(),
  welcome: z.string().nullable(),
  requestId: z.string().nullable(),
  /** The group's nickname format when the member still has to set a nickname that fits it. */
  nicknameNeeded: z.object({ pattern: z.string(), example: z.string() }).nullable(),
});
export type JoinResult = z.infer<typeof JoinResultSchema>;

export const JoinRequestSchema = z.object({
  id: z.string(),
  groupId: z.string(),
  memberId: z.string().nullable(),
  applicant: z.object({
    name: z.string(),
    phone: z.string().nullable(),
    answers: z.array(z.object({ question: z.string(), answer: z.string() })),
    nickname: z.string().nullable(),
  }),
  mode: z.enum(entryModes),
  status: z.enum(joinRequestStatus),
  reason: z.string().nullable(),
  inviteId: z.string().nullable(),
  referrerMemberId: z.string().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
});
export type JoinRequest = z.infer<typeof JoinRequestSchema>;

export const JoinRequestListQuerySchema = z
  .object({
    status: z.enum(joinRequestStatus).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const RejectSchema = z.object({ reason: Text(500).min(1) }).strict();
