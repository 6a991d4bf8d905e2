import { z } from 'zod';
import { METRIC_KEYS } from './plan.template.ts';

const Id = z.string().min(1).max(64);
const Text = (max = 500) => z.string().trim().max(max);
export const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month, YYYY-MM');
const Figure = z.number().finite().min(-1e15).max(1e15);
const Figures = z.partialRecord(z.enum(METRIC_KEYS), Figure);

export const PlanContentSchema = z.object({
  baseline: Figures.default({}),
  years: z.array(z.object({ targets: Figures, notes: Text(2000).default('') }).strict()).min(1).max(10),
  milestones: z.array(z.object({
    year: z.number().int().min(1).max(10), quarter: z.number().int().min(1).max(4), title: Text(100).min(1), tasks: z.array(Text(200).min(1)).max(20).default([]),
  }).strict()).max(80).default([]),
  risks: z.array(z.object({ title: Text(100).min(1), mitigation: Text(1000).default('') }).strict()).max(30).default([]),
}).strict().superRefine((c, ctx) => {
  // What the plan book lists by name must be there once, and a milestone must fall in one of the plan's years.
  const seen = new Set<string>();
  c.milestones.forEach((m, i) => {
    if (m.year > c.years.length) ctx.addIssue({ code: 'custom', path: ['milestones', i, 'year'], message: `the plan has ${c.years.length} year${c.years.length === 1 ? '' : 's'}` });
    const k = `${m.year}|${m.quarter}|${m.title}`;
    if (seen.has(k)) ctx.addIssue({ code: 'custom', path: ['milestones', i, 'title'], message: `year ${m.year} Q${m.quarter} already has a milestone "${m.title}"` });
    seen.add(k);
    m.tasks.forEach((task, j) => {
      if (m.tasks.indexOf(task) !== j) ctx.addIssue({ code: 'custom', path: ['milestones', i, 'tasks', j], message: `the task "${task}" is listed twice` });
    });
  });
  c.risks.forEach((r, i) => {
    if (c.risks.findIndex((x) => x.title === r.title) !== i) ctx.addIssue({ code: 'custom', path: ['risks', i, 'title'], message: `the risk "${r.title}" is listed twice` });
  });
});

export const PlanCreateSchema = z.object({
  name: Text(100).min(1),
  /** A template to start from (GET /api/v1/plan-templates), or the content itself. */
  templateKey: z.string().max(50).optional(),
  content: PlanContentSchema.optional(),
  communityId: Id.nullable().optional(),
  startMonth: Month,
}).strict();

export const PlanUpdateSchema = z.object({
  name: Text(100).min(1).optional(),
  content: PlanContentSchema.optional(),
  startMonth: Month.optional(),
}).strict();

export const PlanSchema = z.object({
  id: z.string(), name: z.string(), communityId: z.string().nullable(), startMonth: z.string(), endMonth: z.string(), template: z.string().nullable(),
  content: PlanContentSchema, createdBy: z.string(), createdAt: z.string(), updatedAt: z.string(),
});
export type Plan = z.infer<typeof PlanSchema>;

export const ActualsInputSchema = z.object({
  entries: z.array(z.object({ month: Month, metric: z.enum(METRIC_KEYS), value: Figure.nullable() }).strict()).min(1).max(2000),
}).strict();

export const TrackingQuerySchema = z.object({ period: z.enum(['month', 'quarter', 'year']).default('month') }).strict();

const Cell = z.object({
  plan: z.number().nullable(), actual: z.number().nullable(),
  /** actual ÷ plan; on track within 10 % (a budget: not over by more than 10 %). */
  ratio: z.number().nullable(), status: z.enum(['ahead', 'on_track', 'behind', 'over_budget', 'no_plan', 'no_actual', 'future']),
});
export const TrackingSchema = z.object({
  plan: z.object({ id: z.string(), name: z.string(), startMonth: z.string(), endMonth: z.string(), communityId: z.string().nullable() }),
  period: z.enum(['month', 'quarter', 'year']),
  metrics: z.array(z.object({ key: z.enum(METRIC_KEYS), zh: z.string(), en: z.string(), kind: z.enum(['stock', 'flow', 'rate', 'ytd']), direction: z.enum(['up', 'budget']), money: z.boolean(), actual: z.enum(['computed', 'entered']) })),
  periods: z.array(z.object({ key: z.string(), label: z.string(), cells: z.record(z.string(), Cell) })),
  /** Measures behind plan in the last finished period. */
  behind: z.array(z.object({ metric: z.enum(METRIC_KEYS), period: z.string(), plan: z.number(), actual: z.number(), ratio: z.number() })),
});

export const ActualsImportReportSchema = z.object({ rows: z.number(), entries: z.number(), months: z.array(z.string()) });
