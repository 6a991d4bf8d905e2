// Routing without a router library: a handful of top-level pages, the History API and a hook.
import { go, useLocation } from '../../shared/history';

export const PAGES = ['/', '/positioning', '/groups', '/operate', '/evaluate', '/members', '/team'] as const;
export type PagePath = (typeof PAGES)[number];

export function navigate(path: string) {
  if (path !== location.pathname) go(path);
}

export function usePath(): PagePath {
  const path = useLocation(() => location.pathname);
  return ((PAGES as readonly string[]).includes(path) ? path : '/') as PagePath;
}

/** One query parameter of the page (a tab, a picked target), kept in the address with replaceState. */
export function useSearchParam(key: string): [string | null, (value: string | null) => void] {
  const value = useLocation(() => new URLSearchParams(location.search).get(key));
  const set = (v: string | null) => {
    const u = new URL(location.href);
    if (v) u.searchParams.set(key, v);
    else u.searchParams.delete(key);
    go(`${u.pathname}${u.search}${u.hash}`, true);
  };
  return [value, set];
}
