import { describe, expect, it } from 'vitest';
import { SharingSettingsSchema } from './rule-types.ts';
import { dueOf, liveSession, sessionIndex, sessionsBetween, speakerAt } from './sharing.ts';

const s = (x: object = {}) => SharingSettingsSchema.parse(x);
// 2026-11-27 is a Friday; Shanghai is UTC+8 all year.
const sh = (day: number, hh: number, mm = 0) => Date.UTC(2026, 10, day, hh - 8, mm);

describe('sharing sessions', () => {
  it('runs on the rule’s weekdays at its wall-clock time, in its zone', () => {
    const rule = s({ days: [5], at: '20:00', durationMinutes: 90 });
    expect(sessionsBetween(rule, sh(23, 0), sh(30, 0))).toEqual([{ start: sh(27, 20), end: sh(27, 21, 30) }]);
    expect(liveSession(rule, sh(27, 20, 45))).toEqual({ start: sh(27, 20), end: sh(27, 21, 30) });
    expect(liveSession(rule, sh(27, 21, 30))).toBeNull();
    expect(liveSession(rule, sh(27, 19, 59))).toBeNull();
    // Berlin: 20:00 local in winter is 19:00 UTC.
    const berlin = s({ days: [5], timezone: 'Europe/Berlin' });
    expect(sessionsBetween(berlin, Date.UTC(2026, 10, 27), Date.UTC(2026, 10, 28))[0]!.start).toBe(Date.UTC(2026, 10, 27, 19));
    // A session past midnight belongs to the day it starts.
    const late = s({ days: [7], at: '23:30', durationMinutes: 60 });
    expect(liveSession(late, sh(30, 0, 15))).toEqual({ start: sh(29, 23, 30), end: sh(30, 0, 30) });
  });

  it('keeps wall-clock time across a DST change', () => {
    const ny = s({ days: [1, 2, 3, 4, 5, 6, 7], at: '09:00', timezone: 'America/New_York' });
    const [before] = sessionsBetween(ny, Date.UTC(2026, 2, 7, 12), Date.UTC(2026, 2, 8, 0));
    const [after] = sessionsBetween(ny, Date.UTC(2026, 2, 9, 12), Date.UTC(2026, 2, 10, 0));
    expect(new Date(before!.start).toISOString()).toBe('2026-03-07T14:00:00.000Z');
    expect(new Date(after!.start).toISOString()).toBe('2026-03-09T13:00:00.000Z');
  });

  it('rotates the roster by session number and lists what is due', () => {
    const rule = s({ days: [2, 5], speakers: { mode: 'roster', memberIds: ['a', 'b', 'c'] }, remindMinutes: [60] });
    const epoch = sh(23, 0); // Monday
    const sessions = sessionsBetween(rule, epoch, sh(30, 23, 59) + 7 * 86_400_000);
    const speakers = sessions.map((x) => speakerAt(rule, sessionIndex(rule, epoch, x.start)));
    expect(speakers).toEqual(['a', 'b', 'c', 'a']);
    expect(dueOf(rule, sessions[0]!).map((d) => [d.kind, d.at])).toEqual([['remind', sessions[0]!.start - 3_600_000], ['start', sessions[0]!.start], ['end', sessions[0]!.end]]);
    expect(speakerAt(s(), 3)).toBeNull();
  });
});
