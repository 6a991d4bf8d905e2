// What the rule forms share: the form path of a setting, the time zones offered, the weekday boxes.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';

/** A setting's form path: every rule form keeps its values under `settings`. */
export const S = (...p: (string | number)[]) => ['settings', ...p];

export const TIMEZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'UTC'];

export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

/** Monday (1) to Sunday (7), each label with a test id. */
export function useDayOptions(testPrefix: string) {
  const { t } = useTranslation();
  return useMemo(() => [1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: <span data-testid={`${testPrefix}-${d}`}>{t(`mute.day.${d}`)}</span> })), [t, testPrefix]);
}

/** A string list from a form value: trimmed, no blanks, no repeats. */
export const cleanList = (v: unknown): string[] => [...new Set((Array.isArray(v) ? v : []).map((x) => String(x ?? '').trim()).filter(Boolean))];

export const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
