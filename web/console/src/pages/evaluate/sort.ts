// Sorting a table on the client: the rows in the server's order until a column is clicked, then by that
// column (stable, so ties keep the server's order), with what antd's Table needs to show and change it.
import { useMemo, useState } from 'react';
import type { SorterResult, SortOrder } from 'antd/es/table/interface';

export function useSortedRows<T, K extends string>(items: T[] | undefined, compare: Record<K, (a: T, b: T) => number>) {
  const [sort, setSort] = useState<{ key: K; order: SortOrder } | null>(null);
  const rows = useMemo(() => {
    const list = [...(items ?? [])];
    if (sort?.order) {
      const c = compare[sort.key];
      list.sort((a, b) => (sort.order === 'ascend' ? c(a, b) : c(b, a)));
    }
    return list;
  }, [items, sort, compare]);
  return {
    rows,
    /** A column's sort order, for its `sortOrder`. */
    order: (key: K): SortOrder => (sort?.key === key ? sort.order : null),
    /** The Table's `onChange`. */
    onChange: (_p: unknown, _f: unknown, s: SorterResult<T> | SorterResult<T>[]) => {
      const one = Array.isArray(s) ? s[0] : s;
      setSort(one?.order ? { key: one.columnKey as K, order: one.order } : null);
    },
  };
}
