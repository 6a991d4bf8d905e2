// The supporters of the community's events (评估: community-wide events and the firms and people behind them).
import { createSupporter, deleteSupporter, importSupporters, listSupporters, SupporterImportReportSchema, SupporterInputSchema, SupporterListQuerySchema, SupporterSchema } from '../../modules/supporters/index.ts';
import { IdParams, NoContent, Page, Secured, type App } from './common.ts';
import { sheetRoute } from './sheet-route.ts';

export function supportersRoutes(app: App) {
  const tags = ['评估 stats'];
  app.post('/api/v1/event-supporters', {
    schema: { tags, summary: 'Record a firm or a person who supported an event (a venue, goods, money, a talk, their time)', security: Secured, body: SupporterInputSchema, response: { 201: SupporterSchema } },
  }, async (req, reply) => reply.code(201).send(await createSupporter(req.ctx(), req.body)));
  app.get('/api/v1/event-supporters', {
    schema: { tags, summary: 'Supporters of events, newest recorded first', security: Secured, querystring: SupporterListQuerySchema, response: { 200: Page(SupporterSchema) } },
  }, async (req) => listSupporters(req.ctx(), req.query));
  app.delete('/api/v1/event-supporters/:id', {
    schema: { tags, summary: 'Delete a supporter recorded by mistake', security: Secured, params: IdParams, response: { 204: NoContent } },
  }, async (req, reply) => {
    await deleteSupporter(req.ctx(), req.params.id);
    return reply.code(204).send(null);
  });
  sheetRoute(app, '/api/v1/event-supporters/import', {
    tags, summary: 'Import supporters from a CSV or XLSX sheet: 日期, 活动 (eventId or name), 类型 (企业/个人), 名称, and optionally 贡献, 金额 (yuan), 社群; importing the same sheet again adds nothing',
    response: SupporterImportReportSchema, defaultName: 'supporters.csv',
  }, async (ctx, _params, read) => {
    ctx.authorize('community.write');
    return importSupporters(ctx, await read());
  });
}
