// What waits for a decision in a group: join requests (入群申请) with the applicant's answers, reports
// (举报) with the reported text, and members' open questions (问答). Each list refreshes live (the
// workspace channel invalidates it) and drops an item as soon as it is decided here.
import { useMemo, useState } from 'react';
import { App, Button, Form, Input, Modal, Select, Space, Table, Tag, Typography, theme } from 'antd';
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import i18n from '../../i18n';
import { ApiError, get, post, type JoinRequest, type Page, type Question, type Report } from '../../api';
import { useMemberNames } from './names';
import type { ReplyTarget } from './GroupChat';

export const pendingRequestsKey = (groupId: string) => ['join-requests', groupId, 'pending'];
export const openReportsKey = (groupId: string) => ['reports', groupId, 'open'];
export const openQuestionsKey = (groupId: string) => ['questions', groupId, 'open'];

export const usePendingRequests = (groupId: string) =>
  useQuery({ queryKey: pendingRequestsKey(groupId), queryFn: () => get<Page<JoinRequest>>(`/groups/${groupId}/join-requests?status=pending&limit=500`) });
export const useOpenReports = (groupId: string) =>
  useQuery({ queryKey: openReportsKey(groupId), queryFn: () => get<{ items: Report[] }>(`/groups/${groupId}/reports?status=open`) });
export const useOpenQuestions = (groupId: string) =>
  useQuery({ queryKey: openQuestionsKey(groupId), queryFn: () => get<{ items: Question[] }>(`/groups/${groupId}/questions?status=open`) });

/** Takes a decided item off its list at once (the refetch that follows confirms it). */
function dropFrom<T extends { id: string }>(qc: QueryClient, key: unknown[], id: string) {
  qc.setQueryData<{ items: T[] }>(key, (old) => (old ? { ...old, items: old.items.filter((x) => x.id !== id) } : old));
  void qc.invalidateQueries({ queryKey: key.slice(0, 2) });
}

/** Someone else decided first (409): say so and show the list as it is now. */
function useDecisionError(key: unknown[]) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  return (e: Error) => {
    if (e instanceof ApiError && e.status === 409) {
      message.warning(t('queues.alreadyDecided'));
      void qc.invalidateQueries({ queryKey: key.slice(0, 2) });
    } else message.error(e.message);
  };
}

const when = (iso: string) => new Date(iso).toLocaleString(i18n.language, { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

// ---- 入群申请 ----

export function JoinRequests({ groupId, canDecide }: { groupId: string; canDecide: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { token } = theme.useToken();
  const qc = useQueryClient();
  const q = usePendingRequests(groupId);
  const key = pendingRequestsKey(groupId);
  const onError = useDecisionError(key);
  const [rejecting, setRejecting] = useState<JoinRequest | null>(null);
  const approve = useMutation({
    mutationFn: (id: string) => post<JoinRequest>(`/join-requests/${id}/approve`),
    onSuccess: (r) => {
      message.success(t('requests.approved', { name: r.applicant.name }));
      dropFrom(qc, key, r.id);
      for (const k of [['group-members', groupId], ['groups'], ['overview']]) void qc.invalidateQueries({ queryKey: k });
    },
    onError,
  });
  return (
    <>
      <Table<JoinRequest>
        size="small"
        rowKey="id"
        loading={q.isPending}
        dataSource={q.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: q.error ? q.error.message : t('requests.empty') }}
        data-testid="join-requests"
        columns={[
          {
            title: t('requests.applicant'), width: 190, render: (_, r) => (
              <Space orientation="vertical" size={0}>
                <Typography.Text strong>{r.applicant.name}</Typography.Text>
                {r.applicant.phone && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{r.applicant.phone}</Typography.Text>}
                {r.applicant.nickname && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('requests.nickname', { nickname: r.applicant.nickname })}</Typography.Text>}
                <Tag bordered={false} style={{ marginTop: 4 }}>{t(`joinMode.${r.mode}`, { defaultValue: r.mode })}</Tag>
              </Space>
            ),
          },
          {
            title: t('requests.answers'), render: (_, r) => r.applicant.answers.length === 0
              ? <Typography.Text type="secondary">{t('requests.noAnswers')}</Typography.Text>
              : (
                <div style={{ display: 'flex', flexDirection: 'column', gap: 6 }}>
                  {r.applicant.answers.map((a, i) => (
                    <div key={i}>
                      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{a.question}</Typography.Text>
                      <div style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', borderInlineStart: `3px solid ${token.colorPrimaryBorder}`, paddingInlineStart: 8 }}>{a.answer || '—'}</div>
                    </div>
                  ))}
                </div>
              ),
          },
          { title: t('requests.at'), dataIndex: 'createdAt', width: 120, render: (v: string) => when(v) },
          ...(canDecide ? [{
            title: t('queues.decide'), key: 'decide', width: 150, render: (_: unknown, r: JoinRequest) => (
              <Space>
                <Button type="primary" size="small" loading={approve.isPending && approve.variables === r.id} onClick={() => approve.mutate(r.id)} data-testid={`approve-${r.id}`}>
                  {t('requests.approve')}
                </Button>
                <Button danger size="small" onClick={() => setRejecting(r)} data-testid={`reject-${r.id}`}>{t('requests.reject')}</Button>
              </Space>
            ),
          }] : []),
        ]}
      />
      {rejecting && <RejectModal groupId={groupId} request={rejecting} onClose={() => setRejecting(null)} />}
    </>
  );
}

function RejectModal({ groupId, request, onClose }: { groupId: string; request: JoinRequest; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ reason: string }>();
  const key = pendingRequestsKey(groupId);
  const onError = useDecisionError(key);
  const reject = useMutation({
    mutationFn: (reason: string) => post<JoinRequest>(`/join-requests/${request.id}/reject`, { reason }),
    onSuccess: (r) => {
      message.success(t('requests.rejected', { name: r.applicant.name }));
      dropFrom(qc, key, r.id);
      onClose();
    },
    onError: (e) => {
      onError(e);
      if (e instanceof ApiError && e.status === 409) onClose();
    },
  });
  const presets = t('requests.reasonPresets', { returnObjects: true }) as string[];
  return (
    <Modal
      open
      title={t('requests.rejectTitle', { name: request.applicant.name })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('requests.reject')}
      okButtonProps={{ danger: true, 'data-testid': 'reject-confirm' } as { danger: boolean }}
      confirmLoading={reject.isPending}
      destroyOnHidden
    >
      <Form form={form} layout="vertical" onFinish={(v) => reject.mutate(v.reason.trim())}>
        <Form.Item name="reason" label={t('requests.reason')} extra={t('requests.reasonHelp')} rules={[{ required: true, whitespace: true, message: t('requests.reasonRequired') }]}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={500} showCount autoFocus data-testid="reject-reason" />
        </Form.Item>
      </Form>
      <Space size={[4, 4]} wrap>
        {Array.isArray(presets) && presets.map((p) => (
          <Tag key={p} style={{ cursor: 'pointer' }} onClick={() => form.setFieldsValue({ reason: p })}>{p}</Tag>
        ))}
      </Space>
    </Modal>
  );
}

// ---- 举报 ----

const MUTE_CHOICES = [0, 10, 60, 24 * 60, 7 * 24 * 60];

export function Reports({ groupId, canDecide }: { groupId: string; canDecide: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { token } = theme.useToken();
  const qc = useQueryClient();
  const q = useOpenReports(groupId);
  const items = useMemo(() => q.data?.items ?? [], [q.data]);
  const ids = useMemo(() => items.flatMap((r) => [r.targetMemberId, r.reporterMemberId]), [items]);
  const nameOf = useMemberNames(groupId, ids);
  const name = (id: string | null) => (id ? (nameOf(id)?.name ?? t('chat.someone', { id: id.slice(-4) })) : '—');
  const [mute, setMute] = useState<Record<string, number>>({});
  const key = openReportsKey(groupId);
  const onError = useDecisionError(key);
  const decide = useMutation({
    mutationFn: (v: { id: string; decision: 'confirm' | 'dismiss'; muteMinutes: number }) =>
      post<Report>(`/reports/${v.id}/decide`, { decision: v.decision, ...(v.decision === 'confirm' ? { muteMinutes: v.muteMinutes } : {}) }),
    onSuccess: (r, v) => {
      message.success(v.decision === 'confirm' ? (v.muteMinutes ? t('reports.confirmedMuted', { duration: muteLabel(t, v.muteMinutes) }) : t('reports.confirmed')) : t('reports.dismissed'));
      dropFrom(qc, key, r.id);
    },
    onError,
  });
  const busy = (id: string, d: string) => decide.isPending && decide.variables?.id === id && decide.variables.decision === d;
  return (
    <Table<Report>
      size="small"
      rowKey="id"
      loading={q.isPending}
      dataSource={items}
      pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
      locale={{ emptyText: q.error ? q.error.message : t('reports.empty') }}
      data-testid="reports"
      columns={[
        {
          title: t('reports.target'), render: (_, r) => (
            <div style={{ display: 'flex', flexDirection: 'column', gap: 4 }}>
              <Space size={6} wrap>
                <Tag color={r.targetType === 'message' ? 'orange' : 'purple'} bordered={false}>{t(`reports.type.${r.targetType}`)}</Tag>
                <Typography.Text strong>{name(r.targetMemberId)}</Typography.Text>
              </Space>
              {r.targetType === 'message' && (
                <div style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', background: token.colorFillQuaternary, borderInlineStart: `3px solid ${token.colorWarningBorder}`, padding: '4px 8px' }} data-testid={`report-excerpt-${r.id}`}>
                  {r.excerpt ?? t('reports.noExcerpt')}
                </div>
              )}
              <Typography.Text>{t('reports.reason', { reason: r.reason })}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('reports.by', { name: name(r.reporterMemberId), at: when(r.createdAt) })}</Typography.Text>
            </div>
          ),
        },
        ...(canDecide ? [{
          title: t('queues.decide'), key: 'decide', width: 270, render: (_: unknown, r: Report) => (
            <Space orientation="vertical" size={6}>
              <Select
                size="small"
                style={{ width: 220 }}
                value={mute[r.id] ?? 0}
                disabled={!r.targetMemberId}
                onChange={(v) => setMute((m) => ({ ...m, [r.id]: v }))}
                options={MUTE_CHOICES.map((m) => ({ value: m, label: m ? t('reports.muteFor', { duration: muteLabel(t, m) }) : t('reports.noMute') }))}
                data-testid={`report-mute-${r.id}`}
              />
              <Space>
                <Button danger type="primary" size="small" loading={busy(r.id, 'confirm')} onClick={() => decide.mutate({ id: r.id, decision: 'confirm', muteMinutes: mute[r.id] ?? 0 })} data-testid={`report-confirm-${r.id}`}>
                  {t('reports.confirm')}
                </Button>
                <Button size="small" loading={busy(r.id, 'dismiss')} onClick={() => decide.mutate({ id: r.id, decision: 'dismiss', muteMinutes: 0 })} data-testid={`report-dismiss-${r.id}`}>
                  {t('reports.dismiss')}
                </Button>
              </Space>
            </Space>
          ),
        }] : []),
      ]}
    />
  );
}

function muteLabel(t: (k: string, o?: Record<string, unknown>) => string, minutes: number): string {
  if (minutes % (24 * 60) === 0) return t('reports.days', { count: minutes / (24 * 60) });
  if (minutes % 60 === 0) return t('reports.hours', { count: minutes / 60 });
  return t('reports.minutes', { count: minutes });
}

// ---- 问答 ----

export function Questions({ groupId, canAnswer, onAnswer }: { groupId: string; canAnswer: boolean; onAnswer: (r: ReplyTarget) => void }) {
  const { t } = useTranslation();
  const q = useOpenQuestions(groupId);
  const items = useMemo(() => q.data?.items ?? [], [q.data]);
  const ids = useMemo(() => items.map((x) => x.memberId), [items]);
  const nameOf = useMemberNames(groupId, ids);
  const name = (id: string) => nameOf(id)?.name ?? t('chat.someone', { id: id.slice(-4) });
  return (
    <Table<Question>
      size="small"
      rowKey="id"
      loading={q.isPending}
      dataSource={items}
      pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
      locale={{ emptyText: q.error ? q.error.message : t('questions.empty') }}
      data-testid="questions"
      columns={[
        { title: t('questions.asker'), dataIndex: 'memberId', width: 140, render: (v: string) => name(v) },
        { title: t('questions.text'), dataIndex: 'text', render: (v: string) => <div style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>{v}</div> },
        { title: t('questions.at'), dataIndex: 'createdAt', width: 120, render: (v: string) => when(v) },
        ...(canAnswer ? [{
          title: '', key: 'answer', width: 90, render: (_: unknown, x: Question) => (
            <Button size="small" onClick={() => onAnswer({ id: x.activityId, name: name(x.memberId), text: x.text })} data-testid={`answer-${x.id}`}>{t('questions.answer')}</Button>
          ),
        }] : []),
      ]}
    />
  );
}
