// The outbox keeps the rate limits a connector declares: an action that would break a window is held back
// (no attempt spent) and goes, in order, when the window has room; a platform's "too many requests" puts the
// action back for the time it names, also without spending an attempt. Real database, test clock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueue, outboxWorker, RateLimited, type Connector, type GroupAction } from '../src/modules/outbox/index.ts';
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

/** A platform that records what it was asked, when, and refuses for speed when told to. */
function fakePlatform() {
  const sent: { group: string | null; text: string; at: number }[] = [];
  let refuse = 0;
  const connector: Connector = {
    platform: 'fakechat',
    kind: 'local',
    capabilities: new Set(['send']),
    limits: { perAccount: [{ count: 3, perMs: 1000 }], perGroup: [{ count: 1, perMs: 1000 }] },
    async perform(_ctx, a: GroupAction) {
      if (refuse > 0) {
        refuse--;
        throw new RateLimited(5000);
      }
      sent.push({ group: a.groupId, text: String(a.payload.text), at: clock.now() });
    },
  };
  return { connector, sent, refuseNext: (n: number) => { refuse = n; } };
}

async function queue(prefix: string, items: [group: string, text: string][]) {
  await ctxFor().transaction(async (tx) => enqueue(tx, items.map(([group, text], i) => ({
    dedupeKey: `${prefix}:${i}`, action: 'send', platform: 'fakechat', groupId: group, memberId: null, payload: { text },
    origin: { type: 'operator', id: null }, reason: null, causeActivityId: null,
  }))));
}

const rows = (prefix: string) => t.server.rt.db.kysely.selectFrom('outbox').select(['dedupe_key', 'status', 'attempts', 'next_attempt_at', 'last_error'])
  .where('dedupe_key', 'like', `${prefix}:%`).orderBy('dedupe_key').execute();

describe('rate limits in the outbox', () => {
  it('holds back what would break a window and sends it, in order, when there is room', async () => {
    const p = fakePlatform();
    const worker = outboxWorker({ db: t.server.rt.db.kysely, clock, log: t.server.rt.log, connectors: new Map([['fakechat', p.connector]]), ctxFor });
    await queue('a', [['g1', '1'], ['g1', '2'], ['g2', '1'], ['g3', '1'], ['g4', '1'], ['g1', '3']]);
    await worker.drain();
    // One per group per second, three per second in all: g1#1, g2, g3 now; g1#2, g4 and g1#3 wait.
    expect(p.sent.map((s) => `${s.group}:${s.text}`)).toEqual(['g1:1', 'g2:1', 'g3:1']);
    const held = (await rows('a')).filter((r) => r.status === 'pending');
    expect(held.map((r) => r.dedupe_key)).toEqual(['a:1', 'a:4', 'a:5']);
    expect(held.every((r) => Number(r.attempts) === 0 && Number(r.next_attempt_at) === clock.t + 1000)).toBe(true);

    // Nothing is due before the window opens.
    clock.t += 999;
    expect(await worker.drain()).toBe(0);
    clock.t += 1;
    await worker.drain();
    expect(p.sent.map((s) => `${s.group}:${s.text}`)).toEqual(['g1:1', 'g2:1', 'g3:1', 'g1:2', 'g4:1']);
    clock.t += 1000;
    await worker.drain();
    expect(p.sent.map((s) => `${s.group}:${s.text}`).slice(5)).toEqual(['g1:3']);
    // g1's three went a second apart each.
    const g1 = p.sent.filter((s) => s.group === 'g1').map((s) => s.at);
    expect(g1[1]! - g1[0]!).toBe(1000);
    expect(g1[2]! - g1[1]!).toBe(1000);
    expect((await rows('a')).every((r) => r.status === 'done')).toBe(true);
  });

  it('puts an action the platform refused for speed back for the time it names, without spending an attempt', async () => {
    const p = fakePlatform();
    const worker = outboxWorker({ db: t.server.rt.db.kysely, clock, log: t.server.rt.log, connectors: new Map([['fakechat', p.connector]]), ctxFor });
    clock.t += 10_000;
    await queue('b', [['g9', 'x']]);
    p.refuseNext(1);
    await worker.drain();
    let [r] = await rows('b');
    expect(r).toMatchObject({ status: 'pending', last_error: 'rate limited: retry after 5 s' });
    expect(Number(r!.attempts)).toBe(0);
    expect(Number(r!.next_attempt_at)).toBe(clock.t + 5000);
    clock.t += 5000;
    await worker.drain();
    [r] = await rows('b');
    expect(r!.status).toBe('done');
    expect(p.sent.map((s) => s.text)).toEqual(['x']);
  });
});
