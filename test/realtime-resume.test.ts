// Reconnecting with a cursor: the hub replays exactly what was missed, in order, then goes live without a
// gap or a duplicate, even while activities keep arriving during the subscribe.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeActivity, makeCommunity, makeGroup } from './helpers/api.ts';
import { Probe, sleep } from './helpers/realtime.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';

let t: TestServer;
let token: string;

beforeAll(async () => {
  t = await startTestServer();
  token = t.api.token!;
});
afterAll(() => t?.stop());

const ids = (frames: any[]) => frames.map((f) => f.event.data.id);

/** Distinct occurredAt values one millisecond apart, so the stream's order is the order of posting. */
let clock = Date.parse('2026-01-01T00:00:00Z');
const at = () => new Date((clock += 1)).toISOString();

describe('resume with a cursor', () => {
  it('replays exactly the missed activities in order, then streams live, without duplicates', async () => {
    const c = await makeCommunity(t.api);
    const g = await makeGroup(t.api, c.id);
    const channel = `group:${g.id}`;
    const first = await Probe.open(t.url, { token });
    await first.expectSubscribed(channel);
    const a1 = await makeActivity(t.api, { groupId: g.id, occurredAt: at() });
    const [e1] = await first.waitEvents(channel, 1);
    expect(e1.event.data.id).toBe(a1.id);
    await first.close();

    const missed = [];
    for (let i = 0; i < 5; i++) missed.push(await makeActivity(t.api, { groupId: g.id, occurredAt: at() }));
    const again = await Probe.open(t.url, { token });
    const sub = await again.expectSubscribed(channel, e1.event.cursor);
    expect(sub).toMatchObject({ live: true, replayed: 5, more: false, cursor: again.events(channel)[4].event.cursor });
    const replay = again.events(channel);
    expect(ids(replay)).toEqual(missed.map((a) => a.id));
    expect(replay.every((f) => f.replay === true)).toBe(true);
    // The subscribed frame comes after the replay.
    expect(again.frames.findIndex((f) => f.type === 'subscribed')).toBeGreaterThan(again.frames.indexOf(replay[4]));

    const live = await makeActivity(t.api, { groupId: g.id, occurredAt: at() });
    await again.waitEvents(channel, 6);
    await sleep(100);
    expect(ids(again.events(channel))).toEqual([...missed, live].map((a) => a.id));
    expect(again.events(channel)[5].replay).toBeUndefined();
    await again.close();
  });

  it('loses nothing and repeats nothing while writes race the subscribe', async () => {
    const c = await makeCommunity(t.api);
    const g = await makeGroup(t.api, c.id);
    const channel = `group:${g.id}`;
    const p0 = await Probe.open(t.url, { token });
    await p0.expectSubscribed(channel);
    const a0 = await makeActivity(t.api, { groupId: g.id, occurredAt: at() });
    const [e0] = await p0.waitEvents(channel, 1);
    await p0.close();

    const before = [];
    for (let i = 0; i < 10; i++) before.push(await makeActivity(t.api, { groupId: g.id, occurredAt: at() }));
    // Writers keep going while the client reconnects and reads its backlog.
    const writing = (async () => {
      const out = [];
      for (let i = 0; i < 30; i++) out.push(await makeActivity(t.api, { groupId: g.id, occurredAt: at() }));
      return out;
    })();
    await sleep(5);
    const p = await Probe.open(t.url, { token });
    await p.expectSubscribed(channel, e0.event.cursor);
    const during = await writing;
    const all = [...before, ...during].map((a) => a.id);
    const got = await p.waitEvents(channel, all.length);
    await sleep(200);
    expect(new Set(ids(p.events(channel))).size).toBe(p.events(channel).length);
    expect(ids(p.events(channel)).sort()).toEqual([...all].sort());
    expect(ids(got)).not.toContain(a0.id);
    // Replayed frames come first, in stream order.
    const replayed = p.events(channel).filter((f) => f.replay);
    expect(ids(replayed)).toEqual(all.slice(0, replayed.length));
    await p.close();
  });

  it('pages a backlog longer than 500: not live until the client has read it all', async () => {
    const c = await makeCommunity(t.api);
    const g = await makeGroup(t.api, c.id);
    const channel = `group:${g.id}`;
    const start = await makeActivity(t.api, { groupId: g.id, occurredAt: at() });
    const cursor0 = (await t.api.get(`/api/v1/activities?groupId=${g.id}&limit=1`)).body.items[0].id === start.id;
    expect(cursor0).toBe(true);
    const batch = Array.from({ length: 620 }, () => ({ kind: 'message', occurredAt: at(), groupId: g.id }));
    const r = await t.api.post('/api/v1/activities/batch', { activities: batch });
    expect(r.status, r.text.slice(0, 300)).toBeLessThan(300);
    const p = await Probe.open(t.url, { token });
    const { encodeCursor } = await import('../src/kernel/cursor.ts');
    const page1 = await p.subscribe(channel, encodeCursor(Date.parse(start.occurredAt), start.id));
    expect(page1).toMatchObject({ type: 'subscribed', live: false, more: true, replayed: 500 });
    const page2 = await p.subscribe(channel, page1.cursor);
    expect(page2).toMatchObject({ type: 'subscribed', live: true, more: false, replayed: 120 });
    const live = await makeActivity(t.api, { groupId: g.id, occurredAt: at() });
    await p.waitEvents(channel, 621);
    const got = ids(p.events(channel));
    expect(new Set(got).size).toBe(621);
    expect(got[620]).toBe(live.id);
    await p.close();
  });
});
