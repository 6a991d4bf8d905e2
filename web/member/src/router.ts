// Routing without a router library: /m/join/<code>, /m/g/<group>, /m/me and /m/ (the member's groups).
import { useEffect, useState } from 'react';

export const BASE = '/m';

export type Route =
  | { page: 'join'; code: string }
  | { page: 'chat'; groupId: string }
  | { page: 'me' }
  | { page: 'home' };

export function parse(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return '';
    }
  });
  if (parts[0] === 'join' && parts[1]) return { page: 'join', code: parts[1] };
  if (parts[0] === 'g' && parts[1]) return { page: 'chat', groupId: parts[1] };
  if (parts[0] === 'me') return { page: 'me' };
  return { page: 'home' };
}

const listeners = new Set<() => void>();

export function navigate(path: string, replace = false) {
  const to = `${BASE}${path}`;
  if (to === location.pathname) return;
  if (replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  listeners.forEach((l) => l());
}

export function useRoute(): Route {
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
  return parse(path);
}
