// The client side of the fanout benchmark, in its own process (forked by fanout.bench.ts): opens N
// WebSocket (or Socket.IO) clients, joins each to its group, and reports when each round's messages arrive.
// Each message carries the sender's clock (`t`) and round (`r`); the parent corrects for the clock offset
// it measured with `clock` pings.
import WebSocket from 'ws';
import { io, type Socket } from 'socket.io-client';

type Kind = 'hub' | 'socketio' | 'floor';

interface OpenCmd {
  cmd: 'open';
  kind: Kind;
  url: string;
  token: string;
  groups: string[];
  perGroup: number;
}
type Cmd = OpenCmd | { cmd: 'clock'; t: number } | { cmd: 'expect'; round: number; n: number } | { cmd: 'close' };

const clock = () => performance.timeOrigin + performance.now();
const send = (m: unknown) => process.send!(m);

let wsClients: WebSocket[] = [];
let ioClients: Socket[] = [];
let expected: { round: number; n: number; lat: number[] } | null = null;
let stray = 0;

function received(t: number, r: number): void {
  const at = clock();
  if (!expected || expected.round !== r) {
    stray++;
    return;
  }
  expected.lat.push(at - t);
  if (expected.lat.length === expected.n) {
    send({ type: 'round', round: r, lat: expected.lat, stray });
    expected = null;
  }
}

function openWs(o: OpenCmd, group: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(o.url, { headers: o.kind === 'hub' ? { authorization: `Bearer ${o.token}` } : {}, perMessageDeflate: false });
    ws.once('error', reject);
    ws.once('unexpected-response', (_q, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    ws.on('message', (data: Buffer) => {
      const f = JSON.parse(data.toString());
      if (o.kind === 'floor') return received(f.event.data.t, f.event.data.r);
      if (f.type === 'event') return received(f.event.data.t, f.event.data.r);
      if (f.type === 'hello') ws.send(JSON.stringify({ type: 'subscribe', channel: `group:${group}` }));
      else if (f.type === 'subscribed') resolve(ws);
      else if (f.type === 'error') reject(new Error(`subscribe refused: ${JSON.stringify(f)}`));
    });
    if (o.kind === 'floor') ws.once('open', () => (ws.send(group), resolve(ws)));
  });
}

function openIo(o: OpenCmd, group: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = io(o.url, { transports: ['websocket'], forceNew: true, reconnection: false });
    s.once('connect_error', reject);
    s.on('event', (e: { data: { t: number; r: number } }) => received(e.data.t, e.data.r));
    s.once('connect', () => s.emit('join', group, () => resolve(s)));
  });
}

async function open(o: OpenCmd): Promise<void> {
  const jobs: (() => Promise<void>)[] = [];
  for (const g of o.groups) {
    for (let i = 0; i < o.perGroup; i++) {
      jobs.push(async () => {
        if (o.kind === 'socketio') ioClients.push(await openIo(o, g));
        else wsClients.push(await openWs(o, g));
      });
    }
  }
  // A few hundred handshakes at a time: the listen backlog and the server's accept loop stay unsaturated.
  for (let i = 0; i < jobs.length; i += 500) await Promise.all(jobs.slice(i, i + 500).map((j) => j()));
}

process.on('message', (m: Cmd) => {
  switch (m.cmd) {
    case 'clock':
      return send({ type: 'clock', t: m.t, c: clock() });
    case 'open':
      return void open(m).then(
        () => send({ type: 'opened', clients: wsClients.length + ioClients.length }),
        (e) => send({ type: 'failed', error: String(e) }),
      );
    case 'expect':
      expected = { round: m.round, n: m.n, lat: [] };
      return send({ type: 'expecting', round: m.round });
    case 'close': {
      for (const ws of wsClients) ws.terminate();
      for (const s of ioClients) s.disconnect();
      wsClients = [];
      ioClients = [];
      return send({ type: 'closed' });
    }
  }
});
send({ type: 'up' });
