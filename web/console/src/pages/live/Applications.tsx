// 直播 › 群主招募: the public page group owners open to bring their groups in (its link to copy and send),
// and their applications: approve (the group becomes a target, found by its id or name on the platform, or
// named here) or reject with a reason. A pending application says beforehand which group approving it adds
// (found by its chat id, public @username / t.me link, or name), or why none (a private invite link names none).
import { useState } from 'react';
import { Alert, App, Button, Empty, Form, Input, Modal, Select, Space, Table, Tag, Tooltip, Typography, type ButtonProps } from 'antd';
import { CheckOutlined, CloseOutlined, CopyOutlined, ExportOutlined, LinkOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { post, type LiveApplication, type LiveSession } from '../../api';
import { applyFieldErrors } from '../../forms';
import { enums, useLabels } from '../../labels';
import { copyText } from '../group/GroupInvites';
import { useAllGroups } from '../Groups';
import { liveKey, recruitUrl, shortTime, useApplications } from './live';

const STATUS_COLOR: Record<LiveApplication['status'], string> = { pending: 'processing', approved: 'success', rejected: 'default' };

export function Applications({ session: s, canDecide }: { session: LiveSession; canDecide: boolean }) {
  const { t } = useTranslation();
  const { label } = useLabels();
  const { message } = App.useApp();
  const q = useApplications(s.id, s.status !== 'ended');
  const [deciding, setDeciding] = useState<{ app: LiveApplication; decision: 'approve' | 'reject' } | null>(null);
  const url = recruitUrl(s.id);
  const copy = async () => {
    try {
      await copyText(url);
      message.success(t('live.recruit.copied'));
    } catch {
      message.error(t('live.recruit.copyFailed'));
    }
  };
  return (
    <div data-testid="live-applications">
      {s.status === 'ended' ? (
        <Alert type="info" showIcon title={t('live.recruit.closed')} style={{ marginBottom: 12 }} />
      ) : (
        <div className="shequn-live-recruit" data-testid="live-recruit">
          <div style={{ flex: 1, minWidth: 0 }}>
            <Typography.Text strong><LinkOutlined /> {t('live.recruit.title')}</Typography.Text>
            <Typography.Paragraph type="secondary" style={{ margin: '2px 0 6px', fontSize: 12 }}>{t('live.recruit.help')}</Typography.Paragraph>
            <Typography.Text code style={{ wordBreak: 'break-all' }} data-testid="live-recruit-url">{url}</Typography.Text>
          </div>
          <Space>
            <Button icon={<CopyOutlined />} onClick={() => void copy()} data-testid="live-recruit-copy">{t('live.recruit.copy')}</Button>
            <Button href={url} target="_blank" rel="noreferrer" icon={<ExportOutlined />}>{t('live.recruit.open')}</Button>
          </Space>
        </div>
      )}
      <Table<LiveApplication>
        rowKey="id"
        size="small"
        loading={q.isPending}
        dataSource={q.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={q.error ? q.error.message : t('live.recruit.none')} /> }}
        onRow={(a) => ({ 'data-testid': 'live-application', 'data-id': a.id, 'data-status': a.status }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('live.recruit.group'), key: 'group', render: (_, a) => (
              <div>
                <Typography.Text strong>{a.groupName}</Typography.Text>
                <div style={{ fontSize: 12 }}>
                  <Tag bordered={false} style={{ fontSize: 11 }}>{label(enums.platform, a.platform)}</Tag>
                  {a.groupRef && <Typography.Text type="secondary" copyable style={{ fontSize: 12 }}>{a.groupRef}</Typography.Text>}
                </div>
                {a.match && (a.match.groupId ? (
                  <Typography.Text type="success" style={{ fontSize: 12 }} data-testid="live-application-match" data-group-id={a.match.groupId}>
                    {t('live.recruit.matched', { name: a.match.groupName ?? a.match.groupId, by: t(`live.recruit.matchBy.${a.match.by ?? 'id'}`) })}
                  </Typography.Text>
                ) : (
                  <Tooltip title={a.match.reason}>
                    <Typography.Text type="warning" style={{ fontSize: 12 }} data-testid="live-application-unmatched" data-problem={a.match.problem ?? ''}>
                      {t(`live.recruit.unmatched.${a.match.problem ?? 'not_found'}`)}
                    </Typography.Text>
                  </Tooltip>
                ))}
              </div>
            ),
          },
          {
            title: t('live.recruit.applicant'), key: 'applicant', width: 180, render: (_, a) => (
              <div>
                <div>{a.applicant}</div>
                <Typography.Text type="secondary" copyable style={{ fontSize: 12 }}>{a.contact}</Typography.Text>
              </div>
            ),
          },
          { title: t('live.recruit.members'), dataIndex: 'members', width: 80, align: 'right', render: (v: number | null) => (v === null ? '—' : v.toLocaleString()) },
          { title: t('live.recruit.note'), dataIndex: 'note', render: (v: string | null) => (v ? <Typography.Paragraph style={{ margin: 0, fontSize: 12 }} ellipsis={{ rows: 2, tooltip: v }}>{v}</Typography.Paragraph> : '') },
          { title: t('live.recruit.at'), dataIndex: 'createdAt', width: 110, render: (v: string) => shortTime(v) },
          {
            title: t('live.recruit.status'), dataIndex: 'status', width: 110, render: (v: LiveApplication['status'], a) => {
              const tag = <Tag color={STATUS_COLOR[v]} data-testid="live-application-status">{t(`live.recruit.statuses.${v}`)}</Tag>;
              return a.reason ? <Tooltip title={a.reason}>{tag}</Tooltip> : tag;
            },
          },
          ...(canDecide ? [{
            title: '', key: 'decide', width: 160, align: 'right' as const, render: (_: unknown, a: LiveApplication) => (a.status === 'pending' ? (
              <Space size={6}>
                <Button size="small" onClick={() => setDeciding({ app: a, decision: 'reject' })} icon={<CloseOutlined />} data-testid="live-application-reject">{t('live.recruit.reject')}</Button>
                <Button size="small" type="primary" onClick={() => setDeciding({ app: a, decision: 'approve' })} icon={<CheckOutlined />} data-testid="live-application-approve">{t('live.recruit.approve')}</Button>
              </Space>
            ) : null),
          }] : []),
        ]}
      />
      {deciding && <Decide session={s} app={deciding.app} decision={deciding.decision} onClose={() => setDeciding(null)} />}
    </div>
  );
}

function Decide({ session: s, app, decision, onClose }: { session: LiveSession; app: LiveApplication; decision: 'approve' | 'reject'; onClose: () => void }) {
  const { t } = useTranslation();
  const { label } = useLabels();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const groups = useAllGroups();
  const [form] = Form.useForm<{ groupId?: string; reason?: string }>();
  const [general, setGeneral] = useState<string[]>([]);
  const save = useMutation({
    mutationFn: (v: { groupId?: string; reason?: string }) => post<LiveApplication>(`/live-sessions/${s.id}/applications/${app.id}/decide`, {
      decision, ...(decision === 'approve' && v.groupId ? { groupId: v.groupId } : {}), ...(v.reason?.trim() ? { reason: v.reason.trim() } : {}),
    }),
    onSuccess: () => {
      message.success(decision === 'approve' ? t('live.recruit.approved') : t('live.recruit.rejected'));
      void qc.invalidateQueries({ queryKey: liveKey(s.id) });
      void qc.invalidateQueries({ queryKey: ['live-sessions'] });
      onClose();
    },
    onError: (e) => setGeneral(applyFieldErrors(form, e)),
  });
  return (
    <Modal
      open
      title={decision === 'approve' ? t('live.recruit.approveTitle', { name: app.groupName }) : t('live.recruit.rejectTitle', { name: app.groupName })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={decision === 'approve' ? t('live.recruit.approve') : t('live.recruit.reject')}
      okButtonProps={{ danger: decision === 'reject', 'data-testid': 'live-decide-ok' } as ButtonProps}
      confirmLoading={save.isPending}
      destroyOnHidden
    >
      {general.length > 0 && <Alert type="error" showIcon title={general.join('；')} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" onFinish={(v) => { setGeneral([]); save.mutate(v); }}>
        {decision === 'approve' && (
          <Form.Item name="groupId" label={t('live.recruit.pickGroup')} extra={t('live.recruit.pickGroupHelp')}>
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              options={(groups.data?.items ?? []).filter((g) => g.status !== 'archived' && g.id !== s.mainGroupId).map((g) => ({ value: g.id, label: `${g.name} · ${label(enums.platform, g.platform)}` }))}
              placeholder={t('live.recruit.autoMatch')}
              data-testid="live-decide-group"
            />
          </Form.Item>
        )}
        <Form.Item name="reason" label={t('live.recruit.reason')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={500} placeholder={decision === 'reject' ? t('live.recruit.reasonPh') : undefined} data-testid="live-decide-reason" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
