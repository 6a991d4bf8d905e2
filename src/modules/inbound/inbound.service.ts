// The event side of the connector contract: what happens in a platform's group (a message, a join, a
// leave, a rename, a reaction, an edit) arrives here in one platform-neutral shape and becomes groups,
// members, identities, memberships and activities, keyed by the platform's own ids so that hearing the
// same event twice (a redelivered update, a restart) writes nothing new. Groups and people are keyed as
// the importers key them (identity = platform + the platform's user id), so a group imported from an
// export and then connected live is one group, and its people one record each.
import type { Ctx } from '../../kernel/context.ts';
import { iso } from '../../kernel/clock.ts';
import { writeActivities, type ActivityInput } from '../activity/index.ts';
import { membershipUpdated, rewriteTerms } from '../member/index.ts';

export interface PlatformPerson {
  /** The platform's id for the person (a Telegram user id). */
  id: string;
  name: string;
  handle?: string | null;
}

export interface PlatformChat {
  /** The group's id as imports know it (a Telegram supergroup's id without its -100 prefix). */
  id: string;
  title: string;
  /** The address the connection's account uses for it (the Bot API's chat id). */
  ref: string;
  /**
   * Its public username without @ (Telegram's chat.username, the t.me/<name> link), null when it has none;
   * left out when the event does not say (then what was heard before is kept).
   */
  username?: string | null;
}

export interface PlatformMedia {
  kind: 'photo' | 'voice' | 'file' | 'video' | 'audio' | 'animation' | 'sticker';
  /** The platform's handle on the file for the account that heard it (a Telegram file_id). */
  ref: string;
  /** The same file whichever account sees it (file_unique_id). */
  uniqueRef?: string;
  name?: string;
  /** Its size, where the platform says (a relay names a file too big to fetch with it). */
  bytes?: number;
  width?: number;
  height?: number;
}

interface Base {
  chat: PlatformChat;
  /** Milliseconds since the epoch. */
  at: number;
}

export type PlatformEvent =
  | (Base & {
      type: 'message';
      /** The message's id in the chat. */
      id: string;
      from: PlatformPerson;
      text: string;
      media?: PlatformMedia;
      /** The id of the message it answers. */
      replyTo?: string;
      /** Handles (without @) and user ids it mentions. */
      mentions?: string[];
      links?: string[];
    })
  | (Base & { type: 'edit'; id: string; from: PlatformPerson; text: string })
  | (Base & { type: 'join'; id: string; members: PlatformPerson[]; by?: PlatformPerson; via?: string })
  | (Base & { type: 'leave'; id: string; member: PlatformPerson; by?: PlatformPerson })
  | (Base & { type: 'rename'; id: string; title: string; by?: PlatformPerson })
  | (Base & { type: 'reaction'; id: string; messageId: string; from: PlatformPerson; emojis: string[] })
  | (Base & { type: 'join_request'; id: string; from: PlatformPerson; note?: string })
  /** The account itself was added, made admin, or removed. */
  | (Base & { type: 'account'; status: 'member' | 'admin' | 'left' })
  /** The chat moved to a new id (a Telegram basic group upgraded to a supergroup). */
  | (Base & { type: 'moved'; to: PlatformChat });

/** Where new groups heard live go until an operator files them (made when first needed). */
const CONNECTED_COMMUNITY = '接入的群 Connected groups';

export interface Heard {
  /** The activities written (new ones only). */
  activities: number;
  groups: number;
}

/** Records what one connection heard, in order. Returns what was new. */
export async function recordEvents(ctx: Ctx, platform: string, connectionId: string, events: PlatformEvent[]): Promise<Heard> {
  const heard: Heard = { activities: 0, groups: 0 };
  if (!events.length) return heard;
  await ctx.transaction(async (tx) => {
    const r = new Recorder(tx, platform, connectionId, heard);
    for (const e of events) await r.record(e);
  });
  return heard;
}

class Recorder {
  private readonly groups = new Map<string, string>();
  private readonly members = new Map<string, string>();
  private community: string | null = null;

  constructor(private readonly ctx: Ctx, private readonly platform: string, private readonly connectionId: string, private readonly heard: Heard) {}

  async record(e: PlatformEvent) {
    const ctx = this.ctx;
    if (e.type === 'moved') return this.moved(e.chat, e.to);
    const groupId = await this.group(e.chat, e.type === 'account' ? e.status : undefined);
    const sourceId = (id: string) => `${e.chat.id}:${id}`;
    const at = iso(e.at);
    switch (e.type) {
      case 'account':
        return;
      case 'message': {
        const memberId = await this.member(e.from, e.at);
        await this.seat(groupId, memberId, e.at);
        const replyTo = e.replyTo ? await this.activityOf(sourceId(e.replyTo)) : null;
        await this.write({
          kind: 'message', memberId, groupId, occurredAt: at, contentSource: 'UGC', source: this.platform, sourceId: sourceId(e.id),
          payload: {
            text: e.text, from: e.from.name, replyTo, mentions: e.mentions ?? [], ...(e.links?.length ? { links: e.links } : {}),
            ...(e.media ? { media: e.media } : {}), platform: { messageId: e.id, chat: e.chat.ref, connection: this.connectionId, ...(e.replyTo ? { replyTo: e.replyTo } : {}) },
          },
        });
        return;
      }
      case 'edit': {
        const memberId = await this.member(e.from, e.at);
        const original = await this.activityOf(sourceId(e.id));
        await this.write({
          kind: 'message.edit', memberId, groupId, occurredAt: at, contentSource: null, source: this.platform, sourceId: `${sourceId(e.id)}:edit:${e.at}`,
          payload: { text: e.text, of: original, platform: { messageId: e.id, chat: e.chat.ref } },
        });
        return;
      }
      case 'join': {
        const by = e.by ? await this.member(e.by, e.at) : null;
        for (const [i, p] of e.members.entries()) {
          const memberId = await this.member(p, e.at);
          const inviter = by !== memberId ? by : null;
          await this.seat(groupId, memberId, e.at, inviter, true);
          await this.write({
            kind: 'join', memberId, groupId, occurredAt: at, contentSource: null, source: this.platform, sourceId: `${sourceId(e.id)}${i ? `:${i}` : ''}`,
            payload: { event: 'join', ...(inviter ? { invitedBy: inviter } : {}), ...(e.via ? { via: e.via } : {}) },
          });
        }
        return;
      }
      case 'leave': {
        const memberId = await this.member(e.member, e.at);
        const by = e.by ? await this.member(e.by, e.at) : null;
        const left = await ctx.tdb.updateTable('memberships').set({ left_at: e.at }).where('group_id', '=', groupId).where('member_id', '=', memberId).where('left_at', 'is', null).executeTakeFirst();
        if (Number(left.numUpdatedRows)) ctx.emit(membershipUpdated(ctx.workspaceId, groupId, memberId, ['leftAt']));
        await this.write({
          kind: 'leave', memberId, groupId, occurredAt: at, contentSource: null, source: this.platform, sourceId: sourceId(e.id),
          payload: { event: by && by !== memberId ? 'removed' : 'leave', ...(by && by !== memberId ? { by } : {}) },
        });
        return;
      }
      case 'rename': {
        await ctx.tdb.updateTable('groups').set({ name: e.title.slice(0, 200), updated_at: ctx.clock.now() }).where('id', '=', groupId).execute();
        const by = e.by ? await this.member(e.by, e.at) : null;
        await this.write({ kind: 'service', memberId: by, groupId, occurredAt: at, contentSource: null, source: this.platform, sourceId: sourceId(e.id), payload: { event: 'rename', title: e.title } });
        return;
      }
      case 'reaction': {
        const memberId = await this.member(e.from, e.at);
        const target = await this.activityOf(sourceId(e.messageId));
        await this.write({
          kind: 'reaction', memberId, groupId, occurredAt: at, contentSource: null, source: this.platform, sourceId: `${sourceId(e.messageId)}:reaction:${e.from.id}:${e.at}`,
          payload: { emojis: e.emojis, of: target },
        });
        return;
      }
      case 'join_request': {
        const memberId = await this.member(e.from, e.at);
        await this.write({
          kind: 'join.request', memberId, groupId, occurredAt: at, contentSource: null, source: this.platform, sourceId: `${sourceId(e.id)}`,
          payload: { note: e.note ?? null, platform: { user: e.from.id, chat: e.chat.ref, connection: this.connectionId } },
        });
        return;
      }
    }
  }

  private async write(a: ActivityInput) {
    const [r] = await writeActivities(this.ctx, [a], () => '', { audit: false });
    if (r?.created) this.heard.activities++;
  }

  private async activityOf(sourceId: string): Promise<string | null> {
    const a = await this.ctx.tdb.selectFrom('activities').select('id').where('source', '=', this.platform).where('source_id', '=', sourceId).executeTakeFirst();
    return a?.id ?? null;
  }

  /** The group (found by the platform's id, else made in the connected-groups community) and this connection's link to it. */
  private async group(chat: PlatformChat, account?: 'member' | 'admin' | 'left'): Promise<string> {
    const ctx = this.ctx;
    let id = this.groups.get(chat.id);
    const now = ctx.clock.now();
    if (!id) {
      const found = await ctx.tdb.selectFrom('groups').select('id').where('platform', '=', this.platform).where('external_id', '=', chat.id).executeTakeFirst();
      id = found?.id;
      if (!id) {
        id = ctx.ids.next('grp');
        await ctx.tdb.insertInto('groups', {
          id, community_id: await this.connectedCommunity(), group_set_id: null, platform: this.platform, external_id: chat.id, name: chat.title.slice(0, 200) || chat.id,
          kind: 'other', function: 'retain', official: 1, structure: 'pyramid', capacity: 200_000, status: 'active',
          region: null, tags: '[]', owner_type: null, owner_id: null, secretary_type: null, secretary_id: null, numbering: '{}', announcement: null, announcement_at: null,
          created_at: now, updated_at: now, import_id: null,
        }).execute();
        this.heard.groups++;
      }
      this.groups.set(chat.id, id);
    }
    const link = await ctx.tdb.selectFrom('group_links').select(['status', 'chat_ref', 'handle']).where('group_id', '=', id).where('connection_id', '=', this.connectionId).executeTakeFirst();
    const status = account ?? (link?.status === 'left' || !link ? 'member' : link.status);
    // A group made private loses its username (null); an event that does not say (undefined) changes nothing.
    const handle = chat.username === undefined ? (link?.handle ?? null) : chat.username;
    if (!link) await ctx.tdb.insertInto('group_links', { group_id: id, connection_id: this.connectionId, chat_ref: chat.ref, status, handle, updated_at: now }).execute();
    else if (link.status !== status || link.chat_ref !== chat.ref || link.handle !== handle) {
      await ctx.tdb.updateTable('group_links').set({ status, chat_ref: chat.ref, handle, updated_at: now }).where('group_id', '=', id).where('connection_id', '=', this.connectionId).execute();
    }
    return id;
  }

  private async moved(from: PlatformChat, to: PlatformChat) {
    const ctx = this.ctx;
    const g = await ctx.tdb.selectFrom('groups').select('id').where('platform', '=', this.platform).where('external_id', '=', from.id).executeTakeFirst();
    if (!g) return;
    const clash = await ctx.tdb.selectFrom('groups').select('id').where('platform', '=', this.platform).where('external_id', '=', to.id).executeTakeFirst();
    if (!clash) await ctx.tdb.updateTable('groups').set({ external_id: to.id, updated_at: ctx.clock.now() }).where('id', '=', g.id).execute();
    await ctx.tdb.updateTable('group_links').set({ chat_ref: to.ref, updated_at: ctx.clock.now() }).where('group_id', '=', g.id).where('chat_ref', '=', from.ref).execute();
    this.groups.delete(from.id);
  }

  private async connectedCommunity(): Promise<string> {
    if (this.community) return this.community;
    const ctx = this.ctx;
    const found = await ctx.tdb.selectFrom('communities').select('id').where('name', '=', CONNECTED_COMMUNITY).executeTakeFirst();
    if (found) return (this.community = found.id);
    const now = ctx.clock.now();
    const id = ctx.ids.next('com');
    await ctx.tdb.insertInto('communities', { id, name: CONNECTED_COMMUNITY, purpose: 'interest', canvas: '{}', created_at: now, updated_at: now }).execute();
    return (this.community = id);
  }

  /** The member behind a platform account: their identity, else a new member with one. */
  private async member(p: PlatformPerson, at: number): Promise<string> {
    const known = this.members.get(p.id);
    if (known) return known;
    const ctx = this.ctx;
    const found = await ctx.tdb.selectFrom('identities').select(['member_id', 'handle']).where('platform', '=', this.platform).where('external_id', '=', p.id).executeTakeFirst();
    let id = found?.member_id;
    const now = ctx.clock.now();
    if (!id) {
      id = ctx.ids.next('mem');
      await ctx.tdb.insertInto('members', {
        id, display_name: p.name.slice(0, 100) || p.id, gender: null, birth_year: null, city: null, occupation: null, skills: '[]', phone: null, phone_last4: null, email: null, tags: '[]',
        circle: null, source_channel: this.platform, referrer_id: null, stage: 'acquired', stage_history: JSON.stringify([{ stage: 'acquired', at: new Date(at).toISOString() }]),
        consent: '{"dataUse":false,"marketing":false,"directory":false}', joined_at: at, created_at: now, updated_at: now, import_id: null,
      }).execute();
      await ctx.tdb.insertInto('identities', { id: ctx.ids.next('idn'), member_id: id, platform: this.platform, external_id: p.id, handle: p.handle ?? null, created_at: now, import_id: null }).execute();
      await rewriteTerms(ctx, id);
    } else if ((p.handle ?? null) !== found!.handle && p.handle) {
      await ctx.tdb.updateTable('identities').set({ handle: p.handle }).where('platform', '=', this.platform).where('external_id', '=', p.id).execute();
    }
    this.members.set(p.id, id);
    return id;
  }

  /** The member sits in the group (a message from someone not known to be in it seats them; a join after a leave seats them again). */
  private async seat(groupId: string, memberId: string, at: number, invitedBy: string | null = null, rejoin = false) {
    const ctx = this.ctx;
    const m = await ctx.tdb.selectFrom('memberships').select(['id', 'left_at']).where('group_id', '=', groupId).where('member_id', '=', memberId).executeTakeFirst();
    if (!m) {
      await ctx.tdb.insertInto('memberships', {
        id: ctx.ids.next('ms'), group_id: groupId, member_id: memberId, number: null, number_display: null, number_scope: null, role: 'participant', nickname: null,
        joined_at: at, left_at: null, invited_by: invitedBy, muted_until: null, in_directory: 0, expert: 0, import_id: null,
      }).execute();
    } else if (m.left_at !== null && (rejoin || Number(m.left_at) < at)) {
      await ctx.tdb.updateTable('memberships').set({ left_at: null, joined_at: at, ...(invitedBy ? { invited_by: invitedBy } : {}) }).where('id', '=', m.id).execute();
    } else return;
    await rewriteTerms(ctx, memberId);
    ctx.emit(membershipUpdated(ctx.workspaceId, groupId, memberId, ['joinedAt']));
  }
}
