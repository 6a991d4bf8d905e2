// Time and randomness are ports so that tests and the demo generator are reproducible.
import { customAlphabet } from 'nanoid';

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

const alphabet = '0123456789abcdefghijklmnopqrstuvwxyz';
const randomTail = customAlphabet(alphabet, 7);

export type IdPrefix = 'ws' | 'op' | 'tok' | 'com' | 'ph' | 'grp' | 'gs' | 'mem' | 'idn' | 'ms' | 'act' | 'aud' | 'imp' | 'ses' | 'rul' | 'inv' | 'jr' | 'q' | 'upl' | 'rpt';

export interface IdGenerator {
  next(prefix: IdPrefix): string;
}
/**
 * Time-ordered ids: 9 base-36 digits of the millisecond clock, then 7 random ones. New rows land at the end of
 * the primary-key B-tree instead of at random pages, which keeps bulk imports fast, and ids sort by creation.
 */
export const randomIds: IdGenerator = {
  next: (prefix) => `${prefix}_${Date.now().toString(36).padStart(9, '0')}${randomTail()}`,
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
