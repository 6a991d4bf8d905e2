// The plan itself, as a pure function of the groups' decisions, who sits where, and the settings: which new
// groups open (one or more per city, interest or circle), who moves into each, and the seats and people
// before and after. The service loads the facts and stores the result; nothing here touches storage.
import type { groupKind } from '../enums.ts';
import { circleLabel, type PlanGroup, type PlanSettings } from './integration.schema.ts';

export type GroupKind = (typeof groupKind.values)[number];

export interface PlannerMember {
  displayName: string;
  city: string | null;
  circle: string | null;
  tags: readonly string[];
}

export interface PlannerInput {
  communityName: string;
  /** In the plan's order. */
  groups: readonly PlanGroup[];
  /** Current seats in the plan's groups. */
  seats: readonly { memberId: string; groupId: string }[];
  members: ReadonlyMap<string, PlannerMember>;
  settings: PlanSettings;
  /** The community's persona interests: a member's tag naming one is their interest when their group has none. */
  interests: readonly string[];
}

export interface PlannedGroup {
  key: string;
  name: string;
  memberIds: string[];
  from: Map<string, number>;
}

export interface PlannedMove {
  memberId: string;
  fromGroupId: string;
  /** Index into `groups`. */
  to: number;
}

export interface PlanOutcome {
  groups: PlannedGroup[];
  moves: PlannedMove[];
  stats: {
    before: { groups: number; seats: number; people: number };
    after: { groups: number; seats: number; people: number };
    moving: number;
    leftWithoutGroup: number;
    left: string[];
  };
}

/** A pattern problem the operator must fix (the service turns it into a 400 on `settings.pattern`). */
export class PatternError extends Error {}

const VARS = ['community', 'key', 'city', 'interest', 'circle', 'n', 'nn'] as const;
const vars = () => /\{([a-z][a-z0-9_]{0,29})\}/g;

export function checkPattern(pattern: string): void {
  const unknown = [...pattern.matchAll(vars())].map((m) => m[1]!).filter((v) => !(VARS as readonly string[]).includes(v));
  if (unknown.length) throw new PatternError(`unknown variable ${[...new Set(unknown)].map((v) => `{${v}}`).join(', ')}; use ${VARS.map((v) => `{${v}}`).join(' ')}`);
}

export function planIntegration(input: PlannerInput): PlanOutcome {
  const { settings: s } = input;
  checkPattern(s.pattern);
  const order = new Map(input.groups.map((g, i) => [g.groupId, i]));
  const byId = new Map(input.groups.map((g) => [g.groupId, g]));
  const kept = new Set<string>();
  const seatsOf = new Map<string, string[]>();
  for (const st of input.seats) {
    const g = byId.get(st.groupId);
    if (!g) continue;
    (seatsOf.get(st.memberId) ?? seatsOf.set(st.memberId, []).get(st.memberId)!).push(st.groupId);
    if (g.decision === 'keep') kept.add(st.memberId);
  }
  let keptSeats = 0;
  for (const st of input.seats) if (byId.get(st.groupId)?.decision === 'keep') keptSeats++;

  // Who moves, and under which key.
  const buckets = new Map<string, { memberId: string; from: string }[]>();
  const left: string[] = [];
  for (const [memberId, gs] of seatsOf) {
    gs.sort((a, b) => order.get(a)! - order.get(b)!);
    const merged = gs.filter((g) => byId.get(g)!.decision === 'merge');
    if (merged.length === 0 || (s.skipSeated && kept.has(memberId))) {
      if (!kept.has(memberId)) left.push(memberId);
      continue;
    }
    const key = keyOf(input.members.get(memberId), merged.map((g) => byId.get(g)!), s.moveBy, input.interests) ?? (s.unknown === 'other' ? s.otherLabel : null);
    if (key === null) {
      if (!kept.has(memberId)) left.push(memberId);
      continue;
    }
    (buckets.get(key) ?? buckets.set(key, []).get(key)!).push({ memberId, from: merged[0]! });
  }

  // Largest buckets first (the catch-all last); within one, members of the same old group stay together.
  const keys = [...buckets.keys()].sort((a, b) => Number(a === s.otherLabel) - Number(b === s.otherLabel) || buckets.get(b)!.length - buckets.get(a)!.length || a.localeCompare(b, 'zh'));
  const groups: PlannedGroup[] = [];
  const moves: PlannedMove[] = [];
  for (const key of keys) {
    const list = buckets.get(key)!.sort((a, b) => order.get(a.from)! - order.get(b.from)! || (a.memberId < b.memberId ? -1 : 1));
    const parts = Math.ceil(list.length / s.seatsPerGroup);
    // Even parts rather than full groups and a sliver: 901 members in 450s are 301, 300 and 300.
    const base = Math.floor(list.length / parts);
    const extra = list.length % parts;
    for (let p = 0, at = 0; p < parts; p++) {
      const slice = list.slice(at, (at += base + (p < extra ? 1 : 0)));
      const g: PlannedGroup = { key, name: nameOf(input.communityName, s, key, p + 1), memberIds: [], from: new Map() };
      for (const m of slice) {
        g.memberIds.push(m.memberId);
        g.from.set(m.from, (g.from.get(m.from) ?? 0) + 1);
        moves.push({ memberId: m.memberId, fromGroupId: m.from, to: groups.length });
      }
      groups.push(g);
    }
  }
  const seen = new Map<string, string>();
  for (const g of groups) {
    if (!g.name) throw new PatternError(`the pattern gives the ${g.key} group an empty name`);
    const clash = seen.get(g.name);
    if (clash !== undefined) throw new PatternError(`the pattern names two new groups 「${g.name}」 (${clash === g.key ? `${g.key} needs {n} or {nn}` : `${clash} and ${g.key}: add {key}`})`);
    seen.set(g.name, g.key);
  }

  const movers = new Set(moves.map((m) => m.memberId));
  const after = new Set([...kept, ...movers]);
  return {
    groups,
    moves,
    stats: {
      before: { groups: input.groups.length, seats: input.seats.filter((st) => byId.has(st.groupId)).length, people: seatsOf.size },
      after: { groups: input.groups.filter((g) => g.decision === 'keep').length + groups.length, seats: keptSeats + moves.length, people: after.size },
      moving: moves.length,
      leftWithoutGroup: left.length,
      left,
    },
  };
}

function keyOf(m: PlannerMember | undefined, from: PlanGroup[], by: PlanSettings['moveBy'], interests: readonly string[]): string | null {
  switch (by) {
    case 'city':
      return m?.city?.trim() || from.find((g) => g.city)?.city || null;
    case 'interest':
      return from.find((g) => g.interest)?.interest || m?.tags.find((t) => interests.includes(t)) || null;
    case 'circle':
      return m?.circle ? circleLabel(m.circle) : null;
  }
}

function nameOf(community: string, s: PlanSettings, key: string, n: number): string {
  const values: Record<string, string> = {
    community, key, n: String(n), nn: String(n).padStart(2, '0'),
    city: s.moveBy === 'city' ? key : '', interest: s.moveBy === 'interest' ? key : '', circle: s.moveBy === 'circle' ? key : '',
  };
  return s.pattern.replace(vars(), (_m, k: string) => values[k] ?? '').trim().slice(0, 100);
}
