// Bulk writes for the demo (and anything else that must load millions of rows), in transactions of
// many thousand rows. SQLite goes through the better-sqlite3 handle with prepared statements (no
// async hop per row); PostgreSQL gets multi-row INSERTs of 5,000 rows. The query builder would
// spend more time building SQL than the database spends storing it.
import type { Db } from '../kernel/db/connect.ts';
import type { Database } from '../kernel/db/schema.ts';

/** Columns in insert order; the table order is the flush order (a row's parents come first). */
const COLUMNS = {
  communities: ['id', 'workspace_id', 'name', 'purpose', 'parent_id', 'leader_member_id', 'canvas', 'created_at', 'updated_at'],
  phases: ['id', 'workspace_id', 'community_id', 'name', 'purpose', 'starts_on', 'ends_on', 'targets', 'budget_cents', 'platform_mix', 'created_at', 'updated_at'],
  group_sets: ['id', 'workspace_id', 'community_id', 'name', 'region', 'naming_pattern', 'created_at', 'updated_at'],
  groups: [
    'id', 'workspace_id', 'community_id', 'group_set_id', 'platform', 'external_id', 'name', 'kind', 'function', 'official', 'structure', 'capacity',
    'status', 'region', 'tags', 'owner_type', 'owner_id', 'secretary_type', 'secretary_id', 'numbering', 'created_at', 'updated_at',
  ],
  members: [
    'id', 'workspace_id', 'display_name', 'gender', 'birth_year', 'city', 'occupation', 'skills', 'phone', 'phone_last4', 'email', 'tags', 'circle',
    'source_channel', 'referrer_id', 'stage', 'stage_history', 'consent', 'joined_at', 'created_at', 'updated_at',
  ],
  identities: ['id', 'workspace_id', 'member_id', 'platform', 'external_id', 'handle', 'created_at'],
  memberships: [
    'id', 'workspace_id', 'group_id', 'member_id', 'number', 'number_display', 'number_scope', 'role', 'nickname', 'joined_at', 'left_at',
    'invited_by', 'muted_until',
  ],
  member_numbers: ['workspace_id', 'number_scope', 'number', 'member_id', 'display', 'assigned_at'],
  number_sequences: ['workspace_id', 'scope_key', 'last_number'],
  member_terms: ['workspace_id', 'term', 'joined_at', 'member_id'],
  costs: ['id', 'workspace_id', 'community_id', 'subject', 'subject_key', 'spent_on', 'amount_cents', 'category', 'note', 'source', 'dedupe_key', 'created_by', 'created_at'],
  activities: ['id', 'workspace_id', 'kind', 'member_id', 'group_id', 'occurred_at', 'content_source', 'payload', 'source', 'source_id', 'created_at'],
} as const satisfies { [T in keyof Database]?: readonly (keyof Database[T])[] };

export type BulkTable = keyof typeof COLUMNS;
export const BULK_TABLES = Object.keys(COLUMNS) as BulkTable[];
type Value = string | number | null;

/**
 * Add rows parents first (a group before its memberships, a member before its accounts): SQLite
 * writes each row as it comes and checks foreign keys at once.
 */
export interface BulkWriter {
  add<T extends BulkTable>(table: T, row: Database[T]): void;
  /** Rows added since the last commit. */
  readonly pending: number;
  /** Rows added so far, per table. */
  readonly written: Record<BulkTable, number>;
  /** Commits everything added so far. */
  flush(): Promise<void>;
  /** Commits once at least `batchRows` rows are pending; call it often. */
  maybeFlush(): Promise<void>;
  /** Drops what was not committed yet. */
  abort(): Promise<void>;
}

abstract class Counting {
  readonly written = Object.fromEntries(BULK_TABLES.map((t) => [t, 0])) as Record<BulkTable, number>;
  pending = 0;

  constructor(protected readonly batchRows: number) {}

  async maybeFlush(): Promise<void> {
    if (this.pending >= this.batchRows) await this.flush();
  }

  abstract flush(): Promise<void>;
}

/**
 * SQLite: rows go straight into prepared single-row INSERTs inside an open transaction, committed
 * every `batchRows` rows. Nothing is buffered, so a million members cost no heap, and better-sqlite3
 * binds the row object by name (@column) without copying it. Multi-row statements looked cheaper but
 * make SQLite keep a statement journal (a temp-file write per touched page): three times slower here.
 */
class SqliteWriter extends Counting implements BulkWriter {
  private readonly stmts = new Map<BulkTable, import('better-sqlite3').Statement>();
  private open = false;

  constructor(private readonly sqlite: import('better-sqlite3').Database, batchRows: number) {
    super(batchRows);
  }

  add<T extends BulkTable>(table: T, row: Database[T]): void {
    let stmt = this.stmts.get(table);
    if (!stmt) {
      const cols = COLUMNS[table];
      stmt = this.sqlite.prepare(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
      this.stmts.set(table, stmt);
    }
    if (!this.open) {
      this.sqlite.exec('BEGIN');
      this.open = true;
    }
    stmt.run(row);
    this.written[table]++;
    this.pending++;
  }

  async flush(): Promise<void> {
    if (this.open) this.sqlite.exec('COMMIT');
    this.open = false;
    this.pending = 0;
  }

  async abort(): Promise<void> {
    if (this.open && this.sqlite.inTransaction) this.sqlite.exec('ROLLBACK');
    this.open = false;
    this.pending = 0;
  }
}

/** Columns holding numbers (int8 takes integer columns too, by assignment cast). */
const NUMERIC = new Set([
  'created_at', 'updated_at', 'joined_at', 'left_at', 'occurred_at', 'assigned_at', 'muted_until', 'budget_cents', 'amount_cents', 'official', 'capacity', 'birth_year',
  'number', 'last_number',
]);

/**
 * PostgreSQL: INSERT … SELECT FROM unnest($1::text[], $2::int8[], …), one array parameter per column,
 * 5,000 rows a statement. It is still a plain multi-row INSERT, but binding a dozen arrays instead of
 * 11,000 scalars saves most of the parse and bind work. Commits skip the WAL flush wait
 * (synchronous_commit off): a crash can lose the last batches of a demo, never corrupt anything.
 */
class PostgresWriter extends Counting implements BulkWriter {
  private readonly sqlCache = new Map<BulkTable, string>();
  private buffers = new Map<BulkTable, Value[][]>();

  constructor(private readonly pool: import('pg').Pool, batchRows: number) {
    super(batchRows);
  }

  add<T extends BulkTable>(table: T, row: Database[T]): void {
    const cols = COLUMNS[table] as readonly (keyof Database[T])[];
    const values = new Array<Value>(cols.length);
    for (let i = 0; i < cols.length; i++) values[i] = (row[cols[i]!] ?? null) as Value;
    let rows = this.buffers.get(table);
    if (!rows) this.buffers.set(table, (rows = []));
    rows.push(values);
    this.written[table]++;
    this.pending++;
  }

  async abort(): Promise<void> {
    this.buffers = new Map();
    this.pending = 0;
  }

  /** One transaction, tables in COLUMNS order so that parents land before children. */
  async flush(): Promise<void> {
    if (this.pending === 0) return;
    const batches = BULK_TABLES.flatMap((t) => {
      const rows = this.buffers.get(t);
      return rows?.length ? [{ table: t, rows }] : [];
    });
    this.buffers = new Map();
    this.pending = 0;
    await this.write(batches);
  }

  private sql(table: BulkTable) {
    let s = this.sqlCache.get(table);
    if (!s) {
      const cols = COLUMNS[table];
      const arrays = cols.map((c, i) => `$${i + 1}::${NUMERIC.has(c) ? 'int8' : 'text'}[]`);
      this.sqlCache.set(table, (s = `INSERT INTO ${table} (${cols.join(', ')}) SELECT * FROM unnest(${arrays.join(', ')})`));
    }
    return s;
  }

  private async write(batches: { table: BulkTable; rows: Value[][] }[]): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL synchronous_commit = off');
      for (const { table, rows } of batches) {
        const width = COLUMNS[table].length;
        for (let i = 0; i < rows.length; i += 5000) {
          const chunk = rows.slice(i, i + 5000);
          const columns: Value[][] = [];
          for (let c = 0; c < width; c++) columns.push(chunk.map((r) => r[c]!));
          await client.query(this.sql(table), columns);
        }
      }
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }
}

/**
 * Rows per transaction. On SQLite every commit copies each page it touched into the WAL, and random
 * index keys (search postings, activities by time) touch a new page for almost every row: 20,000 demo
 * members loaded in about half the time with 100,000-row transactions as with 10,000-row ones. One
 * such commit takes about a second, so a server on the same file waits at most that long to write.
 */
export const DEFAULT_BATCH_ROWS = { sqlite: 100_000, postgres: 20_000 } as const;

export function openBulkWriter(db: Db, opts: { batchRows?: number } = {}): BulkWriter {
  const batchRows = opts.batchRows ?? DEFAULT_BATCH_ROWS[db.dialect];
  if (db.dialect === 'sqlite') {
    if (!db.sqlite) throw new Error('the SQLite handle is not available for bulk writes');
    return new SqliteWriter(db.sqlite, batchRows);
  }
  if (!db.pgPool) throw new Error('the PostgreSQL pool is not available for bulk writes');
  return new PostgresWriter(db.pgPool, batchRows);
}
