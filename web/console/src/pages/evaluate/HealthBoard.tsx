// 群健康榜: every group of the scope with its health score (0–100), seats, messages, weekly actives, active
// rate, trend, flags (渐冷, 超两年, 将满) and the reasons it lost points, healthiest first. Sortable by any
// figure, exported as CSV in the order shown; a click on a group's name drills the dashboard into it.
import { useMemo } from 'react';
import { Button, Card, Space, Table, Tag, Tooltip, Typography, theme } from 'antd';
import { ArrowDownOutlined, ArrowUpOutlined, DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { GroupHealth, GroupHealthReport } from '../../api';
import { enums, useLabels } from '../../labels';
import { useSortedRows } from './sort';
import { downloadCsv, reasonText, trendChange, useFormat } from './format';

type SortKey = 'name' | 'score' | 'seats' | 'messages' | 'weeklyActive' | 'activeRate' | 'trend';
const nearCapacity = (g: GroupHealth) => g.reasons.some((r) => r.code === 'near_capacity');
/** Up (1), down (−1) or level (0, also without a trend): a change under half a percent is level. */
const direction = (g: GroupHealth) => (g.trend === null || Math.abs(g.trend - 1) < 0.005 ? 0 : g.trend > 1 ? 1 : -1);
const compare: Record<SortKey, (a: GroupHealth, b: GroupHealth) => number> = {
  name: (a, b) => a.name.localeCompare(b.name, 'zh-CN'),
  score: (a, b) => a.score - b.score,
  seats: (a, b) => a.seats - b.seats,
  messages: (a, b) => a.messages - b.messages,
  weeklyActive: (a, b) => a.weeklyActive - b.weeklyActive,
  activeRate: (a, b) => a.activeRate - b.activeRate,
  // No trend (too little said before) sorts below every trend.
  trend: (a, b) => (a.trend ?? -Infinity) - (b.trend ?? -Infinity),
};

export function scoreColor(score: number): string {
  return score >= 80 ? 'green' : score >= 60 ? 'gold' : score >= 40 ? 'orange' : 'red';
}

export function HealthBoard({ report, loading, communityName, current, onDrill }: {
  report: GroupHealthReport | undefined;
  loading: boolean;
  communityName: (id: string) => string;
  /** The group the dashboard shows, if one. */
  current: string | null;
  onDrill: (groupId: string) => void;
}) {
  const { t } = useTranslation();
  const f = useFormat();
  const { label } = useLabels();
  const { token } = theme.useToken();
  const items = report?.items;
  const { rows, order, onChange } = useSortedRows(items, compare);
  const rank = useMemo(() => new Map((items ?? []).map((g, i) => [g.groupId, i + 1])), [items]);

  const flags = (g: GroupHealth) => [
    ...(g.quiet ? [{ key: 'quiet', color: 'blue', label: t('evaluate.flag.quiet') }] : []),
    ...(g.pastPrime ? [{ key: 'pastPrime', color: 'purple', label: t('evaluate.flag.pastPrime') }] : []),
    ...(nearCapacity(g) ? [{ key: 'nearCapacity', color: 'volcano', label: t('evaluate.flag.nearCapacity') }] : []),
  ];
  const trendText = (g: GroupHealth) => (g.trend === null ? '—' : `${['↓', '', '↑'][direction(g) + 1]}${f.pct(Math.abs(trendChange(g.trend)), 0)}`);

  const exportCsv = () => {
    const head = [
      t('evaluate.board.rank'), t('evaluate.board.group'), t('evaluate.board.community'), t('evaluate.board.platform'), t('evaluate.board.score'),
      t('evaluate.board.seats'), t('evaluate.board.capacity'), t('evaluate.board.messages'), t('evaluate.board.joins'), t('evaluate.board.leaves'),
      t('evaluate.board.weeklyActive'), t('evaluate.board.activeRate'), t('evaluate.board.trend'), t('evaluate.board.ageDays'), t('evaluate.board.flags'), t('evaluate.board.reasons'),
    ];
    const body = rows.map((g) => [
      rank.get(g.groupId) ?? '', g.name, communityName(g.communityId), label(enums.platform, g.platform), g.score,
      g.seats, g.capacity, g.messages, g.joins, g.leaves,
      g.weeklyActive, f.pct(g.activeRate), trendText(g), g.ageDays, flags(g).map((x) => x.label).join(' '), g.reasons.map((r) => reasonText(t, f, r)).join('；'),
    ]);
    downloadCsv(`group-health-${report?.range.from ?? ''}-${report?.range.to ?? ''}.csv`, [head, ...body]);
  };

  return (
    <Card
      data-testid="evaluate-board"
      title={<span>{t('evaluate.board.title')} <Typography.Text type="secondary" style={{ fontWeight: 400, fontSize: 13 }}>{t('evaluate.board.hint')}</Typography.Text></span>}
      extra={<Button data-testid="evaluate-board-export" icon={<DownloadOutlined />} onClick={exportCsv} disabled={!rows.length}>{t('evaluate.board.export')}</Button>}
    >
      <Table<GroupHealth>
        data-testid="evaluate-board-table"
        rowKey="groupId"
        size="middle"
        loading={loading}
        dataSource={rows}
        pagination={rows.length > 10 ? { pageSize: 10, showSizeChanger: true, pageSizeOptions: [10, 20, 50, 100], size: 'small' } : false}
        onChange={onChange}
        onRow={(g) => ({ 'data-testid': 'board-row', 'data-id': g.groupId, style: g.groupId === current ? { background: token.colorPrimaryBg } : undefined }) as React.HTMLAttributes<HTMLElement>}
        locale={{ emptyText: t('evaluate.board.empty') }}
        columns={[
          { key: 'rank', title: '#', width: 48, render: (_, g) => <Typography.Text type="secondary">{rank.get(g.groupId)}</Typography.Text> },
          {
            key: 'name', title: t('evaluate.board.group'), sorter: true, sortOrder: order('name'),
            render: (_, g) => (
              <div style={{ minWidth: 140 }}>
                <Tooltip title={t('evaluate.board.drill')}>
                  <Typography.Link data-testid="board-drill" onClick={() => onDrill(g.groupId)} strong={g.groupId === current}>{g.name}</Typography.Link>
                </Tooltip>
                <div style={{ fontSize: 12, color: token.colorTextTertiary }}>
                  {communityName(g.communityId)} · {label(enums.platform, g.platform)}
                </div>
              </div>
            ),
          },
          {
            key: 'score', title: t('evaluate.board.score'), sorter: true, sortOrder: order('score'), align: 'center', width: 84,
            render: (_, g) => <Tag data-testid="board-score" data-value={g.score} color={scoreColor(g.score)} style={{ minWidth: 40, textAlign: 'center', fontWeight: 600, marginInlineEnd: 0 }}>{g.score}</Tag>,
          },
          {
            key: 'seats', title: t('evaluate.board.seats'), sorter: true, sortOrder: order('seats'), align: 'right', width: 110,
            render: (_, g) => (
              <span data-testid="board-seats" style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
                {f.int(g.seats)}
                {g.capacity ? <Typography.Text type="secondary" style={{ fontSize: 12 }}> / {f.int(g.capacity)}</Typography.Text> : null}
              </span>
            ),
          },
          { key: 'messages', title: t('evaluate.board.messages'), sorter: true, sortOrder: order('messages'), align: 'right', width: 96, render: (_, g) => <span data-testid="board-messages">{f.int(g.messages)}</span> },
          { key: 'weeklyActive', title: t('evaluate.board.weeklyActive'), sorter: true, sortOrder: order('weeklyActive'), align: 'right', width: 96, render: (_, g) => f.dec(g.weeklyActive, 1) },
          { key: 'activeRate', title: t('evaluate.board.activeRate'), sorter: true, sortOrder: order('activeRate'), align: 'right', width: 96, render: (_, g) => f.pct(g.activeRate) },
          {
            key: 'trend', title: <Tooltip title={t('evaluate.board.trendHint')}>{t('evaluate.board.trend')}</Tooltip>, sorter: true, sortOrder: order('trend'), align: 'right', width: 90,
            render: (_, g) => (
              <span data-testid="board-trend" data-value={g.trend ?? ''} style={{ whiteSpace: 'nowrap', color: direction(g) === 0 ? token.colorTextTertiary : direction(g) > 0 ? token.colorSuccess : token.colorError }}>
                {direction(g) > 0 ? <ArrowUpOutlined /> : direction(g) < 0 ? <ArrowDownOutlined /> : null} {g.trend === null ? '—' : f.pct(Math.abs(trendChange(g.trend)), 0)}
              </span>
            ),
          },
          {
            key: 'flags', title: t('evaluate.board.flags'), width: 130,
            render: (_, g) => (
              <Space size={[0, 4]} wrap>
                {flags(g).map((x) => <Tag key={x.key} color={x.color} data-testid={`board-flag-${x.key}`}>{x.label}</Tag>)}
              </Space>
            ),
          },
          {
            key: 'reasons', title: t('evaluate.board.reasons'),
            render: (_, g) => g.reasons.length ? (
              <ul data-testid="board-reasons" style={{ margin: 0, paddingLeft: 16, fontSize: 13, color: token.colorTextSecondary }}>
                {g.reasons.map((r) => <li key={r.code} data-code={r.code}>{reasonText(t, f, r)}</li>)}
              </ul>
            ) : <Typography.Text type="secondary" style={{ fontSize: 13 }}>{t('evaluate.board.healthy')}</Typography.Text>,
          },
        ]}
      />
    </Card>
  );
}
