import { describe, expect, it } from 'vitest';
import { randomIds } from './clock.ts';

describe('randomIds', () => {
  it('sorts by creation, also many within one millisecond, and never repeats', () => {
    const ids = Array.from({ length: 20_000 }, () => randomIds.next('act'));
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    for (const id of ids.slice(0, 5)) expect(id).toMatch(/^act_[0-9a-z]{16}$/);
  });
});
