import { z } from 'zod';
import { activityKind, contentSource } from '../enums.ts';

const Id = z.string().min(1).max(64);

export const ActivityInputSchema = z
  .object({
    /** One of the known kinds (message, join, leave, reaction, checkin, click, consultation, purchase, attendance, …) or a dotted custom kind. */
    kind: z.string().regex(/^[a-z][a-z0-9_.]{1,39}$/, 'lower-case letters, digits, _ and . (e.g. "message", "purchase")'),
    memberId: Id.nullable().optional(),
    groupId: Id.nullable().optional(),
    occurredAt: z.iso.datetime({ offset: true }),
    contentSource: z.enum(contentSource.values).nullable().optional(),
    payload: z.record(z.string().max(100), z.unknown()).default({}),
    /** Where the activity comes from (e.g. `api`, `crm`, `import:telegram`); with sourceId it makes writes idempotent. */
    source: z.string().min(1).max(100).regex(/^[\w.:-]+$/, 'letters, digits and _ . : -').default('api'),
    sourceId: z.string().min(1).max(200).optional(),
  })
  .strict();
export type ActivityInput = z.infer<typeof ActivityInputSchema>;

export const ActivityBatchSchema = z.object({ activities: z.array(ActivityInputSchema).min(1).max(1000) }).strict();

export const ActivitySchema = z.object({
  id: z.string(),
  kind: z.string(),
  memberId: z.string().nullable(),
  groupId: z.string().nullable(),
  occurredAt: z.string(),
  contentSource: z.enum(contentSource.values).nullable(),
  payload: z.record(z.string(), z.unknown()),
  source: z.string(),
  sourceId: z.string(),
  createdAt: z.string(),
});
export type Activity = z.infer<typeof ActivitySchema>;

export const ActivityListQuerySchema = z
  .object({
    groupId: Id.optional(),
    memberId: Id.optional(),
    kind: z.string().max(40).optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const knownActivityKinds = activityKind.values;
