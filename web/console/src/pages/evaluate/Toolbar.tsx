// The scope (the whole workspace, a community or a group) and the range of days that 概览, 价值, 结构 and
// 团队 share, kept in the address (params.ts): the pickers, the hook that resolves what the server is asked
// for (an operator with a scope never asks for the whole workspace) and the toolbar that holds them.
import { useMemo, type ReactNode } from 'react';
import { DatePicker, Space, Spin, TreeSelect, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import 'dayjs/locale/zh-cn';
import type { AnalyticsRange, Me } from '../../api';
import { useAllGroups, useCommunities } from '../Groups';
import { isScoped, useDashboardParams, type DashboardQuery } from './params';

/** The scope and range in the address, resolved: what to ask the server for, and whether it may be asked yet. */
export function useEvaluateScope(me: Me) {
  const params = useDashboardParams();
  const groups = useAllGroups();
  const scoped = isScoped(me);
  // An operator with a scope cannot read the whole workspace: with nothing picked, its first community, else its first group.
  let { communityId, groupId } = params;
  if (!communityId && !groupId && scoped) {
    const first = me.operator?.scope?.communities[0];
    if (first) communityId = first;
    else groupId = groups.data?.items[0]?.id ?? null;
  }
  const ready = !scoped || !!(communityId || groupId);
  const scopeQuery: Pick<DashboardQuery, 'communityId' | 'groupId'> = groupId ? { groupId } : communityId ? { communityId } : {};
  const query: DashboardQuery = { ...scopeQuery, ...(params.range ?? {}) };
  const setScope = (v: string) => {
    const [kind, id] = v.split(':') as [string, string | undefined];
    params.set({ community: kind === 'c' ? id! : null, group: kind === 'g' ? id! : null }, true);
  };
  const scopeValue = groupId ? `g:${groupId}` : communityId ? `c:${communityId}` : 'all';
  return { params, communityId, groupId, scoped, ready, scopeQuery, query, setScope, scopeValue };
}
export type EvaluateScope = ReturnType<typeof useEvaluateScope>;

/**
 * The toolbar: the scope picker, the range picker (unless the figures have no range), a spinner while
 * fetching, and on the right the range the server answered for (or what `right` says).
 */
export function ScopeToolbar({ me, scope, range, fetching, withRange = true, right }: {
  me: Me;
  scope: EvaluateScope;
  /** The range the server answered for: shown in the picker when the address has none, and on the right. */
  range?: AnalyticsRange;
  fetching: boolean;
  withRange?: boolean;
  right?: ReactNode;
}) {
  const { t } = useTranslation();
  const { params } = scope;
  return (
    <div
      data-testid="evaluate-toolbar"
      style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', justifyContent: 'space-between', gap: 12, marginBottom: 16 }}
    >
      <Space size={12} wrap>
        <ScopePicker me={me} value={scope.scopeValue} onChange={scope.setScope} />
        {withRange && (
          <RangePicker
            value={params.range ?? (range ? { from: range.from, to: range.to } : null)}
            onChange={(r) => params.set({ from: r.from, to: r.to }, true)}
          />
        )}
        {fetching && <Spin size="small" data-testid="evaluate-fetching" />}
      </Space>
      {right ?? (withRange && range && (
        <Typography.Text type="secondary" data-testid="evaluate-range-text">
          {t('evaluate.rangeText', { from: range.from, to: range.to, timezone: range.timezone })}
        </Typography.Text>
      ))}
    </div>
  );
}

/** The whole workspace, a community or a group (an operator with a scope: its communities and groups only). */
export function ScopePicker({ me, value, onChange }: { me: Me; value: string; onChange: (v: string) => void }) {
  const { t } = useTranslation();
  const communities = useCommunities();
  const groups = useAllGroups();
  const scope = me.operator?.scope ?? null;
  const tree = useMemo(() => {
    const byCommunity = new Map<string, { value: string; title: string }[]>();
    for (const g of groups.data?.items ?? []) {
      const list = byCommunity.get(g.communityId) ?? [];
      list.push({ value: `g:${g.id}`, title: g.name });
      byCommunity.set(g.communityId, list);
    }
    const nodes = (communities.data?.items ?? [])
      .map((c) => ({
        value: `c:${c.id}`, title: c.name, selectable: !scope || scope.communities.includes(c.id),
        children: byCommunity.get(c.id) ?? [],
      }))
      .filter((n) => n.selectable || n.children.length);
    return scope ? nodes : [{ value: 'all', title: t('evaluate.scope.workspace') }, ...nodes];
  }, [communities.data, groups.data, scope, t]);
  return (
    <TreeSelect
      data-testid="evaluate-scope"
      style={{ width: 300 }}
      value={communities.data && groups.data ? value : undefined}
      placeholder={t('evaluate.scope.placeholder')}
      treeData={tree}
      onChange={(v: string) => onChange(v)}
      showSearch={{ treeNodeFilterProp: 'title' }}
      loading={communities.isPending || groups.isPending}
      popupMatchSelectWidth={360}
      listHeight={420}
      treeDefaultExpandedKeys={value.startsWith('g:') ? [value] : []}
      prefix={<span style={{ color: 'rgba(0,0,0,.45)' }}>{t('evaluate.scope.label')}</span>}
    />
  );
}

/** The range of days, with the usual presets; at most 366 days, none after today. */
export function RangePicker({ value, onChange }: { value: { from: string; to: string } | null; onChange: (r: { from: string; to: string }) => void }) {
  const { t } = useTranslation();
  const today = dayjs();
  const lastMonth = today.subtract(1, 'month');
  const presets: { label: string; value: [Dayjs, Dayjs] }[] = [
    { label: t('evaluate.preset.last7'), value: [today.subtract(6, 'day'), today] },
    { label: t('evaluate.preset.last30'), value: [today.subtract(29, 'day'), today] },
    { label: t('evaluate.preset.last90'), value: [today.subtract(89, 'day'), today] },
    { label: t('evaluate.preset.thisMonth'), value: [today.startOf('month'), today] },
    { label: t('evaluate.preset.lastMonth'), value: [lastMonth.startOf('month'), lastMonth.endOf('month')] },
  ];
  return (
    <span data-testid="evaluate-range">
      <DatePicker.RangePicker
        value={value ? [dayjs(value.from), dayjs(value.to)] : null}
        allowClear={false}
        presets={presets}
        disabledDate={(d, info) => d.isAfter(today, 'day') || (info?.from ? Math.abs(d.diff(info.from, 'day')) >= 366 : false)}
        onChange={(v) => {
          if (v?.[0] && v[1]) onChange({ from: v[0].format('YYYY-MM-DD'), to: v[1].format('YYYY-MM-DD') });
        }}
      />
    </span>
  );
}
