// Who is who in a group: member ids in chat items, requests and reports resolved to the names (group
// nickname first) and numbers the members see, from the group's memberships, and for anyone not among
// them (a big group, someone who left long ago) from their own record.
import { useMemo } from 'react';
import { useQueries, useQuery } from '@tanstack/react-query';
import { get, type MemberDetail, type Membership, type Page } from '../../api';

export interface MemberLabel {
  name: string;
  number: string | null;
  role: string | null;
}

type Row = Membership & { displayName: string };

const MAX_LOOKUPS = 200;

export function useGroupRoster(groupId: string) {
  return useQuery({
    queryKey: ['group-members', groupId, 'with-left'],
    queryFn: () => get<Page<Row>>(`/groups/${groupId}/memberships?limit=500&includeLeft=true`),
    staleTime: 60_000,
  });
}

/** A resolver for member ids; `ids` are the ones on screen, looked up when the roster does not know them. */
export function useMemberNames(groupId: string, ids: readonly (string | null | undefined)[]): (id: string | null | undefined) => MemberLabel | null {
  const roster = useGroupRoster(groupId);
  const known = useMemo(() => {
    const m = new Map<string, MemberLabel>();
    for (const r of roster.data?.items ?? []) {
      // Someone who left and came back: the current membership wins.
      if (m.has(r.memberId) && r.leftAt) continue;
      m.set(r.memberId, { name: r.nickname || r.displayName, number: r.numberDisplay, role: r.role });
    }
    return m;
  }, [roster.data]);
  const missing = useMemo(() => {
    if (!roster.isSuccess) return [];
    const out = new Set<string>();
    for (const id of ids) if (id && !known.has(id) && out.size < MAX_LOOKUPS) out.add(id);
    return [...out].sort();
  }, [ids, known, roster.isSuccess]);
  const extra = useQueries({
    queries: missing.map((id) => ({
      queryKey: ['member', id],
      queryFn: () => get<MemberDetail>(`/members/${id}`),
      staleTime: 5 * 60_000,
      retry: false,
    })),
  });
  const extraNames = new Map<string, MemberLabel>();
  extra.forEach((q, i) => {
    if (q.data) extraNames.set(missing[i]!, { name: q.data.displayName, number: null, role: null });
  });
  return (id) => (id ? (known.get(id) ?? extraNames.get(id) ?? null) : null);
}
