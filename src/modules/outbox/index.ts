export { enqueue, outboxWorker, undoAction, listActions, toEntry, type Enqueue, type OutboxEntry, type Worker } from './outbox.ts';
export { outboxActions, type Connector, type GroupAction, type OutboxAction } from './connector.ts';
export { Limiter, RateLimited, limitKeys, type RateLimits, type Window } from './limiter.ts';
