// member-search: the search and filter mix over 1,000,000 demo members, through the member service (Kysely,
// tenancy, visibility, mapping), beside the floor: the same queries as raw better-sqlite3 / pg statements on
// the same indexes, which must return the same ids.
import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { loadConfig } from '../src/config.ts';
import { ctxFor, openRuntime, resolveWorkspace, type Runtime } from '../src/bootstrap.ts';
import { generateDemo } from '../src/demo/index.ts';
import { MemberSearchSchema, searchMembers, type MemberSearch } from '../src/modules/member/index.ts';
import { decodeCursor } from '../src/kernel/cursor.ts';
import { log, now, percentile, pgAdmin, pgUrlFor, report } from './lib.ts';
import type { Bench } from './registry.ts';

const MEMBERS = Number(process.env.BENCH_SEARCH_MEMBERS ?? 1_000_000);
const ROUNDS = Number(process.env.BENCH_SEARCH_ROUNDS ?? 30);
const SEED = 20261127;
const dataDir = path.resolve('.bench-data', `search-${MEMBERS}`);
const pgName = `shequn_bench_search_${MEMBERS}`;

/** Builds (once) and reopens the demo dataset; later runs reuse it. */
async function dataset(dialect: 'sqlite' | 'postgres'): Promise<Runtime> {
  const env: Record<string, string> = { SHEQUN_DATA_DIR: dataDir, SHEQUN_LOG_LEVEL: 'error' };
  const marker = path.join(dataDir, `${dialect}.ready`);
  if (dialect === 'postgres') {
    env.SHEQUN_DATABASE_URL = pgUrlFor(pgName);
    if (!fs.existsSync(marker)) {
      await pgAdmin(async (c) => {
        await c.query(`DROP DATABASE IF EXISTS ${pgName} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${pgName}`);
      });
    }
  } else if (!fs.existsSync(marker)) fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const rt = await openRuntime(loadConfig(env));
  if (!fs.existsSync(marker)) {
    log(`building ${MEMBERS.toLocaleString()} demo members on ${dialect} (once; cached in ${dataDir})…`);
    const t0 = now();
    await generateDemo(rt, { members: MEMBERS, seed: SEED, activities: MEMBERS * 2 });
    log(`built in ${((now() - t0) / 1000).toFixed(0)} s`);
    // A bulk load leaves the visibility map unset: index-only scans would visit the heap for every row.
    if (dialect === 'postgres') await rt.db.pgPool!.query('VACUUM (ANALYZE)');
    else rt.db.sqlite!.exec('ANALYZE');
    fs.writeFileSync(marker, new Date().toISOString());
  }
  return rt;
}

interface Named {
  name: string;
  search: MemberSearch;
}

/** The query mix, drawn from the data itself so every query has real matches. */
export async function mix(rt: Runtime, ws: string): Promise<Named[]> {
  const k = rt.db.kysely;
  const sample = await k.selectFrom('members').select(['display_name', 'phone', 'city', 'tags', 'joined_at']).where('workspace_id', '=', ws)
    .where('phone', 'is not', null).orderBy('id').offset(Math.floor(MEMBERS / 3)).limit(1).executeTakeFirstOrThrow();
  const handle = await k.selectFrom('identities').select('handle').where('workspace_id', '=', ws).where('handle', 'is not', null).orderBy('id').offset(Math.floor(MEMBERS / 5)).limit(1).executeTakeFirstOrThrow();
  const group = await k.selectFrom('groups').select('id').where('workspace_id', '=', ws).where('kind', '=', 'member').orderBy('id').limit(1).executeTakeFirstOrThrow();
  const tags: string[] = JSON.parse(sample.tags);
  const name = Array.from(sample.display_name);
  const phone = sample.phone!;
  const t = Number(sample.joined_at);
  const P = (s: Partial<MemberSearch>) => MemberSearchSchema.parse(s);
  const tag = tags[0] ?? 'VIP';
  return [
    { name: 'name-1char', search: P({ q: name[0]! }) },
    { name: 'name-2char', search: P({ q: name.slice(1, 3).join('') || name[0]! }) },
    { name: 'phone-prefix', search: P({ q: phone.slice(0, 7) }) },
    { name: 'phone-last4', search: P({ q: phone.slice(-4) }) },
    { name: 'handle-substring', search: P({ q: handle.handle!.slice(1, 6) }) },
    { name: 'tag+city', search: P({ tag: [tag], city: sample.city ?? '上海' }) },
    { name: 'circle+stage+joined', search: P({ circle: 'public', stage: 'nurtured', joinedFrom: new Date(t - 60 * 86_400_000).toISOString(), joinedTo: new Date(t).toISOString() }) },
    { name: 'group', search: P({ groupId: group.id }) },
    // A surname alone (the 1-char query above) in one city with one tag is a three-way intersection of common
    // values; people narrow it with the given name, as here.
    { name: 'name+city+tag', search: P({ q: name.slice(0, 2).join(''), city: sample.city ?? '上海', tag: [tag] }) },
  ];
}

// ---- the floor: the same drivers as raw SQL ----

type Stmt = { text: string; params: unknown[] };

function floorStatements(s: MemberSearch, ws: string, ph: (i: number) => string): Stmt[] {
  const q = s.q?.normalize('NFKC').toLowerCase();
  const c = decodeCursor(s.cursor);
  const drivers: { term?: string; col?: [string, string]; like?: ['name' | 'phone' | 'handle', string] }[] = [];
  if (q) {
    const ch = Array.from(q);
    drivers.push(ch.length <= 2 ? { term: `n:${q}` } : { term: `n:${ch.slice(0, 2).join('')}`, like: ['name', `%${q}%`] });
    drivers.push(ch.length < 3 ? { term: `h:${q}` } : { term: `h:${ch.slice(0, 3).join('')}`, like: ['handle', `%${q}%`] });
    if (/^\d{3,}$/.test(q)) {
      if (q.length === 4) drivers.push({ col: ['phone_last4', q] });
      if (q.length === 3 || q.length === 7) drivers.push({ term: `p:${q}` });
      else if (q.length > 7) drivers.push({ term: `p:${q.slice(0, 7)}`, like: ['phone', `${q}%`] });
      else if (q.length > 3) drivers.push({ term: `p:${q.slice(0, 3)}`, like: ['phone', `${q}%`] });
    }
  } else if (s.tag?.length) drivers.push({ term: `t:${s.tag[0]!.toLowerCase()}` });
  else if (s.groupId) drivers.push({ term: `g:${s.groupId}` });
  else if (s.city) drivers.push({ col: ['city', s.city] });
  else drivers.push({});
  return drivers.map((d) => {
    const params: unknown[] = [];
    const p = (v: unknown) => (params.push(v), ph(params.length));
    const key = d.term ? 't.joined_at' : 'm.joined_at';
    const id = d.term ? 't.member_id' : 'm.id';
    let text = d.term
      ? `SELECT m.id, m.joined_at FROM member_terms t JOIN members m ON m.id = t.member_id WHERE t.workspace_id = ${p(ws)} AND t.term = ${p(d.term)}`
      : `SELECT m.id, m.joined_at FROM members m WHERE m.workspace_id = ${p(ws)}`;
    if (d.col) text += ` AND m.${d.col[0]} = ${p(d.col[1])}`;
    if (!q && !s.tag?.length && !s.groupId && !s.city && s.circle && s.stage) text += ` AND m.circle = ${p(s.circle)} AND m.stage = ${p(s.stage)}`;
    else {
      if (s.circle) text += ` AND m.circle = ${p(s.circle)}`;
      if (s.stage) text += ` AND m.stage = ${p(s.stage)}`;
    }
    if (s.city && !(d.col && d.col[0] === 'city')) text += ` AND m.city = ${p(s.city)}`;
    if (s.joinedFrom) text += ` AND ${key} >= ${p(Date.parse(s.joinedFrom))}`;
    if (s.joinedTo) text += ` AND ${key} <= ${p(Date.parse(s.joinedTo))}`;
    for (const tag of s.tag ?? []) if (d.term !== `t:${tag.toLowerCase()}`) text += ` AND EXISTS (SELECT 1 FROM member_terms t2 WHERE t2.workspace_id = ${p(ws)} AND t2.term = ${p(`t:${tag.toLowerCase()}`)} AND t2.joined_at = m.joined_at AND t2.member_id = m.id)`;
    if (s.groupId && d.term !== `g:${s.groupId}`) text += ` AND EXISTS (SELECT 1 FROM member_terms t2 WHERE t2.workspace_id = ${p(ws)} AND t2.term = ${p(`g:${s.groupId}`)} AND t2.joined_at = m.joined_at AND t2.member_id = m.id)`;
    if (d.like?.[0] === 'name') text += ` AND lower(m.display_name) LIKE ${p(d.like[1])}`;
    if (d.like?.[0] === 'phone') text += ` AND m.phone LIKE ${p(d.like[1])}`;
    if (d.like?.[0] === 'handle') text += ` AND EXISTS (SELECT 1 FROM identities i WHERE i.member_id = m.id AND lower(i.handle) LIKE ${p(d.like[1])})`;
    if (c) text += ` AND (${key}, ${id}) < (${p(c.key)}, ${p(c.id)})`;
    text += ` ORDER BY ${key} DESC, ${id} DESC LIMIT ${s.limit + 1}`;
    return { text, params };
  });
}

function mergeIds(pages: { id: string; joined_at: number | string }[][], limit: number): string[] {
  const seen = new Map<string, number>();
  for (const r of pages.flat()) seen.set(r.id, Number(r.joined_at));
  return [...seen].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1)).slice(0, limit).map(([id]) => id);
}

async function measure(dialect: 'sqlite' | 'postgres'): Promise<{ p50: number; p99: number; floorP50: number; floorP99: number }> {
  const rt = await dataset(dialect);
  try {
    const ws = await resolveWorkspace(rt, undefined);
    const ctx = ctxFor(rt, ws);
    const queries = await mix(rt, ws.id);
    // Page 2 of every query, by the cursor of page 1.
    const all: Named[] = [];
    for (const q of queries) {
      const first = await searchMembers(ctx, q.search);
      all.push(q);
      if (first.nextCursor) all.push({ name: `${q.name}/page2`, search: { ...q.search, cursor: first.nextCursor } });
    }
    const sqlite = dialect === 'sqlite' ? new SQLite(rt.config.database.dialect === 'sqlite' ? rt.config.database.file : '', { readonly: true }) : undefined;
    const pgc = dialect === 'postgres' ? new pg.Client({ connectionString: pgUrlFor(pgName), options: '-c max_parallel_workers_per_gather=0' }) : undefined;
    await pgc?.connect();
    const stmts = new Map<string, SQLite.Statement>();
    const floor = async (s: MemberSearch): Promise<string[]> => {
      const list = floorStatements(s, ws.id, dialect === 'sqlite' ? () => '?' : (i) => `$${i}`);
      const pages = [];
      for (const st of list) {
        if (sqlite) {
          let prepared = stmts.get(st.text);
          if (!prepared) stmts.set(st.text, (prepared = sqlite.prepare(st.text)));
          pages.push(prepared.all(...st.params) as { id: string; joined_at: number }[]);
        } else pages.push((await pgc!.query({ name: `f${hash(st.text)}`, text: st.text, values: st.params })).rows);
      }
      return mergeIds(pages, s.limit);
    };
    // Same answers, or the comparison means nothing.
    for (const q of all) {
      const ours = (await searchMembers(ctx, q.search)).items.map((m) => m.id);
      const theirs = await floor(q.search);
      if (ours.join() !== theirs.join()) throw new Error(`${dialect} ${q.name}: service and floor disagree (${ours.length} vs ${theirs.length} ids)`);
      if (ours.length === 0) throw new Error(`${dialect} ${q.name}: no matches; the mix must hit real data`);
    }
    const ourTimes: number[] = [];
    const floorTimes: number[] = [];
    // The slowest query kinds, so that a bad p99 says which search to look at.
    const worst = new Map<string, number>();
    for (let r = 0; r < ROUNDS; r++) {
      for (const q of all) {
        let t0 = now();
        await searchMembers(ctx, q.search);
        ourTimes.push(now() - t0);
        worst.set(q.name, Math.max(worst.get(q.name) ?? 0, now() - t0));
        t0 = now();
        await floor(q.search);
        floorTimes.push(now() - t0);
      }
    }
    sqlite?.close();
    await pgc?.end();
    log(`${dialect} slowest: ${[...worst].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([n, ms]) => `${n} ${ms.toFixed(1)} ms`).join(', ')}`);
    ourTimes.sort((a, b) => a - b);
    floorTimes.sort((a, b) => a - b);
    return { p50: percentile(ourTimes, 50), p99: percentile(ourTimes, 99), floorP50: percentile(floorTimes, 50), floorP99: percentile(floorTimes, 99) };
  } finally {
    await rt.db.close();
  }
}

function hash(s: string): string {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return (h >>> 0).toString(36);
}

export const memberSearchBench: Bench = {
  name: 'member-search',
  description: `search mix over ${MEMBERS.toLocaleString()} demo members, service vs raw SQL floor`,
  async run() {
    // BENCH_SEARCH_DIALECTS=sqlite runs one dialect (building the 1M PostgreSQL set takes a while the first time).
    const dialects = (process.env.BENCH_SEARCH_DIALECTS ?? 'sqlite,postgres').split(',') as ('sqlite' | 'postgres')[];
    for (const dialect of dialects) {
      const r = await measure(dialect);
      log(`${dialect}: p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms; floor p50 ${r.floorP50.toFixed(2)} ms, p99 ${r.floorP99.toFixed(2)} ms`);
      report('member-search', `${dialect}_p50_ms`, r.p50, 'ms');
      report('member-search', `${dialect}_p99_ms`, r.p99, 'ms');
      report('member-search', `${dialect}_floor_p99_ms`, r.floorP99, 'ms');
      report('member-search', `${dialect}_p99_ms_vs_floor`, r.p99 / r.floorP99, 'x');
    }
  },
};
