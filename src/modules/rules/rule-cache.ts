// The groups' effective moderation rules, shared by the runner's passes for a second: a pass of 500
// messages asks for dozens of groups, and the engine runs passes back to back. A rule changed through this
// process applies at once (the service forgets the workspace's entries); one changed on another node within
// a second.
const TTL_MS = 1000;
const cache = new Map<string, { at: number; rules: Map<string, unknown> }>();

export function liveRuleMap(workspaceId: string, now: number): Map<string, unknown> {
  const hit = cache.get(workspaceId);
  if (hit && now - hit.at < TTL_MS) return hit.rules;
  const rules = new Map<string, unknown>();
  cache.set(workspaceId, { at: now, rules });
  return rules;
}

export function forgetLiveRules(workspaceId: string): void {
  cache.delete(workspaceId);
}
