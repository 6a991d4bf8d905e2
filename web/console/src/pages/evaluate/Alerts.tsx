// 评估精进 › 预警: what the engine flagged (every few minutes) — groups going quiet or filling up, a surge of
// moderation actions, a spike of negative voice, a plan behind — open, resolved or all, newest first; an
// operator who may change groups (group.write) marks one as seen (知道了). Below, the webhooks each new alert
// is posted to, signed: adding one (connection.manage) shows its secret once.
import { useState } from 'react';
import { Alert, App as AntApp, Button, Card, Col, Empty, Form, Input, Modal, Popconfirm, Row, Segmented, Table, Tag, Typography, theme } from 'antd';
import { CheckOutlined, DeleteOutlined, LinkOutlined, PlusOutlined } from '@ant-design/icons';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { del, get, post, qs, type AlertHook, type AlertItem, type Me } from '../../api';

type Status = 'open' | 'resolved' | 'all';
const SEVERITY_COLOR: Record<AlertItem['severity'], string> = { critical: 'red', warning: 'orange', info: 'blue' };


export function Alerts({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const [status, setStatus] = useState<Status>('open');
  const allowed = me.permissions.includes('activity.read');
  const canAck = me.permissions.includes('group.write');
  const alerts = useQuery({
    enabled: allowed, queryKey: ['alerts', status],
    queryFn: () => get<{ items: AlertItem[] }>(`/alerts${qs({ status, limit: 500 })}`),
  });
  const [acking, setAcking] = useState<string | null>(null);
  if (!allowed) return <Alert type="info" showIcon title={t('evaluate.noPermission')} />;
  const when = (v: string | null) => (v ? dayjs(v).format('YYYY-MM-DD HH:mm') : '');

  const acknowledge = async (a: AlertItem) => {
    setAcking(a.id);
    try {
      await post(`/alerts/${a.id}/acknowledge`);
      message.success(t('evaluate.alerts.acknowledged'));
      await qc.invalidateQueries({ queryKey: ['alerts'] });
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setAcking(null);
    }
  };

  return (
    <div data-testid="evaluate-alerts">
      <Row gutter={[16, 16]}>
        <Col span={24}>
          <Card
            data-testid="alerts-card"
            title={t('evaluate.alerts.title')}
            extra={(
              <Segmented<Status>
                data-testid="alerts-status"
                value={status}
                onChange={setStatus}
                options={(['open', 'resolved', 'all'] as const).map((s) => ({ value: s, label: t(`evaluate.alerts.status.${s}`) }))}
              />
            )}
          >
            <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>{t('evaluate.alerts.intro')}</Typography.Paragraph>
            <Table<AlertItem>
              data-testid="alerts-table"
              rowKey="id"
              size="middle"
              loading={alerts.isPending}
              dataSource={alerts.data?.items ?? []}
              pagination={(alerts.data?.items.length ?? 0) > 20 ? { pageSize: 20, showSizeChanger: false } : false}
              locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t(`evaluate.alerts.none.${status}`)} /> }}
              onRow={(a) => ({ 'data-testid': 'alert-row', 'data-id': a.id, 'data-kind': a.kind, 'data-status': a.status }) as React.HTMLAttributes<HTMLElement>}
              columns={[
                {
                  key: 'severity', title: t('evaluate.alerts.col.severity'), width: 88,
                  render: (_, a) => <Tag color={SEVERITY_COLOR[a.severity]} data-testid="alert-severity">{t(`evaluate.alerts.severity.${a.severity}`)}</Tag>,
                },
                { key: 'kind', title: t('evaluate.alerts.col.kind'), width: 110, render: (_, a) => <span data-testid="alert-kind" style={{ whiteSpace: 'nowrap' }}>{t(`evaluate.alerts.kind.${a.kind}`)}</span> },
                { key: 'title', title: t('evaluate.alerts.col.title'), render: (_, a) => <span data-testid="alert-title">{a.title}</span> },
                {
                  key: 'time', title: t('evaluate.alerts.col.time'), width: 190,
                  render: (_, a) => (
                    <div style={{ whiteSpace: 'nowrap', fontVariantNumeric: 'tabular-nums' }}>
                      <div>{t('evaluate.alerts.opened')} {when(a.openedAt)}</div>
                      {a.resolvedAt && <div style={{ color: token.colorSuccess }}>{t('evaluate.alerts.resolved')} {when(a.resolvedAt)}</div>}
                    </div>
                  ),
                },
                {
                  key: 'ack', title: t('evaluate.alerts.col.ack'), width: 170,
                  render: (_, a) => a.acknowledgedBy ? (
                    <div data-testid="alert-acked" style={{ fontSize: 13 }}>
                      <CheckOutlined style={{ color: token.colorSuccess, marginRight: 4 }} />{a.acknowledgedBy}
                      <div style={{ color: token.colorTextTertiary, fontSize: 12 }}>{when(a.acknowledgedAt)}</div>
                    </div>
                  ) : canAck && a.status === 'open' ? (
                    <Button size="small" loading={acking === a.id} onClick={() => void acknowledge(a)} data-testid="alert-ack">{t('evaluate.alerts.ack')}</Button>
                  ) : <Typography.Text type="secondary">—</Typography.Text>,
                },
              ]}
            />
          </Card>
        </Col>
        {me.permissions.includes('operator.read') && (
          <Col span={24}>
            <Hooks me={me} />
          </Col>
        )}
      </Row>
    </div>
  );
}

function Hooks({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const canManage = me.permissions.includes('connection.manage');
  const hooks = useQuery({ queryKey: ['alert-hooks'], queryFn: () => get<{ items: AlertHook[] }>('/alert-hooks') });
  const [url, setUrl] = useState('');
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<{ url: string; secret: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const add = async () => {
    setAdding(true);
    setError(null);
    try {
      const h = await post<{ id: string; url: string; secret: string }>('/alert-hooks', { url: url.trim() });
      setCreated({ url: h.url, secret: h.secret });
      setUrl('');
      await qc.invalidateQueries({ queryKey: ['alert-hooks'] });
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setAdding(false);
    }
  };
  const remove = async (h: AlertHook) => {
    try {
      await del(`/alert-hooks/${h.id}`);
      message.success(t('evaluate.hooks.deleted'));
      await qc.invalidateQueries({ queryKey: ['alert-hooks'] });
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  return (
    <Card data-testid="hooks-card" title={<span><LinkOutlined style={{ marginRight: 6 }} />{t('evaluate.hooks.title')}</span>}>
      <Typography.Paragraph type="secondary" style={{ marginTop: 0 }}>
        {t('evaluate.hooks.intro')} <Typography.Text code>X-Shequn-Signature</Typography.Text> {t('evaluate.hooks.signature')}
      </Typography.Paragraph>
      {canManage && (
        <Form layout="inline" onFinish={() => void add()} style={{ marginBottom: 12, rowGap: 8 }}>
          <Form.Item style={{ flex: 1, minWidth: 320, maxWidth: 640 }}>
            <Input value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://example.com/shequn-alerts" data-testid="hook-url" maxLength={2000} />
          </Form.Item>
          <Button type="primary" htmlType="submit" icon={<PlusOutlined />} loading={adding} disabled={!url.trim()} data-testid="hook-add">{t('evaluate.hooks.add')}</Button>
        </Form>
      )}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="hook-error" />}
      <Table<AlertHook>
        data-testid="hooks-table"
        rowKey="id"
        size="small"
        loading={hooks.isPending}
        dataSource={hooks.data?.items ?? []}
        pagination={false}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('evaluate.hooks.none')} /> }}
        onRow={(h) => ({ 'data-testid': 'hook-row', 'data-id': h.id }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { key: 'url', title: t('evaluate.hooks.url'), render: (_, h) => <Typography.Text data-testid="hook-row-url" style={{ wordBreak: 'break-all' }}>{h.url}</Typography.Text> },
          { key: 'by', title: t('evaluate.hooks.createdBy'), width: 160, render: (_, h) => h.createdBy },
          { key: 'at', title: t('evaluate.hooks.createdAt'), width: 160, render: (_, h) => dayjs(h.createdAt).format('YYYY-MM-DD HH:mm') },
          ...(canManage ? [{
            key: 'delete', title: '', width: 80, align: 'right' as const,
            render: (_: unknown, h: AlertHook) => (
              <Popconfirm title={t('evaluate.hooks.confirmDelete')} onConfirm={() => remove(h)} okButtonProps={{ danger: true, ...({ 'data-testid': 'hook-delete-ok' } as Record<string, string>) }}>
                <Button size="small" danger icon={<DeleteOutlined />} data-testid="hook-delete" aria-label={t('common.delete')} />
              </Popconfirm>
            ),
          }] : []),
        ]}
      />
      <Modal
        open={!!created}
        title={t('evaluate.hooks.createdTitle')}
        onCancel={() => setCreated(null)}
        footer={<Button type="primary" onClick={() => setCreated(null)} data-testid="hook-secret-done">{t('common.done')}</Button>}
        data-testid="hook-secret-modal"
        width={600}
        destroyOnHidden
      >
        {created && (
          <>
            <Typography.Paragraph>{t('evaluate.hooks.createdFor')} <Typography.Text code style={{ wordBreak: 'break-all' }}>{created.url}</Typography.Text></Typography.Paragraph>
            <Typography.Paragraph strong style={{ marginBottom: 4 }}>{t('evaluate.hooks.secret')}</Typography.Paragraph>
            <Typography.Paragraph
              code
              copyable={{ text: created.secret, tooltips: [t('evaluate.hooks.copy'), t('evaluate.hooks.copied')] }}
              data-testid="hook-secret"
              style={{ fontSize: 14, wordBreak: 'break-all' }}
            >
              {created.secret}
            </Typography.Paragraph>
            <Alert type="warning" showIcon title={t('evaluate.hooks.onlyOnce')} style={{ marginBottom: 12 }} />
            <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
              {t('evaluate.hooks.verify')}
            </Typography.Paragraph>
          </>
        )}
      </Modal>
    </Card>
  );
}
