import { z } from 'zod';
import { listAudit } from '../../modules/audit/index.ts';
import {
  OperatorCreateSchema, OperatorSchema, OperatorUpdateSchema, TokenCreateSchema, TokenSchema,
  createOperator, createToken, deleteOperator, getOperator, listOperators, listTokens, revokeToken, updateOperator,
} from '../../modules/operator/index.ts';
import { decodeCursor, encodeCursor } from '../../kernel/cursor.ts';
import { IdParams, NoContent, Page, Secured, type App } from './common.ts';

const AuditEntrySchema = z.object({
  id: z.string(),
  at: z.string(),
  actor: z.object({ type: z.string(), id: z.string().nullable(), name: z.string().nullable() }),
  action: z.string(),
  target: z.object({ type: z.string().nullable(), id: z.string().nullable() }),
  detail: z.record(z.string(), z.unknown()),
});

export function operatorRoutes(app: App) {
  const tags = ['team'];
  app.get('/api/v1/operators', { schema: { tags, summary: 'List operators', security: Secured, response: { 200: z.object({ items: z.array(OperatorSchema) }) } } },
    async (req) => ({ items: await listOperators(req.ctx()) }));
  app.post('/api/v1/operators', { schema: { tags, summary: 'Add an operator', security: Secured, body: OperatorCreateSchema, response: { 201: OperatorSchema } } },
    async (req, reply) => reply.code(201).send(await createOperator(req.ctx(), req.body)));
  app.get('/api/v1/operators/:id', { schema: { tags, summary: 'Get an operator', security: Secured, params: IdParams, response: { 200: OperatorSchema } } },
    async (req) => getOperator(req.ctx(), req.params.id));
  app.patch('/api/v1/operators/:id', { schema: { tags, summary: 'Change an operator (role, scope, password, disabled)', security: Secured, params: IdParams, body: OperatorUpdateSchema, response: { 200: OperatorSchema } } },
    async (req) => updateOperator(req.ctx(), req.params.id, req.body));
  app.delete('/api/v1/operators/:id', { schema: { tags, summary: 'Disable an operator (kept for the audit log)', security: Secured, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await deleteOperator(req.ctx(), req.params.id);
      return reply.code(204).send(null);
    });

  app.get('/api/v1/tokens', { schema: { tags, summary: 'List API tokens', security: Secured, response: { 200: z.object({ items: z.array(TokenSchema) }) } } },
    async (req) => ({ items: await listTokens(req.ctx()) }));
  app.post('/api/v1/tokens', {
    schema: { tags, summary: 'Create an API token; the secret is shown once', security: Secured, body: TokenCreateSchema, response: { 201: z.object({ token: z.string(), apiToken: TokenSchema }) } },
  }, async (req, reply) => reply.code(201).send(await createToken(req.ctx(), req.body)));
  app.delete('/api/v1/tokens/:id', { schema: { tags, summary: 'Revoke an API token', security: Secured, params: IdParams, response: { 204: NoContent } } },
    async (req, reply) => {
      await revokeToken(req.ctx(), req.params.id);
      return reply.code(204).send(null);
    });

  app.get('/api/v1/audit-log', {
    schema: {
      tags, summary: 'The audit log: who wrote what, when', security: Secured,
      querystring: z.object({
        limit: z.coerce.number().int().min(1).max(500).default(100),
        cursor: z.string().max(200).optional(),
        action: z.string().max(100).optional(),
        actorId: z.string().max(64).optional(),
      }).strict(),
      response: { 200: Page(AuditEntrySchema) },
    },
  }, async (req) => {
    const c = decodeCursor(req.query.cursor);
    const items = await listAudit(req.ctx(), { ...req.query, limit: req.query.limit + 1, cursor: c ? { at: c.key, id: c.id } : undefined });
    const page = items.slice(0, req.query.limit);
    const last = page[page.length - 1];
    return { items: page, nextCursor: items.length > req.query.limit && last ? encodeCursor(Date.parse(last.at), last.id) : null };
  });
}
