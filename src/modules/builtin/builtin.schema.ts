import { z } from 'zod';
import { membershipRole, platform } from '../enums.ts';
import { ChatItemSchema } from '../activity/index.ts';

const Id = z.string().min(1).max(64);
const Text = (max: number) => z.string().trim().max(max);

export const MeGroupSchema = z.object({
  groupId: z.string(),
  name: z.string(),
  membershipId: z.string(),
  number: z.string().nullable(),
  nickname: z.string().nullable(),
  role: z.enum(membershipRole.values),
  joinedAt: z.string(),
  nicknameNeeded: z.object({ pattern: z.string(), example: z.string() }).nullable(),
});

export const MeSchema = z.object({
  member: z.object({
    id: z.string(),
    displayName: z.string(),
    city: z.string().nullable(),
    occupation: z.string().nullable(),
    skills: z.array(z.string()),
  }),
  groups: z.array(MeGroupSchema),
  /** Echo it in X-CSRF-Token on every write of the member app. */
  csrfToken: z.string(),
});
export type Me = z.infer<typeof MeSchema>;

export const ProfileUpdateSchema = z
  .object({
    displayName: Text(50).min(1).optional(),
    city: Text(50).nullable().optional(),
    occupation: Text(100).nullable().optional(),
    skills: z.array(Text(30).min(1)).max(20).optional(),
  })
  .strict();

export const MuteSchema = z.object({ muted: z.boolean(), reason: z.string().nullable(), until: z.string().nullable() });

export const ChatGroupSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** Only `builtin` groups chat here; members of others read the record and speak on their platform. */
  platform: z.enum(platform.values),
  announcement: z.object({ text: z.string(), at: z.string() }).nullable(),
  rulesText: z.string(),
  memberCount: z.number(),
  me: MeGroupSchema.extend({ inDirectory: z.boolean(), expert: z.boolean(), mutedUntil: z.string().nullable() }),
  /** Whether the member may post now, and why not. */
  mute: MuteSchema,
  /** The newest item's cursor: subscribe to `chat:<id>` with it to receive what comes next. */
  cursor: z.string().nullable(),
});
export type ChatGroup = z.infer<typeof ChatGroupSchema>;

export const ChatPageQuerySchema = z
  .object({
    /** Older than this cursor (paging back); the newest page when absent. */
    before: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const ChatPageSchema = z.object({ items: z.array(ChatItemSchema), nextCursor: z.string().nullable() });

export const ChatPostSchema = z
  .object({
    /** The client's id for this message: sending it again (a retry) posts nothing new. */
    clientId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, '8–64 letters, digits, _ or -'),
    text: Text(2000).optional(),
    replyTo: Id.optional(),
    mentions: z.array(Id).max(20).optional(),
    imageId: Id.optional(),
    /** An uploaded file that is not an image (a document, a voice, a video, an audio). */
    fileId: Id.optional(),
    /** Ask the group: the message stays on the question list until answered. */
    question: z.boolean().optional(),
  })
  .strict();
export type ChatPost = z.infer<typeof ChatPostSchema>;

export const NicknameSchema = z.object({ nickname: Text(60).min(1) }).strict();
export const DirectoryOptSchema = z.object({ inDirectory: z.boolean() }).strict();

export const RosterEntrySchema = z.object({
  memberId: z.string(),
  displayName: z.string(),
  nickname: z.string().nullable(),
  number: z.string().nullable(),
  role: z.enum(membershipRole.values),
  expert: z.boolean(),
});

export const DirectoryEntrySchema = z.object({
  memberId: z.string(),
  name: z.string(),
  number: z.string().nullable(),
  city: z.string().nullable(),
  occupation: z.string().nullable(),
  skills: z.array(z.string()),
  expert: z.boolean(),
});

export const UploadSchema = z.object({
  id: z.string(),
  groupId: z.string(),
  mime: z.string(),
  bytes: z.number(),
  width: z.number(),
  height: z.number(),
  name: z.string(),
  /** Read from the bytes: an image (posted as imageId) or a file, voice, video or audio (posted as fileId). */
  kind: z.enum(['image', 'file', 'voice', 'video', 'audio']),
  /** Where the file is served (members of the group and its operators only). */
  url: z.string(),
  createdAt: z.string(),
});
export type Upload = z.infer<typeof UploadSchema>;

export const reportTargetTypes = ['message', 'member'] as const;
export const reportStatus = ['open', 'confirmed', 'dismissed'] as const;

export const ReportCreateSchema = z
  .object({ targetType: z.enum(reportTargetTypes), targetId: Id, reason: Text(500).min(1) })
  .strict();

export const ReportSchema = z.object({
  id: z.string(),
  groupId: z.string(),
  reporterMemberId: z.string(),
  targetType: z.enum(reportTargetTypes),
  targetId: z.string(),
  targetMemberId: z.string().nullable(),
  /** The reported message's text (for a message report), so the manager decides without searching. */
  excerpt: z.string().nullable(),
  reason: z.string(),
  status: z.enum(reportStatus),
  decisionNote: z.string().nullable(),
  /** The ladder step a confirmation queued (when confirmed with `ladder`). */
  step: z.string().nullable(),
  createdAt: z.string(),
  decidedAt: z.string().nullable(),
  decidedBy: z.string().nullable(),
});
export type Report = z.infer<typeof ReportSchema>;

export const ReportListQuerySchema = z.object({ status: z.enum(reportStatus).optional() }).strict();

export const ReportDecisionSchema = z
  .object({
    decision: z.enum(['dismiss', 'confirm']),
    /** On confirm: mute the reported member for this many minutes (0: no mute). */
    muteMinutes: z.number().int().min(0).max(60 * 24 * 30).default(0),
    /** On confirm: the reported member takes the next step of the group's moderation ladder (warn → mute → remove …). */
    ladder: z.boolean().default(false),
    note: Text(500).optional(),
  })
  .strict();

export const questionStatus = ['open', 'answered'] as const;
export const QuestionSchema = z.object({
  id: z.string(),
  groupId: z.string(),
  memberId: z.string(),
  activityId: z.string(),
  text: z.string(),
  status: z.enum(questionStatus),
  answerActivityId: z.string().nullable(),
  answeredBy: z.string().nullable(),
  createdAt: z.string(),
  answeredAt: z.string().nullable(),
});
export type Question = z.infer<typeof QuestionSchema>;
export const QuestionListQuerySchema = z.object({ status: z.enum(questionStatus).optional() }).strict();

export const TeamPostSchema = ChatPostSchema.omit({ question: true, mentions: true });
export const AnnouncementSchema = z.object({ text: Text(2000).nullable() }).strict();
