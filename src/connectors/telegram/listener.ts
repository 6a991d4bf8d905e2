// Listening to the connected bots by long polling: one loop per active Telegram connection, each update
// turned into the connector contract's events and recorded, then confirmed (the offset is saved after the
// record, so a crash in between hears the same updates again: recording is idempotent). Errors back off
// (1 s, 2 s, … 60 s); a token Telegram refuses marks the connection failing and stops its loop until an
// operator checks it again. Connections added or removed are picked up within `rescanMs`.
import { GrammyError } from 'grammy';
import type { Kysely } from 'kysely';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import type { Logger } from '../../kernel/logger.ts';
import { recordEvents } from '../../modules/inbound/index.ts';
import { POLL_SECONDS, type TelegramAccounts } from './api.ts';
import { eventsOf } from './updates.ts';

const ALLOWED = ['message', 'edited_message', 'my_chat_member', 'chat_join_request', 'message_reaction'] as const;

export interface Listeners {
  /** Looks for connections to start or stop now (also done every rescanMs). */
  rescan(): Promise<void>;
  /** Which connections are being listened to, with their last error. */
  state(): Map<string, { running: boolean; lastError: string | null; updates: number }>;
  stop(): Promise<void>;
}

export function telegramListeners(deps: {
  db: Kysely<Database>; accounts: TelegramAccounts; log: Logger; ctxFor: (workspaceId: string) => Ctx; rescanMs?: number; pollTimeoutS?: number;
  /** Called after updates were recorded (the engine runs its rules at once instead of on its next tick). */
  onHeard?: () => void;
}): Listeners {
  const { db, accounts, log } = deps;
  const loops = new Map<string, { stop: AbortController; done: Promise<void>; lastError: string | null; updates: number }>();
  let stopped = false;

  async function markFailing(id: string, reason: string) {
    await db.updateTable('connections').set({ status: 'failing', last_error: reason.slice(0, 500), checked_at: Date.now(), updated_at: Date.now() }).where('id', '=', id).execute();
  }

  function start(id: string) {
    const stop = new AbortController();
    const entry = { stop, done: Promise.resolve(), lastError: null as string | null, updates: 0 };
    entry.done = (async () => {
      let failures = 0;
      while (!stop.signal.aborted) {
        try {
          const { poll, workspaceId, botId } = await accounts.get(id);
          const row = await db.selectFrom('connections').select('poll_offset').where('id', '=', id).executeTakeFirst();
          if (!row) return;
          const updates = await poll.getUpdates({ offset: row.poll_offset ?? undefined, timeout: deps.pollTimeoutS ?? POLL_SECONDS, limit: 100, allowed_updates: [...ALLOWED] }, stop.signal as never);
          failures = 0;
          entry.lastError = null;
          if (!updates.length) continue;
          const events = updates.flatMap((u) => eventsOf(u, botId));
          await recordEvents(deps.ctxFor(workspaceId), 'telegram', id, events);
          await db.updateTable('connections').set({ poll_offset: updates[updates.length - 1]!.update_id + 1 }).where('id', '=', id).execute();
          entry.updates += updates.length;
          deps.onHeard?.();
        } catch (err) {
          if (stop.signal.aborted) return;
          entry.lastError = (err as Error).message;
          if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) {
            log.warn({ connectionId: id, err: err.description }, 'telegram: the token was refused; listening stops until the connection is checked again');
            await markFailing(id, `Telegram refused the token: ${err.error_code} ${err.description}`);
            accounts.forget(id);
            return;
          }
          failures++;
          const wait = Math.min(60_000, 1000 * 2 ** Math.min(failures - 1, 6));
          log.warn({ connectionId: id, err, retryInMs: wait }, 'telegram: listening failed; trying again');
          if (err instanceof GrammyError && err.error_code === 409) await markFailing(id, `${err.description} (another program is polling this bot, or a webhook is set)`);
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, wait);
            stop.signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
          });
        }
      }
    })();
    loops.set(id, entry);
  }

  async function rescan() {
    if (stopped) return;
    const active = await db.selectFrom('connections').select(['id', 'status']).where('platform', '=', 'telegram').execute();
    const want = new Set(active.filter((c) => c.status === 'active').map((c) => c.id));
    for (const [id, l] of loops) {
      if (!want.has(id)) {
        l.stop.abort();
        loops.delete(id);
        accounts.forget(id);
      }
    }
    for (const id of want) if (!loops.has(id)) start(id);
  }

  const timer = setInterval(() => void rescan().catch((err) => log.error({ err }, 'telegram: rescan failed')), deps.rescanMs ?? 5000);
  timer.unref();
  void rescan().catch((err) => log.error({ err }, 'telegram: rescan failed'));

  return {
    rescan,
    state: () => new Map([...loops].map(([id, l]) => [id, { running: true, lastError: l.lastError, updates: l.updates }])),
    async stop() {
      stopped = true;
      clearInterval(timer);
      for (const l of loops.values()) l.stop.abort();
      await Promise.all([...loops.values()].map((l) => l.done));
      loops.clear();
    },
  };
}
