// 任务: what members were asked to do (by the team, or by a rule: a sharing session's summary), with the
// assignee, group, due time and status; the team confirms what is done. Also a member's points and badges
// (积分与勋章), shown on the member's profile.
import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, DatePicker, Empty, Form, Input, Modal, Select, Space, Statistic, Table, Tag, Tooltip, Typography } from 'antd';
import { CheckOutlined, PlusOutlined, TrophyOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { Dayjs } from 'dayjs';
import { get, post, qs, type Me } from '../../api';
import type { Points, Task } from '../../../../shared/api-types';

export type { Points, Task };
import { applyFieldErrors } from '../../forms';
import { useAllGroups } from '../Groups';
import { MemberPicker } from './MemberPicker';
import { useMemberLabels } from './people';



/** 11/28 20:30: the year only when it is not this one. */
const shortTime = (iso: string) => {
  const d = new Date(iso);
  return d.toLocaleString(undefined, { ...(d.getFullYear() === new Date().getFullYear() ? {} : { year: 'numeric' }), month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });
};

const STATUS_COLOR: Record<Task['status'], string> = { open: 'processing', done: 'warning', confirmed: 'success', cancelled: 'default' };
const STATUSES = ['open', 'done', 'confirmed', 'cancelled'] as const;

/** The tasks list; with `memberId` it is one member's (their profile), without the assignee column. */
export function TasksPanel({ me, memberId, bare }: { me: Me; memberId?: string; bare?: boolean }) {
  const { t } = useTranslation();
  const canWrite = me.permissions.includes('member.write');
  const [status, setStatus] = useState<Task['status'] | undefined>();
  const [groupId, setGroupId] = useState<string | undefined>();
  const [who, setWho] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  const member = memberId ?? who ?? undefined;
  const groups = useAllGroups();
  const groupName = useMemo(() => new Map((groups.data?.items ?? []).map((g) => [g.id, g.name])), [groups.data]);
  const q = useQuery({
    queryKey: ['tasks', { memberId: member, groupId, status }],
    queryFn: () => get<{ items: Task[] }>(`/tasks${qs({ memberId: member, groupId, status, limit: 200 })}`),
  });
  const names = useMemberLabels(memberId ? [] : (q.data?.items ?? []).map((x) => x.memberId));
  const now = Date.now();

  const filters = (
    <Space wrap>
      <Select allowClear placeholder={t('tasks.status')} style={{ width: 120 }} options={STATUSES.map((s) => ({ value: s, label: t(`tasks.statuses.${s}`) }))} onChange={setStatus} data-testid="tasks-status" />
      <Select allowClear placeholder={t('groups.name')} style={{ width: 200 }} showSearch={{ optionFilterProp: 'label' }}
        options={(groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))} onChange={setGroupId} data-testid="tasks-group" />
      {!memberId && <MemberPicker groupId={groupId ?? null} value={who} onChange={setWho} placeholder={t('tasks.assignee')} style={{ width: 180 }} testId="tasks-member" />}
    </Space>
  );
  const table = (
    <Table<Task>
      rowKey="id"
      size="small"
      loading={q.isPending}
      dataSource={q.data?.items ?? []}
      pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tasks.none')} /> }}
      data-testid="tasks-table"
      onRow={(x) => ({ 'data-testid': 'task-row', 'data-status': x.status, 'data-id': x.id }) as React.HTMLAttributes<HTMLElement>}
      columns={[
        {
          title: t('tasks.task'),
          render: (_, x) => (
            <div>
              <Typography.Text strong data-testid="task-title">{x.title}</Typography.Text>
              {x.detail && <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: 0 }} ellipsis={{ rows: 2, tooltip: x.detail }}>{x.detail}</Typography.Paragraph>}
            </div>
          ),
        },
        ...(memberId ? [] : [{ title: t('tasks.assignee'), dataIndex: 'memberId', width: 120, render: (v: string) => <span data-testid="task-assignee">{names(v) ?? '…'}</span> }]),
        { title: t('groups.name'), dataIndex: 'groupId', width: bare ? 130 : 150, render: (v: string | null) => (v ? groupName.get(v) ?? v : '—') },
        {
          title: t('tasks.due'), dataIndex: 'dueAt', width: 130,
          render: (v: string | null, x) => {
            if (!v) return '—';
            const late = x.status === 'open' && Date.parse(v) < now;
            return <Typography.Text type={late ? 'danger' : undefined}>{shortTime(v)}{late && ` · ${t('tasks.late')}`}</Typography.Text>;
          },
        },
        {
          title: t('tasks.status'), dataIndex: 'status', width: 96,
          render: (v: Task['status'], x) => {
            const tag = <Tag color={STATUS_COLOR[v]} data-testid="task-status">{t(`tasks.statuses.${v}`)}</Tag>;
            const at = v === 'confirmed' ? x.confirmedAt : v === 'done' ? x.completedAt : null;
            return at ? <Tooltip title={new Date(at).toLocaleString()}>{tag}</Tooltip> : tag;
          },
        },
        ...(bare ? [] : [{ title: t('tasks.origin'), dataIndex: 'originType', width: 90, render: (v: string) => <Tag bordered={false}>{t(`tasks.origins.${v}`, { defaultValue: v })}</Tag> }]),
        {
          title: '', key: 'confirm', width: 90, align: 'right',
          render: (_, x) => (canWrite && (x.status === 'open' || x.status === 'done') ? <ConfirmTask task={x} /> : null),
        },
      ]}
    />
  );
  const add = canWrite && (
    <Button icon={<PlusOutlined />} onClick={() => setCreating(true)} size={bare ? 'small' : 'middle'} data-testid="task-new">{t('tasks.new')}</Button>
  );
  return (
    <>
      {bare ? (
        <div data-testid="member-tasks">
          <div style={{ display: 'flex', justifyContent: 'flex-end', marginBottom: 8 }}>{add}</div>
          {table}
        </div>
      ) : (
        <Card title={filters} extra={add} data-testid="tasks">{table}</Card>
      )}
      {creating && <NewTask memberId={memberId} onClose={() => setCreating(false)} />}
    </>
  );
}

function ConfirmTask({ task }: { task: Task }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const confirm = useMutation({
    mutationFn: () => post<Task>(`/tasks/${task.id}/confirm`),
    onSuccess: () => void message.success(t('tasks.confirmed')),
    onError: (e) => void message.error(e.message),
    onSettled: () => qc.invalidateQueries({ queryKey: ['tasks'] }),
  });
  return (
    <Tooltip title={task.status === 'open' ? t('tasks.confirmOpenHelp') : t('tasks.confirmHelp')}>
      <Button size="small" type={task.status === 'done' ? 'primary' : 'default'} icon={<CheckOutlined />} loading={confirm.isPending} onClick={() => confirm.mutate()} data-testid={`task-confirm-${task.id}`}>
        {t('tasks.confirm')}
      </Button>
    </Tooltip>
  );
}

function NewTask({ memberId, onClose }: { memberId?: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const groups = useAllGroups();
  const [form] = Form.useForm<{ memberId: string; groupId?: string; title: string; detail?: string; due?: Dayjs | null }>();
  const [general, setGeneral] = useState<string[]>([]);
  const groupId = Form.useWatch('groupId', form);
  const save = useMutation({
    mutationFn: (v: { memberId: string; groupId?: string; title: string; detail?: string; due?: Dayjs | null }) => post<Task>('/tasks', {
      memberId: v.memberId, groupId: v.groupId ?? null, title: v.title, detail: v.detail ?? '', dueAt: v.due ? v.due.toISOString() : null,
    }),
    onSuccess: () => {
      message.success(t('tasks.created'));
      void qc.invalidateQueries({ queryKey: ['tasks'] });
      onClose();
    },
    onError: (e) => setGeneral(applyFieldErrors(form, e, { dueAt: 'due' })),
  });
  return (
    <Modal open title={t('tasks.new')} onCancel={onClose} onOk={() => form.submit()} confirmLoading={save.isPending} okText={t('common.save')}
      okButtonProps={{ 'data-testid': 'task-save' } as Record<string, string>} destroyOnHidden>
      {general.length > 0 && <Alert type="error" showIcon title={general.join('；')} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={{ memberId }} onFinish={(v) => { setGeneral([]); save.mutate(v); }}>
        <Form.Item name="groupId" label={t('groups.name')}>
          <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={(groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))} />
        </Form.Item>
        <Form.Item name="memberId" label={t('tasks.assignee')} rules={[{ required: true, message: t('common.required') }]} hidden={!!memberId}>
          <MemberPicker groupId={groupId ?? null} testId="task-member" />
        </Form.Item>
        <Form.Item name="title" label={t('tasks.task')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input maxLength={100} placeholder={t('tasks.titlePh')} data-testid="task-title-input" />
        </Form.Item>
        <Form.Item name="detail" label={t('tasks.detail')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} />
        </Form.Item>
        <Form.Item name="due" label={t('tasks.due')}>
          <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: 220 }} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** A member's points total, badges and latest points (their profile). */
export function MemberPoints({ memberId }: { memberId: string }) {
  const { t } = useTranslation();
  const q = useQuery({ queryKey: ['points', memberId], queryFn: () => get<Points>(`/members/${memberId}/points`) });
  if (q.error) return <Alert type="error" showIcon title={q.error.message} />;
  const p = q.data;
  return (
    <div data-testid="member-points" style={{ display: 'flex', gap: 24, alignItems: 'flex-start', flexWrap: 'wrap' }}>
      <Statistic title={t('points.total')} value={p?.total ?? 0} loading={q.isPending} prefix={<TrophyOutlined />} styles={{ content: { fontSize: 28 } }} />
      <div style={{ flex: 1, minWidth: 240 }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('points.badges')}</Typography.Text>
        <div style={{ margin: '4px 0 8px' }} data-testid="member-badges">
          {p?.badges.length ? p.badges.map((b) => (
            <Tooltip key={b.badge} title={`${b.reason} · ${new Date(b.createdAt).toLocaleDateString()}`}><Tag color="gold">🏅 {b.badge}</Tag></Tooltip>
          )) : <Typography.Text type="secondary">{t('points.noBadges')}</Typography.Text>}
        </div>
        {p && p.entries.length > 0 && (
          <Table
            size="small"
            rowKey="id"
            pagination={false}
            dataSource={p.entries.slice(0, 10)}
            columns={[
              { title: t('points.points'), dataIndex: 'points', width: 80, render: (v: number) => <Typography.Text type={v < 0 ? 'danger' : 'success'}>{v > 0 ? `+${v}` : v}</Typography.Text> },
              { title: t('points.reason'), dataIndex: 'reason' },
              { title: t('operate.when'), dataIndex: 'createdAt', width: 170, render: (v: string) => new Date(v).toLocaleString() },
            ]}
          />
        )}
      </div>
    </div>
  );
}
