// One grammY Api per connected bot (its token opened from the sealed credentials when first needed), and
// what a failed Bot API call means for the outbox: "too many requests" (nothing done, wait as told), a
// refusal (no rights, no such chat: will never work), a failure that did nothing (5xx, a proxy's error page,
// no connection), or an answer never received (a timeout: it may have been done; the Bot API has no
// idempotency key).
import { Api, GrammyError, HttpError } from 'grammy';
import type { Kysely } from 'kysely';
import type { Database } from '../../kernel/db/schema.ts';
import type { SecretBox } from '../../kernel/secrets.ts';
import { Ambiguous, RateLimited, Refused } from '../../modules/outbox/index.ts';

export interface TelegramOptions {
  apiRoot: string;
  timeoutMs: number;
  /** Divides Telegram's windows and retry_after (a local fake that compresses time); 1 for the real Telegram. */
  timeScale: number;
}

export class TelegramAccounts {
  private readonly apis = new Map<string, { api: Api; poll: Api; botId: number; workspaceId: string; token: string }>();

  constructor(private readonly db: Kysely<Database>, private readonly secrets: () => SecretBox, readonly options: TelegramOptions) {}

  /**
   * The Api of a connection (a bot), with the bot's user id; `poll` is for long polling, whose calls are
   * meant to wait (up to the poll's own timeout) and so get longer than an action's timeout.
   */
  async get(connectionId: string): Promise<{ api: Api; poll: Api; botId: number; workspaceId: string; token: string }> {
    const known = this.apis.get(connectionId);
    if (known) return known;
    const r = await this.db.selectFrom('connections').select(['credentials', 'account_id', 'workspace_id', 'platform']).where('id', '=', connectionId).executeTakeFirst();
    if (!r || r.platform !== 'telegram') throw new Refused(`connection ${connectionId} is gone (connect the bot again)`);
    let token: string;
    try {
      token = openToken(this.secrets(), r.credentials);
    } catch (e) {
      throw new Refused(`the credentials of connection ${connectionId} cannot be opened with this deployment's key: ${(e as Error).message}`);
    }
    const entry = {
      api: new Api(token, { apiRoot: this.options.apiRoot, timeoutSeconds: this.options.timeoutMs / 1000 }),
      poll: new Api(token, { apiRoot: this.options.apiRoot, timeoutSeconds: POLL_SECONDS + this.options.timeoutMs / 1000 }),
      botId: Number(r.account_id), workspaceId: r.workspace_id, token,
    };
    this.apis.set(connectionId, entry);
    return entry;
  }

  /**
   * A file a bot heard (its file_id), downloaded through that bot (getFile, then the file path). A file past
   * `maxBytes`, or past the 20 MB the Bot API lets a bot download, throws FileTooBig.
   */
  async download(connectionId: string, fileId: string, maxBytes: number): Promise<Buffer> {
    const { api, token } = await this.get(connectionId);
    let f;
    try {
      f = await api.getFile(fileId);
    } catch (e) {
      if (e instanceof GrammyError && /too big/i.test(e.description)) throw new FileTooBig(fileId, null);
      throw e;
    }
    if (!f.file_path) throw new Error(`Telegram gave no path for file ${fileId}`);
    if (f.file_size && f.file_size > maxBytes) throw new FileTooBig(fileId, f.file_size);
    const res = await fetch(`${this.options.apiRoot}/file/bot${token}/${f.file_path}`, { signal: AbortSignal.timeout(this.options.timeoutMs * 3) });
    if (!res.ok) throw new Error(`downloading file ${fileId}: HTTP ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }

  forget(connectionId: string): void {
    this.apis.delete(connectionId);
  }
}

/** A file a bot may not download (the Bot API's getFile stops at 20 MB); `bytes` when Telegram said. */
export class FileTooBig extends Error {
  constructor(readonly fileId: string, readonly bytes: number | null) {
    super(`file ${fileId} is too big to download${bytes ? ` (${bytes} bytes)` : ''}`);
    this.name = 'FileTooBig';
  }
}

/** What the Bot API lets a bot download with getFile. */
export const DOWNLOAD_MAX = 20 * 2 ** 20;

/** A connection's bot token from its sealed credentials; throws when this deployment's key does not open them. */
export function openToken(secrets: SecretBox, credentials: string): string {
  return String((JSON.parse(secrets.open(credentials)) as { token: string }).token);
}

/** How long a getUpdates call waits for an update before answering with none. */
export const POLL_SECONDS = 25;

const NOTHING_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** The outbox's reading of a failed Bot API call. */
export function classify(err: unknown, timeScale: number): Error {
  if (err instanceof GrammyError) {
    const where = `Telegram ${err.method}: ${err.error_code} ${err.description}`;
    if (err.error_code === 429) return new RateLimited(Math.max(1, err.parameters.retry_after ?? 1) * 1000 / timeScale, where);
    // The chat moved: the listener records the new id from the service message; until then, try again.
    if (err.parameters.migrate_to_chat_id) return new Error(`${where} (moved to ${err.parameters.migrate_to_chat_id})`);
    if (err.error_code >= 500) return new Error(where);
    return new Refused(where);
  }
  if (err instanceof HttpError) {
    const cause = err.error as { message?: string; code?: string; name?: string; type?: string } | undefined;
    // A body that is not JSON is a front end's error page (502, 504): Telegram did nothing.
    if (cause?.name === 'SyntaxError' || cause?.type === 'invalid-json') return new Error(`${err.message}: the Bot API answered with an error page`);
    if (cause?.code && NOTHING_SENT.has(cause.code)) return new Error(`${err.message}: ${cause.code}`);
    return new Ambiguous(`${err.message}: ${cause?.message ?? 'no answer'}`);
  }
  return err instanceof Error ? err : new Error(String(err));
}
