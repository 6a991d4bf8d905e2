// The domain's outbound event port. Services announce what happened (an activity was created, …) through
// ctx.emit(); the edge that cares (the real-time hub) plugs in a publisher. Domain code never knows who
// listens, nor that WebSockets exist. Events emitted inside a transaction are published only after it commits.

export interface DomainEvent {
  /** e.g. `activity.created`. */
  type: string;
  workspaceId: string;
  groupId?: string;
  /** Resume point in the group's stream (an activity cursor, see cursor.ts). */
  cursor?: string;
  /** The full event, for the group's subscribers. */
  data: Record<string, unknown>;
  /** A compact form for workspace-wide listeners (the console's live feed); `data` when absent. */
  summary?: Record<string, unknown>;
  /** What the group's members may see of it (the member app's chat), when they see it at all. */
  chat?: Record<string, unknown>;
}

export interface EventPublisher {
  /** Must not throw: a failing listener never fails the write that caused the event. */
  publish(events: readonly DomainEvent[]): void;
}

export const noEvents: EventPublisher = { publish() {} };

/** One publisher that hands every event to each of `publishers` in turn. */
export function fanOut(...publishers: EventPublisher[]): EventPublisher {
  return { publish: (events) => publishers.forEach((p) => p.publish(events)) };
}
