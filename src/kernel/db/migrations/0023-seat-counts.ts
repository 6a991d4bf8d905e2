import { SqliteAdapter, sql, type Kysely } from 'kysely';
import { communityMoveStatements, recountSeats, seatStatements, setSeatStatements } from '../seats.ts';

const isSqlite = (db: Kysely<any>) => db.getExecutor().adapter instanceof SqliteAdapter;

// Seats and people per scope, kept by triggers on memberships and groups (see ../seats.ts for why), and
// filled from the memberships already there.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('scope_member_seats')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('member_id', 'text', (c) => c.notNull())
    .addColumn('seats', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('scope_member_seats_pk', ['workspace_id', 'scope', 'member_id'])
    .execute();
  await db.schema
    .createTable('scope_seats')
    .addColumn('workspace_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('seats', 'bigint', (c) => c.notNull())
    .addColumn('people', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('scope_seats_pk', ['workspace_id', 'scope'])
    .execute();
  await recountSeats(db);

  const moved = communityMoveStatements();
  // An update that changes whether a seat is open, or whose seat it is.
  const seatChanged = `(OLD.left_at IS NULL) <> (NEW.left_at IS NULL) OR OLD.group_id <> NEW.group_id OR OLD.member_id <> NEW.member_id`;
  const body = (stmts: string[]) => stmts.map((s) => `${s};`).join('\n');
  if (isSqlite(db)) {
    for (const ddl of [
      `CREATE TRIGGER memberships_seat_insert AFTER INSERT ON memberships WHEN NEW.left_at IS NULL BEGIN ${body(seatStatements('NEW', 1, 'TRUE'))} END`,
      `CREATE TRIGGER memberships_seat_delete AFTER DELETE ON memberships WHEN OLD.left_at IS NULL BEGIN ${body(seatStatements('OLD', -1, 'TRUE'))} END`,
      `CREATE TRIGGER memberships_seat_update AFTER UPDATE OF left_at, group_id, member_id ON memberships WHEN ${seatChanged} BEGIN
        ${body(seatStatements('OLD', -1, 'OLD.left_at IS NULL'))}
        ${body(seatStatements('NEW', 1, 'NEW.left_at IS NULL'))}
      END`,
      `CREATE TRIGGER groups_seat_community AFTER UPDATE OF community_id ON groups WHEN OLD.community_id IS NOT NEW.community_id BEGIN ${body(moved)} END`,
      `CREATE TRIGGER groups_seat_delete AFTER DELETE ON groups BEGIN DELETE FROM scope_seats WHERE workspace_id = OLD.workspace_id AND scope = OLD.id; END`,
    ]) await sql.raw(ddl).execute(db);
    return;
  }
  // Inserts and deletes come in bulk (5,000 rows a statement): statement triggers over their transition tables,
  // one function each, as PostgreSQL gives transition tables only to a trigger of one event. Updates come a row
  // at a time, and most touch other columns (an import moves joined_at on every join it reads): a row trigger
  // that fires only when a seat changes, as a statement trigger with transition tables cannot name columns.
  const fn = (name: string, rows: 'new_rows' | 'old_rows') => `CREATE OR REPLACE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      ${body(setSeatStatements(rows))}
      RETURN NULL;
    END $$`;
  for (const ddl of [
    fn('shequn_memberships_seats_insert', 'new_rows'),
    fn('shequn_memberships_seats_delete', 'old_rows'),
    `CREATE OR REPLACE FUNCTION shequn_memberships_seats_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF OLD.left_at IS NULL THEN ${body(seatStatements('OLD', -1, 'TRUE'))} END IF;
      IF NEW.left_at IS NULL THEN ${body(seatStatements('NEW', 1, 'TRUE'))} END IF;
      RETURN NULL;
    END $$`,
    `CREATE TRIGGER memberships_seat_insert AFTER INSERT ON memberships REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION shequn_memberships_seats_insert()`,
    `CREATE TRIGGER memberships_seat_delete AFTER DELETE ON memberships REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION shequn_memberships_seats_delete()`,
    `CREATE TRIGGER memberships_seat_update AFTER UPDATE OF left_at, group_id, member_id ON memberships FOR EACH ROW WHEN (${seatChanged}) EXECUTE FUNCTION shequn_memberships_seats_update()`,
    `CREATE OR REPLACE FUNCTION shequn_groups_seats() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP = 'DELETE' THEN
        DELETE FROM scope_seats WHERE workspace_id = OLD.workspace_id AND scope = OLD.id;
      ELSE
        ${body(moved)}
      END IF;
      RETURN NULL;
    END $$`,
    `CREATE TRIGGER groups_seat_community AFTER UPDATE OF community_id ON groups FOR EACH ROW WHEN (OLD.community_id IS DISTINCT FROM NEW.community_id) EXECUTE FUNCTION shequn_groups_seats()`,
    `CREATE TRIGGER groups_seat_delete AFTER DELETE ON groups FOR EACH ROW EXECUTE FUNCTION shequn_groups_seats()`,
  ]) await sql.raw(ddl).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  if (isSqlite(db)) {
    for (const t of ['memberships_seat_insert', 'memberships_seat_delete', 'memberships_seat_update', 'groups_seat_community', 'groups_seat_delete']) await sql.raw(`DROP TRIGGER ${t}`).execute(db);
  } else {
    for (const [t, on] of [['memberships_seat_insert', 'memberships'], ['memberships_seat_delete', 'memberships'], ['memberships_seat_update', 'memberships'], ['groups_seat_community', 'groups'], ['groups_seat_delete', 'groups']]) {
      await sql.raw(`DROP TRIGGER ${t} ON ${on}`).execute(db);
    }
    for (const f of ['shequn_memberships_seats_insert', 'shequn_memberships_seats_delete', 'shequn_memberships_seats_update', 'shequn_groups_seats']) await sql.raw(`DROP FUNCTION ${f}()`).execute(db);
  }
  for (const t of ['scope_seats', 'scope_member_seats']) await db.schema.dropTable(t).execute();
}
