// Actuals from a spreadsheet (CSV or XLSX, read by the caller into header + numbered rows): the finance
// team's monthly sheet as it is kept, one row per month with a column per measure (月份, 人员工资, 运营费用,
// …), or one row per figure (月份, 指标, 数值). Money is in yuan as people write it (¥1,234.50), rates as
// 20% or 0.2. Every problem names the file, the line and the column; nothing is written unless all is good.
import type { Ctx } from '../../kernel/context.ts';
import { invalid } from '../../kernel/errors.ts';
import { headerKey as norm, parseFigureText, type Sheet } from '../../kernel/sheet.ts';
import { setActuals } from './plan.service.ts';
import { ENTERED_KEYS, METRICS, type MetricDef, type MetricKey } from './plan.template.ts';


const MONTH_HEADERS = new Set(['月份', '月', 'month', '日期', 'date'].map(norm));
const METRIC_HEADERS = new Set(['指标', 'metric', '项目', 'item'].map(norm));
const VALUE_HEADERS = new Set(['数值', 'value', '金额', 'amount', '实际', 'actual'].map(norm));

function metricFor(header: string): MetricDef | undefined {
  const h = norm(header);
  return (METRICS as readonly MetricDef[]).find((m) => norm(m.key) === h || norm(m.zh) === h || norm(m.en) === h);
}

/** `2026-01`, `2026/1`, `2026年1月`, `2026-01-15` or a spreadsheet date → `2026-01`. */
function parseMonth(v: string): string | null {
  const m = /^\s*(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:月)?(?:[-/.]\d{1,2}(?:日)?)?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s*$/.exec(v);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) return null;
  return `${m[1]}-${m[2]!.padStart(2, '0')}`;
}

/** A figure as written (see parseFigureText); money comes back in fen. */
function parseFigure(v: string, def: MetricDef): number | null {
  const f = parseFigureText(v);
  if (!f) return null;
  if (def.money) return Math.round(f.n * 100);
  // A rate written as 20 (meaning 20 %) is taken as a percentage.
  if (def.kind === 'rate' && !f.percent && f.n > 1) return f.n / 100;
  return f.n;
}

export async function importActuals(ctx: Ctx, planId: string, t: Sheet): Promise<{ rows: number; entries: number; months: string[] }> {
  const errors: { field: string; reason: string }[] = [];
  const at = (line: number, col?: string) => `${t.file}:${line}${col ? `:${col}` : ''}`;
  const monthCol = t.headers.find((h) => MONTH_HEADERS.has(norm(h)));
  if (!monthCol) throw invalid([{ field: at(1), reason: `no month column (月份 or month) among ${t.headers.join(', ')}` }], 'The actuals file is invalid');
  const metricCol = t.headers.find((h) => METRIC_HEADERS.has(norm(h)));
  const valueCol = t.headers.find((h) => VALUE_HEADERS.has(norm(h)));
  const long = !!(metricCol && valueCol);
  const columns = long ? [] : t.headers.filter((h) => h !== monthCol).map((h) => ({ h, def: metricFor(h) }));
  for (const c of columns) {
    if (!c.def) errors.push({ field: at(1, c.h), reason: `unknown measure "${c.h}" (known: ${ENTERED_KEYS.map((k) => METRICS.find((m) => m.key === k)!.zh).join('、')})` });
    else if (!(ENTERED_KEYS as readonly string[]).includes(c.def.key)) errors.push({ field: at(1, c.h), reason: `${c.def.zh} is computed from the data, not imported` });
  }
  const entries: { month: string; metric: MetricKey; value: number }[] = [];
  const seen = new Map<string, number>();
  for (const r of t.rows) {
    const month = parseMonth(r.values[monthCol] ?? '');
    if (!month) {
      errors.push({ field: at(r.line, monthCol), reason: `"${r.values[monthCol] ?? ''}" is not a month (2026-01 or 2026年1月)` });
      continue;
    }
    const cells = long
      ? [{ h: valueCol!, def: metricFor(r.values[metricCol!] ?? ''), name: r.values[metricCol!] ?? '' }]
      : columns.filter((c) => c.def && (ENTERED_KEYS as readonly string[]).includes(c.def.key)).map((c) => ({ ...c, name: c.h }));
    for (const c of cells) {
      const raw = (r.values[c.h] ?? '').trim();
      if (!c.def) {
        errors.push({ field: at(r.line, metricCol), reason: `unknown measure "${c.name}"` });
        continue;
      }
      if (long && !(ENTERED_KEYS as readonly string[]).includes(c.def.key)) {
        errors.push({ field: at(r.line, metricCol), reason: `${c.def.zh} is computed from the data, not imported` });
        continue;
      }
      if (raw === '') continue;
      const value = parseFigure(raw, c.def);
      if (value === null) {
        errors.push({ field: at(r.line, c.h), reason: `"${raw}" is not a number` });
        continue;
      }
      const key = `${month}|${c.def.key}`;
      if (seen.has(key)) {
        errors.push({ field: at(r.line, c.h), reason: `${c.def.zh} for ${month} is also on line ${seen.get(key)}` });
        continue;
      }
      seen.set(key, r.line);
      entries.push({ month, metric: c.def.key as MetricKey, value });
    }
  }
  if (errors.length) throw invalid(errors.slice(0, 100), `The actuals file is invalid (${errors.length} problem${errors.length > 1 ? 's' : ''})`);
  if (!entries.length) throw invalid([{ field: t.file, reason: 'no figures to import' }], 'The actuals file is invalid');
  // Months outside the plan are named by the line they came from.
  const lineOf = entries.map((e) => seen.get(`${e.month}|${e.metric}`)!);
  await setActuals(ctx, planId, { entries }, (i) => `${at(lineOf[i]!)}:`, 'import');
  return { rows: t.rows.length, entries: entries.length, months: [...new Set(entries.map((e) => e.month))].sort() };
}
