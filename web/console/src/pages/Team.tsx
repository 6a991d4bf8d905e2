// 团队: operators and their roles, API tokens (the secret is shown once), the audit log.
import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Popconfirm, Select, Switch, Table, Tabs, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { del, get, patch, post, qs, type ApiToken, type AuditEntry, type Me, type Operator, type Page } from '../api';
import { applyFieldErrors } from '../forms';
import { enums, useLabels } from '../labels';

export function Team({ me }: { me: Me }) {
  const { t } = useTranslation();
  const can = (p: string) => me.permissions.includes(p);
  const items = [
    { key: 'operators', label: t('team.operators'), children: <Operators me={me} /> },
    ...(can('token.manage') ? [{ key: 'tokens', label: t('team.tokens'), children: <Tokens /> }] : []),
    ...(can('audit.read') ? [{ key: 'audit', label: t('team.audit'), children: <Audit /> }] : []),
  ];
  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>{t('team.title')}</Typography.Title>
      <Card>
        <Tabs items={items} data-testid="team-tabs" />
      </Card>
    </>
  );
}

function Operators({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { label, options } = useLabels();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const manage = me.permissions.includes('operator.manage');
  const list = useQuery({ queryKey: ['operators'], queryFn: () => get<{ items: Operator[] }>('/operators') });
  const [adding, setAdding] = useState(false);
  const [form] = Form.useForm();
  const [general, setGeneral] = useState<string[]>([]);
  const change = useMutation({
    mutationFn: ({ id, body }: { id: string; body: Record<string, unknown> }) => patch<Operator>(`/operators/${id}`, body),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['operators'] });
      message.success(t('common.saved'));
    },
    onError: (e) => message.error(e.message),
  });
  const add = useMutation({
    mutationFn: (v: Record<string, unknown>) => post<Operator>('/operators', v),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['operators'] });
      setAdding(false);
      form.resetFields();
      message.success(t('common.saved'));
    },
    onError: (e) => setGeneral(applyFieldErrors(form, e)),
  });
  return (
    <>
      {manage && <Button type="primary" icon={<PlusOutlined />} onClick={() => { setGeneral([]); setAdding(true); }} style={{ marginBottom: 12 }} data-testid="operator-new">{t('team.addOperator')}</Button>}
      <Table<Operator>
        rowKey="id"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        pagination={false}
        data-testid="operator-table"
        columns={[
          { title: t('team.name'), dataIndex: 'name' },
          { title: t('team.email'), dataIndex: 'email' },
          {
            title: t('team.role'), dataIndex: 'role', width: 180, render: (v: string, o) =>
              manage && o.id !== me.actor.id ? (
                <Select size="small" value={v} style={{ width: 150 }} options={options(enums.operatorRole)} onChange={(role) => change.mutate({ id: o.id, body: { role } })} />
              ) : (
                <Tag color="blue">{label(enums.operatorRole, v)}</Tag>
              ),
          },
          { title: t('team.scope'), dataIndex: 'scope', render: (s: Operator['scope']) => (s ? t('team.scoped', { count: s.communities.length + s.groupSets.length + s.regions.length }) : t('team.unscoped')) },
          {
            title: t('team.enabled'), dataIndex: 'disabled', render: (v: boolean, o) =>
              <Switch size="small" checked={!v} disabled={!manage || o.id === me.actor.id} onChange={(on) => change.mutate({ id: o.id, body: { disabled: !on } })} />,
          },
          { title: t('team.createdAt'), dataIndex: 'createdAt', render: (v: string) => new Date(v).toLocaleDateString() },
        ]}
      />
      <Modal open={adding} title={t('team.addOperator')} onCancel={() => setAdding(false)} onOk={() => form.submit()} confirmLoading={add.isPending} forceRender>
        {general.length > 0 && <Alert type="error" showIcon title={general.join('；')} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" onFinish={(v) => add.mutate(v)} initialValues={{ role: 'operator' }}>
          <Form.Item name="email" label={t('team.email')} rules={[{ required: true, message: t('common.required') }]}><Input /></Form.Item>
          <Form.Item name="name" label={t('team.name')} rules={[{ required: true, message: t('common.required') }]}><Input maxLength={100} /></Form.Item>
          <Form.Item name="role" label={t('team.role')}><Select options={options(enums.operatorRole)} /></Form.Item>
          <Form.Item name="password" label={t('team.password')} extra={t('team.passwordHelp')}><Input.Password autoComplete="new-password" /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}

function Tokens() {
  const { t } = useTranslation();
  const { label, options } = useLabels();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ['tokens'], queryFn: () => get<{ items: ApiToken[] }>('/tokens') });
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm();
  const create = useMutation({
    mutationFn: (v: Record<string, unknown>) => post<{ token: string; apiToken: ApiToken }>('/tokens', v),
    onSuccess: (r) => {
      void qc.invalidateQueries({ queryKey: ['tokens'] });
      setCreating(false);
      form.resetFields();
      setSecret(r.token);
    },
    onError: (e) => applyFieldErrors(form, e).forEach((m) => message.error(m)),
  });
  const revoke = useMutation({
    mutationFn: (id: string) => del(`/tokens/${id}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['tokens'] }),
    onError: (e) => message.error(e.message),
  });
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} style={{ marginBottom: 12 }} data-testid="token-new">{t('team.createToken')}</Button>
      <Table<ApiToken>
        rowKey="id"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        pagination={false}
        columns={[
          { title: t('team.name'), dataIndex: 'name' },
          { title: t('team.role'), dataIndex: 'role', render: (v: string) => label(enums.operatorRole, v) },
          { title: t('team.createdAt'), dataIndex: 'createdAt', render: (v: string) => new Date(v).toLocaleString() },
          { title: t('team.lastUsed'), dataIndex: 'lastUsedAt', render: (v: string | null) => (v ? new Date(v).toLocaleString() : '—') },
          {
            title: t('team.status'), dataIndex: 'revokedAt', render: (v: string | null, k) =>
              v ? <Tag>{t('team.revoked')}</Tag> : (
                <Popconfirm title={t('team.confirmRevoke')} onConfirm={() => revoke.mutate(k.id)}>
                  <Button size="small" danger>{t('team.revoke')}</Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <Modal open={creating} title={t('team.createToken')} onCancel={() => setCreating(false)} onOk={() => form.submit()} confirmLoading={create.isPending} forceRender>
        <Form form={form} layout="vertical" onFinish={(v) => create.mutate(v)} initialValues={{ role: 'analyst' }}>
          <Form.Item name="name" label={t('team.name')} rules={[{ required: true, message: t('common.required') }]}><Input maxLength={100} /></Form.Item>
          <Form.Item name="role" label={t('team.role')}><Select options={options(enums.operatorRole)} /></Form.Item>
        </Form>
      </Modal>
      <Modal open={secret !== null} title={t('team.tokenCreated')} onCancel={() => setSecret(null)} footer={<Button type="primary" onClick={() => setSecret(null)}>{t('common.done')}</Button>}>
        <Alert type="warning" showIcon title={t('team.tokenOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable code data-testid="token-secret">{secret}</Typography.Paragraph>
      </Modal>
    </>
  );
}

function Audit() {
  const { t } = useTranslation();
  const q = useInfiniteQuery({
    queryKey: ['audit'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => get<Page<AuditEntry>>(`/audit-log${qs({ limit: 50, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = useMemo(() => q.data?.pages.flatMap((p) => p.items) ?? [], [q.data]);
  return (
    <>
      <Table<AuditEntry>
        rowKey="id"
        size="small"
        loading={q.isPending}
        dataSource={rows}
        pagination={false}
        data-testid="audit-table"
        columns={[
          { title: t('team.at'), dataIndex: 'at', width: 180, render: (v: string) => new Date(v).toLocaleString() },
          { title: t('team.actor'), render: (_, e) => e.actor.name ?? e.actor.type },
          { title: t('team.action'), dataIndex: 'action', render: (v: string) => <Tag>{v}</Tag> },
          { title: t('team.target'), render: (_, e) => (e.target.type ? `${e.target.type} ${e.target.id ?? ''}` : '') },
          { title: t('team.detail'), dataIndex: 'detail', render: (d: Record<string, unknown>) => <Typography.Text type="secondary" ellipsis style={{ maxWidth: 360 }}>{JSON.stringify(d)}</Typography.Text> },
        ]}
      />
      {q.hasNextPage && (
        <div style={{ textAlign: 'center', marginTop: 12 }}>
          <Button onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>{t('common.loadMore')}</Button>
        </div>
      )}
    </>
  );
}
