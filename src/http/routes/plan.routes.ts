// The community's project plan (计划书) and plan vs actual (计划与实际).
import { z } from 'zod';
import {
  ActualsImportReportSchema, ActualsInputSchema, PlanContentSchema, PlanCreateSchema, PlanSchema, PlanUpdateSchema, TrackingQuerySchema, TrackingSchema,
  createPlan, deletePlan, getPlan, importActuals, listPlans, planTemplates, setActuals, tracking, updatePlan,
} from '../../modules/plan/index.ts';
import { IdParams, NoContent, Secured, type App } from './common.ts';
import { sheetRoute } from './sheet-route.ts';

export function planRoutes(app: App) {
  const tags = ['评估 stats'];
  app.get('/api/v1/plan-templates', {
    schema: {
      tags, summary: 'Plan templates to start from (the method\'s three-year plan, figures as given)', security: Secured,
      response: { 200: z.object({ items: z.array(z.object({ key: z.string(), name: z.string(), description: z.string(), content: PlanContentSchema })) }) },
    },
  }, async (req) => {
    req.ctx().authorize('community.read');
    return { items: planTemplates() };
  });
  app.post('/api/v1/plans', {
    schema: { tags, summary: 'Make a plan, from a template or with its content', security: Secured, body: PlanCreateSchema, response: { 201: PlanSchema } },
  }, async (req, reply) => reply.code(201).send(await createPlan(req.ctx(), req.body)));
  app.get('/api/v1/plans', {
    schema: { tags, summary: 'Plans, newest first', security: Secured, response: { 200: z.object({ items: z.array(PlanSchema) }) } },
  }, async (req) => ({ items: await listPlans(req.ctx()) }));
  app.get('/api/v1/plans/:id', {
    schema: { tags, summary: 'A plan: targets per year, milestones and risks', security: Secured, params: IdParams, response: { 200: PlanSchema } },
  }, async (req) => getPlan(req.ctx(), req.params.id));
  app.patch('/api/v1/plans/:id', {
    schema: { tags, summary: 'Change a plan\'s name, start or content', security: Secured, params: IdParams, body: PlanUpdateSchema, response: { 200: PlanSchema } },
  }, async (req) => updatePlan(req.ctx(), req.params.id, req.body));
  app.delete('/api/v1/plans/:id', {
    schema: { tags, summary: 'Delete a plan and its entered actuals', security: Secured, params: IdParams, response: { 204: NoContent } },
  }, async (req, reply) => {
    await deletePlan(req.ctx(), req.params.id);
    return reply.code(204).send(null);
  });
  app.put('/api/v1/plans/:id/actuals', {
    schema: {
      tags, summary: 'Enter monthly actuals of the measures Shequn cannot count (payroll, running costs, share capital, sponsorship, staff, events, margin, return); null clears one',
      security: Secured, params: IdParams, body: ActualsInputSchema, response: { 200: z.object({ entries: z.number() }) },
    },
  }, async (req) => setActuals(req.ctx(), req.params.id, req.body));
  app.get('/api/v1/plans/:id/tracking', {
    schema: {
      tags, summary: 'Plan vs actual by month, quarter or year: the projection, the actuals (computed or entered), the ratio and a status; the measures behind plan last period',
      security: Secured, params: IdParams, querystring: TrackingQuerySchema, response: { 200: TrackingSchema },
    },
  }, async (req) => tracking(req.ctx(), req.params.id, req.query.period));

  sheetRoute(app, '/api/v1/plans/:id/actuals/import', {
    tags, summary: 'Import monthly actuals from a CSV or XLSX sheet (a row per month and a column per measure, or 月份/指标/数值 rows); money in yuan',
    params: IdParams, response: ActualsImportReportSchema, defaultName: 'actuals.csv',
  }, async (ctx, { id }, read) => {
    ctx.authorize('community.write');
    // The plan first: a sheet for a plan that is not there (or not the actor's) is not read at all.
    await getPlan(ctx, id);
    return importActuals(ctx, id, await read());
  });
}
