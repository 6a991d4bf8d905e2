// A local fake of the Telegram Bot API (https://core.telegram.org/bots/api), faithful enough to run a real
// grammY bot against: it speaks the HTTP API on 127.0.0.1 (`/bot<token>/<method>`, JSON, urlencoded,
// query string or multipart bodies), answers `{ok:true,result}` / `{ok:false,error_code,description,
// parameters?}` with Telegram's wording, keeps a small world of bots, users, groups and supergroups,
// turns user actions into properly shaped Update objects (long polling or webhook), records what the
// bots do in a per-chat log, enforces Telegram's flood limits and injects faults.
//
//   const fake = await FakeTelegram.start({ timeScale: 10 });
//   fake.addBot({ token: '123456:ABC-DEF', username: 'shequn_bot' });
//   fake.addChat({ id: -1001, type: 'supergroup', title: 'Fans' });
//   fake.addBotToChat(-1001, '123456:ABC-DEF', { admin: true });
//   const bot = new Bot('123456:ABC-DEF', { client: { apiRoot: fake.url } });
//
// ## Time
// `timeScale` (default 1) compresses the fake's *limits* only: every flood-control window and the webhook
// retry back-off is divided by it. `retry_after` stays an integer number of *scaled* seconds (what Telegram
// would have said): a client must wait `retry_after * 1000 / timeScale` ms of wall time (`fake.wallMs(n)`).
// The 429 reply also carries a non-standard header `x-fake-retry-after-ms` with that exact wait. Message
// `date`s, `until_date`s and getUpdates' `timeout` are real (unscaled) time; the clock can be replaced with
// the `now` option (ms since epoch) to make windows deterministic without sleeping.
//
// ## Flood limits (per bot, only for message-sending methods: sendMessage, sendPhoto, sendDocument,
// sendVoice, sendVideo, sendAudio, sendAnimation). Telegram's FAQ gives approximate figures; the fake
// enforces exactly these sliding windows over the bot's *accepted* sends (refused ones do not count):
//   - per chat:   at most 1 send in any 1000 ms              ("avoid more than one message per second")
//   - per group:  at most 20 sends in any 60 000 ms to one group/supergroup ("20 messages per minute")
//   - per bot:    at most 30 sends in any 1000 ms over all chats ("about 30 messages per second")
// (windows divided by timeScale; counts overridable with the `limits` option). Over a limit the call gets
// HTTP 429 `Too Many Requests: retry after N` with `parameters.retry_after = N`, N = ceil(scaled seconds
// until the send would be allowed), at least 1, the maximum over the violated limits; nothing is delivered.
// Telegram tolerates short bursts the fake does not; editMessageText & co. are not rate-limited here.
//
// ## Faults
// - `faults({ error5xx, timeout, seed, methods })`: per request (default: every method but getUpdates),
//   with probability `error5xx` a 500 (JSON `Internal Server Error`) or a 502 (nginx's HTML page, as the
//   real front end sends — grammY then throws HttpError, not GrammyError), chosen 50/50; nothing happens.
//   With probability `timeout` the fake never answers (the connection stays open until the client aborts
//   or the fake closes) and, by a seeded coin, either performs the call or not; `ambiguous()` tells which.
// - `failNext(method, spec)` queues deterministic one-shot failures, including
//   `{status: 400, migrate_to_chat_id}` (`group chat was upgraded to a supergroup chat`) and timeouts.
// - `migrateChat(groupId)` migrates a basic group for real: afterwards every call naming the old id
//   fails with 400 + `parameters.migrate_to_chat_id`.
//
// ## Updates
// Each bot has its own queue and increasing `update_id`s. allowed_updates is applied when an update is
// *created* (as Telegram documents), default = everything except chat_member, message_reaction and
// message_reaction_count. Bots never see messages of other bots (service messages excepted) nor their
// own. Privacy mode (the default, `canReadAllGroupMessages: false`) is honoured for non-admin bots: they
// get service messages, commands addressed to them (`/cmd@bot`), general commands when they are the only
// bot in the chat or the last bot that wrote there, and replies to their own messages. chat_member,
// chat_join_request and message_reaction go to admin bots only. Telegram sends *no* update when a message
// is deleted, so `deleteMessage` (user side) only changes the chat log.
// getUpdates: `offset` confirms older updates (negative offset keeps the last -offset), `limit` 1–100,
// `timeout` holds the request until an update arrives; a newer getUpdates terminates a pending one with
// 409 (`Conflict: terminated by other getUpdates request; …`, which is what Telegram does: the *older*
// request loses); with a webhook set getUpdates fails with 409 `can't use getUpdates method while webhook
// is active`. Webhooks: the fake POSTs one update at a time, in order, with `X-Telegram-Bot-Api-Secret-Token`,
// retrying non-2xx / network errors with exponential back-off (1 s, 2 s, … 60 s, divided by timeScale) and
// recording last_error_* for getWebhookInfo (pending_update_count is the queue, the update in flight
// included). A redirect is a failed delivery, as Telegram does not follow them. An update whose delivery
// was not answered 2xx (a timeout, a webhook replaced or deleted meanwhile) is delivered again: at least once,
// so a receiver must be idempotent. `webhookDeliveries(token)` lists every attempt with the update posted.
// Plain http:// URLs on any port are accepted (Telegram wants HTTPS on 443/80/88/8443). A JSON webhook reply
// `{method, …}` is executed like Telegram does.
//
// ## Chats and rights
// A bot that never was in a (private) chat gets 400 `chat not found` (the Bot API cannot resolve it);
// one that left or was removed gets 403 `Forbidden: bot is not a member of the supergroup chat` (or
// `was kicked from`); public chats (`username`) give the 403 in both cases. Moderation needs the admin
// right (can_restrict_members, can_change_info, can_pin_messages, can_invite_users, can_delete_messages),
// else 400 `not enough rights to …`. `until_date` closer than 30 s or further than 366 days means forever
// (reported as 0); expired restrictions and bans lift themselves. Users muted by restrictChatMember or
// setChatPermissions cannot `userSends` (it throws FakeTelegramError), and neither can non-admin bots send.
//
// Not modelled: private chats, channels, forums/topics, inline mode, callback queries, media groups,
// per-account message ids of basic groups (the fake uses one message_id sequence per chat, like
// supergroups), 24 h update expiry, the 48 h limit on deleting, slow mode, anonymous admins.

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mulberry32 } from '../../src/demo/prng.ts';
import type {
  Chat,
  ChatFullInfo,
  ChatInviteLink,
  ChatJoinRequest,
  ChatMember,
  ChatMemberAdministrator,
  ChatMemberUpdated,
  ChatPermissions,
  File as TgFile,
  LinkPreviewOptions,
  Message,
  MessageEntity,
  MessageReactionUpdated,
  PhotoSize,
  ReactionType,
  ReplyParameters,
  Update,
  User,
  UserFromGetMe,
  WebhookInfo,
} from 'grammy/types';

// ---------------------------------------------------------------------------------------------------
// Public types

export type ChatType = 'group' | 'supergroup';
export type MemberStatus = 'creator' | 'administrator' | 'member' | 'restricted' | 'left' | 'kicked';
export type MediaKind = 'photo' | 'document' | 'voice' | 'video' | 'audio' | 'animation';
export type UpdateType = Exclude<keyof Update, 'update_id'>;
/** The rights of an administrator, as in ChatMemberAdministrator. */
export type AdminRights = Omit<ChatMemberAdministrator, 'status' | 'user' | 'can_be_edited' | 'custom_title'>;
export type FullPermissions = Required<ChatPermissions>;

export interface FakeTelegramOptions {
  /** Divides every flood-control window and webhook back-off (default 1). See the file header. */
  timeScale?: number;
  /** The clock, in ms since the epoch (default Date.now). */
  now?: () => number;
  /** Override the flood limits (counts and unscaled windows). */
  limits?: Partial<FloodLimits>;
  /** Webhook delivery: back-off base and cap (unscaled ms) and per-request timeout (wall ms). */
  webhook?: { retryBaseMs?: number; retryMaxMs?: number; requestTimeoutMs?: number };
  /** First update_id handed to each bot (default 100000001). */
  firstUpdateId?: number;
}

export interface FloodLimit {
  count: number;
  windowMs: number;
}
export interface FloodLimits {
  perChat: FloodLimit;
  perGroup: FloodLimit;
  perBot: FloodLimit;
}

export interface AddBotOptions {
  token: string;
  username: string;
  first_name?: string;
  /** Privacy mode off (BotFather /setprivacy Disable). Default false, as for a new bot. */
  canReadAllGroupMessages?: boolean;
  canJoinGroups?: boolean;
}

export interface AddUserOptions {
  id: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  is_premium?: true;
}

export interface AddChatOptions {
  id: number;
  type: ChatType;
  title: string;
  /** A public chat's @username (without @). */
  username?: string;
  description?: string;
  /** The creator; if absent the fake creates a user "Owner" to own the chat. */
  ownerId?: number;
  permissions?: ChatPermissions;
}

export interface MemberOptions {
  rights?: Partial<AdminRights>;
  permissions?: ChatPermissions;
  /** Unix seconds; 0 = forever. For restricted/kicked. */
  untilDate?: number;
  customTitle?: string;
  /** For 'restricted': whether the user is (still) in the chat. Default true. */
  isMember?: boolean;
}

export interface UserSendOptions {
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  /** A photo: `true` for a generated 1×1 PNG, or the image bytes. */
  photo?: true | Uint8Array;
  /** A document, a voice note, a video or an audio file, with its bytes (the caption goes with it). */
  file?: { kind: 'document' | 'voice' | 'video' | 'audio'; bytes: Uint8Array; file_name?: string; mime_type?: string; duration?: number };
  reply_to_message_id?: number;
}

export interface ChatLogEntry {
  chat_id: number;
  message_id: number;
  /** Unix seconds. */
  date: number;
  /** The fake's clock (ms) when the message was created. */
  at: number;
  from: { id: number; is_bot: boolean; first_name: string; username?: string };
  /** The username of the sending bot, for messages sent through the API. */
  bot?: string;
  /** The API method that produced it (sendMessage, sendPhoto, pinChatMessage, …), for bot actions. */
  method?: string;
  text?: string;
  entities?: MessageEntity[];
  parse_mode?: string;
  caption?: string;
  caption_entities?: MessageEntity[];
  /** Media; file_id is the sending bot's (bots' file_ids are per bot), absent for users' media. */
  media?: { kind: MediaKind; file_id?: string; file_unique_id: string; reused: boolean; file_name?: string };
  /** Same as media when media.kind is 'photo'. */
  photo?: { file_id?: string; file_unique_id: string; reused: boolean };
  reply_to?: number;
  link_preview_options?: LinkPreviewOptions;
  service?: ServiceInfo;
  edits: { at: number; text: string }[];
  deleted: boolean;
}

export type ServiceInfo =
  | { type: 'new_chat_members'; user_ids: number[] }
  | { type: 'left_chat_member'; user_id: number }
  | { type: 'new_chat_title'; title: string }
  | { type: 'pinned_message'; message_id: number }
  | { type: 'migrate_to_chat_id'; chat_id: number }
  | { type: 'migrate_from_chat_id'; chat_id: number };

export interface Counters {
  /** API requests received. */
  requests: number;
  /** Accepted message sends. */
  accepted: number;
  rejected429: number;
  errors5xx: number;
  /** Requests left unanswered by an injected timeout. */
  timeouts: number;
  /** Other 4xx answers (400, 401, 403, 404, 409). */
  errors4xx: number;
}

export interface SendRecord {
  botId: number;
  bot: string;
  chatId: number;
  method: string;
  message_id: number;
  /** The fake's clock (ms). */
  at: number;
}

export interface UploadRecord {
  botId: number;
  bot: string;
  method: string;
  chatId?: number;
  field: string;
  filename?: string;
  size: number;
  at: number;
  /** Whether the call that carried the upload succeeded (a 429 still transferred the bytes). */
  accepted: boolean;
  file_id?: string;
  file_unique_id?: string;
}

export interface AmbiguousRecord {
  botId: number;
  bot: string;
  method: string;
  chatId?: number;
  params: Record<string, unknown>;
  /** Whether the call took effect although the client never got an answer. */
  delivered: boolean;
  message_id?: number;
  at: number;
}

export interface RequestRecord {
  at: number;
  botId: number;
  bot: string;
  method: string;
  params: Record<string, unknown>;
  /** HTTP status answered; undefined while pending or never (timeouts). */
  status?: number;
}

export interface WebhookDelivery {
  update_id: number;
  /** The update as posted. */
  update: Update;
  at: number;
  ok: boolean;
  status?: number;
  error?: string;
}

export interface FaultOptions {
  /** Probability of a 5xx per request. */
  error5xx?: number;
  /** Probability of never answering per request. */
  timeout?: number;
  /** Probability that a timed-out call was nevertheless performed (default 0.5). */
  timeoutDelivered?: number;
  seed?: number;
  /** Methods subject to random faults (default: all but getUpdates). */
  methods?: string[];
}

export type FailSpec =
  | { status: number; description?: string; retry_after?: number; migrate_to_chat_id?: number }
  | { timeout: true; delivered: boolean };

// ---------------------------------------------------------------------------------------------------
// Errors

/** A Bot API error answer. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
  }
}

/** Thrown by the test-side helpers (userSends, …) when a real client could not do that either. */
export class FakeTelegramError extends Error {
  override name = 'FakeTelegramError';
}

const bad = (msg: string, parameters?: ApiError['parameters']) => new ApiError(400, `Bad Request: ${msg}`, parameters);
const entitiesError = (msg: string) => bad(`can't parse entities: ${msg}`);

// ---------------------------------------------------------------------------------------------------
// Constants

/** A valid 1×1 PNG, for tests that need "an image". */
export const TINY_PNG: Buffer = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

const DEFAULT_LIMITS: FloodLimits = {
  perChat: { count: 1, windowMs: 1_000 },
  perGroup: { count: 20, windowMs: 60_000 },
  perBot: { count: 30, windowMs: 1_000 },
};

const ALL_UPDATE_TYPES: UpdateType[] = [
  'message', 'edited_message', 'channel_post', 'edited_channel_post', 'business_connection', 'business_message',
  'edited_business_message', 'deleted_business_messages', 'message_reaction', 'message_reaction_count',
  'inline_query', 'chosen_inline_result', 'callback_query', 'shipping_query', 'pre_checkout_query',
  'purchased_paid_media', 'poll', 'poll_answer', 'my_chat_member', 'chat_member', 'chat_join_request',
  'chat_boost', 'removed_chat_boost',
];
const NOT_BY_DEFAULT = new Set<UpdateType>(['chat_member', 'message_reaction', 'message_reaction_count']);
const defaultAllowed = () => new Set(ALL_UPDATE_TYPES.filter((t) => !NOT_BY_DEFAULT.has(t)));

const PERMISSION_KEYS: (keyof FullPermissions)[] = [
  'can_send_messages', 'can_send_audios', 'can_send_documents', 'can_send_photos', 'can_send_videos',
  'can_send_video_notes', 'can_send_voice_notes', 'can_send_polls', 'can_send_other_messages',
  'can_add_web_page_previews', 'can_react_to_messages', 'can_change_info', 'can_invite_users', 'can_edit_tag',
  'can_pin_messages', 'can_manage_topics',
];

const DEFAULT_CHAT_PERMISSIONS: FullPermissions = {
  can_send_messages: true, can_send_audios: true, can_send_documents: true, can_send_photos: true,
  can_send_videos: true, can_send_video_notes: true, can_send_voice_notes: true, can_send_polls: true,
  can_send_other_messages: true, can_add_web_page_previews: true, can_react_to_messages: true,
  can_change_info: false, can_invite_users: true, can_edit_tag: false, can_pin_messages: false,
  can_manage_topics: false,
};

const FULL_ADMIN_RIGHTS: AdminRights = {
  is_anonymous: false, can_manage_chat: true, can_delete_messages: true, can_manage_video_chats: true,
  can_restrict_members: true, can_promote_members: false, can_change_info: true, can_invite_users: true,
  can_post_stories: false, can_edit_stories: false, can_delete_stories: false, can_pin_messages: true,
  can_manage_topics: false, can_send_welcome_messages: false,
};
const NO_ADMIN_RIGHTS: AdminRights = {
  is_anonymous: false, can_manage_chat: true, can_delete_messages: false, can_manage_video_chats: false,
  can_restrict_members: false, can_promote_members: false, can_change_info: false, can_invite_users: false,
  can_post_stories: false, can_edit_stories: false, can_delete_stories: false, can_pin_messages: false,
  can_manage_topics: false, can_send_welcome_messages: false,
};

const NOT_MODIFIED = 'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';
const SEND_METHODS = new Set(['sendMessage', 'sendPhoto', 'sendDocument', 'sendVoice', 'sendVideo', 'sendAudio', 'sendAnimation']);

const MEDIA: Record<MediaKind, { right: keyof FullPermissions; noun: string; prefix: string; maxUpload: number; dir: string; ext: string; mime?: string }> = {
  photo: { right: 'can_send_photos', noun: 'photos', prefix: 'AgACAgIAAxkBAAI', maxUpload: 10 * 2 ** 20, dir: 'photos', ext: 'jpg' },
  document: { right: 'can_send_documents', noun: 'documents', prefix: 'BQACAgIAAxkBAAI', maxUpload: 50 * 2 ** 20, dir: 'documents', ext: 'dat' },
  voice: { right: 'can_send_voice_notes', noun: 'voice notes', prefix: 'AwACAgIAAxkBAAI', maxUpload: 50 * 2 ** 20, dir: 'voice', ext: 'oga', mime: 'audio/ogg' },
  video: { right: 'can_send_videos', noun: 'videos', prefix: 'BAACAgIAAxkBAAI', maxUpload: 50 * 2 ** 20, dir: 'videos', ext: 'mp4', mime: 'video/mp4' },
  audio: { right: 'can_send_audios', noun: 'audio files', prefix: 'CQACAgIAAxkBAAI', maxUpload: 50 * 2 ** 20, dir: 'music', ext: 'mp3', mime: 'audio/mpeg' },
  animation: { right: 'can_send_other_messages', noun: 'animations', prefix: 'CgACAgIAAxkBAAI', maxUpload: 50 * 2 ** 20, dir: 'animations', ext: 'mp4', mime: 'video/mp4' },
};

const NGINX_502 =
  '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.18.0</center>\r\n</body>\r\n</html>\r\n';

// ---------------------------------------------------------------------------------------------------
// Internal records

interface UserRec extends AddUserOptions {
  is_bot: boolean;
}

interface PendingPoll {
  limit: number;
  resolve: (u: Update[]) => void;
  reject: (e: ApiError) => void;
  timer: NodeJS.Timeout;
  flushScheduled: boolean;
  done: boolean;
}

interface WebhookState {
  url: string;
  secret?: string;
  maxConnections: number;
  allowed?: UpdateType[];
  inFlight: boolean;
  attempts: number;
  retryTimer?: NodeJS.Timeout;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

interface BotRec {
  id: number;
  token: string;
  username: string;
  first_name: string;
  canReadAll: boolean;
  canJoinGroups: boolean;
  queue: Update[];
  nextUpdateId: number;
  allowed: Set<UpdateType>;
  allowedExplicit?: UpdateType[];
  poll?: PendingPoll;
  webhook?: WebhookState;
  deliveries: WebhookDelivery[];
  sendTimes: number[];
  chatSendTimes: Map<number, number[]>;
}

interface MemberRec {
  status: MemberStatus;
  rights?: AdminRights;
  perms?: FullPermissions;
  isMember?: boolean;
  untilDate: number;
  customTitle?: string;
}

interface Entry {
  chatId: number;
  message_id: number;
  date: number;
  at: number;
  fromId: number;
  botId?: number;
  method?: string;
  text?: string;
  entities?: MessageEntity[];
  parseMode?: string;
  caption?: string;
  captionEntities?: MessageEntity[];
  media?: { kind: MediaKind; unique: string; reused: boolean; groupId?: number; duration?: number };
  replyTo?: number;
  linkPreview?: LinkPreviewOptions;
  service?: ServiceInfo;
  editDate?: number;
  edits: { at: number; text: string }[];
  deleted: boolean;
}

interface ChatRec {
  id: number;
  type: ChatType;
  title: string;
  username?: string;
  description?: string;
  permissions: FullPermissions;
  members: Map<number, MemberRec>;
  /** Bots that ever were in the chat (others get `chat not found`). */
  seenBy: Set<number>;
  messages: Map<number, Entry>;
  order: Entry[];
  nextMessageId: number;
  pinned: number[];
  joinRequests: Map<number, { date: number; bio?: string }>;
  reactions: Map<number, Map<number, ReactionType[]>>;
  lastBotSender?: number;
  migratedTo?: number;
  migratedFrom?: number;
  ownerId: number;
}

interface FileRec {
  unique: string;
  kind: MediaKind;
  bytes: Buffer;
  width?: number;
  height?: number;
  file_name?: string;
  mime_type?: string;
  duration?: number;
  groupId?: number;
  filePath?: string;
}

interface Upload {
  field: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

type Params = Record<string, unknown>;

interface Call {
  bot: BotRec;
  method: string;
  params: Params;
  files: Map<string, Upload>;
  /** Set once the client went away (long polls stop waiting). */
  onAbort: (fn: () => void) => void;
  /** Uploads consumed by this call, for the upload log. */
  uploads: UploadRecord[];
  /** Filled by sends, for the ambiguity log. */
  sentMessageId?: number;
  chatId?: number;
}

class WithDescription {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

type Handler = (c: Call) => unknown;

interface QueuedFailure {
  method: string;
  token?: string;
  spec: FailSpec;
  times: number;
}

// ---------------------------------------------------------------------------------------------------
// Small helpers

const byteOffset = (s: string, i: number) => Buffer.byteLength(s.slice(0, i), 'utf8');
const zeroCounters = (): Counters => ({ requests: 0, accepted: 0, rejected429: 0, errors5xx: 0, timeouts: 0, errors4xx: 0 });

/** Width and height of a PNG, JPEG, GIF or WebP image; undefined if the bytes are none of those. */
export function imageSize(b: Buffer): { width: number; height: number } | undefined {
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) {
    return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  if (b.length >= 10 && b.toString('latin1', 0, 4) === 'GIF8') return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  if (b.length >= 30 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') {
    const chunk = b.toString('latin1', 12, 16);
    if (chunk === 'VP8X') return { width: 1 + b.readUIntLE(24, 3), height: 1 + b.readUIntLE(27, 3) };
    if (chunk === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
    if (chunk === 'VP8L') {
      const bits = b.readUInt32LE(21);
      return { width: 1 + (bits & 0x3fff), height: 1 + ((bits >> 14) & 0x3fff) };
    }
    return { width: 512, height: 512 };
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return undefined;
      const marker = b[i + 1]!;
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2;
        continue;
      }
      const len = b.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: b.readUInt16BE(i + 7), height: b.readUInt16BE(i + 5) };
      }
      i += 2 + len;
    }
  }
  return undefined;
}

// --- Message text: parse_mode, automatic entities ---------------------------------------------------

interface Parsed {
  text: string;
  entities: MessageEntity[];
}

const TD_NAMES: Record<string, string> = {
  bold: 'Bold', italic: 'Italic', underline: 'Underline', strikethrough: 'Strikethrough', spoiler: 'Spoiler',
  code: 'Code', pre: 'Pre', text_link: 'TextUrl', custom_emoji: 'CustomEmoji',
};

function makeEntity(type: string, offset: number, length: number, extra: { url?: string; language?: string; custom_emoji_id?: string } = {}): MessageEntity {
  const e: Record<string, unknown> = { type, offset, length };
  if (extra.url !== undefined) e.url = extra.url;
  if (extra.language) e.language = extra.language;
  if (extra.custom_emoji_id) e.custom_emoji_id = extra.custom_emoji_id;
  return e as unknown as MessageEntity;
}

/** Telegram's MarkdownV2 (after td's parse_markdown_v2), with its error messages. */
export function parseMarkdownV2(src: string): Parsed {
  const reservedAll = '_*[]()~`>#+-=|{}.!';
  let out = '';
  const entities: MessageEntity[] = [];
  const stack: { type: string; argument?: string; outStart: number; srcIndex: number }[] = [];
  let quoteStart: number | undefined;
  const at = (k: number) => src[k] ?? '';
  const escapable = (k: number) => k < src.length && src.charCodeAt(k) > 0 && src.charCodeAt(k) <= 126;
  const reservedErr = (c: string) => entitiesError(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\' && escapable(i + 1)) {
      out += src[i + 1];
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    const inCode = top !== undefined && (top.type === 'code' || top.type === 'pre');
    if (!inCode && c === '>' && (i === 0 || src[i - 1] === '\n')) {
      quoteStart ??= out.length;
      continue;
    }
    if (c === '\n' && quoteStart !== undefined && at(i + 1) !== '>') {
      if (out.length > quoteStart) entities.push(makeEntity('blockquote', quoteStart, out.length - quoteStart));
      quoteStart = undefined;
    }
    const reserved = inCode ? '`' : reservedAll;
    if (!reserved.includes(c)) {
      out += c;
      continue;
    }
    let isEnd = false;
    if (top) {
      switch (top.type) {
        case 'bold': isEnd = c === '*'; break;
        case 'italic': isEnd = c === '_' && at(i + 1) !== '_'; break;
        case 'code': isEnd = c === '`'; break;
        case 'pre': isEnd = c === '`' && at(i + 1) === '`' && at(i + 2) === '`'; break;
        case 'text_link': isEnd = c === ']'; break;
        case 'underline': isEnd = c === '_' && at(i + 1) === '_'; break;
        case 'strikethrough': isEnd = c === '~'; break;
        case 'spoiler': isEnd = c === '|' && at(i + 1) === '|'; break;
        case 'custom_emoji': isEnd = c === ']'; break;
      }
    }
    if (!isEnd) {
      const srcIndex = i;
      let type: string;
      let argument: string | undefined;
      switch (c) {
        case '_':
          if (at(i + 1) === '_') {
            type = 'underline';
            i++;
          } else type = 'italic';
          break;
        case '*': type = 'bold'; break;
        case '~': type = 'strikethrough'; break;
        case '|':
          if (at(i + 1) !== '|') throw reservedErr(c);
          i++;
          type = 'spoiler';
          break;
        case '[': type = 'text_link'; break;
        case '`':
          if (at(i + 1) === '`' && at(i + 2) === '`') {
            i += 3;
            type = 'pre';
            let le = i;
            while (le < src.length && !/\s/.test(src[le]!) && src[le] !== '`') le++;
            if (i !== le && le < src.length && src[le] !== '`') {
              argument = src.slice(i, le);
              i = le;
            }
            if (at(i) === '\n' || at(i) === '\r') {
              if ((at(i + 1) === '\n' || at(i + 1) === '\r') && at(i) !== at(i + 1)) i += 2;
              else i++;
            }
            i--;
          } else type = 'code';
          break;
        case '!':
          if (at(i + 1) !== '[') throw reservedErr(c);
          i++;
          type = 'custom_emoji';
          break;
        default:
          throw reservedErr(c);
      }
      stack.push({ type, argument, outStart: out.length, srcIndex });
      continue;
    }
    const open = stack.pop()!;
    let url: string | undefined;
    if (open.type === 'underline' || open.type === 'spoiler') i++;
    else if (open.type === 'pre') i += 2;
    else if (open.type === 'text_link' || open.type === 'custom_emoji') {
      if (at(i + 1) !== '(') {
        url = out.slice(open.outStart);
      } else {
        i += 2;
        const urlBegin = i;
        url = '';
        while (i < src.length && src[i] !== ')') {
          if (src[i] === '\\' && escapable(i + 1)) {
            url += src[i + 1];
            i += 2;
            continue;
          }
          url += src[i];
          i++;
        }
        if (at(i) !== ')') throw entitiesError(`Can't find end of a URL at byte offset ${byteOffset(src, urlBegin)}`);
      }
    }
    const length = out.length - open.outStart;
    if (length > 0) {
      if (open.type === 'text_link') entities.push(makeEntity('text_link', open.outStart, length, { url }));
      else if (open.type === 'custom_emoji') {
        const id = /^tg:\/\/emoji\?id=(\d+)$/.exec(url ?? '')?.[1];
        if (!id) throw entitiesError('Custom emoji entity must contain a tg://emoji URL');
        entities.push(makeEntity('custom_emoji', open.outStart, length, { custom_emoji_id: id }));
      } else if (open.type === 'pre') entities.push(makeEntity('pre', open.outStart, length, { language: open.argument }));
      else entities.push(makeEntity(open.type, open.outStart, length));
    }
  }
  if (stack.length) {
    const o = stack[stack.length - 1]!;
    const name = o.type === 'pre' && o.argument ? 'PreCode' : (TD_NAMES[o.type] ?? o.type);
    throw entitiesError(`Can't find end of ${name} entity at byte offset ${byteOffset(src, o.srcIndex)}`);
  }
  if (quoteStart !== undefined && out.length > quoteStart) entities.push(makeEntity('blockquote', quoteStart, out.length - quoteStart));
  return { text: out, entities };
}

const HTML_TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'code', 'pre', 'blockquote', 'tg-emoji']);

/** Telegram's HTML parse mode (after td's parse_html), with its error messages. */
export function parseHtml(src: string): Parsed {
  let out = '';
  const entities: MessageEntity[] = [];
  const stack: { tag: string; attrs: Record<string, string>; outStart: number; language?: string }[] = [];
  const decodeEntity = (i: number): [string, number] | undefined => {
    const m = /^&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|lt|gt|amp|quot);/.exec(src.slice(i, i + 12));
    if (!m) return undefined;
    const name = m[1]!;
    const ch =
      name === 'lt' ? '<' : name === 'gt' ? '>' : name === 'amp' ? '&' : name === 'quot' ? '"'
        : String.fromCodePoint(name.startsWith('#x') ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10));
    return [ch, m[0].length];
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '&') {
      const d = decodeEntity(i);
      if (d) {
        out += d[0];
        i += d[1] - 1;
      } else out += c;
      continue;
    }
    if (c !== '<') {
      out += c;
      continue;
    }
    const begin = i;
    if (src[i + 1] === '/') {
      let j = i + 2;
      while (j < src.length && /[a-zA-Z0-9-]/.test(src[j]!)) j++;
      const name = src.slice(i + 2, j).toLowerCase();
      while (j < src.length && /\s/.test(src[j]!)) j++;
      if (src[j] !== '>') throw entitiesError(`Unclosed end tag at byte offset ${byteOffset(src, begin)}`);
      const top = stack.pop();
      if (!top) throw entitiesError(`Unexpected end tag at byte offset ${byteOffset(src, begin)}`);
      if (name !== top.tag) {
        throw entitiesError(`Unmatched end tag at byte offset ${byteOffset(src, begin)}, expected "</${top.tag}>", found "</${name}>"`);
      }
      const length = out.length - top.outStart;
      const parent = stack[stack.length - 1];
      if (top.tag === 'code' && parent?.tag === 'pre' && top.attrs.class?.startsWith('language-')) {
        parent.language = top.attrs.class.slice('language-'.length);
      } else if (length > 0) {
        const t = top.tag;
        const type =
          t === 'b' || t === 'strong' ? 'bold'
            : t === 'i' || t === 'em' ? 'italic'
              : t === 'u' || t === 'ins' ? 'underline'
                : t === 's' || t === 'strike' || t === 'del' ? 'strikethrough'
                  : t === 'span' || t === 'tg-spoiler' ? 'spoiler'
                    : t === 'blockquote' ? ('expandable' in top.attrs ? 'expandable_blockquote' : 'blockquote')
                      : t;
        if (t === 'a') {
          const href = top.attrs.href;
          if (href) entities.push(makeEntity('text_link', top.outStart, length, { url: href }));
        } else if (t === 'tg-emoji') {
          entities.push(makeEntity('custom_emoji', top.outStart, length, { custom_emoji_id: top.attrs['emoji-id'] ?? '' }));
        } else if (t === 'pre') {
          entities.push(makeEntity('pre', top.outStart, length, { language: top.language }));
        } else entities.push(makeEntity(type, top.outStart, length));
      }
      i = j;
      continue;
    }
    let j = i + 1;
    while (j < src.length && /[a-zA-Z0-9-]/.test(src[j]!)) j++;
    const name = src.slice(i + 1, j).toLowerCase();
    if (!HTML_TAGS.has(name)) throw entitiesError(`Unsupported start tag "${name}" at byte offset ${byteOffset(src, begin)}`);
    const attrs: Record<string, string> = {};
    for (;;) {
      while (j < src.length && /\s/.test(src[j]!)) j++;
      if (j >= src.length) throw entitiesError(`Unclosed start tag at byte offset ${byteOffset(src, begin)}`);
      if (src[j] === '>') break;
      const a0 = j;
      while (j < src.length && /[a-zA-Z0-9_-]/.test(src[j]!)) j++;
      const attr = src.slice(a0, j).toLowerCase();
      if (!attr) throw entitiesError(`Empty attribute name in the tag "${name}" at byte offset ${byteOffset(src, begin)}`);
      while (j < src.length && /\s/.test(src[j]!)) j++;
      let value = '';
      if (src[j] === '=') {
        j++;
        while (j < src.length && /\s/.test(src[j]!)) j++;
        const q = src[j];
        if (q === '"' || q === "'") {
          const end = src.indexOf(q, j + 1);
          if (end < 0) throw entitiesError(`Unclosed start tag at byte offset ${byteOffset(src, begin)}`);
          value = src.slice(j + 1, end);
          j = end + 1;
        } else {
          const v0 = j;
          while (j < src.length && !/[\s>]/.test(src[j]!)) j++;
          value = src.slice(v0, j);
        }
        value = value.replace(/&(lt|gt|amp|quot);/g, (_, n: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"' })[n] ?? '');
      }
      attrs[attr] = value;
    }
    if (name === 'span' && attrs.class !== 'tg-spoiler') {
      throw entitiesError(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(src, begin)}`);
    }
    stack.push({ tag: name, attrs, outStart: out.length });
    i = j;
  }
  if (stack.length) throw entitiesError(`Can't find end tag corresponding to start tag "${stack[stack.length - 1]!.tag}"`);
  return { text: out, entities };
}

/** Telegram's legacy Markdown. */
export function parseMarkdown(src: string): Parsed {
  let out = '';
  const entities: MessageEntity[] = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === '\\' && '_*`['.includes(src[i + 1] ?? 'x')) {
      out += src[i + 1];
      i++;
      continue;
    }
    if (!'_*`['.includes(c)) {
      out += c;
      continue;
    }
    const begin = i;
    const fail = () => entitiesError(`Can't find end of the entity starting at byte offset ${byteOffset(src, begin)}`);
    if (c === '`' && src.startsWith('```', i)) {
      const end = src.indexOf('```', i + 3);
      if (end < 0) throw fail();
      let body = src.slice(i + 3, end);
      let language: string | undefined;
      const nl = body.indexOf('\n');
      if (nl > 0 && !/\s/.test(body.slice(0, nl))) {
        language = body.slice(0, nl);
        body = body.slice(nl + 1);
      }
      if (body.length) entities.push(makeEntity('pre', out.length, body.length, { language }));
      out += body;
      i = end + 2;
      continue;
    }
    if (c === '[') {
      const close = src.indexOf(']', i + 1);
      if (close < 0) throw fail();
      const label = src.slice(i + 1, close);
      if (src[close + 1] === '(') {
        const end = src.indexOf(')', close + 2);
        if (end < 0) throw fail();
        if (label.length) entities.push(makeEntity('text_link', out.length, label.length, { url: src.slice(close + 2, end) }));
        out += label;
        i = end;
      } else {
        out += label;
        i = close;
      }
      continue;
    }
    const end = src.indexOf(c, i + 1);
    if (end < 0) throw fail();
    const body = src.slice(i + 1, end);
    if (body.length) entities.push(makeEntity(c === '*' ? 'bold' : c === '_' ? 'italic' : 'code', out.length, body.length));
    out += body;
    i = end;
  }
  return { text: out, entities };
}

/** The entities Telegram detects by itself: bot commands, mentions, hashtags, URLs. */
export function autoEntities(text: string, existing: MessageEntity[] = []): MessageEntity[] {
  const found: MessageEntity[] = [];
  const re = /(?<![\w/@])\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![\w@/])|(?<![\w@])@[A-Za-z][A-Za-z0-9_]{3,31}(?![\w@])|(?<![\w#])#[\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*|https?:\/\/[^\s<>"]+/gu;
  for (const m of text.matchAll(re)) {
    const offset = m.index;
    const length = m[0].length;
    if (existing.some((e) => offset < e.offset + e.length && e.offset < offset + length)) continue;
    const first = m[0][0];
    const type = first === '/' ? 'bot_command' : first === '@' ? 'mention' : first === '#' ? 'hashtag' : 'url';
    found.push(makeEntity(type, offset, length));
  }
  return [...existing, ...found].sort((a, b) => a.offset - b.offset || b.length - a.length);
}

function trimParsed(p: Parsed): Parsed {
  const lead = p.text.length - p.text.trimStart().length;
  const text = p.text.trim();
  const entities = p.entities
    .map((e) => {
      const start = Math.max(0, e.offset - lead);
      const end = Math.min(text.length, e.offset - lead + e.length);
      return { ...e, offset: start, length: end - start } as MessageEntity;
    })
    .filter((e) => e.length > 0);
  return { text, entities };
}

// --- Multipart ------------------------------------------------------------------------------------

function parseMultipart(body: Buffer, boundary: string): { fields: Params; files: Map<string, Upload> } {
  const fields: Params = {};
  const files = new Map<string, Upload>();
  const delim = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delim);
  if (pos < 0) throw bad('wrong multipart/form-data request');
  for (;;) {
    pos += delim.length;
    if (body[pos] === 0x2d && body[pos + 1] === 0x2d) break; // closing --
    if (body[pos] === 0x0d && body[pos + 1] === 0x0a) pos += 2;
    const next = body.indexOf(delim, pos);
    if (next < 0) break;
    let end = next;
    if (body[end - 2] === 0x0d && body[end - 1] === 0x0a) end -= 2;
    const part = body.subarray(pos, end);
    const split = part.indexOf('\r\n\r\n');
    const head = (split < 0 ? part : part.subarray(0, split)).toString('utf8');
    const data = split < 0 ? Buffer.alloc(0) : part.subarray(split + 4);
    let name: string | undefined;
    let filename: string | undefined;
    let contentType: string | undefined;
    for (const line of head.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const key = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (key === 'content-disposition') {
        name = /(?:^|;)\s*name="([^"]*)"/i.exec(value)?.[1] ?? /(?:^|;)\s*name=([^;]*)/i.exec(value)?.[1]?.trim();
        filename = /(?:^|;)\s*filename="([^"]*)"/i.exec(value)?.[1] ?? /(?:^|;)\s*filename=([^;]*)/i.exec(value)?.[1]?.trim();
      } else if (key === 'content-type') contentType = value;
    }
    if (name !== undefined) {
      if (filename !== undefined) files.set(name, { field: name, filename, contentType, data: Buffer.from(data) });
      else fields[name] = data.toString('utf8');
    }
    pos = next;
  }
  return { fields, files };
}

// ---------------------------------------------------------------------------------------------------
// The fake

export class FakeTelegram {
  readonly timeScale: number;
  private readonly clock: () => number;
  private readonly limits: FloodLimits;
  private readonly webhookOpts: { retryBaseMs: number; retryMaxMs: number; requestTimeoutMs: number };
  private readonly firstUpdateId: number;
  private server?: Server;
  private port = 0;

  private bots = new Map<number, BotRec>();
  private botsByToken = new Map<string, BotRec>();
  private users = new Map<number, UserRec>();
  private chats = new Map<number, ChatRec>();
  private files = new Map<string, FileRec>();
  private fileIds = new Map<string, { botId: number; unique: string }>();
  private fileIdByBot = new Map<string, string>();
  private photoGroups = new Map<number, string[]>();
  private seq = { file: 0, group: 0, path: 0, owner: 0 };

  private sendLog: SendRecord[] = [];
  private uploadLog: UploadRecord[] = [];
  private ambiguousLog: AmbiguousRecord[] = [];
  private requestLog: RequestRecord[] = [];
  private botCounters = new Map<number, Counters>();
  private chatCounters = new Map<number, Counters>();
  private totalCounters = zeroCounters();

  private faultOpts?: Required<Omit<FaultOptions, 'methods'>> & { methods?: Set<string> };
  private rng: () => number = mulberry32(1);
  private failQueue: QueuedFailure[] = [];
  private held = new Set<ServerResponse>();
  private readonly handlers: Record<string, { name: string; fn: Handler }>;

  constructor(opts: FakeTelegramOptions = {}) {
    this.timeScale = opts.timeScale ?? 1;
    if (!(this.timeScale > 0)) throw new Error('timeScale must be > 0');
    this.clock = opts.now ?? Date.now;
    this.limits = {
      perChat: { ...DEFAULT_LIMITS.perChat, ...opts.limits?.perChat },
      perGroup: { ...DEFAULT_LIMITS.perGroup, ...opts.limits?.perGroup },
      perBot: { ...DEFAULT_LIMITS.perBot, ...opts.limits?.perBot },
    };
    this.webhookOpts = {
      retryBaseMs: opts.webhook?.retryBaseMs ?? 1_000,
      retryMaxMs: opts.webhook?.retryMaxMs ?? 60_000,
      requestTimeoutMs: opts.webhook?.requestTimeoutMs ?? 10_000,
    };
    this.firstUpdateId = opts.firstUpdateId ?? 100_000_001;
    const h: [string, Handler][] = [
      ['getMe', (c) => this.getMe(c)],
      ['getUpdates', (c) => this.getUpdates(c)],
      ['setWebhook', (c) => this.setWebhook(c)],
      ['deleteWebhook', (c) => this.deleteWebhook(c)],
      ['getWebhookInfo', (c) => this.getWebhookInfo(c)],
      ['sendMessage', (c) => this.sendMessage(c)],
      ['sendPhoto', (c) => this.sendMedia(c, 'photo')],
      ['sendDocument', (c) => this.sendMedia(c, 'document')],
      ['sendVoice', (c) => this.sendMedia(c, 'voice')],
      ['sendVideo', (c) => this.sendMedia(c, 'video')],
      ['sendAudio', (c) => this.sendMedia(c, 'audio')],
      ['sendAnimation', (c) => this.sendMedia(c, 'animation')],
      ['sendChatAction', (c) => this.sendChatAction(c)],
      ['editMessageText', (c) => this.editMessageText(c)],
      ['editMessageCaption', (c) => this.editMessageCaption(c)],
      ['deleteMessage', (c) => this.apiDeleteMessage(c)],
      ['restrictChatMember', (c) => this.restrictChatMember(c)],
      ['banChatMember', (c) => this.banChatMember(c)],
      ['kickChatMember', (c) => this.banChatMember(c)],
      ['unbanChatMember', (c) => this.unbanChatMember(c)],
      ['setChatPermissions', (c) => this.setChatPermissions(c)],
      ['setChatTitle', (c) => this.setChatTitle(c)],
      ['setChatDescription', (c) => this.setChatDescription(c)],
      ['pinChatMessage', (c) => this.pinChatMessage(c)],
      ['unpinChatMessage', (c) => this.unpinChatMessage(c)],
      ['approveChatJoinRequest', (c) => this.answerJoinRequest(c, true)],
      ['declineChatJoinRequest', (c) => this.answerJoinRequest(c, false)],
      ['getChat', (c) => this.getChat(c)],
      ['getChatMember', (c) => this.getChatMember(c)],
      ['getChatAdministrators', (c) => this.getChatAdministrators(c)],
      ['getChatMemberCount', (c) => this.getChatMemberCount(c)],
      ['getChatMembersCount', (c) => this.getChatMemberCount(c)],
      ['leaveChat', (c) => this.leaveChat(c)],
      ['getFile', (c) => this.getFile(c)],
    ];
    this.handlers = Object.fromEntries(h.map(([name, fn]) => [name.toLowerCase(), { name, fn }]));
  }

  /** Creates a fake and starts listening on 127.0.0.1 (random port). */
  static async start(opts: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    const fake = new FakeTelegram(opts);
    await fake.listen();
    return fake;
  }

  async listen(): Promise<this> {
    if (this.server) return this;
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        // A bug in the fake: answer like Telegram's front end would, and make it visible.
        console.error('[fake-telegram]', err);
        this.write(res, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
      });
    });
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    return this;
  }

  /** The apiRoot to give grammY (`client: { apiRoot: fake.url }`). */
  get url(): string {
    if (!this.server) throw new Error('FakeTelegram is not listening: call await fake.listen() (or FakeTelegram.start())');
    return `http://127.0.0.1:${this.port}`;
  }

  /** Wall-clock milliseconds a client must wait for a `retry_after` reported by this fake. */
  wallMs(retryAfterSeconds: number): number {
    return (retryAfterSeconds * 1000) / this.timeScale;
  }

  // ------------------------------------------------------------------------------------------------
  // World set-up

  addBot(opts: AddBotOptions): { id: number; token: string; username: string } {
    const m = /^(\d+):[A-Za-z0-9_-]+$/.exec(opts.token);
    if (!m) throw new Error(`not a bot token: ${opts.token} (expected 123456:ABC…)`);
    const id = Number(m[1]);
    if (this.bots.has(id)) throw new Error(`bot ${id} exists`);
    const bot: BotRec = {
      id,
      token: opts.token,
      username: opts.username,
      first_name: opts.first_name ?? opts.username,
      canReadAll: opts.canReadAllGroupMessages ?? false,
      canJoinGroups: opts.canJoinGroups ?? true,
      queue: [],
      nextUpdateId: this.firstUpdateId,
      allowed: defaultAllowed(),
      deliveries: [],
      sendTimes: [],
      chatSendTimes: new Map(),
    };
    this.bots.set(id, bot);
    this.botsByToken.set(opts.token, bot);
    this.users.set(id, { id, first_name: bot.first_name, username: opts.username, is_bot: true });
    return { id, token: opts.token, username: opts.username };
  }

  addUser(opts: AddUserOptions): void {
    if (this.users.has(opts.id)) throw new Error(`user ${opts.id} exists`);
    this.users.set(opts.id, { ...opts, is_bot: false });
  }

  addChat(opts: AddChatOptions): void {
    if (this.chats.has(opts.id)) throw new Error(`chat ${opts.id} exists`);
    let ownerId = opts.ownerId;
    if (ownerId === undefined) {
      ownerId = 9_000_000_000 + ++this.seq.owner;
      this.users.set(ownerId, { id: ownerId, first_name: 'Owner', is_bot: false });
    } else if (!this.users.has(ownerId)) throw new Error(`unknown owner ${ownerId}`);
    const chat: ChatRec = {
      id: opts.id,
      type: opts.type,
      title: opts.title,
      username: opts.username,
      description: opts.description,
      permissions: { ...DEFAULT_CHAT_PERMISSIONS, ...opts.permissions },
      members: new Map([[ownerId, { status: 'creator', untilDate: 0 }]]),
      seenBy: new Set(),
      messages: new Map(),
      order: [],
      nextMessageId: 1,
      pinned: [],
      joinRequests: new Map(),
      reactions: new Map(),
      ownerId,
    };
    this.chats.set(opts.id, chat);
  }

  /** Sets a user's membership silently (no updates): set-up, not an event. */
  addMember(chatId: number, userId: number, status: MemberStatus = 'member', opts: MemberOptions = {}): void {
    const chat = this.chatOrThrow(chatId);
    if (!this.users.has(userId)) throw new Error(`unknown user ${userId}`);
    chat.members.set(userId, this.memberRec(status, opts));
    if (this.bots.has(userId)) chat.seenBy.add(userId);
  }

  /**
   * Puts a bot in a chat (as admin with full rights, or given rights, or as a plain member) and sends it
   * the `my_chat_member` update Telegram sends (unless silent). Calling it again changes its status.
   */
  addBotToChat(chatId: number, token: string, opts: { admin?: boolean; rights?: Partial<AdminRights>; by?: number; silent?: boolean } = {}): void {
    const chat = this.chatOrThrow(chatId);
    const bot = this.botOrThrow(token);
    const old = this.chatMemberObject(chat, bot.id);
    const admin = opts.admin ?? opts.rights !== undefined;
    chat.members.set(bot.id, this.memberRec(admin ? 'administrator' : 'member', { rights: opts.rights }));
    chat.seenBy.add(bot.id);
    if (!opts.silent) this.emitMemberChange(chat, opts.by ?? chat.ownerId, bot.id, old);
  }

  /** Removes a bot from a chat (kicked = banned) with the `my_chat_member` update. */
  removeBotFromChat(chatId: number, token: string, opts: { kicked?: boolean; by?: number; silent?: boolean } = {}): void {
    const chat = this.chatOrThrow(chatId);
    const bot = this.botOrThrow(token);
    const old = this.chatMemberObject(chat, bot.id);
    chat.members.set(bot.id, { status: opts.kicked ? 'kicked' : 'left', untilDate: 0 });
    if (!opts.silent) this.emitMemberChange(chat, opts.by ?? chat.ownerId, bot.id, old);
  }

  // ------------------------------------------------------------------------------------------------
  // Things users do (each produces the updates Telegram would send)

  /** A user sends a message (text and/or photo). Throws FakeTelegramError if the user could not. */
  userSends(chatId: number, userId: number, opts: UserSendOptions): ChatLogEntry {
    const chat = this.liveChat(chatId);
    const user = this.userOrThrow(userId);
    if (user.is_bot) throw new FakeTelegramError('use the Bot API to send as a bot');
    if (opts.text === undefined && opts.photo === undefined && opts.file === undefined) throw new FakeTelegramError('nothing to send');
    if (opts.photo !== undefined && opts.file !== undefined) throw new FakeTelegramError('a message carries one photo or one file');
    const right: keyof FullPermissions = opts.photo !== undefined ? 'can_send_photos' : opts.file ? MEDIA[opts.file.kind].right : 'can_send_messages';
    if (!this.isInChat(chat, userId)) throw new FakeTelegramError(`user ${userId} is not a member of chat ${chatId}`);
    if (!this.can(chat, userId, right)) throw new FakeTelegramError(`user ${userId} may not send that in chat ${chatId} (${right} is false)`);
    if (opts.reply_to_message_id !== undefined) {
      const r = chat.messages.get(opts.reply_to_message_id);
      if (!r || r.deleted) throw new FakeTelegramError(`no message ${opts.reply_to_message_id} in chat ${chatId}`);
    }
    const e = this.newEntry(chat, userId);
    if (opts.text !== undefined) {
      e.text = opts.text;
      e.entities = opts.entities ?? autoEntities(opts.text);
    }
    if (opts.photo !== undefined) {
      const bytes = opts.photo === true ? TINY_PNG : Buffer.from(opts.photo);
      const { groupId, unique } = this.createPhoto(bytes);
      e.media = { kind: 'photo', unique, reused: false, groupId };
    }
    if (opts.file !== undefined) {
      const { kind, bytes, ...meta } = opts.file;
      // Users' clients upload up to 2 GB; a bot may still only download 20 MB of it (getFile).
      if (bytes.length === 0) throw new FakeTelegramError('a file must be non-empty');
      const spec = MEDIA[kind];
      const f = this.createFile(kind, Buffer.from(bytes), { mime_type: meta.mime_type ?? spec.mime ?? 'application/octet-stream', ...(meta.file_name ? { file_name: meta.file_name } : {}), duration: meta.duration ?? (kind === 'document' ? undefined : 1) });
      e.media = { kind, unique: f.unique, reused: false };
    }
    if ((opts.photo !== undefined || opts.file !== undefined) && opts.caption !== undefined) {
      e.caption = opts.caption;
      e.captionEntities = autoEntities(opts.caption);
    }
    e.replyTo = opts.reply_to_message_id;
    this.commitEntry(chat, e);
    this.deliverMessage(chat, e, 'message');
    return this.publicEntry(e);
  }

  /** A user joins (or is added by `invitedBy`): a new_chat_members service message and a chat_member update. */
  userJoins(chatId: number, userId: number, opts: { invitedBy?: number; inviteLink?: string; viaJoinRequest?: boolean } = {}): ChatLogEntry {
    const chat = this.liveChat(chatId);
    this.userOrThrow(userId);
    const m = this.member(chat, userId);
    if (this.isInChat(chat, userId)) throw new FakeTelegramError(`user ${userId} is already in chat ${chatId}`);
    if (m?.status === 'kicked') throw new FakeTelegramError(`user ${userId} is banned from chat ${chatId}`);
    const old = this.chatMemberObject(chat, userId);
    if (m?.status === 'restricted') m.isMember = true;
    else chat.members.set(userId, { status: 'member', untilDate: 0 });
    chat.joinRequests.delete(userId);
    const from = opts.invitedBy ?? userId;
    const e = this.serviceMessage(chat, from, { type: 'new_chat_members', user_ids: [userId] });
    this.emitMemberChange(chat, from, userId, old, {
      invite_link: opts.inviteLink ? this.inviteLinkObject(chat, opts.inviteLink) : undefined,
      via_join_request: opts.viaJoinRequest,
    });
    return this.publicEntry(e);
  }

  /** A user leaves (or is removed by `removedBy`, which bans them in a supergroup, as Telegram's "remove" does). */
  userLeaves(chatId: number, userId: number, opts: { removedBy?: number } = {}): ChatLogEntry {
    const chat = this.liveChat(chatId);
    if (!this.isInChat(chat, userId)) throw new FakeTelegramError(`user ${userId} is not in chat ${chatId}`);
    const old = this.chatMemberObject(chat, userId);
    const kicked = opts.removedBy !== undefined && chat.type === 'supergroup';
    chat.members.set(userId, { status: kicked ? 'kicked' : 'left', untilDate: 0 });
    const from = opts.removedBy ?? userId;
    const e = this.serviceMessage(chat, from, { type: 'left_chat_member', user_id: userId });
    this.emitMemberChange(chat, from, userId, old);
    return this.publicEntry(e);
  }

  /** Someone (the owner by default) renames the chat: a new_chat_title service message. */
  renameChat(chatId: number, title: string, opts: { by?: number } = {}): ChatLogEntry {
    const chat = this.liveChat(chatId);
    chat.title = title;
    return this.publicEntry(this.serviceMessage(chat, opts.by ?? chat.ownerId, { type: 'new_chat_title', title }));
  }

  /** A user edits their message: an edited_message update (to the bots that saw the original). */
  editMessage(chatId: number, messageId: number, text: string): ChatLogEntry {
    const chat = this.liveChat(chatId);
    const e = chat.messages.get(messageId);
    if (!e || e.deleted) throw new FakeTelegramError(`no message ${messageId} in chat ${chatId}`);
    if (e.botId !== undefined || e.service) throw new FakeTelegramError('users can only edit their own messages here');
    if (e.text !== undefined) {
      e.text = text;
      e.entities = autoEntities(text);
    } else {
      e.caption = text;
      e.captionEntities = autoEntities(text);
    }
    e.editDate = Math.floor(this.now() / 1000);
    e.edits.push({ at: this.now(), text });
    this.deliverMessage(chat, e, 'edited_message');
    return this.publicEntry(e);
  }

  /** A user (or admin) deletes a message. Telegram sends bots NO update for deletions; only the log changes. */
  deleteMessage(chatId: number, messageId: number): void {
    const chat = this.liveChat(chatId);
    const e = chat.messages.get(messageId);
    if (!e || e.deleted) throw new FakeTelegramError(`no message ${messageId} in chat ${chatId}`);
    e.deleted = true;
  }

  /** A user asks to join (supergroups): a chat_join_request update to admin bots that can invite users. */
  joinRequest(chatId: number, userId: number, opts: { bio?: string; inviteLink?: string } = {}): void {
    const chat = this.liveChat(chatId);
    this.userOrThrow(userId);
    if (chat.type !== 'supergroup') throw new FakeTelegramError('join requests exist in supergroups only');
    if (this.isInChat(chat, userId)) throw new FakeTelegramError(`user ${userId} is already in chat ${chatId}`);
    const date = Math.floor(this.now() / 1000);
    chat.joinRequests.set(userId, { date, bio: opts.bio });
    for (const bot of this.botsInChat(chat)) {
      if (!this.botHasRight(chat, bot.id, 'can_invite_users')) continue;
      const req: ChatJoinRequest = {
        chat: this.chatObject(chat) as ChatJoinRequest['chat'],
        from: this.userObject(userId),
        user_chat_id: userId,
        date,
      };
      if (opts.bio !== undefined) req.bio = opts.bio;
      if (opts.inviteLink) req.invite_link = this.inviteLinkObject(chat, opts.inviteLink);
      this.enqueue(bot, 'chat_join_request', req);
    }
  }

  /** A user sets their reactions on a message: message_reaction updates to admin bots that asked for them. */
  react(chatId: number, userId: number, messageId: number, emojis: string[]): void {
    const chat = this.liveChat(chatId);
    if (!this.isInChat(chat, userId)) throw new FakeTelegramError(`user ${userId} is not in chat ${chatId}`);
    const e = chat.messages.get(messageId);
    if (!e || e.deleted) throw new FakeTelegramError(`no message ${messageId} in chat ${chatId}`);
    const byUser = chat.reactions.get(messageId) ?? new Map<number, ReactionType[]>();
    chat.reactions.set(messageId, byUser);
    const old = byUser.get(userId) ?? [];
    const now: ReactionType[] = emojis.map((emoji) => ({ type: 'emoji', emoji }) as ReactionType);
    byUser.set(userId, now);
    for (const bot of this.botsInChat(chat)) {
      if (!this.isAdmin(chat, bot.id)) continue;
      const u: MessageReactionUpdated = {
        chat: this.chatObject(chat),
        message_id: messageId,
        user: this.userObject(userId),
        date: Math.floor(this.now() / 1000),
        old_reaction: old,
        new_reaction: now,
      };
      this.enqueue(bot, 'message_reaction', u);
    }
  }

  /**
   * Migrates a basic group to a supergroup as Telegram does: members and bots move, both chats get the
   * migrate_* service messages, and any later call naming the old id fails with 400 +
   * parameters.migrate_to_chat_id. Returns the new id (default -100 followed by the old id's digits).
   */
  migrateChat(groupId: number, newId?: number): number {
    const old = this.liveChat(groupId);
    if (old.type !== 'group') throw new FakeTelegramError('only basic groups migrate');
    const id = newId ?? Number(`-100${Math.abs(groupId)}`);
    this.addChat({ id, type: 'supergroup', title: old.title, description: old.description, ownerId: old.ownerId, permissions: old.permissions });
    const sg = this.chats.get(id)!;
    for (const [uid, m] of old.members) sg.members.set(uid, { ...m });
    for (const b of old.seenBy) sg.seenBy.add(b);
    const e1 = this.newEntry(old, old.ownerId);
    e1.service = { type: 'migrate_to_chat_id', chat_id: id };
    this.commitEntry(old, e1);
    this.deliverMessage(old, e1, 'message');
    old.migratedTo = id;
    sg.migratedFrom = groupId;
    const e2 = this.newEntry(sg, old.ownerId);
    e2.service = { type: 'migrate_from_chat_id', chat_id: groupId };
    this.commitEntry(sg, e2);
    this.deliverMessage(sg, e2, 'message');
    return id;
  }

  // ------------------------------------------------------------------------------------------------
  // Faults

  /** Random faults (see the file header); `faults(null)` turns them off. */
  faults(opts: FaultOptions | null): void {
    if (!opts) {
      this.faultOpts = undefined;
      return;
    }
    this.faultOpts = {
      error5xx: opts.error5xx ?? 0,
      timeout: opts.timeout ?? 0,
      timeoutDelivered: opts.timeoutDelivered ?? 0.5,
      seed: opts.seed ?? 1,
      methods: opts.methods ? new Set(opts.methods.map((m) => m.toLowerCase())) : undefined,
    };
    this.rng = mulberry32(this.faultOpts.seed);
  }

  /** The next `times` (default 1) calls of `method` ('*' = any; optionally of one bot) fail as specified. */
  failNext(method: string, spec: FailSpec, opts: { token?: string; times?: number } = {}): void {
    this.failQueue.push({ method: method.toLowerCase(), token: opts.token, spec, times: opts.times ?? 1 });
  }

  /** Calls that were never answered (injected timeouts), with whether they took effect. */
  ambiguous(): AmbiguousRecord[] {
    return this.ambiguousLog.map((a) => ({ ...a }));
  }

  // ------------------------------------------------------------------------------------------------
  // Introspection

  /** The chat as its members see it, in order (deleted messages only with includeDeleted). */
  chatLog(chatId: number, opts: { includeDeleted?: boolean; bot?: string } = {}): ChatLogEntry[] {
    const chat = this.chatOrThrow(chatId);
    const botId = opts.bot !== undefined ? this.botOrThrow(opts.bot).id : undefined;
    return chat.order
      .filter((e) => (opts.includeDeleted || !e.deleted) && (botId === undefined || e.botId === botId))
      .map((e) => this.publicEntry(e));
  }

  /** The Bot API Message object as `token`'s bot would see it (file_ids are per bot). */
  message(chatId: number, messageId: number, token?: string): Message | undefined {
    const chat = this.chatOrThrow(chatId);
    const e = chat.messages.get(messageId);
    return e && this.renderMessage(e, token ? this.botOrThrow(token).id : 0);
  }

  /** Accepted sends (optionally of one bot / to one chat), with their times. */
  sends(filter: { token?: string; chatId?: number } = {}): SendRecord[] {
    const botId = filter.token !== undefined ? this.botOrThrow(filter.token).id : undefined;
    return this.sendLog.filter((s) => (botId === undefined || s.botId === botId) && (filter.chatId === undefined || s.chatId === filter.chatId)).map((s) => ({ ...s }));
  }

  /** Times (fake clock, ms) of accepted sends. */
  sendTimes(filter: { token?: string; chatId?: number } = {}): number[] {
    return this.sends(filter).map((s) => s.at);
  }

  /** Every multipart file upload received. */
  uploads(filter: { token?: string } = {}): UploadRecord[] {
    const botId = filter.token !== undefined ? this.botOrThrow(filter.token).id : undefined;
    return this.uploadLog.filter((u) => botId === undefined || u.botId === botId).map((u) => ({ ...u }));
  }

  /** Every API request received. */
  requests(filter: { token?: string; method?: string } = {}): RequestRecord[] {
    const botId = filter.token !== undefined ? this.botOrThrow(filter.token).id : undefined;
    const method = filter.method?.toLowerCase();
    return this.requestLog.filter((r) => (botId === undefined || r.botId === botId) && (method === undefined || r.method.toLowerCase() === method)).map((r) => ({ ...r }));
  }

  stats(): { total: Counters; bots: Record<string, Counters>; chats: Record<string, Counters> } {
    return {
      total: { ...this.totalCounters },
      bots: Object.fromEntries([...this.botCounters].map(([k, v]) => [String(k), { ...v }])),
      chats: Object.fromEntries([...this.chatCounters].map(([k, v]) => [String(k), { ...v }])),
    };
  }

  botStats(token: string): Counters {
    return { ...(this.botCounters.get(this.botOrThrow(token).id) ?? zeroCounters()) };
  }

  chatStats(chatId: number): Counters {
    return { ...(this.chatCounters.get(chatId) ?? zeroCounters()) };
  }

  /** Updates queued (not yet confirmed) for a bot. */
  pendingUpdates(token: string): Update[] {
    return structuredClone(this.botOrThrow(token).queue);
  }

  /** Webhook delivery attempts for a bot. */
  webhookDeliveries(token: string): WebhookDelivery[] {
    return this.botOrThrow(token).deliveries.map((d) => ({ ...d, update: structuredClone(d.update) }));
  }

  /** A member's status as getChatMember would report it now. */
  memberStatus(chatId: number, userId: number): ChatMember {
    return this.chatMemberObject(this.chatOrThrow(chatId), userId);
  }

  /** The file_id a bot would use for a file_unique_id (file_ids are per bot, as on Telegram). */
  fileIdFor(token: string, fileUniqueId: string): string {
    return this.fileIdOf(this.botOrThrow(token).id, fileUniqueId);
  }

  /** Forgets everything (bots, chats, logs, counters, faults) but keeps listening on the same URL. */
  reset(): void {
    for (const bot of this.bots.values()) this.stopBotIo(bot);
    this.bots.clear();
    this.botsByToken.clear();
    this.users.clear();
    this.chats.clear();
    this.files.clear();
    this.fileIds.clear();
    this.fileIdByBot.clear();
    this.photoGroups.clear();
    this.seq = { file: 0, group: 0, path: 0, owner: 0 };
    this.resetStats();
    this.faultOpts = undefined;
    this.failQueue = [];
  }

  /** Clears logs, counters and flood windows, keeping the world. */
  resetStats(): void {
    this.sendLog = [];
    this.uploadLog = [];
    this.ambiguousLog = [];
    this.requestLog = [];
    this.botCounters.clear();
    this.chatCounters.clear();
    this.totalCounters = zeroCounters();
    for (const bot of this.bots.values()) {
      bot.sendTimes = [];
      bot.chatSendTimes.clear();
    }
  }

  async close(): Promise<void> {
    for (const bot of this.bots.values()) this.stopBotIo(bot);
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const res of this.held) res.destroy();
    this.held.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ------------------------------------------------------------------------------------------------
  // HTTP

  private now(): number {
    return this.clock();
  }

  private write(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.writableEnded || res.destroyed) return;
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'content-type': typeof body === 'string' ? 'text/html' : 'application/json',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  private async readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) tooLarge = true;
      else chunks.push(chunk as Buffer);
    }
    return tooLarge ? undefined : Buffer.concat(chunks);
  }

  private parseParams(req: IncomingMessage, url: URL, body: Buffer): { params: Params; files: Map<string, Upload> } {
    const params: Params = Object.fromEntries(url.searchParams);
    let files = new Map<string, Upload>();
    const type = (req.headers['content-type'] ?? '').toLowerCase();
    if (body.length === 0) return { params, files };
    if (type.startsWith('application/json')) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        throw bad("can't parse JSON object");
      }
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(params, parsed);
    } else if (type.startsWith('multipart/form-data')) {
      const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(req.headers['content-type'] ?? '');
      const b = boundary?.[1] ?? boundary?.[2];
      if (!b) throw bad('wrong multipart/form-data request');
      const mp = parseMultipart(body, b.trim());
      Object.assign(params, mp.fields);
      files = mp.files;
    } else if (type.startsWith('application/x-www-form-urlencoded')) {
      Object.assign(params, Object.fromEntries(new URLSearchParams(body.toString('utf8'))));
    }
    return { params, files };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (file) {
      req.resume();
      return this.serveFile(res, decodeURIComponent(file[1]!), decodeURIComponent(file[2]!));
    }
    const m = /^\/bot([^/]*)\/(?:test\/)?([A-Za-z]*)$/.exec(url.pathname);
    if (!m) {
      req.resume();
      return this.write(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    }
    const bot = this.botsByToken.get(decodeURIComponent(m[1]!));
    if (!bot) {
      req.resume();
      return this.write(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    }
    const body = await this.readBody(req, 52 * 2 ** 20);
    if (!body) return this.write(res, 413, { ok: false, error_code: 413, description: 'Request Entity Too Large' });
    const entry = this.handlers[m[2]!.toLowerCase()];
    const method = entry?.name ?? m[2]!;
    let parsed: { params: Params; files: Map<string, Upload> };
    const record: RequestRecord = { at: this.now(), botId: bot.id, bot: bot.username, method, params: {} };
    this.requestLog.push(record);
    this.count(bot.id, undefined, 'requests');
    try {
      parsed = this.parseParams(req, url, body);
    } catch (err) {
      return this.answerError(res, record, bot, undefined, err);
    }
    record.params = { ...parsed.params };
    for (const [k, f] of parsed.files) record.params[k] = `<file ${f.filename ?? ''} ${f.data.length} bytes>`;
    const chatHint = this.chatHint(parsed.params.chat_id);
    if (chatHint !== undefined) this.count(undefined, chatHint, 'requests');
    if (!entry) return this.answerError(res, record, bot, chatHint, new ApiError(404, 'Not Found'));

    const aborters: (() => void)[] = [];
    res.on('close', () => {
      if (!res.writableFinished) for (const fn of aborters) fn();
    });
    const call: Call = { bot, method, params: parsed.params, files: parsed.files, onAbort: (fn) => aborters.push(fn), uploads: [] };

    // Injected faults: queued ones first, then random ones.
    const fault = this.takeFault(bot, method);
    if (fault && 'status' in fault) {
      this.logUploads(call, false, chatHint);
      return this.answerInjected(res, record, bot, chatHint, fault);
    }
    if (fault && 'timeout' in fault) {
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      let delivered = false;
      if (fault.delivered && method !== 'getUpdates') {
        try {
          await entry.fn(call);
          delivered = true;
        } catch {
          delivered = false;
        }
      }
      this.logUploads(call, delivered, chatHint);
      this.count(bot.id, call.chatId ?? chatHint, 'timeouts');
      this.ambiguousLog.push({
        botId: bot.id,
        bot: bot.username,
        method,
        chatId: call.chatId ?? chatHint,
        params: record.params,
        delivered,
        message_id: delivered ? call.sentMessageId : undefined,
        at: this.now(),
      });
      return; // never answered
    }

    try {
      const result = await entry.fn(call);
      this.logUploads(call, true, chatHint);
      record.status = 200;
      if (result instanceof WithDescription) this.write(res, 200, { ok: true, result: result.result, description: result.description });
      else this.write(res, 200, { ok: true, result });
    } catch (err) {
      this.logUploads(call, false, chatHint);
      this.answerError(res, record, bot, call.chatId ?? chatHint, err);
    }
  }

  private answerError(res: ServerResponse, record: RequestRecord, bot: BotRec, chatId: number | undefined, err: unknown): void {
    if (!(err instanceof ApiError)) throw err;
    record.status = err.code;
    if (err.code === 429) this.count(bot.id, chatId, 'rejected429');
    else if (err.code >= 500) this.count(bot.id, chatId, 'errors5xx');
    else this.count(bot.id, chatId, 'errors4xx');
    const body: Record<string, unknown> = { ok: false, error_code: err.code, description: err.description };
    if (err.parameters) body.parameters = err.parameters;
    const headers: Record<string, string> = {};
    if (err.code === 429 && err.parameters?.retry_after !== undefined) {
      headers['x-fake-retry-after-ms'] = String(Math.ceil(this.wallMs(err.parameters.retry_after)));
    }
    this.write(res, err.code, body, headers);
  }

  private answerInjected(res: ServerResponse, record: RequestRecord, bot: BotRec, chatId: number | undefined, f: Extract<FailSpec, { status: number }>): void {
    if (f.status === 502 && f.description === undefined) {
      record.status = 502;
      this.count(bot.id, chatId, 'errors5xx');
      return this.write(res, 502, NGINX_502);
    }
    const defaults: Record<number, string> = {
      400: f.migrate_to_chat_id !== undefined ? 'Bad Request: group chat was upgraded to a supergroup chat' : 'Bad Request',
      401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
      429: `Too Many Requests: retry after ${f.retry_after ?? 1}`, 500: 'Internal Server Error', 502: 'Bad Gateway',
    };
    const parameters: ApiError['parameters'] = {};
    if (f.status === 429) parameters.retry_after = f.retry_after ?? 1;
    else if (f.retry_after !== undefined) parameters.retry_after = f.retry_after;
    if (f.migrate_to_chat_id !== undefined) parameters.migrate_to_chat_id = f.migrate_to_chat_id;
    const err = new ApiError(f.status, f.description ?? defaults[f.status] ?? 'Internal Server Error', Object.keys(parameters).length ? parameters : undefined);
    this.answerError(res, record, bot, chatId, err);
  }

  private takeFault(bot: BotRec, method: string): FailSpec | undefined {
    const lower = method.toLowerCase();
    const i = this.failQueue.findIndex((f) => (f.method === '*' || f.method === lower) && (f.token === undefined || f.token === bot.token));
    if (i >= 0) {
      const f = this.failQueue[i]!;
      if (--f.times <= 0) this.failQueue.splice(i, 1);
      return f.spec;
    }
    const o = this.faultOpts;
    if (!o) return undefined;
    if (o.methods ? !o.methods.has(lower) : lower === 'getupdates') return undefined;
    const r = this.rng();
    if (r < o.error5xx) return { status: this.rng() < 0.5 ? 500 : 502 };
    if (r < o.error5xx + o.timeout) return { timeout: true, delivered: this.rng() < o.timeoutDelivered };
    return undefined;
  }

  private logUploads(call: Call, accepted: boolean, chatId: number | undefined): void {
    for (const u of call.uploads) {
      u.accepted = accepted;
      u.chatId ??= call.chatId ?? chatId;
      if (!accepted) {
        delete u.file_id;
        delete u.file_unique_id;
      }
      this.uploadLog.push(u);
    }
    call.uploads = [];
  }

  private count(botId: number | undefined, chatId: number | undefined, key: keyof Counters): void {
    if (botId !== undefined) {
      const c = this.botCounters.get(botId) ?? zeroCounters();
      c[key]++;
      this.botCounters.set(botId, c);
      this.totalCounters[key]++;
    }
    if (chatId !== undefined) {
      const c = this.chatCounters.get(chatId) ?? zeroCounters();
      c[key]++;
      this.chatCounters.set(chatId, c);
    }
  }

  private chatHint(v: unknown): number | undefined {
    if (typeof v === 'number') return v;
    if (typeof v === 'string') {
      if (/^-?\d+$/.test(v)) return Number(v);
      if (v.startsWith('@')) return [...this.chats.values()].find((c) => c.username?.toLowerCase() === v.slice(1).toLowerCase())?.id;
    }
    return undefined;
  }

  private serveFile(res: ServerResponse, token: string, path: string): void {
    const bot = this.botsByToken.get(token);
    if (!bot) return this.write(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
    const f = [...this.files.values()].find((x) => x.filePath === path);
    if (!f) return this.write(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
    res.writeHead(200, { 'content-type': f.mime_type ?? 'application/octet-stream', 'content-length': f.bytes.length });
    res.end(f.bytes);
  }

  // ------------------------------------------------------------------------------------------------
  // Parameters

  private str(p: Params, name: string): string | undefined {
    const v = p[name];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : JSON.stringify(v);
  }

  private int(p: Params, name: string): number | undefined {
    const v = p[name];
    if (v === undefined || v === null || v === '') return undefined;
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
    if (!Number.isSafeInteger(n)) throw bad(`invalid ${name} specified`);
    return n;
  }

  private bool(p: Params, name: string): boolean {
    const v = p[name];
    return v === true || v === 'true' || v === 'True' || v === '1' || v === 1;
  }

  private json<T>(p: Params, name: string): T | undefined {
    const v = p[name];
    if (v === undefined || v === null || v === '') return undefined;
    if (typeof v !== 'string') return v as T;
    try {
      return JSON.parse(v) as T;
    } catch {
      throw bad(`can't parse ${name} JSON object`);
    }
  }

  private resolveChatId(v: unknown): ChatRec {
    if (v === undefined || v === null || v === '') throw bad('chat_id is empty');
    let chat: ChatRec | undefined;
    if (typeof v === 'string' && v.startsWith('@')) {
      chat = [...this.chats.values()].find((c) => c.username?.toLowerCase() === v.slice(1).toLowerCase());
    } else {
      const n = typeof v === 'number' ? v : typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : NaN;
      if (Number.isNaN(n)) throw bad('chat not found');
      chat = this.chats.get(n);
    }
    if (!chat) throw bad('chat not found');
    if (chat.migratedTo !== undefined) throw bad('group chat was upgraded to a supergroup chat', { migrate_to_chat_id: chat.migratedTo });
    return chat;
  }

  /** The chat of `chat_id`, which the calling bot must be in. */
  private botChat(c: Call): ChatRec {
    const chat = this.resolveChatId(c.params.chat_id);
    c.chatId = chat.id;
    const noun = chat.type === 'supergroup' ? 'supergroup' : 'group';
    if (!chat.seenBy.has(c.bot.id) && !chat.username) throw bad('chat not found');
    const m = this.member(chat, c.bot.id);
    if (m?.status === 'kicked') throw new ApiError(403, `Forbidden: bot was kicked from the ${noun} chat`);
    if (!this.isInChat(chat, c.bot.id)) throw new ApiError(403, `Forbidden: bot is not a member of the ${noun} chat`);
    return chat;
  }

  private userIdParam(c: Call): number {
    const id = this.int(c.params, 'user_id');
    if (id === undefined || id <= 0) throw bad('invalid user_id specified');
    if (!this.users.has(id)) throw bad('user not found');
    return id;
  }

  private messageIdParam(c: Call, name = 'message_id'): number | undefined {
    const id = this.int(c.params, name);
    return id === undefined || id === 0 ? undefined : id;
  }

  // ------------------------------------------------------------------------------------------------
  // Methods: bot & updates

  private getMe(c: Call): UserFromGetMe {
    const b = c.bot;
    return {
      id: b.id, is_bot: true, first_name: b.first_name, username: b.username, can_join_groups: b.canJoinGroups,
      can_read_all_group_messages: b.canReadAll, supports_inline_queries: false, can_connect_to_business: false,
      has_main_web_app: false, has_topics_enabled: false, allows_users_to_create_topics: false, can_manage_bots: false,
      supports_join_request_queries: false,
    };
  }

  private setAllowed(bot: BotRec, list: unknown): void {
    if (list === undefined) return;
    if (!Array.isArray(list)) throw bad("can't parse allowed_updates JSON array");
    const valid = list.filter((t): t is UpdateType => typeof t === 'string' && (ALL_UPDATE_TYPES as string[]).includes(t));
    bot.allowed = valid.length ? new Set(valid) : defaultAllowed();
    bot.allowedExplicit = valid.length ? valid : undefined;
  }

  private getUpdates(c: Call): Promise<Update[]> | Update[] {
    const bot = c.bot;
    if (bot.webhook) throw new ApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    const offset = this.int(c.params, 'offset') ?? 0;
    const limit = Math.min(100, Math.max(1, this.int(c.params, 'limit') ?? 100));
    const timeout = Math.max(0, Number(this.str(c.params, 'timeout') ?? 0) || 0);
    this.setAllowed(bot, this.json<unknown>(c.params, 'allowed_updates'));
    if (offset > 0) bot.queue = bot.queue.filter((u) => u.update_id >= offset);
    else if (offset < 0) bot.queue = bot.queue.slice(offset);
    // A newer request terminates the pending one (the older request gets the 409).
    this.finishPoll(bot, new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    if (bot.queue.length || timeout === 0) return structuredClone(bot.queue.slice(0, limit));
    return new Promise<Update[]>((resolve, reject) => {
      const poll: PendingPoll = {
        limit,
        resolve,
        reject,
        flushScheduled: false,
        done: false,
        timer: setTimeout(() => this.finishPoll(bot, []), timeout * 1000),
      };
      bot.poll = poll;
      c.onAbort(() => {
        if (bot.poll === poll) this.finishPoll(bot, []);
      });
    });
  }

  private finishPoll(bot: BotRec, outcome: Update[] | ApiError): void {
    const poll = bot.poll;
    if (!poll || poll.done) return;
    poll.done = true;
    clearTimeout(poll.timer);
    bot.poll = undefined;
    if (outcome instanceof ApiError) poll.reject(outcome);
    else poll.resolve(outcome);
  }

  private stopBotIo(bot: BotRec): void {
    this.finishPoll(bot, []);
    if (bot.webhook?.retryTimer) clearTimeout(bot.webhook.retryTimer);
    bot.webhook = undefined;
  }

  private setWebhook(c: Call): WithDescription {
    const bot = c.bot;
    const url = this.str(c.params, 'url') ?? '';
    if (url === '') return this.deleteWebhook(c);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw bad('bad webhook: An HTTPS URL must be provided for webhook');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw bad('bad webhook: An HTTPS URL must be provided for webhook');
    const secret = this.str(c.params, 'secret_token');
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) throw bad('secret token contains unallowed characters');
    const maxConnections = this.int(c.params, 'max_connections') ?? 40;
    this.setAllowed(bot, this.json<unknown>(c.params, 'allowed_updates'));
    if (this.bool(c.params, 'drop_pending_updates')) bot.queue = [];
    const same = bot.webhook?.url === url && bot.webhook.secret === secret;
    this.finishPoll(bot, new ApiError(409, 'Conflict: terminated by setWebhook request'));
    if (bot.webhook?.retryTimer) clearTimeout(bot.webhook.retryTimer);
    bot.webhook = { url, secret, maxConnections, inFlight: false, attempts: 0 };
    void this.pumpWebhook(bot);
    return new WithDescription(true, same ? 'Webhook is already set' : 'Webhook was set');
  }

  private deleteWebhook(c: Call): WithDescription {
    const bot = c.bot;
    const had = bot.webhook !== undefined;
    if (bot.webhook?.retryTimer) clearTimeout(bot.webhook.retryTimer);
    bot.webhook = undefined;
    if (this.bool(c.params, 'drop_pending_updates')) bot.queue = [];
    return new WithDescription(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
  }

  private getWebhookInfo(c: Call): WebhookInfo {
    const bot = c.bot;
    const wh = bot.webhook;
    const info: WebhookInfo = { url: wh?.url ?? '', has_custom_certificate: false, pending_update_count: bot.queue.length };
    if (!wh) return info;
    info.max_connections = wh.maxConnections;
    info.ip_address = '127.0.0.1';
    if (wh.lastErrorDate !== undefined) {
      info.last_error_date = wh.lastErrorDate;
      info.last_error_message = wh.lastErrorMessage;
    }
    if (bot.allowedExplicit) info.allowed_updates = [...bot.allowedExplicit];
    return info;
  }

  private enqueue(bot: BotRec, type: UpdateType, payload: unknown): void {
    if (!bot.allowed.has(type)) return;
    bot.queue.push({ update_id: bot.nextUpdateId++, [type]: payload } as Update);
    if (bot.webhook) void this.pumpWebhook(bot);
    else if (bot.poll && !bot.poll.flushScheduled) {
      const poll = bot.poll;
      poll.flushScheduled = true;
      // Let updates produced in the same tick travel together, as Telegram batches them.
      setImmediate(() => {
        if (bot.poll === poll) this.finishPoll(bot, structuredClone(bot.queue.slice(0, poll.limit)));
      });
    }
  }

  private async pumpWebhook(bot: BotRec): Promise<void> {
    const wh = bot.webhook;
    if (!wh || wh.inFlight || wh.retryTimer || bot.queue.length === 0) return;
    wh.inFlight = true;
    const update = bot.queue[0]!;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (wh.secret !== undefined) headers['X-Telegram-Bot-Api-Secret-Token'] = wh.secret;
    let ok = false;
    let status: number | undefined;
    let error: string | undefined;
    let reply = '';
    try {
      const res = await fetch(wh.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(update),
        redirect: 'manual',
        signal: AbortSignal.timeout(this.webhookOpts.requestTimeoutMs),
      });
      status = res.status;
      reply = await res.text();
      ok = res.status >= 200 && res.status < 300;
      if (!ok) error = `Wrong response from the webhook: ${res.status} ${res.statusText}`;
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause?.code;
      error = cause === 'ECONNREFUSED' ? 'Connection refused' : (err as Error).name === 'TimeoutError' ? 'Read timeout expired' : `Connection error: ${cause ?? (err as Error).message}`;
    }
    bot.deliveries.push({ update_id: update.update_id, update: structuredClone(update), at: this.now(), ok, status, error });
    // Answered 2xx, the update is delivered even if the webhook was replaced meanwhile (the new one may be
    // posting it too: at least once).
    if (ok && bot.queue[0] === update) bot.queue.shift();
    if (bot.webhook !== wh) return; // deleted or replaced meanwhile: its successor pumps
    wh.inFlight = false;
    if (ok) {
      wh.attempts = 0;
      this.webhookReply(bot, reply);
      void this.pumpWebhook(bot);
      return;
    }
    wh.lastErrorDate = Math.floor(this.now() / 1000);
    wh.lastErrorMessage = error;
    wh.attempts++;
    const delay = Math.min(this.webhookOpts.retryBaseMs * 2 ** (wh.attempts - 1), this.webhookOpts.retryMaxMs) / this.timeScale;
    wh.retryTimer = setTimeout(() => {
      wh.retryTimer = undefined;
      void this.pumpWebhook(bot);
    }, delay);
  }

  /** Telegram executes a method given in the webhook's response body (and ignores its result). */
  private webhookReply(bot: BotRec, body: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    if (!parsed || typeof parsed !== 'object' || typeof (parsed as Params).method !== 'string') return;
    const params = { ...(parsed as Params) };
    const method = String(params.method);
    delete params.method;
    const entry = this.handlers[method.toLowerCase()];
    const record: RequestRecord = { at: this.now(), botId: bot.id, bot: bot.username, method: entry?.name ?? method, params };
    this.requestLog.push(record);
    if (!entry || entry.name === 'getUpdates') return;
    const call: Call = { bot, method: entry.name, params, files: new Map(), onAbort: () => {}, uploads: [] };
    try {
      void Promise.resolve(entry.fn(call)).then(
        () => (record.status = 200),
        (e: unknown) => (record.status = e instanceof ApiError ? e.code : 500),
      );
    } catch (e) {
      record.status = e instanceof ApiError ? e.code : 500;
    }
  }

  // ------------------------------------------------------------------------------------------------
  // Methods: sending

  private parseText(c: Call, field: 'text' | 'caption'): { parsed: Parsed; parseMode?: string } | undefined {
    const raw = this.str(c.params, field);
    if (raw === undefined) return undefined;
    const explicit = this.json<MessageEntity[]>(c.params, field === 'text' ? 'entities' : 'caption_entities');
    const parseMode = this.str(c.params, 'parse_mode');
    let parsed: Parsed;
    if (explicit && Array.isArray(explicit)) {
      parsed = { text: raw, entities: explicit.filter((e) => e && typeof e.type === 'string' && Number.isInteger(e.offset) && Number.isInteger(e.length)) };
    } else if (parseMode === undefined || parseMode === '') parsed = { text: raw, entities: [] };
    else if (parseMode === 'HTML') parsed = parseHtml(raw);
    else if (parseMode === 'MarkdownV2') parsed = parseMarkdownV2(raw);
    else if (parseMode === 'Markdown') parsed = parseMarkdown(raw);
    else throw bad('unsupported parse_mode');
    parsed = trimParsed(parsed);
    parsed.entities = autoEntities(parsed.text, parsed.entities);
    return { parsed, parseMode: parseMode || undefined };
  }

  private resolveReply(c: Call, chat: ChatRec): number | undefined {
    const rp = this.json<ReplyParameters>(c.params, 'reply_parameters');
    const id = rp?.message_id ?? this.int(c.params, 'reply_to_message_id');
    if (id === undefined || id === 0) return undefined;
    const allow = rp?.allow_sending_without_reply ?? this.bool(c.params, 'allow_sending_without_reply');
    const target = rp?.chat_id !== undefined ? this.resolveChatId(rp.chat_id) : chat;
    const e = target.messages.get(id);
    if (!e || e.deleted) {
      if (allow) return undefined;
      throw bad('message to be replied not found');
    }
    return target === chat ? id : undefined;
  }

  private requireSendRight(chat: ChatRec, botId: number, right: keyof FullPermissions, noun: string): void {
    if (!this.can(chat, botId, right)) throw bad(`not enough rights to send ${noun} to the chat`);
  }

  /** Flood control: throws 429 if this send would exceed a window; otherwise records nothing. */
  private checkFlood(bot: BotRec, chat: ChatRec): void {
    const now = this.now();
    const waitFor = (times: number[], l: FloodLimit): number => {
      const w = l.windowMs / this.timeScale;
      const inWindow = times.filter((t) => t > now - w);
      if (inWindow.length < l.count) return 0;
      return inWindow[inWindow.length - l.count]! + w - now;
    };
    const chatTimes = bot.chatSendTimes.get(chat.id) ?? [];
    const waits = [waitFor(chatTimes, this.limits.perChat), waitFor(bot.sendTimes, this.limits.perBot)];
    if (chat.type === 'group' || chat.type === 'supergroup') waits.push(waitFor(chatTimes, this.limits.perGroup));
    const wait = Math.max(...waits);
    if (wait > 0) {
      const retryAfter = Math.max(1, Math.ceil((wait * this.timeScale) / 1000));
      throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
    }
  }

  private recordSend(c: Call, chat: ChatRec, e: Entry): void {
    const bot = c.bot;
    const now = this.now();
    const keep = Math.max(this.limits.perChat.windowMs, this.limits.perGroup.windowMs, this.limits.perBot.windowMs) / this.timeScale;
    bot.sendTimes = bot.sendTimes.filter((t) => t > now - keep);
    bot.sendTimes.push(now);
    const ct = (bot.chatSendTimes.get(chat.id) ?? []).filter((t) => t > now - keep);
    ct.push(now);
    bot.chatSendTimes.set(chat.id, ct);
    this.sendLog.push({ botId: bot.id, bot: bot.username, chatId: chat.id, method: c.method, message_id: e.message_id, at: now });
    this.count(bot.id, chat.id, 'accepted');
    chat.lastBotSender = bot.id;
    c.sentMessageId = e.message_id;
  }

  private linkPreview(c: Call): LinkPreviewOptions | undefined {
    const lpo = this.json<LinkPreviewOptions>(c.params, 'link_preview_options');
    if (lpo) return lpo;
    if (this.bool(c.params, 'disable_web_page_preview')) return { is_disabled: true };
    return undefined;
  }

  private sendMessage(c: Call): Message {
    const chat = this.botChat(c);
    this.requireSendRight(chat, c.bot.id, 'can_send_messages', 'text messages');
    const t = this.parseText(c, 'text');
    if (!t || t.parsed.text.length === 0) throw bad('message text is empty');
    if (t.parsed.text.length > 4096) throw bad('message is too long');
    const replyTo = this.resolveReply(c, chat);
    this.checkFlood(c.bot, chat);
    const e = this.newEntry(chat, c.bot.id);
    e.botId = c.bot.id;
    e.method = c.method;
    e.text = t.parsed.text;
    e.entities = t.parsed.entities;
    e.parseMode = t.parseMode;
    e.replyTo = replyTo;
    e.linkPreview = this.linkPreview(c);
    this.commitEntry(chat, e);
    this.recordSend(c, chat, e);
    return this.renderMessage(e, c.bot.id);
  }

  private sendMedia(c: Call, kind: MediaKind): Message {
    const spec = MEDIA[kind];
    const chat = this.botChat(c);
    this.requireSendRight(chat, c.bot.id, spec.right, spec.noun);
    // The file: a multipart part (directly under the field name, or via attach://), a file_id or a URL.
    const value = c.params[kind];
    let upload: Upload | undefined = c.files.get(kind);
    let reuse: { unique: string } | undefined;
    let fromUrl = false;
    if (!upload) {
      const s = typeof value === 'string' ? value : undefined;
      if (s === undefined || s === '') throw bad(`there is no ${kind === 'voice' ? 'voice' : kind} in the request`);
      if (s.startsWith('attach://')) {
        upload = c.files.get(s.slice('attach://'.length));
        if (!upload) throw bad(`wrong file identifier/HTTP URL specified`);
      } else if (/^https?:\/\//i.test(s)) fromUrl = true;
      else {
        const known = this.fileIds.get(s);
        if (!known || known.botId !== c.bot.id) throw bad('wrong file identifier/HTTP URL specified');
        const f = this.files.get(known.unique)!;
        if (f.kind !== kind) throw bad('type of file mismatch');
        reuse = { unique: known.unique };
      }
    }
    let uploadRec: UploadRecord | undefined;
    if (upload) {
      uploadRec = {
        botId: c.bot.id, bot: c.bot.username, method: c.method, field: kind, filename: upload.filename,
        size: upload.data.length, at: this.now(), accepted: false,
      };
      c.uploads.push(uploadRec);
      if (upload.data.length === 0) throw bad('file must be non-empty');
      if (upload.data.length > spec.maxUpload) throw new ApiError(413, 'Request Entity Too Large');
    }
    const cap = this.parseText(c, 'caption');
    if (cap && cap.parsed.text.length > 1024) throw bad('message caption is too long');
    // Validate the image before anything is delivered (Telegram answers these before flood control).
    let dims: { width: number; height: number } | undefined;
    if (kind === 'photo' && upload) {
      dims = imageSize(upload.data);
      if (!dims) throw bad('IMAGE_PROCESS_FAILED');
      if (dims.width + dims.height > 10000 || Math.max(dims.width, dims.height) / Math.max(1, Math.min(dims.width, dims.height)) > 20) {
        throw bad('PHOTO_INVALID_DIMENSIONS');
      }
    }
    const replyTo = this.resolveReply(c, chat);
    this.checkFlood(c.bot, chat);

    const e = this.newEntry(chat, c.bot.id);
    e.botId = c.bot.id;
    e.method = c.method;
    if (reuse) {
      const f = this.files.get(reuse.unique)!;
      e.media = { kind, unique: f.groupId !== undefined ? this.photoGroups.get(f.groupId)!.at(-1)! : f.unique, reused: true, groupId: f.groupId };
    } else {
      const bytes = upload?.data ?? Buffer.alloc(0);
      if (kind === 'photo') {
        const { groupId, unique } = this.createPhoto(bytes, dims ?? { width: 800, height: 600 });
        e.media = { kind, unique, reused: false, groupId };
      } else {
        const f = this.createFile(kind, bytes, {
          file_name: upload?.filename ?? (fromUrl ? String(value).split('/').pop() : undefined),
          mime_type: spec.mime ?? (upload?.contentType && upload.contentType !== 'application/octet-stream' ? upload.contentType : 'application/octet-stream'),
          duration: this.int(c.params, 'duration') ?? (kind === 'document' ? undefined : 1),
        });
        e.media = { kind, unique: f.unique, reused: false };
      }
    }
    if (cap) {
      e.caption = cap.parsed.text;
      e.captionEntities = cap.parsed.entities;
      e.parseMode = cap.parseMode;
    }
    e.replyTo = replyTo;
    this.commitEntry(chat, e);
    this.recordSend(c, chat, e);
    if (uploadRec) {
      uploadRec.chatId = chat.id;
      uploadRec.file_unique_id = e.media.unique;
      uploadRec.file_id = this.fileIdOf(c.bot.id, e.media.unique);
    }
    return this.renderMessage(e, c.bot.id);
  }

  private sendChatAction(c: Call): true {
    this.botChat(c);
    if (!this.str(c.params, 'action')) throw bad('wrong parameter action in request');
    return true;
  }

  /** The bot's own message an edit names (editMessageText, editMessageCaption), as Telegram finds it. */
  private messageToEdit(c: Call): Entry {
    if (c.params.inline_message_id !== undefined) throw bad('inline messages are not supported by the fake');
    const chat = this.botChat(c);
    const id = this.messageIdParam(c);
    if (id === undefined) throw bad('message identifier is not specified');
    const e = chat.messages.get(id);
    if (!e || e.deleted) throw bad('message to edit not found');
    if (e.botId !== c.bot.id) throw bad("message can't be edited");
    return e;
  }

  private editMessageText(c: Call): Message {
    const e = this.messageToEdit(c);
    // (Telegram's words: a photo's or a file's text is its caption, edited with editMessageCaption.)
    if (e.text === undefined) throw bad('there is no text in the message to edit');
    const t = this.parseText(c, 'text');
    if (!t || t.parsed.text.length === 0) throw bad('message text is empty');
    if (t.parsed.text.length > 4096) throw bad('MESSAGE_TOO_LONG');
    if (t.parsed.text === e.text && JSON.stringify(t.parsed.entities) === JSON.stringify(e.entities ?? [])) {
      throw bad(NOT_MODIFIED);
    }
    e.text = t.parsed.text;
    e.entities = t.parsed.entities;
    e.parseMode = t.parseMode;
    e.editDate = Math.floor(this.now() / 1000);
    e.edits.push({ at: this.now(), text: e.text });
    const lp = this.linkPreview(c);
    if (lp) e.linkPreview = lp;
    return this.renderMessage(e, c.bot.id);
  }

  private editMessageCaption(c: Call): Message {
    const e = this.messageToEdit(c);
    if (e.text !== undefined) throw bad('there is no caption in the message to edit');
    const t = this.parseText(c, 'caption');
    const caption = t?.parsed.text ?? '';
    if (caption.length > 1024) throw bad('MESSAGE_CAPTION_TOO_LONG');
    if (caption === (e.caption ?? '')) {
      throw bad(NOT_MODIFIED);
    }
    e.caption = caption;
    e.captionEntities = t?.parsed.entities ?? [];
    e.editDate = Math.floor(this.now() / 1000);
    e.edits.push({ at: this.now(), text: caption });
    return this.renderMessage(e, c.bot.id);
  }

  private apiDeleteMessage(c: Call): true {
    const chat = this.botChat(c);
    const id = this.messageIdParam(c);
    if (id === undefined) throw bad('message identifier is not specified');
    const e = chat.messages.get(id);
    if (!e || e.deleted) throw bad('message to delete not found');
    if (e.botId !== c.bot.id && !this.botHasRight(chat, c.bot.id, 'can_delete_messages')) throw bad("message can't be deleted");
    e.deleted = true;
    return true;
  }

  // ------------------------------------------------------------------------------------------------
  // Methods: moderation

  private normalizeUntil(v: number | undefined): number {
    if (!v) return 0;
    const delta = v - Math.floor(this.now() / 1000);
    return delta < 30 || delta > 366 * 86400 ? 0 : v;
  }

  private targetChecks(c: Call, chat: ChatRec, userId: number, ownerMsg: string): void {
    if (userId === c.bot.id) throw bad("can't restrict self");
    const t = this.member(chat, userId);
    if (t?.status === 'creator') throw bad(ownerMsg);
    if (t?.status === 'administrator') throw bad('user is an administrator of the chat');
  }

  private restrictChatMember(c: Call): true {
    const chat = this.botChat(c);
    if (chat.type !== 'supergroup') throw bad('method is available only for supergroups');
    const userId = this.userIdParam(c);
    this.requireBotRight(chat, c.bot.id, 'can_restrict_members', 'not enough rights to restrict/unrestrict chat member');
    this.targetChecks(c, chat, userId, 'user is an administrator of the chat');
    const given = this.json<ChatPermissions>(c.params, 'permissions');
    if (!given || typeof given !== 'object') throw bad("can't parse permissions JSON object");
    const perms = this.normalizePermissions(given, this.bool(c.params, 'use_independent_chat_permissions'));
    const old = this.chatMemberObject(chat, userId);
    const wasIn = this.isInChat(chat, userId);
    if (PERMISSION_KEYS.every((k) => perms[k])) {
      chat.members.set(userId, { status: wasIn ? 'member' : 'left', untilDate: 0 });
    } else {
      chat.members.set(userId, { status: 'restricted', perms, isMember: wasIn, untilDate: this.normalizeUntil(this.int(c.params, 'until_date')) });
    }
    this.emitMemberChange(chat, c.bot.id, userId, old);
    return true;
  }

  private banChatMember(c: Call): true {
    const chat = this.botChat(c);
    const userId = this.userIdParam(c);
    this.requireBotRight(chat, c.bot.id, 'can_restrict_members', 'not enough rights to restrict/unrestrict chat member');
    this.targetChecks(c, chat, userId, "can't remove chat owner");
    const old = this.chatMemberObject(chat, userId);
    const wasIn = this.isInChat(chat, userId);
    chat.members.set(userId, chat.type === 'supergroup' ? { status: 'kicked', untilDate: this.normalizeUntil(this.int(c.params, 'until_date')) } : { status: 'kicked', untilDate: 0 });
    if (wasIn) {
      this.serviceMessage(chat, c.bot.id, { type: 'left_chat_member', user_id: userId }, c);
    }
    if (this.bool(c.params, 'revoke_messages')) for (const e of chat.order) if (e.fromId === userId) e.deleted = true;
    this.emitMemberChange(chat, c.bot.id, userId, old);
    return true;
  }

  private unbanChatMember(c: Call): true {
    const chat = this.botChat(c);
    if (chat.type !== 'supergroup') throw bad('method is available for supergroup and channel chats only');
    const userId = this.userIdParam(c);
    this.requireBotRight(chat, c.bot.id, 'can_restrict_members', 'not enough rights to restrict/unrestrict chat member');
    const m = this.member(chat, userId);
    if (this.bool(c.params, 'only_if_banned') && m?.status !== 'kicked') return true;
    if (m?.status === 'creator') throw bad("can't remove chat owner");
    if (m?.status === 'administrator') throw bad('user is an administrator of the chat');
    // Telegram: "the user will not return to the group automatically, but will be able to join" — and a
    // current member is removed unless only_if_banned.
    const old = this.chatMemberObject(chat, userId);
    const wasIn = this.isInChat(chat, userId);
    chat.members.set(userId, { status: 'left', untilDate: 0 });
    if (old.status !== 'left') this.emitMemberChange(chat, c.bot.id, userId, old);
    if (wasIn) {
      this.serviceMessage(chat, c.bot.id, { type: 'left_chat_member', user_id: userId }, c);
    }
    return true;
  }

  private setChatPermissions(c: Call): true {
    const chat = this.botChat(c);
    this.requireBotRight(chat, c.bot.id, 'can_restrict_members', 'not enough rights to change chat permissions');
    const given = this.json<ChatPermissions>(c.params, 'permissions');
    if (!given || typeof given !== 'object') throw bad("can't parse permissions JSON object");
    const perms = this.normalizePermissions(given, this.bool(c.params, 'use_independent_chat_permissions'));
    if (PERMISSION_KEYS.every((k) => perms[k] === chat.permissions[k])) throw bad('CHAT_NOT_MODIFIED');
    chat.permissions = perms;
    return true;
  }

  private setChatTitle(c: Call): true {
    const chat = this.botChat(c);
    const title = (this.str(c.params, 'title') ?? '').trim();
    this.requireBotRight(chat, c.bot.id, 'can_change_info', 'not enough rights to change chat title');
    if (!title) throw bad('chat title is empty');
    if (title.length > 128) throw bad('chat title is too long');
    if (title === chat.title) throw bad('chat title is not modified');
    chat.title = title;
    this.serviceMessage(chat, c.bot.id, { type: 'new_chat_title', title }, c);
    return true;
  }

  private setChatDescription(c: Call): true {
    const chat = this.botChat(c);
    const description = this.str(c.params, 'description') ?? '';
    this.requireBotRight(chat, c.bot.id, 'can_change_info', 'not enough rights to set chat description');
    if (description.length > 255) throw bad('chat description is too long');
    if (description === (chat.description ?? '')) throw bad('chat description is not modified');
    chat.description = description || undefined;
    return true;
  }

  private pinChatMessage(c: Call): true {
    const chat = this.botChat(c);
    const id = this.messageIdParam(c);
    this.requireBotRight(chat, c.bot.id, 'can_pin_messages',
      chat.type === 'supergroup' ? 'not enough rights to manage pinned messages in the chat' : 'not enough rights to pin a message');
    if (id === undefined) throw bad('message identifier is not specified');
    const target = chat.messages.get(id);
    if (!target || target.deleted) throw bad('message to pin not found');
    chat.pinned = chat.pinned.filter((x) => x !== id);
    chat.pinned.push(id);
    this.serviceMessage(chat, c.bot.id, { type: 'pinned_message', message_id: id }, c);
    return true;
  }

  private unpinChatMessage(c: Call): true {
    const chat = this.botChat(c);
    this.requireBotRight(chat, c.bot.id, 'can_pin_messages',
      chat.type === 'supergroup' ? 'not enough rights to manage pinned messages in the chat' : 'not enough rights to pin a message');
    const id = this.messageIdParam(c) ?? chat.pinned.at(-1);
    if (id === undefined || !chat.pinned.includes(id)) throw bad('message to unpin not found');
    chat.pinned = chat.pinned.filter((x) => x !== id);
    return true;
  }

  private answerJoinRequest(c: Call, approve: boolean): true {
    const chat = this.botChat(c);
    const userId = this.userIdParam(c);
    this.requireBotRight(chat, c.bot.id, 'can_invite_users', 'not enough rights to manage join requests', 'CHAT_ADMIN_REQUIRED');
    if (this.isInChat(chat, userId)) throw bad('USER_ALREADY_PARTICIPANT');
    if (!chat.joinRequests.has(userId)) throw bad('HIDE_REQUESTER_MISSING');
    chat.joinRequests.delete(userId);
    if (approve) {
      const old = this.chatMemberObject(chat, userId);
      chat.members.set(userId, { status: 'member', untilDate: 0 });
      this.serviceMessage(chat, userId, { type: 'new_chat_members', user_ids: [userId] });
      this.emitMemberChange(chat, c.bot.id, userId, old, { via_join_request: true });
    }
    return true;
  }

  private getChat(c: Call): ChatFullInfo {
    const chat = this.botChat(c);
    const base = {
      id: chat.id,
      title: chat.title,
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false, gifts_from_channels: false },
      permissions: { ...chat.permissions },
    };
    const info: Record<string, unknown> = chat.type === 'supergroup' ? { ...base, type: 'supergroup' } : { ...base, type: 'group' };
    if (chat.username) info.username = chat.username;
    if (chat.description) info.description = chat.description;
    if (chat.migratedFrom !== undefined) info.migrated_from_chat_id = chat.migratedFrom;
    const pinned = chat.pinned.at(-1);
    const pe = pinned !== undefined ? chat.messages.get(pinned) : undefined;
    if (pe && !pe.deleted) info.pinned_message = this.renderMessage(pe, c.bot.id, true);
    return info as unknown as ChatFullInfo;
  }

  private getChatMember(c: Call): ChatMember {
    const chat = this.botChat(c);
    const userId = this.userIdParam(c);
    return this.chatMemberObject(chat, userId);
  }

  private getChatAdministrators(c: Call): ChatMember[] {
    const chat = this.botChat(c);
    return [...chat.members.keys()].filter((id) => this.isAdmin(chat, id)).map((id) => this.chatMemberObject(chat, id));
  }

  private getChatMemberCount(c: Call): number {
    const chat = this.botChat(c);
    return [...chat.members.keys()].filter((id) => this.isInChat(chat, id)).length;
  }

  private leaveChat(c: Call): true {
    const chat = this.botChat(c);
    const old = this.chatMemberObject(chat, c.bot.id);
    chat.members.set(c.bot.id, { status: 'left', untilDate: 0 });
    this.serviceMessage(chat, c.bot.id, { type: 'left_chat_member', user_id: c.bot.id }, c);
    this.emitMemberChange(chat, c.bot.id, c.bot.id, old);
    return true;
  }

  private getFile(c: Call): TgFile {
    const id = this.str(c.params, 'file_id');
    if (!id) throw bad('invalid file_id');
    const known = this.fileIds.get(id);
    if (!known || known.botId !== c.bot.id) throw bad('invalid file_id');
    const f = this.files.get(known.unique)!;
    if (f.bytes.length > 20 * 2 ** 20) throw bad('file is too big');
    f.filePath ??= `${MEDIA[f.kind].dir}/file_${++this.seq.path}.${f.file_name?.split('.').pop() ?? MEDIA[f.kind].ext}`;
    return { file_id: id, file_unique_id: f.unique, file_size: f.bytes.length, file_path: f.filePath };
  }

  // ------------------------------------------------------------------------------------------------
  // World helpers

  private chatOrThrow(id: number): ChatRec {
    const chat = this.chats.get(id);
    if (!chat) throw new FakeTelegramError(`unknown chat ${id}`);
    return chat;
  }

  private liveChat(id: number): ChatRec {
    const chat = this.chatOrThrow(id);
    if (chat.migratedTo !== undefined) throw new FakeTelegramError(`chat ${id} migrated to ${chat.migratedTo}`);
    return chat;
  }

  private userOrThrow(id: number): UserRec {
    const u = this.users.get(id);
    if (!u) throw new FakeTelegramError(`unknown user ${id}`);
    return u;
  }

  private botOrThrow(token: string): BotRec {
    const b = this.botsByToken.get(token);
    if (!b) throw new FakeTelegramError(`unknown bot token ${token}`);
    return b;
  }

  private memberRec(status: MemberStatus, opts: MemberOptions): MemberRec {
    const rec: MemberRec = { status, untilDate: opts.untilDate ?? 0, customTitle: opts.customTitle };
    if (status === 'administrator') rec.rights = { ...FULL_ADMIN_RIGHTS, ...opts.rights };
    if (status === 'restricted') {
      rec.perms = this.normalizePermissions(opts.permissions ?? {}, true);
      rec.isMember = opts.isMember ?? true;
    }
    return rec;
  }

  private normalizePermissions(p: ChatPermissions, independent: boolean): FullPermissions {
    const f = Object.fromEntries(PERMISSION_KEYS.map((k) => [k, p[k] === true])) as FullPermissions;
    if (!independent) {
      if (f.can_send_other_messages || f.can_add_web_page_previews) {
        f.can_send_messages = f.can_send_audios = f.can_send_documents = f.can_send_photos = true;
        f.can_send_videos = f.can_send_video_notes = f.can_send_voice_notes = true;
      }
      if (f.can_send_polls) f.can_send_messages = true;
    }
    return f;
  }

  /** The membership record, with expired restrictions and bans lifted. */
  private member(chat: ChatRec, userId: number): MemberRec | undefined {
    const m = chat.members.get(userId);
    if (m && (m.status === 'restricted' || m.status === 'kicked') && m.untilDate && m.untilDate * 1000 <= this.now()) {
      const lifted: MemberRec = { status: m.status === 'restricted' && m.isMember ? 'member' : 'left', untilDate: 0 };
      chat.members.set(userId, lifted);
      return lifted;
    }
    return m;
  }

  private isInChat(chat: ChatRec, userId: number): boolean {
    const m = this.member(chat, userId);
    if (!m) return false;
    return m.status === 'creator' || m.status === 'administrator' || m.status === 'member' || (m.status === 'restricted' && m.isMember === true);
  }

  private isAdmin(chat: ChatRec, userId: number): boolean {
    const s = this.member(chat, userId)?.status;
    return s === 'creator' || s === 'administrator';
  }

  private botHasRight(chat: ChatRec, botId: number, right: keyof AdminRights): boolean {
    const m = this.member(chat, botId);
    return m?.status === 'creator' || (m?.status === 'administrator' && m.rights?.[right] === true);
  }

  /**
   * The calling bot must be the creator or an administrator with `right` (Telegram does not extend the
   * chat's default member permissions to bots for these actions). `nonAdminMsg`: a different answer
   * for bots that are not administrators at all.
   */
  private requireBotRight(chat: ChatRec, botId: number, right: keyof AdminRights, msg: string, nonAdminMsg?: string): void {
    if (this.botHasRight(chat, botId, right)) return;
    if (nonAdminMsg && !this.isAdmin(chat, botId)) throw bad(nonAdminMsg);
    throw bad(msg);
  }

  /** Whether a member may send content needing `right` (admins always may). */
  private can(chat: ChatRec, userId: number, right: keyof FullPermissions): boolean {
    const m = this.member(chat, userId);
    if (!m || !this.isInChat(chat, userId)) return false;
    if (m.status === 'creator' || m.status === 'administrator') return true;
    if (!chat.permissions[right]) return false;
    return m.status !== 'restricted' || m.perms?.[right] === true;
  }

  private botsInChat(chat: ChatRec): BotRec[] {
    return [...this.bots.values()].filter((b) => this.isInChat(chat, b.id));
  }

  private userObject(id: number): User {
    const u = this.users.get(id);
    if (!u) return { id, is_bot: false, first_name: '' };
    const o: User = { id, is_bot: u.is_bot, first_name: u.first_name };
    if (u.last_name) o.last_name = u.last_name;
    if (u.username) o.username = u.username;
    if (u.language_code) o.language_code = u.language_code;
    if (u.is_premium) o.is_premium = true;
    return o;
  }

  private chatObject(chat: ChatRec): Chat {
    if (chat.type === 'supergroup') {
      const o: Chat.SupergroupChat = { id: chat.id, type: 'supergroup', title: chat.title };
      if (chat.username) o.username = chat.username;
      return o;
    }
    return { id: chat.id, type: 'group', title: chat.title };
  }

  private inviteLinkObject(chat: ChatRec, link: string, createsJoinRequest = false): ChatInviteLink {
    return {
      invite_link: link.replace(/^(https:\/\/t\.me\/\+.{4}).+$/, '$1...'),
      creator: this.userObject(chat.ownerId),
      creates_join_request: createsJoinRequest,
      is_primary: false,
      is_revoked: false,
    };
  }

  private chatMemberObject(chat: ChatRec, userId: number): ChatMember {
    const user = this.userObject(userId);
    const m = this.member(chat, userId);
    switch (m?.status ?? 'left') {
      case 'creator': {
        const o: ChatMember = { status: 'creator', user, is_anonymous: false };
        if (m?.customTitle) o.custom_title = m.customTitle;
        return o;
      }
      case 'administrator': {
        const o: ChatMemberAdministrator = { status: 'administrator', user, can_be_edited: false, ...(m!.rights ?? FULL_ADMIN_RIGHTS) };
        if (m?.customTitle) o.custom_title = m.customTitle;
        return o;
      }
      case 'member':
        return m?.untilDate ? { status: 'member', user, until_date: m.untilDate } : { status: 'member', user };
      case 'restricted': {
        const p = m!.perms ?? this.normalizePermissions({}, true);
        return { status: 'restricted', user, is_member: m!.isMember === true, ...p, until_date: m!.untilDate };
      }
      case 'kicked':
        return { status: 'kicked', user, until_date: m!.untilDate };
      default:
        return { status: 'left', user };
    }
  }

  /** my_chat_member to the affected bot; chat_member to the chat's admin bots (if they asked for it). */
  private emitMemberChange(chat: ChatRec, fromId: number, userId: number, old: ChatMember, extra: { invite_link?: ChatInviteLink; via_join_request?: boolean } = {}): void {
    const now = this.chatMemberObject(chat, userId);
    const make = (): ChatMemberUpdated => {
      const u: ChatMemberUpdated = {
        chat: this.chatObject(chat),
        from: this.userObject(fromId),
        date: Math.floor(this.now() / 1000),
        old_chat_member: old,
        new_chat_member: now,
      };
      if (extra.invite_link) u.invite_link = extra.invite_link;
      if (extra.via_join_request) u.via_join_request = true;
      return u;
    };
    const affected = this.bots.get(userId);
    if (affected) this.enqueue(affected, 'my_chat_member', make());
    for (const bot of this.botsInChat(chat)) {
      if (bot.id === userId || !this.isAdmin(chat, bot.id)) continue;
      this.enqueue(bot, 'chat_member', make());
    }
  }

  /** A service message (a join, a leave, a new title, a pin) in the chat, delivered to the bots that see it; `by` a bot's call. */
  private serviceMessage(chat: ChatRec, fromId: number, service: ServiceInfo, by?: Call): Entry {
    const e = this.newEntry(chat, fromId);
    if (by) {
      e.botId = by.bot.id;
      e.method = by.method;
    }
    e.service = service;
    this.commitEntry(chat, e);
    this.deliverMessage(chat, e, 'message', by?.bot.id);
    return e;
  }

  private newEntry(chat: ChatRec, fromId: number): Entry {
    const at = this.now();
    return { chatId: chat.id, message_id: chat.nextMessageId, date: Math.floor(at / 1000), at, fromId, edits: [], deleted: false };
  }

  private commitEntry(chat: ChatRec, e: Entry): void {
    e.message_id = chat.nextMessageId++;
    chat.messages.set(e.message_id, e);
    chat.order.push(e);
  }

  /** Message updates, honouring "bots don't see bots" and privacy mode. */
  private deliverMessage(chat: ChatRec, e: Entry, type: 'message' | 'edited_message', actorBotId?: number): void {
    for (const bot of this.botsInChat(chat)) {
      if (bot.id === actorBotId || bot.id === e.fromId) continue;
      if (!e.service && this.bots.has(e.fromId)) continue;
      if (!e.service && !this.seesAll(chat, bot) && !this.privacyAllows(chat, bot, e)) continue;
      this.enqueue(bot, type, this.renderMessage(e, bot.id));
    }
  }

  private seesAll(chat: ChatRec, bot: BotRec): boolean {
    return bot.canReadAll || this.isAdmin(chat, bot.id);
  }

  private privacyAllows(chat: ChatRec, bot: BotRec, e: Entry): boolean {
    if (e.replyTo !== undefined && chat.messages.get(e.replyTo)?.botId === bot.id) return true;
    const text = e.text ?? e.caption ?? '';
    const cmd = /^\/[A-Za-z0-9_]+(?:@([A-Za-z0-9_]+))?/.exec(text);
    if (!cmd) return false;
    if (cmd[1] !== undefined) return cmd[1].toLowerCase() === bot.username.toLowerCase();
    return this.botsInChat(chat).length === 1 || chat.lastBotSender === bot.id;
  }

  // --- Files ---------------------------------------------------------------------------------------

  private createFile(kind: MediaKind, bytes: Buffer, meta: Partial<FileRec> = {}): FileRec {
    const n = ++this.seq.file;
    const unique = `AQAD${Buffer.from(`u${n}`).toString('base64url')}${'x'.repeat(Math.max(0, 8 - String(n).length))}`;
    const f: FileRec = { unique, kind, bytes, ...meta };
    this.files.set(unique, f);
    return f;
  }

  /** A photo in two sizes (a ≤90 px thumbnail and the original) when larger than 90 px. */
  private createPhoto(bytes: Buffer, dims?: { width: number; height: number }): { groupId: number; unique: string } {
    const d = dims ?? imageSize(bytes) ?? { width: 1, height: 1 };
    const groupId = ++this.seq.group;
    const sizes: string[] = [];
    const long = Math.max(d.width, d.height);
    if (long > 90) {
      const k = 90 / long;
      const thumb = this.createFile('photo', bytes.subarray(0, Math.max(1, Math.floor(bytes.length / 8))), {
        width: Math.max(1, Math.round(d.width * k)), height: Math.max(1, Math.round(d.height * k)), groupId,
      });
      sizes.push(thumb.unique);
    }
    const full = this.createFile('photo', bytes, { width: d.width, height: d.height, groupId, mime_type: 'image/jpeg' });
    sizes.push(full.unique);
    this.photoGroups.set(groupId, sizes);
    return { groupId, unique: full.unique };
  }

  private fileIdOf(botId: number, unique: string): string {
    const key = `${botId}|${unique}`;
    let id = this.fileIdByBot.get(key);
    if (!id) {
      const f = this.files.get(unique);
      const prefix = MEDIA[f?.kind ?? 'document'].prefix;
      id = `${prefix}${Buffer.from(`${botId}:${unique}:${this.fileIdByBot.size}`).toString('base64url')}`;
      this.fileIdByBot.set(key, id);
      this.fileIds.set(id, { botId, unique });
    }
    return id;
  }

  // --- Rendering -----------------------------------------------------------------------------------

  private renderMessage(e: Entry, viewer: number, nested = false): Message {
    const chat = this.chats.get(e.chatId)!;
    const msg: Message = { message_id: e.message_id, date: e.date, chat: this.chatObject(chat), from: this.userObject(e.fromId) };
    if (e.editDate !== undefined) msg.edit_date = e.editDate;
    if (!nested && e.replyTo !== undefined) {
      const r = chat.messages.get(e.replyTo);
      if (r && !r.deleted) msg.reply_to_message = this.renderMessage(r, viewer, true) as NonNullable<Message['reply_to_message']>;
    }
    if (e.text !== undefined) {
      msg.text = e.text;
      if (e.entities?.length) msg.entities = e.entities;
    }
    if (e.linkPreview) msg.link_preview_options = e.linkPreview;
    if (e.media) {
      const fid = (u: string) => this.fileIdOf(viewer, u);
      const f = this.files.get(e.media.unique)!;
      switch (e.media.kind) {
        case 'photo': {
          const sizes = e.media.groupId !== undefined ? this.photoGroups.get(e.media.groupId)! : [e.media.unique];
          msg.photo = sizes.map((u): PhotoSize => {
            const s = this.files.get(u)!;
            return { file_id: fid(u), file_unique_id: u, file_size: s.bytes.length, width: s.width ?? 1, height: s.height ?? 1 };
          });
          break;
        }
        case 'document':
          msg.document = { file_id: fid(f.unique), file_unique_id: f.unique, file_size: f.bytes.length, ...(f.file_name ? { file_name: f.file_name } : {}), ...(f.mime_type ? { mime_type: f.mime_type } : {}) };
          break;
        case 'voice':
          msg.voice = { file_id: fid(f.unique), file_unique_id: f.unique, duration: f.duration ?? 1, mime_type: f.mime_type, file_size: f.bytes.length };
          break;
        case 'audio':
          msg.audio = { file_id: fid(f.unique), file_unique_id: f.unique, duration: f.duration ?? 1, mime_type: f.mime_type, file_size: f.bytes.length, ...(f.file_name ? { file_name: f.file_name } : {}) };
          break;
        case 'video':
          msg.video = { file_id: fid(f.unique), file_unique_id: f.unique, duration: f.duration ?? 1, width: 640, height: 360, mime_type: f.mime_type, file_size: f.bytes.length };
          break;
        case 'animation': {
          const a = { file_id: fid(f.unique), file_unique_id: f.unique, duration: f.duration ?? 1, width: 320, height: 240, mime_type: f.mime_type, file_size: f.bytes.length };
          msg.animation = a;
          msg.document = { file_id: a.file_id, file_unique_id: a.file_unique_id, mime_type: a.mime_type, file_size: a.file_size };
          break;
        }
      }
    }
    if (e.caption !== undefined) {
      msg.caption = e.caption;
      if (e.captionEntities?.length) msg.caption_entities = e.captionEntities;
    }
    const s = e.service;
    if (s) {
      switch (s.type) {
        case 'new_chat_members':
          msg.new_chat_members = s.user_ids.map((id) => this.userObject(id));
          break;
        case 'left_chat_member':
          msg.left_chat_member = this.userObject(s.user_id);
          break;
        case 'new_chat_title':
          msg.new_chat_title = s.title;
          break;
        case 'pinned_message': {
          const p = chat.messages.get(s.message_id);
          if (p) msg.pinned_message = this.renderMessage(p, viewer, true) as NonNullable<Message['pinned_message']>;
          break;
        }
        case 'migrate_to_chat_id':
          msg.migrate_to_chat_id = s.chat_id;
          break;
        case 'migrate_from_chat_id':
          msg.migrate_from_chat_id = s.chat_id;
          break;
      }
    }
    return msg;
  }

  private publicEntry(e: Entry): ChatLogEntry {
    const u = this.userObject(e.fromId);
    const from: ChatLogEntry['from'] = { id: u.id, is_bot: u.is_bot, first_name: u.first_name };
    if (u.username) from.username = u.username;
    const out: ChatLogEntry = { chat_id: e.chatId, message_id: e.message_id, date: e.date, at: e.at, from, edits: e.edits.map((x) => ({ ...x })), deleted: e.deleted };
    if (e.botId !== undefined) out.bot = this.bots.get(e.botId)?.username;
    if (e.method) out.method = e.method;
    if (e.text !== undefined) out.text = e.text;
    if (e.entities?.length) out.entities = e.entities;
    if (e.parseMode) out.parse_mode = e.parseMode;
    if (e.caption !== undefined) out.caption = e.caption;
    if (e.captionEntities?.length) out.caption_entities = e.captionEntities;
    if (e.media) {
      const f = this.files.get(e.media.unique);
      const media: NonNullable<ChatLogEntry['media']> = { kind: e.media.kind, file_unique_id: e.media.unique, reused: e.media.reused };
      if (e.botId !== undefined) media.file_id = this.fileIdOf(e.botId, e.media.unique);
      if (f?.file_name) media.file_name = f.file_name;
      out.media = media;
      if (media.kind === 'photo') out.photo = { file_id: media.file_id, file_unique_id: media.file_unique_id, reused: media.reused };
    }
    if (e.replyTo !== undefined) out.reply_to = e.replyTo;
    if (e.linkPreview) out.link_preview_options = e.linkPreview;
    if (e.service) out.service = e.service;
    return out;
  }
}
