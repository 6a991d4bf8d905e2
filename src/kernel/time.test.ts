import { describe, expect, it } from 'vitest';
import { parseLocalDateTime, wallClockText } from './time.ts';

const SH = 'Asia/Shanghai';
const at = (iso: string) => Date.parse(iso);

describe('parseLocalDateTime', () => {
  it.each([
    ['2024-03-01', '2024-02-29T16:00:00Z'],
    ['2024/3/1', '2024-02-29T16:00:00Z'],
    ['2024.03.01', '2024-02-29T16:00:00Z'],
    ['2024年3月1日', '2024-02-29T16:00:00Z'],
    ['2024年3月1日 9:30', '2024-03-01T01:30:00Z'],
    ['2024年3月1日9时30分', '2024-03-01T01:30:00Z'],
    ['2024-03-01 09:30', '2024-03-01T01:30:00Z'],
    ['2024-03-01T09:30:15', '2024-03-01T01:30:15Z'],
    ['2024-03-01 09:30:15.250', '2024-03-01T01:30:15.250Z'],
    ['2024-03-01T09:30:00Z', '2024-03-01T09:30:00Z'],
    ['2024-03-01T09:30:00.5+08:00', '2024-03-01T01:30:00.500Z'],
    ['2024-03-01T09:30:00-0500', '2024-03-01T14:30:00Z'],
    [' 2024-02-29 ', '2024-02-28T16:00:00Z'],
  ])('reads %s', (text, iso) => {
    expect(parseLocalDateTime(text, SH)).toBe(at(iso));
  });

  it('reads a value without offset in the given zone', () => {
    expect(parseLocalDateTime('2024-07-01 12:00', 'America/New_York')).toBe(at('2024-07-01T16:00:00Z'));
    expect(parseLocalDateTime('2024-07-01', 'UTC')).toBe(at('2024-07-01T00:00:00Z'));
  });

  it.each([
    '', 'yesterday', '2024-02-30', '2023-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '2024-03-01 24:00', '2024-03-01 09:61',
    '2024-03-01 09:30:60', '2024-02-30T00:00:00Z', '2024-02-31T00:00:00+08:00', '01/03/2024', '45352', '2024-03-019:30',
  ])('rejects %j', (text) => {
    expect(parseLocalDateTime(text, SH)).toBeNull();
  });
});

describe('zonedToUtc', () => {
  it('agrees with dayjs.tz across zones and decades, except for wall times a DST change skips', async () => {
    const { dayjs } = await import('./time.ts');
    for (const tz of ['Asia/Shanghai', 'America/New_York', 'Europe/Berlin', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'UTC']) {
      for (let i = 0; i < 2000; i++) {
        const wall = Date.UTC(1970, 0, 1) + ((i * 7_919_993_117) % (60 * 365 * 86_400_000));
        const text = new Date(wall).toISOString().slice(0, 19).replace('T', ' ');
        const ours = parseLocalDateTime(text, tz)!;
        const theirs = dayjs.tz(text, 'YYYY-MM-DD HH:mm:ss', tz).valueOf();
        if (ours === theirs) continue;
        // Only a time that does not exist may differ (by at most the hour the clocks jumped).
        expect(dayjs(theirs).tz(tz).format('YYYY-MM-DD HH:mm:ss'), `${tz} ${text}`).not.toBe(text);
        expect(Math.abs(ours - theirs), `${tz} ${text}`).toBeLessThanOrEqual(3_600_000);
      }
    }
  });

  it('reads the clock on both sides of a DST change', () => {
    expect(parseLocalDateTime('2024-03-10 01:30', 'America/New_York')).toBe(Date.parse('2024-03-10T06:30:00Z'));
    expect(parseLocalDateTime('2024-03-10 03:30', 'America/New_York')).toBe(Date.parse('2024-03-10T07:30:00Z'));
    expect(parseLocalDateTime('2024-10-27 12:00', 'Europe/Berlin')).toBe(Date.parse('2024-10-27T11:00:00Z'));
    expect(parseLocalDateTime('2024-10-26 12:00', 'Europe/Berlin')).toBe(Date.parse('2024-10-26T10:00:00Z'));
  });
});

describe('wallClockText', () => {
  it('keeps the wall-clock reading of a spreadsheet date', () => {
    expect(wallClockText(new Date(Date.UTC(2024, 2, 1)))).toBe('2024-03-01');
    expect(wallClockText(new Date(Date.UTC(2024, 2, 1, 9, 30)))).toBe('2024-03-01 09:30:00');
    expect(parseLocalDateTime(wallClockText(new Date(Date.UTC(2024, 2, 1))), SH)).toBe(at('2024-02-29T16:00:00Z'));
  });
});
