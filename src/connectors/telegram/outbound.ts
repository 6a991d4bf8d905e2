// The Telegram connector's action side: the outbox's actions as Bot API calls by the bot (of a pool) that
// sits in the group. Declares what Telegram lets a bot do and Telegram's documented limits (about 30
// messages/s per bot, 1/s per chat, 20/min per group), so the outbox never has to be told "429".
// Images and files (documents, voices, videos, audio) are uploaded once per bot (a file_id belongs to the bot
// that uploaded it) and sent by file_id after.
import { GrammyError, InputFile, type Api } from 'grammy';
import type { Message } from 'grammy/types';
import type { Ctx } from '../../kernel/context.ts';
import type { FileStore } from '../../kernel/files.ts';
import { Refused, type Connector, type GroupAction, type OutboxAction, type RateLimits, type Seat } from '../../modules/outbox/index.ts';
import { classify, type TelegramAccounts } from './api.ts';

const NONE = {
  can_send_messages: false, can_send_audios: false, can_send_documents: false, can_send_photos: false, can_send_videos: false, can_send_video_notes: false,
  can_send_voice_notes: false, can_send_polls: false, can_send_other_messages: false, can_add_web_page_previews: false,
};
const ALL = Object.fromEntries(Object.keys(NONE).map((k) => [k, true])) as Record<keyof typeof NONE, boolean>;

/**
 * Telegram's limits as documented. No room is added: the outbox counts a send from Telegram's answer, which
 * comes after Telegram counted it (the way back is the room), so a burst of 30 that queues at Telegram's
 * front end does not spill into the next second's window either. (A 2 % margin cost 2 % of a relay's speed.)
 */
export function telegramLimits(timeScale: number): RateLimits {
  const ms = (n: number) => Math.ceil(n / timeScale) + 1;
  return {
    perAccount: [{ count: 30, perMs: ms(1000) }],
    perGroup: [{ count: 1, perMs: ms(1000) }, { count: 20, perMs: ms(60_000) }],
  };
}

/** What a bot may upload (sendDocument and the like); larger files are refused before they are read. */
const UPLOAD_MAX = 50 * 2 ** 20;
const CAPTION_MAX = 1024;

type MediaKind = 'photo' | 'document' | 'voice' | 'video' | 'audio';
type SentMedia = Message;
/** A message's `file.kind` as the Bot API method that sends it. */
const FILE_KINDS: Record<string, MediaKind> = { file: 'document', voice: 'voice', video: 'video', audio: 'audio' };
const SEND: Record<MediaKind, (api: Api, chat: string, file: string | InputFile, opts: object) => Promise<SentMedia>> = {
  photo: (api, chat, file, opts) => api.sendPhoto(chat, file, opts),
  document: (api, chat, file, opts) => api.sendDocument(chat, file, opts),
  voice: (api, chat, file, opts) => api.sendVoice(chat, file, opts),
  video: (api, chat, file, opts) => api.sendVideo(chat, file, opts),
  audio: (api, chat, file, opts) => api.sendAudio(chat, file, opts),
};

/** The file_id this bot now has for what it sent (a photo's largest size). */
function fileIdOf(m: SentMedia): string | undefined {
  const best = m.photo?.reduce((x, y) => (y.width * y.height > x.width * x.height ? y : x));
  return best?.file_id ?? m.voice?.file_id ?? m.video?.file_id ?? m.audio?.file_id ?? m.document?.file_id;
}

export const telegramCapabilities = new Set<OutboxAction>([
  'send', 'warn', 'mute', 'unmute', 'remove', 'restore', 'recall', 'edit', 'mute_all', 'unmute_all', 'set_name', 'set_announcement', 'approve_join', 'reject_join',
]);

export function telegramConnector(deps: { accounts: TelegramAccounts; files: FileStore }): Connector {
  const { accounts, files } = deps;
  const scale = accounts.options.timeScale;
  /** Uploads in flight per bot and file: the groups that want the same image or file wait for one upload. */
  const uploading = new Map<string, Promise<string>>();

  async function userOf(ctx: Ctx, a: GroupAction): Promise<number> {
    const fromPayload = a.payload.user;
    if (typeof fromPayload === 'string' || typeof fromPayload === 'number') return Number(fromPayload);
    if (!a.memberId) throw new Refused(`${a.action} needs a member`);
    const idn = await ctx.tdb.selectFrom('identities').select('external_id').where('member_id', '=', a.memberId).where('platform', '=', 'telegram').executeTakeFirst();
    if (!idn || !/^\d+$/.test(idn.external_id)) throw new Refused(`member ${a.memberId} has no Telegram account Shequn knows of`);
    return Number(idn.external_id);
  }

  /**
   * An upload (image or file) by file_id when this bot uploaded it before, else uploaded now (once, however
   * many groups wait for it): a file_id belongs to the bot that uploaded it.
   */
  async function mediaFor(ctx: Ctx, api: Api, account: string, chat: string, kind: MediaKind, media: Record<string, unknown>, caption: string, extra: object): Promise<{ message_id: number }> {
    const uploadId = typeof media.uploadId === 'string' ? media.uploadId : null;
    if (!uploadId) throw new Refused(`${kind === 'photo' ? 'an image' : 'a file'} to send needs an uploadId`);
    // Photos keep the key they always had; a file sent as another kind would get another file_id.
    const key = kind === 'photo' ? `upload:${uploadId}` : `upload:${uploadId}:${kind}`;
    const send = (file: string | InputFile) => SEND[kind](api, chat, file, { ...(caption ? { caption: caption.slice(0, CAPTION_MAX) } : {}), ...extra });
    const known = await ctx.tdb.selectFrom('platform_files').select('file_ref').where('connection_id', '=', account).where('media_key', '=', key).executeTakeFirst();
    if (known) return send(known.file_ref);
    const flight = `${account}|${key}`;
    const pending = uploading.get(flight);
    if (pending) {
      const fileId = await pending.catch(() => null);
      if (fileId) return send(fileId);
    }
    let resolve!: (id: string) => void;
    let reject!: (e: unknown) => void;
    const mine = new Promise<string>((res, rej) => { resolve = res; reject = rej; });
    mine.catch(() => {});
    uploading.set(flight, mine);
    try {
      const u = await ctx.tdb.selectFrom('uploads').select(['storage_key', 'file_name', 'bytes']).where('id', '=', uploadId).executeTakeFirst();
      if (!u) throw new Refused(`upload ${uploadId} is gone`);
      if (Number(u.bytes) > UPLOAD_MAX) throw new Refused(`${u.file_name} is ${Math.round(Number(u.bytes) / 2 ** 20)} MB; a bot uploads at most ${UPLOAD_MAX / 2 ** 20} MB`);
      const sent = await send(new InputFile(await files.read(u.storage_key), u.file_name));
      const fileId = fileIdOf(sent);
      if (fileId) {
        await ctx.tdb.insertInto('platform_files', { connection_id: account, media_key: key, file_ref: fileId, created_at: ctx.clock.now() })
          .onConflict((oc) => oc.columns(['workspace_id', 'connection_id', 'media_key']).doNothing()).execute();
        resolve(fileId);
      } else reject(new Error(`no ${kind} in the answer`));
      return sent;
    } catch (e) {
      reject(e);
      throw e;
    } finally {
      uploading.delete(flight);
    }
  }

  async function act(ctx: Ctx, api: Api, a: GroupAction): Promise<{ ref?: string } & Record<string, unknown>> {
    const chat = a.address!;
    const p = a.payload;
    const text = String(p.text ?? '');
    const replyTo = a.refs.replyTo;
    const reply = replyTo ? { reply_parameters: { message_id: Number(replyTo), allow_sending_without_reply: true } } : {};
    switch (a.action) {
      case 'send':
      case 'warn': {
        const body = a.action === 'warn' && !text ? (a.reason ?? '') : text;
        if (p.image && typeof p.image === 'object') return { ref: String((await mediaFor(ctx, api, a.account!, chat, 'photo', p.image as Record<string, unknown>, body, reply)).message_id) };
        if (p.file && typeof p.file === 'object') {
          const f = p.file as Record<string, unknown>;
          return { ref: String((await mediaFor(ctx, api, a.account!, chat, FILE_KINDS[String(f.kind)] ?? 'document', f, body, reply)).message_id) };
        }
        if (!body.trim()) throw new Refused('nothing to send: no text, no image and no file');
        return { ref: String((await api.sendMessage(chat, body, { ...reply, link_preview_options: { is_disabled: p.preview !== true } })).message_id) };
      }
      case 'mute': {
        const minutes = Number(p.minutes) || 60;
        const until = Math.floor(ctx.clock.now() / 1000) + minutes * 60;
        await api.restrictChatMember(chat, await userOf(ctx, a), NONE, { until_date: until, use_independent_chat_permissions: true });
        return { mutedUntil: until * 1000 };
      }
      case 'unmute':
        await api.restrictChatMember(chat, await userOf(ctx, a), ALL, { use_independent_chat_permissions: true });
        return {};
      case 'remove': {
        // A kick, not a ban: banned for a moment, then allowed back (a restore, or a new invite, lets them in).
        const user = await userOf(ctx, a);
        await api.banChatMember(chat, user);
        await api.unbanChatMember(chat, user, { only_if_banned: true });
        return { user };
      }
      case 'restore':
        await api.unbanChatMember(chat, await userOf(ctx, a), { only_if_banned: true });
        return {};
      case 'recall': {
        const target = a.refs.target;
        if (!target) throw new Refused('the message to recall was never delivered to this group');
        await api.deleteMessage(chat, Number(target));
        return {};
      }
      case 'edit': {
        const target = a.refs.target;
        if (!target) throw new Refused('the message to edit was never delivered to this group');
        try {
          // A photo's or a file's text is its caption (1,024 characters at most).
          if (a.payload.caption === true) await api.editMessageCaption(chat, Number(target), { caption: text.slice(0, 1024) });
          else await api.editMessageText(chat, Number(target), text);
        } catch (e) {
          // Already so: an edit sent again after an unknown outcome had been carried out the first time.
          if (e instanceof GrammyError && /message is not modified/.test(e.description)) return {};
          throw e;
        }
        return {};
      }
      case 'mute_all':
        await api.setChatPermissions(chat, NONE, { use_independent_chat_permissions: true });
        return {};
      case 'unmute_all':
        await api.setChatPermissions(chat, ALL, { use_independent_chat_permissions: true });
        return {};
      case 'set_name':
        await api.setChatTitle(chat, String(p.name ?? text).slice(0, 128));
        return {};
      case 'set_announcement': {
        const m = await api.sendMessage(chat, text);
        await api.pinChatMessage(chat, m.message_id, { disable_notification: p.notify !== true });
        return { ref: String(m.message_id) };
      }
      case 'approve_join':
        await api.approveChatJoinRequest(chat, await userOf(ctx, a));
        return {};
      case 'reject_join':
        await api.declineChatJoinRequest(chat, await userOf(ctx, a));
        return {};
      default:
        throw new Refused(`Telegram cannot ${a.action}`);
    }
  }

  return {
    platform: 'telegram',
    kind: 'remote',
    capabilities: telegramCapabilities,
    limits: telegramLimits(scale),
    async seats(ctx, groupIds) {
      const out = new Map<string, Seat[]>();
      for (let i = 0; i < groupIds.length; i += 500) {
        const rows = await ctx.tdb.selectFrom('group_links').select(['group_id', 'connection_id', 'chat_ref', 'status'])
          .where('group_id', 'in', groupIds.slice(i, i + 500)).where('status', 'in', ['member', 'admin']).orderBy('group_id').orderBy('connection_id').execute();
        // Admins first: only they may moderate; for sends any bot in the group will do.
        for (const r of rows.sort((x, y) => Number(y.status === 'admin') - Number(x.status === 'admin'))) {
          (out.get(r.group_id) ?? out.set(r.group_id, []).get(r.group_id)!).push({ account: r.connection_id, address: r.chat_ref });
        }
      }
      return out;
    },
    async perform(ctx, a) {
      if (!a.account || !a.address) throw new Refused('no Telegram bot is in this group');
      const { api } = await accounts.get(a.account);
      try {
        return await act(ctx, api, a);
      } catch (e) {
        if (e instanceof Refused) throw e;
        throw classify(e, scale);
      }
    },
  };
}
