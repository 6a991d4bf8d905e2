// The action side of the connector contract: what the outbox asks a platform to do to a group. Every
// connector declares what it can do; an action a platform cannot do is refused with a reason (the outbox
// marks it failed), never dropped silently. The relay and connectors work adds sending media, replies,
// announcements and names to the same interface.
import type { Ctx } from '../../kernel/context.ts';
import type { RateLimits } from './limiter.ts';

export const outboxActions = ['send', 'warn', 'mute', 'unmute', 'remove', 'restore', 'blacklist', 'unblacklist'] as const;
export type OutboxAction = (typeof outboxActions)[number];

export interface GroupAction {
  /** The outbox row: a connector may use it as the platform's idempotency key. */
  id: string;
  action: OutboxAction;
  groupId: string | null;
  memberId: string | null;
  payload: Record<string, unknown>;
  reason: string | null;
}

export interface Connector {
  platform: string;
  capabilities: ReadonlySet<OutboxAction>;
  /** The platform's rate limits: the outbox holds an action back until it fits them, rather than be refused. */
  limits?: RateLimits;
  /** Carries out the action inside the outbox's transaction; may return what undoing it needs. */
  perform(ctx: Ctx, action: GroupAction): Promise<Record<string, unknown> | void>;
}
