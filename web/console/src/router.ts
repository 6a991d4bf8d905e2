// Routing without a router library: a handful of top-level pages, the History API and a hook.
import { useEffect, useState } from 'react';

export const PAGES = ['/', '/positioning', '/groups', '/operate', '/evaluate', '/members', '/team'] as const;
export type PagePath = (typeof PAGES)[number];

const listeners = new Set<() => void>();

export function navigate(path: string) {
  if (path === location.pathname) return;
  history.pushState(null, '', path);
  listeners.forEach((l) => l());
}

export function usePath(): PagePath {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const on = () => setPath(location.pathname);
    listeners.add(on);
    window.addEventListener('popstate', on);
    return () => {
      listeners.delete(on);
      window.removeEventListener('popstate', on);
    };
  }, []);
  return ((PAGES as readonly string[]).includes(path) ? path : '/') as PagePath;
}

/** One query parameter of the page (a tab, a picked target), kept in the address with replaceState. */
export function useSearchParam(key: string): [string | null, (value: string | null) => void] {
  const [value, setValue] = useState(() => new URLSearchParams(location.search).get(key));
  useEffect(() => {
    const on = () => setValue(new URLSearchParams(location.search).get(key));
    listeners.add(on);
    window.addEventListener('popstate', on);
    return () => {
      listeners.delete(on);
      window.removeEventListener('popstate', on);
    };
  }, [key]);
  const set = (v: string | null) => {
    const u = new URL(location.href);
    if (v) u.searchParams.set(key, v);
    else u.searchParams.delete(key);
    history.replaceState(null, '', `${u.pathname}${u.search}${u.hash}`);
    listeners.forEach((l) => l());
  };
  return [value, set];
}
