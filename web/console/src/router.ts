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
