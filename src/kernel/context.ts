// The context every service call receives: who acts, in which workspace, with which ports.
import type { Logger } from './logger.ts';
import type { Clock, IdGenerator } from './clock.ts';
import type { TenantDb } from './db/tenant.ts';
import { forbidden } from './errors.ts';
import { can, type Permission, type Role } from '../modules/operator/permissions.ts';
import { resolveVisibility, type Scope, type Visibility } from '../modules/operator/scope.ts';

export interface Actor {
  kind: 'operator' | 'token' | 'cli' | 'system';
  id: string | null;
  name: string;
  role: Role;
  scope: Scope | null;
}

export class Ctx {
  private visibilityCache?: Promise<Visibility>;

  constructor(
    readonly tdb: TenantDb,
    readonly actor: Actor,
    readonly clock: Clock,
    readonly ids: IdGenerator,
    readonly log: Logger,
  ) {}

  get workspaceId(): string {
    return this.tdb.workspaceId;
  }

  authorize(permission: Permission): void {
    if (!can(this.actor.role, permission)) throw forbidden(permission);
  }

  visibility(): Promise<Visibility> {
    this.visibilityCache ??= resolveVisibility(this.tdb, this.actor.scope);
    return this.visibilityCache;
  }

  /** The same actor inside a transaction. */
  with(tdb: TenantDb): Ctx {
    const c = new Ctx(tdb, this.actor, this.clock, this.ids, this.log);
    c.visibilityCache = this.visibilityCache;
    return c;
  }

  async transaction<R>(fn: (ctx: Ctx) => Promise<R>): Promise<R> {
    return this.tdb.transaction((tdb) => fn(this.with(tdb)));
  }
}
