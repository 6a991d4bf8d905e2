// 直播: the queries the list and the control room share, the status and delivery vocabularies, and the
// small formatters (a lag in ms, a time) both use.
import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { get, type Rule, type LiveApplication, type LiveDelivery, type LiveDeliveryState, type LiveQuestion, type LiveSession, type LiveStats, type LiveStatus } from '../../api';

/** How often the control room asks while the session runs (delivery, questions). */
export const POLL_MS = 2000;

export const STATUS_COLOR: Record<LiveStatus, string> = { scheduled: 'blue', live: 'red', paused: 'gold', ended: 'default' };
export const STATUS_BADGE: Record<LiveStatus, 'processing' | 'error' | 'warning' | 'default'> = { scheduled: 'processing', live: 'error', paused: 'warning', ended: 'default' };
export const STATE_BADGE: Record<LiveDeliveryState, 'success' | 'processing' | 'warning' | 'error' | 'default'> = {
  delivered: 'success', queued: 'processing', retrying: 'warning', failed: 'error', idle: 'default',
};

export const running = (s: LiveSession | undefined) => s?.status === 'live' || s?.status === 'paused';

export const liveKey = (id: string, part?: string) => (part ? ['live-session', id, part] : ['live-session', id]);

export function useLiveSessions(filters: { status?: LiveStatus; communityId?: string }) {
  return useQuery({
    queryKey: ['live-sessions', filters],
    queryFn: () => get<{ items: LiveSession[] }>(`/live-sessions${filters.status || filters.communityId ? `?${new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as [string, string][])}` : ''}`),
    // Live ones change by themselves (the host's commands in the chat, the scheduled start).
    refetchInterval: (q) => (q.state.data?.items.some((s) => s.status !== 'ended') ? 10_000 : false),
  });
}

/** A series' occurrences (one live session per sharing session relayed), newest first. */
export function useOccurrences(seriesId: string, poll: boolean) {
  return useQuery({
    queryKey: ['live-sessions', { seriesId }],
    queryFn: () => get<{ items: LiveSession[] }>(`/live-sessions?seriesId=${encodeURIComponent(seriesId)}`),
    refetchInterval: poll ? 10_000 : false,
  });
}

/** The workspace's sharing rules (分享, sharing.session): what a series relays. */
export function useSharingRules() {
  return useQuery({
    queryKey: ['rules', 'sharing'],
    queryFn: async () => (await get<{ items: Rule[] }>('/rules?family=sharing')).items.filter((r) => r.type === 'sharing.session'),
    staleTime: 30_000,
  });
}

/** A series (linked to a sharing rule, never runs itself), as opposed to one of its occurrences or a session of its own. */
export const isSeries = (s: Pick<LiveSession, 'ruleId' | 'seriesId'>) => s.ruleId !== null && s.seriesId === null;

/** A sharing rule's schedule in a few words: 每天 20:00 · 90 分钟, 周一、周五 20:00 · 60 分钟. */
export function ruleSchedule(t: TFunction, rule: Rule | undefined): string {
  if (!rule) return '';
  const st = rule.settings as { days?: number[]; at?: string; durationMinutes?: number };
  const days = [...(st.days ?? [])].sort();
  const when = days.length === 7 ? t('live.series.everyDay') : days.map((d) => t(`live.series.weekday.${d}`)).join(t('live.series.dayJoin'));
  return t('live.series.schedule', { days: when, at: st.at ?? '', minutes: st.durationMinutes ?? 0 });
}

export function useLiveSession(id: string) {
  return useQuery({
    queryKey: liveKey(id),
    queryFn: () => get<LiveSession>(`/live-sessions/${id}`),
    refetchInterval: (q) => (q.state.data && q.state.data.status !== 'ended' ? POLL_MS * 2 : false),
    retry: false,
  });
}

export function useDelivery(id: string, poll: boolean, enabled = true) {
  return useQuery({
    queryKey: liveKey(id, 'delivery'),
    queryFn: () => get<LiveDelivery>(`/live-sessions/${id}/delivery`),
    enabled,
    // Every 2 s while it runs; after the end, until the last queued line is out.
    refetchInterval: (q) => (poll || (q.state.data && (q.state.data.totals.queued > 0 || q.state.data.totals.retrying > 0)) ? POLL_MS : false),
  });
}

export function useLiveQuestions(id: string, status: LiveQuestion['status'] | undefined, poll: boolean) {
  return useQuery({
    queryKey: liveKey(id, `questions:${status ?? 'all'}`),
    queryFn: () => get<{ items: LiveQuestion[] }>(`/live-sessions/${id}/questions${status ? `?status=${status}` : ''}`),
    refetchInterval: poll ? POLL_MS : false,
  });
}

export function useApplications(id: string, poll: boolean) {
  return useQuery({
    queryKey: liveKey(id, 'applications'),
    queryFn: () => get<{ items: LiveApplication[] }>(`/live-sessions/${id}/applications`),
    refetchInterval: poll ? 5000 : false,
  });
}

export function useLiveStats(id: string, poll: boolean) {
  return useQuery({
    queryKey: liveKey(id, 'stats'),
    queryFn: () => get<LiveStats>(`/live-sessions/${id}/stats`),
    refetchInterval: poll ? 10_000 : false,
  });
}

/** The page a group owner opens to bring their group in (the member app's recruitment page). */
export const recruitUrl = (id: string) => `${location.origin}/m/live/${encodeURIComponent(id)}/apply`;

/** 0 秒, 1.2 秒, 3 分 05 秒. */
export function lagText(t: TFunction, ms: number): string {
  if (ms < 1000) return t('live.lag.seconds', { n: ms === 0 ? '0' : (ms / 1000).toFixed(1) });
  const s = Math.round(ms / 1000);
  if (s < 60) return t('live.lag.seconds', { n: String(s) });
  const m = Math.floor(s / 60);
  if (m < 60) return t('live.lag.minutes', { m, s: String(s % 60).padStart(2, '0') });
  return t('live.lag.hours', { h: Math.floor(m / 60), m: String(m % 60).padStart(2, '0') });
}

/** 11/28 20:30, with the year only when it is not this one. */
export function shortTime(iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return d.toLocaleString(undefined, { ...(d.getFullYear() === new Date().getFullYear() ? {} : { year: 'numeric' }), month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}
