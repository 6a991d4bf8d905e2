// 网络声量 Voice: what the groups talk about and how they feel, from the text of their messages. Each message
// is cut into words by jieba (Intl.Segmenter splits 普洱茶 and 社群 wrongly), its top keywords counted by day,
// and its sentiment judged with the lexicon. The engine reads new messages behind a checkpoint (a burst of
// chat does not wait on it, and the ingest path pays nothing); an import's messages are read when it is
// published. Official posts (OGC) are left out: voice is what the members say. Kept for the workspace and each community: topics, positive and negative shares, and negative
// spikes with the messages behind them.
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { invalid } from '../../kernel/errors.ts';
import { dayDate, localDayHour } from './calendar.ts';
import { resolveRange, resolveScope, type DashboardQuery } from './dashboard.ts';
import { analyticsTimezone, communityScope } from './rollup.ts';
import { sentimentOf, STOP_WORDS } from './voice.lexicon.ts';

type Jieba = import('@node-rs/jieba').Jieba;
type TfIdf = import('@node-rs/jieba').TfIdf;
let loaded: Promise<{ jieba: Jieba; tfidf: TfIdf }> | null = null;
/** jieba's dictionaries take a third of a second to load: only once, and only where voice runs. */
const analyzer = () => (loaded ??= (async () => {
  const { Jieba, TfIdf } = await import('@node-rs/jieba');
  const { dict, idf } = await import('@node-rs/jieba/dict.js');
  return { jieba: Jieba.withDict(dict), tfidf: TfIdf.withDict(idf) };
})());

const KEYWORDS_PER_MESSAGE = 3;
/** Parts of speech a topic can be: nouns (incl. names, places, brands), verbs used as nouns, idioms. */
const TOPIC_POS = ['n', 'nr', 'ns', 'nt', 'nz', 'vn', 'nw', 'l', 'i', 'eng'];
const MAX_TEXT = 2000;

export interface Reading {
  terms: string[];
  sentiment: -1 | 0 | 1;
}

/** The keywords and the sentiment of one message's text. */
export async function read(text: string): Promise<Reading> {
  const { jieba, tfidf } = await analyzer();
  const t = text.slice(0, MAX_TEXT);
  const words = jieba.cut(t, false);
  const terms = tfidf.extractKeywords(jieba, t, KEYWORDS_PER_MESSAGE * 2, TOPIC_POS)
    .map((k) => k.keyword.trim()).filter((k) => k.length >= 2 && !STOP_WORDS.has(k) && !/^\d+$/.test(k)).slice(0, KEYWORDS_PER_MESSAGE);
  return { terms, sentiment: sentimentOf(words) };
}

type Row = Pick<Database['activities'], 'id' | 'member_id' | 'group_id' | 'occurred_at' | 'payload' | 'content_source'>;

interface VoiceDeltas {
  days: Map<string, { scope: string; day: number; messages: number; positive: number; negative: number; replies: number }>;
  terms: Map<string, { scope: string; day: number; term: string; n: number }>;
  negatives: { activity_id: string; group_id: string | null; day: number }[];
}

/** Reads messages into deltas: the slow part (jieba), done before any write lock is taken. */
async function analyze(ctx: Ctx, rows: Row[]): Promise<VoiceDeltas> {
  const d: VoiceDeltas = { days: new Map(), terms: new Map(), negatives: [] };
  if (!rows.length) return d;
  const tz = await analyticsTimezone(ctx);
  const groupIds = [...new Set(rows.flatMap((r) => (r.group_id ? [r.group_id] : [])))];
  const communityOf = new Map<string, string>();
  for (let i = 0; i < groupIds.length; i += 500) {
    for (const g of await ctx.tdb.withStaged().selectFrom('groups').select(['id', 'community_id']).where('id', 'in', groupIds.slice(i, i + 500)).execute()) communityOf.set(g.id, g.community_id);
  }
  const payloads = rows.map((r) => {
    try {
      return JSON.parse(r.payload) as { text?: unknown; caption?: unknown; replyTo?: unknown };
    } catch {
      return {}; // a payload that is not JSON has no text
    }
  });
  // Replies between members: a member's message answering another member's (the quoted message's author).
  const quoted = [...new Set(rows.flatMap((r, i) => (r.member_id && typeof payloads[i]!.replyTo === 'string' ? [payloads[i]!.replyTo as string] : [])))];
  const authorOf = new Map<string, string | null>();
  for (let i = 0; i < quoted.length; i += 500) {
    for (const a of await ctx.tdb.withStaged().selectFrom('activities').select(['id', 'member_id']).where('id', 'in', quoted.slice(i, i + 500)).execute()) authorOf.set(a.id, a.member_id);
  }
  for (const [i, r] of rows.entries()) {
    // The members' voice: official posts (OGC: notices, rules, announcements) are the operators', not theirs.
    if (r.content_source === 'OGC') continue;
    const p = payloads[i]!;
    const text = typeof p.text === 'string' ? p.text : typeof p.caption === 'string' ? p.caption : '';
    const to = typeof p.replyTo === 'string' ? authorOf.get(p.replyTo) : null;
    const reply = !!(r.member_id && to && to !== r.member_id);
    const { day } = localDayHour(Number(r.occurred_at), tz);
    const reading = text.trim() ? await read(text) : { terms: [], sentiment: 0 as const };
    const community = r.group_id ? communityOf.get(r.group_id) : undefined;
    for (const scope of ['', ...(community ? [communityScope(community)] : [])]) {
      const k = `${scope}|${day}`;
      const x = d.days.get(k) ?? { scope, day, messages: 0, positive: 0, negative: 0, replies: 0 };
      x.messages++;
      if (reply) x.replies++;
      if (reading.sentiment > 0) x.positive++;
      if (reading.sentiment < 0) x.negative++;
      d.days.set(k, x);
      for (const term of reading.terms) {
        const tk = `${k}|${term}`;
        const t = d.terms.get(tk);
        if (t) t.n++;
        else d.terms.set(tk, { scope, day, term, n: 1 });
      }
    }
    if (reading.sentiment < 0) d.negatives.push({ activity_id: r.id, group_id: r.group_id, day });
  }
  return d;
}

/** Adds read messages to the voice rollups (the caller's transaction). */
async function applyVoice(tx: Ctx, d: VoiceDeltas): Promise<void> {
  const chunk = <T>(xs: T[]) => Array.from({ length: Math.ceil(xs.length / 1000) }, (_, i) => xs.slice(i * 1000, (i + 1) * 1000));
  for (const c of chunk([...d.days.values()])) {
    await tx.tdb.insertInto('voice_days', c).onConflict((oc) => oc.columns(['workspace_id', 'scope', 'day']).doUpdateSet((eb) => ({
      messages: eb('voice_days.messages', '+', eb.ref('excluded.messages')), positive: eb('voice_days.positive', '+', eb.ref('excluded.positive')),
      negative: eb('voice_days.negative', '+', eb.ref('excluded.negative')), replies: eb('voice_days.replies', '+', eb.ref('excluded.replies')),
    }))).execute();
  }
  for (const c of chunk([...d.terms.values()])) {
    await tx.tdb.insertInto('term_days', c).onConflict((oc) => oc.columns(['workspace_id', 'scope', 'day', 'term']).doUpdateSet((eb) => ({
      n: eb('term_days.n', '+', eb.ref('excluded.n')),
    }))).execute();
  }
  for (const c of chunk(d.negatives)) await tx.tdb.insertInto('voice_negatives', c).onConflict((oc) => oc.columns(['workspace_id', 'activity_id']).doNothing()).execute();
}

const COLUMNS = ['id', 'member_id', 'group_id', 'occurred_at', 'payload', 'created_at', 'content_source'] as const;

/**
 * Reads the messages written since the checkpoint (not an import's: those are read when it is published),
 * up to `limit`, and moves the checkpoint past them in the same transaction. Returns how many were read.
 */
export async function runVoice(ctx: Ctx, limit = 2000): Promise<number> {
  // Read and analysed outside any transaction; the write is short and only lands if no one moved the
  // checkpoint meanwhile (a write lock held across jieba's work would stall every other writer).
  const cp = await ctx.tdb.selectFrom('voice_checkpoints').select(['created_at', 'activity_id']).executeTakeFirst();
  let q = ctx.tdb.selectFrom('activities').select(COLUMNS).where('kind', '=', 'message').where('import_id', 'is', null).orderBy('created_at').orderBy('id').limit(limit);
  if (cp) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(Number(cp.created_at), cp.activity_id)));
  const rows = await q.execute();
  if (!rows.length) return 0;
  const deltas = await analyze(ctx, rows);
  const last = rows[rows.length - 1]!;
  const row = { created_at: Number(last.created_at), activity_id: last.id };
  return ctx.transaction(async (tx) => {
    const now = await tx.tdb.selectFrom('voice_checkpoints').select(['created_at', 'activity_id']).executeTakeFirst();
    const at = (c: typeof cp) => (c ? `${Number(c.created_at)}|${c.activity_id}` : '');
    if (at(now) !== at(cp)) return 0;
    await applyVoice(tx, deltas);
    await tx.tdb.insertInto('voice_checkpoints', row).onConflict((oc) => oc.column('workspace_id').doUpdateSet(row)).execute();
    return rows.length;
  });
}

/** An import's messages, read when it is published (the runner never reads imported rows). */
export async function addImportToVoice(tx: Ctx, importId: string, startedAt: number): Promise<void> {
  let after: { created: number; id: string } | null = null;
  for (;;) {
    let q = tx.tdb.selectFrom('activities').select(COLUMNS).where('import_id', '=', importId).where('kind', '=', 'message').where('created_at', '>=', startedAt)
      .orderBy('created_at').orderBy('id').limit(5000);
    const c = after;
    if (c) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(c.created, c.id)));
    const rows = await q.execute();
    if (!rows.length) return;
    await applyVoice(tx, await analyze(tx, rows));
    const last = rows[rows.length - 1]!;
    after = { created: Number(last.created_at), id: last.id };
  }
}

/** Forgets the voice rollups: the runner reads every message again (after a rebuild or a time-zone change). */
export async function resetVoice(tx: Ctx): Promise<void> {
  for (const t of ['voice_days', 'term_days', 'voice_negatives', 'voice_checkpoints'] as const) await tx.tdb.deleteFrom(t).execute();
}

const SPIKE_MIN = 5;
const SPIKE_FACTOR = 3;

/** Topics, sentiment by day, and the days where negative messages spiked, with the messages behind them. */
export async function voice(ctx: Ctx, q: DashboardQuery) {
  ctx.authorize('activity.read');
  if (q.groupId) throw invalid([{ field: 'groupId', reason: 'voice is kept for the workspace and for communities; pick the group\'s community' }]);
  const [scope, range] = [await resolveScope(ctx, q), await resolveRange(ctx, q)];
  const span = range.lastDay - range.firstDay + 1;
  // The days before the range too: a spike is judged against the 14 days before it, and trends against the last period.
  const from = range.firstDay - Math.max(14, span);
  const dayRows = await ctx.tdb.selectFrom('voice_days').select(['day', 'messages', 'positive', 'negative', 'replies'])
    .where('scope', '=', scope.key).where('day', '>=', from).where('day', '<=', range.lastDay).execute();
  const byDay = new Map(dayRows.map((r) => [Number(r.day), { messages: Number(r.messages), positive: Number(r.positive), negative: Number(r.negative), replies: Number(r.replies) }]));
  const days = Array.from({ length: span }, (_, i) => range.firstDay + i).map((d) => ({ date: dayDate(d), day: d, ...(byDay.get(d) ?? { messages: 0, positive: 0, negative: 0, replies: 0 }) }));
  const total = days.reduce((t, d) => ({ messages: t.messages + d.messages, positive: t.positive + d.positive, negative: t.negative + d.negative, replies: t.replies + d.replies }), { messages: 0, positive: 0, negative: 0, replies: 0 });
  const termCounts = async (lo: number, hi: number) => new Map((await ctx.tdb.selectFrom('term_days').select(['term', (eb) => eb.fn.sum<number>('n').as('n')])
    .where('scope', '=', scope.key).where('day', '>=', lo).where('day', '<=', hi).groupBy('term').orderBy((eb) => eb.fn.sum('n'), 'desc').limit(200).execute())
    .map((r) => [r.term, Number(r.n)]));
  const now = await termCounts(range.firstDay, range.lastDay);
  const before = await termCounts(range.firstDay - span, range.firstDay - 1);
  const topics = [...now.entries()].slice(0, 30).map(([term, n]) => ({ term, mentions: n, before: before.get(term) ?? 0 }));
  // Rising: the most mentioned now against before (new terms count as rising from 0), at least 3 mentions.
  const rising = [...now.entries()].filter(([, n]) => n >= 3).map(([term, n]) => ({ term, mentions: n, before: before.get(term) ?? 0, growth: (n + 1) / ((before.get(term) ?? 0) + 1) }))
    .sort((a, b) => b.growth - a.growth || b.mentions - a.mentions).slice(0, 10);
  const spikes = [];
  for (const d of days) {
    const prior = Array.from({ length: 14 }, (_, i) => byDay.get(d.day - 14 + i)?.negative ?? 0);
    const usual = prior.reduce((s, n) => s + n, 0) / 14;
    if (d.negative >= SPIKE_MIN && d.negative >= SPIKE_FACTOR * Math.max(usual, 1)) {
      let mq = ctx.tdb.selectFrom('voice_negatives').innerJoin('activities', (j) => j.onRef('activities.workspace_id', '=', 'voice_negatives.workspace_id').onRef('activities.id', '=', 'voice_negatives.activity_id'))
        .select(['activities.id', 'activities.group_id', 'activities.member_id', 'activities.occurred_at', 'activities.payload']).where('voice_negatives.day', '=', d.day).orderBy('activities.occurred_at').limit(20);
      if (scope.kind === 'community') mq = mq.where('activities.group_id', 'in', (eb) => eb.selectFrom('groups').select('id').where('workspace_id', '=', ctx.workspaceId).where('community_id', '=', scope.id!));
      const messages = (await mq.execute()).map((m) => ({
        id: m.id, groupId: m.group_id, memberId: m.member_id, occurredAt: new Date(Number(m.occurred_at)).toISOString(),
        text: String((JSON.parse(m.payload) as { text?: unknown }).text ?? '').slice(0, 500),
      }));
      spikes.push({ date: d.date, negative: d.negative, usual: Math.round(usual * 10) / 10, messages });
    }
  }
  return {
    scope: { kind: scope.kind, id: scope.id, name: scope.name },
    range: { from: dayDate(range.firstDay), to: dayDate(range.lastDay), timezone: range.timezone },
    messages: total.messages,
    positiveShare: total.messages ? total.positive / total.messages : 0,
    negativeShare: total.messages ? total.negative / total.messages : 0,
    replies: total.replies,
    replyShare: total.messages ? total.replies / total.messages : 0,
    days: days.map(({ day: _d, ...rest }) => rest),
    topics,
    rising,
    spikes,
  };
}
