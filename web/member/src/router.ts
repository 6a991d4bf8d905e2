// Routing without a router library: /m/join/<code>, /m/g/<group>, /m/me, /m/replays (live replays),
// /m/replays/<session>, /m/live/<session>/apply (群主招募, public) and /m/ (the member's groups).
import { go, useLocation } from '../../shared/history';

export const BASE = '/m';

export type Route =
  | { page: 'join'; code: string }
  | { page: 'chat'; groupId: string }
  | { page: 'me' }
  | { page: 'replays' }
  | { page: 'replay'; id: string }
  | { page: 'recruit'; id: string }
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
  if (parts[0] === 'replays') return parts[1] ? { page: 'replay', id: parts[1] } : { page: 'replays' };
  if (parts[0] === 'live' && parts[1]) return { page: 'recruit', id: parts[1] };
  return { page: 'home' };
}

export function navigate(path: string, replace = false) {
  const to = `${BASE}${path}`;
  if (to !== location.pathname) go(to, replace);
}

export function useRoute(): Route {
  return parse(useLocation(() => location.pathname));
}
