// Scale against each community's KPI member floor: its groups, the seats in them, the floor, how far along.
import { useMemo } from 'react';
import { Card, Progress, Table } from 'antd';
import { useTranslation } from 'react-i18next';
import type { Community } from '../../api';
import { enums, useLabels } from '../../labels';
import { useAllGroups, useCommunities } from '../Groups';
import { useFormat } from './format';

/** Every community, or only `communityId`. */
export function ScaleTable({ communityId }: { communityId: string | null }) {
  const { t } = useTranslation();
  const { label } = useLabels();
  const f = useFormat();
  const communities = useCommunities();
  const groups = useAllGroups();
  const seats = useMemo(() => {
    const m = new Map<string, { members: number; groups: number }>();
    for (const g of groups.data?.items ?? []) {
      const s = m.get(g.communityId) ?? { members: 0, groups: 0 };
      s.members += g.memberCount;
      s.groups += 1;
      m.set(g.communityId, s);
    }
    return m;
  }, [groups.data]);
  const list = (communities.data?.items ?? []).filter((c) => !communityId || c.id === communityId);
  return (
    <Card title={t('evaluate.scale')} data-testid="evaluate-scale">
      <Table<Community>
        rowKey="id"
        size="small"
        loading={communities.isPending || groups.isPending}
        dataSource={list}
        pagination={false}
        columns={[
          { title: t('positioning.name'), dataIndex: 'name' },
          { title: t('positioning.purpose'), dataIndex: 'purpose', render: (v: string) => label(enums.communityPurpose, v) },
          { title: t('evaluate.groups'), align: 'right', render: (_, c) => f.int(seats.get(c.id)?.groups ?? 0) },
          { title: t('evaluate.seats'), align: 'right', render: (_, c) => f.int(seats.get(c.id)?.members ?? 0) },
          { title: t('canvas.kpi.memberFloor'), align: 'right', render: (_, c) => f.int(c.canvas.kpi.memberFloor) },
          {
            title: t('evaluate.progress'), width: 240, render: (_, c) => {
              const floor = c.canvas.kpi.memberFloor;
              const pct = floor ? Math.round(((seats.get(c.id)?.members ?? 0) / floor) * 100) : 100;
              return <Progress percent={Math.min(100, pct)} format={() => `${pct}%`} size="small" />;
            },
          },
        ]}
      />
    </Card>
  );
}
