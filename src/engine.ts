// What runs by itself beside the HTTP server: the rules runner (judges new chat messages against the
// groups' rules, queues the due steps of scheduled ones) and the outbox worker (carries out the actions through each platform's connector).
// A loop on an interval, never overlapping itself; errors are logged and the next tick tries again.
import type { Runtime } from './bootstrap.ts';
import { Ctx, type Actor } from './kernel/context.ts';
import type { EventPublisher } from './kernel/events.ts';
import { TenantDb } from './kernel/db/tenant.ts';
import { IMAGE_MAX_BYTES, builtinConnector, storeUpload } from './modules/builtin/index.ts';
import { DOWNLOAD_MAX, FileTooBig, TelegramAccounts } from './connectors/telegram/api.ts';
import { telegramInbox } from './connectors/telegram/inbox.ts';
import { telegramListeners, type Listeners } from './connectors/telegram/listener.ts';
import { telegramConnector } from './connectors/telegram/outbound.ts';
import { DiskFileStore } from './kernel/files.ts';
import { systemClock } from './kernel/clock.ts';
import { runRelay, workspacesWithLive, type RelayDeps } from './modules/relay/index.ts';
import { evaluateAlerts, notifyAlerts } from './modules/alerts/index.ts';
import { ROLLUP_BATCH, rollupBacklog, runRollups, runVoice, writeWeeklyReports } from './modules/analytics/index.ts';
import { outboxWorker, type Connector, type OutboxAction } from './modules/outbox/index.ts';
import { runInactivity, runQuiet, runRanking, runRitualReminders, runRules, runnerState, runScheduledPosts, runSchedules, runSunset, workspacesWithRules } from './modules/rules/index.ts';

const ENGINE: Actor = { kind: 'system', id: null, name: '群规引擎 rules engine', role: 'admin', scope: null };

export interface Engine {
  /** One pass: judge, then carry out what is due. */
  tick(): Promise<void>;
  /** Hears this process's events: a message in a live session's main group is relayed at once, not on the next tick. */
  listener: EventPublisher;
  /** The connected platforms' listeners (null when this process does not listen). */
  listeners: Listeners | null;
  stop(): Promise<void>;
}

export function startEngine(rt: Runtime, opts: { intervalMs?: number; slowEveryMs?: number; alertsEveryMs?: number } = {}): Engine {
  const log = rt.log.child({ component: 'engine' });
  const ctxFor = (ws: string) => new Ctx(new TenantDb(rt.db.kysely, ws, rt.db.sqlite), ENGINE, rt.clock, rt.ids, log.child({ workspaceId: ws }), rt.events);
  const c = rt.config;
  const accounts = new TelegramAccounts(rt.db.kysely, rt.secrets, { apiRoot: c.telegramApiRoot, timeoutMs: c.telegramTimeoutMs, timeScale: c.telegramTimeScale });
  const files = new DiskFileStore(c.uploadsDir);
  const connectors = new Map<string, Connector>([
    [builtinConnector.platform, builtinConnector],
    ['telegram', telegramConnector({ accounts, files })],
  ]);
  const worker = outboxWorker({ db: rt.db.kysely, sqlite: rt.db.sqlite, clock: rt.clock, log, connectors, ctxFor, lookaheadMs: rt.clock === systemClock ? 40 : 0 });
  let running: Promise<void> | null = null;
  let stopped = false;
  // Rules that scan whole groups (inactivity) run at most this often per workspace.
  const slowEvery = opts.slowEveryMs ?? 60_000;
  const lastSlow = new Map<string, number>();
  // Alerts are evaluated (and their webhooks posted) at most this often: they read every group's health.
  // Last week's reports are written on the first evaluation of a week.
  const alertsEvery = opts.alertsEveryMs ?? 300_000;
  let lastAlerts = -Infinity;
  let voiceTurn = 0;
  // A workspace's rollup queue is counted once it holds a batch, or once its oldest activity has waited this
  // long: the larger the batch, the cheaper each activity (dashboard reads catch up by themselves meanwhile).
  const rollupWait = 30_000;
  const postAlert = async (url: string, body: string, headers: Record<string, string>) =>
    (await fetch(url, { method: 'POST', body, headers, signal: AbortSignal.timeout(10_000), redirect: 'error' })).status;
  // This engine's place in each stream and its members' recent messages (a restarted engine starts from the saved checkpoints).
  const rules = runnerState();

  const pass = async () => {
    for (const [ws, types] of await workspacesWithRules(rt.db.kysely)) {
      // Catch up in batches (a burst of messages, or a restart after downtime).
      if (types.has('communication.moderation') || types.has('communication.post')) while ((await runRules(ctxFor(ws), 500, rules)) === 500 && !stopped);
      if (types.has('sharing.session')) await runSchedules(ctxFor(ws));
      if (types.has('communication.post')) await runScheduledPosts(ctxFor(ws));
      if (types.has('elimination.ranking')) await runRanking(ctxFor(ws));
      if (rt.clock.now() - (lastSlow.get(ws) ?? -Infinity) >= slowEvery) {
        lastSlow.set(ws, rt.clock.now());
        if (types.has('elimination.inactivity')) await runInactivity(ctxFor(ws));
        if (types.has('joining.ritual')) await runRitualReminders(ctxFor(ws));
        if (types.has('communication.quiet')) await runQuiet(ctxFor(ws));
        if (types.has('elimination.sunset')) await runSunset(ctxFor(ws));
      }
    }
    const live = await workspacesWithLive(rt.db.kysely);
    liveMains = new Set(live.flatMap((w) => w.mainGroups));
    for (const w of live) await runRelay(ctxFor(w.workspaceId), relayDeps);
    await deliver();
    // The evaluation's background work comes last: a relay's lines and the rules' actions never wait on it.
    if (rt.clock.now() - lastAlerts >= alertsEvery) {
      lastAlerts = rt.clock.now();
      for (const w of await rt.db.kysely.selectFrom('workspaces').select('id').execute()) {
        // One workspace's failure (a plan it cannot track) is logged and does not hold back the others.
        try {
          const ctx = ctxFor(w.id);
          await evaluateAlerts(ctx);
          await notifyAlerts(ctx, postAlert);
          await writeWeeklyReports(ctx);
        } catch (err) {
          log.error({ err, workspaceId: w.id }, 'alerts failed');
        }
      }
    }
    // Rollups: one batch per workspace that is due, within a time budget (a backlog is worked off over ticks).
    const rollupsUntil = Date.now() + 500;
    for (const b of await rollupBacklog(rt.db.kysely)) {
      if (Date.now() > rollupsUntil || stopped) break;
      if (b.n < ROLLUP_BATCH && rt.clock.now() - b.oldest < rollupWait) continue;
      try {
        await runRollups(ctxFor(b.workspaceId));
      } catch (err) {
        log.error({ err, workspaceId: b.workspaceId }, 'rollups failed');
      }
    }
    // Voice reads the new messages a batch per workspace, within a time budget and starting where the last
    // tick stopped: a backlog (an upgrade over years of history) is worked off over many ticks without holding
    // back the rules and the relay, or the other workspaces.
    const voiceUntil = Date.now() + 200;
    const all = await rt.db.kysely.selectFrom('workspaces').select('id').orderBy('id').execute();
    const start = voiceTurn;
    for (let i = 0; i < all.length && Date.now() <= voiceUntil && !stopped; i++) {
      const w = all[(start + i) % all.length]!;
      try {
        await runVoice(ctxFor(w.id));
      } catch (err) {
        log.error({ err, workspaceId: w.id }, 'voice failed');
      }
      voiceTurn = (start + i + 1) % all.length;
    }
  };
  const relayDeps: RelayDeps = {
    queued: () => deliver(true).catch((err) => log.error({ err }, 'outbox delivery failed')),
    can: (platform: string, action: OutboxAction) => connectors.get(platform)?.capabilities.has(action) ?? false,
    timezone: c.timezone,
    // A photo, voice, video, audio or document a speaker posts in a Telegram main group: downloaded once
    // through the bot that heard it and kept as an upload, which every target group then gets.
    async copyMedia(ctx, groupId, memberId, payload) {
      const media = payload.media as { kind?: string; ref?: string; name?: string; bytes?: number } | undefined;
      const connection = (payload.platform as { connection?: string } | undefined)?.connection;
      const kind = media?.kind;
      if (!media?.ref || !connection || (kind !== 'photo' && kind !== 'voice' && kind !== 'video' && kind !== 'audio' && kind !== 'file')) return null;
      let bytes: Buffer;
      try {
        bytes = await accounts.download(connection, media.ref, kind === 'photo' ? IMAGE_MAX_BYTES : DOWNLOAD_MAX);
      } catch (e) {
        if (e instanceof FileTooBig) return { tooBig: { kind, name: media.name ?? null, bytes: e.bytes ?? (typeof media.bytes === 'number' ? media.bytes : null) } };
        throw e;
      }
      const u = await storeUpload(ctx, files, groupId, { memberId, by: memberId ?? 'relay' }, bytes, kind === 'photo' ? 'telegram-photo.jpg' : media.name);
      if (u.kind === 'image') return { image: { uploadId: u.id, width: u.width, height: u.height } };
      if (kind === 'photo') return null;
      // Telegram said what it is (a voice note, a video): a document stays a file whatever its bytes are.
      return { file: { uploadId: u.id, name: u.name, mime: u.mime, bytes: u.bytes, kind } };
    },
  };
  // Delivery runs on as long as something is due, and comes back as soon as a held-back action may go (a
  // relay to thousands of groups lives on the platforms' windows), not only on the next tick.
  // Asking for delivery waits for the loop to end: a tick delivers what it caused. The relay asks only for
  // a start (two passes that begin after the asking: the one that may be running, and the next), so that
  // the first lines to thousands of groups go while it writes the next ones.
  let delivering: Promise<void> | null = null;
  let wake: NodeJS.Timeout | null = null;
  let passes = 0;
  let afterPasses: { at: number; done: () => void }[] = [];
  const passed = () => {
    passes++;
    afterPasses = afterPasses.filter((w) => (w.at <= passes ? (w.done(), false) : true));
  };
  const deliver = (startOnly = false): Promise<void> => {
    delivering ??= (async () => {
      while (!stopped) {
        const tried = await worker.drain(500);
        passed();
        if (tried === 0) break;
      }
      const wait = stopped ? null : await worker.nextDueIn();
      if (wake) clearTimeout(wake);
      wake = null;
      if (wait !== null && wait < interval) {
        wake = setTimeout(() => void deliver().catch((err) => log.error({ err }, 'outbox delivery failed')), Math.max(2, wait));
        wake.unref();
      }
    })().finally(() => {
      delivering = null;
      for (const w of afterPasses) w.done();
      afterPasses = [];
    });
    return startOnly ? Promise.race([delivering, new Promise<void>((done) => afterPasses.push({ at: passes + 2, done }))]) : delivering;
  };
  let liveMains = new Set<string>();
  let queued: Promise<void> | null = null;
  const tick = (): Promise<void> => {
    if (!running) {
      running = pass().catch((err) => log.error({ err }, 'engine pass failed')).finally(() => { running = null; });
      return running;
    }
    // Asked while a pass runs: one more pass after it, shared by everyone who asked meanwhile, so that a
    // tick always covers what was written before it was asked for.
    queued ??= running.then(() => {
      queued = null;
      return stopped ? undefined : tick();
    });
    return queued;
  };
  const interval = opts.intervalMs ?? 250;
  const timer = setInterval(() => void tick(), interval);
  timer.unref();
  // What the connected bots hear is judged at once, not on the next tick: polled by this process's listeners,
  // or posted to this process's webhook route (which answers even where this process does not listen).
  const unheard = telegramInbox(rt.db.kysely).listen(() => void tick());
  const webhook = c.telegramWebhookUrl ? { baseUrl: c.telegramWebhookUrl, maxConnections: c.telegramWebhookMaxConnections } : null;
  const listeners = c.telegramPolling ? telegramListeners({ db: rt.db.kysely, accounts, log: log.child({ connector: 'telegram' }), ctxFor, webhook }) : null;
  return {
    tick,
    listeners,
    listener: {
      publish(events) {
        if (!stopped && events.some((e) => e.type === 'activity.created' && e.groupId !== undefined && liveMains.has(e.groupId))) setImmediate(() => void tick());
      },
    },
    async stop() {
      stopped = true;
      unheard();
      await listeners?.stop();
      clearInterval(timer);
      if (wake) clearTimeout(wake);
      await running;
      await delivering;
    },
  };
}
