// Connections to external platforms: an operator hands over a bot's credentials, the platform is asked who
// that account is (a bad token is refused at once, with the platform's words), and the credentials are kept
// sealed. They are opened only by the connector that uses them; the API never returns them.
import { z } from 'zod';
import { iso } from '../../kernel/clock.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { conflict, notFound } from '../../kernel/errors.ts';
import type { SecretBox } from '../../kernel/secrets.ts';
import { recordAudit } from '../audit/index.ts';

export const connectionPlatforms = ['telegram'] as const;
export type ConnectionPlatform = (typeof connectionPlatforms)[number];

export const ConnectionCreateSchema = z
  .object({
    platform: z.enum(connectionPlatforms),
    /** What operators call it; the bot's own name when absent. */
    name: z.string().trim().min(1).max(100).optional(),
    /** The bot token from @BotFather (`123456:ABC…`). */
    token: z.string().trim().min(1).max(200),
  })
  .strict();

export const ConnectionSchema = z.object({
  id: z.string(),
  platform: z.enum(connectionPlatforms),
  name: z.string(),
  accountId: z.string(),
  handle: z.string().nullable(),
  /** The token's first and last characters, to tell bots apart without showing the token. */
  tokenHint: z.string(),
  status: z.enum(['active', 'failing']),
  lastError: z.string().nullable(),
  checkedAt: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
});
export type Connection = z.infer<typeof ConnectionSchema>;

/** Who the platform says an account is; throws a ShequnError naming `token` when it refuses the credentials. */
export interface AccountCheck {
  (platform: ConnectionPlatform, token: string): Promise<{ accountId: string; handle: string | null; name: string }>;
}

/**
 * What a platform needs once an account is connected or checked (a Telegram bot in webhook mode: its webhook
 * pointed at this server). Throws with the reason, which becomes the connection's lastError.
 */
export interface AccountAttach {
  (connection: { id: string; platform: ConnectionPlatform; accountId: string; token: string }): Promise<void>;
}

/** Undoes AccountAttach for an account being disconnected, while its credentials still exist. */
export interface AccountDetach {
  (connection: { id: string; platform: ConnectionPlatform; token: string }): Promise<void>;
}

const hint = (token: string) => (token.length > 12 ? `${token.slice(0, 6)}…${token.slice(-4)}` : '…');

/** The stored token; throws when the deployment's key no longer opens it. */
const tokenOf = (r: Database['connections'], secrets: SecretBox) => String((JSON.parse(secrets.open(r.credentials)) as { token: string }).token);

function toConnection(r: Database['connections'], secrets: SecretBox): Connection {
  let tokenHint = '…';
  try {
    tokenHint = hint(tokenOf(r, secrets));
  } catch {
    // A key that no longer opens it: the status tells the operator to connect again.
  }
  return {
    id: r.id, platform: r.platform as ConnectionPlatform, name: r.name, accountId: r.account_id, handle: r.handle, tokenHint,
    status: r.status as Connection['status'], lastError: r.last_error, checkedAt: r.checked_at === null ? null : iso(r.checked_at),
    createdBy: r.created_by, createdAt: iso(r.created_at),
  };
}

const reasonOf = (e: unknown) => ((e as { errors?: { reason: string }[] }).errors?.[0]?.reason ?? (e as Error).message).slice(0, 500);

export async function addConnection(ctx: Ctx, input: z.infer<typeof ConnectionCreateSchema>, deps: { secrets: SecretBox; check: AccountCheck; attach?: AccountAttach | undefined }): Promise<Connection> {
  ctx.authorize('connection.manage');
  const account = await deps.check(input.platform, input.token);
  const added = await ctx.transaction(async (tx) => {
    const taken = await tx.tdb.selectFrom('connections').select('id').where('platform', '=', input.platform).where('account_id', '=', account.accountId).executeTakeFirst();
    if (taken) throw conflict(`this ${input.platform} account (${account.handle ?? account.accountId}) is already connected as ${taken.id}`, { id: taken.id });
    const now = tx.clock.now();
    const row = {
      id: tx.ids.next('con'), platform: input.platform, name: input.name ?? account.name, account_id: account.accountId, handle: account.handle,
      credentials: deps.secrets.seal(JSON.stringify({ token: input.token })), status: 'active', last_error: null, checked_at: now,
      created_by: tx.actor.name, created_at: now, updated_at: now, poll_offset: null,
    };
    await tx.tdb.insertInto('connections', row).execute();
    await recordAudit(tx, 'connection.add', { type: 'connection', id: row.id }, { platform: row.platform, accountId: row.account_id, handle: row.handle });
    return { ...row, workspace_id: tx.workspaceId };
  });
  if (deps.attach) {
    // After the commit: the account is connected either way, failing with the reason when the platform
    // refuses what attaching asks (an operator fixes the deployment, then checks it again).
    try {
      await deps.attach({ id: added.id, platform: input.platform, accountId: added.account_id, token: input.token });
    } catch (e) {
      const failing = { status: 'failing', last_error: reasonOf(e), checked_at: ctx.clock.now(), updated_at: ctx.clock.now() };
      await ctx.tdb.updateTable('connections').set(failing).where('id', '=', added.id).execute();
      return toConnection({ ...added, ...failing }, deps.secrets);
    }
  }
  return toConnection(added, deps.secrets);
}

export async function listConnections(ctx: Ctx, secrets: SecretBox): Promise<Connection[]> {
  ctx.authorize('group.read');
  return (await ctx.tdb.selectFrom('connections').selectAll().orderBy('created_at').orderBy('id').execute()).map((r) => toConnection(r, secrets));
}

async function row(ctx: Ctx, id: string) {
  const r = await ctx.tdb.selectFrom('connections').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('connection', id);
  return r;
}

export async function getConnection(ctx: Ctx, id: string, secrets: SecretBox): Promise<Connection> {
  ctx.authorize('group.read');
  return toConnection(await row(ctx, id), secrets);
}

/** Asks the platform again whether the credentials work, and keeps the answer as the connection's health. */
export async function checkConnection(ctx: Ctx, id: string, deps: { secrets: SecretBox; check: AccountCheck; attach?: AccountAttach | undefined }): Promise<Connection> {
  ctx.authorize('connection.manage');
  const r = await row(ctx, id);
  let status = 'active';
  let lastError: string | null = null;
  try {
    const token = tokenOf(r, deps.secrets);
    const account = await deps.check(r.platform as ConnectionPlatform, token);
    if (account.accountId !== r.account_id) throw new Error(`the token now belongs to another account (${account.accountId})`);
    await deps.attach?.({ id, platform: r.platform as ConnectionPlatform, accountId: r.account_id, token });
  } catch (e) {
    status = 'failing';
    lastError = reasonOf(e);
  }
  const now = ctx.clock.now();
  await ctx.tdb.updateTable('connections').set({ status, last_error: lastError, checked_at: now, updated_at: now }).where('id', '=', id).execute();
  return toConnection({ ...r, status, last_error: lastError, checked_at: now }, deps.secrets);
}

export async function removeConnection(ctx: Ctx, id: string, deps: { secrets?: SecretBox; detach?: AccountDetach | undefined } = {}): Promise<void> {
  ctx.authorize('connection.manage');
  if (deps.detach && deps.secrets) {
    const r = await row(ctx, id);
    // Best effort: the operator wants the account gone, and a platform that cannot be reached now must not keep it.
    try {
      await deps.detach({ id, platform: r.platform as ConnectionPlatform, token: tokenOf(r, deps.secrets) });
    } catch (err) {
      ctx.log.warn({ err, connectionId: id }, 'connection: undoing what connecting set up failed; removing it anyway');
    }
  }
  await ctx.transaction(async (tx) => {
    const r = await row(tx, id);
    await tx.tdb.deleteFrom('connections').where('id', '=', id).execute();
    await recordAudit(tx, 'connection.remove', { type: 'connection', id }, { platform: r.platform, accountId: r.account_id });
  });
}

/**
 * Since when Shequn hears every message of a connected group, or null when it does not: a bot of ours is an
 * admin there (Telegram sends an admin bot every message; a bot in privacy mode gets only commands and the
 * replies to it). The time is the link's last change, so silence is counted only from when all was heard.
 */
export async function hearsAllSince(ctx: Ctx, groupId: string): Promise<number | null> {
  const r = await ctx.tdb.selectFrom('group_links').select((eb) => eb.fn.min<number>('updated_at').as('since'))
    .where('group_id', '=', groupId).where('status', '=', 'admin').executeTakeFirst();
  return r?.since === null || r?.since === undefined ? null : Number(r.since);
}
