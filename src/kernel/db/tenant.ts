// TenantDb: the only door from services to tenant tables. Every select, update and delete it builds
// already carries `workspace_id = ?`, and every insert gets the workspace id stamped in, so a handler
// cannot forget the tenant filter. Selects also leave out rows an unfinished import created (their
// import_id names an import not completed): an import shows nothing until the one update that completes
// it. The importer itself reads them through `withStaged()`.
import { sql, type DeleteQueryBuilder, type DeleteResult, type Insertable, type Kysely, type SelectQueryBuilder, type Transaction, type UpdateQueryBuilder, type UpdateResult } from 'kysely';
import type SQLite from 'better-sqlite3';
import type { Database, TenantTable } from './schema.ts';
import { dropRollupIndexes, ensureRollupIndexes } from './rollup-indexes.ts';
import { recountMemberCounts, recountSeats } from './seats.ts';

type Tenantless<T extends TenantTable> = Omit<Insertable<Database[T]>, 'workspace_id'>;

/** The tables whose rows an import creates (and hides until it completes); the importer cleans up the same list. */
export const STAGED_TABLES = ['activities', 'memberships', 'identities', 'members', 'groups'] as const satisfies readonly TenantTable[];
const STAGED = new Set<TenantTable>(STAGED_TABLES);

export class TenantDb {
  constructor(
    private readonly db: Kysely<Database> | Transaction<Database>,
    readonly workspaceId: string,
    /** The SQLite handle, when the dialect is SQLite: bulk inserts reuse one prepared statement per table. */
    private readonly sqlite?: SQLite.Database,
    private readonly staged = false,
  ) {}

  /** The same door, seeing the rows of unfinished imports too (for the importer). */
  withStaged(): TenantDb {
    return new TenantDb(this.db, this.workspaceId, this.sqlite, true);
  }

  /**
   * Refreshes the query planner's statistics after a bulk load (an import). Without them SQLite guesses that
   * `workspace_id = ?` matches ten rows and reads a whole workspace where a primary-key lookup would do.
   * Each index is read up to 20,000 entries (bounded cost at any size): enough for the estimate of a
   * workspace's rows to stay above any IN-list of ids we send. PostgreSQL samples anyway.
   */
  async refreshStatistics(): Promise<void> {
    const tables = ['members', 'memberships', 'identities', 'groups', 'member_terms', 'activities'];
    if (this.sqlite) {
      this.sqlite.pragma('analysis_limit = 20000');
      for (const t of tables) this.sqlite.exec(`ANALYZE ${t}`);
      this.sqlite.pragma('analysis_limit = 0');
    } else {
      await sql.raw(`ANALYZE ${tables.join(', ')}`).execute(this.db);
    }
  }

  // The casts only widen the table name for the generic filter; the result type is the plain builder for T.
  selectFrom<T extends TenantTable>(table: T): SelectQueryBuilder<Database, T, {}> {
    let qb = this.db.selectFrom(table as TenantTable) as SelectQueryBuilder<Database, TenantTable, {}>;
    qb = qb.where(`${table}.workspace_id` as never, '=', this.workspaceId as never);
    if (!this.staged && STAGED.has(table)) {
      const col = `${table}.import_id` as never;
      qb = qb.where((eb) => eb.or([eb(col, 'is', null), eb(col, 'not in', eb.selectFrom('imports').select('imports.id').where('imports.status', '!=', 'completed') as never)]));
    }
    return qb as unknown as SelectQueryBuilder<Database, T, {}>;
  }

  /** How many rows a query built here returns, counted up to `cap` in the database (no row reaches JS): a cheap estimate. */
  async countUpTo(query: SelectQueryBuilder<Database, TenantTable, object>, cap: number): Promise<number> {
    const capped = query.select(sql.lit(1).as('one')).limit(cap).as('capped');
    const row = await (this.db as Kysely<Database>).selectFrom(capped).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  updateTable<T extends TenantTable>(table: T): UpdateQueryBuilder<Database, T, T, UpdateResult> {
    const qb = this.db.updateTable(table as TenantTable) as UpdateQueryBuilder<Database, TenantTable, TenantTable, UpdateResult>;
    return qb.where(`${table}.workspace_id` as never, '=', this.workspaceId as never) as unknown as UpdateQueryBuilder<Database, T, T, UpdateResult>;
  }

  deleteFrom<T extends TenantTable>(table: T): DeleteQueryBuilder<Database, T, DeleteResult> {
    const qb = this.db.deleteFrom(table as TenantTable) as DeleteQueryBuilder<Database, TenantTable, DeleteResult>;
    return qb.where(`${table}.workspace_id` as never, '=', this.workspaceId as never) as unknown as DeleteQueryBuilder<Database, T, DeleteResult>;
  }

  insertInto<T extends TenantTable>(table: T, rows: Tenantless<T> | Tenantless<T>[]) {
    const list = (Array.isArray(rows) ? rows : [rows]).map((r) => ({ ...r, workspace_id: this.workspaceId }));
    return this.db.insertInto(table).values(list as any);
  }

  /**
   * Inserts many rows fast, inside the current transaction, and returns how many went in. The query builder
   * compiles one statement per call, which dominates at 100k rows; SQLite instead runs one cached single-row
   * statement per row (on the transaction's own connection: the SQLite dialect has exactly one), PostgreSQL
   * sends one INSERT … SELECT FROM unnest(arrays) per 5,000 rows. With `skipExisting`, a row that collides
   * with a unique key already stored is left out (and not counted) instead of failing the insert.
   */
  async bulkInsert<T extends TenantTable>(table: T, rows: Tenantless<T>[], opts: { skipExisting?: boolean } = {}): Promise<number> {
    let inserted = 0;
    await this.writeRows(table, rows, opts.skipExisting ? ' on conflict do nothing' : '', null, (n) => (inserted += n));
    return inserted;
  }

  /**
   * Upserts many rows the way bulkInsert inserts them (the rollups' counts). `set` is the DO UPDATE's SET list in
   * SQL both dialects read (`n = t.n + excluded.n`), or null for DO NOTHING. Returns the `returning` columns of
   * every row written (none for a row DO NOTHING skipped). No two rows may share a key: PostgreSQL refuses to
   * update one row twice in a statement. On SQLite a multi-row upsert keeps a statement journal and goes
   * through the query compiler: single-row statements upserted rollup rows in two thirds of the time (measured).
   */
  async upsertMany<T extends TenantTable, R extends keyof Database[T] & string = never>(
    table: T, rows: Tenantless<T>[], conflict: { keys: readonly (keyof Database[T] & string)[]; set: string | null }, returning: readonly R[] = [],
  ): Promise<Pick<Database[T], R>[]> {
    const out: Pick<Database[T], R>[] = [];
    const action = conflict.set === null ? 'do nothing' : `do update set ${conflict.set}`;
    const onConflict = ` on conflict (${conflict.keys.map((c) => `"${c}"`).join(', ')}) ${action}`;
    if (this.sqlite && conflict.set === null && returning.length) {
      // A DO NOTHING returns exactly the rows it inserted, which its change count tells as well. SQLite gathers
      // RETURNING rows in a table of their own: 40 µs a new member_periods row with it, 14 without (measured).
      await this.writeRows(table, rows, onConflict, null, (n, row) => {
        if (n) out.push(Object.fromEntries(returning.map((c) => [c, (row as Record<string, unknown>)[c]])) as Pick<Database[T], R>);
      });
      return out;
    }
    const ret = returning.length ? ` returning ${returning.map((c) => `"${c}"`).join(', ')}` : '';
    await this.writeRows(table, rows, `${onConflict}${ret}`, returning.length ? (out as unknown[]) : null, () => {});
    return out;
  }

  /**
   * The one writer of bulkInsert and upsertMany: `tail` follows the VALUES; with `back`, it ends in RETURNING, and
   * the rows returned go there. `changed` hears the rows changed: per row with the row on SQLite, per statement on PostgreSQL.
   */
  private async writeRows(table: TenantTable, rows: readonly object[], tail: string, back: unknown[] | null, changed: (n: number, row: object | null) => void): Promise<void> {
    if (rows.length === 0) return;
    if (!this.db.isTransaction) throw new Error(`writing many ${table} rows must run inside a transaction`);
    const columns = ['workspace_id', ...Object.keys(rows[0]!)];
    if (this.sqlite) {
      const stmt = preparedInsert(this.sqlite, table, columns, tail);
      const values: unknown[] = [];
      for (const r of rows) {
        values.length = 0;
        pushRow(values, this.workspaceId, columns, r as Record<string, unknown>);
        if (!back) changed(stmt.run(values).changes, r);
        else {
          const row = stmt.get(values);
          if (row) back.push(row);
        }
      }
      return;
    }
    const types = await pgColumnTypes(this.db, table);
    const casts = columns.map((c) => `${types.get(c) ?? 'text'}[]`);
    for (let i = 0; i < rows.length; i += 5000) {
      const chunk = rows.slice(i, i + 5000) as Record<string, unknown>[];
      const arrays = columns.map((c) => (c === 'workspace_id' ? chunk.map(() => this.workspaceId) : chunk.map((r) => r[c] ?? null)));
      const unnest = sql.join(arrays.map((a, j) => sql`${a}::${sql.raw(casts[j]!)}`));
      const r = await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) select * from unnest(${unnest})${sql.raw(tail)}`.execute(this.db);
      changed(Number(r.numAffectedRows ?? 0), null);
      back?.push(...r.rows);
    }
  }

  /** Counts the workspace's seats and people per scope, and its members, again (the triggers keep them after). */
  async recountSeats(): Promise<void> {
    await recountSeats(this.db, this.workspaceId);
    await recountMemberCounts(this.db, this.workspaceId);
  }

  /**
   * Holds the workspace's rollup lock until the transaction ends: the writers of rollups (runner, import,
   * recount, rebuild) upsert the same rows in different orders, which on PostgreSQL could deadlock. SQLite
   * has one writer at a time already.
   */
  async lockRollups(): Promise<void> {
    if (!this.db.isTransaction) throw new Error('lockRollups must run inside a transaction');
    if (!this.sqlite) await sql`select pg_advisory_xact_lock(hashtext(${`rollups:${this.workspaceId}`}))`.execute(this.db);
  }

  /**
   * Drops the rollup tables' secondary indexes for a big rebuild, or makes the missing ones again after it.
   * An index is the whole table's, every workspace's: see rollup-indexes.ts for when this pays.
   */
  async dropRollupIndexes(): Promise<void> {
    await dropRollupIndexes(this.db);
  }

  async ensureRollupIndexes(): Promise<string[]> {
    return ensureRollupIndexes(this.db, this.dialect);
  }

  get dialect(): 'sqlite' | 'postgres' {
    return this.sqlite ? 'sqlite' : 'postgres';
  }

  /** Runs fn in one transaction; nested calls reuse the outer transaction. */
  async transaction<R>(fn: (tdb: TenantDb) => Promise<R>): Promise<R> {
    if (this.db.isTransaction) return fn(this);
    return (this.db as Kysely<Database>).transaction().execute((trx) => fn(new TenantDb(trx, this.workspaceId, this.sqlite, this.staged)));
  }
}

const statements = new WeakMap<SQLite.Database, Map<string, SQLite.Statement>>();

function pushRow(values: unknown[], workspaceId: string, columns: string[], row: Record<string, unknown>) {
  values.push(workspaceId);
  for (let c = 1; c < columns.length; c++) values.push(row[columns[c]!] ?? null);
}

function preparedInsert(db: SQLite.Database, table: string, columns: string[], conflict: string): SQLite.Statement {
  let cache = statements.get(db);
  if (!cache) statements.set(db, (cache = new Map()));
  const text = `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) values (${columns.map(() => '?').join(', ')})${conflict}`;
  let stmt = cache.get(text);
  if (!stmt) cache.set(text, (stmt = db.prepare(text)));
  return stmt;
}

// Column types for unnest casts, read once per table: an all-null array has no type of its own.
const pgTypes = new Map<string, Promise<Map<string, string>>>();

function pgColumnTypes(db: Kysely<Database> | Transaction<Database>, table: string): Promise<Map<string, string>> {
  let types = pgTypes.get(table);
  if (!types) {
    types = sql<{ column_name: string; data_type: string }>`select column_name, data_type from information_schema.columns where table_schema = current_schema() and table_name = ${table}`
      .execute(db)
      .then((r) => new Map(r.rows.map((c) => [c.column_name, /^[a-z ]+$/.test(c.data_type) ? c.data_type : 'text'])));
    types.catch(() => pgTypes.delete(table));
    pgTypes.set(table, types);
  }
  return types;
}
