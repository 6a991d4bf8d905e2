// When things happen in the demo: six months ending now, in Beijing time, with the weekly rhythm
// community operators see (quiet nights and weekday mornings, busy evenings and weekends, and a
// spike during each community's weekly sharing session).
import { WeightedTable, type Rand } from './prng.ts';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const WEEK = 7 * DAY;
export const WINDOW_DAYS = 182;
/** Asia/Shanghai has had no daylight saving since 1991, so a fixed offset is exact. */
const OFFSET = 8 * HOUR;

/** Local (Beijing) day of week, Monday = 0, and hour. */
export function localDow(t: number): number {
  return (Math.floor((t + OFFSET) / DAY) + 3) % 7; // 1970-01-01 was a Thursday
}
export function localHour(t: number): number {
  return Math.floor((t + OFFSET) / HOUR) % 24;
}
/** YYYY-MM-DD in Beijing time. */
export function localDay(t: number): string {
  return new Date(t + OFFSET).toISOString().slice(0, 10);
}
/** Monday 00:00 Beijing time of the week holding t. */
export function weekStart(t: number): number {
  const dayStart = Math.floor((t + OFFSET) / DAY) * DAY - OFFSET;
  return dayStart - localDow(t) * DAY;
}

const WEEKDAY = [0.15, 0.06, 0.03, 0.02, 0.02, 0.03, 0.1, 0.35, 0.5, 0.55, 0.6, 0.65, 0.95, 0.8, 0.55, 0.55, 0.6, 0.7, 0.9, 1.1, 1.6, 1.7, 1.2, 0.55];
const WEEKEND = [0.35, 0.17, 0.07, 0.03, 0.02, 0.02, 0.06, 0.17, 0.4, 0.8, 1.15, 1.25, 1.25, 1.25, 1.4, 1.45, 1.45, 1.25, 1.15, 1.4, 1.7, 1.8, 1.5, 0.9];

/** A weekly sharing session: day (Monday = 0), first hour, number of hours. */
export interface Session {
  dow: number;
  hour: number;
  hours: number;
}

export interface WeeklyProfile {
  table: WeightedTable<number>;
  weights: Float64Array;
  max: number;
}

/** Hour-of-week weights for one community; the session hours are two and a half times as busy. */
export function weeklyProfile(session: Session | null): WeeklyProfile {
  const weights = new Float64Array(168);
  for (let dow = 0; dow < 7; dow++) {
    for (let h = 0; h < 24; h++) {
      let w = (dow >= 5 ? WEEKEND : WEEKDAY)[h]!;
      if (session && dow === session.dow && h >= session.hour && h < session.hour + session.hours) w *= 2.5;
      weights[dow * 24 + h] = w;
    }
  }
  return { table: new WeightedTable([...weights].map((w, i) => [i, w] as const)), weights, max: Math.max(...weights) };
}

export class Timeline {
  readonly start: number;
  private readonly joinTable: Float64Array;

  constructor(readonly now: number) {
    this.start = now - WINDOW_DAYS * DAY;
    this.joinTable = buildJoinTable(WINDOW_DAYS * DAY);
  }

  /**
   * When the member with rank u in [0, 1) first met the brand. Monotonic in u, so members in index
   * order are in join order and a referrer (an earlier index) always joined first. The curve is a
   * launch burst in the first week plus steady growth.
   */
  joinAt(u: number): number {
    const pos = u * (this.joinTable.length - 1);
    const i = Math.floor(pos);
    const a = this.joinTable[i]!;
    const b = this.joinTable[Math.min(i + 1, this.joinTable.length - 1)]!;
    return Math.min(Math.round(this.start + a + (b - a) * (pos - i)), this.now - 30 * MINUTE);
  }

  /** A time in [from, to] following the weekly profile. */
  sample(rand: Rand, from: number, to: number, profile: WeeklyProfile): number {
    if (to <= from) return from;
    if (to - from >= WEEK) {
      const base = weekStart(from);
      const weeks = Math.ceil((to - base) / WEEK);
      for (let tries = 0; tries < 12; tries++) {
        const t = base + Math.floor(rand.next() * weeks) * WEEK + rand.weighted(profile.table) * HOUR + Math.floor(rand.next() * HOUR);
        if (t >= from && t <= to) return t;
      }
    } else {
      // A short stay: rejection sampling against the busiest hour of the week.
      for (let tries = 0; tries < 24; tries++) {
        const t = from + Math.floor(rand.next() * (to - from));
        if (rand.next() * profile.max < profile.weights[localDow(t) * 24 + localHour(t)]!) return t;
      }
    }
    return from + Math.floor(rand.next() * (to - from));
  }
}

function buildJoinTable(span: number): Float64Array {
  const launch = 7 * DAY;
  // 12% in the launch week, the rest with a density rising from 1 to 2.5 across the window.
  const cdf = (x: number) => 0.12 * Math.min(x / launch, 1) + 0.88 * ((x + (0.75 * x * x) / span) / (1.75 * span));
  const n = 4097;
  const table = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const u = i / (n - 1);
    let lo = 0;
    let hi = span;
    for (let k = 0; k < 50; k++) {
      const mid = (lo + hi) / 2;
      if (cdf(mid) < u) lo = mid;
      else hi = mid;
    }
    table[i] = lo;
  }
  return table;
}
