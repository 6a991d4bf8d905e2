// Seat and member counts kept by the database itself: a scope's open memberships (seats) and the people behind them,
// for the workspace (''), each community ('c:<id>') and each group (its id). Memberships are written from a
// dozen places (joins, leaves, connectors, imports, merges, the demo); triggers on the table are the one
// place that sees them all, so the dashboards read a figure instead of counting a million rows. SQLite runs
// the row statements below in its row triggers (cheap there). PostgreSQL runs set-based statements per INSERT
// and DELETE over their transition tables (bulk inserts come 5,000 rows a statement), and the row statements
// for an UPDATE that changes a seat.
// A membership an unfinished import wrote counts at once (the import's rows are hidden elsewhere until it
// completes; an import undone deletes them, and they are counted out again).
import { sql, type Kysely, type RawBuilder } from 'kysely';

type Row = 'NEW' | 'OLD';

/** The group's community scope, if it has a community (no row otherwise). */
const communityOf = (x: Row) => `SELECT 'c:' || g.community_id FROM groups g WHERE g.id = ${x}.group_id AND g.community_id IS NOT NULL`;

/** One seat of row `x` added (d = 1) or taken away (d = -1), when `cond` holds. */
export function seatStatements(x: Row, d: 1 | -1, cond: string): string[] {
  const scopes = `('', (${communityOf(x)}))`;
  return [
    // The group: one membership per member, so a seat is a person.
    `INSERT INTO scope_seats (workspace_id, scope, seats, people) SELECT ${x}.workspace_id, ${x}.group_id, ${d}, ${d} WHERE ${cond}
      ON CONFLICT (workspace_id, scope) DO UPDATE SET seats = scope_seats.seats + excluded.seats, people = scope_seats.people + excluded.people`,
    // The member's seats in the workspace and in the group's community…
    `INSERT INTO scope_member_seats (workspace_id, scope, member_id, seats)
      SELECT ${x}.workspace_id, s.scope, ${x}.member_id, ${d} FROM (SELECT '' AS scope UNION ALL ${communityOf(x)}) s WHERE ${cond}
      ON CONFLICT (workspace_id, scope, member_id) DO UPDATE SET seats = scope_member_seats.seats + excluded.seats`,
    // …and the scopes' totals: a seat always, a person when the member's count went from 0 to 1 or 1 to 0.
    `INSERT INTO scope_seats (workspace_id, scope, seats, people)
      SELECT m.workspace_id, m.scope, ${d}, CASE WHEN m.seats = ${d > 0 ? 1 : 0} THEN ${d} ELSE 0 END FROM scope_member_seats m
      WHERE m.workspace_id = ${x}.workspace_id AND m.member_id = ${x}.member_id AND m.scope IN ${scopes} AND ${cond}
      ON CONFLICT (workspace_id, scope) DO UPDATE SET seats = scope_seats.seats + excluded.seats, people = scope_seats.people + excluded.people`,
    `DELETE FROM scope_member_seats WHERE workspace_id = ${x}.workspace_id AND member_id = ${x}.member_id AND scope IN ${scopes} AND seats = 0 AND ${cond}`,
  ];
}

/**
 * PostgreSQL: the seat changes of one insert or delete, from its transition table `new_rows` or `old_rows`:
 * every open seat of the new rows counts +1, every open seat of the old rows −1. People change where a member's count in a scope leaves or reaches
 * zero: the counts read before the upsert (one snapshot for all the statement's parts) say which.
 */
export function setSeatStatements(rows: 'new_rows' | 'old_rows'): string[] {
  const deltas = `SELECT workspace_id, group_id, member_id, ${rows === 'new_rows' ? 1 : -1} AS d FROM ${rows} WHERE left_at IS NULL`;
  // Each seat's scopes beyond its group: the workspace, and the group's community if it has one.
  const scopes = `CROSS JOIN LATERAL (SELECT '' AS scope UNION ALL SELECT 'c:' || g.community_id FROM groups g WHERE g.id = d.group_id AND g.community_id IS NOT NULL) s`;
  return [
    `WITH d AS (${deltas}),
    g AS (SELECT workspace_id, group_id, sum(d) AS n FROM d GROUP BY workspace_id, group_id HAVING sum(d) <> 0)
    INSERT INTO scope_seats (workspace_id, scope, seats, people) SELECT workspace_id, group_id, n, n FROM g
    ON CONFLICT (workspace_id, scope) DO UPDATE SET seats = scope_seats.seats + excluded.seats, people = scope_seats.people + excluded.people`,
    `WITH d AS (${deltas}),
    md AS (SELECT d.workspace_id, s.scope, d.member_id, sum(d.d) AS n FROM d ${scopes}
      GROUP BY d.workspace_id, s.scope, d.member_id HAVING sum(d.d) <> 0),
    cur AS (SELECT md.workspace_id, md.scope, md.n, coalesce(m.seats, 0) AS before FROM md
      LEFT JOIN scope_member_seats m ON m.workspace_id = md.workspace_id AND m.scope = md.scope AND m.member_id = md.member_id),
    up AS (INSERT INTO scope_member_seats (workspace_id, scope, member_id, seats) SELECT workspace_id, scope, member_id, n FROM md
      ON CONFLICT (workspace_id, scope, member_id) DO UPDATE SET seats = scope_member_seats.seats + excluded.seats)
    INSERT INTO scope_seats (workspace_id, scope, seats, people)
      SELECT workspace_id, scope, sum(n), sum(CASE WHEN before + n > 0 THEN 1 ELSE 0 END - CASE WHEN before > 0 THEN 1 ELSE 0 END) FROM cur
      GROUP BY workspace_id, scope
    ON CONFLICT (workspace_id, scope) DO UPDATE SET seats = scope_seats.seats + excluded.seats, people = scope_seats.people + excluded.people`,
    // By the whole key: a member's rows without their scope were a scan of the workspace's rows per statement.
    `WITH d AS (${deltas}), md AS (SELECT DISTINCT d.workspace_id, s.scope, d.member_id FROM d ${scopes})
    DELETE FROM scope_member_seats m USING md
      WHERE m.workspace_id = md.workspace_id AND m.scope = md.scope AND m.member_id = md.member_id AND m.seats = 0`,
  ];
}

/** A group moved to another community: both communities are counted again from their memberships. */
export function communityMoveStatements(): string[] {
  const both = `('c:' || OLD.community_id, 'c:' || NEW.community_id)`;
  return [
    `DELETE FROM scope_member_seats WHERE workspace_id = NEW.workspace_id AND scope IN ${both}`,
    `INSERT INTO scope_member_seats (workspace_id, scope, member_id, seats)
      SELECT m.workspace_id, 'c:' || g.community_id, m.member_id, count(*) FROM memberships m JOIN groups g ON g.id = m.group_id
      WHERE g.workspace_id = NEW.workspace_id AND g.community_id IN (OLD.community_id, NEW.community_id) AND m.left_at IS NULL
      GROUP BY m.workspace_id, g.community_id, m.member_id`,
    `DELETE FROM scope_seats WHERE workspace_id = NEW.workspace_id AND scope IN ${both}`,
    `INSERT INTO scope_seats (workspace_id, scope, seats, people)
      SELECT workspace_id, scope, sum(seats), count(*) FROM scope_member_seats WHERE workspace_id = NEW.workspace_id AND scope IN ${both}
      GROUP BY workspace_id, scope`,
  ];
}

/**
 * A workspace's members counted up (a new row, or the transition table `new_rows`) or down (`OLD`, `old_rows`).
 * Members an unfinished import wrote count at once, like its seats.
 */
export function memberCountStatements(x: Row | 'new_rows' | 'old_rows'): string {
  const d = x === 'NEW' || x === 'new_rows' ? 1 : -1;
  const rows = x === 'NEW' || x === 'OLD' ? `SELECT ${x}.workspace_id, ${d}` : `SELECT workspace_id, ${d} * count(*) FROM ${x} GROUP BY workspace_id`;
  // WHERE TRUE: SQLite's upsert after a SELECT needs it to tell ON CONFLICT from a join's ON.
  return `INSERT INTO member_counts (workspace_id, members) SELECT * FROM (${rows}) c WHERE TRUE
    ON CONFLICT (workspace_id) DO UPDATE SET members = member_counts.members + excluded.members`;
}

/** Every seat count of one workspace (or all) recomputed from the memberships: the migration's start, and a rebuild. */
export function recountStatements(workspaceId?: string): RawBuilder<unknown>[] {
  const ws = (col: string) => (workspaceId === undefined ? sql`TRUE` : sql`${sql.ref(col)} = ${workspaceId}`);
  return [
    sql`DELETE FROM scope_member_seats WHERE ${ws('workspace_id')}`,
    sql`DELETE FROM scope_seats WHERE ${ws('workspace_id')}`,
    sql`INSERT INTO scope_member_seats (workspace_id, scope, member_id, seats)
      SELECT workspace_id, '', member_id, count(*) FROM memberships WHERE left_at IS NULL AND ${ws('workspace_id')} GROUP BY workspace_id, member_id`,
    sql`INSERT INTO scope_member_seats (workspace_id, scope, member_id, seats)
      SELECT m.workspace_id, 'c:' || g.community_id, m.member_id, count(*) FROM memberships m JOIN groups g ON g.id = m.group_id
      WHERE m.left_at IS NULL AND g.community_id IS NOT NULL AND ${ws('m.workspace_id')} GROUP BY m.workspace_id, g.community_id, m.member_id`,
    sql`INSERT INTO scope_seats (workspace_id, scope, seats, people)
      SELECT workspace_id, scope, sum(seats), count(*) FROM scope_member_seats WHERE ${ws('workspace_id')} GROUP BY workspace_id, scope`,
    sql`INSERT INTO scope_seats (workspace_id, scope, seats, people)
      SELECT workspace_id, group_id, count(*), count(*) FROM memberships WHERE left_at IS NULL AND ${ws('workspace_id')} GROUP BY workspace_id, group_id`,
  ];
}

export async function recountSeats(db: Kysely<any>, workspaceId?: string): Promise<void> {
  for (const s of recountStatements(workspaceId)) await s.execute(db);
}

/** A workspace's member count (or every workspace's) recomputed from its members. */
export async function recountMemberCounts(db: Kysely<any>, workspaceId?: string): Promise<void> {
  const ws = workspaceId === undefined ? sql`TRUE` : sql`workspace_id = ${workspaceId}`;
  await sql`DELETE FROM member_counts WHERE ${ws}`.execute(db);
  await sql`INSERT INTO member_counts (workspace_id, members) SELECT workspace_id, count(*) FROM members WHERE ${ws} GROUP BY workspace_id`.execute(db);
}
