import { describe, expect, it } from 'vitest';
import { Limiter, limitKeys } from './limiter.ts';

describe('Limiter', () => {
  // Telegram's: about 30 messages/s per bot, 1/s per chat, 20/min per group.
  const limits = { perAccount: [{ count: 30, perMs: 1000 }], perGroup: [{ count: 1, perMs: 1000 }, { count: 20, perMs: 60_000 }] };

  it('holds a second message to one chat for the rest of the second, and lets another chat go', () => {
    const l = new Limiter();
    const a = limitKeys('telegram', 'bot1', 'g1', limits);
    expect(l.wait(a, 0)).toBe(0);
    l.record(a, 0);
    expect(l.wait(a, 400)).toBe(600);
    expect(l.wait(limitKeys('telegram', 'bot1', 'g2', limits), 400)).toBe(0);
    expect(l.wait(limitKeys('telegram', 'bot2', 'g1', limits), 400)).toBe(0);
    expect(l.wait(a, 1000)).toBe(0);
  });

  it('keeps 20 a minute per group even at one a second', () => {
    const l = new Limiter();
    const a = limitKeys('telegram', 'bot1', 'g1', limits);
    for (let i = 0; i < 20; i++) {
      expect(l.wait(a, i * 1000)).toBe(0);
      l.record(a, i * 1000);
    }
    // The 21st waits until the first leaves the minute.
    expect(l.wait(a, 20_000)).toBe(40_000);
    expect(l.wait(a, 60_000)).toBe(0);
  });

  it('keeps 30 a second across the account', () => {
    const l = new Limiter();
    for (let g = 0; g < 30; g++) l.record(limitKeys('telegram', 'bot1', `g${g}`, limits), 500);
    expect(l.wait(limitKeys('telegram', 'bot1', 'g30', limits), 900)).toBe(600);
    expect(l.wait(limitKeys('telegram', 'bot1', 'g30', limits), 1500)).toBe(0);
  });

  it('has no keys for a connector without limits', () => {
    expect(limitKeys('builtin', 'default', 'g1', {})).toEqual([]);
    expect(new Limiter().wait([], 0)).toBe(0);
  });
});
