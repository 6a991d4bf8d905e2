// Tracked short links: an operator makes one for what is posted (a course page, a shop item, a sign-up form),
// members click it in their groups, and each click is an activity (kind `click`, source `link`) with the
// member where Shequn knows them and the group it was posted in, so reach is counted by group and circle
// and the dashboards read clicks as they read everything else. Link previews (chat apps fetching the page to
// draw a card) and crawlers are no clicks: they are sent on without a record.
import { randomInt } from 'node:crypto';
import { sql } from 'kysely';
import { iso } from '../../kernel/clock.ts';
import type { Ctx } from '../../kernel/context.ts';
import { decodeCursor, encodeCursor } from '../../kernel/cursor.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { invalid, notFound } from '../../kernel/errors.ts';
import { writeActivities } from '../activity/index.ts';
import { recordAudit } from '../audit/index.ts';
import type { Link, LinkCreate, LinkStats } from './links.schema.ts';

type Row = Database['short_links'];

const ALPHABET = '23456789abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ';
/** 7 characters of 56: 1.7e12 codes, so guessing one is hopeless and a clash (retried) rare. */
const CODE_LENGTH = 7;
export const CODE_PATTERN = /^[2-9a-km-zA-HJ-NP-Z]{7}$/;
const newCode = () => Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

/** Chat apps' and search engines' fetchers, which open a link to show a preview or index it, not because a person clicked. */
const FETCHER = /bot\b|crawler|spider|preview|facebookexternalhit|slack|telegram|whatsapp|discord|skype|embedly|vkshare|pinterest|linkedin|wechat.*(?:spider|bot)|headless|python-requests|go-http-client|curl\/|wget\//i;
export const isFetcher = (userAgent: string | undefined) => !userAgent || FETCHER.test(userAgent);

const toLink = (r: Row, base: string, clicks: number): Link => ({
  id: r.id, code: r.code, shortUrl: `${base}/l/${r.code}`, url: r.url, label: r.label, communityId: r.community_id, groupId: r.group_id,
  campaign: r.campaign, createdBy: r.created_by, createdAt: iso(r.created_at), clicks,
});

/** The click activities of a link: one index range (source, source_id) of the activities' unique key. */
const clicksOf = (ctx: Ctx, linkId: string) =>
  ctx.tdb.selectFrom('activities').where('source', '=', 'link').where('source_id', '>=', `${linkId}:`).where('source_id', '<', `${linkId};`);

async function countClicks(ctx: Ctx, linkId: string): Promise<number> {
  const r = await clicksOf(ctx, linkId).select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** The link, if the actor may see it: an operator with a scope sees the links of its communities and groups. */
async function visibleLink(ctx: Ctx, id: string): Promise<Row> {
  const r = await ctx.tdb.selectFrom('short_links').selectAll().where('id', '=', id).executeTakeFirst();
  const v = await ctx.visibility();
  if (!r || (!v.all && !((r.group_id && v.groupIds.has(r.group_id)) || (r.community_id && v.communityIds.has(r.community_id))))) throw notFound('link', id);
  return r;
}

export async function createLink(ctx: Ctx, input: LinkCreate, base: string): Promise<Link> {
  ctx.authorize('activity.write');
  const v = await ctx.visibility();
  let communityId = input.communityId ?? null;
  if (input.groupId) {
    const g = await ctx.tdb.selectFrom('groups').select(['id', 'community_id']).where('id', '=', input.groupId).executeTakeFirst();
    if (!g || (!v.all && !v.groupIds.has(g.id))) throw invalid([{ field: 'groupId', reason: `group ${input.groupId} does not exist` }]);
    if (communityId && communityId !== g.community_id) throw invalid([{ field: 'communityId', reason: `group ${g.id} belongs to another community (${g.community_id})` }]);
    communityId = g.community_id;
  } else if (communityId) {
    const c = await ctx.tdb.selectFrom('communities').select('id').where('id', '=', communityId).executeTakeFirst();
    if (!c || (!v.all && !v.communityIds.has(c.id))) throw invalid([{ field: 'communityId', reason: `community ${communityId} does not exist` }]);
  } else if (!v.all) {
    throw invalid([{ field: 'groupId', reason: 'an operator with a scope must name one of its groups or communities' }]);
  }
  return ctx.transaction(async (tx) => {
    // Drawn from 1.7e12 codes: with a million links a new one clashes about once in 1.7 million; the unique
    // index then refuses it, and the operator tries again.
    const row = {
      id: tx.ids.next('lnk'), code: newCode(), url: input.url, label: input.label ?? null, community_id: communityId, group_id: input.groupId ?? null,
      campaign: input.campaign ?? null, created_by: tx.actor.name, created_at: tx.clock.now(),
    };
    await tx.tdb.insertInto('short_links', row).execute();
    await recordAudit(tx, 'link.create', { type: 'link', id: row.id }, { url: row.url, groupId: row.group_id, communityId: row.community_id });
    return toLink({ ...row, workspace_id: tx.workspaceId }, base, 0);
  });
}

export async function listLinks(ctx: Ctx, q: { communityId?: string | undefined; groupId?: string | undefined; campaign?: string | undefined; limit: number; cursor?: string | undefined }, base: string) {
  ctx.authorize('activity.read');
  const v = await ctx.visibility();
  let query = ctx.tdb.selectFrom('short_links').selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc').limit(q.limit + 1);
  if (!v.all) query = query.where((eb) => eb.or([eb('group_id', 'in', [...v.groupIds, '']), eb('community_id', 'in', [...v.communityIds, ''])]));
  if (q.communityId) query = query.where('community_id', '=', q.communityId);
  if (q.groupId) query = query.where('group_id', '=', q.groupId);
  if (q.campaign) query = query.where('campaign', '=', q.campaign);
  const c = decodeCursor(q.cursor);
  if (c) query = query.where((eb) => eb.or([eb('created_at', '<', c.key), eb.and([eb('created_at', '=', c.key), eb('id', '<', c.id)])]));
  const rows = await query.execute();
  const page = rows.slice(0, q.limit);
  const items = [];
  for (const r of page) items.push(toLink(r, base, await countClicks(ctx, r.id)));
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > q.limit && last ? encodeCursor(Number(last.created_at), last.id) : null };
}

export async function linkStats(ctx: Ctx, id: string, base: string, tzOffsetMinutes = 480): Promise<LinkStats> {
  ctx.authorize('activity.read');
  const r = await visibleLink(ctx, id);
  // Counted in the database, whatever the number of clicks (a popular link has hundreds of thousands).
  const totals = await clicksOf(ctx, id).select((eb) => [
    eb.fn.countAll<number>().as('clicks'),
    eb.fn.count<number>('activities.member_id').distinct().as('people'),
    sql<number>`sum(case when activities.member_id is null then 1 else 0 end)`.as('anonymous'),
    // The payload is written by JSON.stringify (recordClick), so the flag has this exact form.
    sql<number>`sum(case when activities.payload like '%"forwarded":true%' then 1 else 0 end)`.as('forwarded'),
  ]).executeTakeFirstOrThrow();
  const byGroup = await clicksOf(ctx, id).select((eb) => ['activities.group_id', eb.fn.countAll<number>().as('n')]).groupBy('activities.group_id').execute();
  const byCircle = await clicksOf(ctx, id).leftJoin('members', 'members.id', 'activities.member_id')
    .select((eb) => ['members.circle', eb.fn.countAll<number>().as('n')]).groupBy('members.circle').execute();
  const offset = tzOffsetMinutes * 60_000;
  // Whole local days since the epoch. The offset is a literal (a validated integer): PostgreSQL would take
  // the GROUP BY's parameter for another expression than the SELECT's; the cast truncates SQLite's division.
  const dayExpr = sql<number>`cast((activities.occurred_at + ${sql.lit(offset)}) / 86400000 as integer)`;
  const byDay = await clicksOf(ctx, id).select((eb) => [dayExpr.as('day'), eb.fn.countAll<number>().as('n')]).groupBy(dayExpr).orderBy(dayExpr).execute();
  const desc = <T extends { n: number | string }>(rows: T[]) => [...rows].sort((a, b) => Number(b.n) - Number(a.n));
  return {
    ...toLink(r, base, Number(totals.clicks)),
    people: Number(totals.people),
    forwarded: Number(totals.forwarded ?? 0),
    anonymous: Number(totals.anonymous ?? 0),
    byGroup: desc(byGroup).map((g) => ({ groupId: g.group_id, clicks: Number(g.n) })),
    byCircle: desc(byCircle).map((c) => ({ circle: c.circle ?? null, clicks: Number(c.n) })),
    byDay: byDay.map((d) => ({ day: new Date(Math.floor(Number(d.day)) * 86_400_000).toISOString().slice(0, 10), clicks: Number(d.n) })),
  };
}

/**
 * A click on `code` by a person (not a fetcher): recorded as an activity in the link's workspace, with the
 * member when the device has a member session there, and the group the link was posted in (its own, or the
 * one the address names with `?g=`, when that group is the workspace's).
 */
export async function recordClick(ctx: Ctx, link: Row, visitor: { memberId: string | null; groupId?: string | undefined; referrer?: string | undefined }): Promise<void> {
  let groupId = link.group_id;
  if (!groupId && visitor.groupId) {
    const g = await ctx.tdb.selectFrom('groups').select(['id', 'community_id']).where('id', '=', visitor.groupId).executeTakeFirst();
    if (g && (!link.community_id || g.community_id === link.community_id)) groupId = g.id;
  }
  const memberId = visitor.memberId && (await ctx.tdb.selectFrom('members').select('id').where('id', '=', visitor.memberId).executeTakeFirst()) ? visitor.memberId : null;
  const inGroup = memberId && groupId
    ? Boolean(await ctx.tdb.selectFrom('memberships').select('id').where('group_id', '=', groupId).where('member_id', '=', memberId).where('left_at', 'is', null).executeTakeFirst())
    : null;
  let referrer: string | null = null;
  try {
    referrer = visitor.referrer ? new URL(visitor.referrer).host : null;
  } catch {
    referrer = null;
  }
  await writeActivities(ctx, [{
    kind: 'click', memberId, groupId, occurredAt: iso(ctx.clock.now()), contentSource: null, source: 'link',
    // Every click is its own: the key only has to be unique, and to start with the link's id (its clicks are one range).
    sourceId: `${link.id}:${ctx.ids.next('act')}`,
    payload: { linkId: link.id, code: link.code, ...(link.campaign ? { campaign: link.campaign } : {}), ...(inGroup === false ? { forwarded: true } : {}), ...(referrer ? { referrer } : {}) },
  }], undefined, { audit: false });
}
