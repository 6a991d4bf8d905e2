// Whether a group's mute schedule (communication.mute_schedule) silences it at a moment, and until when.
import type { MuteScheduleSettings } from './rule-types.ts';

export interface MuteState {
  muted: boolean;
  /** Why, in plain zh-CN (shown to members). */
  reason: string | null;
  /** When the current window ends (epoch ms); null when muted until an operator lifts it, or not muted. */
  until: number | null;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Weekday (1 = Monday … 7 = Sunday) and minute of the day at `at` on the zone's wall clock. */
function wallClock(at: number, timeZone: string): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  return { day, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

export function muteStateAt(s: MuteScheduleSettings, at: number): MuteState {
  if (s.allMuted) return { muted: true, reason: '全员禁言中', until: null };
  const { day, minute } = wallClock(at, s.timezone);
  const yesterday = day === 1 ? 7 : day - 1;
  for (const w of s.windows) {
    const from = minutes(w.from);
    const to = minutes(w.to);
    let left: number | null = null;
    if (from < to) {
      if (w.days.includes(day) && minute >= from && minute < to) left = to - minute;
    } else if (from > to) {
      // Past midnight: it started today (after `from`) or yesterday (before `to`).
      if (w.days.includes(day) && minute >= from) left = 24 * 60 - minute + to;
      else if (w.days.includes(yesterday) && minute < to) left = to - minute;
    }
    if (left !== null) {
      // Whole minutes on the wall clock: the window ends at the start of minute `to`.
      const until = at - (at % 60_000) + left * 60_000;
      return { muted: true, reason: `禁言时段 ${w.from}–${w.to}`, until };
    }
  }
  return { muted: false, reason: null, until: null };
}
