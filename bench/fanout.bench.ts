// fanout: 5,000 WebSocket clients in 500 groups (10 each) on loopback, the clients in a separate process.
// Two shapes: one message to one group (10 deliveries) and one message to every group (5,000 deliveries).
// Three servers, all connected at once, their rounds interleaved in the same run (so load changes weigh alike):
//   hub      the real server (startServer, SQLite) and its hub; clients authenticate with an API token at
//            connect and subscribe to group:<id> (visibility checked); messages go through the domain's
//            event publisher (the path writeActivities takes after a commit), so the PubSub and the hub's
//            serialize-once fan-out are measured, not the database write
//   socketio Socket.IO 4 rooms (websocket transport only): io.to(room).emit per group
//   floor    a bare `ws` server sending one pre-serialized frame to every client in a loop
// Latency = receive time in the clients' process − send time in this one, with the clocks' offset measured
// by IPC pings (min-RTT sample). A round is timed from its first send to each delivery.
// Needs about 16,000 open files in each process (`ulimit -n`; checked below; 20,000 here).
import { execSync, fork, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Server as IoServer } from 'socket.io';
import { WebSocketServer, type WebSocket } from 'ws';
import { ctxFor } from '../src/bootstrap.ts';
import { loadConfig } from '../src/config.ts';
import type { DomainEvent } from '../src/kernel/events.ts';
import { createToken } from '../src/modules/operator/index.ts';
import { DEFAULT_WORKSPACE_SLUG, findWorkspaceBySlug } from '../src/modules/workspace/index.ts';
import { startServer } from '../src/server.ts';
import { log, percentile, report, scratchDir } from './lib.ts';
import type { Bench } from './registry.ts';

const GROUPS = Number(process.env.BENCH_FANOUT_GROUPS ?? 500);
const PER_GROUP = Number(process.env.BENCH_FANOUT_PER_GROUP ?? 10);
const ROUNDS = Number(process.env.BENCH_FANOUT_ROUNDS ?? 30);
const WARMUP = 3;
const CLIENTS = GROUPS * PER_GROUP;
const here = path.dirname(fileURLToPath(import.meta.url));
const clock = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Msg = { type: string; [k: string]: any };

class Clients {
  private readonly inbox: Msg[] = [];
  private waiter: ((m: Msg) => void) | null = null;
  /** Clients' clock minus ours. */
  offset = 0;

  constructor(readonly child: ChildProcess) {
    child.on('message', (m: Msg) => {
      if (this.waiter) {
        const w = this.waiter;
        this.waiter = null;
        w(m);
      } else this.inbox.push(m);
    });
  }

  next(timeoutMs = 60_000): Promise<Msg> {
    const m = this.inbox.shift();
    if (m) return Promise.resolve(m);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the clients process did not answer in time')), timeoutMs);
      this.waiter = (x) => (clearTimeout(timer), resolve(x));
    });
  }

  async ask(cmd: Record<string, unknown>, want: string, timeoutMs?: number): Promise<Msg> {
    this.child.send(cmd);
    const m = await this.next(timeoutMs);
    if (m.type === 'failed') throw new Error(`clients: ${m.error}`);
    if (m.type !== want) throw new Error(`clients answered ${m.type}, expected ${want}`);
    return m;
  }

  async calibrate(): Promise<void> {
    let best = Infinity;
    for (let i = 0; i < 50; i++) {
      const t0 = clock();
      const m = await this.ask({ cmd: 'clock', t: t0 }, 'clock');
      const t1 = clock();
      if (t1 - t0 < best) {
        best = t1 - t0;
        this.offset = m.c - (t0 + t1) / 2;
      }
    }
    log(`  clocks: offset ${this.offset.toFixed(3)} ms (±${(best / 2).toFixed(3)})`);
  }
}

interface System {
  name: string;
  url: string;
  /** Sends round r's message to one group (index g) or, when g is undefined, to every group. */
  send(r: number, g?: number): void;
  close(): Promise<void>;
}

const payload = (r: number, t: number, groupId: string) => ({ id: `act_bench_${r}`, kind: 'message', groupId, payload: { text: '今晚八点直播，准时开始 Live at 8 pm' }, t, r });

async function hubSystem(groups: string[]): Promise<System & { token: string }> {
  const { dir, drop } = scratchDir('shequn-fanout');
  const config = loadConfig({ SHEQUN_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1', SHEQUN_LOG_LEVEL: 'error', SHEQUN_ADMIN_PASSWORD: 'bench-password-1' });
  const server = await startServer(config, () => {});
  const rt = server.rt;
  const ws = (await findWorkspaceBySlug(rt.db.kysely, DEFAULT_WORKSPACE_SLUG))!;
  const { token } = await createToken(ctxFor(rt, ws), { name: 'fanout', role: 'owner' });
  const base = server.url.replace('localhost', '127.0.0.1');
  const api = (p: string, body: unknown) =>
    fetch(base + p, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then(async (r) => {
      if (r.status !== 201) throw new Error(`${p}: ${r.status} ${await r.text()}`);
      return r.json() as Promise<{ id: string }>;
    });
  const community = await api('/api/v1/communities', { name: '直播测试社群', purpose: 'learning' });
  for (let i = 0; i < GROUPS; i++) groups.push((await api('/api/v1/groups', { communityId: community.id, platform: 'builtin', name: `学员${i + 1}群` })).id);
  const publisher = server.realtime.publisher;
  const event = (r: number, t: number, g: string): DomainEvent => ({
    type: 'activity.created', workspaceId: ws.id, groupId: g, cursor: `bench-${r}-${g}`, data: payload(r, t, g),
  });
  return {
    name: 'hub',
    url: base.replace(/^http/, 'ws') + '/api/v1/realtime',
    token,
    send(r, g) {
      const t = clock();
      if (g !== undefined) publisher.publish([event(r, t, groups[g]!)]);
      else for (const id of groups) publisher.publish([event(r, t, id)]);
    },
    async close() {
      await server.close();
      drop();
    },
  };
}

async function socketIoSystem(groups: string[]): Promise<System> {
  const httpServer = http.createServer();
  const io = new IoServer(httpServer, { transports: ['websocket'], serveClient: false, perMessageDeflate: false });
  io.on('connection', (s) => s.on('join', (room: string, ack: () => void) => (s.join(room), ack())));
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  const port = (httpServer.address() as { port: number }).port;
  return {
    name: 'socketio',
    url: `http://127.0.0.1:${port}`,
    send(r, g) {
      const t = clock();
      // The same event the hub sends (Socket.IO frames it as 42["event",{…}]).
      const ev = (id: string) => ({ type: 'activity.created', workspaceId: 'ws', groupId: id, cursor: `bench-${r}-${id}`, data: payload(r, t, id) });
      if (g !== undefined) io.to(groups[g]!).emit('event', ev(groups[g]!));
      else for (const id of groups) io.to(id).emit('event', ev(id));
    },
    async close() {
      io.disconnectSockets(true);
      await new Promise<void>((r) => io.close(() => r()));
    },
  };
}

async function floorSystem(groups: string[]): Promise<System> {
  const httpServer = http.createServer();
  const wss = new WebSocketServer({ server: httpServer, perMessageDeflate: false });
  const all: WebSocket[] = [];
  const byGroup = new Map<string, WebSocket[]>();
  wss.on('connection', (ws) =>
    ws.once('message', (g) => {
      all.push(ws);
      const id = g.toString();
      byGroup.set(id, [...(byGroup.get(id) ?? []), ws]);
    }),
  );
  await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
  const port = (httpServer.address() as { port: number }).port;
  return {
    name: 'floor',
    url: `ws://127.0.0.1:${port}`,
    send(r, g) {
      const t = clock();
      const id = g === undefined ? groups[0]! : groups[g]!;
      // One pre-serialized text frame, as big as the hub's, to every client (or one group's).
      const frame = Buffer.from(JSON.stringify({ type: 'event', channel: `group:${id}`, event: { type: 'activity.created', workspaceId: 'ws', groupId: id, cursor: `bench-${r}-${id}`, data: payload(r, t, id) } }));
      for (const ws of g === undefined ? all : byGroup.get(id)!) ws.send(frame, { binary: false });
    },
    async close() {
      for (const ws of all) ws.terminate();
      await new Promise<void>((r) => wss.close(() => httpServer.close(() => r())));
    },
  };
}

interface Result {
  one: number[];
  all: number[];
  /** Per all-groups round: time to the last delivery. */
  spans: number[];
}

/**
 * Connects CLIENTS clients to each system (all three stay connected), then runs the rounds interleaved,
 * rotating the order, so a change in the machine's load during the run weighs on all three alike.
 */
async function measure(clients: Clients, systems: (System & { token?: string })[], groups: string[]): Promise<Record<string, Result>> {
  for (const sys of systems) {
    const t0 = clock();
    const opened = await clients.ask({ cmd: 'open', kind: sys.name, url: sys.url, token: sys.token ?? '', groups, perGroup: PER_GROUP }, 'opened', 120_000);
    log(`  ${sys.name}: ${CLIENTS} clients connected and subscribed in ${((clock() - t0) / 1000).toFixed(1)} s (${opened.clients} open in all)`);
  }
  await sleep(200);
  let round = 0;
  const run = async (sys: System, g: number | undefined, n: number) => {
    const r = ++round;
    await clients.ask({ cmd: 'expect', round: r, n }, 'expecting');
    sys.send(r, g);
    const m = await clients.next(30_000);
    if (m.type !== 'round' || m.round !== r) throw new Error(`${sys.name} round ${r}: got ${JSON.stringify(m).slice(0, 200)}`);
    await sleep(10);
    return (m.lat as number[]).map((x) => x - clients.offset);
  };
  const res: Record<string, Result> = Object.fromEntries(systems.map((s) => [s.name, { one: [], all: [], spans: [] }]));
  for (let i = 0; i < WARMUP + ROUNDS; i++) {
    for (let k = 0; k < systems.length; k++) {
      const sys = systems[(i + k) % systems.length]!;
      const one = await run(sys, (i * 37) % GROUPS, PER_GROUP);
      const all = await run(sys, undefined, CLIENTS);
      if (i < WARMUP) continue;
      const r = res[sys.name]!;
      r.one.push(...one);
      r.all.push(...all);
      r.spans.push(Math.max(...all));
    }
  }
  await clients.ask({ cmd: 'close' }, 'closed');
  await sleep(500);
  return res;
}

const p99 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 99);

export const fanoutBench: Bench = {
  name: 'fanout',
  description: `${CLIENTS.toLocaleString()} WebSocket clients in ${GROUPS} groups: one message to one group and to every group; the hub beside Socket.IO rooms and a bare ws loop (the floor)`,
  async run() {
    const limit = Number(execSync('ulimit -n', { shell: '/bin/sh' }).toString().trim());
    log(`  open files limit (ulimit -n): ${limit}`);
    if (Number.isFinite(limit) && limit < 3 * CLIENTS + 1000) {
      throw new Error(`fanout needs ${3 * CLIENTS + 1000} open files per process (three servers' clients at once); raise it first: ulimit -n ${Math.max(20000, 4 * CLIENTS)}`);
    }
    const child = fork(path.join(here, 'fanout.clients.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const clients = new Clients(child);
    try {
      if ((await clients.next()).type !== 'up') throw new Error('the clients process did not start');
      await clients.calibrate();
      const groups: string[] = [];
      const systems: (System & { token?: string })[] = [];
      let results: Record<string, Result>;
      try {
        systems.push(await hubSystem(groups), await socketIoSystem(groups), await floorSystem(groups));
        results = await measure(clients, systems, groups);
      } finally {
        for (const sys of systems) await sys.close();
      }
      for (const [name, r] of Object.entries(results)) {
        const spanMs = r.spans.reduce((a, b) => a + b, 0);
        log(`  ${name.padEnd(8)} one group p99 ${p99(r.one).toFixed(2)} ms · all groups p50 ${percentile([...r.all].sort((a, b) => a - b), 50).toFixed(2)} ms, p99 ${p99(r.all).toFixed(2)} ms · ${Math.round((r.spans.length * CLIENTS) / (spanMs / 1000)).toLocaleString()} deliveries/s`);
      }
      const hubR = results.hub!;
      report('fanout', 'one_group_p99_ms', p99(hubR.one), 'ms');
      report('fanout', 'all_groups_p99_ms', p99(hubR.all), 'ms');
      report('fanout', 'deliveries_per_s', (hubR.spans.length * CLIENTS) / (hubR.spans.reduce((a, b) => a + b, 0) / 1000), 'deliveries/s');
      report('fanout', 'all_groups_p99_ms_vs_socketio', p99(hubR.all) / p99(results.socketio!.all), 'x');
      report('fanout', 'all_groups_p99_ms_vs_floor', p99(hubR.all) / p99(results.floor!.all), 'x');
    } finally {
      child.kill();
    }
  },
};
