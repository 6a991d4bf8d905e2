import { SqliteAdapter, sql, type Kysely } from 'kysely';
import { memberCountStatements, recountMemberCounts } from '../seats.ts';

const isSqlite = (db: Kysely<any>) => db.getExecutor().adapter instanceof SqliteAdapter;

// A workspace's members, counted by triggers on members (see ../seats.ts): the overview's "people" read a
// figure instead of counting a million rows on every request.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('member_counts')
    .addColumn('workspace_id', 'text', (c) => c.primaryKey())
    .addColumn('members', 'bigint', (c) => c.notNull())
    .execute();
  await recountMemberCounts(db);
  if (isSqlite(db)) {
    for (const ddl of [
      `CREATE TRIGGER members_count_insert AFTER INSERT ON members BEGIN ${memberCountStatements('NEW')}; END`,
      `CREATE TRIGGER members_count_delete AFTER DELETE ON members BEGIN ${memberCountStatements('OLD')}; END`,
    ]) await sql.raw(ddl).execute(db);
    return;
  }
  // Statement triggers over the transition tables: members come 5,000 to a statement in an import.
  for (const ddl of [
    `CREATE OR REPLACE FUNCTION shequn_members_count_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN ${memberCountStatements('new_rows')}; RETURN NULL; END $$`,
    `CREATE OR REPLACE FUNCTION shequn_members_count_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN ${memberCountStatements('old_rows')}; RETURN NULL; END $$`,
    `CREATE TRIGGER members_count_insert AFTER INSERT ON members REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION shequn_members_count_insert()`,
    `CREATE TRIGGER members_count_delete AFTER DELETE ON members REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION shequn_members_count_delete()`,
  ]) await sql.raw(ddl).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isSqlite(db)) {
    for (const t of ['members_count_insert', 'members_count_delete']) await sql.raw(`DROP TRIGGER ${t}`).execute(db);
  } else {
    for (const t of ['members_count_insert', 'members_count_delete']) await sql.raw(`DROP TRIGGER ${t} ON members`).execute(db);
    for (const f of ['shequn_members_count_insert', 'shequn_members_count_delete']) await sql.raw(`DROP FUNCTION ${f}()`).execute(db);
  }
  await db.schema.dropTable('member_counts').execute();
}
