// 建群 › 平台连接: the workspace's accounts on other platforms (a Telegram bot today), each with its health as
// the platform last answered it, checked again on demand and disconnected after a confirmation; and a form to
// connect a bot by its token, with the few steps in Telegram that come before (BotFather, then the bot as an
// admin of the groups, since privacy mode hides the members' messages from a bot that is not). The token is checked with
// Telegram when it is added and never comes back: a card shows its first and last characters only.
import { useState } from 'react';
import { Alert, App, Button, Card, Col, Descriptions, Empty, Form, Input, Popconfirm, Row, Space, Spin, Tag, Typography, theme } from 'antd';
import { ApiOutlined, CheckCircleOutlined, CloseCircleOutlined, DisconnectOutlined, RobotOutlined, SyncOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Trans, useTranslation } from 'react-i18next';
import { ApiError, del, get, post, type Me } from '../../api';
import { applyFieldErrors } from '../../forms';
import { enums, useLabels } from '../../labels';

/** GET /api/v1/connections items (src/modules/connection/connection.service.ts ConnectionSchema). */
export interface Connection {
  id: string;
  platform: 'telegram';
  name: string;
  accountId: string;
  handle: string | null;
  tokenHint: string;
  status: 'active' | 'failing';
  lastError: string | null;
  checkedAt: string | null;
  createdBy: string;
  createdAt: string;
}

const KEY = ['connections'];

export function useConnections() {
  return useQuery({ queryKey: KEY, queryFn: () => get<{ items: Connection[] }>('/connections') });
}

export function Connections({ me }: { me: Me }) {
  const { t } = useTranslation();
  const list = useConnections();
  const canManage = me.permissions.includes('connection.manage');
  const items = list.data?.items ?? [];
  return (
    <>
      <Typography.Paragraph type="secondary">{t('connections.intro')}</Typography.Paragraph>
      <Row gutter={[16, 16]} align="top">
        <Col xs={24} xl={14}>
          <Card title={t('connections.list')} extra={items.length > 0 && <Typography.Text type="secondary">{t('connections.count', { count: items.length })}</Typography.Text>} data-testid="connection-list">
            {list.isPending ? (
              <div style={{ textAlign: 'center', padding: 24 }}><Spin /></div>
            ) : list.error ? (
              <Alert type="error" showIcon title={list.error.message} />
            ) : items.length === 0 ? (
              <Empty description={t(canManage ? 'connections.noneManage' : 'connections.none')} data-testid="connection-empty" />
            ) : (
              <Space orientation="vertical" size={16} style={{ width: '100%' }}>
                {items.map((c) => <ConnectionCard key={c.id} connection={c} canManage={canManage} />)}
              </Space>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          {canManage ? <AddTelegram /> : <Alert type="info" showIcon title={t('connections.readOnly')} data-testid="connection-read-only" />}
        </Col>
      </Row>
    </>
  );
}

function ConnectionCard({ connection: c, canManage }: { connection: Connection; canManage: boolean }) {
  const { t } = useTranslation();
  const { label } = useLabels();
  const { message } = App.useApp();
  const { token } = theme.useToken();
  const qc = useQueryClient();
  const replace = (next: Connection) =>
    qc.setQueryData<{ items: Connection[] }>(KEY, (d) => d && { items: d.items.map((x) => (x.id === next.id ? next : x)) });
  const check = useMutation({
    mutationFn: () => post<Connection>(`/connections/${c.id}/check`),
    onSuccess: (next) => {
      replace(next);
      if (next.status === 'active') message.success(t('connections.checkedOk', { name: next.name }));
      else message.warning(t('connections.checkedFailing', { name: next.name }));
    },
    onError: (e) => message.error(e.message),
  });
  const remove = useMutation({
    mutationFn: () => del(`/connections/${c.id}`),
    onSuccess: () => {
      qc.setQueryData<{ items: Connection[] }>(KEY, (d) => d && { items: d.items.filter((x) => x.id !== c.id) });
      void qc.invalidateQueries({ queryKey: KEY });
      message.success(t('connections.removed', { name: c.name }));
    },
    onError: (e) => message.error(e.message),
  });
  const ok = c.status === 'active';
  const time = (iso: string) => new Date(iso).toLocaleString();
  return (
    <Card
      size="small"
      data-testid="connection-card"
      data-connection-id={c.id}
      style={{ borderColor: ok ? undefined : token.colorErrorBorder }}
      title={
        <Space size={8}>
          <RobotOutlined style={{ color: token.colorPrimary }} />
          <Typography.Text strong data-testid="connection-name">{c.name}</Typography.Text>
          <Tag bordered={false}>{label(enums.platform, c.platform)}</Tag>
        </Space>
      }
      extra={
        <Tag color={ok ? 'success' : 'error'} icon={ok ? <CheckCircleOutlined /> : <CloseCircleOutlined />} data-testid="connection-status">
          {t(`connections.status.${c.status}`)}
        </Tag>
      }
      actions={canManage ? [
        <Button key="check" type="text" icon={<SyncOutlined spin={check.isPending} />} disabled={check.isPending} onClick={() => check.mutate()} data-testid="connection-check">
          {t('connections.check')}
        </Button>,
        <Popconfirm
          key="remove"
          title={t('connections.removeConfirm', { name: c.handle ? `@${c.handle}` : c.name })}
          description={<div style={{ maxWidth: 300 }}>{t('connections.removeHint')}</div>}
          okText={t('connections.remove')}
          cancelText={t('common.cancel')}
          onConfirm={() => remove.mutate()}
          okButtonProps={{ danger: true, loading: remove.isPending, 'data-testid': 'connection-remove-confirm' } as { danger: boolean }}
        >
          <Button type="text" danger icon={<DisconnectOutlined />} data-testid="connection-remove">{t('connections.remove')}</Button>
        </Popconfirm>,
      ] : undefined}
    >
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2 }}
        items={[
          {
            key: 'handle', label: t('connections.handle'),
            children: c.handle ? (
              <Typography.Link href={`https://t.me/${c.handle}`} target="_blank" rel="noreferrer" data-testid="connection-handle">@{c.handle}</Typography.Link>
            ) : <Typography.Text type="secondary">—</Typography.Text>,
          },
          { key: 'account', label: t('connections.accountId'), children: <Typography.Text copyable style={{ fontVariantNumeric: 'tabular-nums' }}>{c.accountId}</Typography.Text> },
          { key: 'token', label: t('connections.tokenHint'), children: <Typography.Text code data-testid="connection-token-hint">{c.tokenHint}</Typography.Text> },
          {
            key: 'checked', label: t('connections.checkedAt'),
            children: <span data-testid="connection-checked-at">{c.checkedAt ? time(c.checkedAt) : t('connections.neverChecked')}</span>,
          },
          {
            key: 'added', label: t('connections.added'), span: 2,
            children: <Typography.Text type="secondary">{t('connections.addedBy', { name: c.createdBy, time: time(c.createdAt) })}</Typography.Text>,
          },
        ]}
      />
      {!ok && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 12 }}
          title={t('connections.failingTitle')}
          description={
            <>
              {c.lastError && <Typography.Text code style={{ wordBreak: 'break-word' }} data-testid="connection-error">{c.lastError}</Typography.Text>}
              <div style={{ marginTop: 4 }}>{t('connections.failingHint')}</div>
            </>
          }
        />
      )}
    </Card>
  );
}

interface AddValues {
  name?: string;
  token: string;
}

function AddTelegram() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<AddValues>();
  const [general, setGeneral] = useState<string[]>([]);
  const add = useMutation({
    mutationFn: (v: AddValues) => post<Connection>('/connections', { platform: 'telegram', token: v.token.trim(), ...(v.name?.trim() ? { name: v.name.trim() } : {}) }),
    onSuccess: (c) => {
      qc.setQueryData<{ items: Connection[] }>(KEY, (d) => ({ items: [...(d?.items ?? []).filter((x) => x.id !== c.id), c] }));
      void qc.invalidateQueries({ queryKey: KEY });
      form.resetFields();
      message.success(t('connections.connected', { name: c.handle ? `@${c.handle}` : c.name }));
    },
    onError: (e) => {
      // The same bot twice: the token is what is wrong, say so where it was typed.
      if (e instanceof ApiError && e.status === 409) {
        form.setFields([{ name: 'token', errors: [t('connections.duplicate')] }]);
        return setGeneral([]);
      }
      setGeneral(applyFieldErrors(form, e));
    },
  });
  return (
    <Card title={<Space><ApiOutlined />{t('connections.addTelegram')}</Space>} data-testid="connection-add">
      <ol className="shequn-steps">
        <li><Trans i18nKey="connections.howto.create" components={{ bf: <a href="https://t.me/BotFather" target="_blank" rel="noreferrer" />, code: <Typography.Text code /> }} /></li>
        <li>{t('connections.howto.paste')}</li>
        <li><Trans i18nKey="connections.howto.admin" components={{ b: <Typography.Text strong /> }} /></li>
      </ol>
      <Typography.Paragraph type="secondary" style={{ fontSize: 12 }}>{t('connections.howto.privacy')}</Typography.Paragraph>
      {general.length > 0 && <Alert type="error" showIcon title={general.join('；')} style={{ marginBottom: 16 }} data-testid="connection-add-error" />}
      <Form<AddValues>
        form={form}
        layout="vertical"
        requiredMark={false}
        onFinish={(v) => {
          setGeneral([]);
          add.mutate(v);
        }}
        onValuesChange={() => general.length && setGeneral([])}
        data-testid="connection-form"
      >
        <Form.Item
          name="token"
          label={t('connections.token')}
          extra={t('connections.tokenHelp')}
          rules={[{ required: true, whitespace: true, message: t('connections.tokenRequired') }]}
        >
          <Input.Password placeholder="123456789:AAE…" autoComplete="new-password" spellCheck={false} data-testid="connection-token" />
        </Form.Item>
        <Form.Item name="name" label={t('connections.name')} extra={t('connections.nameHelp')}>
          <Input maxLength={100} placeholder={t('connections.namePlaceholder')} data-testid="connection-name-input" />
        </Form.Item>
        <Form.Item style={{ marginBottom: 0 }}>
          <Button type="primary" htmlType="submit" icon={<ApiOutlined />} loading={add.isPending} data-testid="connection-submit">
            {add.isPending ? t('connections.checking') : t('connections.submit')}
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}
