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

describe('wallClockText', () => {
  it('keeps the wall-clock reading of a spreadsheet date', () => {
    expect(wallClockText(new Date(Date.UTC(2024, 2, 1)))).toBe('2024-03-01');
    expect(wallClockText(new Date(Date.UTC(2024, 2, 1, 9, 30)))).toBe('2024-03-01 09:30:00');
    expect(parseLocalDateTime(wallClockText(new Date(Date.UTC(2024, 2, 1))), SH)).toBe(at('2024-02-29T16:00:00Z'));
  });
});
