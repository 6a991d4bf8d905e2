// Importing chat history (`shequn import telegram …`): a reader's records become groups, members,
// identities, memberships and activities, keyed by the platform's own ids so a second import of the same
// file adds nothing.
// - Staged: every row the import creates carries its id (import_id, kept as its provenance) and stays out of
//   every read while the import is not completed; marking the import completed publishes them all at once.
// - Failed: the rows this import created are removed (never rows an earlier import owns), and the import is
//   marked failed with its error.
// - Resumable: each batch commits with the number of records done; running the same file again (same size,
//   same first and last bytes) after an interruption skips what was written and goes on.
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { STAGED_TABLES } from '../../kernel/db/tenant.ts';
import { ShequnError, notFound } from '../../kernel/errors.ts';
import { ExportError, type ChatInfo, type ChatRecord, type Person } from '../../importers/chat-records.ts';
import { rewriteTerms } from '../member/index.ts';
import { addImportToRollups, addImportToVoice } from '../analytics/index.ts';

const BATCH = 5000;

export interface ChatImportInput {
  /** The platform the export comes from (`telegram`, …): the groups' platform and the identities'. */
  platform: string;
  format: string;
  fileName: string;
  fileKey: string;
  /** The community the new groups go into (default: 导入的群, made when first needed). */
  communityId?: string;
  /** The file's size, for progress. */
  bytes?: number;
  records: () => AsyncIterable<ChatRecord>;
}

/** Where an import has got to (the records written, and the byte they reached when the format says). */
export type ImportProgress = (records: number, bytes: number | null) => void;

export interface ChatImportCounts {
  groups: number;
  members: number;
  messages: number;
  service_events: number;
  skipped: number;
}

export interface ChatImportReport extends ChatImportCounts {
  importId: string;
  format: string;
  added: { groups: number; members: number; messages: number; service_events: number };
  /** Why records were not stored: each reason with how many and where the first was. */
  skippedReasons: { reason: string; count: number; first: string }[];
  resumedFrom: number;
}

/** Chats that are not groups (one-to-one, bots, saved messages) are counted, not imported. */
const GROUP_KINDS = new Set<ChatInfo['kind']>(['group', 'channel']);
const NOT_GROUP: Record<ChatInfo['kind'], string> = { private: 'one-to-one chat', bot: 'chat with a bot', saved: 'Saved Messages chat', group: 'group', channel: 'channel' };

const personKey = (p: Person) => (p.id !== null ? p.id : `name:${p.name}`);

interface Added {
  groups: number;
  members: number;
  messages: number;
  service_events: number;
}

/** Imports a chat export from start to end (the CLI). */
export async function importChatExport(ctx: Ctx, input: ChatImportInput, onProgress?: ImportProgress): Promise<ChatImportReport> {
  return (await beginChatImport(ctx, input)).run(onProgress);
}

/**
 * Registers the import (or finds the interrupted one of the same file) and returns its id with the run,
 * so a caller can answer with the id at once and run it in the background (the console's upload).
 */
export async function beginChatImport(ctx: Ctx, input: ChatImportInput): Promise<{ importId: string; run: (onProgress?: ImportProgress) => Promise<ChatImportReport> }> {
  ctx.authorize('member.write');
  const stagedCtx = ctx.with(ctx.tdb.withStaged());
  const now = ctx.clock.now();
  const communityId = input.communityId ?? (await importCommunity(ctx));
  // An interrupted import of the same file goes on; anything else starts afresh.
  const earlier = await ctx.tdb.selectFrom('imports').selectAll().where('file_key', '=', input.fileKey).where('status', '=', 'running').orderBy('started_at', 'desc').executeTakeFirst();
  const importId = earlier?.id ?? ctx.ids.next('imp');
  const added: Added = earlier ? (JSON.parse(earlier.added) as Added) : { groups: 0, members: 0, messages: 0, service_events: 0 };
  const resumeFrom = earlier ? Number(earlier.records_done) : 0;
  if (!earlier) {
    await ctx.tdb.insertInto('imports', {
      id: importId, format: input.format, file_name: input.fileName, file_key: input.fileKey, community_id: communityId, status: 'running', records_done: 0,
      bytes_total: input.bytes ?? null, bytes_done: null,
      added: JSON.stringify(added), report: null, error: null, created_by: ctx.actor.name, started_at: now, updated_at: now, finished_at: null,
    }).execute();
  }
  return { importId, run: (onProgress = () => {}) => runImport(ctx, stagedCtx, input, { importId, communityId, added, resumeFrom }, onProgress) };
}

async function runImport(
  ctx: Ctx, stagedCtx: Ctx, input: ChatImportInput, at: { importId: string; communityId: string; added: Added; resumeFrom: number }, onProgress: ImportProgress,
): Promise<ChatImportReport> {
  const { importId, communityId, added, resumeFrom } = at;
  // Names seen with an id, per chat: a join or leave that names someone only by name is that person.
  const names = new Map<string, Map<string, string>>();
  const remember = (chatId: string, p: Person) => {
    if (p.id === null) return;
    const m = names.get(chatId) ?? names.set(chatId, new Map()).get(chatId)!;
    if (!m.has(p.name)) m.set(p.name, p.id);
  };
  const nameOnly: { chatId: string; name: string }[] = [];
  const w = new Writer(stagedCtx, input.platform, input.format, importId, communityId, added, names);
  const counts: ChatImportCounts = { groups: 0, members: 0, messages: 0, service_events: 0, skipped: 0 };
  const people = new Set<string>();
  const skipped = new Map<string, { count: number; first: string }>();
  const skip = (reason: string, where: string) => {
    counts.skipped++;
    const s = skipped.get(reason);
    if (s) s.count++;
    else skipped.set(reason, { count: 1, first: where });
  };
  const chats = new Map<string, ChatInfo>();
  let n = 0;
  let bytes: number | null = null;
  let batch: ChatRecord[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const todo = batch;
    batch = [];
    await ctx.transaction(async (tx) => {
      await w.write(tx.with(tx.tdb.withStaged()), todo.filter((_, i) => n - todo.length + i >= resumeFrom), chats);
      await tx.tdb.updateTable('imports').set({ records_done: n, bytes_done: bytes, added: JSON.stringify(added), updated_at: ctx.clock.now() }).where('id', '=', importId).execute();
    });
    onProgress(n, bytes);
  };
  try {
    for await (const r of input.records()) {
      if (r.type !== 'chat' && r.where.startsWith('byte ')) bytes = Number(r.where.slice(5));
      if (r.type === 'chat') {
        counts.groups++;
        chats.set(r.chat.id, r.chat);
      } else if (r.type === 'skip') {
        skip(r.reason, r.where);
      } else {
        const chat = chats.get(r.chatId);
        const see = (p: Person) => {
          remember(r.chatId, p);
          if (p.id === null) nameOnly.push({ chatId: r.chatId, name: p.name });
          else people.add(p.id);
        };
        if (r.type === 'message') {
          counts.messages++;
          see(r.from);
        } else {
          counts.service_events++;
          if (r.actor) see(r.actor);
          r.members.forEach(see);
        }
        if (!chat || !GROUP_KINDS.has(chat.kind)) skip(chat ? `in a ${NOT_GROUP[chat.kind]}, not a group` : 'outside any chat', r.where);
      }
      n++;
      batch.push(r);
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    await w.finish();
    for (const p of nameOnly) if (!names.get(p.chatId)?.has(p.name)) people.add(`name:${p.name}`);
  } catch (e) {
    // The reader names the file it was given (an upload's is a temporary path): the import keeps its own name.
    await abandon(ctx, importId, e instanceof ExportError ? importFailed(input.fileName, e.where, e.reason) : e);
    throw e;
  }
  counts.members = people.size;
  const report: ChatImportReport = {
    importId, format: input.format, ...counts, added: { ...added },
    skippedReasons: [...skipped].map(([reason, s]) => ({ reason, count: s.count, first: s.first })),
    resumedFrom: resumeFrom,
  };
  await publish(ctx, importId, report, w.touchedMembers);
  await ctx.tdb.refreshStatistics();
  return report;
}

const IMPORT_COMMUNITY = '导入的群 Imported groups';

/** The default community for imported groups, made when first needed. */
async function importCommunity(ctx: Ctx): Promise<string> {
  const name = IMPORT_COMMUNITY;
  const found = await ctx.tdb.selectFrom('communities').select('id').where('name', '=', name).executeTakeFirst();
  if (found) return found.id;
  const now = ctx.clock.now();
  const id = ctx.ids.next('com');
  await ctx.tdb.insertInto('communities', { id, name, purpose: 'interest', canvas: '{}', created_at: now, updated_at: now }).execute();
  return id;
}

/** Makes the import's rows visible, all at once, and writes the members' search terms. */
async function publish(ctx: Ctx, importId: string, report: ChatImportReport, members: Set<string>) {
  await ctx.transaction(async (tx) => {
    const imp = await tx.tdb.selectFrom('imports').select('started_at').where('id', '=', importId).executeTakeFirstOrThrow();
    await tx.tdb.updateTable('imports').set({ status: 'completed', report: JSON.stringify(report), finished_at: tx.clock.now(), updated_at: tx.clock.now() }).where('id', '=', importId).execute();
    // Counted once, now that they show: the rollups never saw them while they were staged.
    await addImportToRollups(tx, importId, Number(imp.started_at));
    await addImportToVoice(tx, importId, Number(imp.started_at));
  });
  for (const id of members) await rewriteTerms(ctx, id);
}

/** Removes what this import created (its staged rows) and marks it failed. */
async function abandon(ctx: Ctx, importId: string, e: unknown) {
  const started = Number((await ctx.tdb.selectFrom('imports').select('started_at').where('id', '=', importId).executeTakeFirstOrThrow()).started_at);
  await ctx.transaction(async (tx) => {
    // Activities have no index on import_id (every imported one keeps it): theirs were all written after the start.
    await tx.tdb.deleteFrom('activities').where('created_at', '>=', started).where('import_id', '=', importId).execute();
    for (const t of STAGED_TABLES) if (t !== 'activities') await tx.tdb.deleteFrom(t).where('import_id', '=', importId).execute();
    // The default community, when this import made it and nothing else uses it.
    const imp = await tx.tdb.selectFrom('imports').select('community_id').where('id', '=', importId).executeTakeFirstOrThrow();
    const made = await tx.tdb.selectFrom('communities').select('id').where('id', '=', imp.community_id).where('name', '=', IMPORT_COMMUNITY).where('created_at', '>=', started).executeTakeFirst();
    const used = made && (await tx.tdb.withStaged().selectFrom('groups').select('id').where('community_id', '=', made.id).limit(1).executeTakeFirst());
    const otherImports = made && (await tx.tdb.selectFrom('imports').select('id').where('community_id', '=', made.id).where('id', '!=', importId).limit(1).executeTakeFirst());
    if (made && !used && !otherImports) await tx.tdb.deleteFrom('communities').where('id', '=', made.id).execute();
    await tx.tdb.updateTable('imports').set({ status: 'failed', error: e instanceof Error ? e.message : String(e), finished_at: tx.clock.now(), updated_at: tx.clock.now() }).where('id', '=', importId).execute();
  });
}

/**
 * Writes batches of records. Keeps the ids it has resolved (chat → group, person → member, membership) for
 * the whole import; what it has not seen it looks up (staged rows included: an interrupted run's), then
 * creates.
 */
class Writer {
  private readonly groups = new Map<string, string | null>();
  private readonly members = new Map<string, string>();
  private readonly memberships = new Set<string>();
  /** Joins and leaves naming people without an id: resolved by name at the end, when every sender is known. */
  private readonly byName: { chatId: string; record: ChatRecord & { type: 'service' }; person: Person }[] = [];
  /** Members created or given new groups: their search terms are written when the import is published. */
  readonly touchedMembers = new Set<string>();

  constructor(
    private readonly ctx: Ctx,
    private readonly platform: string,
    private readonly format: string,
    private readonly importId: string,
    private readonly communityId: string,
    private readonly added: Added,
    /** Names seen with an id, per chat, in the whole file. */
    private readonly names: Map<string, Map<string, string>>,
  ) {}

  async write(tx: Ctx, records: ChatRecord[], chats: Map<string, ChatInfo>) {
    const activities: Omit<Database['activities'], 'workspace_id'>[] = [];
    const source = `import:${this.format}`;
    for (const r of records) {
      if (r.type === 'chat') {
        if (GROUP_KINDS.has(r.chat.kind)) await this.group(tx, r.chat);
        continue;
      }
      if (r.type === 'skip') continue;
      const chat = chats.get(r.chatId);
      if (!chat || !GROUP_KINDS.has(chat.kind)) continue;
      const groupId = await this.group(tx, chat);
      if (!groupId) continue;
      if (r.type === 'message') {
        const memberId = await this.member(tx, r.from, r.at);
        await this.membership(tx, groupId, memberId, r.at);
        activities.push({
          id: tx.ids.next('act'), kind: 'message', member_id: memberId, group_id: groupId, occurred_at: r.at, content_source: 'UGC',
          payload: JSON.stringify({ text: r.text, ...r.extra }), source, source_id: `${r.chatId}:${r.id}`, created_at: tx.clock.now(), import_id: this.importId,
        });
        continue;
      }
      const actorId = r.actor ? await this.member(tx, r.actor, r.at) : null;
      // Whoever acts in a group (creates it, invites, pins) is in it.
      if (actorId && !(r.kind === 'leave' && r.members.some((m) => m.name === r.actor!.name))) await this.membership(tx, groupId, actorId, r.at);
      const targets = r.members.length ? r.members : r.kind !== 'service' && r.actor ? [r.actor] : [];
      if (r.kind === 'service' || targets.length === 0) {
        activities.push(this.serviceActivity(tx, r, groupId, actorId, null, `${r.chatId}:${r.id}`));
        continue;
      }
      for (const [i, p] of targets.entries()) {
        if (p.id === null && p !== r.actor) this.byName.push({ chatId: r.chatId, record: r, person: p });
        else activities.push(await this.joinOrLeave(tx, r, groupId, actorId, p, i));
      }
    }
    await this.insertActivities(tx, activities);
  }

  /** After the last batch: joins and leaves of people named only by name. */
  async finish() {
    if (this.byName.length === 0) return;
    await this.ctx.transaction(async (tx0) => {
      const tx = tx0.with(tx0.tdb.withStaged());
      const out: Omit<Database['activities'], 'workspace_id'>[] = [];
      for (const { chatId, record, person } of this.byName) {
        const known = this.names.get(chatId)?.get(person.name);
        const p: Person = known ? { id: known, name: person.name } : person;
        const groupId = this.groups.get(chatId);
        if (!groupId) continue;
        const actorId = record.actor ? await this.member(tx, record.actor, record.at) : null;
        out.push(await this.joinOrLeave(tx, record, groupId, actorId, p, record.members.indexOf(person)));
      }
      await this.insertActivities(tx, out);
    });
  }

  private async insertActivities(tx: Ctx, rows: Omit<Database['activities'], 'workspace_id'>[]) {
    if (!rows.length) return;
    const messages = rows.filter((a) => a.kind === 'message');
    const services = rows.filter((a) => a.kind !== 'message');
    this.added.messages += await tx.tdb.bulkInsert('activities', messages, { skipExisting: true });
    this.added.service_events += await tx.tdb.bulkInsert('activities', services, { skipExisting: true });
  }

  private serviceActivity(tx: Ctx, r: ChatRecord & { type: 'service' }, groupId: string, actorId: string | null, memberId: string | null, sourceId: string) {
    return {
      id: tx.ids.next('act'), kind: r.kind, member_id: memberId ?? actorId, group_id: groupId, occurred_at: r.at, content_source: null,
      payload: JSON.stringify({ event: r.event, ...(r.actor ? { actor: r.actor.name, actorId } : {}), ...(r.members.length ? { members: r.members.map((m) => m.name) } : {}), ...r.extra }),
      source: `import:${this.format}`, source_id: sourceId, created_at: tx.clock.now(), import_id: this.importId,
    };
  }

  /** A join or leave of one person: their membership follows it. */
  private async joinOrLeave(tx: Ctx, r: ChatRecord & { type: 'service' }, groupId: string, actorId: string | null, p: Person, i: number) {
    const memberId = await this.member(tx, p, r.at);
    if (r.kind === 'join') {
      const inviter = actorId !== memberId ? actorId : null;
      await this.membership(tx, groupId, memberId, r.at, inviter);
      // A membership first seen at a later message (the join named them only by name, and came last) dates from the join.
      await tx.tdb.updateTable('memberships').set({ joined_at: r.at, invited_by: inviter }).where('group_id', '=', groupId).where('member_id', '=', memberId).where('joined_at', '>', r.at).execute();
    }
    else await tx.tdb.updateTable('memberships').set({ left_at: r.at }).where('group_id', '=', groupId).where('member_id', '=', memberId).where('left_at', 'is', null).where('joined_at', '<=', r.at).execute();
    return this.serviceActivity(tx, r, groupId, actorId, memberId, `${r.chatId}:${r.id}${i > 0 ? `:${i}` : ''}`);
  }

  private async group(tx: Ctx, chat: ChatInfo): Promise<string | null> {
    if (this.groups.has(chat.id)) return this.groups.get(chat.id)!;
    const found = await tx.tdb.selectFrom('groups').select('id').where('platform', '=', this.platform).where('external_id', '=', chat.id).executeTakeFirst();
    let id = found?.id ?? null;
    if (!id) {
      const now = tx.clock.now();
      id = tx.ids.next('grp');
      await tx.tdb.insertInto('groups', {
        id, community_id: this.communityId, group_set_id: null, platform: this.platform, external_id: chat.id, name: chat.name.slice(0, 200) || chat.id,
        kind: 'other', function: 'retain', official: 0, structure: 'pyramid', capacity: 200_000, status: chat.left ? 'archived' : 'active',
        region: null, tags: '[]', owner_type: null, owner_id: null, secretary_type: null, secretary_id: null, numbering: '{}', announcement: null, announcement_at: null,
        created_at: now, updated_at: now, import_id: this.importId,
      }).execute();
      this.added.groups++;
    }
    this.groups.set(chat.id, id);
    return id;
  }

  private async member(tx: Ctx, p: Person, at: number): Promise<string> {
    const key = personKey(p);
    const known = this.members.get(key);
    if (known) return known;
    const found = await tx.tdb.selectFrom('identities').select('member_id').where('platform', '=', this.platform).where('external_id', '=', key).executeTakeFirst();
    let id = found?.member_id;
    if (!id) {
      const now = tx.clock.now();
      id = tx.ids.next('mem');
      const name = p.name.slice(0, 100) || key;
      await tx.tdb.insertInto('members', {
        id, display_name: name, gender: null, birth_year: null, city: null, occupation: null, skills: '[]', phone: null, phone_last4: null, email: null, tags: '[]',
        circle: null, source_channel: `import:${this.format}`, referrer_id: null, stage: 'acquired', stage_history: JSON.stringify([{ stage: 'acquired', at: new Date(at).toISOString() }]),
        consent: '{"dataUse":false,"marketing":false,"directory":false}', joined_at: at, created_at: now, updated_at: now, import_id: this.importId,
      }).execute();
      await tx.tdb.insertInto('identities', { id: tx.ids.next('idn'), member_id: id, platform: this.platform, external_id: key, handle: null, created_at: now, import_id: this.importId }).execute();
      this.added.members++;
      this.touchedMembers.add(id);
    }
    this.members.set(key, id);
    return id;
  }

  private async membership(tx: Ctx, groupId: string, memberId: string, at: number, invitedBy: string | null = null) {
    const key = `${groupId}|${memberId}`;
    if (this.memberships.has(key)) return;
    const found = await tx.tdb.selectFrom('memberships').select('id').where('group_id', '=', groupId).where('member_id', '=', memberId).executeTakeFirst();
    if (!found) {
      await tx.tdb.insertInto('memberships', {
        id: tx.ids.next('ms'), group_id: groupId, member_id: memberId, number: null, number_display: null, number_scope: null, role: 'participant', nickname: null,
        joined_at: at, left_at: null, invited_by: invitedBy, muted_until: null, in_directory: 0, expert: 0, import_id: this.importId,
      }).execute();
      this.touchedMembers.add(memberId);
    }
    this.memberships.add(key);
  }
}

/** An import as the API shows it. */
export function toImport(r: Database['imports']) {
  const report = r.report ? (JSON.parse(r.report) as ChatImportReport) : null;
  return {
    id: r.id, format: r.format, fileName: r.file_name, communityId: r.community_id, status: r.status as 'running' | 'completed' | 'failed',
    recordsDone: Number(r.records_done), bytesTotal: r.bytes_total === null ? null : Number(r.bytes_total), bytesDone: r.bytes_done === null ? null : Number(r.bytes_done),
    added: JSON.parse(r.added) as Added, error: r.error, createdBy: r.created_by,
    startedAt: new Date(Number(r.started_at)).toISOString(), finishedAt: r.finished_at === null ? null : new Date(Number(r.finished_at)).toISOString(),
    report: report && { groups: report.groups, members: report.members, messages: report.messages, service_events: report.service_events, skipped: report.skipped, skippedReasons: report.skippedReasons, resumedFrom: report.resumedFrom },
  };
}

export async function listImports(ctx: Ctx, filter: { communityId?: string; status?: string } = {}) {
  ctx.authorize('member.read');
  let q = ctx.tdb.selectFrom('imports').selectAll().orderBy('started_at', 'desc').limit(100);
  if (filter.communityId) q = q.where('community_id', '=', filter.communityId);
  if (filter.status) q = q.where('status', '=', filter.status);
  return (await q.execute()).map(toImport);
}

export async function getImport(ctx: Ctx, id: string) {
  ctx.authorize('member.read');
  const r = await ctx.tdb.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('import', id);
  return toImport(r);
}

export const importFailed = (file: string, where: string, reason: string) =>
  new ShequnError('import.failed', `${file}: ${where}: ${reason}; nothing from this file was kept`, { file, where });
