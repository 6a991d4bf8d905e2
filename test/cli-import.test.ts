// `shequn member import` / `shequn import members`: CSV and XLSX member lists through the real CLI, checked
// afterwards through the API on the same database. Fixtures are generated here into a temp folder.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { apiOn, cliEnv, runCli, runInProcess, type ApiOnDb } from './helpers/cli.ts';

// Each case spawns node + tsx (about a second, more on a busy machine): the projects' 5 s default is too short.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

let db: TestDatabase;
let t: ApiOnDb;
let dir: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  db = await createTestDatabase();
  t = await apiOn(db);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shequn-cli-import-'));
  env = cliEnv(db, { SHEQUN_LOG_LEVEL: 'warn' });
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const file = (name: string, body: string | Buffer) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, body);
  return f;
};
const search = async (q: string) => (await t.api.get(`/api/v1/members?${q}`)).body.items as any[];
const byName = async (name: string) => {
  const hits = (await search(`q=${encodeURIComponent(name)}`)).filter((m) => m.displayName === name);
  expect(hits, name).toHaveLength(1);
  return (await t.api.get(`/api/v1/members/${hits[0].id}`)).body;
};
const without = (c: object, ...keys: string[]) => Object.fromEntries(Object.entries(c).filter(([k]) => !keys.includes(k)));

const HEADER = '姓名,性别,出生年份,城市,职业,手机,邮箱,标签,圈层,阶段,来源,加入时间,微信号,QQ';
const MEMBERS = [
  HEADER,
  '张三丰,男,1985,上海,茶艺师,13812345678,zsf@example.com,VIP|茶友,新势力,促粉,公众号,2024-03-01,wx_zsf,10001',
  '李小龙,male,1990年,北京,,+86 139 1234 5678,LXL@Example.com,"茶友,学员",Opinion leaders,nurtured,朋友圈,2024/03/02 09:30,wx_lxl,',
  '王语嫣,女,,杭州,,,,,kin,Monetized,,2024年3月3日,wx_wyy,10003',
].join('\n');

describe('a valid list', () => {
  it('imports every row with the --json report as the last stdout line', async () => {
    const f = file('members.csv', `${MEMBERS}\n`);
    const r = await runCli(['member', 'import', f, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const report = r.json();
    expect(report).toMatchObject({
      format: 'members', groups: 0, members: 3, messages: 0, service_events: 0, skipped: 0,
      added: { groups: 0, members: 3, messages: 0, service_events: 0 },
    });
    expect(Object.keys(report).slice(0, 7)).toEqual(['format', 'groups', 'members', 'messages', 'service_events', 'skipped', 'added']);
    // With --json the human report goes to stderr, and stdout is only the JSON line.
    expect(r.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/members\.csv \(CSV, utf-8, comma-separated\): 3 rows, 3 people; added 3, updated 0, unchanged 0, skipped 0/);

    const zsf = await byName('张三丰');
    expect(zsf).toMatchObject({
      gender: 'male', birthYear: 1985, city: '上海', occupation: '茶艺师', phone: '13812345678', email: 'zsf@example.com', tags: ['VIP', '茶友'],
      circle: 'leader', stage: 'activated', sourceChannel: '公众号', joinedAt: '2024-02-29T16:00:00.000Z', // 2024-03-01 in Asia/Shanghai
    });
    expect(zsf.identities.map((i: any) => `${i.platform}:${i.externalId}`).sort()).toEqual(['qq:10001', 'wechat:wx_zsf']);
    const lxl = await byName('李小龙');
    expect(lxl).toMatchObject({ gender: 'male', birthYear: 1990, phone: '13912345678', email: 'lxl@example.com', tags: ['茶友', '学员'], circle: 'leader', stage: 'nurtured', joinedAt: '2024-03-02T01:30:00.000Z' });
    expect(lxl.identities.map((i: any) => `${i.platform}:${i.externalId}`)).toEqual(['wechat:wx_lxl']);
    expect(await byName('王语嫣')).toMatchObject({ gender: 'female', circle: 'kin', stage: 'monetized', joinedAt: '2024-03-02T16:00:00.000Z', phone: null, tags: [] });
    // Search postings were written: by phone prefix, last four digits and tag.
    expect((await search('q=1391234')).map((m) => m.displayName)).toEqual(['李小龙']);
    expect((await search('q=5678')).map((m) => m.displayName).sort()).toEqual(['张三丰', '李小龙']);
    expect((await search(`tag=${encodeURIComponent('茶友')}`)).map((m) => m.displayName).sort()).toEqual(['张三丰', '李小龙']);

    const audit = (await t.api.get('/api/v1/audit-log?action=member.import')).body.items;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: { type: 'cli', name: expect.stringMatching(/^cli:/) }, detail: { file: f, rows: 3, added: 3, updated: 0, skipped: 0 } });
  });

  it('adds nothing on a re-import, through either command name', async () => {
    const f = path.join(dir, 'members.csv');
    const before = await t.counts();
    const r = await runCli(['import', 'members', f, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ members: 3, skipped: 0, added: { members: 0 }, updated: 0, unchanged: 3 });
    const human = await runInProcess(['member', 'import', f], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/3 rows, 3 people; added 0, updated 0, unchanged 3, skipped 0\n$/);
    expect(human.stderr).toBe('');
    const after = await t.counts();
    expect(without(after, 'audit_log')).toEqual(without(before, 'audit_log'));
    expect(after.audit_log).toBe(before.audit_log + 2);
  });

  it('updates a known member matched by platform id, phone or e-mail: new fields, merged tags, new ids', async () => {
    const f = file('update.csv', [
      '姓名,城市,标签,微信号,手机,邮箱,Telegram',
      '张三丰,苏州,讲师,wx_zsf,,,@zsf', // by WeChat id
      '李小龙,,VIP,,13912345678,,', // by phone
      '王语嫣,,,,,,', // no id: a new person of the same name
    ].join('\n'));
    const r = await runInProcess(['member', 'import', f, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ members: 3, added: { members: 1 }, updated: 2, unchanged: 0, skipped: 0 });
    const zsf = await byName('张三丰');
    expect(zsf).toMatchObject({ city: '苏州', tags: ['VIP', '茶友', '讲师'], phone: '13812345678', stage: 'activated' });
    expect(zsf.identities.map((i: any) => `${i.platform}:${i.externalId}`).sort()).toEqual(['qq:10001', 'telegram:@zsf', 'wechat:wx_zsf']);
    expect((await byName('李小龙')).tags).toEqual(['茶友', '学员', 'VIP']);
    expect((await search(`tag=${encodeURIComponent('讲师')}`)).map((m) => m.displayName)).toEqual(['张三丰']);
    expect((await search(`q=${encodeURIComponent('王语嫣')}`))).toHaveLength(2);
  });
});

describe('bad rows', () => {
  const BAD = [
    '姓名,性别,出生年份,城市,手机,邮箱,圈层,阶段,加入时间,微信号', // 1
    '好人甲,男,1990,上海,13700000001,jia@example.com,大众,吸粉,2024-05-01,wx_jia', // 2 valid
    '坏性别,未知,,,,,,,,', // 3
    '坏圈层,,,,,,VIP,,,', // 4
    '坏阶段中文,,,,,,,沉睡,,', // 5
    '坏阶段英文,,,,,,,sleeping,,', // 6
    '坏日期,,,,,,,,2024-02-30,', // 7
    '坏日期二,,,,,,,,昨天,', // 8
    '坏手机,,,,call me,,,,,', // 9
    '坏邮箱,,,,,a@,,,,', // 10
    ',男,,北京,,,,,,', // 11 no name
    '多一列,男,,北京,,,,,,,extra', // 12
    '重复甲,女,,,137-0000-0001,,,,,', // 13 same phone as line 2
    '冒名者,,,,13912345678,,,,,wx_zsf', // 14 WeChat id of 张三丰, phone of 李小龙
    '好人乙,女,1995,"深圳,南山",,yi@example.com,商业,促粉,2024-05-02 10:00,wx_yi', // 15 valid
    '坏年份,,abc,,,,,,,', // 16
  ].join('\r\n');
  const expected: [number, RegExp][] = [
    [3, /:3: 性别: gender must be 男\/女\/其他 or male\/female\/other \(got "未知"\)/],
    [4, /:4: 圈层: circle must be one of leader, kin, media, public, business or 新势力\/亲友\/传播\/大众\/商业 \(got "VIP"\)/],
    [5, /:5: 阶段: stage must be one of acquired, nurtured, activated, monetized or 吸粉\/养粉\/促粉\/变现 \(got "沉睡"\)/],
    [6, /:6: 阶段: stage must be .* \(got "sleeping"\)/],
    [7, /:7: 加入时间: joined at must be a date such as 2024-03-01 .* \(got "2024-02-30"\)/],
    [8, /:8: 加入时间: joined at must be a date .* \(got "昨天"\)/],
    [9, /:9: 手机: digits, optionally with \+, spaces or dashes \(got "call me"\)/],
    [10, /:10: 邮箱: Invalid email address \(got "a@"\)/],
    [11, /:11: 姓名: the name is empty/],
    [12, /:12: row: 1 more field\(s\) than the header has columns/],
    [13, /:13: 手机: the same person as line 2 \(same phone 13700000001\)/],
    [14, /:14: 微信号: the wechat account wx_zsf already belongs to member 张三丰 \(mem_\w+\), but the phone 13912345678 belongs to 李小龙 \(mem_\w+\)/],
    [16, /:16: 出生年份: birth year must be a year such as 1990 \(got "abc"\)/],
  ];

  it('imports nothing and names every bad row as file:line with its reason (exit 2)', async () => {
    const f = file('bad.csv', BAD);
    const before = await t.counts();
    const r = await runCli(['member', 'import', f, '--json'], env);
    expect(r.code).toBe(2);
    for (const [, re] of expected) expect(r.stderr).toMatch(new RegExp(`${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${re.source}`));
    expect(r.stderr).toMatch(/shequn: 13 of 15 rows in .*bad\.csv are invalid; nothing was imported \(fix them, or use --partial to import the 2 valid rows\)\n$/);
    expect(r.json()).toMatchObject({ ok: false, members: 2, skipped: 13, added: { members: 0 } });
    expect(r.json().errors.map((e: any) => e.line)).toEqual(expected.map(([l]) => l));
    expect(await t.counts()).toEqual(before);
    expect(await search(`q=${encodeURIComponent('好人甲')}`)).toEqual([]);
  });

  it('with --partial imports exactly the valid rows and lists the skipped ones', async () => {
    const f = path.join(dir, 'bad.csv');
    const before = await t.counts();
    const r = await runCli(['import', 'members', f, '--partial', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ ok: true, members: 2, skipped: 13, added: { members: 2 }, updated: 0 });
    for (const [line] of expected) expect(r.stderr).toContain(`  skipped ${f}:${line}: `);
    const after = await t.counts();
    expect(after.members).toBe(before.members + 2);
    expect(after.identities).toBe(before.identities + 2);
    expect(await byName('好人甲')).toMatchObject({ city: '上海', circle: 'public', stage: 'acquired', phone: '13700000001' });
    expect(await byName('好人乙')).toMatchObject({ city: '深圳,南山', circle: 'business', stage: 'activated', joinedAt: '2024-05-02T02:00:00.000Z' });
    for (const name of ['坏性别', '冒名者', '多一列', '重复甲']) expect(await search(`q=${encodeURIComponent(name)}`), name).toEqual([]);
    // The conflicting row did not move the WeChat account.
    expect((await byName('张三丰')).identities.map((i: any) => i.externalId)).toContain('wx_zsf');
  });

  it('refuses a row that matches two stored members, or two rows that match one', async () => {
    const f = file('clash.csv', [
      '姓名,手机,邮箱,QQ',
      '张三,13812345678,lxl@example.com,', // phone of 张三丰, e-mail of 李小龙
      '三丰,,,10001', // 张三丰 by QQ …
      '张真人,,zsf@example.com,', // … and again by e-mail
      '王语嫣,,,10003', // QQ of 王语嫣: fine
    ].join('\n'));
    const before = await t.counts();
    const r = await runInProcess(['member', 'import', f], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/clash\.csv:2: 邮箱: the phone 13812345678 belongs to member 张三丰 \(mem_\w+\), but the e-mail lxl@example\.com belongs to 李小龙/);
    expect(r.stderr).toMatch(/clash\.csv:4: row: the same person as line 3 \(both match member 张三丰 \(mem_\w+\)\)/);
    expect(r.stderr).not.toMatch(/clash\.csv:[35]:/);
    expect(await t.counts()).toEqual(before);
  });
});

describe('files that cannot be read', () => {
  it('refuses each with file, line or byte offset and the reason, changing nothing (exit 2)', async () => {
    const zipLike = Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(60, 1)]);
    const cases: [string[], RegExp][] = [
      [[file('empty.csv', '')], /empty\.csv: the file is empty/],
      [[file('blank.csv', '\r\n\r\n')], /blank\.csv: the file has no header row/],
      [[file('cut.csv', `${HEADER}\n张三丰,男,1985,上海,"茶艺师,1381234`)], /cut\.csv:2: malformed CSV: a quote opened in this row is never closed/],
      [[file('quote.csv', `姓名,城市\n甲,上海\n乙,"北京"x\n`)], /quote\.csv:3: malformed CSV: text right after a closing quote/],
      [[file('noname.csv', '城市,手机\n上海,13800000000\n')], /noname\.csv:1: the header does not fit\n {2}.*noname\.csv:1 header: no name column .*columns: 城市, 手机/],
      [[file('twice.csv', '姓名,城市,城市\n')], /twice\.csv:1: the column "城市" appears twice/],
      [[file('same-field.csv', '姓名,手机,电话\n甲,1,2\n')], /same-field\.csv:1 header: the columns "手机" and "电话" all hold phone/],
      [[file('fake.xlsx', 'this is not a zip')], /fake\.xlsx:byte 0: not an XLSX workbook/],
      [[file('broken.xlsx', zipLike)], /broken\.xlsx: not a readable XLSX workbook/],
      [[file('old.xls', Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]))], /old\.xls:byte 0: an old Excel 97-2003 \(\.xls\) workbook/],
      [[path.join(dir, 'missing.csv')], /missing\.csv: cannot read the file \(ENOENT\)/],
      [[dir], /is a folder, not a file/],
      [[path.join(dir, 'members.csv'), '--map', 'Nickname=displayName'], /--map Nickname: no column named "Nickname"/],
      [[path.join(dir, 'members.csv'), '--map', '城市=hometown'], /--map 城市: unknown field "hometown"/],
      [[path.join(dir, 'members.csv'), '--sheet', 'x'], /--sheet only applies to XLSX/],
      [[path.join(dir, 'members.csv'), '--workspace', 'nosuch'], /No workspace with slug "nosuch"/],
    ];
    const before = await t.counts();
    for (const [args, message] of cases) {
      const r = await runInProcess(['member', 'import', ...args, '--json'], env);
      expect(r.code, args[0]).toBe(2);
      expect(r.stderr, args[0]).toMatch(message);
      expect(r.stderr, args[0]).not.toMatch(/\n\s+at /);
      expect(r.stdout, args[0]).toBe('');
    }
    // One through the real binary: a binary file, reported with the byte offset of its first NUL.
    const bin = file('photo.csv', Buffer.from([0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x00, 0x01, 0x02, 0x00, 0x00, 0x03, 0xff]));
    const r = await runCli(['member', 'import', bin], env);
    expect([r.code, r.stdout]).toEqual([2, '']);
    expect(r.stderr).toBe(`shequn: ${bin}:byte 6: the file holds binary data (a NUL byte); export the list as CSV or XLSX\n`);
    expect(await t.counts()).toEqual(before);
  });
});

describe('encodings and XLSX', () => {
  const LIST = '姓名,城市,手机,标签\n欧阳锋,西域,13600000001,"五绝,白驼山"\n黄药师,桃花岛,13600000002,五绝\n';

  it('reads GB18030/GBK (Chinese Excel), UTF-8 with BOM, UTF-16 and tab-separated UTF-16 "Unicode text"', async () => {
    const gbk = file('gbk.csv', iconv.encode(LIST, 'gb18030'));
    const r = await runCli(['member', 'import', gbk, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ added: { members: 2 }, encoding: 'gb18030' });
    expect(await byName('欧阳锋')).toMatchObject({ city: '西域', tags: ['五绝', '白驼山'] });

    const variants: [string, Buffer, string][] = [
      ['bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(LIST.replace(/欧阳锋/, '洪七公').replace(/黄药师/, '一灯').replace(/1360000000/g, '1350000000'))]), 'utf-8-bom'],
      ['utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode(LIST.replace(/欧阳锋/, '周伯通').replace(/黄药师/, '郭靖').replace(/1360000000/g, '1340000000'), 'utf16le')]), 'utf-16le'],
      ['unicode.txt', Buffer.concat([Buffer.from([0xff, 0xfe]), iconv.encode('姓名\t城市\t标签\r\n黄蓉\t桃花岛\t丐帮,帮主\r\n', 'utf16le')]), 'utf-16le'],
      ['utf16be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), iconv.encode('姓名,城市\n穆念慈,临安\n', 'utf16be')]), 'utf-16be'],
    ];
    for (const [name, body, encoding] of variants) {
      const res = await runInProcess(['member', 'import', file(name, body), '--json'], env);
      expect(res.code, `${name}: ${res.stderr}`).toBe(0);
      expect(res.json(), name).toMatchObject({ encoding, skipped: 0 });
    }
    expect(await byName('洪七公')).toMatchObject({ city: '西域', phone: '13500000001' });
    expect(await byName('郭靖')).toMatchObject({ city: '桃花岛', phone: '13400000002', tags: ['五绝'] });
    expect(await byName('黄蓉')).toMatchObject({ city: '桃花岛', tags: ['丐帮', '帮主'] });
    expect(await byName('穆念慈')).toMatchObject({ city: '临安' });
  });

  it('imports an XLSX sheet with a column mapping; a bad row is reported as file:row', async () => {
    const wb = new ExcelJS.Workbook();
    const s = wb.addWorksheet('会员');
    s.addRow(['Full Name', 'Mobile', 'WeChat ID', 'Joined', 'Born', 'Sex', 'Note']);
    s.addRow(['令狐冲', 13300000001, 'wx_lhc', new Date(Date.UTC(2024, 5, 1)), 1990, 'M', '华山']);
    s.addRow(['任盈盈', '133-0000-0002', 'wx_ryy', new Date(Date.UTC(2024, 5, 2, 20, 15)), null, 'F', { richText: [{ text: '日月' }, { text: '神教' }] }]);
    const bad = wb.addWorksheet('bad');
    bad.addRow(['Full Name', 'Sex']);
    bad.addRow(['岳不群', 'M']);
    bad.addRow(['林平之', 'unknown']);
    const f = path.join(dir, 'list.xlsx');
    await wb.xlsx.writeFile(f);
    const map = ['--map', 'Full Name=displayName', '--map', 'Mobile=phone,WeChat ID=wechat,Joined=joinedAt,Born=birthYear,Sex=gender,Note=ignore'];
    const r = await runCli(['member', 'import', f, ...map, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ fileFormat: 'xlsx', sheet: '会员', members: 2, added: { members: 2 }, skipped: 0 });
    const lhc = await byName('令狐冲');
    expect(lhc).toMatchObject({ phone: '13300000001', birthYear: 1990, gender: 'male', joinedAt: '2024-05-31T16:00:00.000Z' });
    expect(lhc.identities.map((i: any) => `${i.platform}:${i.externalId}`)).toEqual(['wechat:wx_lhc']);
    expect(await byName('任盈盈')).toMatchObject({ phone: '133-0000-0002'.replace(/-/g, ''), gender: 'female', joinedAt: '2024-06-02T12:15:00.000Z' });

    const before = await t.counts();
    const b = await runInProcess(['member', 'import', f, '--sheet', 'bad', '--map', 'Full Name=name,Sex=gender'], env);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain(`${f}:3: Sex: gender must be 男/女/其他 or male/female/other (got "unknown")`);
    expect(await t.counts()).toEqual(before);
  });
});

describe('a larger list', () => {
  it('imports 6,000 rows in one go and re-imports them as unchanged', async () => {
    const lines = ['姓名,手机,微信号,城市,标签,加入时间'];
    for (let i = 0; i < 6000; i++) lines.push(`会员${i},1${String(5000000000 + i * 7)},wxid_${i.toString(36)},${['上海', '北京', '深圳'][i % 3]},批量|T${i % 10},2024-01-${String((i % 28) + 1).padStart(2, '0')}`);
    const f = file('bulk.csv', `${lines.join('\n')}\n`);
    const before = await t.counts();
    const r = await runCli(['member', 'import', f, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.json()).toMatchObject({ rows: 6000, members: 6000, skipped: 0, added: { members: 6000 } });
    const mid = await t.counts();
    expect(mid.members - before.members).toBe(6000);
    expect(mid.identities - before.identities).toBe(6000);
    expect((await search('q=%E4%BC%9A%E5%91%985999')).map((m) => m.displayName)).toEqual(['会员5999']);
    const again = await runInProcess(['member', 'import', f, '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json()).toMatchObject({ members: 6000, added: { members: 0 }, updated: 0, unchanged: 6000 });
    expect(without(await t.counts(), 'audit_log')).toEqual(without(mid, 'audit_log'));
  }, 120_000);
});
