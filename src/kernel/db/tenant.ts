// TenantDb: the only door from services to tenant tables. Every select, update and delete it builds
// already carries `workspace_id = ?`, and every insert gets the workspace id stamped in, so a handler
// cannot forget the tenant filter.
import type { DeleteQueryBuilder, DeleteResult, Insertable, Kysely, SelectQueryBuilder, Transaction, UpdateQueryBuilder, UpdateResult } from 'kysely';
import type { Database, TenantTable } from './schema.ts';

type Tenantless<T extends TenantTable> = Omit<Insertable<Database[T]>, 'workspace_id'>;

export class TenantDb {
  constructor(
    private readonly db: Kysely<Database> | Transaction<Database>,
    readonly workspaceId: string,
  ) {}

  // The casts only widen the table name for the generic filter; the result type is the plain builder for T.
  selectFrom<T extends TenantTable>(table: T): SelectQueryBuilder<Database, T, {}> {
    const qb = this.db.selectFrom(table as TenantTable) as SelectQueryBuilder<Database, TenantTable, {}>;
    return qb.where(`${table}.workspace_id` as never, '=', this.workspaceId as never) as unknown as SelectQueryBuilder<Database, T, {}>;
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

  /** Runs fn in one transaction; nested calls reuse the outer transaction. */
  async transaction<R>(fn: (tdb: TenantDb) => Promise<R>): Promise<R> {
    if (this.db.isTransaction) return fn(this);
    return (this.db as Kysely<Database>).transaction().execute((trx) => fn(new TenantDb(trx, this.workspaceId)));
  }
}
