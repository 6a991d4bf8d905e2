// The dashboard's view in the address (so a view can be shared and reloaded): the scope (community= or
// group=, neither for the whole workspace), the range (from=, to=; neither for the last 30 days, the
// server's default) and the retention period (period=month, else weeks).
import { go, useLocation } from '../../../../shared/history';
import type { Me, RetentionPeriod } from '../../api';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
type Key = 'community' | 'group' | 'from' | 'to' | 'period';

export type DashboardQuery = {
  communityId?: string;
  groupId?: string;
  from?: string;
  to?: string;
};

export function useDashboardParams() {
  const search = useLocation(() => location.search);
  const p = new URLSearchParams(search);
  const from = p.get('from');
  const to = p.get('to');
  const range = from && to && DAY.test(from) && DAY.test(to) && from <= to ? { from, to } : null;
  /** Changes several parameters at once; `push` adds a history entry (a drill-down the back button undoes). */
  const set = (changes: Partial<Record<Key, string | null>>, push = false) => {
    const u = new URL(location.href);
    for (const [k, v] of Object.entries(changes)) {
      if (v) u.searchParams.set(k, v);
      else u.searchParams.delete(k);
    }
    go(`${u.pathname}${u.search}${u.hash}`, !push);
  };
  return {
    communityId: p.get('community'),
    groupId: p.get('group'),
    range,
    period: (p.get('period') === 'month' ? 'month' : 'week') as RetentionPeriod,
    set,
  };
}

/** An operator limited to a scope may not read the whole workspace: it picks one of its communities or groups. */
export const isScoped = (me: Me) => !!me.operator?.scope;
