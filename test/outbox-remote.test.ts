// The outbox with a remote platform: lanes keep a group's messages in order while the other groups go on,
// a group that fails keeps its place, an answer never received is retried and counted as ambiguous, and a
// worker that starts finds the sends its predecessor left mid-call. Real database, test clock, a platform
// in this process that answers as told.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Ambiguous, enqueue, outboxWorker, RateLimited, Refused, type Connector, type GroupAction, type Seat } from '../src/modules/outbox/index.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { systemCtx, TestClock } from './helpers/clock.ts';

const clock = new TestClock(1_800_000_000_000);
let db: TestDatabase;
let t: TestServer;
let workspaceId: string;
beforeAll(async () => {
  db = await createTestDatabase();
  t = await startTestServer({ SHEQUN_ENGINE_INTERVAL_MS: '60000' }, { clock, db });
  workspaceId = (await t.server.rt.db.kysely.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
});
afterAll(async () => {
  await t?.stop();
  await db?.drop();
});

const ctxFor = () => systemCtx(t, workspaceId);

type Answer = 'ok' | 'refuse' | 'error' | 'timeout-delivered' | 'timeout-lost' | 'slow';

/** A platform whose two bots sit in every group; it answers each call as the script says (default ok). */
function remotePlatform(platform: string) {
  const delivered: { group: string; text: string; account: string; replyTo: string | null }[] = [];
  const script = new Map<string, Answer[]>();
  let n = 0;
  const connector: Connector = {
    platform,
    kind: 'remote',
    capabilities: new Set(['send']),
    limits: { perAccount: [{ count: 2, perMs: 1000 }], perGroup: [{ count: 1, perMs: 1000 }] },
    async seats(_ctx, groupIds) {
      return new Map(groupIds.map((g): [string, Seat[]] => [g, [{ account: 'bot1', address: `chat-${g}` }, { account: 'bot2', address: `chat-${g}` }]]));
    },
    async perform(_ctx, a: GroupAction) {
      const text = String(a.payload.text);
      const answer = script.get(`${a.groupId}:${text}`)?.shift() ?? 'ok';
      if (answer === 'refuse') throw new Refused('Forbidden: bot was kicked from the group chat');
      if (answer === 'error') throw new Error('502 Bad Gateway');
      if (answer === 'slow') throw new RateLimited(3000);
      const rec = { group: a.groupId!, text, account: a.account!, replyTo: a.refs.replyTo ?? null };
      if (answer === 'timeout-lost') throw new Ambiguous('timed out');
      delivered.push(rec);
      if (answer === 'timeout-delivered') throw new Ambiguous('timed out');
      return { ref: `m${++n}` };
    },
  };
  return { connector, delivered, script };
}

async function queue(platform: string, prefix: string, items: [group: string, text: string, replyTo?: string][]) {
  await ctxFor().transaction(async (tx) => enqueue(tx, items.map(([group, text, replyTo]) => ({
    dedupeKey: `${prefix}:${group}:${text}`, lane: `group:${group}`, action: 'send', platform, groupId: group, memberId: null,
    payload: { text, ...(replyTo ? { refs: { replyTo: `${prefix}:${group}:${replyTo}` } } : {}) },
    origin: { type: 'relay', id: null }, reason: null, causeActivityId: null,
  }))));
}

const rows = (prefix: string) => t.server.rt.db.kysely.selectFrom('outbox').select(['dedupe_key', 'status', 'attempts', 'ambiguous', 'last_error', 'account', 'sent_ref'])
  .where('dedupe_key', 'like', `${prefix}:%`).orderBy('seq').execute();

/** Drains as the engine does until nothing is left, moving the test clock to whatever is due next. */
async function run(worker: ReturnType<typeof outboxWorker>, maxSteps = 200) {
  for (let i = 0; i < maxSteps; i++) {
    await worker.drain(500);
    const wait = await worker.nextDueIn();
    if (wait === null) return;
    clock.t += Math.max(wait, 1);
  }
  throw new Error('the outbox never emptied');
}

const texts = (d: { group: string; text: string }[], g: string) => d.filter((x) => x.group === g).map((x) => x.text);

describe('the outbox with a remote platform', () => {
  it('delivers each group its messages in order over a pool of bots, and a failing group keeps its place', async () => {
    const p = remotePlatform('remote-a');
    const worker = outboxWorker({ db: t.server.rt.db.kysely, clock, log: t.server.rt.log, connectors: new Map([['remote-a', p.connector]]), ctxFor });
    const groups = ['g1', 'g2', 'g3'];
    // Written message by message, as a relay does.
    for (const m of ['1', '2', '3', '4']) await queue('remote-a', 'a', groups.map((g): [string, string, string?] => [g, m, m === '4' ? '1' : undefined]));
    p.script.set('g2:2', ['error', 'error']);
    p.script.set('g3:3', ['slow']);
    await run(worker);
    for (const g of groups) expect(texts(p.delivered, g)).toEqual(['1', '2', '3', '4']);
    const all = await rows('a');
    expect(all.every((r) => r.status === 'done')).toBe(true);
    // g2's second message failed twice and was sent at the third attempt; the rate-limited one spent none.
    expect(all.find((r) => r.dedupe_key === 'a:g2:2')).toMatchObject({ attempts: 3 });
    expect(all.find((r) => r.dedupe_key === 'a:g3:3')).toMatchObject({ attempts: 1 });
    // Both bots carried the load; a reply names the message it answers as the platform numbered it in that group.
    expect(new Set(all.map((r) => r.account))).toEqual(new Set(['bot1', 'bot2']));
    for (const g of groups) {
      const first = all.find((r) => r.dedupe_key === `a:${g}:1`)!.sent_ref;
      expect(p.delivered.find((d) => d.group === g && d.text === '4')!.replyTo).toBe(first);
    }
  });

  it('moves a lane on past an action the platform refuses for good', async () => {
    const p = remotePlatform('remote-b');
    const worker = outboxWorker({ db: t.server.rt.db.kysely, clock, log: t.server.rt.log, connectors: new Map([['remote-b', p.connector]]), ctxFor });
    await queue('remote-b', 'b', [['h1', '1'], ['h1', '2'], ['h1', '3']]);
    p.script.set('h1:2', ['refuse']);
    await run(worker);
    expect(texts(p.delivered, 'h1')).toEqual(['1', '3']);
    expect((await rows('b')).map((r) => [r.dedupe_key, r.status])).toEqual([['b:h1:1', 'done'], ['b:h1:2', 'failed'], ['b:h1:3', 'done']]);
    expect((await rows('b'))[1]!.last_error).toContain('kicked');
  });

  it('retries a send whose answer never came and counts it ambiguous: a duplicate only where the outcome was unknown', async () => {
    const p = remotePlatform('remote-c');
    const worker = outboxWorker({ db: t.server.rt.db.kysely, clock, log: t.server.rt.log, connectors: new Map([['remote-c', p.connector]]), ctxFor });
    await queue('remote-c', 'c', [['k1', '1'], ['k1', '2'], ['k2', '1']]);
    p.script.set('k1:1', ['timeout-delivered']);
    p.script.set('k2:1', ['timeout-lost']);
    await run(worker);
    expect(texts(p.delivered, 'k1')).toEqual(['1', '1', '2']);
    expect(texts(p.delivered, 'k2')).toEqual(['1']);
    const all = await rows('c');
    expect(all.map((r) => [r.dedupe_key, r.status, Number(r.ambiguous)])).toEqual([['c:k1:1', 'done', 1], ['c:k1:2', 'done', 0], ['c:k2:1', 'done', 1]]);
  });

  it('with a clock that runs, reads and claims a send before its window opens and sends it at the moment it opens', async () => {
    const base = performance.now();
    const running = { now: () => clock.t + Math.round(performance.now() - base) };
    const sentAt: number[] = [];
    const connector: Connector = {
      platform: 'remote-e', kind: 'remote', capabilities: new Set(['send']), limits: { perAccount: [{ count: 1, perMs: 30 }] },
      async seats(_ctx, groupIds) {
        return new Map(groupIds.map((g): [string, Seat[]] => [g, [{ account: 'bot1', address: g }]]));
      },
      async perform() {
        sentAt.push(running.now());
        return { ref: `m${sentAt.length}` };
      },
    };
    const worker = outboxWorker({ db: t.server.rt.db.kysely, clock: running, log: t.server.rt.log, connectors: new Map([['remote-e', connector]]), ctxFor, lookaheadMs: 40 });
    await queue('remote-e', 'e', [['g1', 'a'], ['g2', 'a'], ['g3', 'a'], ['g4', 'a']]);
    // One pass: the first goes now, the second (its window opens in 30 ms, within the 40 looked ahead) at its moment; the others wait.
    expect(await worker.drain(500)).toBe(2);
    expect(sentAt).toHaveLength(2);
    expect(sentAt[1]! - sentAt[0]!).toBeGreaterThanOrEqual(30);
    expect((await rows('e')).map((r) => r.status)).toEqual(['done', 'done', 'pending', 'pending']);
    for (let i = 0; i < 50 && sentAt.length < 4; i++) {
      await worker.drain(500);
      const wait = Math.max(1, (await worker.nextDueIn()) ?? 1);
      await new Promise((r) => setTimeout(r, wait));
    }
    expect((await rows('e')).map((r) => r.status)).toEqual(['done', 'done', 'done', 'done']);
    for (let i = 1; i < sentAt.length; i++) expect(sentAt[i]! - sentAt[i - 1]!).toBeGreaterThanOrEqual(30);
  });

  it('a worker that starts sends again what its predecessor left mid-call, and counts it ambiguous', async () => {
    const p = remotePlatform('remote-d');
    await queue('remote-d', 'd', [['m1', '1'], ['m1', '2']]);
    // The last worker claimed the first and stopped before recording the answer.
    await t.server.rt.db.kysely.updateTable('outbox').set({ status: 'sending', attempts: 1, lease_until: clock.t + 60_000, account: 'bot1' }).where('dedupe_key', '=', 'd:m1:1').execute();
    const worker = outboxWorker({ db: t.server.rt.db.kysely, clock, log: t.server.rt.log, connectors: new Map([['remote-d', p.connector]]), ctxFor });
    await run(worker);
    expect(texts(p.delivered, 'm1')).toEqual(['1', '2']);
    expect((await rows('d')).map((r) => [r.status, Number(r.ambiguous), Number(r.attempts)])).toEqual([['done', 1, 2], ['done', 0, 1]]);
  });
});
