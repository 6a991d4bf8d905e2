// The rules runner: judges what members post in built-in chats against the groups' moderation rules and
// writes the resulting actions to the outbox, in one transaction with its checkpoint, so a restart never
// loses or repeats a judgement. `dryRun` replays a group's past messages through a rule without writing.
import type { Kysely } from 'kysely';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { iso } from '../../kernel/clock.ts';
import { enqueue } from '../outbox/index.ts';
import { nameInGroup } from '../member/index.ts';
import { normalizeText, stepFor, violationOf } from './moderation.ts';
import type { ModerationSettings, ModerationStep } from './rule-types.ts';
import { effectiveRule } from './rules.service.ts';
import { liveRuleMap } from './rule-cache.ts';
import { postOnJoin } from './schedule-runner.ts';

const DAY = 86_400_000;
type Activity = Pick<Database['activities'], 'id' | 'member_id' | 'group_id' | 'occurred_at' | 'payload' | 'created_at'>;

export interface Judgement {
  activityId: string;
  memberId: string;
  groupId: string;
  at: string;
  text: string;
  reason: string;
  step: ModerationStep;
  ruleId: string | null;
}

interface Scope {
  rules: Map<string, { settings: ModerationSettings; ruleId: string | null } | null>;
  /** Violations counted in this pass, per rule and member (a dry run writes no rows to count). */
  counted: Map<string, number>;
}

const liveRules = (ctx: Ctx) => liveRuleMap(ctx.workspaceId, ctx.clock.now()) as Scope['rules'];

async function ruleFor(ctx: Ctx, scope: Scope, groupId: string) {
  if (!scope.rules.has(groupId)) {
    const g = await ctx.tdb.selectFrom('groups').selectAll().where('id', '=', groupId).executeTakeFirst();
    const r = g && g.platform === 'builtin' ? await effectiveRule(ctx, g, 'communication.moderation') : null;
    // A group without a moderation rule of its own, its set's or its community's is left alone.
    scope.rules.set(groupId, r && r.from !== 'default' ? { settings: r.settings, ruleId: r.ruleId } : null);
  }
  return scope.rules.get(groupId)!;
}

const textOf = (payload: string): string => {
  try {
    const t = (JSON.parse(payload) as { text?: unknown }).text;
    return typeof t === 'string' ? t : '';
  } catch {
    return '';
  }
};

/**
 * What judging a batch of messages needs to know, read in a few queries for the whole batch instead of
 * several per message: the authors' memberships, and their recent messages (flood and the same text in
 * several groups).
 */
interface Facts {
  /** Adds a message to its author's history, before it is judged (it counts toward flood and spread). */
  remember(memberId: string, groupId: string, at: number, text: string): void;
  membership(groupId: string, memberId: string): { role: string; joinedAt: number } | undefined;
  recentInGroup(groupId: string, memberId: string, at: number, seconds: number): number;
  groupsWithSameText(memberId: string, text: string, at: number): number;
}

const CHUNK = 500;

type Seen = { group: string; at: number; text: string };

/**
 * The messages each member posted in the last day, as the runner has read them. Kept between passes (the
 * runner reads the stream in order, so what it judged is the history the next message is judged against);
 * a member not seen since the process started is loaded from the database once. Bounded: a day per member,
 * and at most MAX_MEMBERS members (the least recently active are forgotten and reloaded when they post).
 */
class RecentMessages {
  private readonly byMember = new Map<string, Seen[]>();
  static readonly MAX_MEMBERS = 200_000;

  has(memberId: string): boolean {
    return this.byMember.has(memberId);
  }

  load(memberId: string, rows: Seen[]): void {
    this.byMember.set(memberId, rows.sort((a, b) => a.at - b.at));
  }

  add(memberId: string, seen: Seen): void {
    const list = this.byMember.get(memberId) ?? [];
    // Re-inserting moves the member to the end: the Map's order is recency.
    this.byMember.delete(memberId);
    const from = seen.at - DAY;
    let drop = 0;
    while (drop < list.length && list[drop]!.at <= from) drop++;
    const kept = drop ? list.slice(drop) : list;
    if (!kept.some((x) => x.at === seen.at && x.group === seen.group && x.text === seen.text)) kept.push(seen);
    this.byMember.set(memberId, kept);
    if (this.byMember.size > RecentMessages.MAX_MEMBERS) this.byMember.delete(this.byMember.keys().next().value!);
  }

  of(memberId: string): Seen[] {
    return this.byMember.get(memberId) ?? [];
  }
}

/** Per workspace, for the live runner (a dry run keeps its own). */
const recentByWorkspace = new Map<string, RecentMessages>();

async function prefetch(ctx: Ctx, scope: Scope, rows: Activity[], recent: RecentMessages): Promise<Facts> {
  const judged = [] as Activity[];
  for (const a of rows) if (a.member_id && a.group_id && (await ruleFor(ctx, scope, a.group_id))) judged.push(a);
  const members = [...new Set(judged.map((a) => a.member_id!))];
  const groups = [...new Set(judged.map((a) => a.group_id!))];
  const ms = new Map<string, { role: string; joinedAt: number }>();
  if (judged.length) {
    const minAt = Math.min(...judged.map((a) => Number(a.occurred_at)));
    const cold = members.filter((m) => !recent.has(m));
    for (let i = 0; i < members.length; i += CHUNK) {
      const chunk = members.slice(i, i + CHUNK);
      for (const m of await ctx.tdb.selectFrom('memberships').select(['group_id', 'member_id', 'role', 'joined_at']).where('member_id', 'in', chunk).where('group_id', 'in', groups).execute()) {
        ms.set(`${m.group_id}|${m.member_id}`, { role: m.role, joinedAt: Number(m.joined_at) });
      }
    }
    for (let i = 0; i < cold.length; i += CHUNK) {
      const chunk = cold.slice(i, i + CHUNK);
      const loaded = new Map<string, Seen[]>(chunk.map((m) => [m, []]));
      // Up to the batch's first message: the batch itself is added as it is judged.
      for (const r of await ctx.tdb.selectFrom('activities').select(['member_id', 'group_id', 'occurred_at', 'payload']).where('member_id', 'in', chunk)
        .where('kind', '=', 'message').where('occurred_at', '>', minAt - DAY).where('occurred_at', '<', minAt).execute()) {
        loaded.get(r.member_id!)!.push({ group: r.group_id!, at: Number(r.occurred_at), text: normalizeText(textOf(r.payload)) });
      }
      for (const [m, list] of loaded) recent.load(m, list);
    }
  }
  return {
    membership: (g, m) => ms.get(`${g}|${m}`),
    recentInGroup: (g, m, at, seconds) => recent.of(m).filter((h) => h.group === g && h.at > at - seconds * 1000 && h.at <= at).length,
    groupsWithSameText(m, text, at) {
      const mine = normalizeText(text);
      const seen = new Set<string>();
      for (const h of recent.of(m)) if (h.at > at - DAY && h.at <= at && h.text === mine) seen.add(h.group);
      return Math.max(1, seen.size);
    },
    remember: (m, g, at, text) => recent.add(m, { group: g, at, text: normalizeText(text) }),
  };
}

/** The judgement of one message, or null; `earlier` counts the member's violations already acted on. */
async function judge(ctx: Ctx, scope: Scope, facts: Facts, a: Activity, earlier: (ruleId: string | null, memberId: string, since: number) => Promise<number>): Promise<Judgement | null> {
  if (!a.member_id || !a.group_id) return null;
  const rule = await ruleFor(ctx, scope, a.group_id);
  if (!rule) return null;
  const s = rule.settings;
  const text = textOf(a.payload);
  const at = Number(a.occurred_at);
  const m = facts.membership(a.group_id, a.member_id);
  if (!m) return null;
  const needsSame = s.detect.sameTextInGroups && normalizeText(text).trim().length >= 6;
  const reason = violationOf(s, {
    text, role: m.role, memberId: a.member_id, joinedAt: m.joinedAt, at,
    recentInGroup: s.flood ? Math.max(1, facts.recentInGroup(a.group_id, a.member_id, at, s.flood.seconds)) : 1,
    groupsWithSameText: needsSame ? facts.groupsWithSameText(a.member_id, text, at) : 1,
  });
  if (!reason) return null;
  const key = `${rule.ruleId}:${a.member_id}`;
  const before = (await earlier(rule.ruleId, a.member_id, at - s.windowDays * DAY)) + (scope.counted.get(key) ?? 0);
  scope.counted.set(key, (scope.counted.get(key) ?? 0) + 1);
  return { activityId: a.id, memberId: a.member_id, groupId: a.group_id, at: iso(at), text, reason, step: stepFor(s, before), ruleId: rule.ruleId };
}

/** Violations by the member under the rule since `since` that were acted on and not undone. */
async function actedOn(ctx: Ctx, ruleId: string | null, memberId: string, since: number): Promise<number> {
  let q = ctx.tdb.selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).where('member_id', '=', memberId).where('origin_type', '=', 'rule')
    .where('created_at', '>=', since).where('undone_at', 'is', null).where('action', 'in', ['warn', 'mute', 'remove', 'blacklist']);
  q = ruleId === null ? q.where('origin_id', 'is', null) : q.where('origin_id', '=', ruleId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** Queues a ladder step: the warning in the rule's words, a mute, a removal or the blacklist. */
async function enqueueStep(ctx: Ctx, x: {
  settings: ModerationSettings; ruleId: string | null; step: ModerationStep; groupId: string; memberId: string; reason: string; causeActivityId: string | null; dedupeKey: string;
}) {
  const name = (await nameInGroup(ctx, x.groupId, x.memberId)) ?? '成员';
  const count = (await actedOn(ctx, x.ruleId, x.memberId, 0)) + 1;
  const act = actionOf(x.step, x.reason, x.settings, name, count);
  await enqueue(ctx, [{
    dedupeKey: x.dedupeKey, action: act.action, platform: 'builtin', groupId: x.groupId, memberId: x.memberId, payload: act.payload,
    origin: { type: 'rule', id: x.ruleId }, reason: x.reason, causeActivityId: x.causeActivityId,
  }]);
}

/**
 * A confirmed report (举报) climbs the same ladder as the group's moderation rule (its defaults when the
 * group has none). Returns the step queued.
 */
export async function applyLadder(ctx: Ctx, x: { groupId: string; memberId: string; reason: string; causeActivityId: string | null; dedupeKey: string }): Promise<ModerationStep> {
  const g = await ctx.tdb.selectFrom('groups').selectAll().where('id', '=', x.groupId).executeTakeFirstOrThrow();
  const r = await effectiveRule(ctx, g, 'communication.moderation');
  const ruleId = r.from === 'default' ? null : r.ruleId;
  const step = stepFor(r.settings, await actedOn(ctx, ruleId, x.memberId, ctx.clock.now() - r.settings.windowDays * DAY));
  await enqueueStep(ctx, { settings: r.settings, ruleId, step, ...x });
  return step;
}

/** The action (and its words) for a step. */
function actionOf(step: ModerationStep, reason: string, s: ModerationSettings, name: string, count: number) {
  const text = s.warnTemplate.replace(/\{(nickname|reason|count)\}/g, (_m, k: string) => (k === 'nickname' ? name : k === 'reason' ? reason : String(count)));
  switch (step) {
    case 'warn': return { action: 'warn' as const, payload: { text } };
    case 'mute': return { action: 'mute' as const, payload: { minutes: s.muteMinutes } };
    case 'remove': return { action: 'remove' as const, payload: {} };
    case 'blacklist': return { action: 'blacklist' as const, payload: {} };
  }
}

/**
 * Judges the workspace's built-in chat messages written since the checkpoint (at most `limit`) and queues
 * the actions. Returns how many messages were judged.
 */
export async function runRules(ctx: Ctx, limit = 500): Promise<number> {
  return ctx.transaction(async (tx) => {
    const cp = await tx.tdb.selectFrom('rule_checkpoints').selectAll().executeTakeFirst();
    let q = tx.tdb.selectFrom('activities').select(['id', 'member_id', 'group_id', 'occurred_at', 'payload', 'created_at', 'kind', 'source'])
      .orderBy('created_at').orderBy('id').limit(limit);
    // A row-value comparison: both SQLite and PostgreSQL walk the (workspace, created_at, id) index from it.
    if (cp) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(Number(cp.created_at), cp.activity_id)));
    else q = q.where('created_at', '>=', tx.clock.now() - 60_000); // a new workspace judges from now on, not its history
    const rows = await q.execute();
    if (rows.length === 0) return 0;
    const scope: Scope = { rules: liveRules(tx), counted: new Map() };
    const earlier = (ruleId: string | null, memberId: string, since: number) => actedOn(tx, ruleId, memberId, since);
    const posts: Parameters<typeof postOnJoin>[1] = new Map();
    const recent = recentByWorkspace.get(tx.workspaceId) ?? recentByWorkspace.set(tx.workspaceId, new RecentMessages()).get(tx.workspaceId)!;
    const facts = await prefetch(tx, scope, rows.filter((a) => a.kind === 'message' && a.source === 'builtin'), recent);
    for (const a of rows) {
      // Live chat only: imported history and the team's own posts are not judged.
      if (a.source !== 'builtin') continue;
      if (a.kind === 'join') {
        await postOnJoin(tx, posts, a);
        continue;
      }
      if (a.kind !== 'message') continue;
      // Every message joins its author's history (other groups' too: the same text in several groups).
      if (a.member_id && a.group_id) facts.remember(a.member_id, a.group_id, Number(a.occurred_at), textOf(a.payload));
      const j = await judge(tx, scope, facts, a, earlier);
      if (!j) continue;
      await enqueueStep(tx, { settings: scope.rules.get(j.groupId)!.settings, ruleId: j.ruleId, step: j.step, groupId: j.groupId, memberId: j.memberId,
        reason: j.reason, causeActivityId: j.activityId, dedupeKey: `rule:${j.ruleId}:${j.activityId}` });
    }
    const last = rows[rows.length - 1]!;
    await tx.tdb.deleteFrom('rule_checkpoints').execute();
    await tx.tdb.insertInto('rule_checkpoints', { created_at: Number(last.created_at), activity_id: last.id }).execute();
    return rows.length;
  });
}

/** Replays a group's last `days` of messages through a moderation rule (the group's own, or `settings`): who would have been acted on. */
export async function dryRun(ctx: Ctx, groupId: string, days: number, settings: ModerationSettings | null): Promise<Judgement[]> {
  const scope: Scope = { rules: new Map(), counted: new Map() };
  if (settings) scope.rules.set(groupId, { settings, ruleId: null });
  const since = ctx.clock.now() - days * DAY;
  const rows = await ctx.tdb.selectFrom('activities').select(['id', 'member_id', 'group_id', 'occurred_at', 'payload', 'created_at'])
    .where('group_id', '=', groupId).where('kind', '=', 'message').where('member_id', 'is not', null).where('occurred_at', '>=', since)
    .orderBy('occurred_at').orderBy('id').limit(100_000).execute();
  const out: Judgement[] = [];
  const recent = new RecentMessages();
  for (let i = 0; i < rows.length; i += CHUNK) {
    const batch = rows.slice(i, i + CHUNK);
    const facts = await prefetch(ctx, scope, batch, recent);
    for (const a of batch) {
      if (a.member_id && a.group_id) facts.remember(a.member_id, a.group_id, Number(a.occurred_at), textOf(a.payload));
      const j = await judge(ctx, scope, facts, a, async () => 0);
      if (j) out.push(j);
    }
  }
  return out;
}

/** Rule types the engine runs (the others are read where they apply, e.g. the mute schedule at each post). */
export const ENGINE_RULE_TYPES = ['communication.moderation', 'communication.post', 'communication.quiet', 'sharing.session', 'elimination.inactivity', 'elimination.ranking', 'elimination.sunset', 'joining.ritual'] as const;

/** Workspaces with an enabled rule the engine runs, with the types they use. */
export async function workspacesWithRules(db: Kysely<Database>): Promise<Map<string, Set<string>>> {
  const rows = await db.selectFrom('rules').select(['workspace_id', 'type']).distinct().where('type', 'in', ENGINE_RULE_TYPES).where('enabled', '=', 1).execute();
  const out = new Map<string, Set<string>>();
  for (const r of rows) (out.get(r.workspace_id) ?? out.set(r.workspace_id, new Set()).get(r.workspace_id)!).add(r.type);
  return out;
}
