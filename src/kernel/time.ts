import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import timezone from 'dayjs/plugin/timezone.js';
import customParseFormat from 'dayjs/plugin/customParseFormat.js';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(customParseFormat);

export { dayjs };

const DATE_TIME =
  /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:(?:[ T]+|(?<=日))(\d{1,2})[:：时](\d{1,2})分?(?:[:：](\d{1,2})(?:\.(\d{1,3})\d*)?秒?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/**
 * Parses the date forms operators type into spreadsheets: ISO 8601 (with or without offset),
 * `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, `YYYY年MM月DD日`, each optionally followed by `HH:mm[:ss[.SSS]]`
 * (`9时30分` too). A value without an offset is read in the workspace's time zone. Returns epoch ms, or null
 * for anything else and for dates or times that do not exist (2024-02-30, 09:61).
 */
export function parseLocalDateTime(value: string, tz: string): number | null {
  const m = DATE_TIME.exec(value.trim());
  if (!m) return null;
  const [, ys, mos, ds, hs = '0', mis = '0', ss = '0', mss = '0', offset] = m;
  const [y, mo, d, h, mi, s] = [ys, mos, ds, hs, mis, ss].map(Number) as [number, number, number, number, number, number];
  const ms = Number(mss.padEnd(3, '0'));
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  if (offset) {
    const off = offset.toUpperCase() === 'Z' ? 0 : (offset[0] === '-' ? -1 : 1) * (Number(offset.slice(1, 3)) * 60 + Number(offset.slice(-2)));
    return Date.UTC(y, mo - 1, d, h, mi, s, ms) - off * 60_000;
  }
  return zonedToUtc(Date.UTC(y, mo - 1, d, h, mi, s, ms), tz);
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const offsets = new Map<string, number>();
const QUARTER_HOUR = 15 * 60_000;

/**
 * The zone's UTC offset (ms) at an instant. Offsets are multiples of 15 minutes and change on quarter
 * hours, so they are memoised per quarter hour: an import of 100,000 dates asks Intl a few hundred times
 * (dayjs.tz asked it for every row, a good second per 100,000).
 */
export function zoneOffset(tz: string, utcMs: number): number {
  const bucket = Math.floor(utcMs / QUARTER_HOUR);
  const key = `${tz}|${bucket}`;
  const known = offsets.get(key);
  if (known !== undefined) return known;
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(tz, f);
  }
  const at = bucket * QUARTER_HOUR;
  const p = Object.fromEntries(f.formatToParts(new Date(at)).map((x) => [x.type, Number(x.value)]));
  const offset = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - at;
  if (offsets.size > 50_000) offsets.clear();
  offsets.set(key, offset);
  return offset;
}

/** The instant at which the zone's clocks read `wall` (a wall-clock reading expressed as if it were UTC). */
export function zonedToUtc(wall: number, tz: string): number {
  const first = wall - zoneOffset(tz, wall);
  return wall - zoneOffset(tz, first);
}

/** The wall-clock reading of a spreadsheet date: exceljs hands dates over as UTC instants of the local reading. */
export function wallClockText(d: Date): string {
  const iso = d.toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
}
