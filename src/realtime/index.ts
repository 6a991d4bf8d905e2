// The real-time edge, wired for the server: a PubSub (in-process, or Redis when SHEQUN_REDIS_URL is set),
// the publisher the domain's events go through, and the WebSocket hub at /api/v1/realtime.
import type { Server } from 'node:http';
import type { Runtime } from '../bootstrap.ts';
import type { EventPublisher } from '../kernel/events.ts';
import { RealtimeAccess } from './access.ts';
import { memberAuthenticator, memberGrant, memberRecheck } from './member-access.ts';
import { RealtimeHub, type HubOptions } from './hub.ts';
import { pubSubPublisher } from './publisher.ts';
import { LocalPubSub, type PubSub } from './pubsub.ts';
import { RedisPubSub } from './redis.ts';

export { REALTIME_PATH, REALTIME_PROTOCOL, CLOSE_SLOW_CONSUMER, CLOSE_REVOKED, RealtimeHub, ChannelRefused, type Grant } from './hub.ts';
export { RealtimeAccess, type RealtimePrincipal, type OperatorPrincipal, type MemberPrincipal, type Authenticator } from './access.ts';
export { LocalPubSub, type PubSub, type Channel, type RealtimeEvent } from './pubsub.ts';
export { RedisPubSub } from './redis.ts';

export interface Realtime {
  pubsub: PubSub;
  /** Plug into Ctx (the `events` port): activities written through the services reach the hub. */
  publisher: EventPublisher;
  access: RealtimeAccess;
  hub: RealtimeHub<import('./access.ts').RealtimePrincipal>;
  attach(server: Server): void;
  close(): Promise<void>;
}

export function createRealtime(rt: Runtime, opts: Partial<Omit<HubOptions<unknown>, 'pubsub' | 'access' | 'log'>> & { pubsub?: PubSub } = {}): Realtime {
  const log = rt.log.child({ component: 'realtime' });
  const pubsub = opts.pubsub ?? (rt.config.redisUrl ? new RedisPubSub(rt.config.redisUrl, { onError: (err) => log.error({ err }, 'redis pub/sub') }) : new LocalPubSub());
  const access = new RealtimeAccess(rt);
  access.useAuthenticator(memberAuthenticator(rt));
  access.useMemberGrant(memberGrant(rt), memberRecheck(rt));
  const hub = new RealtimeHub({ recheckMs: rt.config.realtimeRecheckMs, ...opts, pubsub, access, log });
  return {
    pubsub,
    publisher: pubSubPublisher(pubsub, log),
    access,
    hub,
    attach: (server) => void hub.attach(server),
    async close() {
      await hub.close();
      await pubsub.close();
    },
  };
}
