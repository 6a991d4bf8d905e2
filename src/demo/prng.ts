// Seeded randomness for the demo: the same seed must give the same workspace on any machine, so
// nothing here touches Math.random or the clock.
import type { IdGenerator } from '../kernel/clock.ts';

/** mulberry32: tiny, fast, and good enough for synthetic data (not for secrets). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Folds numbers into one 32-bit seed, so that streams derived from one seed (per member, per purpose) do not correlate. */
export function mix(...xs: number[]): number {
  let h = 0x9e3779b9;
  for (const x of xs) {
    h = Math.imul(h ^ (x >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** FNV-1a, to turn a label (a workspace slug, a stream name) into a number for mix(). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A bijection on [0, 10^8): a four-round Feistel network over two halves of four decimal digits.
 * Phones, QQ numbers and WeChat ids are built from permute(memberIndex) so they are unique by
 * construction, without a set of 5 million seen values, and still look random.
 */
export function permute(x: number, key: number): number {
  const half = 10_000;
  let l = Math.floor(x / half);
  let r = x % half;
  for (let round = 0; round < 4; round++) {
    const f = mix(r, key, round) % half;
    const nl = r;
    r = (l + f) % half;
    l = nl;
  }
  return l * half + r;
}

/**
 * Ids that sort in the order they are handed out: a base-36 counter and a random tail from the seeded
 * generator. Bulk inserts then append to the primary-key index instead of touching a random page per row.
 */
export function orderedIds(random: IdGenerator): IdGenerator {
  const counters = new Map<string, number>();
  return {
    next(prefix) {
      const n = counters.get(prefix) ?? 0;
      counters.set(prefix, n + 1);
      return `${prefix}_${n.toString(36).padStart(7, '0')}${random.next(prefix).slice(-9)}`;
    },
  };
}

export class WeightedTable<T> {
  private readonly items: T[];
  private readonly cumulative: number[];
  readonly total: number;

  constructor(entries: readonly (readonly [T, number])[]) {
    this.items = entries.map((e) => e[0]);
    let sum = 0;
    this.cumulative = entries.map((e) => (sum += e[1]));
    this.total = sum;
  }

  /** u in [0, 1). */
  at(u: number): T {
    const target = u * this.total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

export class Rand {
  constructor(readonly next: () => number) {}

  static of(...seed: number[]): Rand {
    return new Rand(mulberry32(mix(...seed)));
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  between(min: number, max: number): number {
    return min + this.next() * (max - min);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }

  weighted<T>(table: WeightedTable<T>): T {
    return table.at(this.next());
  }

  /** Standard normal (Box–Muller), scaled. */
  normal(mean: number, sd: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Up to n distinct items, in the list's order. */
  some<T>(xs: readonly T[], n: number): T[] {
    const out: T[] = [];
    let need = Math.min(n, xs.length);
    for (let i = 0; i < xs.length && need > 0; i++) {
      if (this.next() < need / (xs.length - i)) {
        out.push(xs[i]!);
        need--;
      }
    }
    return out;
  }

  /** Lower-case letters and digits, as in wxid_… and WeCom ids. */
  alnum(n: number): string {
    const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(this.next() * 36)];
    return s;
  }
}
