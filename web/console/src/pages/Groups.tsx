// 建群: groups across platforms, their members with numbers and roles, and a form to add one. A group's
// drawer also runs it: the live chat (post as the team, pin the announcement), join requests, reports, questions.
import { useMemo, useState } from 'react';
import { Alert, App, Badge, Button, Card, Col, Descriptions, Drawer, Form, Input, InputNumber, Modal, Progress, Row, Select, Space, Table, Tabs, Tag, Typography, theme } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, post, qs, type Community, type Group, type Me, type Membership, type Page } from '../api';
import { applyFieldErrors } from '../forms';
import { enums, useLabels } from '../labels';
import { GroupChat, LiveTag, type ReplyTarget } from './group/GroupChat';
import { JoinRequests, Questions, Reports, useOpenQuestions, useOpenReports, usePendingRequests } from './group/GroupQueues';

const STATUS_COLOR: Record<string, string> = { active: 'green', quiet: 'gold', archived: 'default' };

export function useCommunities() {
  return useQuery({ queryKey: ['communities'], queryFn: () => get<{ items: Community[] }>('/communities') });
}

export function useAllGroups() {
  return useQuery({ queryKey: ['groups', 'all'], queryFn: () => get<Page<Group>>('/groups?limit=500') });
}

export function Groups({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { label, options } = useLabels();
  const canWrite = me.permissions.includes('group.write');
  const [filters, setFilters] = useState<{ communityId?: string; platform?: string; kind?: string; status?: string }>({});
  const communities = useCommunities();
  const names = useMemo(() => new Map((communities.data?.items ?? []).map((c) => [c.id, c.name])), [communities.data]);
  const list = useQuery({ queryKey: ['groups', filters], queryFn: () => get<Page<Group>>(`/groups${qs({ ...filters, limit: 500 })}`) });
  // The open group by id: its row (member count) follows the list as it refreshes live.
  const [openId, setOpenId] = useState<string | null>(null);
  const [opened, setOpened] = useState<Group | null>(null);
  const open = openId ? (list.data?.items.find((g) => g.id === openId) ?? opened) : null;
  const [creating, setCreating] = useState(false);

  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>{t('groups.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('groups.intro')}</Typography.Paragraph>
      <Card
        title={
          <Space wrap>
            <Select allowClear placeholder={t('groups.community')} style={{ width: 200 }} options={(communities.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))} onChange={(v) => setFilters((f) => ({ ...f, communityId: v }))} />
            <Select allowClear placeholder={t('groups.platform')} style={{ width: 140 }} options={options(enums.platform)} onChange={(v) => setFilters((f) => ({ ...f, platform: v }))} />
            <Select allowClear placeholder={t('groups.kind')} style={{ width: 150 }} options={options(enums.groupKind)} onChange={(v) => setFilters((f) => ({ ...f, kind: v }))} />
            <Select allowClear placeholder={t('groups.status')} style={{ width: 120 }} options={options(enums.groupStatus)} onChange={(v) => setFilters((f) => ({ ...f, status: v }))} />
          </Space>
        }
        extra={canWrite && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="group-new">{t('groups.new')}</Button>}
      >
        <Table<Group>
          rowKey="id"
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          data-testid="group-table"
          onRow={(g) => ({ onClick: () => { setOpened(g); setOpenId(g.id); }, style: { cursor: 'pointer' } })}
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
          ]}
        />
      </Card>
      {open && <GroupDrawer key={open.id} group={open} me={me} communityName={names.get(open.communityId) ?? ''} onClose={() => setOpenId(null)} />}
      {creating && <CreateGroup communities={communities.data?.items ?? []} onClose={() => setCreating(false)} />}
    </>
  );
}

type DrawerTab = 'overview' | 'chat' | 'requests' | 'reports' | 'questions';

function GroupDrawer({ group, communityName, me, onClose }: { group: Group; communityName: string; me: Me; onClose: () => void }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const [tab, setTab] = useState<DrawerTab>('overview');
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
          { key: 'overview', label: <span data-testid="group-tab-overview">{t('groupDrawer.overview')}</span>, children: <GroupOverview group={group} communityName={communityName} /> },
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

function GroupOverview({ group, communityName }: { group: Group; communityName: string }) {
  const { t } = useTranslation();
  const { label } = useLabels();
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
        items={[
          { key: 'community', label: t('groups.community'), children: communityName },
          { key: 'platform', label: t('groups.platform'), children: label(enums.platform, group.platform) },
          { key: 'kind', label: t('groups.kind'), children: label(enums.groupKind, group.kind) },
          { key: 'function', label: t('groups.function'), children: label(enums.groupFunction, group.function) },
          { key: 'structure', label: t('groups.structure'), children: label(enums.groupStructure, group.structure) },
          { key: 'status', label: t('groups.status'), children: label(enums.groupStatus, group.status) },
          { key: 'members', label: t('groups.members'), children: `${group.memberCount} / ${group.capacity}` },
          { key: 'region', label: t('groups.region'), children: group.region ?? '—' },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 20 }}>{t('groups.memberList')}</Typography.Title>
      <Table
        size="small"
        rowKey="id"
        loading={members.isPending}
        dataSource={members.data?.items ?? []}
        pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
        columns={[
          { title: t('groups.number'), dataIndex: 'numberDisplay', width: 100, render: (v: string | null) => v ?? '—' },
          { title: t('members.name'), dataIndex: 'displayName' },
          { title: t('groups.nickname'), dataIndex: 'nickname', render: (v: string | null) => v ?? '' },
          { title: t('groups.role'), dataIndex: 'role', render: (v: string) => <Tag>{label(enums.membershipRole, v)}</Tag> },
          { title: t('groups.joinedAt'), dataIndex: 'joinedAt', render: (v: string) => new Date(v).toLocaleDateString() },
        ]}
      />
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
        </Row>
      </Form>
    </Modal>
  );
}
