// 成员: one record per person across groups and platforms; search, load more, profile (with points, badges
// and tasks), bulk tags. The second tab finds people counted twice (识别重复): merge suggestions, merges and
// their undo, and a community's seats against its real people.
import { useMemo, useState } from 'react';
import { App, Button, Card, Descriptions, Drawer, Form, Input, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import { SearchOutlined, TagsOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, patch, qs, type Me, type Member, type MemberDetail, type Page } from '../api';
import { enums, useLabels } from '../labels';
import { useSearchParam } from '../router';
import { useAllGroups } from './Groups';
import { WhoIsWho } from './member/WhoIsWho';
import { MemberPoints, TasksPanel } from './rules/Tasks';

interface Filters {
  q?: string;
  tag?: string;
  city?: string;
  circle?: string;
  stage?: string;
}

const TABS = ['list', 'identity'] as const;
type Tab = (typeof TABS)[number];

export function Members({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [param, setParam] = useSearchParam('tab');
  const tab: Tab = (TABS as readonly string[]).includes(param ?? '') ? (param as Tab) : 'list';
  const items = [
    { key: 'list', label: <span data-testid="members-tab-list">{t('members.tabs.list')}</span>, children: <MemberList me={me} /> },
    ...(me.permissions.includes('member.read')
      ? [{ key: 'identity', label: <span data-testid="members-tab-identity">{t('members.tabs.identity')}</span>, children: <WhoIsWho me={me} /> }]
      : []),
  ];
  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>{t('members.title')}</Typography.Title>
      <Tabs activeKey={tab} onChange={(k) => setParam(k === 'list' ? null : k)} destroyOnHidden items={items} />
    </>
  );
}

function MemberList({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { label, options } = useLabels();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const canWrite = me.permissions.includes('member.write');
  const [filters, setFilters] = useState<Filters>({});
  const [selected, setSelected] = useState<string[]>([]);
  const [bulkTag, setBulkTag] = useState('');
  const [tagging, setTagging] = useState(false);
  // The open profile is in the address (member=), so other pages link to a member: /members?member=mem_….
  const [profile, setProfile] = useSearchParam('member');

  const search = useInfiniteQuery({
    queryKey: ['members', filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => get<Page<Member>>(`/members${qs({ ...filters, limit: 50, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = useMemo(() => search.data?.pages.flatMap((p) => p.items) ?? [], [search.data]);

  const applyTag = async () => {
    const tag = bulkTag.trim();
    if (!tag || !selected.length) return;
    setTagging(true);
    let failed = 0;
    for (const id of selected) {
      const m = rows.find((r) => r.id === id);
      if (!m || m.tags.includes(tag)) continue;
      try {
        await patch(`/members/${id}`, { tags: [...m.tags, tag] });
      } catch {
        failed++;
      }
    }
    setTagging(false);
    setBulkTag('');
    setSelected([]);
    void qc.invalidateQueries({ queryKey: ['members'] });
    if (failed) message.error(t('members.tagFailed', { count: failed }));
    else message.success(t('members.tagged', { tag }));
  };

  return (
    <>
      <Card>
        <Form<Filters> layout="inline" onFinish={(v) => { setSelected([]); setFilters(Object.fromEntries(Object.entries(v).filter(([, x]) => x)) as Filters); }} style={{ rowGap: 8, marginBottom: 16 }}>
          <Form.Item name="q">
            <Input allowClear prefix={<SearchOutlined />} placeholder={t('members.searchPh')} style={{ width: 260 }} data-testid="member-search" />
          </Form.Item>
          <Form.Item name="tag">
            <Input allowClear placeholder={t('members.tag')} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="city">
            <Input allowClear placeholder={t('members.city')} style={{ width: 120 }} />
          </Form.Item>
          <Form.Item name="circle">
            <Select allowClear placeholder={t('members.circle')} style={{ width: 140 }} options={options(enums.memberCircle)} />
          </Form.Item>
          <Form.Item name="stage">
            <Select allowClear placeholder={t('members.stage')} style={{ width: 120 }} options={options(enums.lifecycleStage)} />
          </Form.Item>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined />} data-testid="member-search-submit">{t('common.search')}</Button>
        </Form>
        {canWrite && (
          <Space style={{ marginBottom: 12 }}>
            <Typography.Text type="secondary">{t('members.selected', { count: selected.length })}</Typography.Text>
            <Input value={bulkTag} onChange={(e) => setBulkTag(e.target.value)} placeholder={t('members.newTag')} style={{ width: 160 }} maxLength={50} disabled={!selected.length} data-testid="bulk-tag" />
            <Button icon={<TagsOutlined />} onClick={applyTag} loading={tagging} disabled={!selected.length || !bulkTag.trim()} data-testid="bulk-tag-apply">{t('members.addTag')}</Button>
          </Space>
        )}
        <Table<Member>
          rowKey="id"
          loading={search.isPending}
          dataSource={rows}
          pagination={false}
          data-testid="member-table"
          rowSelection={canWrite ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) } : undefined}
          columns={[
            { title: t('members.name'), dataIndex: 'displayName', render: (v: string, m) => <a onClick={() => setProfile(m.id)}>{v}</a> },
            { title: t('members.city'), dataIndex: 'city', render: (v: string | null) => v ?? '' },
            { title: t('members.occupation'), dataIndex: 'occupation', render: (v: string | null) => v ?? '' },
            { title: t('members.circle'), dataIndex: 'circle', render: (v: string | null) => label(enums.memberCircle, v) },
            { title: t('members.stage'), dataIndex: 'stage', render: (v: string) => <Tag color="orange">{label(enums.lifecycleStage, v)}</Tag> },
            { title: t('members.tags'), dataIndex: 'tags', render: (v: string[]) => v.map((x) => <Tag key={x}>{x}</Tag>) },
            { title: t('members.joinedAt'), dataIndex: 'joinedAt', render: (v: string) => new Date(v).toLocaleDateString() },
          ]}
        />
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          {search.hasNextPage ? (
            <Button onClick={() => void search.fetchNextPage()} loading={search.isFetchingNextPage} data-testid="load-more">{t('common.loadMore')}</Button>
          ) : (
            <Typography.Text type="secondary">{t('members.shown', { count: rows.length })}</Typography.Text>
          )}
        </div>
      </Card>
      {profile && <Profile id={profile} me={me} onClose={() => setProfile(null)} />}
    </>
  );
}

function Profile({ id, me, onClose }: { id: string; me: Me; onClose: () => void }) {
  const { t } = useTranslation();
  const { label } = useLabels();
  const m = useQuery({ queryKey: ['member', id], queryFn: () => get<MemberDetail>(`/members/${id}`) });
  const groups = useAllGroups();
  const groupName = (gid: string) => groups.data?.items.find((g) => g.id === gid)?.name ?? gid;
  const d = m.data;
  return (
    <Drawer open size={720} title={d?.displayName ?? ''} onClose={onClose} loading={m.isPending} data-testid="member-drawer">
      {d && (
        <>
          <Descriptions
            size="small"
            bordered
            column={2}
            items={[
              { key: 'gender', label: t('members.gender'), children: label(enums.gender, d.gender) },
              { key: 'birthYear', label: t('members.birthYear'), children: d.birthYear ?? '' },
              { key: 'city', label: t('members.city'), children: d.city ?? '' },
              { key: 'occupation', label: t('members.occupation'), children: d.occupation ?? '' },
              { key: 'phone', label: t('members.phone'), children: d.phone ?? '' },
              { key: 'email', label: t('members.email'), children: d.email ?? '' },
              { key: 'circle', label: t('members.circle'), children: label(enums.memberCircle, d.circle) },
              { key: 'stage', label: t('members.stage'), children: label(enums.lifecycleStage, d.stage) },
              { key: 'source', label: t('members.source'), children: d.sourceChannel ?? '' },
              { key: 'joined', label: t('members.joinedAt'), children: new Date(d.joinedAt).toLocaleString() },
              { key: 'tags', label: t('members.tags'), span: 2, children: d.tags.map((x) => <Tag key={x}>{x}</Tag>) },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 20 }}>{t('points.title')}</Typography.Title>
          <MemberPoints memberId={d.id} />
          <Typography.Title level={5} style={{ marginTop: 20 }}>{t('tasks.title')}</Typography.Title>
          <TasksPanel me={me} memberId={d.id} bare />
          <Typography.Title level={5} style={{ marginTop: 20 }}>{t('members.identities')}</Typography.Title>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={d.identities}
            columns={[
              { title: t('groups.platform'), dataIndex: 'platform', render: (v: string) => label(enums.platform, v) },
              { title: t('members.externalId'), dataIndex: 'externalId' },
              { title: t('members.handle'), dataIndex: 'handle', render: (v: string | null) => v ?? '' },
            ]}
          />
          <Typography.Title level={5} style={{ marginTop: 20 }}>{t('members.memberships')}</Typography.Title>
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={d.memberships}
            columns={[
              { title: t('groups.name'), dataIndex: 'groupId', render: (v: string) => groupName(v) },
              { title: t('groups.number'), dataIndex: 'numberDisplay', render: (v: string | null) => v ?? '—' },
              { title: t('groups.role'), dataIndex: 'role', render: (v: string) => label(enums.membershipRole, v) },
              { title: t('groups.joinedAt'), dataIndex: 'joinedAt', render: (v: string) => new Date(v).toLocaleDateString() },
              { title: t('members.left'), dataIndex: 'leftAt', render: (v: string | null) => (v ? new Date(v).toLocaleDateString() : '') },
            ]}
          />
        </>
      )}
    </Drawer>
  );
}
