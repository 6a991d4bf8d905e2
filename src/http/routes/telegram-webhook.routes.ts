// The address Telegram posts a connected bot's updates to in webhook mode (SHEQUN_TELEGRAM_WEBHOOK_URL; the
// listener sets it, see src/connectors/telegram/listener.ts). Public, as Telegram has no operator's
// credentials: a request is Telegram's when it carries the connection's secret_token in
// X-Telegram-Bot-Api-Secret-Token, else it is a 401 and nothing is read into the database.
//
// The update is recorded through the same inbox as long polling (idempotent per update) before the answer:
// a 200 means it is kept, so an update whose recording failed (the database down: a 5xx) is posted again by
// Telegram, and one posted again after it was kept is a 200 that writes nothing. A body that is not an
// update is a 4xx; it is never a 5xx, which Telegram would retry for nothing.
import type { FastifyRequest } from 'fastify';
import type { Update } from 'grammy/types';
import { z } from 'zod';
import { openToken } from '../../connectors/telegram/api.ts';
import { ALLOWED_UPDATES, telegramInbox } from '../../connectors/telegram/inbox.ts';
import { SECRET_HEADER, sameSecret, webhookSecret } from '../../connectors/telegram/webhook.ts';
import type { Clock, IdGenerator } from '../../kernel/clock.ts';
import { Ctx, type Actor } from '../../kernel/context.ts';
import type { Db } from '../../kernel/db/connect.ts';
import { TenantDb } from '../../kernel/db/tenant.ts';
import { ShequnError } from '../../kernel/errors.ts';
import type { EventPublisher } from '../../kernel/events.ts';
import type { Logger } from '../../kernel/logger.ts';
import type { SecretBox } from '../../kernel/secrets.ts';
import { IdParams, type App } from './common.ts';

const WEBHOOK: Actor = { kind: 'system', id: null, name: 'Telegram webhook', role: 'admin', scope: null };

/**
 * An update is a few kilobytes (a 4096-character message with its entities and the message it answers);
 * well below the API's own limit, so that an unauthenticated caller cannot make the server read a megabyte.
 */
export const WEBHOOK_BODY_LIMIT = 256 * 1024;

// The fields the connector reads, checked so that an odd body is a 400 rather than a failure in recording.
// Objects stay open (Telegram adds fields over time); the update itself is closed, one key per update type.
const int = z.number().int();
const Chat = z.looseObject({ id: int, type: z.string().max(64), title: z.string().optional() });
const User = z.looseObject({ id: int, first_name: z.string(), last_name: z.string().optional(), username: z.string().optional() });
const Entity = z.looseObject({ type: z.string().max(64), offset: int.min(0), length: int.min(0), url: z.string().optional(), user: User.optional() });
const File = z.looseObject({ file_id: z.string(), file_unique_id: z.string(), file_name: z.string().optional() });
const Photo = z.looseObject({ file_id: z.string(), file_unique_id: z.string(), width: int, height: int });
const Message = z.looseObject({
  message_id: int, date: int, edit_date: int.optional(), chat: Chat, from: User.optional(),
  text: z.string().optional(), caption: z.string().optional(), entities: z.array(Entity).optional(), caption_entities: z.array(Entity).optional(),
  reply_to_message: z.looseObject({ message_id: int }).optional(),
  photo: z.array(Photo).optional(), voice: File.optional(), animation: File.optional(), video: File.optional(), audio: File.optional(), document: File.optional(), sticker: File.optional(),
  new_chat_members: z.array(User).optional(), left_chat_member: User.optional(), new_chat_title: z.string().optional(),
  migrate_to_chat_id: int.optional(), migrate_from_chat_id: int.optional(),
});
const Other = z.looseObject({}).optional();

export const TelegramUpdateSchema = z.strictObject({
  update_id: int.min(0),
  message: Message.optional(),
  edited_message: Message.optional(),
  my_chat_member: z.looseObject({ chat: Chat, date: int, new_chat_member: z.looseObject({ status: z.string().max(64) }) }).optional(),
  chat_member: z.looseObject({
    chat: Chat, from: User, date: int,
    old_chat_member: z.looseObject({ status: z.string().max(64), user: User, is_member: z.boolean().optional() }),
    new_chat_member: z.looseObject({ status: z.string().max(64), user: User, is_member: z.boolean().optional() }),
  }).optional(),
  chat_join_request: z.looseObject({ chat: Chat, from: User, date: int, bio: z.string().optional() }).optional(),
  message_reaction: z.looseObject({
    chat: Chat, date: int, message_id: int, user: User.optional(),
    new_reaction: z.array(z.looseObject({ type: z.string().max(64), emoji: z.string().optional() })),
  }).optional(),
  // Update types this server does not ask for (setWebhook's allowed_updates) but a bot may still have queued
  // from before: accepted and ignored, so that they do not block the bot's queue.
  channel_post: Other, edited_channel_post: Other, business_connection: Other, business_message: Other, edited_business_message: Other,
  deleted_business_messages: Other, message_reaction_count: Other, inline_query: Other, chosen_inline_result: Other, callback_query: Other,
  shipping_query: Other, pre_checkout_query: Other, purchased_paid_media: Other, poll: Other, poll_answer: Other,
  chat_boost: Other, removed_chat_boost: Other,
}).describe(`A Telegram Update (https://core.telegram.org/bots/api#update); this server asks for ${ALLOWED_UPDATES.join(', ')}`);

export function telegramWebhookRoutes(app: App, deps: { db: Db; clock: Clock; ids: IdGenerator; events?: EventPublisher | undefined; secrets(): SecretBox }) {
  const inbox = telegramInbox(deps.db.kysely);
  // One answer for an unknown connection and a wrong secret: the endpoint tells a stranger nothing.
  const refused = () => new ShequnError('auth.required', `Telegram's requests carry the connection's webhook secret in the ${SECRET_HEADER} header`);

  /** The connection whose secret the request carries. */
  async function connectionOf(req: FastifyRequest, id: string): Promise<{ workspaceId: string; botId: number }> {
    const r = await deps.db.kysely.selectFrom('connections').select(['workspace_id', 'platform', 'account_id', 'credentials']).where('id', '=', id).executeTakeFirst();
    const sent = req.headers[SECRET_HEADER];
    if (!r || r.platform !== 'telegram') {
      req.log.warn({ connectionId: id, secretSent: sent !== undefined }, 'telegram webhook: a post for no connection of this server');
      throw refused();
    }
    let token: string;
    try {
      token = openToken(deps.secrets(), r.credentials);
    } catch (err) {
      req.log.error({ err, connectionId: id }, "telegram webhook: the bot's token does not open with this deployment's key, so its secret cannot be checked");
      throw refused();
    }
    if (!sameSecret(sent, webhookSecret(token, id))) {
      req.log.warn({ connectionId: id, secretSent: sent !== undefined }, 'telegram webhook: a post without the connection\'s secret');
      throw refused();
    }
    return { workspaceId: r.workspace_id, botId: Number(r.account_id) };
  }

  app.post('/api/v1/connectors/telegram/:id/webhook', {
    config: { public: true },
    bodyLimit: WEBHOOK_BODY_LIMIT,
    schema: {
      tags: ['连接 connections'],
      summary: 'Where Telegram posts a connected bot’s updates in webhook mode (public; authenticated by the connection’s webhook secret)',
      description: 'Set by this server with setWebhook when SHEQUN_TELEGRAM_WEBHOOK_URL is configured. A 200 means the update is recorded (again: nothing new); a 5xx asks Telegram to post it again.',
      security: [{ telegramWebhookSecret: [] }],
      params: IdParams, body: TelegramUpdateSchema, response: { 200: z.object({ ok: z.literal(true) }) },
    },
  }, async (req) => {
    const id = req.params.id;
    const { workspaceId, botId } = await connectionOf(req, id);
    const log = req.log.child({ workspaceId, connectionId: id, updateId: req.body.update_id }) as unknown as Logger;
    const ctx = new Ctx(new TenantDb(deps.db.kysely, workspaceId, deps.db.sqlite), WEBHOOK, deps.clock, deps.ids, log, deps.events);
    await inbox.record(ctx, id, botId, [req.body as unknown as Update]);
    return { ok: true as const };
  });
}
