// Time-based rules (sharing sessions, scheduled posts, inactivity, nickname reminders, quiet groups, ranking,
// sunset) on every live platform's groups: each tick looks at what is due by the injectable clock and
// queues it, for the group's own platform, under a key made of the rule, the group, the occurrence and the
// step, so that a restart neither loses a due action (it is still due when the engine comes back) nor
// repeats one (the key is taken). What a platform's connector cannot do is refused by the outbox with its
// reason; what is no outbox action at all (seating a member in another group) is done only where Shequn is
// the chat, and elsewhere handed to the team (a notice, a `rule.manual_step` event, a log line).
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { assignTask, awardPoints } from '../engagement/index.ts';
import { hearsAllSince } from '../connection/index.ts';
import { enqueue, type Enqueue } from '../outbox/index.ts';
import { joinGroup, nameInGroup } from '../member/index.ts';
import { parseSettings, type PostSettings, type RankingSettings, type RuleSettings, type RuleType, type SharingSettings } from './rule-types.ts';
import { effectiveRule } from './rules.service.ts';
import { checkNickname } from '../joining/ritual.ts';
import { LIVE_PLATFORMS, ownsChat } from './platforms.ts';
import { dueOf, sessionIndex, sessionsBetween, speakerAt, type Due, type Session } from './sharing.ts';

const HOUR = 3_600_000;
/** How late a step may still be carried out (after a restart): a reminder until its session starts, the rest within a day. */
const lateness = (d: Due, s: Session) => (d.kind === 'remind' ? s.start - d.at : d.kind === 'start' ? s.end - d.at : 24 * HOUR);

const clock = (ms: number, tz: string) => new Intl.DateTimeFormat('zh-CN', { timeZone: tz, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);

/**
 * Each enabled rule of a type with each live group it governs: the groups its target covers where it is
 * the effective rule (a group's own rule, or its set's, overrides a wider one of the same type).
 */
async function* coveredGroups<T extends RuleType>(ctx: Ctx, type: T): AsyncGenerator<{ rule: Database['rules']; settings: RuleSettings<T>; group: Database['groups'] }> {
  const rules = await ctx.tdb.selectFrom('rules').selectAll().where('type', '=', type).where('enabled', '=', 1).execute();
  for (const rule of rules) {
    const parsed = parseSettings(type, JSON.parse(rule.settings));
    if (!parsed.ok) continue;
    for (const group of await governed(ctx, rule)) yield { rule, settings: parsed.value, group };
  }
}

/** The groups of live platforms, not archived, that a rule's target covers. */
async function groupsOf(ctx: Ctx, rule: Database['rules']) {
  let q = ctx.tdb.selectFrom('groups').selectAll().where('platform', 'in', [...LIVE_PLATFORMS]).where('status', '!=', 'archived');
  q = rule.target_type === 'group' ? q.where('id', '=', rule.target_id) : rule.target_type === 'group_set' ? q.where('group_set_id', '=', rule.target_id) : q.where('community_id', '=', rule.target_id);
  return q.execute();
}

/** Of the groups a rule covers, those where it is the effective rule of its type. */
async function governed(ctx: Ctx, rule: Database['rules']): Promise<Database['groups'][]> {
  const out: Database['groups'][] = [];
  for (const group of await groupsOf(ctx, rule)) if ((await effectiveRule(ctx, group, rule.type as RuleType)).ruleId === rule.id) out.push(group);
  return out;
}

/** The enabled sharing rule with this id and its settings, or null. */
async function sharingRule(ctx: Ctx, ruleId: string): Promise<{ rule: Database['rules']; settings: SharingSettings } | null> {
  const rule = await ctx.tdb.selectFrom('rules').selectAll().where('id', '=', ruleId).where('type', '=', 'sharing.session').where('enabled', '=', 1).executeTakeFirst();
  const parsed = rule ? parseSettings('sharing.session', JSON.parse(rule.settings)) : null;
  return rule && parsed?.ok ? { rule, settings: parsed.value } : null;
}

/** The groups where a sharing rule runs its sessions (none when it is missing, disabled or overridden everywhere). */
export async function sharingGroups(ctx: Ctx, ruleId: string): Promise<Database['groups'][]> {
  const found = await sharingRule(ctx, ruleId);
  return found ? governed(ctx, found.rule) : [];
}

/** One session of a sharing rule in a group, as the rules engine runs it. */
export interface SharingOccurrence extends Session {
  title: string;
  /** The session's number since the rule was made (it rotates the roster). */
  index: number;
  /** The member who speaks (the roster's turn, or the group's leader), or null (a guest, or a leader who is no member). */
  speakerId: string | null;
  speakerName: string;
}

async function occurrence(ctx: Ctx, rule: Database['rules'], s: SharingSettings, g: Database['groups'], session: Session): Promise<SharingOccurrence> {
  const index = sessionIndex(s, Number(rule.created_at), session.start);
  const speakerId = speakerAt(s, index) ?? (s.speakers.mode === 'leader' && g.owner_type === 'member' ? g.owner_id : null);
  const speakerName = s.speakers.mode === 'guest' ? s.speakers.name : speakerId ? await nameInGroup(ctx, g.id, speakerId) ?? '主讲人' : '群主';
  return { ...session, title: s.title, index, speakerId, speakerName };
}

/**
 * The sessions of a sharing rule in a group that overlap [from, to), with their speakers: those the rules
 * engine runs (the rule enabled and the group's effective one, the session not older than the rule). Others
 * (the live relay of a sharing session) follow these, so they start and end with them.
 */
export async function sharingOccurrences(ctx: Ctx, ruleId: string, groupId: string, from: number, to: number): Promise<SharingOccurrence[]> {
  const found = await sharingRule(ctx, ruleId);
  if (!found) return [];
  const g = await ctx.tdb.selectFrom('groups').selectAll().where('id', '=', groupId).executeTakeFirst();
  if (!g || !LIVE_PLATFORMS.has(g.platform) || g.status === 'archived' || (await effectiveRule(ctx, g, 'sharing.session')).ruleId !== ruleId) return [];
  const out: SharingOccurrence[] = [];
  for (const session of sessionsBetween(found.settings, from, to)) {
    if (session.start >= Number(found.rule.created_at)) out.push(await occurrence(ctx, found.rule, found.settings, g, session));
  }
  return out;
}

/** Tells the group's team of a step the rule could not take itself, with the reason (the console hears the event; the log keeps it). */
function manualStep(ctx: Ctx, x: { ruleId: string; groupId: string; step: string; reason: string; memberIds?: string[] }) {
  ctx.log.info({ ruleId: x.ruleId, groupId: x.groupId, step: x.step, memberIds: x.memberIds, reason: x.reason }, 'rules: a step is left to the team');
  ctx.emit({ type: 'rule.manual_step', workspaceId: ctx.workspaceId, groupId: x.groupId, data: { ...x } });
}

/** Queues the due steps of every sharing session; returns how many steps were queued this time (or found queued). */
export async function runSchedules(ctx: Ctx): Promise<number> {
  const now = ctx.clock.now();
  let steps = 0;
  for await (const { rule, settings: s, group: g } of coveredGroups(ctx, 'sharing.session')) {
    const horizon = Math.max(0, ...s.remindMinutes) * 60_000;
    for (const session of sessionsBetween(s, now - 24 * HOUR, now + horizon)) {
      for (const d of dueOf(s, session)) {
        // A step due before the rule existed is not the rule's to take (yesterday's session of a rule made today).
        if (d.at > now || now - d.at > lateness(d, session) || d.at < Number(rule.created_at)) continue;
        steps++;
        await ctx.transaction((tx) => step(tx, rule, s, g, session, d));
      }
    }
  }
  return steps;
}

async function step(ctx: Ctx, rule: Database['rules'], s: SharingSettings, g: Database['groups'], session: Session, d: Due) {
  const o = await occurrence(ctx, rule, s, g, session);
  const { speakerId, speakerName } = o;
  const key = `share:${rule.id}:${g.id}:${session.start}:${d.kind}${d.kind === 'remind' ? `:${d.minutes}` : ''}`;
  const send = (text: string, memberId: string | null) => enqueue(ctx, [{
    dedupeKey: key, action: 'send', platform: g.platform, groupId: g.id, memberId, payload: { text },
    origin: { type: 'rule', id: rule.id }, reason: `定期分享「${s.title}」`, causeActivityId: null,
  }]);
  const when = clock(session.start, s.timezone);
  // Only where Shequn checks each post against the group's mute does a session lift it; elsewhere it is the platform's to keep.
  const lifts = s.liftMute && ownsChat(g.platform);
  if (d.kind === 'remind') {
    const lead = d.minutes % 60 === 0 ? `${d.minutes / 60} 小时` : `${d.minutes} 分钟`;
    await send(`📣 ${lead}后（${when}）是「${s.title}」，主讲：${speakerName}${speakerId ? ` @${speakerName}` : ''}。欢迎准时来听，提前把问题准备好。`, speakerId);
  } else if (d.kind === 'start') {
    await send(`🎤「${s.title}」现在开始，主讲：${speakerName}。${lifts ? '分享期间本群解除禁言，欢迎提问互动。' : ''}`, speakerId);
  } else {
    await send(`🙏「${s.title}」结束了，感谢 ${speakerName} 的分享！${lifts ? '本群恢复原来的发言规则。' : ''}`, speakerId);
    // The summary (经验总结): the speaker writes it; after a guest, the roster's next member (or nobody).
    const writer = speakerId ?? speakerAt(s, o.index + 1);
    if (s.summaryDueHours > 0 && writer) {
      await assignTask(ctx, {
        memberId: writer, groupId: g.id, title: `经验总结：${s.title}（${when}）`,
        detail: `把这次分享的要点整理成一篇总结发到群里，${s.summaryDueHours} 小时内完成。`,
        dueAt: session.end + s.summaryDueHours * HOUR, origin: { type: 'rule', id: rule.id }, dedupeKey: `${key}:summary`,
      });
    }
    if (speakerId) await awardPoints(ctx, { memberId: speakerId, points: 20, reason: `主讲「${s.title}」`, ruleId: rule.id, activityId: null, dedupeKey: `${key}:points` });
  }
}

/** Whether a sharing session lifts the group's mute right now. */
export async function sharingLifts(ctx: Ctx, group: { id: string; group_set_id: string | null; community_id: string }, at: number): Promise<boolean> {
  const r = await effectiveRule(ctx, group, 'sharing.session');
  if (r.from === 'default' || !r.settings.liftMute) return false;
  return sessionsBetween(r.settings, at, at + 1).some((x) => x.start <= at && at < x.end);
}

const DAY = 24 * HOUR;

/**
 * 不活跃淘汰: members of a group without a counted activity for `inactiveDays` get a warning; still
 * inactive `graceDays` after it, they are removed (on a connected platform by its connector: a Telegram
 * bot removes them, and Shequn records the leave when the bot hears it). Keys carry the start of the inactive stretch, so a
 * member who comes back and falls silent again is warned again.
 */
export async function runInactivity(ctx: Ctx): Promise<number> {
  const now = ctx.clock.now();
  let queued = 0;
  for await (const { rule, settings: s, group: g } of coveredGroups(ctx, 'elimination.inactivity')) {
    // Silence means something only where every message is heard: on a connected platform, since a bot of
    // ours could read them all (a bot that hears only commands would take the whole group for silent).
    let heard = 0;
    if (!ownsChat(g.platform)) {
      const since = await hearsAllSince(ctx, g.id);
      if (since === null) {
        skipOnce(ctx, rule.id, g, 'rules: no inactivity check in this group: no bot of ours hears every message there (make the bot an admin)');
        continue;
      }
      heard = since;
    }
    const members = await ctx.tdb.selectFrom('memberships').innerJoin('members', 'members.id', 'memberships.member_id')
      .select(['memberships.member_id', 'memberships.role', 'memberships.joined_at', 'memberships.nickname', 'members.display_name'])
      .where('memberships.group_id', '=', g.id).where('memberships.left_at', 'is', null).execute();
    const last = new Map((await ctx.tdb.selectFrom('activities').select(['member_id', (eb) => eb.fn.max('occurred_at').as('at')])
      .where('group_id', '=', g.id).where('kind', 'in', s.counts).where('member_id', 'is not', null).groupBy('member_id').execute())
      .map((r) => [r.member_id!, Number(r.at)]));
    for (const m of members) {
      if (s.exemptRoles.includes(m.role as never) || s.allowMembers.includes(m.member_id)) continue;
      const since = Math.max(Number(m.joined_at), last.get(m.member_id) ?? 0, heard);
      if (now - since < s.inactiveDays * DAY) continue;
      const stretch = `inactive:${rule.id}:${g.id}:${m.member_id}:${since}`;
      const warned = await ctx.tdb.selectFrom('outbox').select(['created_at', 'undone_at']).where('dedupe_key', '=', stretch).executeTakeFirst();
      const name = m.nickname || m.display_name;
      const days = Math.floor((now - since) / DAY);
      await ctx.transaction(async (tx) => {
        if (!warned) {
          const text = s.warnTemplate.replace(/\{(nickname|days|grace)\}/g, (_x, k: string) => (k === 'nickname' ? name : k === 'days' ? String(days) : String(s.graceDays)));
          await enqueue(tx, [{
            dedupeKey: stretch, action: 'warn', platform: g.platform, groupId: g.id, memberId: m.member_id, payload: { text },
            origin: { type: 'rule', id: rule.id }, reason: `${days} 天没有参与互动`, causeActivityId: null,
          }]);
          queued++;
        } else if (warned.undone_at === null && now - Number(warned.created_at) >= s.graceDays * DAY) {
          await enqueue(tx, [{
            dedupeKey: `${stretch}:remove`, action: 'remove', platform: g.platform, groupId: g.id, memberId: m.member_id, payload: {},
            origin: { type: 'rule', id: rule.id }, reason: `提醒后 ${s.graceDays} 天仍未参与互动`, causeActivityId: null,
          }]);
          queued++;
        }
      });
    }
  }
  return queued;
}

/** Skips already logged, by rule and group: a rule that cannot apply to a group is said once per process, not every pass. */
const skipsLogged = new Set<string>();
function skipOnce(ctx: Ctx, ruleId: string, g: { id: string; platform: string }, why: string) {
  const said = `${ctx.workspaceId}|${ruleId}|${g.id}`;
  if (skipsLogged.has(said)) return;
  skipsLogged.add(said);
  ctx.log.info({ ruleId, groupId: g.id, platform: g.platform }, why);
}

/**
 * The ritual's nickname reminder: a member of a built-in group whose nickname does not fit the group's
 * format N minutes after joining is reminded once (they cannot post until it fits). Elsewhere there is no
 * gate to open (Shequn does not see every post before it appears) and a platform such as Telegram has no
 * group nicknames to fix: nobody is reminded, and the log says why.
 */
export async function runRitualReminders(ctx: Ctx): Promise<number> {
  const now = ctx.clock.now();
  let queued = 0;
  for await (const { rule, settings: s, group: g } of coveredGroups(ctx, 'joining.ritual')) {
    if (!s.nicknamePattern || s.nicknameRemindMinutes === null) continue;
    if (!ownsChat(g.platform)) {
      skipOnce(ctx, rule.id, g, 'rules: no nickname reminders in this group: its platform has no group nicknames for Shequn to check');
      continue;
    }
    const due = now - s.nicknameRemindMinutes * 60_000;
    // Newcomers of the last week only: the reminder is part of joining, not a campaign.
    const rows = await ctx.tdb.selectFrom('memberships').innerJoin('members', 'members.id', 'memberships.member_id')
      .select(['memberships.id', 'memberships.member_id', 'memberships.nickname', 'members.display_name'])
      .where('memberships.group_id', '=', g.id).where('memberships.left_at', 'is', null)
      .where('memberships.joined_at', '<=', due).where('memberships.joined_at', '>', now - 7 * DAY).execute();
    for (const m of rows) {
      if (m.nickname && !checkNickname(s.nicknamePattern, m.nickname)) continue;
      await enqueue(ctx, [{
        dedupeKey: `nickname:${m.id}`, action: 'warn', platform: g.platform, groupId: g.id, memberId: m.member_id,
        payload: { text: `@${m.nickname || m.display_name} 请按本群格式 ${s.nicknamePattern}${s.nicknameExample ? `（例：${s.nicknameExample}）` : ''} 修改群昵称，改好后就能发言了。` },
        origin: { type: 'rule', id: rule.id }, reason: '群昵称不符合格式', causeActivityId: null,
      }]);
      queued++;
    }
  }
  return queued;
}

/**
 * 冷群提醒: a group whose last 24 hours fell below a share of its own baseline gets the next prepared topic;
 * without topics its owner is told (a task when the owner is a member; always a `group.quiet` event).
 * Once per group per day.
 */
export async function runQuiet(ctx: Ctx): Promise<number> {
  const now = ctx.clock.now();
  const day = Math.floor(now / DAY);
  let found = 0;
  for await (const { rule, settings: s, group: g } of coveredGroups(ctx, 'communication.quiet')) {
    // As for inactivity: a group is quiet only by a count of every message, over the whole baseline.
    if (!ownsChat(g.platform)) {
      const since = await hearsAllSince(ctx, g.id);
      if (since === null || since > now - (s.baselineDays + 1) * DAY) continue;
    }
    const count = async (from: number, to: number) => Number((await ctx.tdb.selectFrom('activities').select((eb) => eb.fn.countAll().as('n'))
      .where('group_id', '=', g.id).where('kind', '=', 'message').where('occurred_at', '>', from).where('occurred_at', '<=', to).executeTakeFirstOrThrow()).n);
    const last = await count(now - DAY, now);
    const baseline = (await count(now - (s.baselineDays + 1) * DAY, now - DAY)) / s.baselineDays;
    if (baseline < s.minBaselinePerDay || last >= (baseline * s.belowPercent) / 100) continue;
    found++;
    const key = `quiet:${rule.id}:${g.id}:${day}`;
    const why = `最近 24 小时只有 ${last} 条消息（过去 ${s.baselineDays} 天日均 ${baseline.toFixed(1)} 条）`;
    await ctx.transaction(async (tx) => {
      if (s.topics.length) {
        await enqueue(tx, [{
          dedupeKey: key, action: 'send', platform: g.platform, groupId: g.id, memberId: null, payload: { text: `💬 今日话题：${s.topics[day % s.topics.length]}` },
          origin: { type: 'rule', id: rule.id }, reason: `冷群提醒：${why}`, causeActivityId: null,
        }]);
      } else if (g.owner_type === 'member' && g.owner_id) {
        await assignTask(tx, {
          memberId: g.owner_id, groupId: g.id, title: `冷群提醒：${g.name}`, detail: `${why}。发起一个话题或活动，把群重新带热。`,
          dueAt: now + DAY, origin: { type: 'rule', id: rule.id }, dedupeKey: key,
        });
      }
      tx.emit({ type: 'group.quiet', workspaceId: tx.workspaceId, groupId: g.id, data: { groupId: g.id, last, baseline, ruleId: rule.id } });
    });
  }
  return found;
}

const render = (text: string, v: Record<string, string>) => text.replace(/\{(nickname|number|group|count)\}/g, (_m, k: string) => v[k] ?? '');

/** 自动发布 on a weekly schedule: each occurrence once, within an hour of its time. */
export async function runScheduledPosts(ctx: Ctx): Promise<number> {
  const now = ctx.clock.now();
  let queued = 0;
  for await (const { rule, settings: s, group: g } of coveredGroups(ctx, 'communication.post')) {
    const { trigger, text } = s;
    if (trigger.on !== 'schedule') continue;
    const calendar = { days: trigger.days, at: trigger.at, timezone: trigger.timezone, durationMinutes: 10 } as SharingSettings;
    for (const occ of sessionsBetween(calendar, now - HOUR, now + 1)) {
      if (occ.start > now || now - occ.start > HOUR) continue;
      await enqueue(ctx, [{
        dedupeKey: `post:${rule.id}:${g.id}:${occ.start}`, action: 'send', platform: g.platform, groupId: g.id, memberId: null,
        payload: { text: render(text, { group: g.name }) }, origin: { type: 'rule', id: rule.id }, reason: '自动发布（定时）', causeActivityId: null,
      }]);
      queued++;
    }
  }
  return queued;
}

/** The 自动发布 a join calls for (for each newcomer, or when the group reaches every Nth member), or null. */
export async function postOnJoin(ctx: Ctx, cache: Map<string, { id: string; platform: string; settings: PostSettings } | null>, a: { id: string; group_id: string | null; member_id: string | null; occurred_at: number }): Promise<Enqueue | null> {
  if (!a.group_id || !a.member_id) return null;
  if (!cache.has(a.group_id)) {
    const g = await ctx.tdb.selectFrom('groups').selectAll().where('id', '=', a.group_id).executeTakeFirst();
    const r = g && LIVE_PLATFORMS.has(g.platform) ? await effectiveRule(ctx, g, 'communication.post') : null;
    cache.set(a.group_id, r && r.from !== 'default' && r.ruleId && r.settings.trigger.on !== 'schedule' ? { id: r.ruleId, platform: g!.platform, settings: r.settings } : null);
  }
  const rule = cache.get(a.group_id);
  if (!rule) return null;
  const g = await ctx.tdb.selectFrom('groups').select('name').where('id', '=', a.group_id).executeTakeFirstOrThrow();
  const m = await ctx.tdb.selectFrom('memberships').innerJoin('members', 'members.id', 'memberships.member_id').select(['memberships.nickname', 'memberships.number_display', 'members.display_name'])
    .where('memberships.group_id', '=', a.group_id).where('memberships.member_id', '=', a.member_id).executeTakeFirst();
  // The group's size when this newcomer joined (not now: several joins may be judged in one pass).
  const at = Number(a.occurred_at);
  const count = Number((await ctx.tdb.selectFrom('memberships').select((eb) => eb.fn.countAll().as('n')).where('group_id', '=', a.group_id).where('joined_at', '<=', at)
    .where((eb) => eb.or([eb('left_at', 'is', null), eb('left_at', '>', at)])).executeTakeFirstOrThrow()).n);
  const t = rule.settings.trigger;
  if (t.on === 'milestone' && count % t.every !== 0) return null;
  const vars = { nickname: m?.nickname || m?.display_name || '', number: m?.number_display ?? '', group: g.name, count: String(count) };
  return {
    dedupeKey: t.on === 'milestone' ? `post:${rule.id}:${a.group_id}:${count}` : `post:${rule.id}:${a.id}`, action: 'send', platform: rule.platform, groupId: a.group_id,
    memberId: t.on === 'join' ? a.member_id : null, payload: { text: render(rule.settings.text, vars) }, origin: { type: 'rule', id: rule.id },
    reason: t.on === 'join' ? '自动发布（新人入群）' : `自动发布（满 ${count} 人）`, causeActivityId: a.id,
  };
}

/** Contribution scores of members in a group over a window (核心群末位淘汰). */
async function scores(ctx: Ctx, groupIds: string[], since: number, w: RankingSettings['weights']): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const add = (m: string | null, n: number) => m && out.set(m, (out.get(m) ?? 0) + n);
  if (!groupIds.length) return out;
  const acts = await ctx.tdb.selectFrom('activities').select(['id', 'member_id', 'kind', 'payload']).where('group_id', 'in', groupIds)
    .where('kind', 'in', ['message', 'attendance']).where('member_id', 'is not', null).where('occurred_at', '>', since).execute();
  const authorOf = new Map(acts.filter((a) => a.kind === 'message').map((a) => [a.id, a.member_id]));
  for (const a of acts) {
    if (a.kind === 'attendance') add(a.member_id, w.attendance);
    else {
      add(a.member_id, w.messages);
      // A reply to someone else is worth more than talking to oneself.
      const to = (JSON.parse(a.payload) as { replyTo?: string }).replyTo;
      if (to && authorOf.get(to) && authorOf.get(to) !== a.member_id) add(a.member_id, w.replies);
    }
  }
  for (const h of await ctx.tdb.selectFrom('highlights').select('member_id').where('group_id', 'in', groupIds).where('created_at', '>', since).execute()) add(h.member_id, w.highlights);
  for (const p of await ctx.tdb.selectFrom('points').select('member_id').where('reason', 'like', '主讲%').where('created_at', '>', since).execute()) add(p.member_id, w.sharing);
  return out;
}

/**
 * 核心群末位淘汰与晋升, on its weekly schedule: the core group's members ranked by contribution, the bottom K
 * removed (through the outbox, undoable) and the top K of the member groups brought in, everyone told.
 * Only a built-in core group can be joined by Shequn itself; into another platform's core group the
 * promoted are congratulated and invited, and the team brings them in (a task for the group's owner).
 */
export async function runRanking(ctx: Ctx): Promise<number> {
  const now = ctx.clock.now();
  let done = 0;
  for await (const { rule, settings: s, group: g } of coveredGroups(ctx, 'elimination.ranking')) {
    const calendar = { days: s.days, at: s.at, timezone: s.timezone, durationMinutes: 10 } as SharingSettings;
    for (const occ of sessionsBetween(calendar, now - 6 * HOUR, now + 1)) {
      if (occ.start > now || now - occ.start > 6 * HOUR) continue;
      const key = `rank:${rule.id}:${g.id}:${occ.start}`;
      // The whole ranking happens once: its first queued action is the marker.
      if (await ctx.tdb.selectFrom('outbox').select('id').where('dedupe_key', '=', `${key}:notice`).executeTakeFirst()) continue;
      done++;
      await ctx.transaction(async (tx) => {
        const since = now - s.windowDays * DAY;
        const core = await tx.tdb.selectFrom('memberships').select(['member_id', 'role']).where('group_id', '=', g.id).where('left_at', 'is', null).execute();
        const coreScores = await scores(tx, [g.id], since, s.weights);
        const ranked = core.filter((m) => !s.exemptRoles.includes(m.role as never))
          .map((m) => ({ id: m.member_id, score: coreScores.get(m.member_id) ?? 0 }))
          .sort((a, b) => a.score - b.score || a.id.localeCompare(b.id));
        const out = ranked.slice(0, Math.min(s.bottomK, ranked.length));
        const from = s.fromGroupIds.length ? s.fromGroupIds
          : (await tx.tdb.selectFrom('groups').select('id').where('community_id', '=', g.community_id).where('kind', '=', 'member').where('platform', 'in', [...LIVE_PLATFORMS]).execute()).map((x) => x.id);
        const platformOf = new Map(from.length ? (await tx.tdb.selectFrom('groups').select(['id', 'platform']).where('id', 'in', from).execute()).map((x) => [x.id, x.platform]) : []);
        const inCore = new Set(core.map((m) => m.member_id));
        const candidates = from.length
          ? await tx.tdb.selectFrom('memberships').select(['member_id', 'group_id']).where('group_id', 'in', from).where('left_at', 'is', null).execute()
          : [];
        const candScores = await scores(tx, from, since, s.weights);
        const best = [...new Map(candidates.filter((c) => !inCore.has(c.member_id)).map((c) => [c.member_id, c.group_id])).entries()]
          .map(([id, groupId]) => ({ id, groupId, score: candScores.get(id) ?? 0 })).filter((c) => c.score > 0)
          .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id)).slice(0, s.promoteK);
        for (const m of out) {
          await enqueue(tx, [{
            dedupeKey: `${key}:out:${m.id}`, action: 'remove', platform: g.platform, groupId: g.id, memberId: m.id, payload: {},
            origin: { type: 'rule', id: rule.id }, reason: `核心群末位淘汰：近 ${s.windowDays} 天贡献分 ${m.score}`, causeActivityId: null,
          }]);
        }
        const seats = ownsChat(g.platform);
        for (const c of best) {
          const name = await nameInGroup(tx, c.groupId, c.id) ?? '成员';
          if (seats) {
            // The built-in community adds the member itself; the welcome and the congratulations follow.
            const existing = await tx.tdb.selectFrom('memberships').select(['id', 'left_at']).where('group_id', '=', g.id).where('member_id', '=', c.id).executeTakeFirst();
            if (!existing || existing.left_at !== null) await joinGroup(tx, c.id, { groupId: g.id, role: 'participant', invitedBy: null });
          } else if (g.owner_type === 'member' && g.owner_id) {
            await assignTask(tx, {
              memberId: g.owner_id, groupId: g.id, title: `邀请 ${name} 加入「${g.name}」`, detail: `核心群晋升：${name} 近 ${s.windowDays} 天贡献分 ${c.score}。请把 TA 拉进群。`,
              dueAt: now + 2 * DAY, origin: { type: 'rule', id: rule.id }, dedupeKey: `${key}:invite:${c.id}`,
            });
          }
          await enqueue(tx, [{
            dedupeKey: `${key}:in:${c.id}`, action: 'send', platform: platformOf.get(c.groupId) ?? 'builtin', groupId: c.groupId, memberId: c.id,
            payload: { text: seats ? `🎉 恭喜 @${name} 近 ${s.windowDays} 天贡献分 ${c.score}，晋升进入「${g.name}」！` : `🎉 恭喜 @${name} 近 ${s.windowDays} 天贡献分 ${c.score}，晋升「${g.name}」！群主会尽快邀请你入群。` },
            origin: { type: 'rule', id: rule.id }, reason: `晋升：贡献分 ${c.score}`, causeActivityId: null,
          }]);
        }
        if (!seats && best.length) {
          manualStep(tx, { ruleId: rule.id, groupId: g.id, step: 'promote', memberIds: best.map((c) => c.id), reason: `Shequn cannot add members to a ${g.platform} group: the team invites them` });
        }
        await enqueue(tx, [{
          dedupeKey: `${key}:notice`, action: 'send', platform: g.platform, groupId: g.id, memberId: null,
          payload: { text: `📊 本期贡献排名已更新：${out.length} 位成员移出，${best.length} 位成员从学员群晋升${seats ? '加入' : '（群主将邀请入群）'}。感谢大家的分享与互助！` },
          origin: { type: 'rule', id: rule.id }, reason: '核心群末位淘汰与晋升', causeActivityId: null,
        }]);
      });
    }
  }
  return done;
}

/**
 * 生命周期收官: when the community's planned lifecycle ends (its canvas `lifecycle.plannedEndOn`, in the
 * workspace's zone of Asia/Shanghai), each covered group is told and, per the rule, archived or moved on
 * to a successor group. Once per group.
 */
export async function runSunset(ctx: Ctx): Promise<number> {
  const now = ctx.clock.now();
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(now);
  let done = 0;
  for await (const { rule, settings: s, group: g } of coveredGroups(ctx, 'elimination.sunset')) {
    const c = await ctx.tdb.selectFrom('communities').select('canvas').where('id', '=', g.community_id).executeTakeFirst();
    const end = (JSON.parse(c?.canvas ?? '{}') as { lifecycle?: { plannedEndOn?: string | null } }).lifecycle?.plannedEndOn;
    if (!end) continue;
    const startOn = new Date(Date.parse(`${end}T00:00:00Z`) - s.daysBefore * DAY).toISOString().slice(0, 10);
    if (today < startOn) continue;
    const key = `sunset:${rule.id}:${g.id}`;
    if (await ctx.tdb.selectFrom('outbox').select('id').where('dedupe_key', '=', key).executeTakeFirst()) continue;
    done++;
    await ctx.transaction(async (tx) => {
      const successor = s.successorGroupId ? await tx.tdb.selectFrom('groups').select(['id', 'name', 'platform']).where('id', '=', s.successorGroupId).executeTakeFirst() : undefined;
      // Shequn seats the members in the successor only when it holds both groups' memberships (built-in to built-in).
      const moves = s.action === 'move' && !!successor && ownsChat(g.platform) && ownsChat(successor.platform);
      const next = s.action !== 'move' || !successor ? '' : moves ? `大家会一起转入「${successor.name}」，继续见！` : `请大家加入「${successor.name}」继续交流，入群方式请留意群主通知。`;
      await enqueue(tx, [{
        dedupeKey: key, action: 'send', platform: g.platform, groupId: g.id, memberId: null, payload: { text: s.text.replace('{next}', next).trim() },
        origin: { type: 'rule', id: rule.id }, reason: `生命周期收官（计划到 ${end}）`, causeActivityId: null,
      }]);
      if (moves) {
        const members = await tx.tdb.selectFrom('memberships').select(['member_id', 'role']).where('group_id', '=', g.id).where('left_at', 'is', null).execute();
        for (const m of members) {
          const there = await tx.tdb.selectFrom('memberships').select(['id', 'left_at']).where('group_id', '=', successor.id).where('member_id', '=', m.member_id).executeTakeFirst();
          if (!there || there.left_at !== null) await joinGroup(tx, m.member_id, { groupId: successor.id, role: m.role as 'participant', invitedBy: null });
        }
      } else if (s.action === 'move') {
        manualStep(tx, {
          ruleId: rule.id, groupId: g.id, step: 'move', reason: successor
            ? `Shequn cannot move members from a ${g.platform} group to a ${successor.platform} group: they were asked to join ${successor.id}`
            : `the successor group ${s.successorGroupId} is gone: nobody was moved`,
        });
      }
      if (s.action === 'archive' || s.action === 'move') {
        await tx.tdb.updateTable('groups').set({ status: 'archived', updated_at: now }).where('id', '=', g.id).execute();
        tx.emit({ type: 'group.updated', workspaceId: tx.workspaceId, groupId: g.id, data: { id: g.id, fields: ['status'], by: 'sunset' } });
      }
    });
  }
  return done;
}
