import { z } from 'zod';
import {
  builderValueType, communityPurpose, gender, interestBasis, lifecycleBasis, memberValueType, monetizationModel, phasePurpose, platform,
} from '../enums.ts';

const Text = (max = 500) => z.string().trim().max(max);
// Date.parse rolls 2024-02-30 over to March 1st instead of failing, so a real date must survive the round trip.
const isRealDay = (s: string) => {
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
};
export const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD').refine(isRealDay, 'not a real date');
const Money = z.number().int().min(0).max(1e13); // fen (分)
const List = (max = 50) => z.array(Text(100).min(1)).max(max);

export const PersonaSchema = z
  .object({
    genders: z.array(z.enum(gender.values)).max(3).default([]),
    ageMin: z.number().int().min(0).max(120).nullable().default(null),
    ageMax: z.number().int().min(0).max(120).nullable().default(null),
    cities: List(200).default([]),
    interests: List().default([]),
    occupations: List().default([]),
  })
  .strict()
  .refine((p) => p.ageMin === null || p.ageMax === null || p.ageMin <= p.ageMax, { message: 'ageMin must not exceed ageMax', path: ['ageMin'] });

export const KpiSchema = z
  .object({
    /** At least 5,000 for a mid-size firm, 15,000+ for a large one (DESIGN.md). */
    memberFloor: z.number().int().min(0).max(1e9).default(5000),
    activeMemberRate: z.number().min(0).max(1).default(0.3),
    eventsPerGroupPerYear: z.number().min(0).max(1000).default(6),
    revenuePerMemberPerYearCents: Money.default(0),
  })
  .strict();

export const CanvasSchema = z
  .object({
    sharedInterest: z.object({ description: Text().default(''), basis: z.enum(interestBasis.values).nullable().default(null) }).strict().default({ description: '', basis: null }),
    valueToMembers: z.object({ description: Text().default(''), type: z.enum(memberValueType.values).nullable().default(null) }).strict().default({ description: '', type: null }),
    valueToBuilder: z.object({ description: Text().default(''), type: z.enum(builderValueType.values).nullable().default(null) }).strict().default({ description: '', type: null }),
    valueChecklist: z.object({ painPoint: Text().default(''), returnCarrier: Text().default('') }).strict().default({ painPoint: '', returnCarrier: '' }),
    readiness: z
      .object({
        peopleAndMoney: z.boolean().default(false),
        contentAndService: z.boolean().default(false),
        timeAndPatience: z.boolean().default(false),
        productAndMarketingModel: z.boolean().default(false),
        notes: Text(2000).default(''),
      })
      .strict()
      .default({ peopleAndMoney: false, contentAndService: false, timeAndPatience: false, productAndMarketingModel: false, notes: '' }),
    tone: Text(200).default(''),
    competitors: List().default([]),
    budgetCents: Money.nullable().default(null),
    persona: PersonaSchema.default({ genders: [], ageMin: null, ageMax: null, cities: [], interests: [], occupations: [] }),
    lifecycle: z
      .object({ startsOn: Day.nullable().default(null), plannedEndOn: Day.nullable().default(null), basis: z.enum(lifecycleBasis.values).default('community') })
      .strict()
      .refine((l) => !l.startsOn || !l.plannedEndOn || l.startsOn < l.plannedEndOn, { message: 'plannedEndOn must be after startsOn', path: ['plannedEndOn'] })
      .default({ startsOn: null, plannedEndOn: null, basis: 'community' }),
    monetization: z.array(z.enum(monetizationModel.values)).max(4).default([]),
    kpi: KpiSchema.default({ memberFloor: 5000, activeMemberRate: 0.3, eventsPerGroupPerYear: 6, revenuePerMemberPerYearCents: 0 }),
  })
  .strict();
export type Canvas = z.infer<typeof CanvasSchema>;

const Id = z.string().min(1).max(64);

export const CommunityCreateSchema = z
  .object({
    name: Text(100).min(1),
    purpose: z.enum(communityPurpose.values),
    parentId: Id.nullable().optional(),
    leaderMemberId: Id.nullable().optional(),
    canvas: CanvasSchema.optional(),
  })
  .strict();

export const CommunityUpdateSchema = z
  .object({
    name: Text(100).min(1).optional(),
    purpose: z.enum(communityPurpose.values).optional(),
    parentId: Id.nullable().optional(),
    leaderMemberId: Id.nullable().optional(),
    canvas: CanvasSchema.optional(),
  })
  .strict();

export const CommunitySchema = z.object({
  id: z.string(),
  name: z.string(),
  purpose: z.enum(communityPurpose.values),
  parentId: z.string().nullable(),
  leaderMemberId: z.string().nullable(),
  canvas: CanvasSchema,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Community = z.infer<typeof CommunitySchema>;

const PhaseTargets = z
  .object({
    fans: z.number().int().min(0).max(1e9).nullable().default(null),
    clickRate: z.number().min(0).max(1).nullable().default(null),
    consultations: z.number().int().min(0).max(1e9).nullable().default(null),
    salesCents: Money.nullable().default(null),
  })
  .strict();

const PlatformMix = z
  .array(z.object({ platform: z.enum(platform.values), share: z.number().min(0).max(1) }).strict())
  .max(10)
  .refine((mix) => mix.reduce((s, m) => s + m.share, 0) <= 1.0001, 'shares must add up to at most 1');

const PhaseFields = {
  name: Text(100).min(1),
  purpose: z.enum(phasePurpose.values),
  startsOn: Day,
  endsOn: Day,
  targets: PhaseTargets.default({ fans: null, clickRate: null, consultations: null, salesCents: null }),
  budgetCents: Money.nullable().default(null),
  platformMix: PlatformMix.default([]),
};

export const PhaseCreateSchema = z
  .object(PhaseFields)
  .strict()
  .refine((p) => p.startsOn <= p.endsOn, { message: 'endsOn must not be before startsOn', path: ['endsOn'] });

export const PhaseUpdateSchema = z
  .object({
    name: PhaseFields.name.optional(),
    purpose: PhaseFields.purpose.optional(),
    startsOn: Day.optional(),
    endsOn: Day.optional(),
    targets: PhaseTargets.optional(),
    budgetCents: Money.nullable().optional(),
    platformMix: PlatformMix.optional(),
  })
  .strict();

export const PhaseSchema = z.object({
  id: z.string(),
  communityId: z.string(),
  name: z.string(),
  purpose: z.enum(phasePurpose.values),
  startsOn: z.string(),
  endsOn: z.string(),
  targets: PhaseTargets,
  budgetCents: z.number().nullable(),
  platformMix: z.array(z.object({ platform: z.enum(platform.values), share: z.number() })),
  createdAt: z.string(),
});
export type Phase = z.infer<typeof PhaseSchema>;
