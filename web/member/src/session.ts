// The member's own record, which also carries the CSRF token every write of the app echoes.
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, setCsrf, type Me, type Points, type Task } from './api';
import { membershipRole } from '../../../src/modules/enums.ts';

export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      const me = await api<Me>('GET', '/me');
      setCsrf(me.csrfToken);
      return me;
    },
  });
}

export function useRoleLabel() {
  const { i18n } = useTranslation();
  const i = i18n.language === 'en' ? 1 : 0;
  return (role: string) => (membershipRole.labels as Record<string, readonly [string, string]>)[role]?.[i] ?? role;
}

export const newClientId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`);

/** The member's tasks (open ones first) and points: the Me page lists them, a group's chat shows its open ones. */
export function useMyTasks(enabled = true) {
  return useQuery({ queryKey: ['my-tasks'], queryFn: async () => (await api<{ items: Task[] }>('GET', '/me/tasks')).items, refetchInterval: 60_000, enabled });
}

export function useMyPoints() {
  return useQuery({ queryKey: ['my-points'], queryFn: () => api<Points>('GET', '/me/points') });
}
