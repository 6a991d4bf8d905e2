// Member search: one driving index range, ordered by (joined_at, id), plus residual predicates,
// so that a page of 50 stops early instead of sorting every match. A text query may match a name,
// a handle, a phone or an e-mail; each of those drives its own range and the pages are merged.
import { sql, type ExpressionBuilder, type SelectQueryBuilder } from 'kysely';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { decodeCursor, encodeCursor, type Cursor } from '../../kernel/cursor.ts';
import { normalize, normalizePhone, term } from './member.terms.ts';
import { toMember } from './member.service.ts';
import type { Member, MemberSearch } from './member.schema.ts';

type Filters = Omit<MemberSearch, 'limit' | 'cursor' | 'sort'>;
type MemberRow = Database['members'];

type Driver =
  | { kind: 'term'; term: string; residual?: Residual }
  | { kind: 'column'; column: 'city' | 'stage' | 'phone_last4' | 'email'; value: string; also?: { circle: string } }
  | { kind: 'circle'; circle: string; stage: string }
  | { kind: 'all' };

type Residual = { nameLike?: string; handleLike?: string; phonePrefix?: string };

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function textDrivers(qRaw: string): Driver[] {
  const q = normalize(qRaw.trim());
  const chars = Array.from(q);
  const drivers: Driver[] = [];
  // Name: 1–2 characters hit a posting directly; longer queries ride the first bigram and confirm with LIKE.
  if (chars.length <= 2) drivers.push({ kind: 'term', term: term.name(q) });
  else drivers.push({ kind: 'term', term: term.name(chars.slice(0, 2).join('')), residual: { nameLike: `%${escapeLike(q)}%` } });
  // Handle: trigram postings; a short query matches a short handle exactly.
  if (chars.length < 3) drivers.push({ kind: 'term', term: term.handle(q) });
  else drivers.push({ kind: 'term', term: term.handle(chars.slice(0, 3).join('')), residual: { handleLike: `%${escapeLike(q)}%` } });
  const digits = q.replace(/[\s()-]/g, '');
  if (/^\+?\d{3,}$/.test(digits)) {
    // Normalised as stored (a +86 mainland mobile loses its country code), then matched on digits alone.
    const d = (normalizePhone(digits) ?? digits).replace(/^\+/, '');
    if (d.length === 4) drivers.push({ kind: 'column', column: 'phone_last4', value: d });
    if (d.length === 3 || d.length === 7) drivers.push({ kind: 'term', term: term.phonePrefix(d) });
    else if (d.length > 3 && d.length < 7) drivers.push({ kind: 'term', term: term.phonePrefix(d.slice(0, 3)), residual: { phonePrefix: d } });
    else if (d.length > 7) drivers.push({ kind: 'term', term: term.phonePrefix(d.slice(0, 7)), residual: { phonePrefix: d } });
  }
  if (q.includes('@')) drivers.push({ kind: 'column', column: 'email', value: q });
  return drivers;
}

/** Every index range the structured filters could drive (the circle+stage index needs both). */
function structuredDrivers(f: Filters): Driver[] {
  const out: Driver[] = [];
  for (const t of f.tag ?? []) out.push({ kind: 'term', term: term.tag(normalize(t)) });
  if (f.groupId) out.push({ kind: 'term', term: term.group(f.groupId) });
  if (f.city) out.push({ kind: 'column', column: 'city', value: f.city });
  if (f.circle && f.stage) out.push({ kind: 'circle', circle: f.circle, stage: f.stage });
  else if (f.stage) out.push({ kind: 'column', column: 'stage', value: f.stage });
  return out;
}

const ESTIMATE_CAP = 2000;

/**
 * How many rows a driver's range holds, counted up to a cap: cheap (an index walk of at most 2,000
 * entries) and enough to tell a rare tag from a common surname, so a combined query drives from the
 * narrower range instead of filtering a long one.
 */
async function estimate(ctx: Ctx, d: Driver): Promise<number> {
  let range;
  if (d.kind === 'term') range = ctx.tdb.selectFrom('member_terms').where('term', '=', d.term);
  else if (d.kind === 'column') range = ctx.tdb.selectFrom('members').where(d.column, '=', d.value);
  else if (d.kind === 'circle') range = ctx.tdb.selectFrom('members').where('circle', '=', d.circle).where('stage', '=', d.stage);
  else return Number.MAX_SAFE_INTEGER;
  // Counted in the database: 2,000 rows brought to JS to be counted cost more than the search itself.
  return ctx.tdb.countUpTo(range as SelectQueryBuilder<Database, any, object>, ESTIMATE_CAP);
}

/** The driving ranges for a search, and the text match to check as a residual when a filter drives instead. */
async function plan(ctx: Ctx, f: Filters): Promise<{ drivers: Driver[]; textMatch?: Driver[] }> {
  const structured = structuredDrivers(f);
  const text = f.q ? textDrivers(f.q) : [];
  if (structured.length === 0) return { drivers: text.length ? text : [{ kind: 'all' }] };
  if (text.length === 0 && structured.length === 1) return { drivers: structured };
  const counts = await Promise.all(structured.map((d) => estimate(ctx, d)));
  const best = counts.indexOf(Math.min(...counts));
  if (text.length) {
    const textCount = (await Promise.all(text.map((d) => estimate(ctx, d)))).reduce((a, b) => a + b, 0);
    if (textCount <= counts[best]!) return { drivers: text };
    return { drivers: [structured[best]!], textMatch: text };
  }
  return { drivers: [structured[best]!] };
}

export interface SearchPage {
  items: Member[];
  nextCursor: string | null;
}

export async function searchMembers(ctx: Ctx, search: MemberSearch): Promise<SearchPage> {
  ctx.authorize('member.read');
  const cursor = decodeCursor(search.cursor);
  const { drivers, textMatch } = await plan(ctx, search);
  const desc = search.sort === '-joinedAt';
  const visibility = await ctx.visibility();
  // A group the actor cannot see has no members for it (not even those it can see through other groups).
  if (search.groupId && !visibility.all && !visibility.groupIds.has(search.groupId)) return { items: [], nextCursor: null };
  const scopeGroups = visibility.all ? null : [...visibility.groupIds];
  const pages = await Promise.all(drivers.map((d) => runDriver(ctx, d, search, cursor, desc, scopeGroups, textMatch)));
  const seen = new Set<string>();
  const merged: MemberRow[] = [];
  for (const row of pages.flat()) if (!seen.has(row.id)) seen.add(row.id) && merged.push(row);
  const cmp = (a: MemberRow, b: MemberRow) => Number(a.joined_at) - Number(b.joined_at) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  merged.sort((a, b) => (desc ? cmp(b, a) : cmp(a, b)));
  const page = merged.slice(0, search.limit);
  const last = page[page.length - 1];
  return { items: page.map(toMember), nextCursor: merged.length > search.limit && last ? encodeCursor(Number(last.joined_at), last.id) : null };
}

async function runDriver(
  ctx: Ctx,
  driver: Driver,
  f: MemberSearch,
  cursor: Cursor | undefined,
  desc: boolean,
  scopeGroups: string[] | null,
  textMatch?: Driver[],
): Promise<MemberRow[]> {
  const ws = ctx.workspaceId;
  const dir = desc ? 'desc' : 'asc';
  const from = f.joinedFrom ? Date.parse(f.joinedFrom) : undefined;
  const to = f.joinedTo ? Date.parse(f.joinedTo) : undefined;

  // The columns that order the driving range: the posting's own copy for term drivers, the member's otherwise.
  const termDriven = driver.kind === 'term';
  const keyCol = termDriven ? 'member_terms.joined_at' : 'members.joined_at';
  const idCol = termDriven ? 'member_terms.member_id' : 'members.id';

  let q: SelectQueryBuilder<Database, any, MemberRow>;
  if (driver.kind === 'term') {
    q = ctx.tdb
      .selectFrom('member_terms')
      .innerJoin('members', 'members.id', 'member_terms.member_id')
      .selectAll('members')
      .where('member_terms.term', '=', driver.term)
      .where('members.workspace_id', '=', ws) as any;
  } else {
    let base = ctx.tdb.selectFrom('members').selectAll('members');
    if (driver.kind === 'column') base = base.where(`members.${driver.column}`, '=', driver.value);
    if (driver.kind === 'circle') base = base.where('members.circle', '=', driver.circle).where('members.stage', '=', driver.stage);
    q = base as any;
  }
  const ref = (c: string) => sql.ref(c);
  if (from !== undefined) q = q.where(ref(keyCol), '>=', from);
  if (to !== undefined) q = q.where(ref(keyCol), '<=', to);
  if (cursor) {
    // A row-value comparison is one index range on both dialects; the equivalent OR made SQLite drop the
    // ordered range and walk (and sort) every match, 500 ms for page 2 at a million members.
    const op = sql.raw(desc ? '<' : '>');
    q = q.where(sql<boolean>`(${ref(keyCol)}, ${ref(idCol)}) ${op} (${cursor.key}, ${cursor.id})`);
  }

  // Residual predicates: every filter the driver does not already apply.
  if (f.city && !(driver.kind === 'column' && driver.column === 'city')) q = q.where('members.city', '=', f.city);
  if (f.stage && !(driver.kind === 'circle' || (driver.kind === 'column' && driver.column === 'stage'))) q = q.where('members.stage', '=', f.stage);
  if (f.circle && driver.kind !== 'circle') q = q.where('members.circle', '=', f.circle);
  const postingTerms = [...(f.tag ?? []).map((t) => term.tag(normalize(t))), ...(f.groupId ? [term.group(f.groupId)] : [])].filter(
    (t) => !(driver.kind === 'term' && driver.term === t),
  );
  for (const t of postingTerms) {
    q = q.where((eb: ExpressionBuilder<any, any>) =>
      eb.exists(
        eb
          .selectFrom('member_terms as t2')
          .select(sql.lit(1).as('one'))
          .where('t2.workspace_id', '=', ws)
          .where('t2.term', '=', t)
          .whereRef('t2.joined_at', '=', 'members.joined_at')
          .whereRef('t2.member_id', '=', 'members.id'),
      ),
    );
  }
  const residual = driver.kind === 'term' ? driver.residual : undefined;
  if (residual) q = q.where((eb: ExpressionBuilder<any, any>) => eb.and(residualChecks(eb, residual)));
  // A filter drives: the text must match through any of its ways (name, handle, phone, e-mail).
  if (textMatch) q = q.where((eb: ExpressionBuilder<any, any>) => eb.or(textMatch.map((d) => matches(eb, ws, d))));
  if (scopeGroups) {
    const groups = scopeGroups.length ? scopeGroups : [''];
    q = q.where((eb: ExpressionBuilder<any, any>) =>
      eb.exists(
        eb
          .selectFrom('memberships as ms')
          .select(sql.lit(1).as('one'))
          .whereRef('ms.member_id', '=', 'members.id')
          .where('ms.group_id', 'in', groups),
      ),
    );
  }
  return q.orderBy(ref(keyCol), dir).orderBy(ref(idCol), dir).limit(f.limit + 1).execute();
}

function residualChecks(eb: ExpressionBuilder<any, any>, r: Residual) {
  const checks = [];
  if (r.nameLike) checks.push(eb(sql`lower(members.display_name)`, 'like', sql`${r.nameLike} escape '\\'`));
  // Stored international numbers keep their leading + (normalizePhone), postings and queries are digits only.
  if (r.phonePrefix) checks.push(eb.or([eb('members.phone', 'like', `${r.phonePrefix}%`), eb('members.phone', 'like', `+${r.phonePrefix}%`)]));
  if (r.handleLike) {
    // A scalar subquery, not EXISTS: PostgreSQL turns EXISTS into a semi-join, misjudges a common substring
    // as rare, and scans every identity (1.4 s at 1M members); this stays a per-row probe of the member's
    // identities while the postings drive the page in order.
    checks.push(
      eb(
        eb.selectFrom('identities as i').select(sql.lit(1).as('one')).whereRef('i.member_id', '=', 'members.id')
          .where(sql`lower(i.handle)`, 'like', sql`${r.handleLike} escape '\\'`).limit(1),
        'is not',
        null,
      ),
    );
  }
  return checks;
}

/** Whether the member in the outer query is one a text driver would have found: a posting probe or a column. */
function matches(eb: ExpressionBuilder<any, any>, ws: string, d: Driver) {
  if (d.kind === 'column') return eb(`members.${d.column}`, '=', d.value);
  if (d.kind !== 'term') return eb.val(true);
  const posting = eb.exists(
    eb
      .selectFrom('member_terms as t3')
      .select(sql.lit(1).as('one'))
      .where('t3.workspace_id', '=', ws)
      .where('t3.term', '=', d.term)
      .whereRef('t3.joined_at', '=', 'members.joined_at')
      .whereRef('t3.member_id', '=', 'members.id'),
  );
  return d.residual ? eb.and([posting, ...residualChecks(eb, d.residual)]) : posting;
}
