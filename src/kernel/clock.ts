// Time and randomness are ports so that tests and the demo generator are reproducible.
import { randomInt } from 'node:crypto';

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';

export type IdPrefix = 'ws' | 'op' | 'tok' | 'com' | 'ph' | 'grp' | 'gs' | 'mem' | 'idn' | 'ms' | 'act' | 'aud' | 'imp' | 'ses' | 'rul' | 'inv' | 'jr' | 'q' | 'upl' | 'rpt' | 'obx' | 'tsk' | 'pts' | 'mrg' | 'itp' | 'con' | 'live' | 'lmsg' | 'lq' | 'lapp' | 'lnk' | 'pln' | 'alr' | 'ahk' | 'rq' | 'cst' | 'sup';

export interface IdGenerator {
  next(prefix: IdPrefix): string;
}
const TAIL_SPACE = 36 ** 7;
let lastMs = 0;
let lastTail = 0;

/**
 * Time-ordered ids: 9 base-36 digits of the millisecond clock, then 7 more. New rows land at the end of the
 * primary-key B-tree instead of at random pages, which keeps bulk imports fast, and ids sort by creation, also
 * within one millisecond of one process (the tail starts at a random point each millisecond, then counts up),
 * so that two activities written together (a join and its welcome) keep their order wherever ids break ties.
 */
export const randomIds: IdGenerator = {
  next(prefix) {
    let ms = Date.now();
    if (ms <= lastMs) {
      // The same millisecond (or the clock stepped back): count on from the last id.
      ms = lastMs;
      lastTail += 1 + randomInt(1024);
      if (lastTail >= TAIL_SPACE) {
        ms = lastMs + 1;
        lastTail = randomInt(TAIL_SPACE / 2);
      }
    } else {
      lastTail = randomInt(TAIL_SPACE / 2);
    }
    lastMs = ms;
    return `${prefix}_${ms.toString(36).padStart(9, '0')}${lastTail.toString(36).padStart(7, '0')}`;
  },
};

/** Deterministic ids for the demo generator and tests: same seed, same ids. */
export function seededIds(rand: () => number): IdGenerator {
  return {
    next(prefix) {
      let s = '';
      for (let i = 0; i < 16; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
      return `${prefix}_${s}`;
    },
  };
}

/** Epoch milliseconds (a number, or a bigint column read as a string) as an ISO 8601 instant for the API. */
export const iso = (ms: number | string): string => new Date(Number(ms)).toISOString();
