import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { ensureRollupIndexes } from './rollup-indexes.ts';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration, type MigrationProvider } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from './schema.ts';
import * as m0001 from './migrations/0001-foundation.ts';
import * as m0002 from './migrations/0002-joining.ts';
import * as m0003 from './migrations/0003-builtin.ts';
import * as m0004 from './migrations/0004-outbox.ts';
import * as m0005 from './migrations/0005-tasks-points.ts';
import * as m0006 from './migrations/0006-highlights.ts';
import * as m0007 from './migrations/0007-upload-qr-codes.ts';
import * as m0008 from './migrations/0008-chat-imports.ts';
import * as m0009 from './migrations/0009-import-progress.ts';
import * as m0010 from './migrations/0010-identity.ts';
import * as m0011 from './migrations/0011-activities-provenance.ts';
import * as m0012 from './migrations/0012-integration.ts';
import * as m0013 from './migrations/0013-connections.ts';
import * as m0014 from './migrations/0014-relay.ts';
import * as m0015 from './migrations/0015-outbox-lanes.ts';
import * as m0016 from './migrations/0016-group-link-handles.ts';
import * as m0017 from './migrations/0017-short-links.ts';
import * as m0018 from './migrations/0018-group-tags.ts';
import * as m0019 from './migrations/0019-analytics.ts';
import * as m0020 from './migrations/0020-plans.ts';
import * as m0021 from './migrations/0021-alerts.ts';
import * as m0022 from './migrations/0022-voice.ts';
import * as m0023 from './migrations/0023-seat-counts.ts';
import * as m0024 from './migrations/0024-rollup-queue.ts';
import * as m0025 from './migrations/0025-member-counts.ts';
import * as m0026 from './migrations/0026-group-spans.ts';
import * as m0027 from './migrations/0027-rollup-queue-backlog.ts';
import * as m0028 from './migrations/0028-voice-replies.ts';
import * as m0029 from './migrations/0029-circle-tasks.ts';
import * as m0030 from './migrations/0030-board-indexes.ts';
import * as m0031 from './migrations/0031-costs.ts';
import * as m0032 from './migrations/0032-event-supporters.ts';
import * as m0033 from './migrations/0033-milestone-prev-last.ts';
import * as m0034 from './migrations/0034-drop-milestone-prev-last.ts';
import * as m0035 from './migrations/0035-group-time-speakers.ts';
import * as m0036 from './migrations/0036-drop-milestone-last-index.ts';
import * as m0037 from './migrations/0037-group-spans-wide.ts';

// int8 (bigint) columns hold epoch milliseconds and counts, all far below 2^53.
pg.types.setTypeParser(20, (v) => Number(v));
// numeric (e.g. SUM over bigint) also fits a double for our magnitudes.
pg.types.setTypeParser(1700, (v) => Number(v));

/** The explicit list of migrations, in order. Add new ones at the end; never edit a landed one. */
const migrations: Record<string, Migration> = {
  '0001-foundation': m0001,
  '0002-joining': m0002,
  '0003-builtin': m0003,
  '0004-outbox': m0004,
  '0005-tasks-points': m0005,
  '0006-highlights': m0006,
  '0007-upload-qr-codes': m0007,
  '0008-chat-imports': m0008,
  '0009-import-progress': m0009,
  '0010-identity': m0010,
  '0011-activities-provenance': m0011,
  '0012-integration': m0012,
  '0013-connections': m0013,
  '0014-relay': m0014,
  '0015-outbox-lanes': m0015,
  '0016-group-link-handles': m0016,
  '0017-short-links': m0017,
  '0018-group-tags': m0018,
  '0019-analytics': m0019,
  '0020-plans': m0020,
  '0021-alerts': m0021,
  '0022-voice': m0022,
  '0023-seat-counts': m0023,
  '0024-rollup-queue': m0024,
  '0025-member-counts': m0025,
  '0026-group-spans': m0026,
  '0027-rollup-queue-backlog': m0027,
  '0028-voice-replies': m0028,
  '0029-circle-tasks': m0029,
  '0030-board-indexes': m0030,
  '0031-costs': m0031,
  '0032-event-supporters': m0032,
  '0033-milestone-prev-last': m0033,
  '0034-drop-milestone-prev-last': m0034,
  '0035-group-time-speakers': m0035,
  '0036-drop-milestone-last-index': m0036,
  '0037-group-spans-wide': m0037,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export type Dialect = 'sqlite' | 'postgres';

export interface Db {
  kysely: Kysely<Database>;
  dialect: Dialect;
  /** The driver handle, for the few bulk paths (imports, demo, benchmarks) that bypass the query builder. */
  sqlite?: SQLite.Database;
  pgPool?: pg.Pool;
  close(): Promise<void>;
}

export function openDatabase(database: Config['database']): Db {
  if (database.dialect === 'sqlite') {
    fs.mkdirSync(path.dirname(database.file), { recursive: true });
    const sqlite = new SQLite(database.file);
    // First, so that everything after it (switching a new file to WAL included) waits for another process.
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('cache_size = -65536');
    // Keeps the planner's statistics fresh (cheap: it analyzes only tables that changed a lot).
    sqlite.pragma('optimize = 0x10002');
    const kysely = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { kysely, dialect: 'sqlite', sqlite, close: () => kysely.destroy() };
  }
  // The API's queries are short index ranges with a LIMIT; a parallel plan's worker start-up (about 150 ms on
  // two cores) made them 4× slower at p99. Analytics that want parallel scans can SET LOCAL it back.
  // JIT off for the same reason: the dashboards' rollup reads at a million members pass jit_above_cost on the
  // planner's estimate yet run in tens of milliseconds (the group boards there: p50 84–86 ms without JIT, 87–92 with it).
  const pool = new pg.Pool({ connectionString: database.url, max: 10, options: '-c max_parallel_workers_per_gather=0 -c jit=off' });
  // An idle client losing its connection (PostgreSQL restarted, the connection was terminated) must not take
  // the process down: the pool drops the client and the next query opens a new connection.
  pool.on('error', (err) => process.emitWarning(`PostgreSQL idle connection lost: ${err.message}`, { code: 'SHEQUN_PG_IDLE' }));
  const kysely = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { kysely, dialect: 'postgres', pgPool: pool, close: () => kysely.destroy() };
}

/**
 * Kysely's SQLite driver prepares every query anew; preparing costs as much as running a short indexed query.
 * Statements are reusable once a query is done (the dialect runs one query at a time on its single connection),
 * so the handle Kysely sees caches them by SQL text, least recently used first out.
 */
function withStatementCache(sqlite: SQLite.Database, max = 500): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepare = (text: string) => {
    // Kysely begins a transaction with a plain BEGIN, which takes SQLite's write lock only at the first write:
    // another process (the server beside a CLI command, two commands on a new data folder) may commit in
    // between, and the write then fails at once (SQLITE_BUSY_SNAPSHOT), busy_timeout or not. BEGIN IMMEDIATE
    // waits for the lock up front. (Kysely's migrations, one transaction, are serialised across processes so.)
    const source = text === 'begin' ? 'begin immediate' : text;
    let stmt = cache.get(source);
    if (stmt) cache.delete(source);
    else stmt = sqlite.prepare(source);
    cache.set(source, stmt);
    if (cache.size > max) cache.delete(cache.keys().next().value!);
    return stmt;
  };
  return new Proxy(sqlite, {
    get(target, prop) {
      if (prop === 'prepare') return prepare;
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export async function migrateToLatest(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db: db.kysely, provider });
  const run = async () => {
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((r) => r.status === 'Error');
      throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${(error as Error).message ?? String(error)}`);
    }
    // A big rebuild that stopped half-way leaves the rollup indexes it dropped missing: made again here.
    await ensureRollupIndexes(db.kysely, db.dialect);
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  };
  if (!db.sqlite) return run();
  // Kysely runs SQLite migrations outside any transaction and takes no lock there (it has none for SQLite):
  // two processes opening a new data folder at once (`npm start` beside a `shequn token create`) interleaved
  // them and one failed ("table already exists"). One immediate transaction around them all makes the
  // second process wait for the write lock (busy_timeout), then find them done; a failed migration leaves
  // nothing half-applied.
  db.sqlite.exec('begin immediate');
  try {
    const applied = await run();
    db.sqlite.exec('commit');
    return applied;
  } catch (err) {
    if (db.sqlite.inTransaction) db.sqlite.exec('rollback');
    throw err;
  }
}

export async function isReachable(db: Db): Promise<boolean> {
  try {
    await db.kysely.selectFrom('workspaces').select('id').limit(1).execute();
    return true;
  } catch {
    return false;
  }
}
