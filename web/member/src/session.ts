// The member's own record, which also carries the CSRF token every write of the app echoes.
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, setCsrf, type Me } from './api';
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
