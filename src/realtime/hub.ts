// The WebSocket hub: clients subscribe to channels (`group:<id>`, `workspace:<id>`), the hub subscribes to
// the PubSub once per channel and fans each event out. Protocol: docs/realtime.md.
//
// - Each event is serialized once per publish; every subscriber gets the same Buffer.
// - A slow client never stalls the others: past `maxBufferedBytes` waiting in its socket it is dropped
//   with close code 4008 and resyncs on reconnect (subscribe with `after`).
// - Subscribing with `after` replays the backlog first; the PubSub subscription starts before the backlog
//   is read and live events that arrive meanwhile wait in a buffer, de-duplicated by cursor: no gap, no
//   duplicate.
// - Who may connect and subscribe is the caller's business (HubAccess); the hub only knows the protocol.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../kernel/logger.ts';
import type { Channel, PubSub, RealtimeEvent, Unsubscribe } from './pubsub.ts';

export const REALTIME_PATH = '/api/v1/realtime';
export const REALTIME_PROTOCOL = 'shequn.v1';
export const CLOSE_SLOW_CONSUMER = 4008;
export const CLOSE_GOING_AWAY = 1001;
/** The credentials behind the connection were revoked (signed out, token revoked, operator disabled). */
export const CLOSE_REVOKED = 4001;

/** What a principal receives on a channel it was allowed to subscribe to. */
export interface Grant {
  /** Events the subscriber may see (e.g. a scoped operator on its workspace channel); all when absent. */
  filter?: (event: RealtimeEvent) => boolean;
  /** The channel's events after a cursor, oldest first; only channels with a backlog (groups) have it. */
  backlog?: (after: string, limit: number) => Promise<RealtimeEvent[]>;
}

/** A refusal the client is told about in an error frame. */
export class ChannelRefused extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface HubAccess<P> {
  /** The principal behind an upgrade request, or null (answered with HTTP 401). */
  authenticate(req: IncomingMessage): Promise<P | null>;
  /** What the principal may receive on the channel; throws ChannelRefused (or a coded error) to refuse. */
  grant(principal: P, channel: Channel): Promise<Grant>;
  /** What the hello frame tells the client about itself. */
  describe(principal: P): Record<string, unknown>;
  /** Maps an error thrown by grant or backlog to an error frame's code and message. */
  refusal(err: unknown): { code: string; message: string };
  /**
   * Asked again every `recheckMs` for each open connection: whether its credentials still hold, and which
   * of its channels it may no longer hear (a member who left the group). Optional.
   */
  recheck?(principal: P, channels: Channel[]): Promise<{ valid: boolean; revoked: Channel[] }>;
}

export interface HubOptions<P> {
  pubsub: PubSub;
  access: HubAccess<P>;
  log: Logger;
  /** Bytes waiting in a client's socket past which it is dropped as a slow consumer. */
  maxBufferedBytes?: number;
  /** Most backlog events replayed per subscribe; past it the client pages (subscribe again with `after`). */
  replayLimit?: number;
  maxSubscriptionsPerClient?: number;
  /** How long a dropped slow consumer gets to read its close frame before its socket is destroyed. */
  slowCloseGraceMs?: number;
  heartbeatMs?: number;
  /** How often open connections' credentials and grants are checked again (HubAccess.recheck). */
  recheckMs?: number;
}

interface Conn<P> {
  ws: WebSocket;
  principal: P;
  subs: Map<Channel, Sub<P>>;
  /** Frames from one client are handled in order. */
  queue: Promise<void>;
  closed: boolean;
  alive: boolean;
}

interface Sub<P> {
  conn: Conn<P>;
  channel: Channel;
  filter: ((event: RealtimeEvent) => boolean) | undefined;
  /** Live events that arrived while the backlog was read; null once live. */
  pending: RealtimeEvent[] | null;
  /** Cursors already replayed, so their live copies are skipped. */
  replayed: Set<string> | null;
}

interface Topic<P> {
  subs: Set<Sub<P>>;
  unsubscribe: Unsubscribe;
  ready: Promise<void>;
}

const CHANNEL = /^(group|workspace|chat):[A-Za-z0-9_-]{1,64}$/;

/** One frame for all subscribers of a channel. */
export const eventFrame = (channel: Channel, event: RealtimeEvent, replay = false): Buffer =>
  Buffer.from(JSON.stringify(replay ? { type: 'event', channel, replay: true, event } : { type: 'event', channel, event }));

export class RealtimeHub<P> {
  private readonly wss: WebSocketServer;
  private readonly topics = new Map<Channel, Topic<P>>();
  private readonly conns = new Set<Conn<P>>();
  private readonly maxBuffered: number;
  private readonly replayLimit: number;
  private readonly maxSubs: number;
  private readonly slowGrace: number;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly rechecking: NodeJS.Timeout;
  private recheckRunning = false;
  private server?: Server;
  private closing = false;
  /** Clients dropped as slow consumers since start (for tests and metrics). */
  slowDrops = 0;

  constructor(private readonly opts: HubOptions<P>) {
    this.maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
    this.replayLimit = opts.replayLimit ?? 500;
    this.maxSubs = opts.maxSubscriptionsPerClient ?? 1000;
    this.slowGrace = opts.slowCloseGraceMs ?? 5000;
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: 64 * 1024,
      perMessageDeflate: false,
      clientTracking: false,
      // Browsers cannot set headers on a WebSocket: they offer `bearer.<token>` (and `shequn.v1`) as
      // subprotocols. The server must then choose one offered, or the browser fails the connection.
      handleProtocols: (offered) => (offered.has(REALTIME_PROTOCOL) ? REALTIME_PROTOCOL : ([...offered].find((p) => p.startsWith('bearer.')) ?? false)),
    });
    this.heartbeat = setInterval(() => this.ping(), opts.heartbeatMs ?? 30_000).unref();
    this.rechecking = setInterval(() => void this.recheck(), opts.recheckMs ?? 30_000).unref();
  }

  /** Serves upgrades to REALTIME_PATH on an HTTP server. */
  attach(server: Server): this {
    this.server = server;
    server.on('upgrade', this.onUpgrade);
    return this;
  }

  get clients(): number {
    return this.conns.size;
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== REALTIME_PATH) {
      // Another upgrade handler may serve this path; answer only when there is none.
      if (this.server && this.server.listenerCount('upgrade') === 1) reject(socket, 404, 'not_found', `No WebSocket endpoint at ${path?.slice(0, 200)}`);
      return;
    }
    socket.on('error', () => socket.destroy());
    if (this.closing) return reject(socket, 503, 'unavailable', 'The server is shutting down');
    this.opts.access.authenticate(req).then(
      (principal) => {
        if (!principal) return reject(socket, 401, 'auth.required', 'Send an API token (Authorization: Bearer, or the subprotocol bearer.<token>) or sign in');
        if (this.closing || socket.destroyed) return socket.destroy();
        this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, principal));
      },
      (err) => {
        this.opts.log.error({ err }, 'real-time authentication failed');
        reject(socket, 500, 'internal', 'Something went wrong on our side');
      },
    );
  };

  private accept(ws: WebSocket, principal: P): void {
    const conn: Conn<P> = { ws, principal, subs: new Map(), queue: Promise.resolve(), closed: false, alive: true };
    this.conns.add(conn);
    ws.on('message', (data, isBinary) => {
      conn.queue = conn.queue.then(() => this.onFrame(conn, data as Buffer, isBinary)).catch((err) => {
        this.opts.log.error({ err }, 'real-time frame failed');
        this.sendControl(conn, { type: 'error', code: 'internal', message: 'Something went wrong on our side' });
      });
    });
    ws.on('pong', () => (conn.alive = true));
    ws.on('error', () => ws.terminate());
    ws.on('close', () => this.drop(conn));
    this.sendControl(conn, { type: 'hello', protocol: REALTIME_PROTOCOL, ...this.opts.access.describe(principal) });
  }

  private async onFrame(conn: Conn<P>, data: Buffer, isBinary: boolean): Promise<void> {
    if (conn.closed) return;
    let msg: { type?: unknown; channel?: unknown; after?: unknown; ref?: unknown };
    try {
      if (isBinary) throw new Error('binary');
      msg = JSON.parse(data.toString('utf8'));
      if (!msg || typeof msg !== 'object' || Array.isArray(msg)) throw new Error('not an object');
    } catch {
      return this.sendControl(conn, { type: 'error', code: 'frame.invalid', message: 'Send JSON text frames: {"type":"subscribe","channel":"group:<id>"}' });
    }
    const ref = typeof msg.ref === 'string' || typeof msg.ref === 'number' ? { ref: msg.ref } : {};
    switch (msg.type) {
      case 'ping':
        return this.sendControl(conn, { type: 'pong', ...ref });
      case 'subscribe':
      case 'unsubscribe': {
        if (typeof msg.channel !== 'string' || !CHANNEL.test(msg.channel)) {
          return this.sendControl(conn, { type: 'error', code: 'channel.invalid', message: 'channel must be group:<id>, chat:<id> or workspace:<id>', ...ref, ...(typeof msg.channel === 'string' ? { channel: msg.channel.slice(0, 100) } : {}) });
        }
        const channel = msg.channel as Channel;
        if (msg.type === 'unsubscribe') {
          this.unsubscribe(conn, channel);
          return this.sendControl(conn, { type: 'unsubscribed', channel, ...ref });
        }
        if (msg.after !== undefined && (typeof msg.after !== 'string' || msg.after.length > 200)) {
          return this.sendControl(conn, { type: 'error', code: 'cursor.invalid', message: 'after must be a cursor from an earlier event', channel, ...ref });
        }
        return this.subscribe(conn, channel, msg.after as string | undefined, ref);
      }
      default:
        return this.sendControl(conn, { type: 'error', code: 'frame.invalid', message: 'type must be subscribe, unsubscribe or ping', ...ref });
    }
  }

  private async subscribe(conn: Conn<P>, channel: Channel, after: string | undefined, ref: Record<string, unknown>): Promise<void> {
    this.unsubscribe(conn, channel); // subscribing again (e.g. to page a long backlog) starts over
    if (conn.subs.size >= this.maxSubs) {
      return this.sendControl(conn, { type: 'error', code: 'subscriptions.limit', message: `At most ${this.maxSubs} subscriptions per connection`, channel, ...ref });
    }
    let grant: Grant;
    try {
      grant = await this.opts.access.grant(conn.principal, channel);
    } catch (err) {
      return this.sendControl(conn, { type: 'error', channel, ...this.opts.access.refusal(err), ...ref });
    }
    if (conn.closed) return;
    // Listen first, then read the backlog: whatever is published meanwhile waits in `pending`.
    const sub: Sub<P> = { conn, channel, filter: grant.filter, pending: [], replayed: null };
    const topic = this.topic(channel);
    topic.subs.add(sub);
    conn.subs.set(channel, sub);
    let replayed = 0;
    let more = false;
    let last: string | null = null;
    try {
      await topic.ready;
      if (after !== undefined && grant.backlog) {
        const events = await grant.backlog(after, this.replayLimit + 1);
        more = events.length > this.replayLimit;
        if (more) events.length = this.replayLimit;
        if (conn.closed || conn.subs.get(channel) !== sub) return;
        sub.replayed = new Set();
        for (const e of events) {
          if (e.cursor) sub.replayed.add((last = e.cursor));
          if (!this.send(conn, eventFrame(channel, e, true))) return;
        }
        replayed = events.length;
      }
    } catch (err) {
      this.unsubscribe(conn, channel);
      return this.sendControl(conn, { type: 'error', channel, ...this.opts.access.refusal(err), ...ref });
    }
    if (conn.closed || conn.subs.get(channel) !== sub) return;
    if (more) {
      // Not live yet: the client pages on with `after` = the last replayed cursor, and goes live at the end.
      this.unsubscribe(conn, channel);
      return this.sendControl(conn, { type: 'subscribed', channel, live: false, replayed, more: true, cursor: last, ...ref });
    }
    this.sendControl(conn, { type: 'subscribed', channel, live: true, replayed, more: false, cursor: last, ...ref });
    const pending = sub.pending!;
    sub.pending = null;
    for (const e of pending) this.deliver(sub, e, null);
    // Live copies of replayed events arrive soon after the replay if at all; stop looking for them later.
    if (sub.replayed?.size) setTimeout(() => (sub.replayed = null), 60_000).unref();
    else sub.replayed = null;
  }

  private topic(channel: Channel): Topic<P> {
    let topic = this.topics.get(channel);
    if (!topic) {
      const subs = new Set<Sub<P>>();
      const unsubscribe = this.opts.pubsub.subscribe(channel, (event) => this.fanout(channel, subs, event));
      topic = { subs, unsubscribe, ready: this.opts.pubsub.ready?.(channel) ?? Promise.resolve() };
      this.topics.set(channel, topic);
    }
    return topic;
  }

  private fanout(_channel: Channel, subs: Set<Sub<P>>, event: RealtimeEvent): void {
    // Serialized once, lazily (a channel whose subscribers all filter the event out costs nothing).
    const frame = { buf: null as Buffer | null };
    for (const sub of subs) this.deliver(sub, event, frame);
  }

  private deliver(sub: Sub<P>, event: RealtimeEvent, frame: { buf: Buffer | null } | null): void {
    if (sub.pending) {
      sub.pending.push(event);
      return;
    }
    if (sub.replayed && event.cursor && sub.replayed.delete(event.cursor)) return;
    if (sub.filter && !sub.filter(event)) return;
    let buf: Buffer;
    if (frame) buf = frame.buf ??= eventFrame(sub.channel, event);
    else buf = eventFrame(sub.channel, event);
    this.send(sub.conn, buf);
  }

  /** Sends a frame unless the client is too far behind, in which case it is dropped. */
  private send(conn: Conn<P>, buf: Buffer): boolean {
    if (conn.closed) return false;
    const ws = conn.ws;
    if (ws.readyState !== WebSocket.OPEN) return false;
    if (ws.bufferedAmount + buf.length > this.maxBuffered) {
      this.dropSlow(conn);
      return false;
    }
    ws.send(buf, { binary: false });
    return true;
  }

  private sendControl(conn: Conn<P>, frame: Record<string, unknown>): void {
    this.send(conn, Buffer.from(JSON.stringify(frame)));
  }

  private dropSlow(conn: Conn<P>): void {
    this.slowDrops++;
    this.drop(conn);
    conn.ws.close(CLOSE_SLOW_CONSUMER, 'slow consumer');
    setTimeout(() => conn.ws.terminate(), this.slowGrace).unref();
  }

  private unsubscribe(conn: Conn<P>, channel: Channel): void {
    const sub = conn.subs.get(channel);
    if (!sub) return;
    conn.subs.delete(channel);
    const topic = this.topics.get(channel);
    if (!topic) return;
    topic.subs.delete(sub);
    if (topic.subs.size === 0) {
      this.topics.delete(channel);
      topic.unsubscribe();
    }
  }

  /** Forgets a connection (closed, or dropped): no frame reaches it any more. */
  private drop(conn: Conn<P>): void {
    if (conn.closed) return;
    conn.closed = true;
    for (const channel of [...conn.subs.keys()]) this.unsubscribe(conn, channel);
    this.conns.delete(conn);
  }

  private ping(): void {
    for (const conn of this.conns) {
      if (!conn.alive) {
        this.drop(conn);
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }

  /** Closes connections whose credentials were revoked (4001) and subscriptions no longer granted. */
  private async recheck(): Promise<void> {
    const check = this.opts.access.recheck?.bind(this.opts.access);
    if (!check || this.recheckRunning) return;
    this.recheckRunning = true;
    try {
      for (const conn of [...this.conns]) {
        if (conn.closed) continue;
        let verdict: { valid: boolean; revoked: Channel[] };
        try {
          verdict = await check(conn.principal, [...conn.subs.keys()]);
        } catch (err) {
          // A failing check (the database is down) keeps the connection: no one is cut off by our own fault.
          this.opts.log.warn({ err }, 'real-time recheck failed');
          continue;
        }
        if (conn.closed) continue;
        if (!verdict.valid) {
          this.drop(conn);
          conn.ws.close(CLOSE_REVOKED, 'credentials revoked');
          setTimeout(() => conn.ws.terminate(), this.slowGrace).unref();
          continue;
        }
        for (const channel of verdict.revoked) {
          if (!conn.subs.has(channel)) continue;
          this.unsubscribe(conn, channel);
          this.sendControl(conn, { type: 'error', code: 'channel.revoked', message: 'You may no longer hear this channel', channel });
        }
      }
    } finally {
      this.recheckRunning = false;
    }
  }

  /** Closes every connection (1001 going away) and stops serving upgrades. */
  async close(): Promise<void> {
    this.closing = true;
    clearInterval(this.heartbeat);
    clearInterval(this.rechecking);
    this.server?.off('upgrade', this.onUpgrade);
    const closed = [...this.conns].map(
      (conn) =>
        new Promise<void>((resolve) => {
          const ws = conn.ws;
          this.drop(conn);
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close(CLOSE_GOING_AWAY, 'server shutting down');
          setTimeout(() => ws.terminate(), 1000).unref();
        }),
    );
    await Promise.all(closed);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

function reject(socket: Duplex, status: number, code: string, detail: string): void {
  const titles: Record<number, string> = { 401: 'Unauthorized', 404: 'Not Found', 500: 'Internal Server Error', 503: 'Service Unavailable' };
  const body = JSON.stringify({ type: `urn:shequn:problem:${code}`, title: titles[status] ?? 'Error', status, detail, code, instance: REALTIME_PATH });
  if (!socket.writable) return void socket.destroy();
  socket.once('finish', () => socket.destroy());
  socket.end(
      `HTTP/1.1 ${status} ${titles[status] ?? 'Error'}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `${status === 401 ? 'WWW-Authenticate: Bearer realm="shequn"\r\n' : ''}Connection: close\r\n\r\n${body}`,
  );
}
