// What the rules runner's passes share: the groups' effective moderation rules and the authors'
// memberships. A pass of 500 messages asks for dozens of groups and hundreds of members, and the engine
// runs passes back to back.
// - Rules are kept for a second. A rule changed through this process applies at once (the service forgets
//   the workspace's entries); one changed on another node within a second.
// - Memberships are kept for half a minute. One is forgotten at once when the runner reads the member's
//   join or leave in the stream, or when this process announces `membership.updated` (a new role); one
//   changed on another node is seen within the half minute. A membership not cached is always read, so a
//   newcomer's first message is judged.
import type { DomainEvent, EventPublisher } from '../../kernel/events.ts';

const RULES_TTL_MS = 1000;
const MEMBERSHIPS_TTL_MS = 30_000;

export interface CachedMembership {
  role: string;
  joinedAt: number;
}

interface Entry {
  rulesAt: number;
  rules: Map<string, unknown>;
  membershipsAt: number;
  /** By `group|member`. */
  memberships: Map<string, CachedMembership>;
}

const cache = new Map<string, Entry>();

export const membershipKey = (groupId: string, memberId: string) => `${groupId}|${memberId}`;

export function liveCache(workspaceId: string, now: number): Entry {
  let e = cache.get(workspaceId);
  if (!e) cache.set(workspaceId, (e = { rulesAt: now, rules: new Map(), membershipsAt: now, memberships: new Map() }));
  if (now - e.rulesAt >= RULES_TTL_MS) Object.assign(e, { rulesAt: now, rules: new Map() });
  if (now - e.membershipsAt >= MEMBERSHIPS_TTL_MS) Object.assign(e, { membershipsAt: now, memberships: new Map() });
  return e;
}

export function forgetLiveRules(workspaceId: string): void {
  const e = cache.get(workspaceId);
  if (e) e.rules = new Map();
}

export function forgetMembership(workspaceId: string, groupId: string, memberId: string): void {
  cache.get(workspaceId)?.memberships.delete(membershipKey(groupId, memberId));
}

/** Listens to this process's domain events for the changes the cache must not outlive. */
export const ruleCacheListener: EventPublisher = {
  publish(events: readonly DomainEvent[]) {
    for (const e of events) {
      if (e.type !== 'membership.updated') continue;
      const { groupId, memberId } = e.data as { groupId?: string; memberId?: string };
      if (groupId && memberId) forgetMembership(e.workspaceId, groupId, memberId);
    }
  },
};
