// PubSub over Redis pub/sub, for several nodes: every node publishes to Redis and receives from it, so a
// client on node B sees what node A published. One connection publishes, one subscribes (a Redis
// connection in subscriber mode can do nothing else). Each event is parsed once per node, then handed to
// every local handler of its channel.
import { Redis } from 'ioredis';
import type { Channel, PubSub, RealtimeEvent, Unsubscribe } from './pubsub.ts';

type Handler = (event: RealtimeEvent, channel: Channel) => void;

export interface RedisPubSubOptions {
  /** Prefix of the Redis channel names, to share one Redis between deployments. */
  prefix?: string;
  /** Where a broken message or a failing handler is reported. */
  onError?: (err: unknown) => void;
}

export class RedisPubSub implements PubSub {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly handlers = new Map<Channel, Set<Handler>>();
  /** Per channel: the pending (or done) SUBSCRIBE. */
  private readonly subscribed = new Map<Channel, Promise<void>>();
  private readonly prefix: string;
  private readonly onError: (err: unknown) => void;

  constructor(url: string, opts: RedisPubSubOptions = {}) {
    this.prefix = opts.prefix ?? 'shequn:';
    this.onError = opts.onError ?? (() => {});
    const common = { lazyConnect: false, maxRetriesPerRequest: null, enableAutoPipelining: true } as const;
    this.pub = new Redis(url, common);
    this.sub = new Redis(url, common);
    this.pub.on('error', this.onError);
    this.sub.on('error', this.onError);
    this.sub.on('messageBuffer', (rawChannel: Buffer, message: Buffer) => this.dispatch(rawChannel.toString('utf8'), message));
  }

  private dispatch(rawChannel: string, message: Buffer): void {
    if (!rawChannel.startsWith(this.prefix)) return;
    const channel = rawChannel.slice(this.prefix.length) as Channel;
    const set = this.handlers.get(channel);
    if (!set) return;
    let event: RealtimeEvent;
    try {
      event = JSON.parse(message.toString('utf8')) as RealtimeEvent;
    } catch (e) {
      this.onError(e);
      return;
    }
    for (const h of set) {
      try {
        h(event, channel);
      } catch (e) {
        this.onError(e);
      }
    }
  }

  publish(channel: Channel, event: RealtimeEvent): void {
    this.pub.publish(this.prefix + channel, JSON.stringify(event)).catch(this.onError);
  }

  subscribe(channel: Channel, handler: Handler): Unsubscribe {
    let set = this.handlers.get(channel);
    if (!set) {
      this.handlers.set(channel, (set = new Set()));
      const p = this.sub.subscribe(this.prefix + channel).then(() => undefined);
      p.catch(this.onError);
      this.subscribed.set(channel, p);
    }
    set.add(handler);
    return () => {
      if (!set!.delete(handler) || set!.size > 0 || this.handlers.get(channel) !== set) return;
      this.handlers.delete(channel);
      this.subscribed.delete(channel);
      this.sub.unsubscribe(this.prefix + channel).catch(this.onError);
    };
  }

  ready(channel: Channel): Promise<void> {
    return this.subscribed.get(channel) ?? Promise.resolve();
  }

  async close(): Promise<void> {
    this.handlers.clear();
    this.subscribed.clear();
    await Promise.allSettled([this.pub.quit(), this.sub.quit()]);
  }
}
