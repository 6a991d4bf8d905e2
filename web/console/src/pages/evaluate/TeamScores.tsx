// 评估精进 › 团队 (团队考核): a scorecard per keeper — an operator or a member who owns a group (群主) or is
// its secretary (秘书) — on their groups' measures over the range: groups, seats, messages, net growth,
// weekly actives and the active rate, revenue, the mean health score and how many groups are going quiet.
// Best first as the server ranks them; sortable by any figure; exported as CSV in the order shown.
import { useMemo } from 'react';
import { Alert, Button, Card, Space, Table, Tag, Typography, theme } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, qs, type AnalyticsTeam, type Me, type TeamCard } from '../../api';
import { useSortedRows } from './sort';
import { downloadCsv, useFormat } from './format';
import { scoreColor } from './HealthBoard';
import { ScopeToolbar, useEvaluateScope } from './Toolbar';

type SortKey = 'name' | 'groups' | 'seats' | 'messages' | 'netGrowth' | 'weeklyActive' | 'activeRate' | 'revenueCents' | 'meanScore' | 'quietGroups';
const compare: Record<SortKey, (a: TeamCard, b: TeamCard) => number> = {
  name: (a, b) => a.keeper.name.localeCompare(b.keeper.name, 'zh-CN'),
  groups: (a, b) => a.groups - b.groups,
  seats: (a, b) => a.seats - b.seats,
  messages: (a, b) => a.messages - b.messages,
  netGrowth: (a, b) => a.netGrowth - b.netGrowth,
  weeklyActive: (a, b) => a.weeklyActive - b.weeklyActive,
  activeRate: (a, b) => a.activeRate - b.activeRate,
  revenueCents: (a, b) => a.revenueCents - b.revenueCents,
  meanScore: (a, b) => a.meanScore - b.meanScore,
  quietGroups: (a, b) => a.quietGroups - b.quietGroups,
};
const keyOf = (c: TeamCard) => `${c.keeper.type}:${c.keeper.id}`;

export function TeamScores({ me }: { me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { token } = theme.useToken();
  const scope = useEvaluateScope(me);
  const allowed = me.permissions.includes('activity.read') && me.permissions.includes('group.read');
  const q = useQuery({
    enabled: allowed && scope.ready, placeholderData: keepPreviousData, staleTime: 60_000,
    queryKey: ['analytics', 'team', scope.query], queryFn: () => get<AnalyticsTeam>(`/analytics/team${qs(scope.query)}`),
  });
  const items = q.data?.items;
  const { rows, order, onChange } = useSortedRows(items, compare);
  const rank = useMemo(() => new Map((items ?? []).map((c, i) => [keyOf(c), i + 1])), [items]);
  if (!allowed) return <Alert type="info" showIcon title={t('evaluate.noPermission')} />;
  const col = (key: SortKey) => ({ key, sorter: true, sortOrder: order(key), align: 'right' as const });
  const roles = (c: TeamCard) => c.roles.map((r) => t(`evaluate.team.role.${r}`)).join(' ');
  const range = q.data?.range;

  const exportCsv = () => {
    const head = [
      t('evaluate.team.col.rank'), t('evaluate.team.col.name'), t('evaluate.team.col.kind'), t('evaluate.team.col.roles'), t('evaluate.team.col.groups'), t('evaluate.team.col.seats'), t('evaluate.team.col.messages'),
      t('evaluate.team.col.netGrowth'), t('evaluate.team.col.weeklyActive'), t('evaluate.team.col.activeRate'), t('evaluate.team.col.revenue'), t('evaluate.team.col.meanScore'), t('evaluate.team.col.quietGroups'),
    ];
    const body = rows.map((c) => [
      rank.get(keyOf(c)) ?? '', c.keeper.name, t(`evaluate.team.kind.${c.keeper.type}`), roles(c), c.groups, c.seats, c.messages,
      c.netGrowth, c.weeklyActive, f.pct(c.activeRate), (c.revenueCents / 100).toFixed(2), c.meanScore, c.quietGroups,
    ]);
    downloadCsv(`team-${range?.from ?? ''}-${range?.to ?? ''}.csv`, [head, ...body]);
  };

  return (
    <div data-testid="evaluate-team">
      <ScopeToolbar me={me} scope={scope} range={range} fetching={q.isFetching} />
      {q.error && <Alert type="error" showIcon title={q.error.message} style={{ marginBottom: 16 }} />}
      <Card
        data-testid="team-card"
        title={<span>{t('evaluate.team.title')} <Typography.Text type="secondary" style={{ fontWeight: 400, fontSize: 13 }}>{t('evaluate.team.hint')}</Typography.Text></span>}
        extra={<Button data-testid="team-export" icon={<DownloadOutlined />} onClick={exportCsv} disabled={!rows.length}>{t('evaluate.board.export')}</Button>}
      >
        <Table<TeamCard>
          data-testid="team-table"
          rowKey={keyOf}
          size="middle"
          loading={q.isPending && scope.ready}
          dataSource={rows}
          scroll={{ x: 1100 }}
          pagination={rows.length > 20 ? { pageSize: 20, showSizeChanger: true, pageSizeOptions: [20, 50, 100], size: 'small' } : false}
          onChange={onChange}
          onRow={(c) => ({ 'data-testid': 'team-row', 'data-id': c.keeper.id }) as React.HTMLAttributes<HTMLElement>}
          locale={{ emptyText: t('evaluate.team.empty') }}
          columns={[
            { key: 'rank', title: '#', width: 48, render: (_, c) => <Typography.Text type="secondary">{rank.get(keyOf(c))}</Typography.Text> },
            {
              key: 'name', title: t('evaluate.team.col.name'), sorter: true, sortOrder: order('name'),
              render: (_, c) => (
                <div style={{ minWidth: 140 }}>
                  <strong data-testid="team-name">{c.keeper.name}</strong>
                  <div style={{ fontSize: 12, color: token.colorTextTertiary }}>{t(`evaluate.team.kind.${c.keeper.type}`)}</div>
                </div>
              ),
            },
            {
              key: 'roles', title: t('evaluate.team.col.roles'), width: 120,
              render: (_, c) => <Space size={[0, 4]} wrap>{c.roles.map((r) => <Tag key={r} color={r === 'owner' ? 'geekblue' : 'cyan'}>{t(`evaluate.team.role.${r}`)}</Tag>)}</Space>,
            },
            { ...col('groups'), title: t('evaluate.team.col.groups'), width: 72, render: (_, c) => <span data-testid="team-groups">{f.int(c.groups)}</span> },
            { ...col('seats'), title: t('evaluate.team.col.seats'), width: 88, render: (_, c) => f.int(c.seats) },
            { ...col('messages'), title: t('evaluate.team.col.messages'), width: 96, render: (_, c) => <span data-testid="team-messages">{f.int(c.messages)}</span> },
            {
              ...col('netGrowth'), title: t('evaluate.team.col.netGrowth'), width: 96,
              render: (_, c) => <span style={{ color: c.netGrowth > 0 ? token.colorSuccess : c.netGrowth < 0 ? token.colorError : undefined }}>{f.signed(c.netGrowth)}</span>,
            },
            { ...col('weeklyActive'), title: t('evaluate.team.col.weeklyActive'), width: 96, render: (_, c) => f.dec(c.weeklyActive, 1) },
            { ...col('activeRate'), title: t('evaluate.team.col.activeRate'), width: 96, render: (_, c) => f.pct(c.activeRate) },
            { ...col('revenueCents'), title: t('evaluate.team.col.revenue'), width: 130, render: (_, c) => <span data-testid="team-revenue" style={{ whiteSpace: 'nowrap' }}>{f.yuan(c.revenueCents)}</span> },
            {
              ...col('meanScore'), title: <span style={{ whiteSpace: 'nowrap' }}>{t('evaluate.team.col.meanScore')}</span>, width: 120, align: 'center',
              render: (_, c) => <Tag data-testid="team-score" color={scoreColor(c.meanScore)} style={{ minWidth: 40, textAlign: 'center', fontWeight: 600, marginInlineEnd: 0 }}>{c.meanScore}</Tag>,
            },
            {
              ...col('quietGroups'), title: t('evaluate.team.col.quietGroups'), width: 96,
              render: (_, c) => (c.quietGroups ? <Tag color="blue" style={{ marginInlineEnd: 0 }}>{c.quietGroups}</Tag> : <Typography.Text type="secondary">0</Typography.Text>),
            },
          ]}
        />
      </Card>
    </div>
  );
}
