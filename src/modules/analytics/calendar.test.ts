import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { daySpans, SPAN_LEVELS } from './calendar.ts';

const BASE = 2 ** 20;

describe('daySpans', () => {
  it('covers every day of a range exactly once, with aligned blocks, in few pieces', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: 0, max: 800 }), (first, len) => {
      const last = first + len - 1;
      const { days, spans } = daySpans(first, last);
      const covered: number[] = [...days];
      for (const s of spans) {
        const level = Math.floor(s / BASE);
        const start = s % BASE;
        expect(level).toBeGreaterThanOrEqual(1);
        expect(level).toBeLessThanOrEqual(SPAN_LEVELS);
        expect(start % 2 ** level).toBe(0);
        for (let d = start; d < start + 2 ** level; d++) covered.push(d);
      }
      covered.sort((a, b) => a - b);
      expect(covered).toEqual(Array.from({ length: Math.max(0, len) }, (_, i) => first + i));
      // At most one piece per level on each side, plus whole 256-day blocks between.
      expect(days.length + spans.length).toBeLessThanOrEqual(2 * SPAN_LEVELS + Math.ceil(len / 2 ** SPAN_LEVELS));
    }));
  });

  it('reads a 90-day range in a dozen pieces', () => {
    // 2026-09-01 … 2026-11-29 (days since 1970).
    const first = Date.UTC(2026, 8, 1) / 86_400_000;
    const { days, spans } = daySpans(first, first + 89);
    expect(days.length + spans.length).toBeLessThanOrEqual(12);
  });
});
