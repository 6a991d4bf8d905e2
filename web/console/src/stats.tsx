// Per-group activity (GET /stats/groups) and the tiny sparkline the groups table and the home page draw
// from it: a plain SVG polyline, so that a table of 500 groups stays as fast as one without.
import { useMemo } from 'react';
import { useQuery } from '@tanstack/react-query';
import { theme } from 'antd';
import { get, qs, type GroupActivity, type GroupStats } from './api';

export const tzOffsetMinutes = () => -new Date().getTimezoneOffset();

/** The stats for the last `days` days, by group id (a group with no activity is absent: read it as zeros). */
export function useGroupStats(days = 7) {
  const q = useQuery({
    queryKey: ['group-stats', days],
    queryFn: () => get<GroupStats>(`/stats/groups${qs({ days, tzOffsetMinutes: tzOffsetMinutes() })}`),
    staleTime: 30_000,
  });
  const byGroup = useMemo(() => new Map((q.data?.items ?? []).map((x) => [x.groupId, x])), [q.data]);
  const zeros = useMemo(() => Array.from({ length: q.data?.days.length ?? days }, () => 0), [q.data, days]);
  const of = (groupId: string): GroupActivity => byGroup.get(groupId) ?? { groupId, messagesPerDay: zeros, messages: 0, joins: 0, leaves: 0 };
  return { ...q, of };
}

/**
 * A line of daily values, scaled to its own maximum, with a soft area under it and a dot on the last day.
 * `days` (same length as `values`) become the hover text.
 */
export function Sparkline({ values, days, width = 96, height = 24, testId }: { values: number[]; days?: string[]; width?: number; height?: number; testId?: string }) {
  const { token } = theme.useToken();
  const max = Math.max(0, ...values);
  const pad = 2;
  const step = values.length > 1 ? (width - pad * 2) / (values.length - 1) : 0;
  const pts = values.map((v, i) => [pad + i * step, height - pad - (max ? (v / max) * (height - pad * 2) : 0)] as const);
  const line = pts.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`).join(' ');
  const last = pts[pts.length - 1];
  const color = max ? token.colorPrimary : token.colorTextQuaternary;
  const title = days ? values.map((v, i) => `${days[i]?.slice(5) ?? i + 1}: ${v}`).join('\n') : values.join(', ');
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} data-testid={testId} data-values={values.join(',')} style={{ display: 'block', overflow: 'visible' }}>
      <title>{title}</title>
      {max > 0 && pts.length > 1 && (
        <polygon points={`${pts[0]![0]},${height - pad} ${line} ${last![0]},${height - pad}`} fill={color} fillOpacity={0.12} stroke="none" />
      )}
      <polyline points={line} fill="none" stroke={color} strokeWidth={1.5} strokeLinejoin="round" strokeLinecap="round" />
      {last && max > 0 && <circle cx={last[0]} cy={last[1]} r={2} fill={color} />}
    </svg>
  );
}
