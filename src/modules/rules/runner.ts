// The rules runner: judges what members post in the live platforms' chats (built-in, and the connected
// platforms' groups; see platforms.ts) against the groups' moderation rules and
// writes the resulting actions to the outbox, in one transaction with its checkpoint, so a restart never
// loses or repeats a judgement. `dryRun` replays a group's past messages through a rule without writing.
import type { Kysely } from 'kysely';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { iso } from '../../kernel/clock.ts';
import { enqueue, type Enqueue } from '../outbox/index.ts';
import { nameInGroup } from '../member/index.ts';
import { normalizeText, stepFor, violationOf } from './moderation.ts';
import type { ModerationSettings, ModerationStep } from './rule-types.ts';
import { effectiveRule } from './rules.service.ts';
import { liveCache, membershipKey, type CachedMembership } from './rule-cache.ts';
import { postOnJoin } from './schedule-runner.ts';
import { LIVE_PLATFORMS } from './platforms.ts';

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
  /** The authors' memberships by `group|member`. */
  memberships: Map<string, CachedMembership>;
  /** Invite codes of this workspace that QR codes in the pass lead to (members may share their group's poster). */
  ownInvites: Set<string>;
  /** Violations judged and not yet in the outbox, per rule and member (a dry run writes none). */
  counted: Map<string, number>;
}

function liveScope(ctx: Ctx, counted: Map<string, number>): Scope {
  const live = liveCache(ctx.workspaceId, ctx.clock.now());
  return { rules: live.rules as Scope['rules'], memberships: live.memberships, ownInvites: new Set(), counted };
}

/** Reads the group's effective moderation rule into the scope, unless it is there. */
async function loadRule(ctx: Ctx, scope: Scope, groupId: string): Promise<void> {
  if (scope.rules.has(groupId)) return;
  const g = await ctx.tdb.selectFrom('groups').selectAll().where('id', '=', groupId).executeTakeFirst();
  const r = g && LIVE_PLATFORMS.has(g.platform) ? await effectiveRule(ctx, g, 'communication.moderation') : null;
  // A group without a moderation rule of its own, its set's or its community's is left alone.
  scope.rules.set(groupId, r && r.from !== 'default' ? { settings: r.settings, ruleId: r.ruleId } : null);
}

/** What the rules read of a message: its text, and the QR codes found in its image at upload. */
function contentOf(payload: string): { text: string; qrCodes: string[] } {
  try {
    const p = JSON.parse(payload) as { text?: unknown; image?: { qrCodes?: unknown } | null };
    const codes = p.image?.qrCodes;
    return { text: typeof p.text === 'string' ? p.text : '', qrCodes: Array.isArray(codes) ? codes.filter((c): c is string => typeof c === 'string') : [] };
  } catch {
    return { text: '', qrCodes: [] };
  }
}

/** The invite code in a QR code that leads to a Shequn join page (`…/m/join/<code>`), whoever's server it is on. */
const inviteCodeOf = (qr: string) => /\/m\/join\/([a-z0-9]{4,64})\/?(?:[?#].*)?$/i.exec(qr.trim())?.[1];

/**
 * A message in a member's recent history: only what flood and same-text checks read, so a day of messages
 * stays small. Always built by `seen()`: one object shape keeps the history's loops fast, and group ids are
 * shared strings. Its text is normalized when first compared.
 */
interface Seen {
  groupId: string;
  at: number;
  text: string;
  normalized: string | undefined;
}

const groupIds = new Map<string, string>();
const seen = (groupId: string, at: number, text: string): Seen => {
  let g = groupIds.get(groupId);
  if (g === undefined) groupIds.set(groupId, (g = groupId));
  return { groupId: g, at, text, normalized: undefined };
};

const normalized = (m: Seen) => (m.normalized ??= normalizeText(m.text));

/** A message about to be judged, with its entry in its author's history. */
interface Message {
  id: string;
  memberId: string;
  groupId: string;
  at: number;
  text: string;
  qrCodes: string[];
  seen: Seen;
}

function toMessage(a: Activity): Message | null {
  if (!a.member_id || !a.group_id) return null;
  const { text, qrCodes } = contentOf(a.payload);
  const s = seen(a.group_id, Number(a.occurred_at), text);
  return { id: a.id, memberId: a.member_id, groupId: s.groupId, at: s.at, text, qrCodes, seen: s };
}

const CHUNK = 500;

/**
 * The messages each member posted in the last day, as the runner has read them, oldest first. Kept
 * between passes (the runner reads the stream in order, so what it judged is the history the next message
 * is judged against), for the members it judges: a member's history is loaded from the database when they
 * first post where a rule applies, and grows from then on with all they post.
 * Bounded: a day per member, and at most MAX_MEMBERS members (past it, members silent for a day go first,
 * then the earliest seen; a member forgotten is loaded again when they post).
 */
class RecentMessages {
  private readonly byMember = new Map<string, Seen[]>();
  static readonly MAX_MEMBERS = 200_000;

  has(memberId: string): boolean {
    return this.byMember.has(memberId);
  }

  load(memberId: string, rows: Seen[]): void {
    this.byMember.set(memberId, rows.sort((a, b) => a.at - b.at));
    if (this.byMember.size > RecentMessages.MAX_MEMBERS) this.evict(rows.at(-1)?.at ?? 0);
  }

  add(memberId: string, entry: Seen): void {
    const list = this.byMember.get(memberId);
    if (!list) return; // never judged: nothing reads it
    let drop = 0;
    while (drop < list.length && list[drop]!.at <= entry.at - DAY) drop++;
    if (drop) list.splice(0, drop);
    // Usually appended; a message already loaded from the database is not counted twice.
    let i = list.length;
    while (i > 0 && list[i - 1]!.at > entry.at) i--;
    for (let j = i - 1; j >= 0 && list[j]!.at === entry.at; j--) if (list[j]!.groupId === entry.groupId && list[j]!.text === entry.text) return;
    if (i === list.length) list.push(entry);
    else list.splice(i, 0, entry);
  }

  private evict(now: number): void {
    for (const [m, list] of this.byMember) if ((list.at(-1)?.at ?? 0) <= now - DAY) this.byMember.delete(m);
    const over = this.byMember.size - RecentMessages.MAX_MEMBERS * 0.9;
    if (over > 0) [...this.byMember.keys()].slice(0, over).forEach((m) => this.byMember.delete(m));
  }

  /** The member's messages in the group in (from, to]. */
  countInGroup(memberId: string, groupId: string, from: number, to: number): number {
    const list = this.byMember.get(memberId) ?? [];
    let n = 0;
    for (let i = list.length - 1; i >= 0 && list[i]!.at > from; i--) if (list[i]!.at <= to && list[i]!.groupId === groupId) n++;
    return n;
  }

  /** The groups where the member posted this normalized text in (from, to]. */
  groupsWithText(memberId: string, text: string, from: number, to: number): number {
    const list = this.byMember.get(memberId) ?? [];
    const groups = new Set<string>();
    for (let i = list.length - 1; i >= 0 && list[i]!.at > from; i--) if (list[i]!.at <= to && normalized(list[i]!) === text) groups.add(list[i]!.groupId);
    return groups.size;
  }
}

/**
 * Reads what judging a batch needs in a few queries for the whole batch instead of several per message:
 * the memberships of its authors not already known, and the recent history of authors not seen before.
 */
async function prefetch(ctx: Ctx, scope: Scope, batch: Message[], recent: RecentMessages): Promise<void> {
  for (const groupId of new Set(batch.map((a) => a.groupId))) await loadRule(ctx, scope, groupId);
  const judged = batch.filter((a) => scope.rules.get(a.groupId));
  if (!judged.length) return;
  const missing = judged.filter((a) => !scope.memberships.has(membershipKey(a.groupId, a.memberId)));
  const members = [...new Set(missing.map((a) => a.memberId))];
  const groups = [...new Set(missing.map((a) => a.groupId))];
  for (let i = 0; i < members.length; i += CHUNK) {
    const chunk = members.slice(i, i + CHUNK);
    for (const m of await ctx.tdb.selectFrom('memberships').select(['group_id', 'member_id', 'role', 'joined_at']).where('member_id', 'in', chunk).where('group_id', 'in', groups).execute()) {
      scope.memberships.set(membershipKey(m.group_id, m.member_id), { role: m.role, joinedAt: Number(m.joined_at) });
    }
  }
  const codes = [...new Set(judged.flatMap((a) => a.qrCodes.map(inviteCodeOf).filter((c): c is string => !!c)))];
  if (codes.length) {
    for (const r of await ctx.tdb.selectFrom('invites').select('code').where('code', 'in', codes).where('revoked_at', 'is', null).execute()) scope.ownInvites.add(r.code);
  }
  const minAt = Math.min(...judged.map((a) => a.at));
  const cold = [...new Set(judged.map((a) => a.memberId))].filter((m) => !recent.has(m));
  for (let i = 0; i < cold.length; i += CHUNK) {
    const chunk = cold.slice(i, i + CHUNK);
    const loaded = new Map<string, Seen[]>(chunk.map((m) => [m, []]));
    // Up to the batch's first message: the batch itself is added as it is judged.
    for (const r of await ctx.tdb.selectFrom('activities').select(['member_id', 'group_id', 'occurred_at', 'payload']).where('member_id', 'in', chunk)
      .where('kind', '=', 'message').where('occurred_at', '>', minAt - DAY).where('occurred_at', '<', minAt).execute()) {
      loaded.get(r.member_id!)!.push(seen(r.group_id!, Number(r.occurred_at), contentOf(r.payload).text));
    }
    for (const [m, list] of loaded) recent.load(m, list);
  }
}

/** Why a message (already added to its author's history) breaks its group's rule, with the rule; or null. Needs `prefetch` first. */
function violation(scope: Scope, recent: RecentMessages, a: Message) {
  const rule = scope.rules.get(a.groupId);
  const m = rule && scope.memberships.get(membershipKey(a.groupId, a.memberId));
  if (!rule || !m) return null;
  const s = rule.settings;
  const text = normalized(a.seen);
  const needsSame = s.detect.sameTextInGroups && text.trim().length >= 6;
  const reason = violationOf(s, {
    text: a.text, normalized: text, role: m.role, memberId: a.memberId, joinedAt: m.joinedAt, at: a.at,
    recentInGroup: s.flood ? Math.max(1, recent.countInGroup(a.memberId, a.groupId, a.at - s.flood.seconds * 1000, a.at)) : 1,
    groupsWithSameText: needsSame ? Math.max(1, recent.groupsWithText(a.memberId, text, a.at - DAY, a.at)) : 1,
    qrCodes: a.qrCodes.filter((c) => !scope.ownInvites.has(inviteCodeOf(c) ?? '')),
  });
  return reason ? { rule, reason } : null;
}

/** The judgement of a violation: its step on the ladder, given the member's violations `earlier` acted on. */
async function judge(scope: Scope, a: Message, v: NonNullable<ReturnType<typeof violation>>, earlier: (ruleId: string | null, memberId: string, since: number) => Promise<number>): Promise<Judgement> {
  const { rule, reason } = v;
  const key = `${rule.ruleId}:${a.memberId}`;
  const before = (await earlier(rule.ruleId, a.memberId, a.at - rule.settings.windowDays * DAY)) + (scope.counted.get(key) ?? 0);
  scope.counted.set(key, (scope.counted.get(key) ?? 0) + 1);
  return { activityId: a.id, memberId: a.memberId, groupId: a.groupId, at: iso(a.at), text: a.text, reason, step: stepFor(rule.settings, before), ruleId: rule.ruleId };
}

/** Violations by the member under the rule since `since` that were acted on and not undone. */
async function actedOn(ctx: Ctx, ruleId: string | null, memberId: string, since: number): Promise<number> {
  let q = ctx.tdb.selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).where('member_id', '=', memberId).where('origin_type', '=', 'rule')
    .where('created_at', '>=', since).where('undone_at', 'is', null).where('action', 'in', ['warn', 'mute', 'remove', 'blacklist']);
  q = ruleId === null ? q.where('origin_id', 'is', null) : q.where('origin_id', '=', ruleId);
  return Number((await q.executeTakeFirstOrThrow()).n);
}

/** The action for a ladder step: the warning in the rule's words, a mute, a removal or the blacklist. */
async function stepAction(ctx: Ctx, x: {
  settings: ModerationSettings; ruleId: string | null; step: ModerationStep; groupId: string; memberId: string; reason: string; causeActivityId: string | null; dedupeKey: string;
  /** The member's violations judged earlier and not in the outbox yet. */
  earlierUnsaved?: number;
}): Promise<Enqueue> {
  const name = (await nameInGroup(ctx, x.groupId, x.memberId)) ?? '成员';
  const count = (await actedOn(ctx, x.ruleId, x.memberId, 0)) + (x.earlierUnsaved ?? 0) + 1;
  const act = actionOf(x.step, x.reason, x.settings, name, count);
  const g = await ctx.tdb.selectFrom('groups').select('platform').where('id', '=', x.groupId).executeTakeFirst();
  // The blacklist is the workspace's (kept by the built-in community, which also removes the member from its groups).
  const platform = act.action === 'blacklist' ? 'builtin' : (g?.platform ?? 'builtin');
  return {
    dedupeKey: x.dedupeKey, action: act.action, platform, groupId: x.groupId, memberId: x.memberId, payload: act.payload,
    origin: { type: 'rule', id: x.ruleId }, reason: x.reason, causeActivityId: x.causeActivityId,
  };
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
  await enqueue(ctx, [await stepAction(ctx, { settings: r.settings, ruleId, step, ...x })]);
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

/** Judged past the saved checkpoint and not yet saved: the checkpoint, the actions and their counts. */
interface Unsaved {
  to: { createdAt: number; id: string };
  actions: Enqueue[];
  counted: Map<string, number>;
}

/**
 * What a rules runner keeps between its passes: its members' recent messages, and where it has got to in
 * each workspace's stream. The engine owns one; a new one starts from the saved checkpoints.
 */
export interface RunnerState {
  recent: Map<string, RecentMessages>;
  unsaved: Map<string, Unsaved>;
  savedAt: Map<string, number>;
}

export const runnerState = (): RunnerState => ({ recent: new Map(), unsaved: new Map(), savedAt: new Map() });

const processState = runnerState();
const SAVE_EVERY_MS = 1000;
const after = (a: { createdAt: number; id: string }, b: { createdAt: number; id: string }) => a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.id > b.id);

/**
 * Judges the workspace's live chat messages written since the checkpoint (at most `limit`) and queues
 * the actions. Returns how many messages were judged.
 *
 * Passes read without a transaction. Their actions and the checkpoint past them are written together, in
 * one transaction, when the runner has caught up (a pass of fewer than `limit`) or at least every second
 * while it catches up. After a crash the unsaved messages are judged again; nothing was queued for them.
 */
export async function runRules(ctx: Ctx, limit = 500, state: RunnerState = processState): Promise<number> {
  const ws = ctx.workspaceId;
  const saved = await ctx.tdb.selectFrom('rule_checkpoints').selectAll().executeTakeFirst();
  const savedCp = saved ? { createdAt: Number(saved.created_at), id: saved.activity_id } : null;
  // Another runner (a second node) may have saved past this one: what it saved stands.
  let held = state.unsaved.get(ws);
  if (held && savedCp && !after(held.to, savedCp)) held = undefined;
  const cp = held?.to ?? savedCp;
  let q = ctx.tdb.selectFrom('activities').select(['id', 'member_id', 'group_id', 'occurred_at', 'payload', 'created_at', 'kind', 'source'])
    .orderBy('created_at').orderBy('id').limit(limit);
  // A row-value comparison: both SQLite and PostgreSQL walk the (workspace, created_at, id) index from it.
  if (cp) q = q.where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(cp.createdAt, cp.id)));
  else q = q.where('created_at', '>=', ctx.clock.now() - 60_000); // a new workspace judges from now on, not its history
  const rows = await q.execute();
  const unsaved: Unsaved = held ?? { to: cp ?? { createdAt: 0, id: '' }, actions: [], counted: new Map() };
  if (rows.length) {
    const last = rows[rows.length - 1]!;
    unsaved.to = { createdAt: Number(last.created_at), id: last.id };
    await judgeRows(ctx, rows, unsaved, state);
  }
  if (rows.length < limit || ctx.clock.now() - (state.savedAt.get(ws) ?? 0) >= SAVE_EVERY_MS) {
    if (held || rows.length) {
      await ctx.transaction(async (tx) => {
        if (unsaved.actions.length) await enqueue(tx, unsaved.actions);
        const row = { created_at: unsaved.to.createdAt, activity_id: unsaved.to.id };
        await tx.tdb.insertInto('rule_checkpoints', row).onConflict((oc) => oc.column('workspace_id').doUpdateSet(row)).execute();
      });
    }
    state.unsaved.delete(ws);
    state.savedAt.set(ws, ctx.clock.now());
  } else state.unsaved.set(ws, unsaved);
  return rows.length;
}

/** Judges a pass's activities: moderation of messages, 自动发布 on joins; the actions join `unsaved`. */
async function judgeRows(ctx: Ctx, rows: (Activity & { kind: string; source: string })[], unsaved: Unsaved, state: RunnerState): Promise<void> {
  const scope = liveScope(ctx, unsaved.counted);
  const earlier = (ruleId: string | null, memberId: string, since: number) => actedOn(ctx, ruleId, memberId, since);
  const posts: Parameters<typeof postOnJoin>[1] = new Map();
  const recent = state.recent.get(ctx.workspaceId) ?? state.recent.set(ctx.workspaceId, new RecentMessages()).get(ctx.workspaceId)!;
  // Live chat only: imported history and the team's own posts are not judged.
  const live = rows.filter((a) => LIVE_PLATFORMS.has(a.source));
  const messages = live.map((a) => {
    // A newcomer, a rejoining member or one who left: their standing is read again (by the prefetch).
    if ((a.kind === 'join' || a.kind === 'leave') && a.group_id && a.member_id) scope.memberships.delete(membershipKey(a.group_id, a.member_id));
    return a.kind === 'message' ? toMessage(a) : null;
  });
  await prefetch(ctx, scope, messages.filter((m) => m !== null), recent);
  for (const [i, a] of live.entries()) {
    if (a.kind === 'join') {
      const post = await postOnJoin(ctx, posts, a);
      if (post) unsaved.actions.push(post);
      continue;
    }
    const m = messages[i];
    if (!m) continue;
    // Every message joins its author's history (other groups' too: the same text in several groups).
    recent.add(m.memberId, m.seen);
    const v = violation(scope, recent, m);
    if (!v) continue;
    const j = await judge(scope, m, v, earlier);
    unsaved.actions.push(await stepAction(ctx, { settings: v.rule.settings, ruleId: j.ruleId, step: j.step, groupId: j.groupId, memberId: j.memberId,
      reason: j.reason, causeActivityId: j.activityId, dedupeKey: `rule:${j.ruleId}:${j.activityId}`, earlierUnsaved: scope.counted.get(`${j.ruleId}:${j.memberId}`)! - 1 }));
  }
}

/** Replays a group's last `days` of messages through a moderation rule (the group's own, or `settings`): who would have been acted on. */
export async function dryRun(ctx: Ctx, groupId: string, days: number, settings: ModerationSettings | null): Promise<Judgement[]> {
  const scope: Scope = { rules: new Map(), memberships: new Map(), ownInvites: new Set(), counted: new Map() };
  if (settings) scope.rules.set(groupId, { settings, ruleId: null });
  const since = ctx.clock.now() - days * DAY;
  const rows = await ctx.tdb.selectFrom('activities').select(['id', 'member_id', 'group_id', 'occurred_at', 'payload', 'created_at'])
    .where('group_id', '=', groupId).where('kind', '=', 'message').where('member_id', 'is not', null).where('occurred_at', '>=', since)
    .orderBy('occurred_at').orderBy('id').limit(100_000).execute();
  const out: Judgement[] = [];
  const recent = new RecentMessages();
  const messages = rows.map(toMessage).filter((m): m is Message => m !== null);
  for (let i = 0; i < messages.length; i += CHUNK) {
    const batch = messages.slice(i, i + CHUNK);
    await prefetch(ctx, scope, batch, recent);
    for (const m of batch) {
      recent.add(m.memberId, m.seen);
      const v = violation(scope, recent, m);
      if (v) out.push(await judge(scope, m, v, async () => 0));
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
