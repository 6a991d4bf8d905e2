// A live session through faults (issue 9's acceptance): the fake Telegram answers 429s and 5xx (which
// deliver nothing) and lets calls time out at random (a timeout may or may not have delivered: the Bot
// API has no idempotency key); the server (the real `shequn serve`, its own process) is killed with
// SIGKILL mid-session and started again on the same database. Every group still gets every line, in
// order; a line a group got twice is allowed only for a send whose outcome was unknown, and those are
// counted as ambiguous; the built-in groups (no network in between) get each line exactly once.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from './fakes/telegram-bot-api.ts';
import { cliEnv, ROOT } from './helpers/cli.ts';
import { startTestServer, Client, type TestServer } from './helpers/server.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { expectStatus, joinAsMember, makeCommunity, makeGroup, waitFor } from './helpers/api.ts';

const KEY = Buffer.alloc(32, 11).toString('base64');
const BOTS = ['7301:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', '7302:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsax'];
const TG = Array.from({ length: 10 }, (_, i) => -1004000000000 - i);
const LINES = 12;
const SCALE = 50;
const line = (k: number) => `第 ${k} 条：岩茶的焙火`;
const relayed = (k: number) => `【主讲】李老师：${line(k)}`;

let fake: FakeTelegram;
let db: TestDatabase;
let setup: TestServer;
let env: NodeJS.ProcessEnv;
let token: string;
let speaker: { cookie: string; csrf: string };
let mainId: string;
let sessionId: string;
const builtinTargets: string[] = [];
const children: ChildProcess[] = [];

/** `shequn serve` in its own process; resolves with its URL once it listens. */
function serve(): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/shequn.js'), 'serve'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /running at (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1]!.replace('localhost', '127.0.0.1') });
      }
    });
    child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
    child.on('exit', (code) => code !== null && code !== 0 && reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

beforeAll(async () => {
  fake = await FakeTelegram.start({ timeScale: SCALE });
  BOTS.forEach((t, i) => fake.addBot({ token: t, username: `fault_bot_${i}` }));
  for (const [i, id] of TG.entries()) {
    fake.addChat({ id, type: 'supergroup', title: `岩茶 TG ${i + 1} 群` });
    fake.addBotToChat(id, BOTS[i % 2]!, { admin: true, silent: true });
  }
  db = await createTestDatabase();
  const common = { SHEQUN_TELEGRAM_API_ROOT: fake.url, SHEQUN_SECRET_KEY: KEY, SHEQUN_TELEGRAM_TIME_SCALE: String(SCALE), SHEQUN_TELEGRAM_POLLING: 'false' };
  // Set up through an in-process server, then hand the database to the real one.
  setup = await startTestServer({ ...common, SHEQUN_ENGINE_INTERVAL_MS: '60000' }, { db });
  const api = setup.api;
  const connections: string[] = [];
  for (const t of BOTS) {
    const c = await api.post('/api/v1/connections', { platform: 'telegram', token: t });
    expectStatus(c, 201);
    connections.push(c.body.id);
  }
  const community = await makeCommunity(api, { name: '岩茶直播' });
  const listeners = await makeCommunity(api, { name: '岩茶学员' });
  const main = await makeGroup(api, community.id, { platform: 'builtin', name: '岩茶主群' });
  mainId = main.id;
  for (const n of [1, 2]) builtinTargets.push((await makeGroup(api, listeners.id, { platform: 'builtin', name: `岩茶收听 ${n} 群` })).id);
  const rt = setup.server.rt;
  const ws = (await rt.db.kysely.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
  for (const [i, id] of TG.entries()) {
    const g = await makeGroup(api, listeners.id, { platform: 'telegram', name: `岩茶 TG ${i + 1} 群`, externalId: String(id).slice(4) });
    // As the listener records a bot added to a group.
    await rt.db.kysely.insertInto('group_links').values({ workspace_id: ws, group_id: g.id, connection_id: connections[i % 2]!, chat_ref: String(id), status: 'admin', updated_at: Date.now() }).execute();
  }
  const inv = await api.post('/api/v1/invites', { targetType: 'group', targetId: main.id });
  const s = await joinAsMember(setup, inv.body.code, { name: '李老师' });
  speaker = { cookie: s.cookie, csrf: s.csrf };
  const session = await api.post('/api/v1/live-sessions', {
    communityId: community.id, title: '岩茶焙火课', mainGroupId: main.id, host: { type: 'member', id: s.result.memberId }, speakers: [{ type: 'member', id: s.result.memberId }],
    targets: { communityIds: [listeners.id] }, settings: { reminders: [], notices: false },
  });
  expectStatus(session, 201);
  sessionId = session.body.id;
  expectStatus(await api.post(`/api/v1/live-sessions/${sessionId}/start`), 200);
  token = (await api.post('/api/v1/tokens', { name: 'faults', role: 'owner' })).body.token;
  await setup.stop();
  env = cliEnv(db, { ...common, PORT: '0', HOST: '127.0.0.1', SHEQUN_LOG_LEVEL: 'error', SHEQUN_TELEGRAM_TIMEOUT_MS: '300', SHEQUN_ENGINE_INTERVAL_MS: '50' });
}, 120_000);

afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await fake?.close();
  await db?.drop();
});

describe('a live session through faults and a killed server', () => {
  it('reaches every group with every line, in order; a duplicate only where a send’s outcome was unknown, and counted', async () => {
    fake.faults({ error5xx: 0.1, timeout: 0.06, timeoutDelivered: 0.5, seed: 42, methods: ['sendMessage'] });
    fake.failNext('sendMessage', { status: 429, retry_after: 1 }, { times: 3 });
    let server = await serve();
    const member = new Client(server.url).withHeaders({ cookie: speaker.cookie, 'x-csrf-token': speaker.csrf });
    for (let k = 1; k <= LINES; k++) expectStatus(await member.post(`/api/v1/me/groups/${mainId}/messages`, { clientId: `fault-line-${k}`, text: line(k) }), 201);
    // Killed mid-session: some groups have part of the lecture, some sends are on the wire.
    const total = TG.length * LINES;
    await waitFor(async () => fake.stats().total.accepted >= total * 0.3, 30_000);
    server.child.kill('SIGKILL');
    await new Promise((r) => server.child.once('exit', r));
    const atKill = fake.stats().total.accepted;
    expect(atKill).toBeLessThan(total);
    server = await serve();
    const api = new Client(server.url, token);
    await waitFor(async () => {
      const d = (await api.get(`/api/v1/live-sessions/${sessionId}/delivery`)).body;
      return d.totals && d.totals.queued === 0 && d.totals.retrying === 0 && d.totals.delivered === (TG.length + builtinTargets.length) * LINES && d;
    }, 60_000);
    const d = (await api.get(`/api/v1/live-sessions/${sessionId}/delivery`)).body;
    expect(d.totals.failed).toBe(0);

    let duplicated = 0;
    for (const chat of TG) {
      const got = fake.chatLog(chat).filter((e) => e.bot && e.text?.startsWith('【主讲】')).map((e) => e.text!);
      const firsts = got.filter((x, i) => got.indexOf(x) === i);
      expect(firsts, `chat ${chat}`).toEqual(Array.from({ length: LINES }, (_, i) => relayed(i + 1)));
      duplicated += got.length - firsts.length;
    }
    for (const g of builtinTargets) {
      const items = ((await api.get(`/api/v1/groups/${g}/chat?limit=100`)).body.items as any[]).reverse().filter((i) => i.text?.startsWith('【主讲】'));
      expect(items.map((i) => i.text)).toEqual(Array.from({ length: LINES }, (_, i) => relayed(i + 1)));
    }
    // Every duplicate is a send whose outcome was unknown; the unknowns are reported.
    expect(d.totals.ambiguous).toBeGreaterThan(0);
    expect(duplicated).toBeLessThanOrEqual(d.totals.ambiguous);
    const stats = fake.stats().total;
    expect(stats.errors5xx + stats.timeouts + stats.rejected429).toBeGreaterThan(0);
    expect((await api.get(`/api/v1/live-sessions/${sessionId}/stats`)).body.ambiguous).toBe(d.totals.ambiguous);
    server.child.kill('SIGTERM');
  }, 180_000);
});
