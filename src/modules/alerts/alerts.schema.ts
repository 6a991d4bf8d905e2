import { z } from 'zod';

export const ALERT_KINDS = ['group_quiet', 'group_near_capacity', 'spam_surge', 'negative_voice', 'plan_behind'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export const AlertSchema = z.object({
  id: z.string(), kind: z.enum(ALERT_KINDS), subjectType: z.enum(['group', 'plan', 'community', 'workspace']), subjectId: z.string(), severity: z.enum(['info', 'warning', 'critical']),
  title: z.string(), data: z.record(z.string(), z.unknown()), status: z.enum(['open', 'resolved']), openedAt: z.string(), resolvedAt: z.string().nullable(),
  acknowledgedBy: z.string().nullable(), acknowledgedAt: z.string().nullable(),
});
export const AlertHookSchema = z.object({ id: z.string(), url: z.string(), createdBy: z.string(), createdAt: z.string() });
