// The outbox worker: due rows, oldest first, each through its platform's connector.
// - Local connectors (the built-in community) act inside the transaction that marks the row done: exactly once.
// - Remote connectors (Telegram, …) act across a network. A batch of rows is claimed as `sending` with a
//   lease in one transaction, the platform is called outside any transaction (concurrently, within the
//   rate limits), and the answers are recorded in one more. A row found `sending` by a worker that starts
//   (the last one stopped between a call and its record), or whose lease ran out, has an unknown outcome:
//   it is tried again and counted in `ambiguous` (the Bot API has no idempotency key, so the group may see it
//   twice, and only then).
// - Lanes: only the oldest unfinished row of a lane is ever due (see enqueue), so a group's messages go in
//   order, and a group that fails keeps its place while the others go on.
// - Failures are retried with exponential backoff up to MAX_ATTEMPTS, then left `failed` for an operator; a
//   platform's refusal (no rights, no such chat) fails at once; "too many requests" waits without spending
//   an attempt.
import type SQLite from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import type { Clock } from '../../kernel/clock.ts';
import type { Ctx } from '../../kernel/context.ts';
import { chunks } from '../../kernel/db/chunks.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { TenantDb } from '../../kernel/db/tenant.ts';
import type { Logger } from '../../kernel/logger.ts';
import { Ambiguous, Refused, type Connector, type GroupAction, type OutboxAction, type Seat } from './connector.ts';
import { Limiter, RateLimited, limitKeys, type Slots } from './limiter.ts';
import { PARKED, promoteNext, updated } from './outbox.ts';

const MAX_ATTEMPTS = 8;
/** How long a claimed row may stay `sending` before its outcome is taken as unknown. */
const LEASE_MS = 60_000;
const REPAIR_EVERY_MS = 30_000;
/** How long the bots seated in a group are taken as known (they change when a bot is added or removed). */
const SEATS_TTL_MS = 5_000;

type Row = Database['outbox'];
/** What choosing a row's turn needs: a pass reads this much of every due row, and the whole row only of those that go. */
type Head = Pick<Row, 'id' | 'workspace_id' | 'platform' | 'action' | 'group_id' | 'next_attempt_at'>;
const HEAD = ['id', 'workspace_id', 'platform', 'action', 'group_id', 'next_attempt_at'] as const;

export interface Worker {
  /** Carries out the due actions; returns how many were tried (not counting those held back for a rate limit). */
  drain(limit?: number): Promise<number>;
  /** Milliseconds until something may be due (0: now), or null when nothing waits. */
  nextDueIn(): Promise<number | null>;
}

export interface WorkerDeps {
  db: Kysely<Database>;
  /** The SQLite handle when the dialect is SQLite: a TenantDb built here needs it to know its dialect. */
  sqlite?: SQLite.Database;
  clock: Clock;
  log: Logger;
  connectors: Map<string, Connector>;
  ctxFor: (workspaceId: string) => Ctx;
  /**
   * A pass takes rows whose turn comes within this many ms and sends each at its moment: the reading and
   * claiming is done before a bot's window opens, not after (a relay lives on those windows: a few ms lost in
   * each of Telegram's 1 s windows is a few % of the whole relay). Only with a clock that runs by itself: the
   * wait is real time. Default 0.
   */
  lookaheadMs?: number;
}

const message = (err: unknown) => String((err as Error)?.message ?? err).slice(0, 500);
const backoff = (attempts: number) => Math.min(3_600_000, 1000 * 2 ** Math.max(0, attempts - 1));

/**
 * The next row of each lane whose head just finished becomes due, no earlier than its `at` (the platform's
 * window for the group). Written so that SQLite walks the lane index: filtering on next_attempt_at made it
 * read every parked row of the outbox instead.
 */
async function promoteLanes(db: Kysely<Database>, lanes: { lane: string; at: number }[]) {
  const at = new Map(lanes.map((l) => [l.lane, l.at]));
  for (const part of chunks([...at.keys()])) {
    const heads = await db.selectFrom('outbox').select((eb) => ['lane', eb.fn.min<number>('seq').as('seq')]).where('lane', 'in', part).where('status', 'in', ['pending', 'sending'])
      .groupBy('lane').execute();
    for (const h of heads) {
      await db.updateTable('outbox').set({ next_attempt_at: sql<number>`case when next_attempt_at = ${PARKED} then ${at.get(h.lane!)!} else next_attempt_at end` })
        .where('lane', '=', h.lane).where('status', '=', 'pending').where('seq', '=', Number(h.seq)).execute();
    }
  }
}

export function outboxWorker(deps: WorkerDeps): Worker {
  const { db, clock, log, connectors } = deps;
  const LOOKAHEAD_MS = deps.lookaheadMs ?? 0;
  const limiter = new Limiter();
  let started = false;
  let lastRepair = -Infinity;
  /** Rows held back in memory because every account that could send them is at its limit: when the first frees. */
  let heldUntil: number | null = null;
  let running: Promise<number> | null = null;

  /** Rows left `sending` (all of them when this worker starts: the last one stopped mid-call). */
  async function recoverUnknown(now: number, all: boolean) {
    let q = db.selectFrom('outbox').select(['id', 'workspace_id', 'group_id', 'action', 'attempts']).where('status', '=', 'sending');
    if (!all) q = q.where('lease_until', '<', now);
    const rows = await q.execute();
    if (!rows.length) return;
    for (const part of chunks(rows.map((r) => r.id))) {
      await db.updateTable('outbox').set({
        status: 'pending', next_attempt_at: now, lease_until: null, ambiguous: sql<number>`ambiguous + 1`,
        last_error: 'outcome unknown: the worker stopped before the platform answered; sent again',
      }).where('id', 'in', part).where('status', '=', 'sending').execute();
    }
    log.warn({ rows: rows.length }, 'outbox: sends with an unknown outcome will be tried again (counted as ambiguous)');
  }

  /** A parked row at the head of its lane (its predecessor finished in a transaction that raced the enqueue) becomes due. */
  async function repairLanes(now: number) {
    const heads = await db.selectFrom('outbox as o').select('o.id').where('o.status', '=', 'pending').where('o.next_attempt_at', '=', PARKED)
      .where((eb) => eb.not(eb.exists(eb.selectFrom('outbox as p').select('p.id').whereRef('p.lane', '=', 'o.lane').where('p.status', 'in', ['pending', 'sending']).whereRef('p.seq', '<', 'o.seq'))))
      .execute();
    for (const part of chunks(heads.map((h) => h.id))) await db.updateTable('outbox').set({ next_attempt_at: now }).where('id', 'in', part).where('next_attempt_at', '=', PARKED).execute();
  }

  /** `payload.refs` names earlier actions by dedupe key; the connector gets what they left on the platform. */
  async function resolveRefs(rows: Row[]): Promise<Map<string, Record<string, string | null>>> {
    const wanted = new Map<string, Record<string, string>>();
    for (const r of rows) {
      const refs = (JSON.parse(r.payload) as { refs?: Record<string, string> }).refs;
      if (refs && Object.keys(refs).length) wanted.set(r.id, refs);
    }
    const out = new Map<string, Record<string, string | null>>();
    if (!wanted.size) return out;
    const ws = new Map(rows.map((r) => [r.id, r.workspace_id]));
    const keysByWs = new Map<string, Set<string>>();
    for (const [id, m] of wanted) for (const k of Object.values(m)) (keysByWs.get(ws.get(id)!) ?? keysByWs.set(ws.get(id)!, new Set()).get(ws.get(id)!)!).add(k);
    const found = new Map<string, string | null>();
    for (const [w, keys] of keysByWs) {
      for (const part of chunks([...keys])) {
        for (const f of await db.selectFrom('outbox').select(['dedupe_key', 'sent_ref']).where('workspace_id', '=', w).where('dedupe_key', 'in', part).execute()) found.set(`${w}|${f.dedupe_key}`, f.sent_ref);
      }
    }
    for (const [id, refs] of wanted) out.set(id, Object.fromEntries(Object.entries(refs).map(([name, key]) => [name, found.get(`${ws.get(id)}|${key}`) ?? null])));
    return out;
  }

  const actionOf = (r: Row, refs: Record<string, string | null> = {}, seat?: Seat): GroupAction => ({
    id: r.id, action: r.action as OutboxAction, groupId: r.group_id, memberId: r.member_id, payload: JSON.parse(r.payload), reason: r.reason, refs,
    ...(seat ? { account: seat.account, address: seat.address } : {}),
  });

  /** The platform's window for the group's next action, once this one went. */
  const groupWait = (connector: Connector | undefined, account: string, r: Head, now: number) =>
    connector?.limits?.perGroup && r.group_id ? limiter.wait(limitKeys(r.platform, account, r.group_id, { perGroup: connector.limits.perGroup }), now) : 0;

  async function failOrRetry(r: Row, err: unknown, now: number, noConnector = false) {
    const attempts = Number(r.attempts) + 1;
    const failed = attempts >= MAX_ATTEMPTS || noConnector || err instanceof Refused;
    log.warn({ err, outboxId: r.id, action: r.action, attempts }, failed ? 'outbox action failed for good' : 'outbox action failed; will retry');
    await db.transaction().execute(async (trx) => {
      await trx.updateTable('outbox').set({
        status: failed ? 'failed' : 'pending', attempts, last_error: message(err), lease_until: null, next_attempt_at: now + backoff(attempts),
      }).where('id', '=', r.id).execute();
      if (failed && r.lane) await promoteNext(new TenantDb(trx, r.workspace_id, deps.sqlite), [{ lane: r.lane, at: now }]);
    });
    if (failed) updated(deps.ctxFor(r.workspace_id), r, 'failed');
  }

  /**
   * Claims the row and carries it out in the caller's transaction (a second worker finds it done); the
   * lane's next row becomes due at `next`.
   */
  async function performLocal(tx: Ctx, r: Row, connector: Connector, action: GroupAction, next: number) {
    const claimed = await tx.tdb.updateTable('outbox').set({ status: 'done', done_at: tx.clock.now(), attempts: Number(r.attempts) + 1, last_error: null })
      .where('id', '=', r.id).where('status', '=', 'pending').executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return;
    const result = await connector.perform(tx, action);
    if (result) {
      const { ref, ...rest } = result;
      await tx.tdb.updateTable('outbox').set({ sent_ref: ref ?? null, ...(Object.keys(rest).length ? { payload: JSON.stringify({ ...action.payload, result: rest }) } : {}) })
        .where('id', '=', r.id).execute();
    }
    if (r.lane) await promoteNext(tx.tdb, [{ lane: r.lane, at: next }]);
    if (r.origin_type !== 'relay') updated(tx, r, 'done');
  }

  async function runLocal(r: Row, connector: Connector | undefined, now: number): Promise<number> {
    const ctx = deps.ctxFor(r.workspace_id);
    const keys = connector?.limits ? limitKeys(r.platform, 'default', r.group_id, connector.limits) : [];
    const wait = limiter.wait(keys, now);
    if (wait > 0) {
      // Held back, not failed: it goes when the platform's window has room (no attempt is spent).
      await db.updateTable('outbox').set({ next_attempt_at: now + wait }).where('id', '=', r.id).where('status', '=', 'pending').execute();
      return 0;
    }
    try {
      if (!connector) throw new Refused(`no connector for ${r.platform}`);
      if (!connector.capabilities.has(r.action as OutboxAction)) throw new Refused(`${r.platform} cannot ${r.action}`);
      limiter.record(keys, now);
      const action = actionOf(r, (await resolveRefs([r])).get(r.id));
      await ctx.transaction((tx) => performLocal(tx, r, connector, action, now + groupWait(connector, 'default', r, now)));
    } catch (err) {
      if (err instanceof RateLimited) {
        // The platform refused for speed and did nothing: try again when it says, without spending an attempt.
        log.info({ outboxId: r.id, action: r.action, retryAfterMs: err.retryAfterMs }, 'outbox action rate limited');
        await db.updateTable('outbox').set({ next_attempt_at: now + err.retryAfterMs, last_error: message(err) }).where('id', '=', r.id).execute();
        return 1;
      }
      await failOrRetry(r, err, now, !connector);
    }
    return 1;
  }

  /**
   * Local actions with no rate limits (a relay to many built-in groups), many per transaction: one commit
   * for 50 instead of one each. When one of them fails the whole batch is rolled back and each goes alone.
   */
  async function runLocalBatch(rows: Row[], connector: Connector, now: number): Promise<number> {
    if (rows.length === 1) return runLocal(rows[0]!, connector, now);
    const ctx = deps.ctxFor(rows[0]!.workspace_id);
    const refs = await resolveRefs(rows);
    try {
      await ctx.transaction(async (tx) => {
        for (const r of rows) await performLocal(tx, r, connector, actionOf(r, refs.get(r.id)), now);
      });
      return rows.length;
    } catch (err) {
      log.info({ err, rows: rows.length }, 'outbox: a batch of local actions failed; carrying them out one by one');
      let n = 0;
      for (const r of rows) n += await runLocal(r, connector, now);
      return n;
    }
  }

  /** The full rows, in the order of `ids`. */
  async function load(ids: string[]): Promise<Row[]> {
    const byId = new Map<string, Row>();
    for (const part of chunks(ids)) for (const r of await db.selectFrom('outbox').selectAll().where('id', 'in', part).execute()) byId.set(r.id, r);
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  /**
   * The bots in each group, remembered for a few seconds: a relay asks about the same thousands of groups
   * many times a second. A bot that left meanwhile is refused by the platform, which forgets the group here.
   */
  const seatCache = new Map<string, { seats: Seat[]; at: number }>();
  async function seatsOf(connector: Connector, ws: string, groupIds: string[], now: number): Promise<Map<string, Seat[]>> {
    const out = new Map<string, Seat[]>();
    if (!connector.seats) return out;
    const missing: string[] = [];
    for (const g of groupIds) {
      const c = seatCache.get(g);
      if (c && now - c.at < SEATS_TTL_MS) out.set(g, c.seats);
      else missing.push(g);
    }
    if (!missing.length) return out;
    const fresh = await connector.seats(deps.ctxFor(ws), missing);
    if (seatCache.size > 100_000) seatCache.clear();
    for (const g of missing) {
      const seats = fresh.get(g) ?? [];
      out.set(g, seats);
      // A group with no bot yet is asked again next time: the bot may be added any moment.
      if (seats.length) seatCache.set(g, { seats, at: now });
    }
    return out;
  }

  async function runRemote(connector: Connector, heads: Head[], now: number): Promise<number> {
    // Choose a seat (a bot in the group) with room under the limits, per workspace.
    const chosen: { h: Head; seat: Seat; slots: Slots; at: number }[] = [];
    const holdGroup: { h: Head; until: number }[] = [];
    const unseated: Head[] = [];
    const byWs = new Map<string, Head[]>();
    for (const h of heads) (byWs.get(h.workspace_id) ?? byWs.set(h.workspace_id, []).get(h.workspace_id)!).push(h);
    for (const [ws, list] of byWs) {
      const seats = await seatsOf(connector, ws, [...new Set(list.flatMap((r) => (r.group_id ? [r.group_id] : [])))], now);
      for (const r of list) {
        const options = (r.group_id && seats.get(r.group_id)) || [];
        if (!options.length) {
          unseated.push(r);
          continue;
        }
        // The seat whose windows open first (now, mostly).
        let seat: Seat | null = null;
        let accountWait = Infinity;
        let anyWait = Infinity;
        const notBefore = Math.max(0, Number(r.next_attempt_at) - now);
        for (const option of options) {
          const a = connector.limits?.perAccount ? limiter.wait(limitKeys(r.platform, option.account, null, { perAccount: connector.limits.perAccount }), now) : 0;
          const wait = Math.max(a, groupWait(connector, option.account, r, now), notBefore);
          accountWait = Math.min(accountWait, a);
          if (wait < anyWait) {
            anyWait = wait;
            seat = option;
          }
          if (wait === 0) break;
        }
        if (seat && anyWait <= LOOKAHEAD_MS) {
          const slots = limiter.record(connector.limits ? limitKeys(r.platform, seat.account, r.group_id, connector.limits) : [], now + anyWait);
          chosen.push({ h: r, seat, slots, at: now + anyWait });
        } else if (accountWait > LOOKAHEAD_MS) {
          // Every bot that could send it is at its limit: it stays due, and the loop comes back when one frees.
          heldUntil = Math.min(heldUntil ?? Infinity, now + anyWait - LOOKAHEAD_MS);
        } else {
          holdGroup.push({ h: r, until: now + anyWait });
        }
      }
    }
    for (const h of holdGroup) await db.updateTable('outbox').set({ next_attempt_at: h.until }).where('id', '=', h.h.id).where('status', '=', 'pending').execute();
    // No bot of ours sits in the group (an imported group nobody connected): it fails now, with what to do, rather than retry for hours.
    const noSeat = await load(unseated.map((h) => h.id));
    for (const r of noSeat) await failOrRetry(r, new Refused(`no connected ${r.platform} bot is in this group: add one (as admin), or post it by hand`), now);
    if (!chosen.length) return noSeat.length;
    const full = new Map((await load(chosen.map((c) => c.h.id))).map((r) => [r.id, r]));
    const picked = chosen.flatMap((c) => {
      const r = full.get(c.h.id);
      if (r) return [{ r, seat: c.seat, slots: c.slots, at: c.at }];
      limiter.release(c.slots);
      return [];
    });

    // Claim them in one transaction: from here until their record, their outcome is unknown.
    const claimed = await db.transaction().execute(async (trx) => {
      const ok = new Set<string>();
      const byAccount = new Map<string, string[]>();
      for (const p of picked) (byAccount.get(p.seat.account) ?? byAccount.set(p.seat.account, []).get(p.seat.account)!).push(p.r.id);
      for (const [account, ids] of byAccount) {
        for (const part of chunks(ids)) {
          // `not in` keeps SQLite on the primary key: `status = 'pending'` sent it through every pending row.
          const rows = await trx.updateTable('outbox').set({ status: 'sending', account, attempts: sql<number>`attempts + 1`, lease_until: now + LEASE_MS })
            .where('id', 'in', part).where('status', 'not in', ['sending', 'done', 'failed']).returning('id').execute();
          for (const r of rows) ok.add(r.id);
        }
      }
      return picked.filter((p) => ok.has(p.r.id));
    });
    const refs = await resolveRefs(claimed.map((p) => p.r));
    // The sends leave later than the pass began (reading and claiming took a while): each timed one moves
    // with them, and so do their places in the windows, so that their spacing is what the windows allow.
    const late = clock.now() - now;
    for (const p of claimed) {
      p.at += late;
      limiter.confirm(p.slots, p.at);
    }
    // A send that leaves later than timed (a busy event loop) moves the later ones by as much: their spacing
    // is then what the windows allow by the moments the sends actually left, not by the plan.
    let shift = 0;
    const outcomes = await Promise.all(claimed.map(async (p) => {
      try {
        // Built before the wait, so that nothing runs between the moment read below and the call.
        const [ctx, action] = [deps.ctxFor(p.r.workspace_id), actionOf(p.r, refs.get(p.r.id), p.seat)];
        // (+1: a timer may fire up to a millisecond before its time, by the event loop's clock.)
        for (let early = p.at + shift - clock.now(); early > 0; early = p.at + shift - clock.now()) await new Promise((resolve) => setTimeout(resolve, early + 1));
        shift = Math.max(shift, clock.now() - p.at);
        const result = (await connector.perform(ctx, action)) ?? {};
        limiter.confirm(p.slots, clock.now());
        return { ...p, result, err: null as unknown };
      } catch (err) {
        if (err instanceof RateLimited) limiter.release(p.slots);
        else limiter.confirm(p.slots, clock.now());
        return { ...p, result: null, err };
      }
    }));

    const after = clock.now();
    const finished: Row[] = [];
    const gaveUp: Row[] = [];
    await db.transaction().execute(async (trx) => {
      const promote: { lane: string; at: number }[] = [];
      const done: { id: string; ref: string | null }[] = [];
      for (const o of outcomes) {
        const r = o.r;
        if (o.result) {
          const { ref, ...rest } = o.result;
          // What undoing needs is kept in the payload (rare for sends); the platform's id goes with the batch below.
          if (Object.keys(rest).length) await trx.updateTable('outbox').set({ payload: JSON.stringify({ ...JSON.parse(r.payload), result: rest }) }).where('id', '=', r.id).execute();
          done.push({ id: r.id, ref: ref ?? null });
          if (r.lane) promote.push({ lane: r.lane, at: after + groupWait(connector, o.seat.account, r, after) });
          finished.push(r);
          continue;
        }
        const err = o.err;
        const attempts = Number(r.attempts) + 1;
        if (err instanceof RateLimited) {
          await trx.updateTable('outbox').set({ status: 'pending', attempts: Number(r.attempts), lease_until: null, next_attempt_at: after + err.retryAfterMs, last_error: message(err) })
            .where('id', '=', r.id).execute();
          continue;
        }
        const unknown = err instanceof Ambiguous;
        const failed = err instanceof Refused || attempts >= MAX_ATTEMPTS;
        await trx.updateTable('outbox').set({
          status: failed ? 'failed' : 'pending', attempts, lease_until: null, last_error: message(err),
          // An unknown outcome is tried again at once: the group is waiting, and a duplicate is as likely as a gap.
          next_attempt_at: unknown ? after : after + backoff(attempts), ...(unknown ? { ambiguous: sql<number>`ambiguous + 1` } : {}),
        }).where('id', '=', r.id).execute();
        if (failed) {
          gaveUp.push(r);
          if (r.lane) promote.push({ lane: r.lane, at: after });
        }
      }
      for (const part of chunks(done)) {
        await trx.updateTable('outbox').set({
          status: 'done', done_at: after, lease_until: null, last_error: null,
          sent_ref: sql<string | null>`case id ${sql.join(part.map((d) => sql`when ${d.id} then ${d.ref}`), sql` `)} end`,
        }).where('id', 'in', part.map((d) => d.id)).execute();
      }
      await promoteLanes(trx, promote);
    });
    for (const o of outcomes) if (o.err instanceof Refused && o.r.group_id) seatCache.delete(o.r.group_id);
    for (const o of outcomes) if (o.err && !(o.err instanceof RateLimited)) log.warn({ err: o.err, outboxId: o.r.id, action: o.r.action, account: o.seat.account }, 'outbox: platform call failed');
    for (const r of finished) if (r.origin_type !== 'relay') updated(deps.ctxFor(r.workspace_id), r, 'done');
    for (const r of gaveUp) updated(deps.ctxFor(r.workspace_id), r, 'failed');
    return claimed.length + noSeat.length;
  }

  async function drainOnce(limit: number): Promise<number> {
    const now = clock.now();
    if (!started) {
      started = true;
      await recoverUnknown(now, true);
    }
    if (now - lastRepair >= REPAIR_EVERY_MS) {
      lastRepair = now;
      await recoverUnknown(now, false);
      await repairLanes(now);
    }
    heldUntil = null;
    const due = await db.selectFrom('outbox').select(HEAD).where('status', '=', 'pending').where('next_attempt_at', '<=', now + LOOKAHEAD_MS)
      .orderBy('next_attempt_at').orderBy('seq').limit(limit).execute();
    let tried = 0;
    const remote = new Map<Connector, Head[]>();
    const local: Head[] = [];
    for (const h of due) {
      const connector = connectors.get(h.platform);
      if (connector?.kind === 'remote' && connector.capabilities.has(h.action as OutboxAction)) (remote.get(connector) ?? remote.set(connector, []).get(connector)!).push(h);
      else if (Number(h.next_attempt_at) <= now) local.push(h);
    }
    const batches = new Map<string, { connector: Connector; rows: Row[] }>();
    for (const r of await load(local.map((h) => h.id))) {
      const connector = connectors.get(r.platform);
      if (connector?.kind === 'local' && connector.capabilities.has(r.action as OutboxAction) && !connector.limits) {
        const key = `${r.platform}|${r.workspace_id}`;
        (batches.get(key) ?? batches.set(key, { connector, rows: [] }).get(key)!).rows.push(r);
      } else tried += await runLocal(r, connector, now);
    }
    for (const { connector, rows } of batches.values()) for (const part of chunks(rows, 50)) tried += await runLocalBatch(part, connector, now);
    for (const [connector, rows] of remote) tried += await runRemote(connector, rows, now);
    return tried;
  }

  return {
    drain(limit = 100) {
      // One pass at a time (the engine's tick and its delivery loop share the worker).
      const run = (running ?? Promise.resolve(0)).then(() => drainOnce(limit));
      running = run.catch(() => 0);
      return run;
    },
    async nextDueIn() {
      const now = clock.now();
      // Rows held back in memory are due by the table but wait for heldUntil (which looks ahead already). A row
      // due later is woken for at its time: a pass then takes it (and any remote row due within the lookahead);
      // waking earlier would only spin on a local row, which cannot go before its time.
      let q = db.selectFrom('outbox').select((eb) => eb.fn.min('next_attempt_at').as('at')).where('status', '=', 'pending').where('next_attempt_at', '<', PARKED);
      if (heldUntil !== null) q = q.where('next_attempt_at', '>', now);
      const next = await q.executeTakeFirst();
      const at = Math.min(next?.at === null || next?.at === undefined ? Infinity : Number(next.at), heldUntil ?? Infinity);
      return at === Infinity ? null : Math.max(0, at - now);
    },
  };
}
