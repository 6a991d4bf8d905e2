/** Ids per `IN (…)` list: well below SQLite's and PostgreSQL's parameter limits, large enough to keep round trips few. */
export const IN_LIST_MAX = 500;

/** `xs` in consecutive slices of at most `size` (an `IN` list, a batch of inserts). */
export function chunks<T>(xs: readonly T[], size = IN_LIST_MAX): T[][] {
  return Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));
}
