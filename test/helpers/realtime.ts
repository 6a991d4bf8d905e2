// A WebSocket client for the real-time tests: collects every frame, waits for the ones a test expects.
import WebSocket from 'ws';
import { expect } from 'vitest';

export interface OpenOptions {
  token?: string;
  /** Offer the token as the `bearer.<token>` subprotocol (as a browser must) instead of a header. */
  viaProtocol?: boolean;
  headers?: Record<string, string>;
}

export class Probe {
  readonly frames: any[] = [];
  private waiters: { pred: (f: any) => boolean; resolve: (f: any) => void; from: number }[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString());
      this.frames.push(f);
      const i = this.frames.length - 1;
      this.waiters = this.waiters.filter((w) => (i >= w.from && w.pred(f) ? (w.resolve(f), false) : true));
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static url(base: string, path = '/api/v1/realtime'): string {
    return `${base.replace(/^http/, 'ws')}${path}`;
  }

  /** Opens a connection and waits for the hello frame. */
  static async open(base: string, o: OpenOptions = {}): Promise<Probe> {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token && !o.viaProtocol) headers.authorization = `Bearer ${o.token}`;
    const protocols = o.token && o.viaProtocol ? ['shequn.v1', `bearer.${o.token}`] : undefined;
    const ws = new WebSocket(Probe.url(base), protocols, { headers });
    const p = new Probe(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    await p.next((f) => f.type === 'hello', 5000, 0);
    return p;
  }

  /** The HTTP status an upgrade is refused with (or 101 when it is accepted). */
  static async upgradeStatus(base: string, o: OpenOptions & { path?: string } = {}): Promise<{ status: number; body: any }> {
    const headers: Record<string, string> = { ...o.headers };
    if (o.token && !o.viaProtocol) headers.authorization = `Bearer ${o.token}`;
    const protocols = o.token && o.viaProtocol ? [`bearer.${o.token}`] : undefined;
    const ws = new WebSocket(Probe.url(base, o.path), protocols, { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => {
        ws.close();
        resolve({ status: 101, body: null });
      });
      ws.once('unexpected-response', (_req, res) => {
        let text = '';
        res.on('data', (b: Buffer) => (text += b.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
      });
      ws.once('error', (e) => (e.message.includes('Unexpected server response') ? undefined : reject(e)));
    });
  }

  send(frame: unknown): void {
    this.ws.send(JSON.stringify(frame));
  }

  /** The first frame (received from now on, or since `from`) that matches. */
  next(pred: (f: any) => boolean, timeoutMs = 5000, from = this.frames.length): Promise<any> {
    const hit = this.frames.slice(from).find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5)).slice(0, 800)}`)), timeoutMs);
      this.waiters.push({ pred, from, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  /** Subscribes and waits for the answer: a `subscribed` or an `error` frame for the channel. */
  async subscribe(channel: string, after?: string): Promise<any> {
    const from = this.frames.length;
    this.send({ type: 'subscribe', channel, ...(after !== undefined ? { after } : {}) });
    return this.next((f) => (f.type === 'subscribed' || f.type === 'error') && f.channel === channel, 10_000, from);
  }

  async expectSubscribed(channel: string, after?: string): Promise<any> {
    const r = await this.subscribe(channel, after);
    expect(r, JSON.stringify(r)).toMatchObject({ type: 'subscribed', channel });
    return r;
  }

  events(channel?: string): any[] {
    return this.frames.filter((f) => f.type === 'event' && (channel === undefined || f.channel === channel));
  }

  /** Waits until `n` events have arrived on the channel. */
  async waitEvents(channel: string, n: number, timeoutMs = 10_000): Promise<any[]> {
    const until = Date.now() + timeoutMs;
    while (this.events(channel).length < n) {
      if (Date.now() > until) throw new Error(`expected ${n} events on ${channel}, got ${this.events(channel).length}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.events(channel);
  }

  close(): Promise<{ code: number; reason: string }> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close();
    return this.closed;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
