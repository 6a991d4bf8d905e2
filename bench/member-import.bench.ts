// member-import: 100,000 CSV rows through the real `shequn member import`, beside the floor of csv-parse plus
// raw prepared inserts of the same rows (members, identities, search postings) into the same schema.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { migrateToLatest, openDatabase } from '../src/kernel/db/connect.ts';
import { memberTerms, normalizePhone, phoneLast4 } from '../src/modules/member/index.ts';
import { log, now, prng, report, scratchDir, scratchPg } from './lib.ts';
import type { Bench } from './registry.ts';

const ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鹏辉宇浩凯健俊帆帅旭宁龙林欣悦晨雨思涵梓萱子轩一诺欣怡';
const CITIES = ['上海', '北京', '深圳', '广州', '成都', '重庆', '杭州', '武汉', '西安', '南京', '天津', '苏州', '长沙', '郑州', '东莞', '青岛', '沈阳', '宁波', '昆明', '合肥'];
const TAGS = ['VIP', '老客户', '茶友', '学员', '讲师', '团长', '同城', '潜在客户', '活跃', '沉默'];
const JOBS = ['产品经理', '设计师', '教师', '工程师', '销售', '运营', '自由职业', '学生', '医生', '律师'];

export function writeMembersCsv(file: string, rows: number, seed = 42): void {
  const r = prng(seed);
  const pick = <T>(xs: ArrayLike<T>) => xs[Math.floor(r() * xs.length)]!;
  const lines = ['姓名,性别,出生年份,城市,职业,手机,邮箱,标签,圈层,阶段,来源,加入时间,微信号'];
  for (let i = 0; i < rows; i++) {
    const name = pick(SURNAMES) + pick(GIVEN) + (r() < 0.6 ? pick(GIVEN) : '');
    const phone = `1${pick('3456789')}${String(100_000_000 + i * 7 + Math.floor(r() * 7)).slice(-9)}`;
    const tags = [pick(TAGS), pick(TAGS)].filter((t, j, a) => a.indexOf(t) === j).join('|');
    const d = new Date(Date.UTC(2024, 0, 1) + Math.floor(r() * 700 * 86_400_000)).toISOString().slice(0, 10);
    lines.push([name, pick(['男', '女']), 1960 + Math.floor(r() * 45), pick(CITIES), pick(JOBS), phone, r() < 0.3 ? `u${i}@example.com` : '', tags,
      pick(['新势力', '亲友', '传播', '大众', '商业']), pick(['吸粉', '养粉', '促粉', '变现']), pick(['公众号', '朋友圈', '线下活动', '转介绍']), d, `wxid_${i.toString(36)}`].join(','));
  }
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

function runCli(file: string, env: Record<string, string>): { seconds: number; added: number } {
  const t0 = now();
  const r = spawnSync(process.execPath, ['bin/shequn.js', 'member', 'import', file, '--json'], { env: { ...process.env, ...env, SHEQUN_LOG_LEVEL: 'error' }, encoding: 'utf8', maxBuffer: 64 << 20 });
  const seconds = (now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`shequn member import failed (${r.status}): ${r.stderr.slice(0, 2000)}`);
  const last = r.stdout.trim().split('\n').pop()!;
  return { seconds, added: JSON.parse(last).added.members };
}

interface FloorRow { member: unknown[]; identity: unknown[]; terms: string[]; joinedAt: number; id: string }

function floorRows(file: string, wsId: string): FloorRow[] {
  const [, ...records] = parse(fs.readFileSync(file, 'utf8'), {}) as string[][];
  const now = Date.now();
  return records.map((c, i) => {
    const id = `mem_floor${i}`;
    const phone = normalizePhone(c[5]!);
    const joinedAt = Date.parse(`${c[11]}T00:00:00+08:00`);
    const tags = c[7]!.split('|');
    return {
      id, joinedAt,
      member: [id, wsId, c[0], c[1] === '男' ? 'male' : 'female', Number(c[2]), c[3], c[4], '[]', phone, phoneLast4(phone), c[6] || null, JSON.stringify(tags), 'public', 'acquired', c[10], '[]', '{}', joinedAt, now, now],
      identity: [`idn_floor${i}`, wsId, id, 'wechat', c[12], null, now],
      terms: memberTerms({ displayName: c[0]!, phone, tags, handles: [], groupIds: [] }),
    };
  });
}

const MEMBER_SQL = (p: (i: number) => string) =>
  `INSERT INTO members (id, workspace_id, display_name, gender, birth_year, city, occupation, skills, phone, phone_last4, email, tags, circle, stage, source_channel, stage_history, consent, joined_at, created_at, updated_at) VALUES (${Array.from({ length: 20 }, (_, i) => p(i + 1)).join(',')})`;
const IDENTITY_SQL = (p: (i: number) => string) => `INSERT INTO identities (id, workspace_id, member_id, platform, external_id, handle, created_at) VALUES (${Array.from({ length: 7 }, (_, i) => p(i + 1)).join(',')})`;
const TERM_SQL = (p: (i: number) => string) => `INSERT INTO member_terms (workspace_id, term, joined_at, member_id) VALUES (${p(1)},${p(2)},${p(3)},${p(4)})`;

async function migrated(database: Parameters<typeof openDatabase>[0]) {
  const db = openDatabase(database);
  await migrateToLatest(db);
  await db.kysely.insertInto('workspaces').values({ id: 'ws_floor', slug: 'floor', name: 'floor', settings: '{}', created_at: Date.now() }).execute();
  await db.close();
}

async function floorSqlite(file: string, dbFile: string): Promise<number> {
  await migrated({ dialect: 'sqlite', file: dbFile });
  const t0 = now();
  const rows = floorRows(file, 'ws_floor');
  const db = new SQLite(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const q = () => '?';
  const m = db.prepare(MEMBER_SQL(q)), idn = db.prepare(IDENTITY_SQL(q)), t = db.prepare(TERM_SQL(q));
  db.transaction(() => {
    for (const r of rows) {
      m.run(...r.member);
      idn.run(...r.identity);
      for (const term of r.terms) t.run('ws_floor', term, r.joinedAt, r.id);
    }
  })();
  db.close();
  return (now() - t0) / 1000;
}

async function floorPostgres(file: string, url: string): Promise<number> {
  await migrated({ dialect: 'postgres', url });
  const t0 = now();
  const rows = floorRows(file, 'ws_floor');
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const q = (i: number) => `$${i}`;
  await c.query('BEGIN');
  for (const r of rows) {
    await c.query({ name: 'm', text: MEMBER_SQL(q), values: r.member });
    await c.query({ name: 'i', text: IDENTITY_SQL(q), values: r.identity });
    for (const term of r.terms) await c.query({ name: 't', text: TERM_SQL(q), values: ['ws_floor', term, r.joinedAt, r.id] });
  }
  await c.query('COMMIT');
  await c.end();
  return (now() - t0) / 1000;
}

export const memberImportBench: Bench = {
  name: 'member-import',
  description: `${ROWS.toLocaleString()} CSV rows through shequn member import vs csv-parse + raw prepared inserts`,
  async run() {
    const tmp = scratchDir('bench-import');
    try {
      const csv = path.join(tmp.dir, 'members.csv');
      writeMembersCsv(csv, ROWS);
      // SQLite
      const cli = runCli(csv, { SHEQUN_DATA_DIR: path.join(tmp.dir, 'cli') });
      if (cli.added !== ROWS) throw new Error(`import added ${cli.added} of ${ROWS} rows`);
      const floor = await floorSqlite(csv, path.join(tmp.dir, 'floor.db'));
      log(`sqlite: shequn ${cli.seconds.toFixed(2)} s, floor ${floor.toFixed(2)} s`);
      report('member-import', 'rows_per_s', ROWS / cli.seconds, 'rows/s');
      report('member-import', 'floor_rows_per_s', ROWS / floor, 'rows/s');
      report('member-import', 'rows_per_s_vs_floor', floor / cli.seconds, 'x');
      // PostgreSQL
      const a = await scratchPg('bench_import');
      const b = await scratchPg('bench_floor');
      try {
        const pcli = runCli(csv, { SHEQUN_DATA_DIR: path.join(tmp.dir, 'pg'), SHEQUN_DATABASE_URL: a.url });
        const pfloor = await floorPostgres(csv, b.url);
        log(`postgres: shequn ${pcli.seconds.toFixed(2)} s, floor ${pfloor.toFixed(2)} s`);
        report('member-import', 'postgres_rows_per_s', ROWS / pcli.seconds, 'rows/s');
        report('member-import', 'postgres_floor_rows_per_s', ROWS / pfloor, 'rows/s');
        report('member-import', 'postgres_rows_per_s_vs_floor', pfloor / pcli.seconds, 'x');
      } finally {
        await a.drop();
        await b.drop();
      }
    } finally {
      tmp.drop();
    }
  },
};
