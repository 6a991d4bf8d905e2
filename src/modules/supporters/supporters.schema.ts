import { z } from 'zod';
import { Day } from '../community/index.ts';

export const SUPPORTER_TYPES = ['firm', 'person'] as const;
export const SupporterType = z.enum(SUPPORTER_TYPES);

const Id = z.string().min(1).max(64);

export const SupporterInputSchema = z
  .object({
    /** The event as its attendances name it: payload.eventId, else the event's name. */
    eventKey: z.string().trim().min(1).max(200),
    supporterType: SupporterType,
    /** The firm's or the person's name. */
    name: z.string().trim().min(1).max(100),
    /** A supporter who is a member (a person). */
    memberId: Id.nullable().optional(),
    communityId: Id.nullable().optional(),
    /** What they gave: 场地, 茶叶 50 斤, 嘉宾分享, 志愿者… */
    contribution: z.string().trim().max(200).nullable().optional(),
    /** Money given, in fen, when it was money. */
    amountCents: z.number().int().min(0).max(1e13).nullable().optional(),
    supportedOn: Day,
  })
  .strict();
export type SupporterInput = z.infer<typeof SupporterInputSchema>;

export const SupporterListQuerySchema = z
  .object({
    eventKey: z.string().max(200).optional(),
    communityId: Id.optional(),
    from: Day.optional(),
    to: Day.optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
    cursor: z.string().max(200).optional(),
  })
  .strict();
export type SupporterListQuery = z.infer<typeof SupporterListQuerySchema>;

export const SupporterSchema = z.object({
  id: z.string(),
  eventKey: z.string(),
  supporterType: SupporterType,
  name: z.string(),
  memberId: z.string().nullable(),
  communityId: z.string().nullable(),
  contribution: z.string().nullable(),
  amountCents: z.number().nullable(),
  supportedOn: z.string(),
  source: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type Supporter = z.infer<typeof SupporterSchema>;

export const SupporterImportReportSchema = z.object({ rows: z.number(), added: z.number(), duplicates: z.number() });
