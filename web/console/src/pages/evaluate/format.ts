// Numbers as the operator reads them (grouped digits in the interface language, yuan from cents, shares as
// percentages), the health board's reasons as sentences, and a CSV file made in the browser.
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { GroupHealth } from '../../api';

export function useFormat() {
  const { i18n } = useTranslation();
  const lang = i18n.language === 'en' ? 'en' : 'zh-CN';
  const int = (n: number) => Math.round(n).toLocaleString(lang);
  const dec = (n: number, digits = 1) => n.toLocaleString(lang, { maximumFractionDigits: digits });
  const pct = (ratio: number, digits = 1) => `${(ratio * 100).toLocaleString(lang, { maximumFractionDigits: digits })}%`;
  const yuan = (cents: number) => `¥${(cents / 100).toLocaleString(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
  const signed = (n: number) => (n > 0 ? `+${int(n)}` : int(n));
  return { lang, int, dec, pct, yuan, signed };
}
export type Format = ReturnType<typeof useFormat>;

/** A reason the health score lost points, as a sentence (its value read the way the code means it). */
export function reasonText(t: TFunction, f: Format, r: GroupHealth['reasons'][number]): string {
  switch (r.code) {
    case 'low_active_rate':
      return t('evaluate.reason.low_active_rate', { pct: f.pct(r.value, 0) });
    case 'little_talk':
      return t('evaluate.reason.little_talk', { n: f.dec(r.value, 2) });
    case 'going_quiet':
      return t('evaluate.reason.going_quiet', { pct: f.pct(Math.max(0, 1 - r.value), 0) });
    case 'shrinking':
      return t('evaluate.reason.shrinking', { n: f.int(-r.value) });
    case 'past_prime':
      return t('evaluate.reason.past_prime', { days: f.int(r.value), years: f.dec(r.value / 365, 1) });
    case 'near_capacity':
      return t('evaluate.reason.near_capacity', { pct: f.pct(r.value, 0) });
    default:
      return String((r as { code: string }).code);
  }
}

/** The change the trend stands for: +77% for 1.77, −40% for 0.6. */
export const trendChange = (trend: number) => trend - 1;

const cell = (v: string | number) => {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/** Saves rows as a CSV file (UTF-8 with a byte order mark, so Excel reads the Chinese right). */
export function downloadCsv(filename: string, rows: (string | number)[][]): void {
  const text = `\uFEFF${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
