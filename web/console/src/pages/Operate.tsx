// 运营: the group rules (群规) of any group, group set or community with the dry run of the moderation rule,
// what the rules did (群规执行记录, with undo), the members' tasks, and the activity stream, newest first
// (the spine the rules engine and analytics read). 直播: live sessions relayed from a main group to many
// groups, each with its control room (pages/live).
import { useMemo, useState } from 'react';
import { Button, Card, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, qs, type Activity, type Me, type Page } from '../api';
import { enums, useLabels } from '../labels';
import { useSearchParam } from '../router';
import { useAllGroups } from './Groups';
import { RuleActions } from './rules/RuleActions';
import { RulesBoard } from './rules/RulesBoard';
import { TasksPanel } from './rules/Tasks';
import { LivePanel } from './live/LivePanel';

const TABS = ['rules', 'log', 'tasks', 'live', 'activity'] as const;
type Tab = (typeof TABS)[number];

export function Operate({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [param, setParam] = useSearchParam('tab');
  const [, setLive] = useSearchParam('live');
  const tab: Tab = (TABS as readonly string[]).includes(param ?? '') ? (param as Tab) : 'rules';
  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>{t('operate.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('operate.introRules')}</Typography.Paragraph>
      <Tabs
        activeKey={tab}
        onChange={(k) => {
          setLive(null);
          setParam(k === 'rules' ? null : k);
        }}
        destroyOnHidden
        items={[
          { key: 'rules', label: <span data-testid="operate-tab-rules">{t('operate.tabs.rules')}</span>, children: <RulesBoard me={me} /> },
          { key: 'log', label: <span data-testid="operate-tab-log">{t('operate.tabs.log')}</span>, children: <RuleActions me={me} /> },
          { key: 'tasks', label: <span data-testid="operate-tab-tasks">{t('operate.tabs.tasks')}</span>, children: <TasksPanel me={me} /> },
          { key: 'live', label: <span data-testid="operate-tab-live">{t('operate.tabs.live')}</span>, children: <LivePanel me={me} /> },
          { key: 'activity', label: <span data-testid="operate-tab-activity">{t('operate.tabs.activity')}</span>, children: <ActivityStream /> },
        ]}
      />
    </>
  );
}

function ActivityStream() {
  const { t } = useTranslation();
  const { label, options } = useLabels();
  const [kind, setKind] = useState<string | undefined>();
  const [groupId, setGroupId] = useState<string | undefined>();
  const groups = useAllGroups();
  const names = useMemo(() => new Map((groups.data?.items ?? []).map((g) => [g.id, g.name])), [groups.data]);
  const q = useInfiniteQuery({
    queryKey: ['activities', kind, groupId],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => get<Page<Activity>>(`/activities${qs({ kind, groupId, limit: 50, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = useMemo(() => q.data?.pages.flatMap((p) => p.items) ?? [], [q.data]);
  const text = (a: Activity) => {
    const p = a.payload as { text?: unknown; title?: unknown };
    return typeof p.text === 'string' ? p.text : typeof p.title === 'string' ? p.title : '';
  };
  return (
    <>
      <Typography.Paragraph type="secondary">{t('operate.intro')}</Typography.Paragraph>
      <Card
        title={
          <Space>
            <Select allowClear placeholder={t('operate.kind')} style={{ width: 150 }} options={options(enums.activityKind)} onChange={setKind} />
            <Select allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('groups.name')} style={{ width: 220 }} options={(groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))} onChange={setGroupId} />
          </Space>
        }
      >
        <Table<Activity>
          rowKey="id"
          size="small"
          loading={q.isPending}
          dataSource={rows}
          pagination={false}
          columns={[
            { title: t('operate.when'), dataIndex: 'occurredAt', width: 180, render: (v: string) => new Date(v).toLocaleString() },
            { title: t('operate.kind'), dataIndex: 'kind', width: 110, render: (v: string) => <Tag color="geekblue">{label(enums.activityKind, v)}</Tag> },
            { title: t('groups.name'), dataIndex: 'groupId', render: (v: string | null) => (v ? names.get(v) ?? v : '') },
            { title: t('operate.content'), render: (_, a) => <Typography.Text ellipsis style={{ maxWidth: 480 }}>{text(a)}</Typography.Text> },
            { title: t('operate.source'), dataIndex: 'source', width: 140 },
          ]}
        />
        {q.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 12 }}>
            <Button onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>{t('common.loadMore')}</Button>
          </div>
        )}
      </Card>
    </>
  );
}
