// Who is who (the 220-groups problem: the same people counted in group after group under other names).
// - Exact: one platform id is one member (imports and connectors key people by it).
// - Suggested: members who share a phone or an e-mail, or whose names match (more so in the same city, in
//   overlapping groups, on different platforms), are proposed as merges with a confidence and the evidence.
// - Merged: the operator merges a pair into one member; everything the merged one had moves over, and the
//   merge can be undone (split) exactly. A rejected pair is not proposed again.
import type { Ctx } from '../../kernel/context.ts';
import type { Database, TenantTable } from '../../kernel/db/schema.ts';
import { conflict, notFound } from '../../kernel/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { recountMembers } from '../analytics/index.ts';
import { getCommunity } from '../community/index.ts';
import { normalizePhone, rewriteTerms, visibleMemberRow } from '../member/index.ts';

export type EvidenceKind = 'phone' | 'email' | 'name' | 'city' | 'groups' | 'platforms';
export interface Evidence {
  kind: EvidenceKind;
  /** What matched, in words for the operator (phones masked). */
  detail: string;
}

export interface MemberBrief {
  id: string;
  displayName: string;
  city: string | null;
  platforms: string[];
  groups: number;
}

export interface MergeSuggestion {
  a: MemberBrief;
  b: MemberBrief;
  /** 0–1: how sure the evidence makes it. */
  confidence: number;
  evidence: Evidence[];
}

/** Names compare without case, width, spaces, punctuation and emoji: 「张三 🍵」 and 「张三」 are the same name. */
export function nameKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}\p{Extended_Pictographic}\u200d\ufe0f]/gu, '');
}

const mask = (phone: string) => (phone.length > 7 ? `${phone.slice(0, 3)}****${phone.slice(-4)}` : phone);

/** A WhatsApp id is a phone number; so may other platforms' ids be, when they are written as one. */
const phoneOfIdentity = (platform: string, externalId: string) => (platform === 'whatsapp' && /^\+?\d{7,15}$/.test(externalId) ? normalizePhone(externalId) : null);

interface Person {
  id: string;
  name: string;
  key: string;
  city: string | null;
  phones: Set<string>;
  email: string | null;
  platforms: Set<string>;
  groups: Set<string>;
}

/** Blocks larger than this (a very common name) are too weak to pair everyone in them. */
const MAX_BLOCK = 50;

/**
 * Merge suggestions among the members of a community (or of the workspace), strongest first. Pairs the
 * operator rejected are left out.
 */
export async function mergeSuggestions(ctx: Ctx, opts: { communityId?: string; limit?: number } = {}): Promise<MergeSuggestion[]> {
  ctx.authorize('member.read');
  if (opts.communityId) await getCommunity(ctx, opts.communityId); // 404 for a community the actor does not see
  const v = await ctx.visibility();
  let groupQ = ctx.tdb.selectFrom('groups').select('id');
  if (opts.communityId) groupQ = groupQ.where('community_id', '=', opts.communityId);
  let groupIds = (await groupQ.execute()).map((g) => g.id);
  if (!v.all) groupIds = groupIds.filter((g) => v.groupIds.has(g));
  const people = new Map<string, Person>();
  const CHUNK = 500;
  for (let i = 0; i < groupIds.length; i += CHUNK) {
    const rows = await ctx.tdb.selectFrom('memberships').select(['member_id', 'group_id']).where('group_id', 'in', groupIds.slice(i, i + CHUNK)).execute();
    for (const r of rows) {
      const p = people.get(r.member_id) ?? { id: r.member_id, name: '', key: '', city: null, phones: new Set<string>(), email: null, platforms: new Set<string>(), groups: new Set<string>() };
      p.groups.add(r.group_id);
      people.set(r.member_id, p);
    }
  }
  // Workspace-wide, members in no group yet (a member list just imported) are compared too.
  if (!opts.communityId && v.all) {
    for (const m of await ctx.tdb.selectFrom('members').select('id').execute()) {
      if (!people.has(m.id)) people.set(m.id, { id: m.id, name: '', key: '', city: null, phones: new Set(), email: null, platforms: new Set(), groups: new Set() });
    }
  }
  const ids = [...people.keys()];
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    for (const m of await ctx.tdb.selectFrom('members').select(['id', 'display_name', 'city', 'phone', 'email']).where('id', 'in', chunk).execute()) {
      const p = people.get(m.id)!;
      Object.assign(p, { name: m.display_name, key: nameKey(m.display_name), city: m.city, email: m.email?.trim().toLowerCase() || null });
      const phone = normalizePhone(m.phone);
      if (phone) p.phones.add(phone);
    }
    for (const idn of await ctx.tdb.selectFrom('identities').select(['member_id', 'platform', 'external_id']).where('member_id', 'in', chunk).execute()) {
      const p = people.get(idn.member_id)!;
      p.platforms.add(idn.platform);
      const phone = phoneOfIdentity(idn.platform, idn.external_id);
      if (phone) p.phones.add(phone);
    }
  }
  const rejected = new Set((await ctx.tdb.selectFrom('merge_decisions').select(['member_a', 'member_b']).where('decision', '=', 'rejected').execute()).map((d) => `${d.member_a}|${d.member_b}`));

  // Blocking: only people who share a phone, an e-mail or a name are ever compared.
  const blocks = new Map<string, string[]>();
  const block = (k: string, id: string) => (blocks.get(k) ?? blocks.set(k, []).get(k)!).push(id);
  for (const p of people.values()) {
    for (const ph of p.phones) block(`p:${ph}`, p.id);
    if (p.email) block(`e:${p.email}`, p.id);
    if (p.key.length >= 2) block(`n:${p.key}`, p.id);
  }
  const pairs = new Map<string, MergeSuggestion>();
  for (const [k, members] of blocks) {
    if (members.length < 2 || (k.startsWith('n:') && members.length > MAX_BLOCK)) continue;
    for (let i = 0; i < members.length; i++) {
      for (let j = i + 1; j < members.length; j++) {
        const [x, y] = [members[i]!, members[j]!].sort() as [string, string];
        const key = `${x}|${y}`;
        if (rejected.has(key) || pairs.has(key)) continue;
        const s = score(people.get(x)!, people.get(y)!);
        if (s) pairs.set(key, s);
      }
    }
  }
  return [...pairs.values()].sort((a, b) => b.confidence - a.confidence || a.a.displayName.localeCompare(b.a.displayName)).slice(0, opts.limit ?? 200);
}

const brief = (p: Person): MemberBrief => ({ id: p.id, displayName: p.name, city: p.city, platforms: [...p.platforms].sort(), groups: p.groups.size });

/** The evidence for one pair and the confidence it gives; null when there is too little. */
function score(a: Person, b: Person): MergeSuggestion | null {
  const evidence: Evidence[] = [];
  let confidence = 0;
  const phone = [...a.phones].find((p) => b.phones.has(p));
  if (phone) {
    evidence.push({ kind: 'phone', detail: `同一手机号 ${mask(phone)}` });
    confidence = 0.95;
  }
  if (a.email && a.email === b.email) {
    evidence.push({ kind: 'email', detail: `同一邮箱 ${a.email}` });
    confidence = Math.max(confidence, 0.9);
  }
  const sameName = a.key.length >= 2 && a.key === b.key;
  const sameCity = !!a.city && a.city === b.city;
  const shared = [...a.groups].filter((g) => b.groups.has(g)).length;
  const samePlatform = [...a.platforms].some((p) => b.platforms.has(p));
  if (sameName) {
    evidence.push({ kind: 'name', detail: `名字相同「${a.name}」${a.name !== b.name ? `/「${b.name}」` : ''}` });
    // A name alone is weak; the same city, groups in common and different platforms (one person, two apps) add to it.
    let byName = 0.4;
    if (sameCity) byName += 0.2;
    if (shared > 0) byName += 0.1;
    if (!samePlatform && a.platforms.size && b.platforms.size) byName += 0.1;
    // Two different accounts on one platform under one name are more likely two people.
    if (samePlatform && !phone && !(a.email && a.email === b.email)) byName -= 0.25;
    confidence = confidence ? Math.min(0.99, confidence + 0.03) : byName;
  }
  if (!evidence.length || confidence < 0.3) return null;
  if (sameCity) evidence.push({ kind: 'city', detail: `同在${a.city}` });
  if (shared > 0) evidence.push({ kind: 'groups', detail: `同在 ${shared} 个群` });
  if (!samePlatform && a.platforms.size && b.platforms.size) evidence.push({ kind: 'platforms', detail: `不同平台：${[...a.platforms].join('、')} / ${[...b.platforms].join('、')}` });
  return { a: brief(a), b: brief(b), confidence: Math.round(confidence * 100) / 100, evidence };
}

/** Records that a suggested pair is not one person (it is not suggested again). */
export async function rejectSuggestion(ctx: Ctx, memberIds: [string, string]): Promise<void> {
  ctx.authorize('member.write');
  const [a, b] = [...memberIds].sort() as [string, string];
  await visibleMemberRow(ctx, a);
  await visibleMemberRow(ctx, b);
  await ctx.tdb.insertInto('merge_decisions', { member_a: a, member_b: b, decision: 'rejected', decided_by: ctx.actor.name, decided_at: ctx.clock.now() })
    .onConflict((oc) => oc.columns(['workspace_id', 'member_a', 'member_b']).doNothing()).execute();
  await recordAudit(ctx, 'member.merge_rejected', { type: 'member', id: a }, { with: b });
}

/** Where a member is referred to, moved over on a merge (numbers, badges and the blacklist stay with the id; see docs). */
const REFERENCES: [TenantTable, string][] = [
  ['identities', 'member_id'], ['activities', 'member_id'], ['memberships', 'invited_by'], ['members', 'referrer_id'], ['invites', 'referrer_member_id'],
  ['join_requests', 'member_id'], ['join_requests', 'referrer_member_id'], ['member_sessions', 'member_id'], ['uploads', 'member_id'], ['questions', 'member_id'],
  ['outbox', 'member_id'], ['tasks', 'member_id'], ['points', 'member_id'], ['highlights', 'member_id'], ['reports', 'target_member_id'], ['communities', 'leader_member_id'],
];
/** Tables whose rows have an id column (the rest are found again by their other keys). */
const KEYED: Partial<Record<TenantTable, string>> = { highlights: 'activity_id' };

interface Undo {
  merged: Database['members'];
  keptBefore: Database['members'];
  /** Memberships of the merged member in groups the kept member was in already: removed, put back on a split. */
  dropped: Database['memberships'][];
  /** The kept member's memberships that took the merged one's earlier join date, with their own. */
  redated: { id: string; joinedAt: number }[];
  /** Rows whose column was changed from the merged id to the kept one. */
  moved: { table: TenantTable; column: string; ids: string[] }[];
}

export interface MemberMerge {
  id: string;
  keptId: string;
  mergedId: string;
  mergedName: string;
  evidence: Evidence[];
  mergedBy: string;
  mergedAt: string;
  splitAt: string | null;
}

const toMerge = (r: Database['member_merges']): MemberMerge => ({
  id: r.id, keptId: r.kept_id, mergedId: r.merged_id, mergedName: (JSON.parse(r.undo) as Undo).merged.display_name, evidence: JSON.parse(r.evidence) as Evidence[],
  mergedBy: r.merged_by, mergedAt: new Date(Number(r.merged_at)).toISOString(), splitAt: r.split_at === null ? null : new Date(Number(r.split_at)).toISOString(),
});

const union = (a: string, b: string) => JSON.stringify([...new Set([...(JSON.parse(a) as string[]), ...(JSON.parse(b) as string[])])]);

/** Merges `mergedId` into `keptId`: one member with both's identities, groups, history and points. */
export async function mergeMembers(ctx: Ctx, keptId: string, mergedId: string, evidence: Evidence[] = []): Promise<MemberMerge> {
  ctx.authorize('member.write');
  if (keptId === mergedId) throw conflict('a member cannot be merged into themselves');
  return ctx.transaction(async (tx) => {
    const kept = await visibleMemberRow(tx, keptId);
    const merged = await visibleMemberRow(tx, mergedId);
    const undo: Undo = { merged, keptBefore: kept, dropped: [], redated: [], moved: [] };
    // Memberships: one per group; where both were in a group, the kept one stays (the earlier join wins its date).
    const keptGroups = new Map((await tx.tdb.selectFrom('memberships').selectAll().where('member_id', '=', keptId).execute()).map((m) => [m.group_id, m]));
    const moving: string[] = [];
    for (const m of await tx.tdb.selectFrom('memberships').selectAll().where('member_id', '=', mergedId).execute()) {
      const k = keptGroups.get(m.group_id);
      if (!k) moving.push(m.id);
      else {
        undo.dropped.push(m);
        if (Number(m.joined_at) < Number(k.joined_at)) {
          undo.redated.push({ id: k.id, joinedAt: Number(k.joined_at) });
          await tx.tdb.updateTable('memberships').set({ joined_at: m.joined_at }).where('id', '=', k.id).execute();
        }
      }
    }
    if (undo.dropped.length) await tx.tdb.deleteFrom('memberships').where('id', 'in', undo.dropped.map((m) => m.id)).execute();
    if (moving.length) {
      await tx.tdb.updateTable('memberships').set({ member_id: keptId }).where('id', 'in', moving).execute();
      undo.moved.push({ table: 'memberships', column: 'member_id', ids: moving });
    }
    for (const [table, column] of REFERENCES) {
      const idCol = KEYED[table] ?? 'id';
      const rows = (await tx.tdb.selectFrom(table).select(idCol as never).where(column as never, '=', mergedId as never).execute()) as Record<string, string>[];
      if (!rows.length) continue;
      const ids = rows.map((r) => r[idCol]!);
      await tx.tdb.updateTable(table).set({ [column]: keptId } as never).where(idCol as never, 'in', ids as never).execute();
      undo.moved.push({ table, column, ids });
    }
    // The kept member's blanks are filled from the merged one; tags and skills are joined; the earliest join stands.
    await tx.tdb.updateTable('members').set({
      phone: kept.phone ?? merged.phone, phone_last4: kept.phone ? kept.phone_last4 : merged.phone_last4, email: kept.email ?? merged.email, city: kept.city ?? merged.city,
      gender: kept.gender ?? merged.gender, birth_year: kept.birth_year ?? merged.birth_year, occupation: kept.occupation ?? merged.occupation,
      circle: kept.circle ?? merged.circle, source_channel: kept.source_channel ?? merged.source_channel, tags: union(kept.tags, merged.tags), skills: union(kept.skills, merged.skills),
      joined_at: Math.min(Number(kept.joined_at), Number(merged.joined_at)), updated_at: tx.clock.now(),
    }).where('id', '=', keptId).execute();
    await tx.tdb.deleteFrom('member_terms').where('member_id', '=', mergedId).execute();
    await tx.tdb.deleteFrom('members').where('id', '=', mergedId).execute();
    await rewriteTerms(tx, keptId);
    await recountMembers(tx, [keptId, mergedId]);
    const row = {
      id: tx.ids.next('mrg'), kept_id: keptId, merged_id: mergedId, undo: JSON.stringify(undo), evidence: JSON.stringify(evidence),
      merged_by: tx.actor.name, merged_at: tx.clock.now(), split_by: null, split_at: null,
    };
    await tx.tdb.insertInto('member_merges', row).execute();
    await recordAudit(tx, 'member.merge', { type: 'member', id: keptId }, { merged: mergedId, name: merged.display_name, mergeId: row.id });
    return toMerge({ ...row, workspace_id: tx.workspaceId });
  });
}

/** Undoes a merge: the merged member comes back with exactly what moved, and the kept one is as before. */
export async function splitMerge(ctx: Ctx, mergeId: string): Promise<MemberMerge> {
  ctx.authorize('member.write');
  return ctx.transaction(async (tx) => {
    const r = await tx.tdb.selectFrom('member_merges').selectAll().where('id', '=', mergeId).executeTakeFirst();
    if (!r) throw notFound('member merge', mergeId);
    if (r.split_at !== null) throw conflict(`merge ${mergeId} was already split`);
    await visibleMemberRow(tx, r.kept_id);
    const later = await tx.tdb.selectFrom('member_merges').select('id').where('kept_id', '=', r.merged_id).where('split_at', 'is', null).executeTakeFirst();
    if (later) throw conflict(`split merge ${later.id} first: the merged member has since absorbed another`);
    const undo = JSON.parse(r.undo) as Undo;
    const { workspace_id: _ws, ...merged } = undo.merged;
    await tx.tdb.insertInto('members', merged).execute();
    for (const m of [...undo.moved].reverse()) {
      const idCol = KEYED[m.table] ?? 'id';
      for (let i = 0; i < m.ids.length; i += 500) {
        await tx.tdb.updateTable(m.table).set({ [m.column]: r.merged_id } as never).where(idCol as never, 'in', m.ids.slice(i, i + 500) as never).execute();
      }
    }
    for (const { workspace_id: _w, ...m } of undo.dropped) await tx.tdb.insertInto('memberships', m).execute();
    const { workspace_id: _k, id: _id, ...before } = undo.keptBefore;
    await tx.tdb.updateTable('members').set({ ...before, updated_at: tx.clock.now() }).where('id', '=', r.kept_id).execute();
    for (const m of undo.redated ?? []) await tx.tdb.updateTable('memberships').set({ joined_at: m.joinedAt }).where('id', '=', m.id).execute();
    await rewriteTerms(tx, r.kept_id);
    await rewriteTerms(tx, r.merged_id);
    await recountMembers(tx, [r.kept_id, r.merged_id]);
    await tx.tdb.updateTable('member_merges').set({ split_at: tx.clock.now(), split_by: tx.actor.name }).where('id', '=', mergeId).execute();
    await recordAudit(tx, 'member.split', { type: 'member', id: r.kept_id }, { restored: r.merged_id, mergeId });
    return toMerge({ ...r, split_at: tx.clock.now(), split_by: tx.actor.name });
  });
}

export async function listMerges(ctx: Ctx, memberId?: string): Promise<MemberMerge[]> {
  ctx.authorize('member.read');
  let q = ctx.tdb.selectFrom('member_merges').selectAll().orderBy('merged_at', 'desc').limit(200);
  if (memberId) q = q.where('kept_id', '=', memberId);
  return (await q.execute()).map(toMerge);
}
