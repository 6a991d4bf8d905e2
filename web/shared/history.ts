// Routing without a router library: the History API, and a hook that re-reads the location whenever the
// app moves (pushState/replaceState through here) or the browser does (back, forward).
import { useEffect, useState } from 'react';

const listeners = new Set<() => void>();

/** Goes to `to` (a path with its query), adding a history entry unless `replace`. */
export function go(to: string, replace = false): void {
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  listeners.forEach((l) => l());
}

/** What `read` says of the location, read at each render; the component renders again when the location changes. */
export function useLocation<T>(read: () => T): T {
  const [, changed] = useState(0);
  useEffect(() => {
    const on = () => changed((n) => n + 1);
    listeners.add(on);
    window.addEventListener('popstate', on);
    return () => {
      listeners.delete(on);
      window.removeEventListener('popstate', on);
    };
  }, []);
  return read();
}
