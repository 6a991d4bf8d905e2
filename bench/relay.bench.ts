// relay: one 20-message lecture relayed to many groups through the real server (startServer, SQLite).
// - Telegram: 3,000 supergroups behind the fake Bot API (its own process), a pool of 10 bots, 300 groups
//   each; the fake enforces Telegram's limits (30 sends/s per bot, 1/s per chat, 20/min per group), all
//   windows divided by one time scale to keep the run short. Measured from the speaker's first message to
//   the last send the fake accepted; beside it, in the same run, the bound those limits allow and a naive
//   loop that sends with grammY one message at a time (waiting out each 429 as told) against a fresh fake.
//   Every group's log is checked: each line once, in the lecture's order.
// - Built-in: 500 built-in groups with 10,000 WebSocket clients (20 per group, their own process); the
//   speaker says a line every 300 ms; per line, the time until the last client has it.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Api, GrammyError } from 'grammy';
import { ctxFor } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import { createToken } from '../src/modules/operator/index.ts';
import { DEFAULT_WORKSPACE_SLUG, findWorkspaceBySlug } from '../src/modules/workspace/index.ts';
import { startServer, type RunningServer } from '../src/server.ts';
import { log, percentile, report, scratchDir } from './lib.ts';
import type { Bench } from './registry.ts';

const TG_GROUPS = Number(process.env.BENCH_RELAY_GROUPS ?? 3000);
const BOTS = Number(process.env.BENCH_RELAY_BOTS ?? 10);
const LINES = 20;
// Scale 3: 900 sends/s in all, what the fake (one process) and the server share of this 2-core machine; at 10 the fake's own queue sets the pace.
const SCALE = Number(process.env.BENCH_RELAY_SCALE ?? 3);
const BUILTIN_GROUPS = Number(process.env.BENCH_RELAY_BUILTIN_GROUPS ?? 500);
const PER_GROUP = Number(process.env.BENCH_RELAY_CLIENTS_PER_GROUP ?? 20);
const here = path.dirname(fileURLToPath(import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const clock = () => performance.timeOrigin + performance.now();

type Msg = { type: string; [k: string]: any };

/** A forked helper process answering commands over IPC. */
class Child {
  private readonly inbox: Msg[] = [];
  private waiter: ((m: Msg) => void) | null = null;
  readonly proc: ChildProcess;
  constructor(file: string) {
    this.proc = fork(path.join(here, file), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.proc.on('message', (m: Msg) => {
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w(m);
      } else this.inbox.push(m);
    });
  }
  next(timeoutMs = 120_000): Promise<Msg> {
    const m = this.inbox.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('a benchmark helper process did not answer in time')), timeoutMs);
      this.waiter = (x) => (clearTimeout(timer), resolve(x));
    });
  }
  async ask(cmd: Record<string, unknown>, want: string, timeoutMs?: number): Promise<Msg> {
    this.proc.send(cmd);
    const m = await this.next(timeoutMs);
    if (m.type === 'failed') throw new Error(`helper: ${m.error}`);
    if (m.type !== want) throw new Error(`helper answered ${m.type}, expected ${want}`);
    return m;
  }
  async up() {
    if ((await this.next()).type !== 'up') throw new Error('helper did not start');
  }
  kill() {
    this.proc.kill();
  }
}

const tokenOf = (i: number) => `${900000 + i}:AAH${randomBytes(16).toString('hex')}`;
const chatId = (i: number) => -1003000000000 - i;
const line = (k: number) => `第 ${k} 条：凤凰单丛的冲泡要点 ${k}`;
const relayedLine = (k: number) => `【主讲】王老师：${line(k)}`;

/** The shortest time Telegram's limits allow for the lecture (from the first send to the last), in seconds. */
function bound(groupsPerBot: number): number {
  const w = 1000 / SCALE;
  const perBot = (Math.ceil((groupsPerBot * LINES) / 30) - 1) * w;
  const perChat = (LINES - 1) * w;
  const perGroup = (Math.ceil(LINES / 20) - 1) * 60 * w;
  return Math.max(perBot, perChat, perGroup) / 1000;
}

interface Api2 {
  post(p: string, body?: unknown, headers?: Record<string, string>): Promise<any>;
  get(p: string): Promise<any>;
}

function client(base: string, token: string): Api2 {
  const call = async (method: string, p: string, body?: unknown, headers: Record<string, string> = {}) => {
    const r = await fetch(base + p, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await r.text();
    if (r.status >= 300) throw new Error(`${method} ${p}: ${r.status} ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : null;
  };
  return { post: (p, b, h) => call('POST', p, b ?? {}, h), get: (p) => call('GET', p) };
}

async function serverWith(env: Record<string, string>): Promise<{ server: RunningServer; api: Api2; base: string; token: string; drop: () => void }> {
  const { dir, drop } = scratchDir('shequn-relay');
  const config = loadConfig({
    SHEQUN_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', SHEQUN_LOG_LEVEL: 'error', SHEQUN_ADMIN_PASSWORD: 'bench-password-1', SHEQUN_SECRET_KEY: randomBytes(32).toString('base64'),
    SHEQUN_TELEGRAM_POLLING: 'false', SHEQUN_TELEGRAM_TIME_SCALE: String(SCALE), ...env,
  });
  const server = await startServer(config, () => {});
  const ws = (await findWorkspaceBySlug(server.rt.db.kysely, DEFAULT_WORKSPACE_SLUG))!;
  const { token } = await createToken(ctxFor(server.rt, ws), { name: 'relay', role: 'owner' });
  const base = server.url.replace('localhost', '127.0.0.1');
  return { server, api: client(base, token), base, token, drop };
}

/** A member who joins the group through an invite, and posts as the member app does. */
async function speakerIn(base: string, api: Api2, groupId: string) {
  const inv = await api.post('/api/v1/invites', { targetType: 'group', targetId: groupId });
  const r = await fetch(`${base}/api/v1/public/join/${inv.code}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: '王老师', consentAccepted: true, rulesAccepted: true }) });
  const joined = (await r.json()) as { memberId: string };
  const cookie = (r.headers.get('set-cookie') ?? '').split(';')[0]!;
  const me = (await (await fetch(`${base}/api/v1/me`, { headers: { cookie } })).json()) as { csrfToken: string };
  let n = 0;
  return {
    memberId: joined.memberId,
    say: async (text: string) => {
      const res = await fetch(`${base}/api/v1/me/groups/${groupId}/messages`, {
        method: 'POST', headers: { cookie, 'x-csrf-token': me.csrfToken, 'content-type': 'application/json' }, body: JSON.stringify({ clientId: `lecture-${Date.now()}-${++n}`, text }),
      });
      if (res.status !== 201) throw new Error(`post: ${res.status} ${await res.text()}`);
    },
  };
}

async function telegramPart(): Promise<{ completion: number; naive: number; bound: number; lost: number; duplicated: number; outOfOrder: number; ambiguous: number }> {
  const bots = Array.from({ length: BOTS }, (_, i) => ({ token: tokenOf(i), username: `relay_bot_${i}` }));
  const chats = Array.from({ length: TG_GROUPS }, (_, i) => ({ id: chatId(i), title: `学员 TG ${i + 1} 群`, bots: [bots[i % BOTS]!.token] }));
  const fake = new Child('relay.fake.ts');
  await fake.up();
  const { url } = await fake.ask({ cmd: 'start', timeScale: SCALE, bots, chats }, 'started');
  const { server, api, base, drop } = await serverWith({ SHEQUN_TELEGRAM_API_ROOT: url });
  try {
    const connections: string[] = [];
    for (const b of bots) connections.push((await api.post('/api/v1/connections', { platform: 'telegram', token: b.token })).id);
    const lecture = await api.post('/api/v1/communities', { name: '直播课社群', purpose: 'learning' });
    const tg = await api.post('/api/v1/communities', { name: 'Telegram 学员群', purpose: 'learning' });
    const main = await api.post('/api/v1/groups', { communityId: lecture.id, platform: 'builtin', name: '直播主群' });
    // The groups as the listener records them when a bot is added (written directly: 3,000 joins would only slow the set-up).
    const s = server.rt.db.sqlite!;
    const ws = server.rt.db.kysely;
    const wsId = (await ws.selectFrom('workspaces').select('id').where('slug', '=', DEFAULT_WORKSPACE_SLUG).executeTakeFirstOrThrow()).id;
    const t = Date.now();
    const g = s.prepare(`insert into groups (id, workspace_id, community_id, platform, external_id, name, kind, function, official, structure, capacity, status, numbering, created_at, updated_at)
      values (?, ?, ?, 'telegram', ?, ?, 'member', 'retain', 1, 'pyramid', 200000, 'active', '{}', ?, ?)`);
    const l = s.prepare(`insert into group_links (workspace_id, group_id, connection_id, chat_ref, status, updated_at) values (?, ?, ?, ?, 'admin', ?)`);
    s.transaction(() => {
      chats.forEach((c, i) => {
        g.run(`grp_tg_${i}`, wsId, tg.id, String(c.id).slice(4), c.title, t, t);
        l.run(wsId, `grp_tg_${i}`, connections[i % BOTS], String(c.id), t);
      });
    })();
    const speaker = await speakerIn(base, api, main.id);
    const session = await api.post('/api/v1/live-sessions', {
      communityId: lecture.id, title: '凤凰单丛冲泡课', mainGroupId: main.id, host: { type: 'member', id: speaker.memberId }, speakers: [{ type: 'member', id: speaker.memberId }],
      targets: { communityIds: [tg.id] }, settings: { reminders: [], notices: false },
    });
    await api.post(`/api/v1/live-sessions/${session.id}/start`);
    log(`  telegram: ${TG_GROUPS} groups, ${BOTS} bots, time scale ${SCALE}; the lecture starts`);
    const t0 = Date.now();
    for (let k = 1; k <= LINES; k++) await speaker.say(line(k));
    const total = TG_GROUPS * LINES;
    let last = 0;
    for (;;) {
      const c = await fake.ask({ cmd: 'count' }, 'count');
      if (c.accepted >= total) {
        last = c.lastAt;
        break;
      }
      if (Date.now() - t0 > 20 * bound(TG_GROUPS / BOTS) * 1000 + 60_000) throw new Error(`the relay stalled at ${c.accepted}/${total} sends`);
      await sleep(100);
    }
    const completion = (last - t0) / 1000;
    await sleep(500);
    const checked = await fake.ask({ cmd: 'check', chats: chats.map((c) => c.id), expected: Array.from({ length: LINES }, (_, i) => relayedLine(i + 1)) }, 'checked', 300_000);
    const d = await api.get(`/api/v1/live-sessions/${session.id}/delivery`);
    log(`  telegram: ${completion.toFixed(2)} s (bound ${bound(TG_GROUPS / BOTS).toFixed(2)} s); accepted ${checked.accepted}, 429s ${checked.rejected429}; lost ${checked.lost}, duplicated ${checked.duplicated}, out of order ${checked.outOfOrder}; Shequn: delivered ${d.totals.delivered}, failed ${d.totals.failed}, ambiguous ${d.totals.ambiguous}`);
    fake.kill();

    // The naive loop, against a fresh fake with the same world.
    const fresh = new Child('relay.fake.ts');
    await fresh.up();
    const f = await fresh.ask({ cmd: 'start', timeScale: SCALE, bots, chats }, 'started');
    const apis = bots.map((b) => new Api(b.token, { apiRoot: f.url }));
    const n0 = Date.now();
    for (let k = 1; k <= LINES; k++) {
      for (const [i, c] of chats.entries()) {
        for (;;) {
          try {
            await apis[i % BOTS]!.sendMessage(c.id, relayedLine(k));
            break;
          } catch (e) {
            if (e instanceof GrammyError && e.error_code === 429) await sleep(((e.parameters.retry_after ?? 1) * 1000) / SCALE);
            else throw e;
          }
        }
      }
    }
    const naive = (Date.now() - n0) / 1000;
    const nc = await fresh.ask({ cmd: 'check', chats: chats.map((c) => c.id), expected: Array.from({ length: LINES }, (_, i) => relayedLine(i + 1)) }, 'checked', 300_000);
    log(`  naive grammY loop: ${naive.toFixed(2)} s; 429s ${nc.rejected429}; lost ${nc.lost}, duplicated ${nc.duplicated}`);
    fresh.kill();
    return { completion, naive, bound: bound(TG_GROUPS / BOTS), lost: checked.lost, duplicated: checked.duplicated, outOfOrder: checked.outOfOrder, ambiguous: d.totals.ambiguous };
  } finally {
    fake.kill();
    await server.close();
    drop();
  }
}

async function builtinPart(): Promise<{ p99: number; lost: number; duplicated: number }> {
  const { server, api, base, token, drop } = await serverWith({});
  const clients = new Child('relay.clients.ts');
  try {
    await clients.up();
    let offset = 0;
    let best = Infinity;
    for (let i = 0; i < 50; i++) {
      const t0 = clock();
      const m = await clients.ask({ cmd: 'clock', t: t0 }, 'clock');
      const t1 = clock();
      if (t1 - t0 < best) {
        best = t1 - t0;
        offset = m.c - (t0 + t1) / 2;
      }
    }
    const lecture = await api.post('/api/v1/communities', { name: '直播课社群', purpose: 'learning' });
    const listeners = await api.post('/api/v1/communities', { name: '学员群', purpose: 'learning' });
    const main = await api.post('/api/v1/groups', { communityId: lecture.id, platform: 'builtin', name: '直播主群' });
    const groups: string[] = [];
    for (let i = 0; i < BUILTIN_GROUPS; i++) groups.push((await api.post('/api/v1/groups', { communityId: listeners.id, platform: 'builtin', name: `学员${i + 1}群` })).id);
    const speaker = await speakerIn(base, api, main.id);
    const session = await api.post('/api/v1/live-sessions', {
      communityId: lecture.id, title: '凤凰单丛冲泡课', mainGroupId: main.id, host: { type: 'member', id: speaker.memberId }, speakers: [{ type: 'member', id: speaker.memberId }],
      targets: { communityIds: [listeners.id] }, settings: { reminders: [], notices: false },
    });
    await api.post(`/api/v1/live-sessions/${session.id}/start`);
    await clients.ask({ cmd: 'open', url: `${base.replace(/^http/, 'ws')}/api/v1/realtime`, token, groups, perGroup: PER_GROUP }, 'opened', 300_000);
    log(`  built-in: ${BUILTIN_GROUPS} groups, ${BUILTIN_GROUPS * PER_GROUP} clients connected`);
    const posted: number[] = [];
    for (let k = 1; k <= LINES; k++) {
      posted[k] = clock();
      await speaker.say(line(k));
      await sleep(300);
    }
    const want = BUILTIN_GROUPS * PER_GROUP;
    let arrivals = new Map<number, { n: number; last: number }>();
    let duplicated = 0;
    const deadline = Date.now() + 120_000;
    for (;;) {
      const r = await clients.ask({ cmd: 'report' }, 'report');
      arrivals = new Map(r.arrivals);
      duplicated = r.duplicates;
      if ([...Array(LINES)].every((_, i) => (arrivals.get(i + 1)?.n ?? 0) >= want) || Date.now() > deadline) break;
      await sleep(200);
    }
    let lost = 0;
    const lat: number[] = [];
    for (let k = 1; k <= LINES; k++) {
      const a = arrivals.get(k);
      lost += want - Math.min(want, a?.n ?? 0);
      if (a) lat.push(a.last - offset - posted[k]!);
    }
    lat.sort((x, y) => x - y);
    log(`  built-in: last client per line p50 ${percentile(lat, 50).toFixed(1)} ms, p99 ${percentile(lat, 99).toFixed(1)} ms; lost ${lost}, duplicated ${duplicated}`);
    await clients.ask({ cmd: 'close' }, 'closed');
    return { p99: percentile(lat, 99), lost, duplicated };
  } finally {
    clients.kill();
    await server.close();
    drop();
  }
}

export const relayBench: Bench = {
  name: 'relay',
  description: `a ${LINES}-line lecture relayed to ${TG_GROUPS.toLocaleString()} Telegram groups over ${BOTS} bots (the fake enforcing Telegram's limits, time scale ${SCALE}) vs the limits' bound and a naive grammY loop; and to ${BUILTIN_GROUPS} built-in groups with ${(BUILTIN_GROUPS * PER_GROUP).toLocaleString()} clients`,
  async run() {
    // BENCH_RELAY_PARTS=builtin (or telegram) runs one part only, to look at it alone.
    const parts = (process.env.BENCH_RELAY_PARTS ?? 'telegram,builtin').split(',');
    const tg = parts.includes('telegram') ? await telegramPart() : null;
    if (tg) {
      report('relay', 'telegram_completion_s', tg.completion, 's');
      report('relay', 'telegram_completion_s_vs_bound', tg.completion / tg.bound, 'x');
      report('relay', 'telegram_completion_s_vs_naive', tg.completion / tg.naive, 'x');
      if (tg.outOfOrder) log(`  ${tg.outOfOrder} Telegram groups got the lecture out of order`);
    }
    const b = parts.includes('builtin') ? await builtinPart() : null;
    report('relay', 'lost', (tg?.lost ?? 0) + (b?.lost ?? 0), 'messages');
    report('relay', 'duplicated', (tg?.duplicated ?? 0) + (b?.duplicated ?? 0), 'messages');
    if (b) report('relay', 'builtin_last_client_p99_ms', b.p99, 'ms');
  },
};
