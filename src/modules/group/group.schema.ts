import { z } from 'zod';
import { groupFunction, groupKind, groupStatus, groupStructure, platform } from '../enums.ts';

const Id = z.string().min(1).max(64);
const Text = (max: number) => z.string().trim().max(max);

/** Typical seat limits per platform, used when a group is created without a capacity. */
export const defaultCapacity: Record<(typeof platform.values)[number], number> = {
  builtin: 2000, wechat: 500, wecom: 500, qq: 2000, telegram: 200000, discord: 250000, whatsapp: 1024, slack: 10000, feishu: 5000, other: 500,
};

export const NumberingSchema = z
  .object({
    scope: z.enum(['group', 'community']).default('group'),
    prefix: Text(20).default(''),
    width: z.number().int().min(1).max(10).default(4),
  })
  .strict();
export type Numbering = z.infer<typeof NumberingSchema>;

/** A group's tags: trimmed, distinct, at most 20 of at most 30 characters (as a member's). */
const GroupTags = z.array(Text(30).trim().min(1)).max(20).transform((t) => [...new Set(t)]);

export const KeeperSchema = z.object({ type: z.enum(['operator', 'member']), id: Id }).strict();

const GroupFields = {
  communityId: Id,
  groupSetId: Id.nullable().optional(),
  platform: z.enum(platform.values),
  externalId: Text(200).min(1).nullable().optional(),
  name: Text(100).min(1),
  kind: z.enum(groupKind.values).default('member'),
  function: z.enum(groupFunction.values).default('retain'),
  official: z.boolean().default(true),
  structure: z.enum(groupStructure.values).default('pyramid'),
  capacity: z.number().int().min(1).max(1_000_000).optional(),
  status: z.enum(groupStatus.values).default('active'),
  region: Text(64).min(1).nullable().optional(),
  tags: GroupTags.optional(),
  owner: KeeperSchema.nullable().optional(),
  secretary: KeeperSchema.nullable().optional(),
  numbering: NumberingSchema.optional(),
  createdAt: z.iso.datetime({ offset: true }).optional(),
};

export const GroupCreateSchema = z.object(GroupFields).strict();

export const GroupUpdateSchema = z
  .object({
    communityId: Id.optional(),
    groupSetId: Id.nullable().optional(),
    externalId: Text(200).min(1).nullable().optional(),
    name: Text(100).min(1).optional(),
    kind: z.enum(groupKind.values).optional(),
    function: z.enum(groupFunction.values).optional(),
    official: z.boolean().optional(),
    structure: z.enum(groupStructure.values).optional(),
    capacity: z.number().int().min(1).max(1_000_000).optional(),
    status: z.enum(groupStatus.values).optional(),
    region: Text(64).min(1).nullable().optional(),
    tags: GroupTags.optional(),
    owner: KeeperSchema.nullable().optional(),
    secretary: KeeperSchema.nullable().optional(),
    numbering: NumberingSchema.optional(),
  })
  .strict();

export const GroupSchema = z.object({
  id: z.string(),
  communityId: z.string(),
  groupSetId: z.string().nullable(),
  platform: z.enum(platform.values),
  externalId: z.string().nullable(),
  name: z.string(),
  kind: z.enum(groupKind.values),
  function: z.enum(groupFunction.values),
  official: z.boolean(),
  structure: z.enum(groupStructure.values),
  capacity: z.number(),
  status: z.enum(groupStatus.values),
  region: z.string().nullable(),
  tags: z.array(z.string()),
  owner: KeeperSchema.nullable(),
  secretary: KeeperSchema.nullable(),
  numbering: NumberingSchema,
  /** The pinned announcement (PUT /groups/{id}/announcement). */
  announcement: z.object({ text: z.string(), at: z.string() }).nullable(),
  memberCount: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Group = z.infer<typeof GroupSchema>;

export const GroupListQuerySchema = z
  .object({
    communityId: Id.optional(),
    groupSetId: Id.optional(),
    platform: z.enum(platform.values).optional(),
    kind: z.enum(groupKind.values).optional(),
    status: z.enum(groupStatus.values).optional(),
    tag: z.string().max(30).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const GroupSetCreateSchema = z
  .object({
    name: Text(100).min(1),
    communityId: Id.nullable().optional(),
    region: Text(64).min(1).nullable().optional(),
    namingPattern: Text(100).min(1).nullable().optional(),
  })
  .strict();

export const GroupSetUpdateSchema = GroupSetCreateSchema.partial().strict();

export const GroupSetSchema = z.object({
  id: z.string(),
  name: z.string(),
  communityId: z.string().nullable(),
  region: z.string().nullable(),
  namingPattern: z.string().nullable(),
  groupCount: z.number(),
  createdAt: z.string(),
});
export type GroupSet = z.infer<typeof GroupSetSchema>;

export const GroupCloneSchema = z
  .object({
    name: Text(100).min(1),
    /** The set the clone joins; the template's set when absent, none with null. */
    groupSetId: Id.nullable().optional(),
    region: Text(64).min(1).nullable().optional(),
    externalId: Text(200).min(1).nullable().optional(),
  })
  .strict();

export const GroupSetRenameSchema = z
  .object({
    /** e.g. `{brand}{city}{n}群`; the set's namingPattern when absent. */
    pattern: Text(100).min(1).optional(),
    vars: z.record(z.string().regex(/^[a-z][a-z0-9_]{0,29}$/), Text(50)).default({}),
    /** false: only show the names (a dry run). */
    apply: z.boolean().default(false),
  })
  .strict();

export const RenamePreviewSchema = z.object({ groupId: z.string(), from: z.string(), to: z.string() });
export type RenamePreview = z.infer<typeof RenamePreviewSchema>;
