// Alerts (预警) and the webhooks they are posted to.
import { z } from 'zod';
import { AlertHookSchema, AlertSchema, acknowledgeAlert, createAlertHook, deleteAlertHook, listAlertHooks, listAlerts } from '../../modules/alerts/index.ts';
import { IdParams, NoContent, Secured, type App } from './common.ts';

const HookSchema = AlertHookSchema;

export function alertsRoutes(app: App) {
  const tags = ['评估 stats'];
  app.get('/api/v1/alerts', {
    schema: {
      tags, summary: 'Alerts, newest first: groups going quiet or near capacity, moderation surges, plans behind (evaluated every few minutes)', security: Secured,
      querystring: z.object({ status: z.enum(['open', 'resolved', 'all']).default('open'), limit: z.coerce.number().int().min(1).max(500).default(100) }).strict(),
      response: { 200: z.object({ items: z.array(AlertSchema) }) },
    },
  }, async (req) => ({ items: await listAlerts(req.ctx(), req.query) }));
  app.post('/api/v1/alerts/:id/acknowledge', {
    schema: { tags, summary: 'Mark an alert as seen (it stays open until its condition goes away)', security: Secured, params: IdParams, response: { 200: AlertSchema } },
  }, async (req) => acknowledgeAlert(req.ctx(), req.params.id));
  app.get('/api/v1/alert-hooks', {
    schema: { tags, summary: 'Webhooks new alerts are posted to', security: Secured, response: { 200: z.object({ items: z.array(HookSchema) }) } },
  }, async (req) => ({ items: await listAlertHooks(req.ctx()) }));
  app.post('/api/v1/alert-hooks', {
    schema: {
      tags, summary: 'Add a webhook: each new alert is POSTed as JSON, signed with HMAC-SHA256 of the body under the secret (hex, X-Shequn-Signature); the secret is shown once',
      security: Secured, body: z.object({ url: z.string().max(2000) }).strict(), response: { 201: HookSchema.extend({ secret: z.string() }).omit({ createdBy: true }) },
    },
  }, async (req, reply) => reply.code(201).send(await createAlertHook(req.ctx(), req.body)));
  app.delete('/api/v1/alert-hooks/:id', {
    schema: { tags, summary: 'Remove a webhook', security: Secured, params: IdParams, response: { 204: NoContent } },
  }, async (req, reply) => {
    await deleteAlertHook(req.ctx(), req.params.id);
    return reply.code(204).send(null);
  });
}
