// What a connected bot heard, however it heard it: the updates long polling fetched (listener.ts) and the
// ones Telegram posted to the webhook (src/http/routes/telegram-webhook.routes.ts) take this one path into the
// connector contract's events and recordEvents, so both modes write the same rows, once per update.
import type { Update } from 'grammy/types';
import type { Kysely } from 'kysely';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { invalid } from '../../kernel/errors.ts';
import { recordEvents, type Heard, type PlatformEvent } from '../../modules/inbound/index.ts';
import { eventsOf } from './updates.ts';

/**
 * The updates a bot is asked for, by getUpdates and by setWebhook alike. chat_member (sent only when asked
 * for, and only to admin bots) is how a bot hears of the removals it made itself: it gets no service message
 * for its own actions.
 */
export const ALLOWED_UPDATES = ['message', 'edited_message', 'my_chat_member', 'chat_member', 'chat_join_request', 'message_reaction'] as const;

export interface TelegramInbox {
  /**
   * Records what one bot heard, in order, and tells the listeners. Recording is idempotent (keyed by the
   * platform's ids), so hearing an update again writes nothing new. Throws a validation error (nothing
   * recorded) when an update is not shaped as Telegram shapes one.
   */
  record(ctx: Ctx, connectionId: string, botId: number, updates: Update[]): Promise<Heard>;
  /** Hears every recording of this process (the engine runs its rules at once, the listeners count). */
  listen(fn: (connectionId: string, updates: number) => void): () => void;
}

// One inbox per database handle, that is per runtime: the HTTP app (the webhook) is built before the engine
// (which wakes on what is heard) starts, and neither is handed the other; both know the database.
const inboxes = new WeakMap<object, TelegramInbox>();

export function telegramInbox(db: Kysely<Database>): TelegramInbox {
  let inbox = inboxes.get(db);
  if (!inbox) {
    inbox = createInbox();
    inboxes.set(db, inbox);
  }
  return inbox;
}

/** The connector contract's events of some updates; a validation error naming the update when one cannot be read. */
export function eventsOfUpdates(updates: Update[], botId: number): PlatformEvent[] {
  return updates.flatMap((u) => {
    try {
      return eventsOf(u, botId);
    } catch (e) {
      throw invalid([{ field: 'body', reason: `update ${String(u?.update_id)} is not shaped as Telegram shapes one: ${(e as Error).message}` }], 'The update cannot be read');
    }
  });
}

function createInbox(): TelegramInbox {
  const listeners = new Set<(connectionId: string, updates: number) => void>();
  // Per connection, one recording at a time: Telegram may deliver a bot's updates over several connections
  // at once (and the same update twice after a timeout); in order, they never race to make the same member.
  const tails = new Map<string, Promise<unknown>>();
  const serial = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
    const run = (tails.get(key) ?? Promise.resolve()).then(fn);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return run;
  };
  return {
    async record(ctx, connectionId, botId, updates) {
      const events = eventsOfUpdates(updates, botId);
      const heard = await serial(connectionId, () => recordEvents(ctx, 'telegram', connectionId, events));
      for (const fn of listeners) {
        try {
          fn(connectionId, updates.length);
        } catch (err) {
          ctx.log.error({ err, connectionId }, 'telegram: a listener of the inbox failed');
        }
      }
      return heard;
    },
    listen(fn) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
  };
}
