// 七种角色: a healthy group has a creator, managers, participants, pioneers, splitters, partners and payers.
// For each: how many members hold it now, whether it is still unfilled, and what kind of person to look for.
import { Alert, Tag, Typography, theme } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, qs, type Membership, type Page } from '../../api';
import { enums, useLabels } from '../../labels';

const MAX_PAGES = 20;

/** Current members by role, paging through the whole group (up to 10,000 members). */
export function useRoleCounts(groupId: string) {
  return useQuery({
    queryKey: ['group-members', groupId, 'roles'],
    queryFn: async () => {
      const counts: Record<string, number> = {};
      let cursor: string | null = null;
      let pages = 0;
      do {
        const p: Page<Membership> = await get<Page<Membership>>(`/groups/${groupId}/memberships${qs({ limit: 500, cursor })}`);
        for (const m of p.items) counts[m.role] = (counts[m.role] ?? 0) + 1;
        cursor = p.nextCursor;
      } while (cursor && ++pages < MAX_PAGES);
      return { counts, partial: cursor !== null };
    },
  });
}

export function GroupRoles({ groupId }: { groupId: string }) {
  const { t } = useTranslation();
  const { label } = useLabels();
  const { token } = theme.useToken();
  const q = useRoleCounts(groupId);
  if (q.error) return <Alert type="error" showIcon title={q.error.message} />;
  const counts = q.data?.counts ?? {};
  const unfilled = enums.membershipRole.values.filter((r) => !counts[r]);
  return (
    <div data-testid="group-roles">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }} data-testid="roles-summary">
        {q.isPending
          ? t('roles.loading')
          : unfilled.length === 0
            ? t('roles.allFilled')
            : t('roles.summary', { filled: 7 - unfilled.length, unfilled: unfilled.map((r) => label(enums.membershipRole, r)).join(t('roles.sep')) })}
        {q.data?.partial && ` ${t('roles.partial')}`}
      </Typography.Paragraph>
      <div style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(240px, 1fr))', gap: 8 }}>
        {enums.membershipRole.values.map((role) => {
          const n = counts[role] ?? 0;
          const open = !q.isPending && n === 0;
          return (
            <div
              key={role}
              data-testid={`role-${role}`}
              data-count={q.isPending ? '' : String(n)}
              style={{
                border: `1px ${open ? 'dashed' : 'solid'} ${open ? token.colorWarningBorder : token.colorBorderSecondary}`,
                background: open ? token.colorWarningBg : token.colorBgContainer,
                borderRadius: token.borderRadius,
                padding: '6px 10px',
                minWidth: 0,
              }}
            >
              <div style={{ display: 'flex', alignItems: 'baseline', justifyContent: 'space-between', gap: 8 }}>
                <Typography.Text strong>{label(enums.membershipRole, role)}</Typography.Text>
                {open ? (
                  <Tag color="warning" bordered={false} style={{ marginInlineEnd: 0 }}>{t('roles.unfilled')}</Tag>
                ) : (
                  <Typography.Text style={{ fontVariantNumeric: 'tabular-nums' }}>{t('roles.count', { count: n })}</Typography.Text>
                )}
              </div>
              <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', lineHeight: 1.5 }} data-testid={`role-hint-${role}`}>
                {t(`roles.hint.${role}`)}
              </Typography.Text>
            </div>
          );
        })}
      </div>
    </div>
  );
}
