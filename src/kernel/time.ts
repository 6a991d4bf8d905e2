import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import timezone from 'dayjs/plugin/timezone.js';
import customParseFormat from 'dayjs/plugin/customParseFormat.js';

dayjs.extend(utc);
dayjs.extend(timezone);
dayjs.extend(customParseFormat);

export { dayjs };

/**
 * Parses the date forms operators type into spreadsheets: ISO 8601 (with or without offset),
 * `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, `YYYY年MM月DD日`, each optionally followed by `HH:mm[:ss]`.
 * A value without an offset is read in the workspace's time zone. Returns epoch ms or null.
 */
export function parseLocalDateTime(value: string, tz: string): number | null {
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/i.test(v)) {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  const m = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/.exec(v);
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0'] = m;
  const iso = `${y}-${mo!.padStart(2, '0')}-${d!.padStart(2, '0')} ${h.padStart(2, '0')}:${mi}:${s.padStart(2, '0')}`;
  const parsed = dayjs.tz(iso, 'YYYY-MM-DD HH:mm:ss', tz);
  if (!parsed.isValid() || parsed.format('YYYY-MM-DD') !== iso.slice(0, 10)) return null;
  return parsed.valueOf();
}
