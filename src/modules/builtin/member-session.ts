// Member sessions of the member web app. A session is a device's key to the built-in community: it is
// opened by the first join through an invite, is bound to the member once admitted (an applicant waits
// with an unbound one) and lets the same person join more groups as the same member. Only the token's
// SHA-256 is stored.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Clock } from '../../kernel/clock.ts';
import type { Ctx } from '../../kernel/context.ts';
import type { Database } from '../../kernel/db/schema.ts';

/** The member app's session cookie (not the operators': one browser may hold both). */
export const MEMBER_COOKIE = 'shequn_member';
export const MEMBER_SESSION_TTL_MS = 180 * 24 * 3600_000;
/** How stale `last_seen_at` may get before a request refreshes it (and slides the expiry). */
const TOUCH_AFTER_MS = 3600_000;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const secret = () => randomBytes(32).toString('base64url');

export interface MemberSession {
  id: string;
  workspaceId: string;
  memberId: string | null;
  csrfToken: string;
}

/** Opens a session in the workspace; the token goes to the device (a cookie) and is never stored. */
export async function openMemberSession(ctx: Ctx): Promise<{ token: string; session: MemberSession }> {
  const token = secret();
  const now = ctx.clock.now();
  const row = { id: sha256(token), member_id: null, csrf_token: secret(), created_at: now, last_seen_at: now, expires_at: now + MEMBER_SESSION_TTL_MS, revoked_at: null };
  await ctx.tdb.insertInto('member_sessions', row).execute();
  return { token, session: { id: row.id, workspaceId: ctx.workspaceId, memberId: null, csrfToken: row.csrf_token } };
}

/** The live session behind a token, or null (unknown, expired, revoked, or its member was deleted). */
export async function memberSessionFrom(db: Kysely<Database>, clock: Clock, token: string): Promise<MemberSession | null> {
  if (!token || token.length > 200) return null;
  const id = sha256(token);
  const r = await db.selectFrom('member_sessions').selectAll().where('id', '=', id).executeTakeFirst();
  const now = clock.now();
  if (!r || r.revoked_at !== null || Number(r.expires_at) <= now) return null;
  if (r.member_id) {
    const m = await db.selectFrom('members').select('id').where('workspace_id', '=', r.workspace_id).where('id', '=', r.member_id).executeTakeFirst();
    if (!m) return null;
  }
  if (now - Number(r.last_seen_at) > TOUCH_AFTER_MS) {
    await db.updateTable('member_sessions').set({ last_seen_at: now, expires_at: now + MEMBER_SESSION_TTL_MS }).where('id', '=', id).execute();
  }
  return { id, workspaceId: r.workspace_id, memberId: r.member_id, csrfToken: r.csrf_token };
}

/** Binds an unbound session to the member it was waiting for (an approved applicant). */
export async function bindMemberSession(ctx: Ctx, sessionId: string, memberId: string): Promise<void> {
  await ctx.tdb.updateTable('member_sessions').set({ member_id: memberId }).where('id', '=', sessionId).where('member_id', 'is', null).execute();
}

export async function endMemberSession(db: Kysely<Database>, clock: Clock, token: string): Promise<void> {
  await db.updateTable('member_sessions').set({ revoked_at: clock.now() }).where('id', '=', sha256(token)).where('revoked_at', 'is', null).execute();
}

/** Ends every session of a member (an operator removed or blacklisted them, or deleted the member). */
export async function endSessionsOf(ctx: Ctx, memberId: string): Promise<void> {
  await ctx.tdb.updateTable('member_sessions').set({ revoked_at: ctx.clock.now() }).where('member_id', '=', memberId).where('revoked_at', 'is', null).execute();
}
