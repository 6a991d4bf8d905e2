export { enqueue, promoteNext, undoAction, listActions, toEntry, PARKED, type Enqueue, type OutboxEntry } from './outbox.ts';
export { outboxWorker, type Worker } from './worker.ts';
export { outboxActions, Refused, Ambiguous, type Connector, type GroupAction, type OutboxAction, type Seat } from './connector.ts';
export { Limiter, RateLimited, limitKeys, type RateLimits, type Window, type Slots } from './limiter.ts';
