// Webhook mode (SHEQUN_TELEGRAM_WEBHOOK_URL): Telegram posts each of a bot's updates to this server instead
// of the server fetching them by long polling. What a connection's webhook is (its address and secret), how
// it is set and how it is taken down again, shared by the listener (which keeps it set), the connection
// routes (which set it when a bot is connected or checked) and the webhook route (which checks the secret).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Api, GrammyError, HttpError } from 'grammy';
import { ALLOWED_UPDATES } from './inbox.ts';

/** The header Telegram sends the webhook's secret_token in (lower case, as Node gives headers). */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

/**
 * Each connection has its own path, so a bot's updates name their connection and a webhook left over from
 * another deployment (or another connection of the same bot) is recognised as Shequn's. The path holds no
 * secret: paths end up in proxies' access logs, the header does not.
 */
export const webhookPath = (connectionId: string): string => `/api/v1/connectors/telegram/${encodeURIComponent(connectionId)}/webhook`;

export const webhookUrl = (baseUrl: string, connectionId: string): string => `${baseUrl}${webhookPath(connectionId)}`;

/** Whether a webhook address is one this product gave this connection (on any host, under any prefix). */
export function isOurWebhook(url: string, connectionId: string): boolean {
  try {
    return new URL(url).pathname.endsWith(webhookPath(connectionId));
  } catch {
    return false;
  }
}

/**
 * The secret_token of a connection's webhook, derived rather than stored: an HMAC keyed by the bot's token
 * over the connection's id. Nothing new to seal, to migrate or to rotate by hand; every node derives the same
 * value; and it changes with the token (a token revoked in @BotFather is a new connection's secret). Keyed by
 * the token rather than the deployment's key because the token is exactly what the secret guards: whoever
 * holds it can already point the bot's webhook anywhere, so the derivation gives nothing away, and the
 * deployment's key stays used for sealing only. 43 characters of [A-Za-z0-9_-], as Telegram allows (1–256).
 */
export function webhookSecret(token: string, connectionId: string): string {
  return createHmac('sha256', token).update(`shequn:telegram-webhook:v1:${connectionId}`).digest('base64url');
}

/** Compares in constant time (a secret guessed a character at a time must not be timed). */
export function sameSecret(sent: string | string[] | undefined, expected: string): boolean {
  if (typeof sent !== 'string') return false;
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface WebhookTarget {
  baseUrl: string;
  maxConnections: number;
}

/** Points the bot's webhook at this server; pending updates are kept (Telegram delivers them next). */
export async function setWebhook(api: Api, target: WebhookTarget, connectionId: string, token: string): Promise<void> {
  await api.setWebhook(webhookUrl(target.baseUrl, connectionId), {
    secret_token: webhookSecret(token, connectionId),
    allowed_updates: [...ALLOWED_UPDATES],
    max_connections: target.maxConnections,
    drop_pending_updates: false,
  });
}

/** Another program (or another deployment) receives this bot's updates at `url`: long polling cannot, and the webhook is not ours to take. */
export class WebhookInTheWay extends Error {
  constructor(readonly url: string) {
    super(`a webhook is set for this bot at ${url} (another program receives its updates); delete it with the Bot API's deleteWebhook, or connect another bot`);
    this.name = 'WebhookInTheWay';
  }
}

/**
 * Before long polling: a webhook this product set (webhook mode earlier) is deleted, keeping its pending
 * updates for getUpdates; someone else's is left alone (WebhookInTheWay). Answers whether one was deleted.
 */
export async function leaveWebhook(api: Api, connectionId: string): Promise<boolean> {
  const info = await api.getWebhookInfo();
  if (!info.url) return false;
  if (!isOurWebhook(info.url, connectionId)) throw new WebhookInTheWay(info.url);
  await api.deleteWebhook({ drop_pending_updates: false });
  return true;
}

/** Why setting a webhook failed, in the words an operator acts on (the connection's lastError). */
export function webhookFailure(err: unknown, url: string, apiRoot: string): string {
  if (err instanceof GrammyError) return `Telegram refused the webhook ${url}: ${err.error_code} ${err.description}`;
  if (err instanceof HttpError) return `could not reach the Telegram Bot API at ${apiRoot}: ${(err.error as Error)?.message ?? err.message}`;
  return (err as Error).message ?? String(err);
}

/** For the connection routes: set the webhook now, so that connecting or checking a bot tells at once whether Telegram accepts it. */
export async function attachWebhook(opts: { apiRoot: string; timeoutMs: number; target: WebhookTarget }, connectionId: string, token: string): Promise<void> {
  const api = new Api(token, { apiRoot: opts.apiRoot, timeoutSeconds: opts.timeoutMs / 1000 });
  try {
    await setWebhook(api, opts.target, connectionId, token);
  } catch (e) {
    throw new Error(webhookFailure(e, webhookUrl(opts.target.baseUrl, connectionId), opts.apiRoot));
  }
}

/**
 * For a bot being disconnected: its token is about to be deleted, after which nobody here could take the
 * webhook down, and Telegram would go on posting to a connection that is gone. Only our own webhook.
 */
export async function detachWebhook(opts: { apiRoot: string; timeoutMs: number }, connectionId: string, token: string): Promise<boolean> {
  const api = new Api(token, { apiRoot: opts.apiRoot, timeoutSeconds: opts.timeoutMs / 1000 });
  const info = await api.getWebhookInfo();
  if (!info.url || !isOurWebhook(info.url, connectionId)) return false;
  await api.deleteWebhook({ drop_pending_updates: false });
  return true;
}
