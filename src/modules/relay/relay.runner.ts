// The relay at work, one pass per engine tick for every session not ended:
// - scheduled: reminders to the target groups before the start, and the start itself at the scheduled time;
// - live or paused: the workspace's new activities read in order from the session's cursor. In the main
//   group a speaker's (or the host's) message becomes the session's next message and goes to every target
//   group through the outbox (its image or file, and what it replies to in that group, with it), an edit follows it
//   where the platform can edit, and the host's commands (/开始 /暂停 /继续 /结束) run the session. In any of
//   the session's groups a member's message that starts with a question prefix joins the question queue,
//   grouped with the same question asked before. The cursor moves in the same transaction as what it
//   produced, so a restart neither loses nor repeats anything;
// - a sharing relay's series (see relay.service.ts): reminders to the target groups before each of the
//   rule's sessions, and when one runs, its occurrence cloned and started; an occurrence still live when its
//   sharing session is over (or no longer runs: the rule was disabled or changed) is stopped.
// The sharing sessions are the rules engine's own (sharingOccurrences): the relay starts and ends with them.
import type { Kysely } from 'kysely';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { chunks } from '../../kernel/db/chunks.ts';
import { enqueue, type OutboxAction } from '../outbox/index.ts';
import { recordAudit } from '../audit/index.ts';
import { sharingOccurrences, type SharingOccurrence } from '../rules/index.ts';
import { LiveSettingsSchema } from './relay.schema.ts';
import { broadcast, commandSession, isSeries, nextSeq, occurrenceId, seriesOf, targetGroups, type LiveSettings } from './relay.service.ts';
import { DEFAULT_QUESTION_PREFIXES, hostCommand, mediaLabel, noticeLine, questionIn, relayLine, sameQuestion, tooBigNote } from './relay.text.ts';

type Row = Database['live_sessions'];
type Person = { type: 'member' | 'operator'; id: string };
const BATCH = 500;
/**
 * A transaction of the relay stops after about this many sends were queued: to thousands of groups each
 * line is thousands of rows, and the first line should be on its way while the next ones are written.
 */
const SENDS_PER_TRANSACTION = 2_000;

export interface RelayDeps {
  /** Whether a platform's connector can carry an action out (an edit is relayed only where it can). */
  can(platform: string, action: OutboxAction): boolean;
  timezone: string;
  /**
   * A copy, kept as an upload of the group, of a photo or file heard on a platform (the message's `media`),
   * or what to say instead when it is too big to fetch; null when it cannot be had. Fetched once per message,
   * before the relay writes anything.
   */
  copyMedia?(ctx: Ctx, groupId: string, memberId: string | null, payload: Record<string, unknown>): Promise<MediaCopy | null>;
  /** Told when lines were queued in the outbox: their delivery starts (and the runner waits for its first pass) while the rest is read. */
  queued?(): Promise<void>;
}

export type MediaCopy =
  | { image: { uploadId: string; width: number; height: number } }
  | { file: { uploadId: string; name: string; mime: string; bytes: number; kind: 'file' | 'voice' | 'video' | 'audio' } }
  | { tooBig: { kind: string; name: string | null; bytes: number | null } };

/** The message as the relay reads it once its media was copied: as if it had been posted with the upload. */
function withCopy(payload: Record<string, unknown>, copy: MediaCopy | undefined): Record<string, unknown> {
  if (!copy) return payload;
  if ('image' in copy) return { ...payload, image: { id: copy.image.uploadId, ...copy.image } };
  if ('file' in copy) return { ...payload, file: { id: copy.file.uploadId, name: copy.file.name, mime: copy.file.mime, bytes: copy.file.bytes, kind: copy.file.kind } };
  return { ...payload, mediaNote: tooBigNote(copy.tooBig.kind, copy.tooBig.name, copy.tooBig.bytes) };
}

/**
 * A copy that failed (a timeout, the platform's 5xx) is tried again on the next passes, which stop before its
 * message so that the lines keep their order; only after this many tries does it go as a note such as [图片].
 */
const COPY_TRIES = 4;
/** Failed copies per message: kept in memory (a restart gives a message its tries again, which is harmless). */
const copyFailures = new Map<string, number>();

/** A message whose media the relay copies: heard on a platform, not yet an upload of ours. */
const needsCopy = (payload: Record<string, unknown>) => !payload.image && !payload.file && Boolean((payload.media as { kind?: string } | undefined)?.kind);

/**
 * Media of the speakers' next messages in the main group, copied before the relay's transaction (no network
 * inside it). `settled` are the messages whose media was dealt with (copied, or never to be): the transaction
 * stops before any other media message, one whose copy failed and may still succeed, or one that arrived
 * after this read.
 */
async function copyMedia(ctx: Ctx, id: string, deps: RelayDeps): Promise<{ copies: Map<string, MediaCopy>; settled: Set<string> }> {
  const out = { copies: new Map<string, MediaCopy>(), settled: new Set<string>() };
  if (!deps.copyMedia) return out;
  const r = await ctx.tdb.selectFrom('live_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r || r.status !== 'live') return out;
  const speakers = [JSON.parse(r.host) as Person, ...(JSON.parse(r.speakers) as Person[])].filter((p) => p.type === 'member').map((p) => p.id);
  if (!speakers.length) return out;
  const at = Number(r.cursor_at ?? r.started_at ?? 0);
  const rows = await ctx.tdb.selectFrom('activities').select(['id', 'member_id', 'payload']).where('group_id', '=', r.main_group_id).where('kind', '=', 'message')
    .where('member_id', 'in', speakers).where((eb) => eb.or([eb('created_at', '>', at), eb.and([eb('created_at', '=', at), eb('id', '>', r.cursor_id ?? '')])]))
    .orderBy('created_at').orderBy('id').limit(BATCH).execute();
  for (const row of rows) {
    const payload = JSON.parse(row.payload) as Record<string, unknown>;
    if (!needsCopy(payload)) continue;
    try {
      const copy = await deps.copyMedia(ctx, r.main_group_id, row.member_id, payload);
      copyFailures.delete(row.id);
      out.settled.add(row.id);
      if (copy) out.copies.set(row.id, copy);
    } catch (err) {
      const tries = (copyFailures.get(row.id) ?? 0) + 1;
      if (tries < COPY_TRIES) {
        copyFailures.set(row.id, tries);
        ctx.log.warn({ err, activityId: row.id, tries }, 'relay: the media could not be copied; the relay waits and tries again');
        // Later media would only be copied again on the next pass.
        break;
      }
      copyFailures.delete(row.id);
      out.settled.add(row.id);
      ctx.log.warn({ err, activityId: row.id, tries }, 'relay: the media could not be copied; it is relayed as a note such as [图片]');
    }
  }
  return out;
}

/** Workspaces with a session to run (scheduled, live or paused), and the main groups of those running. */
export async function workspacesWithLive(db: Kysely<Database>): Promise<{ workspaceId: string; mainGroups: string[] }[]> {
  const rows = await db.selectFrom('live_sessions').select(['workspace_id', 'main_group_id', 'status']).where('status', 'in', ['scheduled', 'live', 'paused']).execute();
  const out = new Map<string, string[]>();
  for (const r of rows) (out.get(r.workspace_id) ?? out.set(r.workspace_id, []).get(r.workspace_id)!).push(...(r.status === 'scheduled' ? [] : [r.main_group_id]));
  return [...out].map(([workspaceId, mainGroups]) => ({ workspaceId, mainGroups }));
}

export async function runRelay(ctx: Ctx, deps: RelayDeps): Promise<void> {
  const sessions = await ctx.tdb.selectFrom('live_sessions').selectAll().where('status', 'in', ['scheduled', 'live', 'paused']).orderBy('created_at').execute();
  for (const r of sessions) {
    if (isSeries(r)) await series(ctx, r, deps);
    else if (r.status === 'scheduled') {
      if (!(await startCommand(ctx, r))) await scheduled(ctx, r, deps);
    } else {
      while (await follow(ctx, r.id, deps)) await deps.queued?.();
      // (What the speaker said up to the end is relayed first.)
      if (seriesOf(r)) await endOccurrence(ctx, r);
    }
  }
}

/** The reminder due now before a start at `at` (of those not given yet), or null. Only the nearest: after a long downtime the groups get one reminder, not a burst. */
function reminderDue(settings: LiveSettings, at: number, now: number, given: number[] = []): number | null {
  const due = settings.reminders.filter((m) => !given.includes(m) && now >= at - m * 60_000 && now < at);
  return due.length ? Math.min(...due) : null;
}

/** The reminder to the target groups (once: its outbox keys carry the session, the lead time and the start). */
async function remind(ctx: Ctx, r: Row, m: number, at: number, deps: RelayDeps) {
  const when = new Date(at).toLocaleTimeString('zh-CN', { timeZone: deps.timezone, hour: '2-digit', minute: '2-digit' });
  await broadcast(ctx, r, `relay:${r.id}:remind:${m}:${at}`, noticeLine.reminder(r.title, when, Math.max(1, Math.round((at - ctx.clock.now()) / 60_000))));
}

async function scheduled(ctx: Ctx, r: Row, deps: RelayDeps) {
  if (r.scheduled_at === null) return;
  const now = ctx.clock.now();
  const at = Number(r.scheduled_at);
  const settings = LiveSettingsSchema.parse(JSON.parse(r.settings));
  const reminded = JSON.parse(r.reminded) as number[];
  const m = reminderDue(settings, at, now, reminded);
  if (m !== null) {
    await ctx.transaction(async (tx) => {
      await remind(tx, r, m, at, deps);
      await tx.tdb.updateTable('live_sessions').set({ reminded: JSON.stringify([...reminded, ...settings.reminders.filter((x) => x >= m)]) }).where('id', '=', r.id).execute();
    });
  }
  if (settings.autoStart && now >= at) await commandSession(ctx, r.id, 'start', 'schedule');
}

/**
 * A sharing relay's series, each pass: the target groups are reminded before each of the rule's sessions in
 * the main group (the outbox's keys say which reminders were given), and the session running now is relayed
 * by its occurrence, started once.
 */
async function series(ctx: Ctx, r: Row, deps: RelayDeps) {
  const now = ctx.clock.now();
  const settings = LiveSettingsSchema.parse(JSON.parse(r.settings));
  const ahead = Math.max(0, ...settings.reminders) * 60_000;
  for (const o of await sharingOccurrences(ctx, r.rule_id!, r.main_group_id, now, now + ahead + 1)) {
    if (o.start <= now && now < o.end) await startOccurrence(ctx, r, o);
    else if (o.start > now) {
      const m = reminderDue(settings, o.start, now);
      if (m !== null) await ctx.transaction((tx) => remind(tx, r, m, o.start, deps));
    }
  }
}

/** The occurrence of a series for a sharing session: created (unless it was, even if its host ended it early) and started. */
async function startOccurrence(ctx: Ctx, r: Row, o: SharingOccurrence) {
  const id = occurrenceId(r.id, o.start);
  if (await ctx.tdb.selectFrom('live_sessions').select('id').where('id', '=', id).executeTakeFirst()) return;
  const listed = JSON.parse(r.speakers) as Person[];
  const speakers = [...(o.speakerId ? [{ type: 'member' as const, id: o.speakerId }] : []), ...listed.filter((p) => p.type !== 'member' || p.id !== o.speakerId)].slice(0, 20);
  if (!speakers.length) {
    ctx.log.info({ sessionId: r.id, ruleId: r.rule_id, start: o.start, speaker: o.speakerName }, 'relay: the sharing session\'s speaker is no member Shequn knows (a guest, or a leader who is not a member): only the host is relayed; list the guest\'s account among the speakers');
  }
  await ctx.transaction(async (tx) => {
    const now = tx.clock.now();
    const inserted = await tx.tdb.insertInto('live_sessions', {
      id, community_id: r.community_id, title: r.title, cover_url: r.cover_url, description: r.description, scheduled_at: o.start, main_group_id: r.main_group_id,
      host: r.host, speakers: JSON.stringify(speakers), targeting: r.targeting, settings: r.settings, status: 'scheduled', started_at: null, ended_at: null, summary: null,
      cursor_at: null, cursor_id: null, reminded: '[]', rebroadcasts: 0, rule_id: r.rule_id, created_by: tx.actor.name, created_at: now, updated_at: now,
    }).onConflict((oc) => oc.column('id').doNothing()).returning('id').executeTakeFirst();
    if (!inserted) return; // another node made it first
    // The series' targets as they are now (changing the series' targets changes the next occurrences).
    const targets = await tx.tdb.selectFrom('live_targets').select(['group_id', 'origin']).where('session_id', '=', r.id).execute();
    for (const part of chunks(targets.map((x) => ({ session_id: id, group_id: x.group_id, origin: x.origin, added_at: now })))) await tx.tdb.insertInto('live_targets', part).execute();
    await recordAudit(tx, 'live.create', { type: 'live_session', id }, { title: r.title, seriesId: r.id, ruleId: r.rule_id, start: new Date(o.start).toISOString(), speaker: o.speakerName });
    await commandSession(tx, id, 'start', 'schedule');
  });
}

/** An occurrence is stopped once its sharing session is over, or no longer runs (the rule disabled, moved to another time or group). */
async function endOccurrence(ctx: Ctx, r: Row) {
  const fresh = await ctx.tdb.selectFrom('live_sessions').select('status').where('id', '=', r.id).executeTakeFirst();
  if (fresh?.status !== 'live' && fresh?.status !== 'paused') return;
  const now = ctx.clock.now();
  const running = await sharingOccurrences(ctx, r.rule_id!, r.main_group_id, now, now + 1);
  if (running.some((o) => o.start === Number(r.scheduled_at) && o.start <= now && now < o.end)) return;
  await commandSession(ctx, r.id, 'stop', 'schedule');
}

/** Whether an activity is this person's: a member's message, or an operator's post as the team. */
const isBy = (p: Person, a: { member_id: string | null; payload: Record<string, unknown> }) =>
  p.type === 'member' ? a.member_id === p.id : a.member_id === null && a.payload.operatorId === p.id;

/** A session not started yet listens to its main group for the host's /开始 (the relay reads on from there). */
async function startCommand(ctx: Ctx, r: Row): Promise<boolean> {
  const host = JSON.parse(r.host) as Person;
  const at = Number(r.cursor_at ?? r.created_at);
  const after = r.cursor_id ?? '';
  const rows = await ctx.tdb.selectFrom('activities').select(['id', 'member_id', 'payload', 'created_at']).where('group_id', '=', r.main_group_id).where('kind', '=', 'message')
    .where((eb) => eb.or([eb('created_at', '>', at), eb.and([eb('created_at', '=', at), eb('id', '>', after)])]))
    .orderBy('created_at').orderBy('id').limit(BATCH).execute();
  if (!rows.length) return false;
  for (const row of rows) {
    const payload = JSON.parse(row.payload) as Record<string, unknown>;
    if (isBy(host, { member_id: row.member_id, payload }) && typeof payload.text === 'string' && hostCommand(payload.text) === 'start') {
      await ctx.tdb.updateTable('live_sessions').set({ cursor_at: Number(row.created_at), cursor_id: row.id }).where('id', '=', r.id).execute();
      await commandSession(ctx, r.id, 'start', 'chat');
      return true;
    }
  }
  const last = rows[rows.length - 1]!;
  await ctx.tdb.updateTable('live_sessions').set({ cursor_at: Number(last.created_at), cursor_id: last.id }).where('id', '=', r.id).execute();
  return false;
}

/** One batch of the workspace's activities after the session's cursor; returns whether there may be more. */
async function follow(ctx: Ctx, id: string, deps: RelayDeps): Promise<boolean> {
  const { copies, settled } = await copyMedia(ctx, id, deps);
  return ctx.transaction(async (tx) => {
    const r = await tx.tdb.selectFrom('live_sessions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    if (r.status !== 'live' && r.status !== 'paused') return false;
    const at = Number(r.cursor_at ?? r.started_at ?? tx.clock.now());
    const after = r.cursor_id ?? '';
    const rows = await tx.tdb.selectFrom('activities').select(['id', 'kind', 'member_id', 'group_id', 'payload', 'created_at', 'occurred_at'])
      .where((eb) => eb.or([eb('created_at', '>', at), eb.and([eb('created_at', '=', at), eb('id', '>', after)])]))
      .orderBy('created_at').orderBy('id').limit(BATCH).execute();
    if (!rows.length) return false;
    const targets = await targetGroups(tx, id);
    const inSession = new Set([r.main_group_id, ...targets.map((g) => g.id)]);
    const host = JSON.parse(r.host) as Person;
    const speakers = JSON.parse(r.speakers) as Person[];
    const settings = LiveSettingsSchema.parse(JSON.parse(r.settings));
    const prefixes = settings.questionPrefixes ?? DEFAULT_QUESTION_PREFIXES;
    const is = isBy;
    let status = r.status;
    const open = await tx.tdb.selectFrom('live_questions').select(['id', 'text']).where('session_id', '=', id).where('same_as', 'is', null).where('status', '=', 'open').execute();

    let last: (typeof rows)[number] | undefined = rows[rows.length - 1]!;
    let queued = 0;
    let held = false;
    for (const [i, row] of rows.entries()) {
      if (queued >= SENDS_PER_TRANSACTION) {
        last = rows[i - 1];
        break;
      }
      if (!row.group_id || !inSession.has(row.group_id)) continue;
      const payload = JSON.parse(row.payload) as Record<string, unknown>;
      const a = { member_id: row.member_id, payload };
      const text = typeof payload.text === 'string' ? payload.text : '';
      const speaker = speakers.find((p) => is(p, a));
      const role = speaker ? 'speaker' : is(host, a) ? 'host' : null;
      if (row.group_id === r.main_group_id && row.kind === 'message' && role) {
        const cmd = is(host, a) ? hostCommand(text) : null;
        if (cmd) {
          // (A start is heard while the session is scheduled: see startCommand.)
          const allowed = { start: [] as string[], pause: ['live'], resume: ['paused'], stop: ['live', 'paused'] }[cmd];
          if (allowed.includes(status)) {
            await commandSession(tx, id, cmd, 'chat');
            status = cmd === 'pause' ? 'paused' : cmd === 'resume' ? 'live' : cmd === 'stop' ? 'ended' : status;
          }
          continue;
        }
        if (status === 'live' && deps.copyMedia && row.member_id && needsCopy(payload) && !settled.has(row.id)) {
          last = rows[i - 1];
          held = true;
          break;
        }
        if (status === 'live') {
          await relay(tx, r, row, withCopy(payload, copies.get(row.id)), role, speaker ?? host);
          queued += targets.length;
        }
        continue;
      }
      if (row.group_id === r.main_group_id && row.kind === 'message.edit' && role && typeof payload.of === 'string') {
        await relayEdit(tx, r, row.id, payload.of, text, role, speaker ?? host, deps);
        continue;
      }
      if (row.kind !== 'message' || !row.member_id || role || status === 'ended') continue;
      const question = questionIn(text, prefixes);
      if (!question) continue;
      const root = open.find((q) => sameQuestion(q.text, question));
      const name = (await tx.tdb.selectFrom('memberships').select('nickname').where('group_id', '=', row.group_id).where('member_id', '=', row.member_id).executeTakeFirst())?.nickname
        ?? (await tx.tdb.selectFrom('members').select('display_name').where('id', '=', row.member_id).executeTakeFirst())?.display_name ?? '成员';
      const qid = tx.ids.next('lq');
      const inserted = await tx.tdb.insertInto('live_questions', {
        id: qid, session_id: id, group_id: row.group_id, member_id: row.member_id, asker: name, text: question, same_as: root?.id ?? null, status: 'open',
        answer: null, answered_by: null, answered_at: null, activity_id: row.id, asked_at: Number(row.occurred_at),
      }).onConflict((oc) => oc.columns(['workspace_id', 'activity_id']).doNothing()).returning('id').executeTakeFirst();
      if (inserted && !root) open.push({ id: qid, text: question });
      if (inserted) tx.emit({ type: 'live_question.created', workspaceId: tx.workspaceId, data: { sessionId: id, id: qid } });
    }
    if (!last) return false;
    await tx.tdb.updateTable('live_sessions').set({ cursor_at: Number(last.created_at), cursor_id: last.id }).where('id', '=', id).execute();
    // A held message's copy is tried on the next tick, not at once.
    return !held && (rows.length === BATCH || last !== rows[rows.length - 1]);
  });
}

async function nameOf(ctx: Ctx, p: Person, payload: Record<string, unknown>): Promise<string> {
  if (p.type === 'operator') return typeof payload.from === 'string' ? payload.from : ((await ctx.tdb.selectFrom('operators').select('name').where('id', '=', p.id).executeTakeFirst())?.name ?? '主讲');
  return (await ctx.tdb.selectFrom('members').select('display_name').where('id', '=', p.id).executeTakeFirst())?.display_name ?? '主讲';
}

async function relay(ctx: Ctx, r: Row, row: { id: string; occurred_at: number }, payload: Record<string, unknown>, role: 'speaker' | 'host', who: Person) {
  const name = await nameOf(ctx, who, payload);
  const text = typeof payload.text === 'string' ? payload.text : '';
  const img = payload.image as { id?: string; width?: number; height?: number } | null | undefined;
  const image = img?.id ? { uploadId: img.id, width: img.width ?? 0, height: img.height ?? 0 } : null;
  const f = payload.file as { id?: string; name?: string; mime?: string; bytes?: number; kind?: string } | null | undefined;
  const file = !image && f?.id
    ? { uploadId: f.id, name: f.name ?? '', mime: f.mime ?? 'application/octet-stream', bytes: Number(f.bytes) || 0, kind: (['voice', 'video', 'audio'] as const).find((k) => k === f.kind) ?? 'file' as const }
    : null;
  const media = payload.media as { kind?: string } | undefined;
  // Media Shequn has no copy of (a sticker, a file too big to fetch) is named, so the groups know something was said.
  const mediaNote = typeof payload.mediaNote === 'string' ? payload.mediaNote : !image && !file && media?.kind ? `[${mediaLabel(media.kind)}]` : '';
  const body = [text, mediaNote].filter(Boolean).join(' ');
  if (!body && !image && !file) return;
  // The archive names the file in words too, so a replay that shows no player still says what was sent.
  const archived = file ? [body, `[${mediaLabel(file.kind)}] ${file.name}`.trim()].filter(Boolean).join(' ') : body;
  const replyTo = typeof payload.replyTo === 'string'
    ? await ctx.tdb.selectFrom('live_messages').select('seq').where('session_id', '=', r.id).where('activity_id', '=', payload.replyTo).executeTakeFirst() : undefined;
  const seq = await nextSeq(ctx, r.id);
  const inserted = await ctx.tdb.insertInto('live_messages', {
    id: ctx.ids.next('lmsg'), session_id: r.id, seq, kind: 'speech', activity_id: row.id, speaker: name,
    payload: JSON.stringify({ text: archived, ...(image ? { image } : {}), ...(file ? { file } : {}), ...(replyTo ? { replyToSeq: Number(replyTo.seq) } : {}), role }), hidden: 0, edited_text: null, recalled: 0, at: Number(row.occurred_at),
  }).onConflict((oc) => oc.columns(['workspace_id', 'session_id', 'activity_id']).doNothing()).returning('id').executeTakeFirst();
  if (!inserted) return;
  await broadcast(ctx, r, `relay:${r.id}:${seq}`, relayLine(role, name, body), {
    payload: { relay: { session: r.id, seq }, ...(image ? { image } : {}), ...(file ? { file } : {}) },
    refs: replyTo ? (g) => ({ replyTo: `relay:${r.id}:${Number(replyTo.seq)}:${g}` }) : undefined,
  });
}

async function relayEdit(ctx: Ctx, r: Row, editActivity: string, originalActivity: string, text: string, role: 'speaker' | 'host', who: Person, deps: RelayDeps) {
  const m = await ctx.tdb.selectFrom('live_messages').select(['seq', 'payload']).where('session_id', '=', r.id).where('activity_id', '=', originalActivity).executeTakeFirst();
  if (!m) return;
  const seq = Number(m.seq);
  const was = JSON.parse(m.payload) as { image?: unknown; file?: unknown };
  // With an image or a file the text was its caption, which platforms edit apart from a message's text.
  const caption = Boolean(was.image || was.file);
  await ctx.tdb.updateTable('live_messages').set({ payload: JSON.stringify({ ...was, text }) }).where('session_id', '=', r.id).where('seq', '=', seq).execute();
  const line = relayLine(role, await nameOf(ctx, who, {}), text);
  const groups = (await targetGroups(ctx, r.id)).filter((g) => deps.can(g.platform, 'edit'));
  await enqueue(ctx, groups.map((g) => ({
    dedupeKey: `relay:${r.id}:${seq}:edit:${editActivity}:${g.id}`, lane: `group:${g.id}`, action: 'edit' as const, platform: g.platform, groupId: g.id, memberId: null,
    payload: { text: line, ...(caption ? { caption: true } : {}), refs: { target: `relay:${r.id}:${seq}:${g.id}` } }, origin: { type: 'relay' as const, id: r.id }, reason: null, causeActivityId: null,
  })));
}
