// Member ids on screen (a rule's roster, an action's member, a task's assignee) resolved to names, each
// from the member's own record, cached under ['member', id] like the group drawer's lookups.
import { useQueries } from '@tanstack/react-query';
import { get, type MemberDetail } from '../../api';

const MAX_LOOKUPS = 200;

/** A resolver for the ids given (looked up once each); unknown ids resolve to null until they load. */
export function useMemberLabels(ids: readonly (string | null | undefined)[]): (id: string | null | undefined) => string | null {
  const wanted = [...new Set(ids.filter((x): x is string => !!x))].sort().slice(0, MAX_LOOKUPS);
  const found = useQueries({
    queries: wanted.map((id) => ({
      queryKey: ['member', id],
      queryFn: () => get<MemberDetail>(`/members/${id}`),
      staleTime: 5 * 60_000,
      retry: false,
    })),
  });
  const names = new Map<string, string>();
  found.forEach((q, i) => {
    if (q.data) names.set(wanted[i]!, q.data.displayName);
  });
  return (id) => (id ? (names.get(id) ?? null) : null);
}
