// Reads a member list (CSV in UTF-8/UTF-8 BOM/UTF-16/GB18030, comma-, tab- or semicolon-separated; or XLSX)
// into header + rows with line numbers. Whole-file problems (unreadable, empty, binary, malformed CSV) throw
// an `import.failed` error naming the file and the line or byte offset; row problems are left to the importer.
import fs from 'node:fs';
import path from 'node:path';
import { parse, type Options } from 'csv-parse/sync';
import type ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { ShequnError } from '../kernel/errors.ts';
import { wallClockText } from '../kernel/time.ts';
import type { ImportRow } from '../modules/member/index.ts';

export interface MemberFile {
  headers: string[];
  rows: ImportRow[];
  /** csv or xlsx */
  format: 'csv' | 'xlsx';
  /** The line (row) the header is on. */
  headerLine: number;
  /** The text encoding of a CSV file. */
  encoding?: string;
  /** The field separator of a CSV file. */
  delimiter?: string;
  /** The sheet an XLSX file was read from. */
  sheet?: string;
}

const fail = (file: string, where: string, reason: string) =>
  new ShequnError('import.failed', `${file}${where}: ${reason}`, { file }, [{ field: `${file}${where}`, reason }]);

/** UTF-16 without a BOM: mostly ASCII text has a NUL in every other byte. */
function utf16WithoutBom(buf: Buffer): 'utf16le' | 'utf16be' | undefined {
  if (buf.length % 2 !== 0 || buf.length < 4) return undefined;
  const n = Math.min(buf.length, 4096);
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < n; i += 2) {
    if (buf[i] === 0) evenNul++;
    if (buf[i + 1] === 0) oddNul++;
  }
  const pairs = n / 2;
  if (oddNul > pairs * 0.3 && evenNul === 0) return 'utf16le';
  if (evenNul > pairs * 0.3 && oddNul === 0) return 'utf16be';
  return undefined;
}

export function decodeText(buf: Buffer, file: string): { text: string; encoding: string } {
  if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return { text: buf.subarray(3).toString('utf8'), encoding: 'utf-8-bom' };
  if (buf[0] === 0xff && buf[1] === 0xfe) return { text: iconv.decode(buf.subarray(2), 'utf16le'), encoding: 'utf-16le' };
  if (buf[0] === 0xfe && buf[1] === 0xff) return { text: iconv.decode(buf.subarray(2), 'utf16be'), encoding: 'utf-16be' };
  if (buf[0] === 0xd0 && buf[1] === 0xcf && buf[2] === 0x11 && buf[3] === 0xe0) {
    throw fail(file, ':byte 0', 'an old Excel 97-2003 (.xls) workbook; save it as .xlsx or CSV');
  }
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    const u16 = utf16WithoutBom(buf);
    const text = u16 && iconv.decode(buf, u16);
    // Only when it decodes to plain text: control characters or broken pairs mean binary after all.
    if (text && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffd]/.test(text)) return { text, encoding: u16 === 'utf16le' ? 'utf-16le' : 'utf-16be' };
    throw fail(file, `:byte ${nul}`, 'the file holds binary data (a NUL byte); export the list as CSV or XLSX');
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(buf), encoding: 'utf-8' };
  } catch {
    // Not UTF-8: spreadsheets saved by Chinese Excel are GBK/GB18030 (a superset that decodes both).
    const text = iconv.decode(buf, 'gb18030');
    const bad = text.indexOf('\uFFFD');
    if (bad >= 0) {
      const offset = Buffer.byteLength(iconv.encode(text.slice(0, bad), 'gb18030'));
      throw fail(file, `:byte ${offset}`, 'the text is neither UTF-8, UTF-16 nor GB18030/GBK; save the list as "CSV UTF-8"');
    }
    return { text, encoding: 'gb18030' };
  }
}

export async function readMemberFile(file: string, opts: { sheet?: string } = {}): Promise<MemberFile> {
  let buf: Buffer;
  try {
    if (fs.statSync(file).isDirectory()) throw fail(file, '', 'is a folder, not a file');
    buf = fs.readFileSync(file);
  } catch (e) {
    if (e instanceof ShequnError) throw e;
    throw fail(file, '', `cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  return parseTableFile(file, buf, opts);
}

/** The same, for a file already in memory (an upload); `file` names it in errors. */
export async function parseTableFile(file: string, buf: Buffer, opts: { sheet?: string } = {}): Promise<MemberFile> {
  if (buf.length === 0) throw fail(file, '', 'the file is empty');
  const isZip = buf[0] === 0x50 && buf[1] === 0x4b && buf[2] === 0x03 && buf[3] === 0x04;
  if (isZip || path.extname(file).toLowerCase() === '.xlsx') {
    if (!isZip) throw fail(file, ':byte 0', 'not an XLSX workbook (an .xlsx file is a zip archive and this one has no zip signature)');
    return readXlsx(file, buf, opts.sheet);
  }
  if (opts.sheet) throw fail(file, '', '--sheet only applies to XLSX workbooks');
  return readCsv(file, buf);
}

/** The separator the header line uses most: comma, tab (Excel's "Unicode text") or semicolon. */
export function detectDelimiter(text: string): string {
  const counts: Record<string, number> = { ',': 0, '\t': 0, ';': 0 };
  let quoted = false;
  for (const ch of text.slice(0, 64 * 1024)) {
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && ch in counts) counts[ch]!++;
  }
  return Object.entries(counts).reduce((best, cur) => (cur[1] > best[1] ? cur : best))[0];
}

/**
 * Line numbers from byte offsets: csv-parse's own `lines` drifts when blank CRLF lines are skipped and
 * counts a quoted multi-line record at its end, while an operator looks for the line a row starts on.
 */
class LineCounter {
  private pos = 0;
  private line = 1;
  constructor(private readonly buf: Buffer) {}

  /** Moves to byte `to`, counting line feeds on the way. */
  advance(to: number): void {
    for (let i = this.buf.indexOf(0x0a, this.pos); i !== -1 && i < to; i = this.buf.indexOf(0x0a, i + 1)) this.line++;
    this.pos = Math.max(this.pos, to);
  }

  /** The line of the next record that starts at or after the current position (blank lines skipped). */
  nextRecordLine(): number {
    while (this.pos < this.buf.length && (this.buf[this.pos] === 0x0d || this.buf[this.pos] === 0x0a)) {
      if (this.buf[this.pos] === 0x0a) this.line++;
      this.pos++;
    }
    return this.line;
  }
}

function readCsv(file: string, raw: Buffer): MemberFile {
  const { text, encoding } = decodeText(raw, file);
  const delimiter = detectDelimiter(text);
  const buf = Buffer.from(text, 'utf8');
  let lastEnd = 0;
  let records: { record: string[]; info: { bytes: number } }[];
  try {
    records = parse(buf, {
      info: true, delimiter, relax_column_count: true, skip_empty_lines: true, bom: true, trim: false,
      on_record: (r: string[], ctx: { bytes: number }) => ((lastEnd = ctx.bytes), r),
    } as Options) as never;
  } catch (e) {
    const err = e as { code?: string; bytes?: number; message: string };
    const lines = new LineCounter(buf);
    let line: number;
    if (err.code === 'CSV_QUOTE_NOT_CLOSED' || err.bytes === undefined) {
      // The input ended inside quotes: the quote opened in the record after the last complete one.
      lines.advance(lastEnd);
      line = lines.nextRecordLine();
    } else {
      lines.advance(Math.max(0, err.bytes - 1));
      line = lines.nextRecordLine();
    }
    const quoteFix = 'write a quote inside a value as "" and quote the whole value';
    const reason =
      err.code === 'CSV_QUOTE_NOT_CLOSED' ? 'a quote opened in this row is never closed (the file may be cut short)'
      : err.code === 'INVALID_OPENING_QUOTE' ? `a quote in the middle of a value (${err.message.replace(/^.*?(field \d+).*?(value is .*)$/, '$1, $2')}); ${quoteFix}`
      : err.code === 'CSV_INVALID_CLOSING_QUOTE' ? `text right after a closing quote (${err.message.replace(/^.*?(got "[^"]*").*$/, '$1')}); ${quoteFix}`
      : err.message.replace(/ at line \d+/, '');
    throw fail(file, `:${line}`, `malformed CSV: ${reason}`);
  }
  const lines = new LineCounter(buf);
  const startLine = (r: (typeof records)[number]) => {
    const line = lines.nextRecordLine();
    lines.advance(r.info.bytes);
    return line;
  };
  const [head, ...body] = records;
  if (!head || head.record.every((h) => h.trim() === '')) throw fail(file, '', 'the file has no header row');
  const headLine = startLine(head);
  const headers = head.record.map((h) => h.trim());
  const dup = headers.find((h, i) => h && headers.indexOf(h) !== i);
  if (dup) throw fail(file, `:${headLine}`, `the column "${dup}" appears twice`);
  const rows: ImportRow[] = [];
  for (const r of body) {
    const line = startLine(r);
    const { record } = r;
    if (record.every((v) => v.trim() === '')) continue;
    const values: Record<string, string> = {};
    for (let i = 0; i < headers.length; i++) if (headers[i]) values[headers[i]!] = record[i] ?? '';
    const extra = record.length > headers.length ? record.slice(headers.length).filter((v) => v.trim() !== '').length : 0;
    rows.push(extra ? { line, values, extra } : { line, values });
  }
  return { headers: headers.filter(Boolean), rows, format: 'csv', headerLine: headLine, encoding, delimiter };
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : wallClockText(v);
  if (typeof v === 'object') {
    if ('richText' in v && Array.isArray(v.richText)) return v.richText.map((r) => r.text).join('');
    if ('text' in v && typeof v.text === 'string') return v.text;
    if ('text' in v && v.text && typeof v.text === 'object') return cellText(v.text as ExcelJS.CellValue);
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    return '';
  }
  return String(v);
}

async function readXlsx(file: string, buf: Buffer, sheetName?: string): Promise<MemberFile> {
  // exceljs takes a good half second to load: only XLSX files pay for it.
  const { default: Excel } = await import('exceljs');
  const wb = new Excel.Workbook();
  try {
    await wb.xlsx.load(buf as never);
  } catch (e) {
    throw fail(file, '', `not a readable XLSX workbook (${(e as Error).message.slice(0, 120)})`);
  }
  const sheet = sheetName ? wb.getWorksheet(sheetName) : wb.worksheets[0];
  if (!sheet) {
    throw fail(file, '', sheetName ? `no sheet named "${sheetName}" (sheets: ${wb.worksheets.map((s) => s.name).join(', ')})` : 'the workbook has no sheets');
  }
  // The header is the first row with any text in it (blank rows above it are skipped).
  let headerRowNo = 0;
  const headers: string[] = [];
  sheet.eachRow((row, n) => {
    if (headerRowNo) return;
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => (cells[col - 1] = cellText(cell.value).trim()));
    if (cells.some(Boolean)) {
      headerRowNo = n;
      for (let i = 0; i < cells.length; i++) headers[i] = cells[i] ?? '';
    }
  });
  if (!headerRowNo) throw fail(file, '', `the sheet "${sheet.name}" is empty`);
  const dup = headers.find((h, i) => h && headers.indexOf(h) !== i);
  if (dup) throw fail(file, `:${headerRowNo}`, `the column "${dup}" appears twice`);
  const rows: ImportRow[] = [];
  sheet.eachRow((row, n) => {
    if (n <= headerRowNo) return;
    const values: Record<string, string> = {};
    let any = false;
    headers.forEach((h, i) => {
      if (!h) return;
      const t = cellText(row.getCell(i + 1).value);
      values[h] = t;
      if (t.trim() !== '') any = true;
    });
    if (any) rows.push({ line: n, values });
  });
  return { headers: headers.filter(Boolean), rows, format: 'xlsx', headerLine: headerRowNo, sheet: sheet.name };
}
