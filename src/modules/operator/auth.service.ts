// Sign-in, sessions and API tokens. Secrets are random; only their SHA-256 is stored.
import { createHash, randomBytes } from 'node:crypto';
import { verify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Ctx, Actor } from '../../kernel/context.ts';
import type { Clock, IdGenerator } from '../../kernel/clock.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { ShequnError, forbidden, notFound } from '../../kernel/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { canGrant, type Role } from './permissions.ts';
import { parseScope, scopeWithin } from './scope.ts';
import { hashPassword, toOperator } from './operator.service.ts';
import type { ApiToken, Operator, TokenCreateSchema } from './operator.schema.ts';
import { iso } from '../../kernel/clock.ts';

export const SESSION_TTL_MS = 7 * 24 * 3600_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const secret = (bytes = 32) => randomBytes(bytes).toString('base64url');

// Verifying against a real hash when the e-mail is unknown keeps sign-in timing uniform.
let decoyHash: Promise<string> | undefined;

export interface Principal {
  workspaceId: string;
  actor: Actor;
  /** Present for cookie sessions, which must echo it in X-CSRF-Token on writes. */
  csrfToken?: string;
}

export async function signIn(
  db: Kysely<Database>,
  deps: { clock: Clock; ids: IdGenerator },
  input: { email: string; password: string; workspace?: string | undefined },
): Promise<{ sessionToken: string; csrfToken: string; operator: Operator; workspaceId: string; expiresAt: number }> {
  let q = db
    .selectFrom('operators')
    .innerJoin('workspaces', 'workspaces.id', 'operators.workspace_id')
    .selectAll('operators')
    .where('operators.email', '=', input.email)
    .where('operators.disabled', '=', 0);
  if (input.workspace) q = q.where('workspaces.slug', '=', input.workspace);
  const candidates = await q.limit(2).execute();
  const op = candidates.length === 1 ? candidates[0] : undefined;
  decoyHash ??= hashPassword(secret());
  const ok = await verify(op?.password_hash ?? (await decoyHash), input.password);
  if (candidates.length > 1) {
    throw new ShequnError('validation.failed', 'This e-mail has accounts in several workspaces; name the workspace', {}, [
      { field: 'workspace', reason: 'required: the e-mail belongs to several workspaces' },
    ]);
  }
  if (!op || !op.password_hash || !ok) throw new ShequnError('auth.invalid_credentials', 'E-mail or password is wrong');
  const sessionToken = secret();
  const csrfToken = secret(24);
  const now = deps.clock.now();
  await db
    .insertInto('sessions')
    .values({
      id: sha256(sessionToken),
      workspace_id: op.workspace_id,
      operator_id: op.id,
      csrf_token: csrfToken,
      created_at: now,
      expires_at: now + SESSION_TTL_MS,
    })
    .execute();
  await db
    .insertInto('audit_log')
    .values({
      id: deps.ids.next('aud'), workspace_id: op.workspace_id, at: now, actor_type: 'operator', actor_id: op.id,
      actor_name: op.name, action: 'auth.sign_in', target_type: 'operator', target_id: op.id, detail: '{}',
    })
    .execute();
  return { sessionToken, csrfToken, operator: toOperator(op), workspaceId: op.workspace_id, expiresAt: now + SESSION_TTL_MS };
}

export async function signOut(db: Kysely<Database>, deps: { clock: Clock; ids: IdGenerator }, sessionToken: string): Promise<void> {
  const id = sha256(sessionToken);
  await db.transaction().execute(async (trx) => {
    const s = await trx
      .selectFrom('sessions')
      .innerJoin('operators', 'operators.id', 'sessions.operator_id')
      .select(['sessions.workspace_id', 'operators.id', 'operators.name'])
      .where('sessions.id', '=', id)
      .executeTakeFirst();
    if (!s) return;
    await trx.deleteFrom('sessions').where('id', '=', id).execute();
    await trx
      .insertInto('audit_log')
      .values({
        id: deps.ids.next('aud'), workspace_id: s.workspace_id, at: deps.clock.now(), actor_type: 'operator', actor_id: s.id,
        actor_name: s.name, action: 'auth.sign_out', target_type: 'operator', target_id: s.id, detail: '{}',
      })
      .execute();
  });
}

export async function principalFromSession(db: Kysely<Database>, clock: Clock, sessionToken: string): Promise<Principal | null> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('operators', 'operators.id', 'sessions.operator_id')
    .select(['sessions.csrf_token', 'sessions.expires_at', 'sessions.workspace_id', 'operators.id', 'operators.name', 'operators.role', 'operators.scope', 'operators.disabled'])
    .where('sessions.id', '=', sha256(sessionToken))
    .executeTakeFirst();
  if (!row || row.disabled === 1 || Number(row.expires_at) <= clock.now()) return null;
  return {
    workspaceId: row.workspace_id,
    csrfToken: row.csrf_token,
    actor: { kind: 'operator', id: row.id, name: row.name, role: row.role as Role, scope: parseScope(row.scope) },
  };
}

export async function principalFromToken(db: Kysely<Database>, clock: Clock, token: string): Promise<Principal | null> {
  const row = await db.selectFrom('api_tokens').selectAll().where('token_hash', '=', sha256(token)).executeTakeFirst();
  if (!row || row.revoked_at !== null) return null;
  const now = clock.now();
  // Recording use at most once a minute keeps hot automation from writing on every request.
  if (!row.last_used_at || now - Number(row.last_used_at) > 60_000) {
    await db.updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
  }
  return {
    workspaceId: row.workspace_id,
    actor: { kind: 'token', id: row.id, name: `token:${row.name}`, role: row.role as Role, scope: parseScope(row.scope) },
  };
}

const toToken = (r: Database['api_tokens']): ApiToken => ({
  id: r.id,
  name: r.name,
  role: r.role as Role,
  scope: parseScope(r.scope),
  createdAt: iso(r.created_at),
  lastUsedAt: r.last_used_at === null ? null : iso(r.last_used_at),
  revokedAt: r.revoked_at === null ? null : iso(r.revoked_at),
});

export async function createToken(ctx: Ctx, input: z.infer<typeof TokenCreateSchema>): Promise<{ token: string; apiToken: ApiToken }> {
  ctx.authorize('token.manage');
  if (!canGrant(ctx.actor.role, input.role)) throw forbidden(`granting the ${input.role} role`);
  if (!scopeWithin(input.scope, ctx.actor.scope)) throw forbidden('granting a scope wider than your own');
  const token = `shq_${secret()}`;
  return ctx.transaction(async (tx) => {
    const row = {
      id: tx.ids.next('tok'),
      name: input.name,
      role: input.role,
      scope: input.scope ? JSON.stringify(input.scope) : null,
      token_hash: sha256(token),
      created_by: tx.actor.id,
      created_at: tx.clock.now(),
      last_used_at: null,
      revoked_at: null,
    };
    await tx.tdb.insertInto('api_tokens', row).execute();
    await recordAudit(tx, 'token.create', { type: 'token', id: row.id }, { name: row.name, role: row.role });
    return { token, apiToken: toToken({ ...row, workspace_id: tx.workspaceId }) };
  });
}

export async function listTokens(ctx: Ctx): Promise<ApiToken[]> {
  ctx.authorize('token.manage');
  const rows = await ctx.tdb.selectFrom('api_tokens').selectAll().orderBy('created_at', 'desc').orderBy('id').execute();
  return rows.map(toToken);
}

export async function revokeToken(ctx: Ctx, id: string): Promise<void> {
  ctx.authorize('token.manage');
  await ctx.transaction(async (tx) => {
    const r = await tx.tdb.selectFrom('api_tokens').select(['id', 'revoked_at', 'scope']).where('id', '=', id).executeTakeFirst();
    if (!r) throw notFound('token', id);
    if (!scopeWithin(parseScope(r.scope), tx.actor.scope)) throw forbidden('revoking a token wider than your own scope');
    if (r.revoked_at === null) {
      await tx.tdb.updateTable('api_tokens').set({ revoked_at: tx.clock.now() }).where('id', '=', id).execute();
      await recordAudit(tx, 'token.revoke', { type: 'token', id });
    }
  });
}
