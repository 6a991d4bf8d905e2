// Figures as people write them in a spreadsheet: thousands separators (also the full-width comma), ¥ or ￥,
// a trailing 元, a trailing % (a rate) or 万 (× 10,000).

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
