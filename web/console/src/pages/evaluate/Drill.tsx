// The members behind a figure (GET /analytics/members): the actives of a day, week or month, who reached a
// funnel stage in the range, an RFM segment, or the silent ones (nothing in 30 days). A drawer, a page at a
// time (加载更多), each member linked to their profile (成员 › member=), the loaded rows as CSV.
import { useMemo, useState } from 'react';
import { Button, Drawer, Space, Table, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { InAppLink } from '../../link';
import { get, qs, type DrillMember, type DrillTarget, type Page } from '../../api';
import { enums, useLabels } from '../../labels';
import { downloadCsv, useFormat } from './format';
import type { DashboardQuery } from './params';

const PAGE = 100;

/** What to drill into and how the drawer names it ("2026-W45 的周活跃成员"). */
export interface DrillRequest {
  target: DrillTarget;
  title: string;
  /** A short name for the CSV file. */
  file: string;
}

/** The drawer's state: open one with `drill(…)`, render `<DrillDrawer … />` with `request`. */
export function useDrill() {
  const [request, setRequest] = useState<DrillRequest | null>(null);
  return { request, drill: setRequest, close: () => setRequest(null) };
}

/** A member's profile in 成员, as a link the console follows without reloading. */
export function MemberLink({ id, children }: { id: string; children: React.ReactNode }) {
  return <InAppLink href={`/members?member=${encodeURIComponent(id)}`} data-testid="member-link" data-id={id}>{children}</InAppLink>;
}

export function DrillDrawer({ request, query, onClose }: { request: DrillRequest | null; query: DashboardQuery; onClose: () => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { label } = useLabels();
  const params = { ...query, ...(request?.target ?? {}), limit: PAGE } as Record<string, string | number | boolean | undefined>;
  const list = useInfiniteQuery({
    enabled: !!request,
    queryKey: ['analytics', 'members', params],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => get<Page<DrillMember>>(`/analytics/members${qs({ ...params, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const has = (k: keyof DrillMember) => rows.some((r) => r[k] !== null);
  const when = (v: string | null) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : '');
  const atTitle = request && 'milestone' in request.target ? t('evaluate.drill.reachedAt') : t('evaluate.drill.lastAt');

  const exportCsv = () => {
    if (!request) return;
    downloadCsv(`members-${request.file}.csv`, [
      [t('evaluate.drill.col.id'), t('evaluate.drill.col.name'), t('evaluate.drill.col.city'), t('evaluate.drill.col.circle'), t('evaluate.drill.col.stage'),
        t('evaluate.drill.col.activities'), t('evaluate.drill.col.messages'), atTitle, t('evaluate.drill.col.spent')],
      ...rows.map((r) => [
        r.id, r.displayName, r.city ?? '', label(enums.memberCircle, r.circle), label(enums.lifecycleStage, r.stage),
        r.activities ?? '', r.messages ?? '', when(r.at), r.spentCents === null ? '' : (r.spentCents / 100).toFixed(2),
      ]),
    ]);
  };

  return (
    <Drawer
      open={!!request}
      size={820}
      onClose={onClose}
      data-testid="drill-drawer"
      title={<span data-testid="drill-title">{request?.title}</span>}
      extra={(
        <Button icon={<DownloadOutlined />} onClick={exportCsv} disabled={!rows.length} data-testid="drill-export">{t('evaluate.drill.export')}</Button>
      )}
    >
      <Table<DrillMember>
        data-testid="drill-table"
        rowKey="id"
        size="small"
        loading={list.isPending && !!request}
        dataSource={rows}
        pagination={false}
        locale={{ emptyText: t('evaluate.drill.none') }}
        onRow={(r) => ({ 'data-testid': 'drill-row', 'data-id': r.id }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { key: 'name', title: t('evaluate.drill.col.name'), render: (_, r) => <MemberLink id={r.id}>{r.displayName}</MemberLink> },
          { key: 'city', title: t('evaluate.drill.col.city'), render: (_, r) => r.city ?? '' },
          { key: 'circle', title: t('evaluate.drill.col.circle'), render: (_, r) => label(enums.memberCircle, r.circle) },
          { key: 'stage', title: t('evaluate.drill.col.stage'), render: (_, r) => <Tag color="orange">{label(enums.lifecycleStage, r.stage)}</Tag> },
          ...(has('activities') ? [{ key: 'activities', title: t('evaluate.drill.col.activities'), align: 'right' as const, render: (_: unknown, r: DrillMember) => (r.activities === null ? '' : f.int(r.activities)) }] : []),
          ...(has('messages') ? [{ key: 'messages', title: t('evaluate.drill.col.messages'), align: 'right' as const, render: (_: unknown, r: DrillMember) => (r.messages === null ? '' : f.int(r.messages)) }] : []),
          ...(has('at') ? [{ key: 'at', title: atTitle, render: (_: unknown, r: DrillMember) => <span style={{ whiteSpace: 'nowrap' }}>{when(r.at)}</span> }] : []),
          ...(has('spentCents') ? [{ key: 'spent', title: t('evaluate.drill.col.spent'), align: 'right' as const, render: (_: unknown, r: DrillMember) => (r.spentCents === null ? '' : f.yuan(r.spentCents)) }] : []),
        ]}
      />
      <div style={{ textAlign: 'center', marginTop: 12 }}>
        {list.hasNextPage ? (
          <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage} data-testid="drill-more">{t('common.loadMore')}</Button>
        ) : (
          !list.isPending && (
            <Space>
              <Typography.Text type="secondary" data-testid="drill-count" data-value={rows.length}>{t('evaluate.drill.shown', { n: f.int(rows.length) })}</Typography.Text>
            </Space>
          )
        )}
      </div>
    </Drawer>
  );
}
