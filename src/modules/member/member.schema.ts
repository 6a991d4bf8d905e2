import { z } from 'zod';
import { gender, lifecycleStage, memberCircle, membershipRole, platform } from '../enums.ts';

const Id = z.string().min(1).max(64);
const Text = (max: number) => z.string().trim().max(max);
const Tag = Text(50).min(1);
/** Personal data is marked in the schema (and so in OpenAPI) for exports, erasure and audits. */
const personal = <T extends z.ZodType>(t: T) => t.meta({ 'x-personal-data': true });

export const ConsentSchema = z
  .object({
    dataUse: z.boolean().default(false),
    marketing: z.boolean().default(false),
    directory: z.boolean().default(false),
  })
  .strict();

export const IdentityInputSchema = z
  .object({
    platform: z.enum(platform.values),
    externalId: Text(200).min(1),
    handle: Text(100).min(1).nullable().optional(),
  })
  .strict();

export const MembershipInputSchema = z
  .object({
    groupId: Id,
    role: z.enum(membershipRole.values).default('participant'),
    nickname: Text(100).min(1).nullable().optional(),
    invitedBy: Id.nullable().optional(),
    joinedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();

const Phone = Text(32).regex(/^\+?[0-9][0-9 ()-]{4,30}$/, 'digits, optionally with +, spaces or dashes');

const MemberFields = {
  displayName: Text(100).min(1),
  gender: z.enum(gender.values).nullable().optional(),
  birthYear: z.number().int().min(1900).max(2100).nullable().optional(),
  city: Text(64).min(1).nullable().optional(),
  occupation: Text(100).min(1).nullable().optional(),
  skills: z.array(Text(50).min(1)).max(50).optional(),
  phone: personal(Phone.nullable().optional()),
  email: personal(Text(254).toLowerCase().pipe(z.email()).nullable().optional()),
  tags: z.array(Tag).max(50).optional(),
  circle: z.enum(memberCircle.values).nullable().optional(),
  sourceChannel: Text(100).min(1).nullable().optional(),
  referrerId: Id.nullable().optional(),
  stage: z.enum(lifecycleStage.values).optional(),
  consent: ConsentSchema.optional(),
  joinedAt: z.iso.datetime({ offset: true }).optional(),
};

export const MemberCreateSchema = z
  .object({
    ...MemberFields,
    identities: z.array(IdentityInputSchema).max(20).optional(),
    memberships: z.array(MembershipInputSchema).max(50).optional(),
  })
  .strict();

export const MemberUpdateSchema = z
  .object({ ...MemberFields, displayName: MemberFields.displayName.optional() })
  .strict();

export const IdentitySchema = z.object({
  id: z.string(),
  platform: z.enum(platform.values),
  externalId: z.string(),
  handle: z.string().nullable(),
  createdAt: z.string(),
});

export const MembershipSchema = z.object({
  id: z.string(),
  groupId: z.string(),
  memberId: z.string(),
  number: z.number().nullable(),
  numberDisplay: z.string().nullable(),
  role: z.enum(membershipRole.values),
  nickname: z.string().nullable(),
  joinedAt: z.string(),
  leftAt: z.string().nullable(),
  invitedBy: z.string().nullable(),
  mutedUntil: z.string().nullable(),
});
export type Membership = z.infer<typeof MembershipSchema>;

export const MembershipUpdateSchema = z
  .object({
    role: z.enum(membershipRole.values).optional(),
    nickname: Text(100).min(1).nullable().optional(),
    mutedUntil: z.iso.datetime({ offset: true }).nullable().optional(),
    leftAt: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict();

export const StageChangeSchema = z.object({ stage: z.enum(lifecycleStage.values), at: z.string() });

export const MemberSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  gender: z.enum(gender.values).nullable(),
  birthYear: z.number().nullable(),
  city: z.string().nullable(),
  occupation: z.string().nullable(),
  skills: z.array(z.string()),
  phone: personal(z.string().nullable()),
  email: personal(z.string().nullable()),
  tags: z.array(z.string()),
  circle: z.enum(memberCircle.values).nullable(),
  sourceChannel: z.string().nullable(),
  referrerId: z.string().nullable(),
  stage: z.enum(lifecycleStage.values),
  stageHistory: z.array(StageChangeSchema),
  consent: ConsentSchema,
  joinedAt: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Member = z.infer<typeof MemberSchema>;

export const MemberDetailSchema = MemberSchema.extend({
  identities: z.array(IdentitySchema),
  memberships: z.array(MembershipSchema),
});
export type MemberDetail = z.infer<typeof MemberDetailSchema>;

const csv = <T extends z.ZodType>(inner: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(inner).max(10));

export const MemberSearchSchema = z
  .object({
    q: Text(100).min(1).optional(),
    tag: csv(Tag).optional(),
    city: Text(64).min(1).optional(),
    circle: z.enum(memberCircle.values).optional(),
    stage: z.enum(lifecycleStage.values).optional(),
    groupId: Id.optional(),
    joinedFrom: z.iso.datetime({ offset: true }).optional(),
    joinedTo: z.iso.datetime({ offset: true }).optional(),
    sort: z.enum(['-joinedAt', 'joinedAt']).default('-joinedAt'),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type MemberSearch = z.infer<typeof MemberSearchSchema>;

export const ExportRequestSchema = z
  .object({
    reason: Text(500).min(4, 'say why you export (at least 4 characters)'),
    format: z.enum(['csv', 'xlsx']).default('csv'),
    filters: MemberSearchSchema.omit({ limit: true, cursor: true, sort: true }).partial().default({}),
  })
  .strict();
