// Listening to the connected bots: one worker per active Telegram connection, in one of two modes.
//
// Long polling (the default): getUpdates in a loop, each batch recorded through the inbox, then confirmed
// (the offset is saved after the record, so a crash in between hears the same updates again: recording is
// idempotent). A webhook this product set earlier (webhook mode before) is deleted first, its pending updates
// kept for getUpdates; someone else's webhook marks the connection failing instead of being taken.
//
// Webhook mode (`webhook` given): the worker sets the bot's webhook to this server at its start, then looks
// at getWebhookInfo now and then: a webhook deleted meanwhile is set again, one taken by another program
// marks the connection failing, and Telegram's last delivery error becomes the worker's lastError. The
// updates themselves arrive at the webhook route, which records them through the same inbox.
//
// In both modes errors back off (1 s, 2 s, … 60 s); a token Telegram refuses, a webhook it refuses, or a bot
// another program listens to marks the connection failing with the reason and stops its worker until an
// operator checks it again. Connections added, checked or removed are picked up within `rescanMs`.
import { GrammyError } from 'grammy';
import type { Kysely } from 'kysely';
import type { Update } from 'grammy/types';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { ShequnError } from '../../kernel/errors.ts';
import type { Logger } from '../../kernel/logger.ts';
import { POLL_SECONDS, type TelegramAccounts } from './api.ts';
import { ALLOWED_UPDATES, telegramInbox } from './inbox.ts';
import { WebhookInTheWay, isOurWebhook, leaveWebhook, setWebhook, webhookFailure, webhookUrl, type WebhookTarget } from './webhook.ts';

export interface ListenerState {
  running: boolean;
  mode: 'polling' | 'webhook';
  lastError: string | null;
  /** Updates recorded for this connection by this process (polled, or posted to its webhook). */
  updates: number;
}

export interface Listeners {
  /** Looks for connections to start or stop now (also done every rescanMs). */
  rescan(): Promise<void>;
  /** Which connections are being listened to, with their last error. */
  state(): Map<string, ListenerState>;
  stop(): Promise<void>;
}

/** Ends a worker: the connection is marked failing with `reason` (an operator's check starts it again). */
class Stop extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

/** Why a failure ends a worker (the connection's lastError), or null for one that is worth trying again. */
function stopReason(err: unknown): string | null {
  if (err instanceof Stop) return err.reason;
  if (err instanceof WebhookInTheWay) return err.message;
  if (!(err instanceof GrammyError)) return null;
  if (err.error_code === 401 || err.error_code === 404) return `Telegram refused the token: ${err.error_code} ${err.description}`;
  // A webhook set meanwhile is looked at in the next round (ours is deleted); another poller is not ours to fight.
  if (err.error_code === 409 && !/webhook/i.test(err.description)) return `${err.description} (another program is polling this bot)`;
  return null;
}

interface Worker {
  stop: AbortController;
  done: Promise<void>;
  lastError: string | null;
  updates: number;
}

export function telegramListeners(deps: {
  db: Kysely<Database>; accounts: TelegramAccounts; log: Logger; ctxFor: (workspaceId: string) => Ctx; rescanMs?: number; pollTimeoutS?: number;
  /** Webhook mode: where Telegram reaches this server; long polling when absent. */
  webhook?: (WebhookTarget & { checkEveryMs?: number }) | null;
}): Listeners {
  const { db, accounts, log } = deps;
  const mode = deps.webhook ? 'webhook' : 'polling';
  const inbox = telegramInbox(db);
  const workers = new Map<string, Worker>();
  let stopped = false;
  // Counted here whichever way the updates came (the webhook route records in the HTTP server's requests).
  const unlisten = inbox.listen((id, n) => {
    const w = workers.get(id);
    if (w) w.updates += n;
  });

  async function markFailing(id: string, reason: string) {
    await db.updateTable('connections').set({ status: 'failing', last_error: reason.slice(0, 500), checked_at: Date.now(), updated_at: Date.now() }).where('id', '=', id).execute();
  }

  // An abort that came while a call was in flight has already fired: it must not be waited for.
  const pause = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });

  /** One round of long polling; `st.clear` asks for a look at the webhook first. False when the connection is gone. */
  async function poll(id: string, signal: AbortSignal, st: { clear: boolean }): Promise<boolean> {
    const { api, poll, workspaceId, botId } = await accounts.get(id);
    if (st.clear) {
      if (await leaveWebhook(api, id)) log.info({ connectionId: id }, 'telegram: deleted the webhook of webhook mode; listening by long polling (pending updates kept)');
      st.clear = false;
    }
    const row = await db.selectFrom('connections').select('poll_offset').where('id', '=', id).executeTakeFirst();
    if (!row) return false;
    const updates = await poll.getUpdates({ offset: row.poll_offset ?? undefined, timeout: deps.pollTimeoutS ?? POLL_SECONDS, limit: 100, allowed_updates: [...ALLOWED_UPDATES] }, signal as never);
    if (updates.length) {
      await recordHeard(deps.ctxFor(workspaceId), id, botId, updates);
      await db.updateTable('connections').set({ poll_offset: updates[updates.length - 1]!.update_id + 1 }).where('id', '=', id).execute();
    }
    return true;
  }

  /**
   * Records a batch of updates; one the connector cannot read is logged and passed over, one by one, so that
   * it does not hold back every update after it (the offset moves only past a recorded batch).
   */
  async function recordHeard(ctx: Ctx, id: string, botId: number, updates: Update[]) {
    const unreadable = (err: unknown) => err instanceof ShequnError && err.code === 'validation.failed';
    try {
      await inbox.record(ctx, id, botId, updates);
    } catch (err) {
      if (!unreadable(err)) throw err;
      for (const u of updates) {
        try {
          await inbox.record(ctx, id, botId, [u]);
        } catch (e) {
          if (!unreadable(e)) throw e;
          log.error({ err: e, connectionId: id, updateId: u.update_id }, 'telegram: an update that cannot be read was passed over');
        }
      }
    }
  }

  /** One round of webhook mode: set it (first), or see that it is still ours and how deliveries go. */
  async function keepWebhook(id: string, signal: AbortSignal, w: Worker, st: { set: boolean; reported: number }) {
    const target = deps.webhook!;
    const { api, token } = await accounts.get(id);
    const url = webhookUrl(target.baseUrl, id);
    if (!st.set) {
      try {
        await setWebhook(api, target, id, token);
      } catch (err) {
        // Telegram's 4xx (a URL it cannot use, not HTTPS, a port it does not post to) stays so until the deployment changes.
        if (err instanceof GrammyError && err.error_code !== 429 && err.error_code < 500 && err.error_code !== 401 && err.error_code !== 404) throw new Stop(webhookFailure(err, url, accounts.options.apiRoot));
        throw err;
      }
      st.set = true;
      w.lastError = null;
      log.info({ connectionId: id, url }, 'telegram: webhook set; Telegram posts this bot\'s updates to this server');
    } else {
      const info = await api.getWebhookInfo();
      if (info.url !== url) {
        if (info.url && isOurWebhook(info.url, id)) throw new Stop(`another Shequn server receives this bot's updates at ${info.url} (a second deployment with another SHEQUN_TELEGRAM_WEBHOOK_URL?)`);
        if (info.url) throw new Stop(new WebhookInTheWay(info.url).message);
        // Deleted by someone (a deleteWebhook by hand): set it again at once.
        log.warn({ connectionId: id, url }, 'telegram: the webhook was deleted elsewhere; setting it again');
        st.set = false;
        return;
      }
      // Telegram keeps the last failed delivery's error; it counts while updates wait (it retries on its own).
      const failing = info.last_error_date !== undefined && info.pending_update_count > 0;
      w.lastError = failing ? `Telegram cannot deliver to ${url}: ${info.last_error_message ?? 'unknown error'} (${info.pending_update_count} updates waiting)` : null;
      if (failing && info.last_error_date !== st.reported) {
        st.reported = info.last_error_date!;
        log.warn({ connectionId: id, url, err: info.last_error_message, pending: info.pending_update_count }, 'telegram: Telegram cannot deliver to the webhook; it will retry');
      }
    }
    await pause(target.checkEveryMs ?? 60_000, signal);
  }

  function start(id: string) {
    const stop = new AbortController();
    const w: Worker = { stop, done: Promise.resolve(), lastError: null, updates: 0 };
    w.done = (async () => {
      let failures = 0;
      const polling = { clear: true };
      const hook = { set: false, reported: 0 };
      while (!stop.signal.aborted) {
        try {
          if (deps.webhook) await keepWebhook(id, stop.signal, w, hook);
          else {
            if (!(await poll(id, stop.signal, polling))) return;
            w.lastError = null;
          }
          failures = 0;
        } catch (err) {
          if (stop.signal.aborted) return;
          w.lastError = (err as Error).message;
          const reason = stopReason(err);
          if (reason) {
            log.warn({ connectionId: id, mode, err: reason }, 'telegram: listening stops until the connection is checked again');
            await markFailing(id, reason).catch((e) => log.error({ err: e, connectionId: id }, 'telegram: marking the connection failing failed'));
            accounts.forget(id);
            return;
          }
          if (err instanceof GrammyError && err.error_code === 409) polling.clear = true;
          failures++;
          const wait = Math.min(60_000, 1000 * 2 ** Math.min(failures - 1, 6));
          log.warn({ connectionId: id, mode, err, retryInMs: wait }, 'telegram: listening failed; trying again');
          await pause(wait, stop.signal);
        }
      }
    })().finally(() => {
      // A worker that ended by itself makes room: the connection, checked again, gets a new one.
      if (workers.get(id) === w && !stop.signal.aborted) workers.delete(id);
    });
    workers.set(id, w);
  }

  async function rescan() {
    if (stopped) return;
    const active = await db.selectFrom('connections').select(['id', 'status']).where('platform', '=', 'telegram').execute();
    const want = new Set(active.filter((c) => c.status === 'active').map((c) => c.id));
    for (const [id, w] of workers) {
      if (!want.has(id)) {
        w.stop.abort();
        workers.delete(id);
        accounts.forget(id);
      }
    }
    for (const id of want) if (!workers.has(id)) start(id);
  }

  const timer = setInterval(() => void rescan().catch((err) => log.error({ err }, 'telegram: rescan failed')), deps.rescanMs ?? 5000);
  timer.unref();
  void rescan().catch((err) => log.error({ err }, 'telegram: rescan failed'));

  return {
    rescan,
    state: () => new Map([...workers].map(([id, w]) => [id, { running: true, mode, lastError: w.lastError, updates: w.updates }])),
    async stop() {
      stopped = true;
      clearInterval(timer);
      unlisten();
      for (const w of workers.values()) w.stop.abort();
      await Promise.all([...workers.values()].map((w) => w.done));
      workers.clear();
    },
  };
}
