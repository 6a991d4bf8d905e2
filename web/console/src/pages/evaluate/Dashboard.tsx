// 评估精进 › 概览: the evaluation dashboard for a scope (the whole workspace, a community or a group) and a
// range of days, both kept in the address. Scale against the floor, growth, actives against the target and
// revenue (KPI cards); messages, joins and leaves by day with the daily actives; weekly and monthly actives;
// when people talk (hour × weekday); the funnel 吸粉 → 养粉 → 促粉 → 变现; join-cohort retention; the groups'
// health board, where a click on a group drills the whole dashboard into it; and scale against each
// community's member floor.
import { useMemo } from 'react';
import { Alert, Breadcrumb, Col, DatePicker, Row, Space, Spin, TreeSelect, Typography } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import 'dayjs/locale/zh-cn';
import { get, qs, type AnalyticsFunnel, type AnalyticsOverview, type AnalyticsRetention, type GroupHealthReport, type Me } from '../../api';
import { useAllGroups, useCommunities } from '../Groups';
import { ActivesCard, ActivityCard, FunnelCard, HourHeatmapCard, RetentionCard } from './Charts';
import { HealthBoard } from './HealthBoard';
import { Kpis } from './Kpis';
import { isScoped, useDashboardParams, type DashboardQuery } from './params';
import { ScaleTable } from './ScaleTable';

const STALE = 60_000;

export function Dashboard({ me }: { me: Me }) {
  const { t } = useTranslation();
  const params = useDashboardParams();
  const groups = useAllGroups();
  const communities = useCommunities();
  const allowed = me.permissions.includes('activity.read') && me.permissions.includes('member.read');
  const scoped = isScoped(me);

  // An operator with a scope cannot read the whole workspace: with nothing picked, its first community, else its first group.
  let { communityId, groupId } = params;
  if (!communityId && !groupId && scoped) {
    const first = me.operator?.scope?.communities[0];
    if (first) communityId = first;
    else groupId = groups.data?.items[0]?.id ?? null;
  }
  const ready = allowed && (!scoped || !!(communityId || groupId));
  const query: DashboardQuery = { ...(groupId ? { groupId } : communityId ? { communityId } : {}), ...(params.range ?? {}) };
  const common = { enabled: ready, placeholderData: keepPreviousData, staleTime: STALE } as const;
  const overview = useQuery({ ...common, queryKey: ['analytics', 'overview', query], queryFn: () => get<AnalyticsOverview>(`/analytics/overview${qs(query)}`) });
  const funnel = useQuery({ ...common, queryKey: ['analytics', 'funnel', query], queryFn: () => get<AnalyticsFunnel>(`/analytics/funnel${qs(query)}`) });
  const retention = useQuery({
    ...common, queryKey: ['analytics', 'retention', query, params.period],
    queryFn: () => get<AnalyticsRetention>(`/analytics/retention${qs({ ...query, period: params.period })}`),
  });
  const canBoard = me.permissions.includes('group.read');
  const health = useQuery({
    ...common, enabled: ready && canBoard, queryKey: ['analytics', 'groups', query],
    queryFn: () => get<GroupHealthReport>(`/analytics/groups${qs(query)}`),
  });

  const groupById = useMemo(() => new Map((groups.data?.items ?? []).map((g) => [g.id, g])), [groups.data]);
  const communityById = useMemo(() => new Map((communities.data?.items ?? []).map((c) => [c.id, c])), [communities.data]);

  if (!allowed) return <Alert type="info" showIcon title={t('evaluate.noPermission')} />;

  const o = overview.data;
  const fetching = overview.isFetching || funnel.isFetching || retention.isFetching || health.isFetching;
  const setScope = (v: string) => {
    const [kind, id] = v.split(':') as [string, string | undefined];
    params.set({ community: kind === 'c' ? id! : null, group: kind === 'g' ? id! : null }, true);
  };
  const drill = (id: string) => {
    params.set({ group: id, community: null }, true);
    window.scrollTo({ top: 0 });
  };
  const scopeValue = groupId ? `g:${groupId}` : communityId ? `c:${communityId}` : 'all';

  // Where the figures are from: the scope the server answered for (so the title and the figures always agree).
  const shown = o?.scope;
  const shownGroup = shown?.kind === 'group' && shown.id ? groupById.get(shown.id) : undefined;
  const parentCommunity = shownGroup ? communityById.get(shownGroup.communityId) : undefined;
  const crumbs = [
    { key: 'all', title: scoped ? t('evaluate.scope.mine') : t('evaluate.scope.workspace'), to: scoped ? null : 'all' },
    ...(parentCommunity ? [{ key: 'c', title: parentCommunity.name, to: `c:${parentCommunity.id}` }] : []),
    ...(shown && shown.kind !== 'workspace' ? [{ key: 'here', title: shown.name ?? '', to: null }] : []),
  ];

  return (
    <div data-testid="evaluate-dashboard">
      <div
        data-testid="evaluate-toolbar"
        style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', justifyContent: 'space-between', gap: 12, marginBottom: 16 }}
      >
        <Space size={12} wrap>
          <ScopePicker me={me} value={scopeValue} onChange={setScope} />
          <RangePicker
            value={params.range ?? (o ? { from: o.range.from, to: o.range.to } : null)}
            onChange={(r) => params.set({ from: r.from, to: r.to }, true)}
          />
          {fetching && <Spin size="small" data-testid="evaluate-fetching" />}
        </Space>
        {o && (
          <Typography.Text type="secondary" data-testid="evaluate-range-text">
            {t('evaluate.rangeText', { from: o.range.from, to: o.range.to, timezone: o.range.timezone })}
          </Typography.Text>
        )}
      </div>
      {overview.error && <Alert type="error" showIcon title={overview.error.message} style={{ marginBottom: 16 }} />}
      {o && (
        <Breadcrumb
          style={{ marginBottom: 12, fontSize: 16 }}
          items={crumbs.map((c, i) => ({
            key: c.key,
            title: i === crumbs.length - 1
              ? <span data-testid="evaluate-scope-name" data-kind={shown?.kind} data-id={shown?.id ?? ''} style={{ fontWeight: 600, color: 'inherit' }}>{c.title}</span>
              : c.to
                ? <a data-testid={`evaluate-crumb-${c.key}`} onClick={() => setScope(c.to!)}>{c.title}</a>
                : c.title,
          }))}
        />
      )}
      <Kpis overview={o} loading={overview.isPending && ready} />
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col span={24}>
          <ActivityCard overview={o} />
        </Col>
        <Col xs={24} xl={10}>
          <ActivesCard overview={o} />
        </Col>
        <Col xs={24} xl={14}>
          <HourHeatmapCard overview={o} />
        </Col>
        <Col xs={24} xl={11}>
          <FunnelCard funnel={funnel.data} />
        </Col>
        <Col xs={24} xl={13}>
          <RetentionCard retention={retention.data} period={params.period} onPeriod={(p) => params.set({ period: p === 'week' ? null : p })} />
        </Col>
        {canBoard && (
          <Col span={24}>
            <HealthBoard
              report={health.data}
              loading={health.isPending && ready}
              communityName={(id) => communityById.get(id)?.name ?? ''}
              current={shown?.kind === 'group' ? shown.id : null}
              onDrill={drill}
            />
          </Col>
        )}
        {shown && shown.kind !== 'group' && (
          <Col span={24}>
            <ScaleTable communityId={shown.kind === 'community' ? shown.id : null} />
          </Col>
        )}
      </Row>
    </div>
  );
}

/** The whole workspace, a community or a group (an operator with a scope: its communities and groups only). */
function ScopePicker({ me, value, onChange }: { me: Me; value: string; onChange: (v: string) => void }) {
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
function RangePicker({ value, onChange }: { value: { from: string; to: string } | null; onChange: (r: { from: string; to: string }) => void }) {
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
