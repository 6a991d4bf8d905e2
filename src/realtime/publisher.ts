// The bridge from the domain's event port (src/kernel/events.ts) to the PubSub: a group's events go to
// `group:<id>` whole, what members may see of them to `chat:<id>`, and a compact summary of every event
// goes to `workspace:<id>`.
import type { DomainEvent, EventPublisher } from '../kernel/events.ts';
import type { Logger } from '../kernel/logger.ts';
import type { PubSub, RealtimeEvent } from './pubsub.ts';

export function pubSubPublisher(pubsub: PubSub, log?: Logger): EventPublisher {
  return {
    publish(events: readonly DomainEvent[]) {
      for (const e of events) {
        try {
          const base = { type: e.type, workspaceId: e.workspaceId, ...(e.groupId ? { groupId: e.groupId } : {}), ...(e.cursor ? { cursor: e.cursor } : {}) };
          if (e.groupId) pubsub.publish(`group:${e.groupId}`, { ...base, data: e.data } satisfies RealtimeEvent);
          if (e.groupId && e.chat) pubsub.publish(`chat:${e.groupId}`, { ...base, type: e.type === 'activity.created' ? 'chat.item' : e.type, data: e.chat } satisfies RealtimeEvent);
          pubsub.publish(`workspace:${e.workspaceId}`, { ...base, data: e.summary ?? e.data } satisfies RealtimeEvent);
        } catch (err) {
          // A listener's failure never fails (or undoes) the write that caused the event.
          log?.error({ err, type: e.type }, 'publishing a real-time event failed');
        }
      }
    },
  };
}
