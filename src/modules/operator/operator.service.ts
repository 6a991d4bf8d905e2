import { hash } from '@node-rs/argon2';
import type { z } from 'zod';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';
import { conflict, forbidden, invalid, notFound } from '../../kernel/errors.ts';
import { recordAudit } from '../audit/index.ts';
import { canGrant } from './permissions.ts';
import { parseScope, scopeWithin } from './scope.ts';
import type { Operator, OperatorCreateSchema, OperatorUpdateSchema } from './operator.schema.ts';
import { iso } from '../../kernel/clock.ts';


export const toOperator = (r: Database['operators']): Operator => ({
  id: r.id,
  email: r.email,
  name: r.name,
  role: r.role as Operator['role'],
  scope: parseScope(r.scope),
  disabled: r.disabled === 1,
  createdAt: iso(r.created_at),
});

export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function listOperators(ctx: Ctx): Promise<Operator[]> {
  ctx.authorize('operator.read');
  const rows = await ctx.tdb.selectFrom('operators').selectAll().orderBy('created_at').orderBy('id').execute();
  return rows.map(toOperator);
}

export async function getOperator(ctx: Ctx, id: string): Promise<Operator> {
  ctx.authorize('operator.read');
  const r = await ctx.tdb.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('operator', id);
  return toOperator(r);
}

export async function createOperator(ctx: Ctx, input: z.infer<typeof OperatorCreateSchema>): Promise<Operator> {
  ctx.authorize('operator.manage');
  if (!canGrant(ctx.actor.role, input.role)) throw forbidden(`granting the ${input.role} role`);
  if (!scopeWithin(input.scope, ctx.actor.scope)) throw forbidden('granting a scope wider than your own');
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return ctx.transaction(async (tx) => {
    const exists = await tx.tdb.selectFrom('operators').select('id').where('email', '=', input.email).executeTakeFirst();
    if (exists) throw conflict(`An operator with e-mail ${input.email} already exists`, { field: 'email' });
    const now = tx.clock.now();
    const row = {
      id: tx.ids.next('op'),
      email: input.email,
      name: input.name,
      role: input.role,
      password_hash: passwordHash,
      scope: input.scope ? JSON.stringify(input.scope) : null,
      disabled: 0,
      created_at: now,
      updated_at: now,
    };
    await tx.tdb.insertInto('operators', row).execute();
    await recordAudit(tx, 'operator.create', { type: 'operator', id: row.id }, { email: row.email, role: row.role });
    return toOperator({ ...row, workspace_id: tx.workspaceId });
  });
}

export async function updateOperator(ctx: Ctx, id: string, input: z.infer<typeof OperatorUpdateSchema>): Promise<Operator> {
  ctx.authorize('operator.manage');
  if (input.role && !canGrant(ctx.actor.role, input.role)) throw forbidden(`granting the ${input.role} role`);
  if (input.scope !== undefined && !scopeWithin(input.scope, ctx.actor.scope)) throw forbidden('granting a scope wider than your own');
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  return ctx.transaction(async (tx) => {
    const current = await tx.tdb.selectFrom('operators').selectAll().where('id', '=', id).executeTakeFirst();
    if (!current) throw notFound('operator', id);
    if (!canGrant(tx.actor.role, current.role as Operator['role'])) throw forbidden(`changing an operator with the ${current.role} role`);
    if (!scopeWithin(parseScope(current.scope), tx.actor.scope)) throw forbidden('changing an operator whose scope is wider than your own');
    const demotesOwner = current.role === 'owner' && ((input.role && input.role !== 'owner') || input.disabled === true);
    if (demotesOwner) await assertAnotherOwner(tx, id);
    const patch: Partial<Database['operators']> = { updated_at: tx.clock.now() };
    if (input.name !== undefined) patch.name = input.name;
    if (input.role !== undefined) patch.role = input.role;
    if (input.scope !== undefined) patch.scope = input.scope ? JSON.stringify(input.scope) : null;
    if (input.disabled !== undefined) patch.disabled = input.disabled ? 1 : 0;
    if (passwordHash) patch.password_hash = passwordHash;
    await tx.tdb.updateTable('operators').set(patch).where('id', '=', id).execute();
    if (input.disabled || passwordHash) await tx.tdb.deleteFrom('sessions').where('operator_id', '=', id).execute();
    // A disabled operator's automation stops with them: the tokens they created are revoked too.
    let revokedTokens = 0;
    if (input.disabled) {
      const r = await tx.tdb.updateTable('api_tokens').set({ revoked_at: tx.clock.now() }).where('created_by', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
      revokedTokens = Number(r.numUpdatedRows);
    }
    const { password: _omit, ...logged } = input;
    await recordAudit(tx, input.disabled && current.disabled === 0 ? 'operator.disable' : 'operator.update', { type: 'operator', id }, { ...logged, passwordChanged: !!passwordHash, ...(revokedTokens ? { revokedTokens } : {}) });
    return toOperator({ ...current, ...patch });
  });
}

async function assertAnotherOwner(ctx: Ctx, exceptId: string) {
  const owners = await ctx.tdb
    .selectFrom('operators')
    .select('id')
    .where('role', '=', 'owner')
    .where('disabled', '=', 0)
    .where('id', '!=', exceptId)
    .limit(1)
    .execute();
  if (owners.length === 0) throw invalid([{ field: 'role', reason: 'the workspace must keep at least one active owner' }]);
}

export async function deleteOperator(ctx: Ctx, id: string): Promise<void> {
  // Operators are disabled, not deleted, so the audit log keeps naming them.
  await updateOperator(ctx, id, { disabled: true });
}

/** The signed-in operator's own record: every role may read itself. */
export async function getSelf(ctx: Ctx): Promise<Operator | null> {
  if (ctx.actor.kind !== 'operator' || !ctx.actor.id) return null;
  const r = await ctx.tdb.selectFrom('operators').selectAll().where('id', '=', ctx.actor.id).executeTakeFirst();
  return r ? toOperator(r) : null;
}
