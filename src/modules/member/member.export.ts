// Member exports: personal data leaves the system only with a stated reason, an audit entry and a
// watermark naming the operator on every row (CSV) or on every page (XLSX).
import { stringify } from 'csv-stringify/sync';
import type { z } from 'zod';
import type { Ctx } from '../../kernel/context.ts';
import { recordAudit } from '../audit/index.ts';
import { searchMembers } from './member.search.ts';
import type { ExportRequestSchema, Member } from './member.schema.ts';

const COLUMNS: [keyof Member, string][] = [
  ['id', 'ID'], ['displayName', '姓名 name'], ['gender', '性别 gender'], ['birthYear', '出生年份 birth year'], ['city', '城市 city'],
  ['occupation', '职业 occupation'], ['skills', '技能 skills'], ['phone', '手机 phone'], ['email', '邮箱 e-mail'], ['tags', '标签 tags'],
  ['circle', '圈层 circle'], ['stage', '阶段 stage'], ['sourceChannel', '来源 source'], ['referrerId', '推荐人 referrer'], ['joinedAt', '加入时间 joined at'],
];

const cell = (v: unknown) => (Array.isArray(v) ? v.join('|') : v === null || v === undefined ? '' : String(v));

/**
 * Spreadsheets run a CSV cell that starts with = + - @ (or a tab or CR) as a formula: a member named
 * `=HYPERLINK(...)` would run on the exporter's machine. Such cells get a leading apostrophe, as OWASP
 * advises; plain numbers such as +8613812345678 or -5 stay as they are.
 */
export function csvSafe(text: string): string {
  if (!/^[=+\-@\t\r]/.test(text)) return text;
  if (/^[+-][\d\s().-]*$/.test(text) && /\d/.test(text)) return text;
  return `'${text}`;
}

export interface ExportFile {
  filename: string;
  contentType: string;
  body: Buffer;
  rows: number;
}

async function* allMembers(ctx: Ctx, filters: z.infer<typeof ExportRequestSchema>['filters']) {
  let cursor: string | undefined;
  do {
    const page = await searchMembers(ctx, { ...filters, sort: '-joinedAt', limit: 1000, cursor } as never);
    yield* page.items;
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
}

/** Excel refuses a header or footer longer than 255 characters, codes included; `&` is written `&&`. */
export function headerFooterText(text: string, max: number): string {
  let out = '';
  for (const ch of text) {
    const next = ch === '&' ? '&&' : ch;
    if (out.length + next.length > max - 1) return `${out}…`;
    out += next;
  }
  return out;
}

export async function exportMembers(ctx: Ctx, req: z.infer<typeof ExportRequestSchema>, onProgress: (rows: number) => void = () => {}): Promise<ExportFile> {
  ctx.authorize('member.export');
  const at = new Date(ctx.clock.now()).toISOString();
  const watermark = `导出人 exported by ${ctx.actor.name} (${ctx.actor.id ?? ctx.actor.kind}) · ${at} · 用途 reason: ${req.reason}`;
  const rows: string[][] = [];
  for await (const m of allMembers(ctx, req.filters)) {
    rows.push([...COLUMNS.map(([k]) => cell(m[k])), watermark]);
    if (rows.length % 1000 === 0) onProgress(rows.length);
  }
  onProgress(rows.length);
  const stamp = at.slice(0, 19).replace(/[:T]/g, '-');
  let file: ExportFile;
  if (req.format === 'csv') {
    const header = [...COLUMNS.map(([, label]) => label), '水印 watermark'];
    // A BOM makes Excel open the UTF-8 file with the right encoding for Chinese.
    const body = Buffer.from(`\uFEFF${stringify([header, ...rows.map((r) => r.map(csvSafe))])}`, 'utf8');
    file = { filename: `members-${stamp}.csv`, contentType: 'text/csv; charset=utf-8', body, rows: rows.length };
  } else {
    // exceljs takes a good half second to load: only XLSX exports pay for it.
    const { default: ExcelJS } = await import('exceljs');
    const wb = new ExcelJS.Workbook();
    wb.creator = ctx.actor.name;
    const sheet = wb.addWorksheet('members');
    sheet.headerFooter.oddHeader = `&L${headerFooterText(watermark, 250)}`;
    sheet.headerFooter.oddFooter = `&L${headerFooterText(watermark, 240)}&R&P / &N`;
    sheet.addRow([...COLUMNS.map(([, label]) => label), '水印 watermark']).font = { bold: true };
    for (const r of rows) sheet.addRow(r);
    const info = wb.addWorksheet('export');
    info.addRows([['exported by', ctx.actor.name], ['actor id', ctx.actor.id ?? ctx.actor.kind], ['at', at], ['reason', req.reason], ['rows', rows.length]]);
    file = { filename: `members-${stamp}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body: Buffer.from(await wb.xlsx.writeBuffer()), rows: rows.length };
  }
  await recordAudit(ctx, 'member.export', null, { reason: req.reason, format: req.format, filters: req.filters, rows: rows.length });
  return file;
}
