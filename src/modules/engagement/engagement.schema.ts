import { z } from 'zod';

const Id = z.string().min(1).max(64);
const Text = (max: number) => z.string().trim().max(max);

export const taskStatus = ['open', 'done', 'confirmed', 'cancelled'] as const;

export const TaskSchema = z.object({
  id: z.string(),
  memberId: z.string(),
  groupId: z.string().nullable(),
  title: z.string(),
  detail: z.string(),
  dueAt: z.string().nullable(),
  status: z.enum(taskStatus),
  originType: z.string(),
  originId: z.string().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  confirmedAt: z.string().nullable(),
  confirmedBy: z.string().nullable(),
});
export type Task = z.infer<typeof TaskSchema>;

export const TaskCreateSchema = z
  .object({
    memberId: Id,
    groupId: Id.nullable().optional(),
    title: Text(100).min(1),
    detail: Text(2000).default(''),
    dueAt: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .strict();

export const TaskListQuerySchema = z
  .object({ memberId: Id.optional(), groupId: Id.optional(), status: z.enum(taskStatus).optional(), limit: z.coerce.number().int().min(1).max(500).default(100) })
  .strict();

export const PointsEntrySchema = z.object({ id: z.string(), points: z.number(), reason: z.string(), ruleId: z.string().nullable(), activityId: z.string().nullable(), createdAt: z.string() });
export const BadgeSchema = z.object({ badge: z.string(), reason: z.string(), ruleId: z.string().nullable(), createdAt: z.string() });
export const PointsSchema = z.object({ total: z.number(), entries: z.array(PointsEntrySchema), badges: z.array(BadgeSchema) });
export type Points = z.infer<typeof PointsSchema>;
