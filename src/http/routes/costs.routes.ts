// The cost ledger (评估: cost and outcome per campaign, event, phase and group): entered, imported, listed.
import { z } from 'zod';
import { parseTableFile } from '../../importers/members-file.ts';
import { invalid } from '../../kernel/errors.ts';
import { CostImportReportSchema, CostInputSchema, CostListQuerySchema, CostSchema, createCost, deleteCost, importCosts, listCosts } from '../../modules/costs/index.ts';
import { IdParams, NoContent, Secured, type App } from './common.ts';

const MAX_SHEET_BYTES = 5 * 1024 * 1024;

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

  void app.register(async (scope) => {
    // The body is the spreadsheet itself (CSV or XLSX), at most 5 MB.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_SHEET_BYTES }, (_req, body, done) => done(null, body));
    scope.post('/api/v1/costs/import', {
      schema: {
        tags, summary: 'Import costs from a CSV or XLSX sheet: 日期, 类型 (推广/活动/阶段/群/其他), 名称, 金额 (yuan), and optionally 类别, 备注, 社群',
        description: `The file as the body (any Content-Type), at most ${MAX_SHEET_BYTES / 1024 / 1024} MB; name: the file's name (for the errors). Nothing is written unless every row is good; each problem names the line and column. Importing the same sheet again adds nothing.`,
        security: Secured, querystring: z.object({ name: z.string().max(200).default('costs.csv'), sheet: z.string().max(100).optional() }).strict(),
        response: { 200: CostImportReportSchema },
      },
    }, async (req) => {
      const ctx = req.ctx();
      ctx.authorize('community.write');
      const q = req.query as { name: string; sheet?: string };
      const body = req.body as Buffer | undefined;
      if (!body?.length) throw invalid([{ field: 'body', reason: 'the upload is empty: send the sheet as the body' }]);
      const t = await parseTableFile(q.name, body, { sheet: q.sheet });
      return importCosts(ctx, { file: q.name, headers: t.headers, rows: t.rows });
    });
  });
}
