// Connections to external platforms (a Telegram bot today): add one with its credentials (checked with the
// platform at once), list them with their health, check again, remove. Credentials are never returned.
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { SecretBox } from '../../kernel/secrets.ts';
import { telegramAccount } from '../../connectors/telegram/account.ts';
import { ConnectionCreateSchema, ConnectionSchema, addConnection, checkConnection, getConnection, listConnections, removeConnection, type AccountCheck } from '../../modules/connection/index.ts';
import { IdParams, NoContent, Secured, type App } from './common.ts';

export function connectionRoutes(app: App, deps: { config: Pick<Config, 'telegramApiRoot'>; secrets(): SecretBox }) {
  const tags = ['连接 connections'];
  const check: AccountCheck = (_platform, token) => telegramAccount(deps.config.telegramApiRoot, token);
  app.post('/api/v1/connections', {
    schema: {
      tags, summary: 'Connect a platform account (a Telegram bot by its token); the platform is asked who it is, and the token is kept sealed', security: Secured,
      body: ConnectionCreateSchema, response: { 201: ConnectionSchema },
    },
  }, async (req, reply) => reply.code(201).send(await addConnection(req.ctx(), req.body, { secrets: deps.secrets(), check })));
  app.get('/api/v1/connections', {
    schema: { tags, summary: 'Connected platform accounts with their health', security: Secured, response: { 200: z.object({ items: z.array(ConnectionSchema) }) } },
  }, async (req) => ({ items: await listConnections(req.ctx(), deps.secrets()) }));
  app.get('/api/v1/connections/:id', {
    schema: { tags, summary: 'A connection', security: Secured, params: IdParams, response: { 200: ConnectionSchema } },
  }, async (req) => getConnection(req.ctx(), req.params.id, deps.secrets()));
  app.post('/api/v1/connections/:id/check', {
    schema: { tags, summary: 'Ask the platform again whether the credentials work; the answer becomes the connection’s health', security: Secured, params: IdParams, response: { 200: ConnectionSchema } },
  }, async (req) => checkConnection(req.ctx(), req.params.id, { secrets: deps.secrets(), check }));
  app.delete('/api/v1/connections/:id', {
    schema: { tags, summary: 'Disconnect: the credentials are deleted', security: Secured, params: IdParams, response: { 204: NoContent } },
  }, async (req, reply) => {
    await removeConnection(req.ctx(), req.params.id);
    return reply.code(204).send(null);
  });
}
