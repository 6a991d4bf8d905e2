import { z } from 'zod';
import { Day } from '../community/index.ts';

/**
 * What money was spent on: a campaign (its name, as short links carry it), an event (its key, as attendances
 * carry it: payload.eventId, else the event's name), a phase or a group (their ids), or anything else.
 */
export const COST_SUBJECTS = ['campaign', 'event', 'phase', 'group', 'other'] as const;
export const CostSubject = z.enum(COST_SUBJECTS);
export type CostSubject = z.infer<typeof CostSubject>;

const Id = z.string().min(1).max(64);
/** Fen (分); a refund is negative. */
const Amount = z.number().int().min(-1e13).max(1e13).refine((n) => n !== 0, 'an amount of 0 records nothing');

export const CostInputSchema = z
  .object({
    subject: CostSubject,
    /** The campaign's name, the event's key, the phase's or group's id; empty for `other`. */
    subjectKey: z.string().trim().max(200).default(''),
    /** The community it was spent for; a phase's or group's own community when the subject is one. */
    communityId: Id.nullable().optional(),
    spentOn: Day,
    amountCents: Amount,
    category: z.string().trim().min(1).max(50).nullable().optional(),
    note: z.string().trim().max(500).nullable().optional(),
  })
  .strict();
export type CostInput = z.infer<typeof CostInputSchema>;

export const CostListQuerySchema = z
  .object({
    from: Day.optional(),
    to: Day.optional(),
    communityId: Id.optional(),
    subject: CostSubject.optional(),
    subjectKey: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type CostListQuery = z.infer<typeof CostListQuerySchema>;

export const CostSchema = z.object({
  id: z.string(),
  subject: CostSubject,
  subjectKey: z.string(),
  communityId: z.string().nullable(),
  spentOn: z.string(),
  amountCents: z.number(),
  category: z.string().nullable(),
  note: z.string().nullable(),
  /** `form` or `import`. */
  source: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type Cost = z.infer<typeof CostSchema>;

export const CostImportReportSchema = z.object({
  /** Rows read from the sheet. */
  rows: z.number(),
  /** New costs recorded. */
  added: z.number(),
  /** Rows already recorded by an earlier import of the same sheet (nothing written for them). */
  duplicates: z.number(),
  totalCents: z.number(),
});
