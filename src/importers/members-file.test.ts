import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, describe, expect, it } from 'vitest';
import { ShequnError } from '../kernel/errors.ts';
import { decodeText, detectDelimiter, readMemberFile } from './members-file.ts';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shequn-members-file-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, body: string | Buffer) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, body);
  return f;
};
const failure = async (p: Promise<unknown>) => {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(ShequnError);
  return e as ShequnError;
};

const TEXT = '姓名,城市\n张三,上海\n"李,四",北京\n';

describe('decodeText', () => {
  it.each([
    ['utf-8', Buffer.from(TEXT, 'utf8')],
    ['utf-8-bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, 'utf8')])],
    ['utf-16le', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(TEXT, 'utf16le')])],
    ['utf-16be', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode(TEXT, 'utf16be')])],
    ['gb18030', iconv.encode(TEXT, 'gb18030')],
    ['gb18030', iconv.encode(TEXT, 'gbk')],
  ])('reads %s', (encoding, buf) => {
    expect(decodeText(buf, 'f.csv')).toEqual({ text: TEXT, encoding });
  });

  it('reads UTF-16 without a BOM', () => {
    expect(decodeText(iconv.encode('name,city\nann,Paris\n', 'utf16le'), 'f.csv')).toEqual({ text: 'name,city\nann,Paris\n', encoding: 'utf-16le' });
    expect(decodeText(iconv.encode('name,city\nann,Paris\n', 'utf16be'), 'f.csv').encoding).toBe('utf-16be');
  });

  it('refuses binary data and old .xls workbooks with the byte offset', () => {
    expect(() => decodeText(Buffer.from([0x61, 0x62, 0x00, 0x01, 0x02, 0x03, 0x04]), 'f.csv')).toThrow(/f\.csv:byte 2: .*binary/);
    expect(() => decodeText(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'f.csv')).toThrow(/f\.csv:byte 0: .*\.xls/);
  });
});

describe('detectDelimiter', () => {
  it.each([
    ['name,city\n', ','],
    ['name\tcity\tnote,with comma\n', '\t'],
    ['name;city;tags\n', ';'],
    ['"a,b";c;d\nx,y,z,w\n', ';'],
    ['name\n', ','],
  ])('%j → %j', (text, d) => expect(detectDelimiter(text)).toBe(d));
});

describe('readMemberFile (CSV)', () => {
  it('reads rows with the line each starts on, across quoted line breaks and blank lines', async () => {
    const f = write('multi.csv', 'name,note\r\n\r\nann,"line 1\r\nline 2"\r\nbob,x\r\n,\r\ncat,y');
    const r = await readMemberFile(f);
    expect(r.headers).toEqual(['name', 'note']);
    expect(r.rows.map((x) => [x.line, x.values.name, x.values.note])).toEqual([
      [3, 'ann', 'line 1\r\nline 2'],
      [5, 'bob', 'x'],
      [7, 'cat', 'y'],
    ]);
    expect(r).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter: ',', headerLine: 1 });
  });

  it('flags a row with more fields than the header, fills a short row with empty values', async () => {
    const r = await readMemberFile(write('count.csv', 'name,city\nann,Paris,extra,more\nbob\ncat,Rome,\n'));
    expect(r.rows).toEqual([
      { line: 2, values: { name: 'ann', city: 'Paris' }, extra: 2 },
      { line: 3, values: { name: 'bob', city: '' } },
      { line: 4, values: { name: 'cat', city: 'Rome' } },
    ]);
  });

  it('reads an Excel "Unicode text" file (UTF-16, tab-separated)', async () => {
    const f = write('unicode.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('姓名\t城市\r\n王五\t广州\r\n', 'utf16le')]));
    const r = await readMemberFile(f);
    expect(r).toMatchObject({ headers: ['姓名', '城市'], delimiter: '\t', encoding: 'utf-16le' });
    expect(r.rows[0]!.values).toEqual({ 姓名: '王五', 城市: '广州' });
  });

  it.each([
    ['empty.csv', '', /empty\.csv: the file is empty/],
    ['blank.csv', '\n\n', /blank\.csv: the file has no header row/],
    ['unclosed.csv', 'name,city\r\nann,Paris\r\n\r\n"bob,Rome\r\ncat,Oslo\r\n', /unclosed\.csv:4: malformed CSV: a quote opened in this row is never closed/],
    ['stray.csv', 'name,city\r\n\r\nbob,Rome\r\nann,Pa"ris\r\n', /stray\.csv:4: malformed CSV: a quote in the middle of a value \(field 1, value is "Pa"\)/],
    ['twice.csv', 'name,city,name\n', /twice\.csv:1: the column "name" appears twice/],
    ['fake.xlsx', 'name,city\n', /fake\.xlsx:byte 0: not an XLSX workbook/],
  ])('refuses %s', async (name, body, message) => {
    const e = await failure(readMemberFile(write(name, body)));
    expect(e.code).toBe('import.failed');
    expect(e.message).toMatch(message);
  });

  it('refuses a missing file, a folder and --sheet on a CSV', async () => {
    expect((await failure(readMemberFile(path.join(dir, 'nope.csv')))).message).toMatch(/nope\.csv: cannot read the file \(ENOENT\)/);
    expect((await failure(readMemberFile(dir))).message).toMatch(/is a folder/);
    expect((await failure(readMemberFile(write('s.csv', 'name\nann\n'), { sheet: 'x' }))).message).toMatch(/--sheet only applies to XLSX/);
  });
});

describe('readMemberFile (XLSX)', () => {
  it('reads the first sheet or a named one, with dates as the wall-clock reading and numbers as text', async () => {
    const wb = new ExcelJS.Workbook();
    const a = wb.addWorksheet('名单');
    a.addRow([]);
    a.addRow(['姓名', '手机', '加入时间', '', '备注']);
    a.addRow(['张三', 13812345678, new Date(Date.UTC(2024, 2, 1)), 'no header', { richText: [{ text: 'V' }, { text: 'IP' }] }]);
    a.addRow([]);
    a.addRow(['李四', { formula: '1+1', result: 2 }, new Date(Date.UTC(2024, 2, 1, 9, 30)), null, { text: 'site', hyperlink: 'https://example.com' }]);
    wb.addWorksheet('second').addRow(['name']);
    const f = path.join(dir, 'list.xlsx');
    await wb.xlsx.writeFile(f);
    const r = await readMemberFile(f);
    expect(r).toMatchObject({ format: 'xlsx', sheet: '名单', headerLine: 2, headers: ['姓名', '手机', '加入时间', '备注'] });
    expect(r.rows).toEqual([
      { line: 3, values: { 姓名: '张三', 手机: '13812345678', 加入时间: '2024-03-01', 备注: 'VIP' } },
      { line: 5, values: { 姓名: '李四', 手机: '2', 加入时间: '2024-03-01 09:30:00', 备注: 'site' } },
    ]);
    expect((await readMemberFile(f, { sheet: 'second' })).headers).toEqual(['name']);
    expect((await failure(readMemberFile(f, { sheet: 'third' }))).message).toMatch(/no sheet named "third" \(sheets: 名单, second\)/);
  });

  it('refuses a zip that is not a workbook', async () => {
    // A zip holding one empty stored file: PK\3\4 local header, central directory, end record.
    const name = Buffer.from('a.txt');
    const local = Buffer.concat([Buffer.from([0x50, 0x4b, 3, 4, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, name.length, 0, 0, 0]), name]);
    const central = Buffer.concat([Buffer.from([0x50, 0x4b, 1, 2, 20, 0, 10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, name.length, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), name]);
    const end = Buffer.from([0x50, 0x4b, 5, 6, 0, 0, 0, 0, 1, 0, 1, 0, central.length, 0, 0, 0, local.length, 0, 0, 0, 0, 0]);
    const e = await failure(readMemberFile(write('other.xlsx', Buffer.concat([local, central, end]))));
    expect(e.message).toMatch(/other\.xlsx: (not a readable XLSX workbook|the workbook has no sheets)/);
  });
});

describe('malformed CSV reasons', () => {
  it('names the line and the problem of a stray closing quote', async () => {
    const e = await failure(readMemberFile(write('closing.csv', 'name,city\nann,Paris\n"bob"x,Rome\n')));
    expect(e.message).toMatch(/closing\.csv:3: malformed CSV: text right after a closing quote \(got "x"\)/);
  });
});
