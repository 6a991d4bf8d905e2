import { describe, expect, it } from 'vitest';
import { MuteScheduleSettingsSchema } from './rule-types.ts';
import { muteStateAt } from './mute-schedule.ts';

const s = (x: object) => MuteScheduleSettingsSchema.parse(x);
// 2026-11-23 is a Monday; Shanghai is UTC+8.
const sh = (d: number, hh: number, mm = 0) => Date.UTC(2026, 10, 22 + d, hh - 8, mm);

describe('muteStateAt', () => {
  it('mutes inside a same-day window on its days only, until the window ends', () => {
    const rule = s({ windows: [{ days: [1, 2, 3, 4, 5], from: '09:00', to: '12:00' }] });
    expect(muteStateAt(rule, sh(1, 10, 30))).toEqual({ muted: true, reason: '禁言时段 09:00–12:00', until: sh(1, 12) });
    expect(muteStateAt(rule, sh(1, 12))).toMatchObject({ muted: false });
    expect(muteStateAt(rule, sh(6, 10))).toMatchObject({ muted: false });
  });

  it('runs a window past midnight into the next day', () => {
    const rule = s({ windows: [{ days: [7], from: '22:00', to: '08:00' }] });
    expect(muteStateAt(rule, sh(7, 23))).toMatchObject({ muted: true, until: sh(8, 8) });
    expect(muteStateAt(rule, sh(8, 7, 59))).toMatchObject({ muted: true, until: sh(8, 8) });
    expect(muteStateAt(rule, sh(8, 8))).toMatchObject({ muted: false });
    expect(muteStateAt(rule, sh(6, 23))).toMatchObject({ muted: false });
  });

  it('reads the wall clock of the rule’s zone, and all-muted has no end', () => {
    const rule = s({ timezone: 'Europe/Berlin', windows: [{ days: [1], from: '09:00', to: '10:00' }] });
    expect(muteStateAt(rule, Date.UTC(2026, 10, 23, 8, 30))).toMatchObject({ muted: true });
    expect(muteStateAt(rule, sh(1, 9, 30))).toMatchObject({ muted: false });
    expect(muteStateAt(s({ allMuted: true }), sh(1, 9))).toEqual({ muted: true, reason: '全员禁言中', until: null });
    expect(MuteScheduleSettingsSchema.safeParse({ timezone: 'Mars/Olympus' }).success).toBe(false);
    expect(MuteScheduleSettingsSchema.safeParse({ windows: [{ days: [1], from: '24:00', to: '08:00' }] }).success).toBe(false);
  });
});
