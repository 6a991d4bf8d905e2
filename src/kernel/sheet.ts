// Cells of a spreadsheet as people fill them in (the finance team's sheets of actuals, costs and supporters):
// headers in Chinese or English with stray spaces and units, amounts with separators and 万, dates as
// 2026/11/3 or 2026年11月3日, and rows that an import must recognise when the same sheet comes again.
import { createHash } from 'node:crypto';

/** A sheet read into its header and numbered rows (the line each row starts on, for errors). */
export interface Sheet {
  file: string;
  headers: string[];
  rows: { line: number; values: Record<string, string> }[];
}

/** A header as compared: lower case, without spaces, underscores, brackets, 元, ¥ and %. */
export const headerKey = (s: string): string => s.trim().toLowerCase().replace(/[\s_（）()元¥%]/g, '');

/** Each column's header in this sheet, found by any of its names (as headerKey compares them). */
export function findColumns<K extends string>(headers: string[], names: Record<K, readonly string[]>): Record<K, string | undefined> {
  const out = {} as Record<K, string | undefined>;
  for (const [k, ns] of Object.entries(names) as [K, readonly string[]][]) out[k] = headers.find((h) => ns.map(headerKey).includes(headerKey(h)));
  return out;
}

/** The number written, with 万 applied; `percent` when it ended in %, its value then already divided by 100. */
export function parseFigureText(v: string): { n: number; percent: boolean } | null {
  let s = v.trim().replace(/[,，\s¥￥]/g, '').replace(/元$/, '');
  let scale = 1;
  const percent = s.endsWith('%');
  if (percent) (s = s.slice(0, -1)), (scale = 0.01);
  else if (s.endsWith('万')) (s = s.slice(0, -1)), (scale = 10_000);
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(s)) return null;
  const n = Number(s) * scale;
  return Number.isFinite(n) ? { n, percent } : null;
}

/** Yuan as written (¥1,234.50, 1.2万, 300元) in fen; null when it is no amount (or a rate). */
export function parseYuanText(v: string): number | null {
  const f = parseFigureText(v);
  return f && !f.percent ? Math.round(f.n * 100) : null;
}

/** `2026-11-03`, `2026/11/3`, `2026年11月3日`, `2026.11.3`, or a spreadsheet date with a time → `2026-11-03`; null if no real day. */
export function parseDayText(v: string): string | null {
  const m = /^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?\s*$/.exec(v);
  if (!m) return null;
  const s = `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}`;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s ? s : null;
}

/**
 * Keys for imported rows: a row's content and its place among identical rows of its sheet, so that the same
 * sheet imported again yields the same keys (and a unique index refuses them) while two equal rows stay two.
 */
export class RowKeys {
  private readonly seen = new Map<string, number>();
  next(content: unknown[]): string {
    const text = JSON.stringify(content);
    const nth = (this.seen.get(text) ?? 0) + 1;
    this.seen.set(text, nth);
    return createHash('sha256').update(`${text}#${nth}`).digest('base64url');
  }
}
