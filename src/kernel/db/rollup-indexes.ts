// The rollup tables' secondary indexes, as migrations 0019, 0030, 0036 and 0037 leave them. A rebuild of millions of
// activities counts member by member, so these indexes (keyed by period, first reach, day or span) took its
// rows in random order: at 1,000,000 members on SQLite they outgrew the page cache and the rebuild slowed from
// 14,700 to 1,200 activities a second. A big rebuild drops them and makes them again at the end, from sorted
// rows. The primary keys stay: the rebuild's upserts and lookups go by them.
import { sql, type Kysely } from 'kysely';

export const ROLLUP_INDEXES = [
  { name: 'member_periods_period', table: 'member_periods', columns: ['workspace_id', 'scope', 'period', 'member_id'] },
  { name: 'member_milestones_first', table: 'member_milestones', columns: ['workspace_id', 'scope', 'milestone', 'first_at'] },
  { name: 'scope_events_first', table: 'scope_events', columns: ['workspace_id', 'scope', 'first_at'] },
  { name: 'group_spans_span', table: 'group_spans', columns: ['workspace_id', 'span', 'scope', 'messages', 'joins', 'leaves', 'revenue'] },
  { name: 'period_actives_period', table: 'period_actives', columns: ['workspace_id', 'period', 'scope', 'n'] },
] as const;

/** The rollup indexes that exist now. */
async function present(db: Kysely<any>, dialect: 'sqlite' | 'postgres'): Promise<Set<string>> {
  const names = sql.join(ROLLUP_INDEXES.map((i) => i.name));
  const q = dialect === 'sqlite'
    ? sql<{ name: string }>`select name from sqlite_master where type = 'index' and name in (${names})`
    : sql<{ name: string }>`select indexname as name from pg_indexes where schemaname = current_schema() and indexname in (${names})`;
  return new Set((await q.execute(db)).rows.map((r) => r.name));
}

export async function dropRollupIndexes(db: Kysely<any>): Promise<void> {
  for (const i of ROLLUP_INDEXES) await db.schema.dropIndex(i.name).ifExists().execute();
}

/** Makes the rollup indexes that are missing (after a big rebuild, or one that stopped half-way). */
export async function ensureRollupIndexes(db: Kysely<any>, dialect: 'sqlite' | 'postgres'): Promise<string[]> {
  const have = await present(db, dialect);
  const made: string[] = [];
  for (const i of ROLLUP_INDEXES) {
    if (have.has(i.name)) continue;
    await db.schema.createIndex(i.name).on(i.table).columns([...i.columns]).execute();
    made.push(i.name);
  }
  return made;
}
