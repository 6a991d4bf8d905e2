// Live events over one WebSocket per tab (protocol: docs/realtime.md). A channel is subscribed while some
// component listens to it and remembers the cursor of the last event it delivered; when the socket drops
// (network, a server restart, 4008 for a slow reader) it comes back with backoff and every channel
// subscribes again with `after` = that cursor, so a group's stream has neither gap nor duplicate. The
// workspace channel has no backlog: its listeners hear `onLive({ resumed: true })` and refetch instead.
//
// The session cookie authenticates the socket (same origin). When no component listens any more (sign-out,
// another page) the socket closes; `realtime.restart()` reconnects as whoever is signed in now.
import { useEffect, useLayoutEffect, useRef, useSyncExternalStore } from 'react';
import { useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query';

export const REALTIME_PATH = '/api/v1/realtime';
export const REALTIME_PROTOCOL = 'shequn.v1';

export interface RealtimeEvent {
  type: string;
  workspaceId: string;
  groupId?: string;
  cursor?: string;
  data: Record<string, unknown>;
}

export interface ChannelListener {
  onEvent(event: RealtimeEvent, replay: boolean): void;
  /** The subscription is live; `resumed` when it came back after a drop or a restart. */
  onLive?(info: { resumed: boolean }): void;
  /** The server refused the channel (channel.not_found, channel.forbidden, …). */
  onError?(code: string, message: string): void;
}

export type RealtimeStatus = 'idle' | 'connecting' | 'live' | 'reconnecting';

interface ChannelState {
  listeners: Set<ChannelListener>;
  /** The last event's cursor: where a resubscription resumes. */
  cursor: string | undefined;
  /** The ref of the latest subscribe frame: answers to older ones are stale. */
  ref: number;
  everLive: boolean;
  refused: boolean;
}

type Frame =
  | { type: 'hello' }
  | { type: 'event'; channel: string; replay?: boolean; event: RealtimeEvent }
  | { type: 'subscribed'; channel: string; live: boolean; more: boolean; cursor: string | null; ref?: number }
  | { type: 'error'; code: string; message: string; channel?: string; ref?: number }
  | { type: 'pong' | 'unsubscribed' };

const PING_EVERY_MS = 25_000;
const PONG_TIMEOUT_MS = 10_000;
const MAX_BACKOFF_MS = 30_000;
/** Unsubscribing the last channel closes the socket after this long (React remounts in between stay on it). */
const IDLE_CLOSE_MS = 200;
const CLOSE_SLOW_CONSUMER = 4008;
const CLOSE_GOING_AWAY = 1001;
/** The credentials were revoked (signed out elsewhere, operator disabled): never reconnect with them. */
const CLOSE_REVOKED = 4001;

export class RealtimeClient {
  private ws: WebSocket | null = null;
  private ready = false;
  private readonly channels = new Map<string, ChannelState>();
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private pingTimer: ReturnType<typeof setInterval> | undefined;
  private pongTimer: ReturnType<typeof setTimeout> | undefined;
  private nextRef = 1;
  private status: RealtimeStatus = 'idle';
  private readonly statusListeners = new Set<() => void>();
  private onRevoked: () => void = () => {};

  constructor(private readonly url: () => string = defaultUrl) {
    if (typeof window !== 'undefined') window.addEventListener('online', () => this.retryNow());
  }

  /** Listens to a channel; `after` resumes a fresh subscription after that cursor. Returns the unsubscribe. */
  subscribe(channel: string, listener: ChannelListener, after?: string): () => void {
    let st = this.channels.get(channel);
    if (!st) {
      st = { listeners: new Set(), cursor: after || undefined, ref: 0, everLive: false, refused: false };
      this.channels.set(channel, st);
      if (this.ready) this.sendSubscribe(channel, st);
    }
    st.listeners.add(listener);
    clearTimeout(this.idleTimer);
    if (!this.ws && !this.retryTimer) this.connect();
    const state = st;
    return () => {
      state.listeners.delete(listener);
      if (state.listeners.size > 0 || this.channels.get(channel) !== state) return;
      this.channels.delete(channel);
      if (this.ready) this.send({ type: 'unsubscribe', channel });
      if (this.channels.size === 0) {
        clearTimeout(this.idleTimer);
        this.idleTimer = setTimeout(() => this.channels.size === 0 && this.shutdown(), IDLE_CLOSE_MS);
      }
    };
  }

  /** Closes the socket (signing out) until a component subscribes to a new channel. */
  stop(): void {
    this.shutdown();
  }

  /** Closes the socket and, if anyone listens, connects again (another operator signed in). */
  restart(): void {
    this.shutdown();
    for (const st of this.channels.values()) st.refused = false;
    if (this.channels.size) this.connect();
  }

  /** Called when the server closes with 4001: the session is gone, the app should find out (sign-in page). */
  setRevokedHandler(fn: () => void): void {
    this.onRevoked = fn;
  }

  getStatus = (): RealtimeStatus => this.status;

  onStatus = (fn: () => void): (() => void) => {
    this.statusListeners.add(fn);
    return () => this.statusListeners.delete(fn);
  };

  private setStatus(s: RealtimeStatus) {
    if (s === this.status) return;
    this.status = s;
    for (const fn of [...this.statusListeners]) fn();
  }

  private connect() {
    this.retryTimer = undefined;
    if (this.ws || this.channels.size === 0) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.url(), REALTIME_PROTOCOL);
    } catch {
      return this.scheduleReconnect(0);
    }
    this.ws = ws;
    this.ready = false;
    this.setStatus(this.attempt === 0 && this.status === 'idle' ? 'connecting' : 'reconnecting');
    ws.onmessage = (e) => {
      if (this.ws !== ws) return;
      this.alive();
      if (typeof e.data === 'string') this.onFrame(e.data);
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.detach();
      if (e.code === CLOSE_REVOKED) {
        this.shutdown();
        return this.onRevoked();
      }
      this.scheduleReconnect(e.code);
    };
    // An error is always followed by close; the browser has already logged it.
    ws.onerror = () => {};
  }

  /** Forgets the current socket (handlers off, timers cleared) without deciding what comes next. */
  private detach(): WebSocket | null {
    const ws = this.ws;
    this.ws = null;
    this.ready = false;
    clearInterval(this.pingTimer);
    clearTimeout(this.pongTimer);
    this.pingTimer = this.pongTimer = undefined;
    if (ws) ws.onmessage = ws.onclose = ws.onerror = null;
    return ws;
  }

  private shutdown() {
    clearTimeout(this.retryTimer);
    clearTimeout(this.idleTimer);
    this.retryTimer = undefined;
    this.attempt = 0;
    const ws = this.detach();
    if (ws) closeQuietly(ws);
    this.setStatus('idle');
  }

  private scheduleReconnect(code: number) {
    if (this.channels.size === 0) return this.setStatus('idle');
    this.setStatus('reconnecting');
    // A slow consumer or a node going away may come back at once; anything else backs off, with jitter.
    const base = code === CLOSE_SLOW_CONSUMER || code === CLOSE_GOING_AWAY ? 300 : Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.attempt);
    this.attempt++;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), base / 2 + Math.random() * (base / 2));
  }

  private retryNow() {
    if (!this.retryTimer) return;
    clearTimeout(this.retryTimer);
    this.connect();
  }

  /** Any frame proves the connection alive; a ping unanswered for PONG_TIMEOUT_MS means it is not. */
  private alive() {
    clearTimeout(this.pongTimer);
    this.pongTimer = undefined;
  }

  private heartbeat() {
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      if (!this.ready || this.pongTimer) return;
      this.send({ type: 'ping' });
      this.pongTimer = setTimeout(() => {
        // Half-open (a laptop that slept, a dropped route): do not wait for TCP to notice.
        const ws = this.detach();
        if (ws) closeQuietly(ws);
        this.scheduleReconnect(0);
      }, PONG_TIMEOUT_MS);
    }, PING_EVERY_MS);
  }

  private send(frame: Record<string, unknown>) {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(frame));
  }

  private sendSubscribe(channel: string, st: ChannelState) {
    if (st.refused) return;
    st.ref = this.nextRef++;
    // Only group streams have a backlog to resume from.
    const after = channel.startsWith('workspace:') ? undefined : st.cursor;
    this.send({ type: 'subscribe', channel, ref: st.ref, ...(after ? { after } : {}) });
  }

  private onFrame(text: string) {
    let f: Frame;
    try {
      f = JSON.parse(text) as Frame;
    } catch {
      return;
    }
    switch (f.type) {
      case 'hello':
        this.ready = true;
        this.attempt = 0;
        this.setStatus('live');
        this.heartbeat();
        for (const [channel, st] of this.channels) this.sendSubscribe(channel, st);
        return;
      case 'event': {
        const st = this.channels.get(f.channel);
        if (!st || !f.event) return;
        if (f.event.cursor) st.cursor = f.event.cursor;
        for (const l of [...st.listeners]) guard(() => l.onEvent(f.event, f.replay === true));
        return;
      }
      case 'subscribed': {
        const st = this.channels.get(f.channel);
        if (!st || f.ref !== st.ref) return;
        if (!f.live) {
          // A long backlog comes in pages: ask for the next one.
          if (f.cursor) st.cursor = f.cursor;
          return this.sendSubscribe(f.channel, st);
        }
        const resumed = st.everLive;
        st.everLive = true;
        for (const l of [...st.listeners]) guard(() => l.onLive?.({ resumed }));
        return;
      }
      case 'error': {
        const st = f.channel ? this.channels.get(f.channel) : undefined;
        if (!st || !f.channel || (f.ref !== undefined && f.ref !== st.ref)) {
          if (!f.channel) console.warn(`realtime: ${f.code}: ${f.message}`);
          return;
        }
        if (f.code === 'cursor.invalid' && st.cursor) {
          // A cursor the server does not know any more: start live and let listeners refetch.
          st.cursor = undefined;
          st.everLive = true;
          return this.sendSubscribe(f.channel, st);
        }
        if (f.code !== 'internal') st.refused = true;
        for (const l of [...st.listeners]) guard(() => l.onError?.(f.code, f.message));
        return;
      }
      default:
        return;
    }
  }
}

function defaultUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${REALTIME_PATH}`;
}

/** Closing a socket still connecting makes the browser log an error: let it open first. */
function closeQuietly(ws: WebSocket) {
  if (ws.readyState === WebSocket.CONNECTING) {
    ws.onopen = () => ws.close(1000);
    ws.onerror = () => {};
  } else if (ws.readyState === WebSocket.OPEN) ws.close(1000);
}

function guard(fn: () => void) {
  try {
    fn();
  } catch (err) {
    console.warn('realtime listener failed', err);
  }
}

/** The tab's one connection. */
export const realtime = new RealtimeClient();

export interface ChannelOptions {
  /** Where a fresh subscription resumes (the newest item already shown); read when the channel is subscribed. */
  after?: string | undefined;
  onLive?: ChannelListener['onLive'];
  onError?: ChannelListener['onError'];
}

/**
 * Listens to a channel while mounted (null: not yet). The callbacks may change between renders without
 * resubscribing; `after` counts only when the subscription starts.
 */
export function useChannel(channel: string | null, onEvent: ChannelListener['onEvent'], opts: ChannelOptions = {}): void {
  const latest = useRef({ onEvent, opts });
  useLayoutEffect(() => {
    latest.current = { onEvent, opts };
  });
  useEffect(() => {
    if (!channel) return;
    return realtime.subscribe(
      channel,
      {
        onEvent: (e, replay) => latest.current.onEvent(e, replay),
        onLive: (i) => latest.current.opts.onLive?.(i),
        onError: (code, message) => latest.current.opts.onError?.(code, message),
      },
      latest.current.opts.after,
    );
  }, [channel]);
}

export function useRealtimeStatus(): RealtimeStatus {
  return useSyncExternalStore(realtime.onStatus, realtime.getStatus, () => 'idle');
}

// ---- the console's live figures ----

/** The queries a workspace event makes stale (prefixes; only the ones on screen refetch). */
export function staleKeys(e: RealtimeEvent): QueryKey[] {
  const g = e.groupId ?? (typeof e.data.groupId === 'string' ? e.data.groupId : undefined);
  const perGroup = (name: string): QueryKey[] => (g ? [[name, g]] : [[name]]);
  switch (e.type) {
    case 'activity.created': {
      const keys: QueryKey[] = [['overview']];
      const kind = e.data.kind;
      if (kind === 'join' || kind === 'leave') keys.push(['groups'], ['members'], ...perGroup('group-members'), ['group-stats']);
      // A question is a message; it shows in the group's 问答 tab. A rule's warning or notice is a message
      // too, and a removal a leave: what the rules did changed.
      if (kind === 'message') keys.push(...perGroup('questions'), ['group-stats'], ['rule-actions']);
      if (kind === 'join' || kind === 'leave') keys.push(['rule-actions']);
      return keys;
    }
    // A mute or an unmute (a rule's, an undo's, the team's), a nickname, a role, a member leaving.
    case 'membership.updated':
      return [['rule-actions'], ...perGroup('group-members')];
    // A rule gave a member a task (a sharing session's summary), or the member did it.
    case 'task.assigned':
    case 'task.done':
      return [['tasks'], ['points']];
    case 'member.joined':
      return [['overview'], ['group-stats'], ['groups'], ['members'], ...perGroup('group-members'), ...perGroup('join-requests')];
    case 'join_request.created':
      return perGroup('join-requests');
    case 'report.created':
      return perGroup('reports');
    case 'question.answered':
      return perGroup('questions');
    default:
      return [];
  }
}

/** Everything a missed workspace event could have changed. */
const ALL_LIVE: QueryKey[] = [
  ['overview'], ['group-stats'], ['groups'], ['members'], ['group-members'], ['join-requests'], ['reports'], ['questions'], ['rule-actions'], ['tasks'], ['points'],
];

/**
 * Collects stale query keys and invalidates them together: at once for a lone event, at most every
 * `spacingMs` during a burst (an import writes thousands of activities).
 */
export function batchedInvalidator(qc: QueryClient, spacingMs = 2000) {
  const keys = new Map<string, QueryKey>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  const flush = () => {
    timer = undefined;
    last = Date.now();
    const batch = [...keys.values()];
    keys.clear();
    for (const queryKey of batch) void qc.invalidateQueries({ queryKey });
  };
  return {
    add(list: QueryKey[]) {
      for (const k of list) keys.set(JSON.stringify(k), k);
      if (!keys.size || timer) return;
      timer = setTimeout(flush, Math.max(150, last + spacingMs - Date.now()));
    },
    cancel() {
      clearTimeout(timer);
      timer = undefined;
      keys.clear();
    },
  };
}

/** Keeps the console's figures live: used once, in the signed-in shell. */
export function useLiveWorkspace(workspaceId: string): void {
  const qc = useQueryClient();
  const inv = useRef<ReturnType<typeof batchedInvalidator> | null>(null);
  useEffect(() => {
    const b = batchedInvalidator(qc);
    inv.current = b;
    return () => b.cancel();
  }, [qc]);
  useChannel(`workspace:${workspaceId}`, (e) => inv.current?.add(staleKeys(e)), {
    // Events missed while the socket was down are not replayed on this channel: refetch what is on screen.
    onLive: ({ resumed }) => resumed && inv.current?.add(ALL_LIVE),
  });
}
