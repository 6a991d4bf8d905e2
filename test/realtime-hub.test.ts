// The real-time hub over the real server: authentication on upgrade, who may subscribe to what, and
// activities written through the API reaching subscribers (after the commit, never for a failed write).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../src/kernel/cursor.ts';
import { makeActivity, makeCommunity, makeGroup, mintToken, otherWorkspace, signIn } from './helpers/api.ts';
import { Probe, sleep } from './helpers/realtime.ts';
import { ADMIN, startTestServer, type TestServer } from './helpers/server.ts';

let t: TestServer;
let token: string;
let workspaceId: string;

beforeAll(async () => {
  t = await startTestServer();
  token = t.api.token!;
  workspaceId = (await t.api.get('/api/v1/auth/me')).body.workspace.id;
});
afterAll(() => t?.stop());

describe('real-time authentication', () => {
  it('refuses an upgrade without credentials, or with a bad token, with HTTP 401 and a problem', async () => {
    const none = await Probe.upgradeStatus(t.url);
    expect(none.status).toBe(401);
    expect(none.body).toMatchObject({ status: 401, code: 'auth.required', type: 'urn:shequn:problem:auth.required' });
    expect((await Probe.upgradeStatus(t.url, { token: 'shq_not-a-token' })).status).toBe(401);
    expect((await Probe.upgradeStatus(t.url, { token: 'shq_not-a-token', viaProtocol: true })).status).toBe(401);
    expect((await Probe.upgradeStatus(t.url, { headers: { cookie: 'shequn_session=nope' } })).status).toBe(401);
  });

  it('accepts a token in the Authorization header or as the bearer.<token> subprotocol', async () => {
    const a = await Probe.open(t.url, { token });
    expect(a.frames[0]).toMatchObject({ type: 'hello', protocol: 'shequn.v1', principal: { kind: 'operator', workspaceId } });
    const b = await Probe.open(t.url, { token, viaProtocol: true });
    expect(b.ws.protocol).toBe('shequn.v1');
    await Promise.all([a.close(), b.close()]);
  });

  it('accepts a session cookie from the same origin only (no cross-site WebSocket hijacking)', async () => {
    const s = await signIn(t, ADMIN.email, ADMIN.password);
    const host = new URL(t.url).host;
    const ok = await Probe.open(t.url, { headers: { cookie: s.cookie, origin: `http://${host}` } });
    await ok.expectSubscribed(`workspace:${workspaceId}`);
    await ok.close();
    expect((await Probe.upgradeStatus(t.url, { headers: { cookie: s.cookie, origin: 'https://evil.example' } })).status).toBe(401);
  });

  it('answers 404 for an upgrade to another path', async () => {
    const r = await Probe.upgradeStatus(t.url, { token, path: '/api/v1/elsewhere' });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('real-time subscriptions', () => {
  it('delivers activity.created to the group channel and a summary to the workspace channel', async () => {
    const c = await makeCommunity(t.api);
    const g = await makeGroup(t.api, c.id);
    const p = await Probe.open(t.url, { token });
    const sub = await p.expectSubscribed(`group:${g.id}`);
    expect(sub).toMatchObject({ live: true, replayed: 0, more: false });
    await p.expectSubscribed(`workspace:${workspaceId}`);
    const a = await makeActivity(t.api, { groupId: g.id, payload: { text: '大家好' } });
    const [ev] = await p.waitEvents(`group:${g.id}`, 1);
    expect(ev.event).toMatchObject({ type: 'activity.created', workspaceId, groupId: g.id, data: { id: a.id, kind: 'message', payload: { text: '大家好' } } });
    expect(ev.event.cursor).toBe(encodeCursor(Date.parse(a.occurredAt), a.id));
    const [summary] = await p.waitEvents(`workspace:${workspaceId}`, 1);
    expect(summary.event).toMatchObject({ type: 'activity.created', groupId: g.id, cursor: ev.event.cursor, data: { id: a.id, kind: 'message', groupId: g.id } });
    expect(summary.event.data.payload).toBeUndefined();
    await p.close();
  });

  it('publishes nothing for a failed write, and nothing again for an idempotent retry', async () => {
    const c = await makeCommunity(t.api);
    const g = await makeGroup(t.api, c.id);
    const p = await Probe.open(t.url, { token });
    await p.expectSubscribed(`group:${g.id}`);
    const now = new Date().toISOString();
    const bad = await t.api.post('/api/v1/activities/batch', {
      activities: [{ kind: 'message', occurredAt: now, groupId: g.id }, { kind: 'message', occurredAt: now, groupId: g.id, memberId: 'mem_missing' }],
    });
    expect(bad.status).toBe(400);
    await makeActivity(t.api, { groupId: g.id, sourceId: 'once' });
    await makeActivity(t.api, { groupId: g.id, sourceId: 'once' }).catch(() => undefined);
    await sleep(200);
    expect(p.events(`group:${g.id}`)).toHaveLength(1);
    await p.close();
  });

  it('refuses a scoped token a group outside its scope, and filters its workspace channel', async () => {
    const mine = await makeCommunity(t.api);
    const theirs = await makeCommunity(t.api);
    const gMine = await makeGroup(t.api, mine.id);
    const gTheirs = await makeGroup(t.api, theirs.id);
    const scoped = await mintToken(t, 'operator', { communities: [mine.id] });
    const p = await Probe.open(t.url, { token: scoped.token });
    const refused = await p.subscribe(`group:${gTheirs.id}`);
    expect(refused).toMatchObject({ type: 'error', code: 'channel.not_found', channel: `group:${gTheirs.id}` });
    await p.expectSubscribed(`group:${gMine.id}`);
    await p.expectSubscribed(`workspace:${workspaceId}`);
    await makeActivity(t.api, { groupId: gTheirs.id });
    await makeActivity(t.api, { kind: 'purchase' }); // no group: not for a scoped operator
    const a = await makeActivity(t.api, { groupId: gMine.id });
    await p.waitEvents(`group:${gMine.id}`, 1);
    await p.waitEvents(`workspace:${workspaceId}`, 1);
    await sleep(150);
    expect(p.events(`workspace:${workspaceId}`).map((f) => f.event.data.id)).toEqual([a.id]);
    expect(p.events(`group:${gTheirs.id}`)).toHaveLength(0);
    await p.close();
  });

  it('refuses another workspace: its workspace channel and its groups', async () => {
    const c = await makeCommunity(t.api);
    const g = await makeGroup(t.api, c.id);
    const other = await otherWorkspace(t, 'rt-other');
    const p = await Probe.open(t.url, { token: other.token });
    expect(await p.subscribe(`workspace:${workspaceId}`)).toMatchObject({ type: 'error', code: 'channel.forbidden' });
    expect(await p.subscribe(`group:${g.id}`)).toMatchObject({ type: 'error', code: 'channel.not_found' });
    await p.expectSubscribed(`workspace:${other.workspace.id}`);
    await makeActivity(t.api, { groupId: g.id });
    await sleep(150);
    expect(p.events()).toHaveLength(0);
    await p.close();
  });

  it('answers malformed frames and channels with error frames and keeps the connection', async () => {
    const p = await Probe.open(t.url, { token });
    p.ws.send('not json');
    expect(await p.next((f) => f.type === 'error')).toMatchObject({ code: 'frame.invalid' });
    expect(await p.subscribe('room:1')).toMatchObject({ type: 'error', code: 'channel.invalid' });
    expect(await p.subscribe('group:grp_nope')).toMatchObject({ type: 'error', code: 'channel.not_found' });
    const c = await makeCommunity(t.api);
    const g = await makeGroup(t.api, c.id);
    expect(await p.subscribe(`group:${g.id}`, 'garbage')).toMatchObject({ type: 'error', code: 'cursor.invalid' });
    p.send({ type: 'ping', ref: 7 });
    expect(await p.next((f) => f.type === 'pong')).toEqual({ type: 'pong', ref: 7 });
    await p.close();
  });

  it('says in the OpenAPI description where live events are', async () => {
    const doc = (await t.client().get('/api/v1/openapi.json')).body;
    expect(doc.info.description).toContain('/api/v1/realtime');
  });
});

describe('events after commit', () => {
  it('publishes what a transaction emitted only when it commits, once, after the outermost commit', async () => {
    const { ctxFor } = await import('../src/bootstrap.ts');
    const { writeActivities } = await import('../src/modules/activity/index.ts');
    const { getWorkspace } = await import('../src/modules/workspace/index.ts');
    const rt = t.server.rt;
    const published: string[][] = [];
    const spy = { publish: (events: readonly { data: Record<string, unknown> }[]) => void published.push(events.map((e) => String(e.data.id))) };
    const ctx = ctxFor({ ...rt, events: spy }, await getWorkspace(rt.db.kysely, workspaceId));
    const input = () => [{ kind: 'message', occurredAt: new Date().toISOString(), payload: {}, source: 'api' }];

    await expect(ctx.transaction(async (tx) => {
      await writeActivities(tx, input());
      throw new Error('rolled back');
    })).rejects.toThrow('rolled back');
    expect(published).toEqual([]);

    let inner = '';
    await ctx.transaction(async (tx) => {
      inner = (await writeActivities(tx, input()))[0]!.activity.id;
      expect(published).toEqual([]); // not before the outer transaction commits
    });
    expect(published).toEqual([[inner]]);

    const [direct] = await writeActivities(ctx, input());
    expect(published).toEqual([[inner], [direct!.activity.id]]);
  });
});
