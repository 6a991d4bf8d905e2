// The clients of the relay benchmark's built-in part, in their own process (forked by relay.bench.ts):
// N WebSocket clients per group subscribed to their group, each noting when every relayed line of the
// lecture reaches it. `report` answers, per line, how many clients got it, the last arrival, and how many
// arrived twice at one client.
import WebSocket from 'ws';

type Cmd = { cmd: 'open'; url: string; token: string; groups: string[]; perGroup: number } | { cmd: 'clock'; t: number } | { cmd: 'report' } | { cmd: 'close' };

const clock = () => performance.timeOrigin + performance.now();
const send = (m: unknown) => process.send!(m);
const LINE = /第 (\d+) 条/;

let clients: WebSocket[] = [];
const arrivals = new Map<number, { n: number; last: number }>();
let duplicates = 0;

function open(url: string, token: string, group: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${token}` }, perMessageDeflate: false });
    const got = new Set<number>();
    ws.once('error', reject);
    ws.on('message', (data: Buffer) => {
      const f = JSON.parse(data.toString());
      if (f.type === 'event') {
        const text = f.event?.data?.payload?.text;
        const m = typeof text === 'string' && text.startsWith('【主讲】') ? LINE.exec(text) : null;
        if (!m) return;
        const n = Number(m[1]);
        if (got.has(n)) duplicates++;
        got.add(n);
        const a = arrivals.get(n) ?? { n: 0, last: 0 };
        a.n++;
        a.last = Math.max(a.last, clock());
        arrivals.set(n, a);
      } else if (f.type === 'hello') ws.send(JSON.stringify({ type: 'subscribe', channel: `group:${group}` }));
      else if (f.type === 'subscribed') resolve(ws);
      else if (f.type === 'error') reject(new Error(`subscribe refused: ${JSON.stringify(f)}`));
    });
  });
}

process.on('message', async (m: Cmd) => {
  try {
    if (m.cmd === 'clock') return send({ type: 'clock', t: m.t, c: clock() });
    if (m.cmd === 'open') {
      const jobs = m.groups.flatMap((g) => Array.from({ length: m.perGroup }, () => g));
      for (let i = 0; i < jobs.length; i += 500) clients.push(...(await Promise.all(jobs.slice(i, i + 500).map((g) => open(m.url, m.token, g)))));
      return send({ type: 'opened', clients: clients.length });
    }
    if (m.cmd === 'report') return send({ type: 'report', arrivals: [...arrivals], duplicates });
    if (m.cmd === 'close') {
      for (const ws of clients) ws.terminate();
      clients = [];
      return send({ type: 'closed' });
    }
  } catch (e) {
    send({ type: 'failed', error: String(e) });
  }
});
send({ type: 'up' });
