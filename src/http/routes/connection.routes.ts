// Connections to external platforms (a Telegram bot today): add one with its credentials (checked with the
// platform at once), list them with their health, check again, remove. Credentials are never returned.
// In webhook mode, adding or checking a bot also sets its webhook (so the answer says whether Telegram
// accepts it) and removing one takes its webhook down while its token still exists.
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { SecretBox } from '../../kernel/secrets.ts';
import { telegramAccount } from '../../connectors/telegram/account.ts';
import { attachWebhook, detachWebhook } from '../../connectors/telegram/webhook.ts';
import {
  ConnectionCreateSchema, ConnectionSchema, addConnection, checkConnection, getConnection, listConnections, removeConnection,
  type AccountAttach, type AccountCheck, type AccountDetach,
} from '../../modules/connection/index.ts';
import { IdParams, NoContent, Secured, type App } from './common.ts';

type TelegramConfig = Pick<Config, 'telegramApiRoot' | 'telegramTimeoutMs' | 'telegramWebhookUrl' | 'telegramWebhookMaxConnections'>;

export function connectionRoutes(app: App, deps: { config: TelegramConfig; secrets(): SecretBox }) {
  const tags = ['连接 connections'];
  const c = deps.config;
  const check: AccountCheck = (_platform, token) => telegramAccount(c.telegramApiRoot, token);
  const bot = { apiRoot: c.telegramApiRoot, timeoutMs: c.telegramTimeoutMs };
  const attach: AccountAttach | undefined = c.telegramWebhookUrl
    ? (x) => attachWebhook({ ...bot, target: { baseUrl: c.telegramWebhookUrl!, maxConnections: c.telegramWebhookMaxConnections } }, x.id, x.token)
    : undefined;
  // Long polling deletes a leftover webhook of ours itself (listener.ts); only webhook mode has one to take down.
  const detach: AccountDetach | undefined = c.telegramWebhookUrl ? async (x) => void (await detachWebhook(bot, x.id, x.token)) : undefined;
  app.post('/api/v1/connections', {
    schema: {
      tags, summary: 'Connect a platform account (a Telegram bot by its token); the platform is asked who it is (in webhook mode the bot’s webhook is set), and the token is kept sealed', security: Secured,
      body: ConnectionCreateSchema, response: { 201: ConnectionSchema },
    },
  }, async (req, reply) => reply.code(201).send(await addConnection(req.ctx(), req.body, { secrets: deps.secrets(), check, attach })));
  app.get('/api/v1/connections', {
    schema: { tags, summary: 'Connected platform accounts with their health', security: Secured, response: { 200: z.object({ items: z.array(ConnectionSchema) }) } },
  }, async (req) => ({ items: await listConnections(req.ctx(), deps.secrets()) }));
  app.get('/api/v1/connections/:id', {
    schema: { tags, summary: 'A connection', security: Secured, params: IdParams, response: { 200: ConnectionSchema } },
  }, async (req) => getConnection(req.ctx(), req.params.id, deps.secrets()));
  app.post('/api/v1/connections/:id/check', {
    schema: { tags, summary: 'Ask the platform again whether the credentials work (in webhook mode, whether Telegram accepts the webhook); the answer becomes the connection’s health', security: Secured, params: IdParams, response: { 200: ConnectionSchema } },
  }, async (req) => checkConnection(req.ctx(), req.params.id, { secrets: deps.secrets(), check, attach }));
  app.delete('/api/v1/connections/:id', {
    schema: { tags, summary: 'Disconnect: the credentials are deleted (in webhook mode the bot’s webhook is deleted first)', security: Secured, params: IdParams, response: { 204: NoContent } },
  }, async (req, reply) => {
    await removeConnection(req.ctx(), req.params.id, { secrets: deps.secrets(), detach });
    return reply.code(204).send(null);
  });
}
