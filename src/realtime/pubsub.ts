// Real-time events travel over a PubSub: in-process by default, backed by Redis (or NATS) when several
// nodes serve one workspace. Publishers never know who listens; the WebSocket hub subscribes per channel.

/**
 * Channels: `workspace:<id>` for the console, `group:<id>` for everything of one group (operators), and
 * `chat:<id>` for what the group's members see of it (the member app).
 */
export type Channel = `workspace:${string}` | `group:${string}` | `chat:${string}`;

export interface RealtimeEvent {
  /** e.g. `message.created`, `member.joined`, `application.created`, `membership.muted`. */
  type: string;
  workspaceId: string;
  groupId?: string;
  /** Resume point: an activity cursor (see src/kernel/cursor.ts) when the event comes from an activity. */
  cursor?: string;
  data: Record<string, unknown>;
}

export type Unsubscribe = () => void;

export interface PubSub {
  publish(channel: Channel, event: RealtimeEvent): void;
  subscribe(channel: Channel, handler: (event: RealtimeEvent, channel: Channel) => void): Unsubscribe;
  /**
   * Resolves once events published anywhere on the channel reach this node's subscribers. Optional: an
   * in-process PubSub is ready at once; a networked one (Redis) after the broker confirms the subscription.
   * The hub awaits it before reading a backlog, so nothing falls between the backlog and the live stream.
   */
  ready?(channel: Channel): Promise<void>;
  close(): Promise<void>;
}

export class LocalPubSub implements PubSub {
  private readonly handlers = new Map<Channel, Set<(event: RealtimeEvent, channel: Channel) => void>>();

  publish(channel: Channel, event: RealtimeEvent): void {
    const set = this.handlers.get(channel);
    if (!set) return;
    for (const h of set) h(event, channel);
  }

  subscribe(channel: Channel, handler: (event: RealtimeEvent, channel: Channel) => void): Unsubscribe {
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    return () => {
      set!.delete(handler);
      if (set!.size === 0) this.handlers.delete(channel);
    };
  }

  async close(): Promise<void> {
    this.handlers.clear();
  }
}
