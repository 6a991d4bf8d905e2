// 评估精进 › 概览: the evaluation dashboard for a scope (the whole workspace, a community or a group) and a
// range of days, both kept in the address. Scale against the floor, growth, actives against the target and
// revenue (KPI cards); messages, joins and leaves by day with the daily actives; weekly and monthly actives;
// when people talk (hour × weekday); the funnel 吸粉 → 养粉 → 促粉 → 变现; join-cohort retention; the groups'
// health board, where a click on a group drills the whole dashboard into it; and scale against each
// community's member floor.
import { useMemo } from 'react';
import { Alert, Breadcrumb, Col, Row } from 'antd';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, qs, type AnalyticsFunnel, type AnalyticsOverview, type AnalyticsRetention, type GroupHealthReport, type Me } from '../../api';
import { useAllGroups, useCommunities } from '../Groups';
import { ActivesCard, ActivityCard, FunnelCard, HourHeatmapCard, RetentionCard } from './Charts';
import { DrillDrawer, useDrill } from './Drill';
import { HealthBoard } from './HealthBoard';
import { Kpis } from './Kpis';
import { ScaleTable } from './ScaleTable';
import { ScopeToolbar, useEvaluateScope } from './Toolbar';

const STALE = 60_000;

export function Dashboard({ me }: { me: Me }) {
  const { t } = useTranslation();
  const scope = useEvaluateScope(me);
  const { params, scoped, query, setScope } = scope;
  const groups = useAllGroups();
  const communities = useCommunities();
  const allowed = me.permissions.includes('activity.read') && me.permissions.includes('member.read');
  const ready = allowed && scope.ready;
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

  const drill = useDrill();
  const groupById = useMemo(() => new Map((groups.data?.items ?? []).map((g) => [g.id, g])), [groups.data]);
  const communityById = useMemo(() => new Map((communities.data?.items ?? []).map((c) => [c.id, c])), [communities.data]);

  if (!allowed) return <Alert type="info" showIcon title={t('evaluate.noPermission')} />;

  const o = overview.data;
  const fetching = overview.isFetching || funnel.isFetching || retention.isFetching || health.isFetching;
  const drillGroup = (id: string) => {
    params.set({ group: id, community: null }, true);
    window.scrollTo({ top: 0 });
  };

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
      <ScopeToolbar me={me} scope={scope} range={o?.range} fetching={fetching} />
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
      <Kpis
        overview={o} loading={overview.isPending && ready}
        onSilent={() => drill.drill({ target: { silent: true }, title: t('evaluate.drill.silent'), file: 'silent' })}
      />
      <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
        <Col span={24}>
          <ActivityCard overview={o} onDrill={drill.drill} />
        </Col>
        <Col xs={24} xl={10}>
          <ActivesCard overview={o} onDrill={drill.drill} />
        </Col>
        <Col xs={24} xl={14}>
          <HourHeatmapCard overview={o} />
        </Col>
        <Col xs={24} xl={11}>
          <FunnelCard funnel={funnel.data} onDrill={drill.drill} />
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
              onDrill={drillGroup}
            />
          </Col>
        )}
        {shown && shown.kind !== 'group' && (
          <Col span={24}>
            <ScaleTable communityId={shown.kind === 'community' ? shown.id : null} />
          </Col>
        )}
      </Row>
      <DrillDrawer request={drill.request} query={query} onClose={drill.close} />
    </div>
  );
}
