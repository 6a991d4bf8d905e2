import { z } from 'zod';
import { ruleFamilies, ruleTypeNames } from './rule-types.ts';

const Id = z.string().min(1).max(64);
export const ruleTargetTypes = ['group', 'group_set', 'community'] as const;
export type RuleTargetType = (typeof ruleTargetTypes)[number];

export const RuleCreateSchema = z
  .object({
    type: z.enum(ruleTypeNames),
    targetType: z.enum(ruleTargetTypes),
    targetId: Id,
    /** Checked against the type's own schema; missing values take the type's defaults. */
    settings: z.record(z.string().max(100), z.unknown()).default({}),
    enabled: z.boolean().default(true),
  })
  .strict();

export const RuleUpdateSchema = z
  .object({
    settings: z.record(z.string().max(100), z.unknown()).optional(),
    enabled: z.boolean().optional(),
  })
  .strict();

export const RuleListQuerySchema = z
  .object({
    targetType: z.enum(ruleTargetTypes).optional(),
    targetId: Id.optional(),
    family: z.enum(ruleFamilies).optional(),
  })
  .strict();

export const RuleSchema = z.object({
  id: z.string(),
  family: z.enum(ruleFamilies),
  type: z.enum(ruleTypeNames),
  targetType: z.enum(ruleTargetTypes),
  targetId: z.string(),
  settings: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  /** What the rule does, in plain zh-CN. */
  preview: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Rule = z.infer<typeof RuleSchema>;
