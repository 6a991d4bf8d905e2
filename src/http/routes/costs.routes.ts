// The cost ledger (评估: cost and outcome per campaign, event, phase and group): entered, imported, listed.
import { z } from 'zod';
import { CostImportReportSchema, CostInputSchema, CostListQuerySchema, CostSchema, createCost, deleteCost, importCosts, listCosts } from '../../modules/costs/index.ts';
import { IdParams, NoContent, Secured, type App } from './common.ts';
import { sheetRoute } from './sheet-route.ts';

export function costsRoutes(app: App) {
  const tags = ['评估 stats'];
  app.post('/api/v1/costs', {
    schema: { tags, summary: 'Record a cost: what it was spent on (a campaign, an event, a phase, a group or other), when, and how much', security: Secured, body: CostInputSchema, response: { 201: CostSchema } },
  }, async (req, reply) => reply.code(201).send(await createCost(req.ctx(), req.body)));
  app.get('/api/v1/costs', {
    schema: {
      tags, summary: 'Costs, newest recorded first, with the total of every cost the filters match', security: Secured, querystring: CostListQuerySchema,
      response: { 200: z.object({ items: z.array(CostSchema), totalCents: z.number(), nextCursor: z.string().nullable() }) },
    },
  }, async (req) => listCosts(req.ctx(), req.query));
  app.delete('/api/v1/costs/:id', {
    schema: { tags, summary: 'Delete a cost recorded by mistake', security: Secured, params: IdParams, response: { 204: NoContent } },
  }, async (req, reply) => {
    await deleteCost(req.ctx(), req.params.id);
    return reply.code(204).send(null);
  });

  sheetRoute(app, '/api/v1/costs/import', {
    tags, summary: 'Import costs from a CSV or XLSX sheet: 日期, 类型 (推广/活动/阶段/群/其他), 名称, 金额 (yuan), and optionally 类别, 备注, 社群; importing the same sheet again adds nothing',
    response: CostImportReportSchema, defaultName: 'costs.csv',
  }, async (ctx, _params, read) => {
    ctx.authorize('community.write');
    return importCosts(ctx, await read());
  });
}
