// 建群: groups across platforms with their last 7 days of messages, their members with numbers and roles,
// a form to add one, and a group set renamed in one go by its naming pattern. A group's drawer also runs it:
// its overview (the seven roles, entry settings, invite links with QR codes, clone as a template), the live
// chat (post as the team, pin the announcement), join requests, reports, questions. The second tab brings
// groups in from other platforms' chat exports (导入聊天记录); the third integrates old groups into a new group set (整合);
// the fourth connects the workspace's bots on other platforms (平台连接).
import { useMemo, useState, type ReactNode } from 'react';
import { Alert, App, Badge, Button, Card, Col, Descriptions, Drawer, Form, Input, InputNumber, Modal, Progress, Row, Select, Space, Table, Tabs, Tag, Typography, theme } from 'antd';
import { CopyOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, post, qs, type Community, type Group, type GroupSet, type Me, type Membership, type Page } from '../api';
import { applyFieldErrors } from '../forms';
import { enums, useLabels } from '../labels';
import { useSearchParam } from '../router';
import { Sparkline, useGroupStats } from '../stats';
import { CloneGroup } from './group/CloneGroup';
import { Connections } from './group/Connections';
import { GroupChat, LiveTag, type ReplyTarget } from './group/GroupChat';
import { GroupInvites } from './group/GroupInvites';
import { JoinRequests, Questions, Reports, useOpenQuestions, useOpenReports, usePendingRequests } from './group/GroupQueues';
import { GroupRoles } from './group/GroupRoles';
import { GroupRules } from './group/GroupRules';
import { GroupTags } from './group/GroupTags';
import { Imports } from './group/Imports';
import { Integration } from './group/Integration';
import { RenameSet } from './group/RenameSet';

const STATUS_COLOR: Record<string, string> = { active: 'green', quiet: 'gold', archived: 'default' };

export function useCommunities() {
  return useQuery({ queryKey: ['communities'], queryFn: () => get<{ items: Community[] }>('/communities') });
}

export function useAllGroups() {
  return useQuery({ queryKey: ['groups', 'all'], queryFn: () => get<Page<Group>>('/groups?limit=500') });
}

export function useGroupSets() {
  return useQuery({ queryKey: ['group-sets'], queryFn: () => get<{ items: GroupSet[] }>('/group-sets') });
}

const TABS = ['list', 'import', 'integrate', 'connections'] as const;
type Tab = (typeof TABS)[number];

export function Groups({ me }: { me: Me }) {
  const { t } = useTranslation();
  const [param, setParam] = useSearchParam('tab');
  const tab: Tab = (TABS as readonly string[]).includes(param ?? '') ? (param as Tab) : 'list';
  const items = [
    { key: 'list', label: <span data-testid="groups-tab-list">{t('groups.tabs.list')}</span>, children: <GroupList me={me} /> },
    ...(me.permissions.includes('member.read')
      ? [{ key: 'import', label: <span data-testid="groups-tab-import">{t('groups.tabs.import')}</span>, children: <Imports me={me} /> }]
      : []),
    ...(me.permissions.includes('group.read') && me.permissions.includes('member.read')
      ? [{ key: 'integrate', label: <span data-testid="groups-tab-integrate">{t('groups.tabs.integrate')}</span>, children: <Integration me={me} /> }]
      : []),
    ...(me.permissions.includes('group.read')
      ? [{ key: 'connections', label: <span data-testid="groups-tab-connections">{t('groups.tabs.connections')}</span>, children: <Connections me={me} /> }]
      : []),
  ];
  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>{t('groups.title')}</Typography.Title>
      <Tabs activeKey={tab} onChange={(k) => setParam(k === 'list' ? null : k)} destroyOnHidden items={items} />
    </>
  );
}

function GroupList({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { label, options } = useLabels();
  const canWrite = me.permissions.includes('group.write');
  const [filters, setFilters] = useState<{ communityId?: string; groupSetId?: string; platform?: string; kind?: string; status?: string }>({});
  const communities = useCommunities();
  const sets = useGroupSets();
  const names = useMemo(() => new Map((communities.data?.items ?? []).map((c) => [c.id, c.name])), [communities.data]);
  const list = useQuery({ queryKey: ['groups', filters], queryFn: () => get<Page<Group>>(`/groups${qs({ ...filters, limit: 500 })}`) });
  const stats = useGroupStats(7);
  // The open group by id: its row (member count) follows the list as it refreshes live.
  // Kept in the address (group=, and drawer=chat for its chat), so other pages link to a group's chat.
  const [openId, setOpenId] = useSearchParam('group');
  const [drawerTab, setDrawerTab] = useSearchParam('drawer');
  const [opened, setOpened] = useState<Group | null>(null);
  const open = openId ? (list.data?.items.find((g) => g.id === openId) ?? (opened?.id === openId ? opened : null)) : null;
  const openGroup = (g: Group) => {
    setOpened(g);
    setOpenId(g.id);
  };
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const selectedSet = sets.data?.items.find((x) => x.id === filters.groupSetId) ?? null;

  return (
    <>
      <Typography.Paragraph type="secondary">{t('groups.intro')}</Typography.Paragraph>
      <Card
        title={
          <Space wrap>
            <Select allowClear placeholder={t('groups.community')} style={{ width: 200 }} options={(communities.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))} onChange={(v) => setFilters((f) => ({ ...f, communityId: v }))} />
            <Select
              allowClear
              placeholder={t('groups.groupSet')}
              style={{ width: 180 }}
              options={(sets.data?.items ?? []).map((x) => ({ value: x.id, label: `${x.name}（${x.groupCount}）` }))}
              onChange={(v) => setFilters((f) => ({ ...f, groupSetId: v }))}
              data-testid="filter-group-set"
            />
            <Select allowClear placeholder={t('groups.platform')} style={{ width: 140 }} options={options(enums.platform)} onChange={(v) => setFilters((f) => ({ ...f, platform: v }))} />
            <Select allowClear placeholder={t('groups.kind')} style={{ width: 150 }} options={options(enums.groupKind)} onChange={(v) => setFilters((f) => ({ ...f, kind: v }))} />
            <Select allowClear placeholder={t('groups.status')} style={{ width: 120 }} options={options(enums.groupStatus)} onChange={(v) => setFilters((f) => ({ ...f, status: v }))} />
          </Space>
        }
        extra={canWrite && (
          <Space>
            {selectedSet && (
              <Button icon={<EditOutlined />} onClick={() => setRenaming(true)} data-testid="set-rename">{t('rename.open')}</Button>
            )}
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="group-new">{t('groups.new')}</Button>
          </Space>
        )}
      >
        <Table<Group>
          rowKey="id"
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          data-testid="group-table"
          onRow={(g) => ({ onClick: () => openGroup(g), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('groups.name'), dataIndex: 'name', render: (v: string) => <a>{v}</a> },
            { title: t('groups.community'), dataIndex: 'communityId', render: (v: string) => names.get(v) ?? v },
            { title: t('groups.platform'), dataIndex: 'platform', render: (v: string) => label(enums.platform, v) },
            { title: t('groups.kind'), dataIndex: 'kind', render: (v: string) => label(enums.groupKind, v) },
            { title: t('groups.function'), dataIndex: 'function', render: (v: string) => <Tag>{label(enums.groupFunction, v)}</Tag> },
            {
              title: t('groups.members'), width: 200, render: (_, g) => (
                <div>
                  <Typography.Text style={{ fontSize: 12 }}>{g.memberCount.toLocaleString()} / {g.capacity.toLocaleString()}</Typography.Text>
                  <Progress percent={Math.min(100, Math.round((g.memberCount / g.capacity) * 100))} size="small" showInfo={false} status={g.memberCount >= g.capacity ? 'exception' : 'normal'} />
                </div>
              ),
            },
            { title: t('groups.status'), dataIndex: 'status', render: (v: string) => <Tag color={STATUS_COLOR[v]}>{label(enums.groupStatus, v)}</Tag> },
            {
              title: <span title={t('groups.trendHelp')}>{t('groups.trend')}</span>, key: 'trend', width: 112,
              render: (_, g) => <Sparkline values={stats.of(g.id).messagesPerDay} days={stats.data?.days} testId={`spark-${g.id}`} />,
            },
            {
              title: <span data-testid="col-messages7d">{t('groups.messages7d')}</span>, key: 'messages7d', width: 104, align: 'right',
              sorter: (a, b) => stats.of(a.id).messages - stats.of(b.id).messages,
              sortDirections: ['descend', 'ascend', 'descend'], // no third "unsorted" state
              render: (_, g) => <span data-testid={`messages7d-${g.id}`} style={{ fontVariantNumeric: 'tabular-nums' }}>{stats.isPending ? '…' : stats.of(g.id).messages.toLocaleString()}</span>,
            },
          ]}
        />
      </Card>
      {open && (
        <GroupDrawer
          key={open.id}
          group={open}
          me={me}
          communityName={names.get(open.communityId) ?? ''}
          groupSets={sets.data?.items ?? []}
          onOpenGroup={openGroup}
          initialTab={drawerTab === 'chat' ? 'chat' : undefined}
          onClose={() => {
            setDrawerTab(null);
            setOpenId(null);
          }}
        />
      )}
      {creating && <CreateGroup communities={communities.data?.items ?? []} onClose={() => setCreating(false)} />}
      {renaming && selectedSet && <RenameSet set={selectedSet} onClose={() => setRenaming(false)} />}
    </>
  );
}

type DrawerTab = 'overview' | 'chat' | 'requests' | 'reports' | 'questions';

function GroupDrawer({ group, communityName, me, groupSets, onOpenGroup, onClose, initialTab }: {
  group: Group; communityName: string; me: Me; groupSets: GroupSet[]; onOpenGroup: (g: Group) => void; onClose: () => void; initialTab?: DrawerTab;
}) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const [tab, setTab] = useState<DrawerTab>(initialTab ?? 'overview');
  const [reply, setReply] = useState<ReplyTarget | null>(null);
  const can = (p: string) => me.permissions.includes(p);
  const requests = usePendingRequests(group.id);
  const reports = useOpenReports(group.id);
  const questions = useOpenQuestions(group.id);
  const tabLabel = (testId: string, text: string, count?: number, color?: string) => (
    <span data-testid={testId}>
      {text}
      {!!count && <Badge count={count} size="small" color={color ?? token.colorPrimary} style={{ marginInlineStart: 6 }} />}
    </span>
  );
  return (
    <Drawer open size={860} title={group.name} onClose={onClose} data-testid="group-drawer" styles={{ body: { paddingTop: 8 } }}>
      <Tabs
        activeKey={tab}
        tabBarExtraContent={tab === 'chat' ? <LiveTag /> : null}
        onChange={(k) => setTab(k as DrawerTab)}
        items={[
          {
            key: 'overview', label: <span data-testid="group-tab-overview">{t('groupDrawer.overview')}</span>,
            children: <GroupOverview group={group} communityName={communityName} groupSets={groupSets} canWrite={can('group.write')} onOpenGroup={onOpenGroup} />,
          },
          {
            key: 'chat', label: tabLabel('group-tab-chat', t('groupDrawer.chat')),
            children: <GroupChat groupId={group.id} platform={group.platform} pinned={group.announcement} canPost={can('activity.write')} canAnnounce={can('group.write')} reply={reply} onReply={setReply} />,
          },
          {
            key: 'requests', label: tabLabel('group-tab-requests', t('groupDrawer.requests'), requests.data?.items.length),
            children: <JoinRequests groupId={group.id} canDecide={can('member.write')} />,
          },
          {
            key: 'reports', label: tabLabel('group-tab-reports', t('groupDrawer.reports'), reports.data?.items.length, token.colorError),
            children: <Reports groupId={group.id} canDecide={can('member.write')} />,
          },
          {
            key: 'questions', label: tabLabel('group-tab-questions', t('groupDrawer.questions'), questions.data?.items.length, token.colorInfo),
            children: (
              <Questions
                groupId={group.id}
                canAnswer={can('activity.write')}
                onAnswer={(r) => {
                  setReply(r);
                  setTab('chat');
                }}
              />
            ),
          },
        ]}
      />
    </Drawer>
  );
}

function SectionTitle({ children, extra }: { children: ReactNode; extra?: ReactNode }) {
  return (
    <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: 8, margin: '20px 0 8px' }}>
      <Typography.Title level={5} style={{ margin: 0 }}>{children}</Typography.Title>
      {extra}
    </div>
  );
}

function GroupOverview({ group, communityName, groupSets, canWrite, onOpenGroup }: {
  group: Group; communityName: string; groupSets: GroupSet[]; canWrite: boolean; onOpenGroup: (g: Group) => void;
}) {
  const { t } = useTranslation();
  const { label } = useLabels();
  const [cloning, setCloning] = useState(false);
  const setName = group.groupSetId ? (groupSets.find((x) => x.id === group.groupSetId)?.name ?? group.groupSetId) : null;
  const members = useQuery({
    queryKey: ['group-members', group.id],
    queryFn: () => get<Page<Membership & { displayName: string }>>(`/groups/${group.id}/memberships?limit=500`),
  });
  return (
    <>
      <Descriptions
        size="small"
        column={2}
        bordered
        title={<span style={{ fontSize: 14 }}>{t('groupDrawer.basics')}</span>}
        extra={canWrite && (
          <Button size="small" icon={<CopyOutlined />} onClick={() => setCloning(true)} data-testid="group-clone">{t('clone.open')}</Button>
        )}
        items={[
          { key: 'community', label: t('groups.community'), children: communityName },
          { key: 'platform', label: t('groups.platform'), children: label(enums.platform, group.platform) },
          { key: 'kind', label: t('groups.kind'), children: label(enums.groupKind, group.kind) },
          { key: 'function', label: t('groups.function'), children: label(enums.groupFunction, group.function) },
          { key: 'structure', label: t('groups.structure'), children: label(enums.groupStructure, group.structure) },
          { key: 'status', label: t('groups.status'), children: label(enums.groupStatus, group.status) },
          { key: 'members', label: t('groups.members'), children: `${group.memberCount} / ${group.capacity}` },
          { key: 'region', label: t('groups.region'), children: group.region ?? '—' },
          { key: 'tags', label: t('groups.tags'), span: 2, children: <GroupTags group={group} canWrite={canWrite} /> },
          { key: 'groupSet', label: t('groups.groupSet'), children: setName ?? '—' },
          { key: 'createdAt', label: t('groups.createdAt'), children: new Date(group.createdAt).toLocaleDateString() },
        ]}
      />
      <SectionTitle>{t('roles.title')}</SectionTitle>
      <GroupRoles groupId={group.id} />
      <Row gutter={20}>
        <Col xs={24} lg={14}>
          <SectionTitle>{t('rules.title')}</SectionTitle>
          <GroupRules group={group} canWrite={canWrite} setName={setName} communityName={communityName} />
        </Col>
        <Col xs={24} lg={10}>
          <SectionTitle>{t('invites.title')}</SectionTitle>
          <GroupInvites groupId={group.id} groupName={group.name} groupSetId={group.groupSetId} setName={setName} canWrite={canWrite} />
        </Col>
      </Row>
      <SectionTitle>{t('groups.memberList')}</SectionTitle>
      <Table
        size="small"
        rowKey="id"
        loading={members.isPending}
        dataSource={members.data?.items ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
        data-testid="group-members"
        columns={[
          { title: t('groups.number'), dataIndex: 'numberDisplay', width: 100, render: (v: string | null) => v ?? '—' },
          { title: t('members.name'), dataIndex: 'displayName' },
          { title: t('groups.nickname'), dataIndex: 'nickname', render: (v: string | null) => v ?? '' },
          { title: t('groups.role'), dataIndex: 'role', render: (v: string) => <Tag>{label(enums.membershipRole, v)}</Tag> },
          { title: t('groups.joinedAt'), dataIndex: 'joinedAt', render: (v: string) => new Date(v).toLocaleDateString() },
        ]}
      />
      {cloning && (
        <CloneGroup
          group={group}
          groupSets={groupSets}
          onClose={() => setCloning(false)}
          onCreated={(g) => {
            setCloning(false);
            onOpenGroup(g);
          }}
        />
      )}
    </>
  );
}

function CreateGroup({ communities, onClose }: { communities: Community[]; onClose: () => void }) {
  const { t } = useTranslation();
  const { options } = useLabels();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm();
  const [general, setGeneral] = useState<string[]>([]);
  const save = useMutation({
    mutationFn: (v: Record<string, unknown>) => post<Group>('/groups', Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined && x !== null && x !== ''))),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['groups'] });
      void qc.invalidateQueries({ queryKey: ['overview'] });
      message.success(t('common.saved'));
      onClose();
    },
    onError: (e) => setGeneral(applyFieldErrors(form, e)),
  });
  return (
    <Modal open title={t('groups.new')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={save.isPending} okButtonProps={{ 'data-testid': 'group-save' } as Record<string, string>} width={640}>
      {general.length > 0 && <Alert type="error" showIcon title={general.join('；')} style={{ marginBottom: 12 }} />}
      {communities.length === 0 && <Alert type="info" showIcon title={t('groups.needCommunity')} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={(v) => save.mutate(v)} initialValues={{ communityId: communities[0]?.id, platform: 'wechat', kind: 'member', function: 'retain', structure: 'pyramid' }}>
        <Row gutter={12}>
          <Col span={14}>
            <Form.Item name="name" label={t('groups.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
              <Input maxLength={100} data-testid="group-name" />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="communityId" label={t('groups.community')} rules={[{ required: true, message: t('common.required') }]}>
              <Select options={communities.map((c) => ({ value: c.id, label: c.name }))} data-testid="group-community" />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="platform" label={t('groups.platform')} rules={[{ required: true }]}>
              <Select options={options(enums.platform)} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="kind" label={t('groups.kind')}>
              <Select options={options(enums.groupKind)} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="function" label={t('groups.function')}>
              <Select options={options(enums.groupFunction)} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="structure" label={t('groups.structure')}>
              <Select options={options(enums.groupStructure)} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="capacity" label={t('groups.capacity')} tooltip={t('groups.capacityHelp')}>
              <InputNumber min={1} max={1_000_000} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col span={8}>
            <Form.Item name="region" label={t('groups.region')}>
              <Input maxLength={64} />
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="tags" label={t('groups.tags')}>
              <Select mode="tags" allowClear tokenSeparators={[',', '，', '、']} open={false} suffixIcon={null} placeholder={t('groups.tagsPh')} data-testid="group-tags-new" />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}
