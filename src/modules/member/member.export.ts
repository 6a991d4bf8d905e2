// Member exports: personal data leaves the system only with a stated reason, an audit entry and a
// watermark naming the operator on every row (CSV) or on every page (XLSX).
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
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

export async function exportMembers(ctx: Ctx, req: z.infer<typeof ExportRequestSchema>): Promise<ExportFile> {
  ctx.authorize('member.export');
  const at = new Date(ctx.clock.now()).toISOString();
  const watermark = `导出人 exported by ${ctx.actor.name} (${ctx.actor.id ?? ctx.actor.kind}) · ${at} · 用途 reason: ${req.reason}`;
  const rows: string[][] = [];
  for await (const m of allMembers(ctx, req.filters)) rows.push([...COLUMNS.map(([k]) => cell(m[k])), watermark]);
  const stamp = at.slice(0, 19).replace(/[:T]/g, '-');
  let file: ExportFile;
  if (req.format === 'csv') {
    const header = [...COLUMNS.map(([, label]) => label), '水印 watermark'];
    // A BOM makes Excel open the UTF-8 file with the right encoding for Chinese.
    const body = Buffer.from(`\uFEFF${stringify([header, ...rows])}`, 'utf8');
    file = { filename: `members-${stamp}.csv`, contentType: 'text/csv; charset=utf-8', body, rows: rows.length };
  } else {
    const wb = new ExcelJS.Workbook();
    wb.creator = ctx.actor.name;
    const sheet = wb.addWorksheet('members');
    sheet.headerFooter.oddHeader = `&L${watermark.replace(/&/g, '&&')}`;
    sheet.headerFooter.oddFooter = `&L${watermark.replace(/&/g, '&&')}&R&P / &N`;
    sheet.addRow([...COLUMNS.map(([, label]) => label), '水印 watermark']).font = { bold: true };
    for (const r of rows) sheet.addRow(r);
    const info = wb.addWorksheet('export');
    info.addRows([['exported by', ctx.actor.name], ['actor id', ctx.actor.id ?? ctx.actor.kind], ['at', at], ['reason', req.reason], ['rows', rows.length]]);
    file = { filename: `members-${stamp}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body: Buffer.from(await wb.xlsx.writeBuffer()), rows: rows.length };
  }
  await recordAudit(ctx, 'member.export', null, { reason: req.reason, format: req.format, filters: req.filters, rows: rows.length });
  return file;
}
