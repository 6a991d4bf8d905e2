// The action side of the connector contract: what the outbox asks a platform to do to a group. Every
// connector declares what it can do (its capability matrix) and how fast (its rate limits); an action a
// platform cannot do is refused with a reason (the outbox marks it failed), never dropped silently.
// The event side (a platform's messages, joins, leaves… becoming activities) is each connector's own
// listener: it writes activities keyed by the platform's ids, so hearing the same event twice is a no-op.
import type { Ctx } from '../../kernel/context.ts';
import type { RateLimits } from './limiter.ts';

export const outboxActions = [
  'send', 'warn', 'mute', 'unmute', 'remove', 'restore', 'blacklist', 'unblacklist',
  'recall', 'edit', 'mute_all', 'unmute_all', 'set_name', 'set_announcement', 'approve_join', 'reject_join',
] as const;
export type OutboxAction = (typeof outboxActions)[number];

export interface GroupAction {
  /** The outbox row: a connector may use it as the platform's idempotency key. */
  id: string;
  action: OutboxAction;
  groupId: string | null;
  memberId: string | null;
  payload: Record<string, unknown>;
  reason: string | null;
  /** The account (a bot's connection) chosen to carry it out, and the group's address for it; remote connectors only. */
  account?: string;
  address?: string;
  /**
   * What earlier actions left on the platform, by the name the payload gave them (`payload.refs`):
   * `{ replyTo: '<platform message id>' }`. Null when the earlier action left nothing (it failed).
   */
  refs: Record<string, string | null>;
}

/** Where a remote connector can act on a group: an account (a bot) in it and the chat's address for that account. */
export interface Seat {
  account: string;
  address: string;
}

export interface Connector {
  platform: string;
  capabilities: ReadonlySet<OutboxAction>;
  /** The platform's rate limits, per account and per group: the outbox holds an action back until it fits them. */
  limits?: RateLimits;
  /**
   * `local` (the built-in community): carried out inside the outbox's transaction, so it happens exactly once.
   * `remote`: across a network. The outbox claims the row with a lease, calls the platform outside any
   * transaction and records the answer; an answer never received leaves the outcome unknown (`Ambiguous`).
   */
  kind: 'local' | 'remote';
  /** Remote connectors: the seats that can act on each group, best first (a pool of bots shares the load). */
  seats?(ctx: Ctx, groupIds: string[]): Promise<Map<string, Seat[]>>;
  /**
   * Carries out the action. Returns what the platform gave back: `ref` is its id for what was made (a
   * message id), kept for replies, edits and recalls; the rest is kept for undoing.
   */
  perform(ctx: Ctx, action: GroupAction): Promise<({ ref?: string } & Record<string, unknown>) | void>;
}

/** The platform will never do this (no rights, no such chat, bad request): the action fails at once with the platform's words. */
export class Refused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Refused';
  }
}

/** The call may or may not have taken effect (a timeout): retried, and counted as ambiguous. */
export class Ambiguous extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Ambiguous';
  }
}
