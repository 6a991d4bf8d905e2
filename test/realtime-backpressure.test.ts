// A client that stops reading is dropped with close code 4008 (slow consumer) once too much waits in its
// socket, while a fast client on the same channel keeps receiving everything.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLOSE_SLOW_CONSUMER } from '../src/realtime/index.ts';
import { makeActivity, makeCommunity, makeGroup } from './helpers/api.ts';
import { Probe } from './helpers/realtime.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let t: TestServer;
let token: string;

beforeAll(async () => {
  t = await startTestServer();
  token = t.api.token!;
});
afterAll(() => t?.stop());

describe('backpressure', () => {
  it('drops a client that never reads with 4008, and the fast one misses nothing', async () => {
    const c = await makeCommunity(t.api);
    const g = await makeGroup(t.api, c.id);
    const channel = `group:${g.id}` as const;
    const fast = await Probe.open(t.url, { token });
    const slow = await Probe.open(t.url, { token });
    await fast.expectSubscribed(channel);
    await slow.expectSubscribed(channel);
    const first = await makeActivity(t.api, { groupId: g.id });
    await slow.waitEvents(channel, 1);
    // The slow client stops reading: the kernel's buffers fill, then the hub's, then it is dropped.
    (slow.ws as any)._socket.pause();
    const { workspaceId } = first.workspaceId ? first : { workspaceId: (await t.api.get('/api/v1/auth/me')).body.workspace.id };
    const big = 'x'.repeat(256 * 1024);
    const N = 100; // 25 MiB: more than loopback's socket buffers and the 1 MiB bound together
    const dropsBefore = t.server.realtime.hub.slowDrops;
    // Paced by the fast client (a fast reader keeps up; a burst bigger than the bound would drop anyone).
    for (let i = 0; i < N; i++) {
      t.server.realtime.pubsub.publish(channel, { type: 'test.big', workspaceId, groupId: g.id, data: { i, big } });
      await fast.waitEvents(channel, i + 2, 5000);
    }
    const got = await fast.waitEvents(channel, N + 1, 20_000);
    expect(got.slice(1).map((f) => f.event.data.i)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(t.server.realtime.hub.slowDrops).toBe(dropsBefore + 1);
    // It reads again: what was already sent, then the close frame.
    (slow.ws as any)._socket.resume();
    const closed = await slow.closed;
    expect(closed).toEqual({ code: CLOSE_SLOW_CONSUMER, reason: 'slow consumer' });
    expect(slow.events(channel).length).toBeLessThan(N + 1);

    // The fast client is still subscribed and live.
    const after = await makeActivity(t.api, { groupId: g.id });
    const all = await fast.waitEvents(channel, N + 2);
    expect(all[N + 1].event.data.id).toBe(after.id);
    await fast.close();
  });
});
