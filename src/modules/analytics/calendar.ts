// Local days, weeks and months in the workspace's analytics time zone. A day is numbered from 1970-01-01
// (so day arithmetic is integer arithmetic); weeks start on Monday, as in China; months count from year 0.
// Offsets are looked up once per UTC hour and time zone: Intl is slow, and activities come in bursts.
const HOUR = 3_600_000;
export const DAY = 86_400_000;

const offsets = new Map<string, number>();
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Milliseconds east of UTC in `timeZone` at `at`. */
export function utcOffset(at: number, timeZone: string): number {
  const hour = Math.floor(at / HOUR);
  const key = `${timeZone}|${hour}`;
  const hit = offsets.get(key);
  if (hit !== undefined) return hit;
  let f = formatters.get(timeZone);
  if (!f) formatters.set(timeZone, (f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' })));
  const p = Object.fromEntries(f.formatToParts(hour * HOUR).map((x) => [x.type, Number(x.value)]));
  const local = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!);
  const offset = local - hour * HOUR;
  if (offsets.size > 50_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/** The local day and hour of an instant. */
export function localDayHour(at: number, timeZone: string): { day: number; hour: number } {
  const local = at + utcOffset(at, timeZone);
  const day = Math.floor(local / DAY);
  return { day, hour: Math.floor((local - day * DAY) / HOUR) };
}

/** Monday-based week number of a day (1970-01-01 was a Thursday). */
export const weekOf = (day: number): number => Math.floor((day + 3) / 7);
export const weekStartDay = (week: number): number => week * 7 - 3;
/** Months since year 0 (January 2026 is 2026 × 12). */
export function monthOf(day: number): number {
  const d = new Date(day * DAY);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
}
export const monthStartDay = (month: number): number => Date.UTC(Math.floor(month / 12), month % 12, 1) / DAY;
/** 0 = Monday … 6 = Sunday. */
export const weekdayOf = (day: number): number => (day + 3) % 7;

/** Levels of the group spans: blocks of 2^0 (a day) … 2^8 days. */
export const SPAN_LEVELS = 8;
const SPAN_BASE = 2 ** 20;
/** The span of `level` holding `day`: its level × 2^20 + the block's first day (blocks are aligned to their size). */
export const spanOf = (level: number, day: number): number => level * SPAN_BASE + day - (((day % 2 ** level) + 2 ** level) % 2 ** level);

/**
 * A range of days as the fewest aligned blocks: whole spans where they fit, single days at the edges. Any
 * range is at most about 2 × SPAN_LEVELS pieces plus one span per 256 days.
 */
export function daySpans(first: number, last: number): { days: number[]; spans: number[] } {
  const days: number[] = [];
  const spans: number[] = [];
  for (let d = first; d <= last;) {
    let level = 0;
    while (level < SPAN_LEVELS && spanOf(level + 1, d) % SPAN_BASE === d && d + 2 ** (level + 1) - 1 <= last) level++;
    if (level === 0) days.push(d);
    else spans.push(spanOf(level, d));
    d += 2 ** level;
  }
  return { days, spans };
}

// Fixed-width keys, so that a range of periods is a range of strings.
export const dayKey = (day: number): string => `d${String(day).padStart(6, '0')}`;
export const weekKey = (week: number): string => `w${String(week).padStart(5, '0')}`;
export const monthKey = (month: number): string => `m${String(month).padStart(6, '0')}`;

/** `2026-11-28` for a day number, and back (an invalid date is NaN). */
export const dayDate = (day: number): string => new Date(day * DAY).toISOString().slice(0, 10);
export function parseDay(date: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return NaN;
  const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return dayDate(t / DAY) === date ? t / DAY : NaN;
}
export const monthDate = (month: number): string => `${Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;

/** The local instant where a local day begins (the first millisecond of it). */
export function dayStart(day: number, timeZone: string): number {
  const guess = day * DAY;
  // The offset at the guess is right except within a few hours of a DST change; one correction settles it.
  let t = guess - utcOffset(guess - utcOffset(guess, timeZone), timeZone);
  if (localDayHour(t, timeZone).day < day) t += HOUR;
  return t;
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
