// The rate limits connectors declare, kept by the outbox: sliding windows per connector account and per
// group (Telegram: about 30 messages/s per bot, 1/s per chat, 20/min per group). An action that would break
// a window waits for it instead of being sent and refused by the platform.
// A send takes its place in the windows when it leaves, and moves to when the platform answered: the
// platform counts it somewhere in between (after its own queue), so counting from the answer never
// breaks its window however long the queue. A send the platform refused ("too many requests") leaves
// the windows: the platform did not count it either.
// Kept in this process's memory: one outbox worker per deployment is the supported shape for now.

export interface Window {
  /** At most this many actions… */
  count: number;
  /** …in any span of this many milliseconds. */
  perMs: number;
}

export interface RateLimits {
  /** Across all groups of one connector account (a bot). */
  perAccount?: readonly Window[];
  /** Within one group. */
  perGroup?: readonly Window[];
}

export type LimitKey = { key: string; windows: readonly Window[] };
interface Entry {
  t: number;
}
/** A send's places in its keys' windows. */
export type Slots = { times: Entry[]; entry: Entry }[];

export class Limiter {
  /** Times of the last sends per key, oldest first, as many as the largest window counts. */
  private readonly sent = new Map<string, Entry[]>();

  /**
   * How long to wait (ms) before an action may go under all the windows of all its keys; 0 means now.
   * Nothing is recorded: call `record` when the action is actually sent.
   */
  wait(keys: readonly LimitKey[], now: number): number {
    let wait = 0;
    for (const { key, windows } of keys) {
      const times = this.sent.get(key);
      if (!times) continue;
      for (const w of windows) {
        if (times.length < w.count) continue;
        // The send `count` back must have left the window.
        const oldest = times[times.length - w.count]!.t;
        wait = Math.max(wait, oldest + w.perMs - now);
      }
    }
    return Math.max(0, wait);
  }

  /** Takes the action's places in the windows, from `at` (now, or the moment a send is timed to leave). */
  record(keys: readonly LimitKey[], at: number): Slots {
    const slots: Slots = [];
    for (const { key, windows } of keys) {
      const keep = Math.max(0, ...windows.map((w) => w.count));
      if (keep === 0) continue;
      const times = this.sent.get(key) ?? this.sent.set(key, []).get(key)!;
      const entry = { t: at };
      let i = times.length;
      while (i > 0 && times[i - 1]!.t > at) i--;
      times.splice(i, 0, entry);
      if (times.length > keep) times.splice(0, times.length - keep);
      slots.push({ times, entry });
    }
    return slots;
  }

  /** The platform answered at `at`: the send counts from then. */
  confirm(slots: Slots, at: number): void {
    for (const { times, entry } of slots) {
      if (entry.t >= at) continue;
      entry.t = at;
      times.sort((a, b) => a.t - b.t);
    }
  }

  /** The platform refused the send: it takes no place. */
  release(slots: Slots): void {
    for (const { times, entry } of slots) {
      const i = times.indexOf(entry);
      if (i >= 0) times.splice(i, 1);
    }
  }
}

/** The keys one action counts against: the connector account's and its group's. */
export function limitKeys(platform: string, account: string, groupId: string | null, limits: RateLimits): LimitKey[] {
  const keys: LimitKey[] = [];
  if (limits.perAccount?.length) keys.push({ key: `${platform}:${account}`, windows: limits.perAccount });
  if (groupId && limits.perGroup?.length) keys.push({ key: `${platform}:${account}:${groupId}`, windows: limits.perGroup });
  return keys;
}

/** Thrown by a connector when the platform says "too many requests, retry after …": nothing was done. */
export class RateLimited extends Error {
  constructor(readonly retryAfterMs: number, message = `rate limited: retry after ${Math.ceil(retryAfterMs / 1000)} s`) {
    super(message);
    this.name = 'RateLimited';
  }
}
