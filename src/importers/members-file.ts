// Reads a member list (CSV in UTF-8/UTF-8 BOM/UTF-16/GB18030, or XLSX) into header + rows with line numbers.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { ShequnError } from '../kernel/errors.ts';
import type { ImportRow } from '../modules/member/index.ts';

export interface MemberFile {
  headers: string[];
  rows: ImportRow[];
  encoding?: string;
}

const fail = (file: string, where: string, reason: string) =>
  new ShequnError('import.failed', `${file}${where}: ${reason}`, { file }, [{ field: `${file}${where}`, reason }]);

export function decodeText(buf: Buffer, file: string): { text: string; encoding: string } {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { text: buf.subarray(3).toString('utf8'), encoding: 'utf-8-bom' };
  if (buf[0] === 0xff && buf[1] === 0xfe) return { text: iconv.decode(buf.subarray(2), 'utf16le'), encoding: 'utf-16le' };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { text: iconv.decode(buf.subarray(2), 'utf16be'), encoding: 'utf-16be' };
  if (buf.includes(0)) throw fail(file, `:byte ${buf.indexOf(0)}`, 'the file holds binary data (a NUL byte); export the list as CSV or XLSX');
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: spreadsheets saved by Chinese Excel are GBK/GB18030, a superset that decodes both.
    return { text: iconv.decode(buf, 'gb18030'), encoding: 'gb18030' };
  }
}

export async function readMemberFile(file: string, opts: { sheet?: string } = {}): Promise<MemberFile> {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (e) {
    throw fail(file, '', `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (buf.length === 0) throw fail(file, '', 'the file is empty');
  const isZip = buf[0] === 0x50 && buf[1] === 0x4b;
  if (isZip || path.extname(file).toLowerCase() === '.xlsx') {
    if (!isZip) throw fail(file, ':byte 0', 'not an XLSX workbook (no zip signature)');
    return readXlsx(file, buf, opts.sheet);
  }
  return readCsv(file, buf);
}

function readCsv(file: string, buf: Buffer): MemberFile {
  const { text, encoding } = decodeText(buf, file);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { info: true, relax_column_count: true, skip_empty_lines: true, bom: true, trim: false }) as never;
  } catch (e) {
    const err = e as { lines?: number; message: string };
    throw fail(file, err.lines ? `:${err.lines}` : '', `malformed CSV: ${err.message.replace(/^Invalid \w+ /, '')}`);
  }
  const [head, ...body] = records;
  if (!head) throw fail(file, '', 'the file has no header row');
  const headers = head.record.map((h) => h.trim());
  const dup = headers.find((h, i) => h && headers.indexOf(h) !== i);
  if (dup) throw fail(file, ':1', `the column "${dup}" appears twice`);
  const rows: ImportRow[] = body.map(({ record, info }) => ({
    line: info.lines,
    values: Object.fromEntries(headers.map((h, i) => [h, record[i] ?? ''])),
    ...(record.length > headers.length && record.slice(headers.length).some((v) => v.trim() !== '') ? { extra: record.length - headers.length } : {}),
  }));
  return { headers, rows, encoding };
}

async function readXlsx(file: string, buf: Buffer, sheetName?: string): Promise<MemberFile> {
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buf as never);
  } catch (e) {
    throw fail(file, '', `not a readable XLSX workbook (${(e as Error).message.slice(0, 120)})`);
  }
  const sheet = sheetName ? wb.getWorksheet(sheetName) : wb.worksheets[0];
  if (!sheet) throw fail(file, '', sheetName ? `no sheet named "${sheetName}"` : 'the workbook has no sheets');
  const cellText = (v: ExcelJS.CellValue): string => {
    if (v === null || v === undefined) return '';
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'object') {
      if ('text' in v && typeof v.text === 'string') return v.text;
      if ('richText' in v) return v.richText.map((r) => r.text).join('');
      if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
      return '';
    }
    return String(v);
  };
  const headerRow = sheet.getRow(1);
  const headers: string[] = [];
  headerRow.eachCell({ includeEmpty: true }, (cell, col) => (headers[col - 1] = cellText(cell.value).trim()));
  if (!headers.some(Boolean)) throw fail(file, `:${sheet.name}!1`, 'the first row (the header) is empty');
  const rows: ImportRow[] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const values: Record<string, string> = {};
    headers.forEach((h, i) => h && (values[h] = cellText(row.getCell(i + 1).value)));
    if (Object.values(values).some((v) => v.trim() !== '')) rows.push({ line: n, values });
  });
  return { headers: headers.filter(Boolean), rows };
}
