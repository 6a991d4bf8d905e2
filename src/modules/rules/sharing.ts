// The sharing rule's calendar (sharing.session), pure: when each session runs in the rule's zone, who
// speaks at the Nth one, and what is due when (reminders, start, end).
import { zonedToUtc } from '../../kernel/time.ts';
import type { SharingSettings } from './rule-types.ts';

const DAY = 86_400_000;

export interface Session {
  /** Epoch ms of the start and the end. */
  start: number;
  end: number;
}

/** Weekday (1 = Monday … 7 = Sunday) of a local calendar day counted from the epoch. */
const weekday = (localDay: number) => ((((localDay + 3) % 7) + 7) % 7) + 1; // 1970-01-01 was a Thursday

/** The sessions that overlap [from, to), oldest first. */
export function sessionsBetween(s: SharingSettings, from: number, to: number): Session[] {
  const [h, m] = s.at.split(':').map(Number) as [number, number];
  const out: Session[] = [];
  // Local days around the range (offsets are within ±14 h, a session lasts at most 10 h).
  for (let d = Math.floor(from / DAY) - 2; d <= Math.floor(to / DAY) + 1; d++) {
    if (!s.days.includes(weekday(d))) continue;
    const start = zonedToUtc(d * DAY + (h * 60 + m) * 60_000, s.timezone);
    const end = start + s.durationMinutes * 60_000;
    if (end > from && start < to) out.push({ start, end });
  }
  return out;
}

/** The session running at `at`, if any. */
export function liveSession(s: SharingSettings, at: number): Session | null {
  return sessionsBetween(s, at, at + 1).find((x) => x.start <= at && at < x.end) ?? null;
}

/** The session's number counted in weeks' sessions since `epoch` (the rule's creation): rotates the roster. */
export function sessionIndex(s: SharingSettings, epoch: number, start: number): number {
  return sessionsBetween(s, epoch, start).filter((x) => x.start >= epoch && x.start < start).length;
}

export type Due = { kind: 'remind'; minutes: number; at: number } | { kind: 'start'; at: number } | { kind: 'end'; at: number };

/** What a session asks for and when. */
export function dueOf(s: SharingSettings, session: Session): Due[] {
  return [
    ...s.remindMinutes.map((minutes) => ({ kind: 'remind' as const, minutes, at: session.start - minutes * 60_000 })),
    { kind: 'start', at: session.start },
    { kind: 'end', at: session.end },
  ];
}

/** The roster member who speaks at the Nth session, and the one after (who writes the summary when the speaker is a guest). */
export function speakerAt(s: SharingSettings, n: number): string | null {
  if (s.speakers.mode !== 'roster') return null;
  const ids = s.speakers.memberIds;
  return ids[n % ids.length]!;
}
