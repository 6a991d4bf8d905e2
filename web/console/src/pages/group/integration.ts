// The integration plan's API shapes (the server's zod schemas in src/modules/integration/integration.schema.ts are
// the source) and the queries and the saver the wizard shares between its steps.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { get, patch, qs } from '../../api';

export const DECISIONS = ['keep', 'merge', 'retire'] as const;
export type Decision = (typeof DECISIONS)[number];
export const MOVE_KEYS = ['city', 'interest', 'circle'] as const;
export type MoveKey = (typeof MOVE_KEYS)[number];
/** The placeholders a naming pattern may use. */
export const PATTERN_TOKENS = ['community', 'key', 'city', 'interest', 'circle', 'n', 'nn'] as const;

export interface PlanGroup {
  groupId: string;
  kind: string;
  function: string;
  city: string | null;
  interest: string | null;
  decision: Decision;
  name: string;
  platform: string;
  seats: number;
  /** Messages in the last 30 days. */
  recentMessages: number;
  /** Its latest activity (what says how alive imported history was). */
  lastActivityAt: string | null;
  /** Seats shared with the plan's other groups. */
  sharedSeats: number;
}
export type PlanGroupChange = Partial<Pick<PlanGroup, 'kind' | 'function' | 'city' | 'interest' | 'decision'>> & { groupId: string };

export interface PlanSettings {
  setName: string;
  moveBy: MoveKey;
  pattern: string;
  unknown: 'other' | 'none';
  otherLabel: string;
  platform: string;
  seatsPerGroup: number;
  skipSeated: boolean;
  notice: string;
}

export interface NewGroup {
  key: string;
  name: string;
  members: number;
  from: { groupId: string; members: number }[];
  groupId: string | null;
  invitePath: string | null;
  moved: number;
}

export interface PlanStats {
  before: { groups: number; seats: number; people: number };
  after: { groups: number; seats: number; people: number };
  moving: number;
  leftWithoutGroup: number;
  leftSample: { id: string; displayName: string }[];
  moved: number;
}

export interface Notice {
  groupId: string;
  outboxId: string | null;
  /** The outbox row's: pending, done, failed, undone (missing when the row is gone). */
  status: string;
  lastError: string | null;
  text: string;
}

export interface Plan {
  id: string;
  communityId: string;
  name: string;
  status: 'draft' | 'carried_out';
  groups: PlanGroup[];
  settings: PlanSettings;
  newGroups: NewGroup[];
  stats: PlanStats;
  /** Set when the draft no longer works out as it stands (members' new cities make two names clash): what to fix. */
  warning: string | null;
  groupSetId: string | null;
  notices: Notice[];
  createdAt: string;
  updatedAt: string;
  carriedOutAt: string | null;
}
export type PlanSummary = Pick<Plan, 'id' | 'communityId' | 'name' | 'status' | 'createdAt' | 'updatedAt' | 'carriedOutAt'>;

export interface Move {
  memberId: string;
  displayName: string;
  fromGroupId: string;
  toGroupId: string;
  movedAt: string | null;
}

export interface PlanPatch {
  name?: string;
  groups?: PlanGroupChange[];
  settings?: Partial<PlanSettings>;
}

export const planKey = (id: string | null) => ['integration-plan', id];
export const plansKey = (communityId: string | null | undefined) => ['integration-plans', communityId ?? null];

export function usePlans(communityId: string | undefined) {
  return useQuery({
    queryKey: plansKey(communityId),
    queryFn: () => get<{ items: PlanSummary[] }>(`/integration-plans${qs({ communityId })}`),
    enabled: !!communityId,
  });
}

/** The plan with its live preview; while a notice waits for the outbox (or on the tracking step) it polls. */
export function usePlan(id: string | null, track: boolean) {
  return useQuery({
    queryKey: planKey(id),
    queryFn: () => get<Plan>(`/integration-plans/${id}`),
    enabled: !!id,
    retry: false,
    refetchInterval: (q) => {
      const p = q.state.data;
      if (!p || p.status !== 'carried_out') return false;
      if (p.notices.some((n) => n.status === 'pending')) return 2000;
      return track ? 10_000 : false;
    },
  });
}

export function useMoves(planId: string, q: { status?: 'moved' | 'waiting'; toGroupId?: string; limit: number; offset: number }, poll: boolean) {
  return useQuery({
    queryKey: ['integration-moves', planId, q],
    queryFn: () => get<{ items: Move[]; total: number }>(`/integration-plans/${planId}/moves${qs(q)}`),
    placeholderData: (prev) => prev,
    refetchInterval: poll ? 10_000 : false,
  });
}

/** Two patches as one: later values win, group changes merge per group. */
export function mergePatch(a: PlanPatch, b: PlanPatch): PlanPatch {
  const out: PlanPatch = { ...a };
  if (b.name !== undefined) out.name = b.name;
  if (b.settings) out.settings = { ...a.settings, ...b.settings };
  if (b.groups) {
    const byId = new Map((a.groups ?? []).map((g) => [g.groupId, g]));
    for (const g of b.groups) byId.set(g.groupId, { ...byId.get(g.groupId), ...g });
    out.groups = [...byId.values()];
  }
  return out;
}

/** A patch's own changes on the cached plan (the preview waits for the server). */
function applyLocally(plan: Plan, p: PlanPatch): Plan {
  const changes = new Map((p.groups ?? []).map((g) => [g.groupId, g]));
  return {
    ...plan,
    name: p.name ?? plan.name,
    groups: changes.size ? plan.groups.map((g) => ({ ...g, ...changes.get(g.groupId) })) : plan.groups,
    settings: p.settings ? { ...plan.settings, ...p.settings } : plan.settings,
  };
}

export type SaveState = 'idle' | 'waiting' | 'saving' | 'saved' | 'error';

/**
 * Changes to a draft plan, sent as PATCHes one at a time: what comes while one is on its way (or within
 * `delay` of the last change) goes out merged in the next, so answers never arrive out of order. Each
 * answer is the plan with its fresh preview and replaces the cached one.
 */
export function usePlanSaver(planId: string | null) {
  const qc = useQueryClient();
  const [state, setState] = useState<SaveState>('idle');
  const [error, setError] = useState<unknown>(null);
  const queued = useRef<PlanPatch | null>(null);
  const busy = useRef(false);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const current = useRef(planId);
  current.current = planId;

  const flush = useCallback(async () => {
    clearTimeout(timer.current);
    timer.current = undefined;
    const id = current.current;
    if (busy.current || !queued.current || !id) return;
    const body = queued.current;
    queued.current = null;
    busy.current = true;
    setState('saving');
    try {
      const p = await patch<Plan>(`/integration-plans/${id}`, body);
      qc.setQueryData(planKey(id), p);
      void qc.invalidateQueries({ queryKey: plansKey(p.communityId) });
      setError(null);
      setState(queued.current ? 'waiting' : 'saved');
    } catch (e) {
      setError(e);
      setState('error');
      // What was shown ahead of the answer goes back to what the server holds.
      void qc.invalidateQueries({ queryKey: planKey(id) });
    } finally {
      busy.current = false;
    }
    if (queued.current) void flush();
  }, [qc]);

  const save = useCallback((p: PlanPatch, delay = 0) => {
    queued.current = queued.current ? mergePatch(queued.current, p) : p;
    // The change shows at once (a picked decision stays picked); the answer brings the preview.
    if (current.current) qc.setQueryData<Plan>(planKey(current.current), (old) => (old ? applyLocally(old, p) : old));
    setState((s) => (s === 'saving' ? s : 'waiting'));
    clearTimeout(timer.current);
    if (delay > 0) timer.current = setTimeout(() => void flush(), delay);
    else void flush();
  }, [flush, qc]);

  // Another plan: what was queued for the last one is dropped.
  useEffect(() => {
    queued.current = null;
    clearTimeout(timer.current);
    setState('idle');
    setError(null);
  }, [planId]);
  useEffect(() => () => clearTimeout(timer.current), []);

  return { save, flush, state, error };
}
export type PlanSaver = ReturnType<typeof usePlanSaver>;

/** The full link of a path on this server (an invite's /m/join/<code>). */
export const absoluteUrl = (path: string) => `${location.origin}${path}`;
