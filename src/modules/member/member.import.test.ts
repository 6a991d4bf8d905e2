import { describe, expect, it } from 'vitest';
import { IMPORT_FIELDS } from '../../cli/commands/import.ts';
import { parseMapping } from '../../cli/run/import.ts';
import { csvSafe, headerFooterText } from './member.export.ts';
import { importableFields, resolveColumns } from './member.import.ts';

describe('resolveColumns', () => {
  it('maps known Chinese and English headers by themselves', () => {
    const { columns, errors } = resolveColumns(['姓名', '性别', 'Mobile', 'E-mail', '微信号', 'QQ号', 'Joined At', '备注']);
    expect(errors).toEqual([]);
    expect(Object.fromEntries(columns)).toEqual({
      姓名: 'displayName', 性别: 'gender', Mobile: 'phone', 'E-mail': 'email', 微信号: 'identity.wechat', QQ号: 'identity.qq', 'Joined At': 'joinedAt',
    });
  });

  it('applies --map by exact or loose column name, with field aliases and ignore', () => {
    const { columns, errors } = resolveColumns(['Full Name', 'Cell', 'WX', '姓名'], { 'full name': 'displayName', Cell: 'mobile', WX: 'wechat', 姓名: 'ignore' });
    expect(errors).toEqual([]);
    expect(Object.fromEntries(columns)).toEqual({ 'Full Name': 'displayName', Cell: 'phone', WX: 'identity.wechat' });
  });

  it('reports a missing name column, unknown columns and fields, and two columns for one field', () => {
    expect(resolveColumns(['a', 'b']).errors.map((e) => e.reason)).toEqual([expect.stringMatching(/^no name column .*columns: a, b$/)]);
    const { errors } = resolveColumns(['姓名', '手机', '电话'], { nope: 'phone', 姓名: 'colour' });
    expect(errors).toEqual([
      { field: '--map nope', reason: expect.stringMatching(/^no column named "nope"/) },
      { field: '--map 姓名', reason: expect.stringMatching(/^unknown field "colour"/) },
      { field: 'header', reason: expect.stringMatching(/"手机" and "电话" all hold phone; keep one \(e\.g\. --map "电话=ignore"\)/) },
    ]);
    // Two platform-id columns are fine: a member may have two accounts.
    expect(resolveColumns(['name', 'wechat', '微信号']).errors).toEqual([]);
  });

  it('lists the same fields as the CLI help', () => {
    expect([...IMPORT_FIELDS].sort()).toEqual([...importableFields].sort());
  });
});

describe('parseMapping', () => {
  it('reads repeated and comma-separated pairs', () => {
    expect(parseMapping(['Full Name=displayName,Cell=phone', 'a=b=wechat'])).toEqual({ 'Full Name': 'displayName', Cell: 'phone', 'a=b': 'wechat' });
  });
  it.each(['nofield', '=phone', 'Cell='])('refuses %j', (pair) => {
    expect(() => parseMapping([pair])).toThrow(/Invalid options/);
  });
});

describe('csvSafe', () => {
  it.each([
    ['=HYPERLINK("http://evil")', `'=HYPERLINK("http://evil")`],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['+cmd|x', "'+cmd|x"],
    ['-2+3', "'-2+3"],
    ['\tx', "'\tx"],
    ['+86 138 1234 5678', '+86 138 1234 5678'],
    ['-5', '-5'],
    ['张三', '张三'],
    ['', ''],
  ])('%j → %j', (a, b) => expect(csvSafe(a)).toBe(b));
});

describe('headerFooterText', () => {
  it('doubles & and stays within the limit', () => {
    expect(headerFooterText('A&B', 250)).toBe('A&&B');
    const long = headerFooterText('&'.repeat(300), 250);
    expect(long.length).toBeLessThanOrEqual(250);
    expect(long.endsWith('&&…')).toBe(true);
    expect(headerFooterText('x'.repeat(600), 240)).toHaveLength(240);
  });
});
