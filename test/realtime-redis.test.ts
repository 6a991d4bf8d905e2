// Two nodes, one Redis: a hub on each (two servers over the same database, each with its own RedisPubSub),
// and an activity written on node A reaches a client of node B.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { RedisPubSub, type RealtimeEvent } from '../src/realtime/index.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { makeActivity, makeCommunity, makeGroup } from './helpers/api.ts';
import { Probe, sleep } from './helpers/realtime.ts';
import { ADMIN, startTestServer, type TestServer } from './helpers/server.ts';

const REDIS = process.env.SHEQUN_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

let a: TestServer;
let b: RunningServer;
let bUrl: string;

beforeAll(async () => {
  a = await startTestServer({ SHEQUN_REDIS_URL: REDIS });
  const config = loadConfig({
    SHEQUN_DATA_DIR: a.db.dataDir, SHEQUN_DATABASE_URL: a.db.url, PORT: '0', HOST: '127.0.0.1', SHEQUN_LOG_LEVEL: 'silent',
    SHEQUN_ADMIN_PASSWORD: ADMIN.password, SHEQUN_REDIS_URL: REDIS,
  });
  b = await startServer(config, () => {});
  bUrl = b.url.replace('localhost', '127.0.0.1');
});
afterAll(async () => {
  await b?.close();
  await a?.stop();
});

describe('RedisPubSub', () => {
  it('carries an event published on one instance to the handlers of another, once each', async () => {
    const one = new RedisPubSub(REDIS);
    const two = new RedisPubSub(REDIS);
    try {
      const channel = `group:rt_${Date.now().toString(36)}` as const;
      const got: RealtimeEvent[] = [];
      const off = two.subscribe(channel, (e) => got.push(e));
      await two.ready(channel);
      one.publish(channel, { type: 'x', workspaceId: 'ws_1', data: { n: 1 } });
      one.publish(channel, { type: 'x', workspaceId: 'ws_1', data: { n: 2 } });
      for (let i = 0; i < 100 && got.length < 2; i++) await sleep(10);
      expect(got.map((e) => e.data.n)).toEqual([1, 2]);
      off();
      one.publish(channel, { type: 'x', workspaceId: 'ws_1', data: { n: 3 } });
      await sleep(100);
      expect(got).toHaveLength(2);
    } finally {
      await one.close();
      await two.close();
    }
  });
});

describe('two hubs on two RedisPubSub instances', () => {
  it('delivers an activity written on node A to a client of node B, and to A’s own clients once', async () => {
    expect(a.server.realtime.pubsub).toBeInstanceOf(RedisPubSub);
    expect(b.realtime.pubsub).toBeInstanceOf(RedisPubSub);
    const c = await makeCommunity(a.api);
    const g = await makeGroup(a.api, c.id);
    const channel = `group:${g.id}`;
    const onB = await Probe.open(bUrl, { token: a.api.token });
    const onA = await Probe.open(a.url, { token: a.api.token });
    await onB.expectSubscribed(channel);
    await onA.expectSubscribed(channel);
    const act = await makeActivity(a.api, { groupId: g.id, payload: { text: '跨节点' } });
    const [fromB] = await onB.waitEvents(channel, 1);
    expect(fromB.event).toMatchObject({ type: 'activity.created', groupId: g.id, data: { id: act.id, payload: { text: '跨节点' } } });
    await onA.waitEvents(channel, 1);
    await sleep(150);
    expect(onA.events(channel)).toHaveLength(1);
    expect(onB.events(channel)).toHaveLength(1);
    await Promise.all([onA.close(), onB.close()]);
  });
});
