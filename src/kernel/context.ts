// The context every service call receives: who acts, in which workspace, with which ports.
import type { Logger } from './logger.ts';
import type { Clock, IdGenerator } from './clock.ts';
import type { TenantDb } from './db/tenant.ts';
import { noEvents, type DomainEvent, type EventPublisher } from './events.ts';
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
  /** Events emitted inside the current transaction, published when it commits. */
  private outbox?: DomainEvent[];

  constructor(
    readonly tdb: TenantDb,
    readonly actor: Actor,
    readonly clock: Clock,
    readonly ids: IdGenerator,
    readonly log: Logger,
    readonly events: EventPublisher = noEvents,
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
    const c = new Ctx(tdb, this.actor, this.clock, this.ids, this.log, this.events);
    c.visibilityCache = this.visibilityCache;
    c.outbox = this.outbox;
    return c;
  }

  /** Announces domain events: at once outside a transaction, after the commit inside one (never on rollback). */
  emit(...events: DomainEvent[]): void {
    if (this.outbox) this.outbox.push(...events);
    else if (events.length) this.events.publish(events);
  }

  async transaction<R>(fn: (ctx: Ctx) => Promise<R>): Promise<R> {
    if (this.outbox) return this.tdb.transaction((tdb) => fn(this.with(tdb)));
    const outbox: DomainEvent[] = [];
    const result = await this.tdb.transaction((tdb) => {
      const c = this.with(tdb);
      c.outbox = outbox;
      return fn(c);
    });
    if (outbox.length) this.events.publish(outbox);
    return result;
  }
}
