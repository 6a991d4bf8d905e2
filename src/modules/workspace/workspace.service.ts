import type { Kysely } from 'kysely';
import type { Database } from '../../kernel/db/schema.ts';
import type { Clock, IdGenerator } from '../../kernel/clock.ts';
import { notFound } from '../../kernel/errors.ts';
import { iso } from '../../kernel/clock.ts';

export interface Workspace {
  id: string;
  slug: string;
  name: string;
  createdAt: string;
}

export const DEFAULT_WORKSPACE_SLUG = 'default';

const toWorkspace = (r: Database['workspaces']): Workspace => ({
  id: r.id,
  slug: r.slug,
  name: r.name,
  createdAt: iso(r.created_at),
});

export async function findWorkspaceBySlug(db: Kysely<Database>, slug: string): Promise<Workspace | undefined> {
  const r = await db.selectFrom('workspaces').selectAll().where('slug', '=', slug).executeTakeFirst();
  return r && toWorkspace(r);
}

export async function getWorkspace(db: Kysely<Database>, id: string): Promise<Workspace> {
  const r = await db.selectFrom('workspaces').selectAll().where('id', '=', id).executeTakeFirst();
  if (!r) throw notFound('workspace', id);
  return toWorkspace(r);
}

/** Creates the workspace if its slug is new; returns it and whether it was created. */
export async function ensureWorkspace(
  db: Kysely<Database>,
  deps: { clock: Clock; ids: IdGenerator },
  slug: string,
  name: string,
): Promise<{ workspace: Workspace; created: boolean }> {
  const existing = await findWorkspaceBySlug(db, slug);
  if (existing) return { workspace: existing, created: false };
  const row = { id: deps.ids.next('ws'), slug, name, settings: '{}', created_at: deps.clock.now() };
  await db.insertInto('workspaces').values(row).onConflict((oc) => oc.column('slug').doNothing()).execute();
  const ws = await findWorkspaceBySlug(db, slug);
  if (!ws) throw new Error(`workspace ${slug} could not be created`);
  return { workspace: ws, created: ws.id === row.id };
}
