// 群规执行记录: what the rules did (and the team's undos), newest first: each action with its member, group,
// rule, reason and the message behind it, and an Undo per action (unmute, bring back into the group, lift
// the blacklist; an undone warning stops counting toward the next step). Refreshed by the workspace's live
// events (a warning is a message, a mute a membership change) and, while any action is pending, every few
// seconds.
import { useMemo, useState } from 'react';
import { App, Button, Card, Popconfirm, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { RollbackOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, get, post, qs, type Activity, type Me, type Rule } from '../../api';
import { useAllGroups } from '../Groups';
import { MemberPicker } from './MemberPicker';
import { useRuleTypeLabel } from './RuleEditor';
import { useMemberLabels } from './people';
import { ruleDef } from './types';

export type ActionKind = 'send' | 'warn' | 'mute' | 'unmute' | 'remove' | 'restore' | 'blacklist' | 'unblacklist';

export interface RuleAction {
  id: string;
  action: ActionKind;
  platform: string;
  groupId: string | null;
  memberId: string | null;
  payload: Record<string, unknown>;
  originType: 'rule' | 'operator' | 'undo' | string;
  originId: string | null;
  reason: string | null;
  causeActivityId: string | null;
  status: 'pending' | 'done' | 'failed' | 'undone';
  attempts: number;
  lastError: string | null;
  createdAt: string;
  doneAt: string | null;
  undoneAt: string | null;
  undoneBy: string | null;
}

const ACTIONS: ActionKind[] = ['send', 'warn', 'mute', 'unmute', 'remove', 'restore', 'blacklist', 'unblacklist'];
const ACTION_COLOR: Record<ActionKind, string> = {
  send: 'default', warn: 'gold', mute: 'orange', unmute: 'green', remove: 'red', restore: 'green', blacklist: 'magenta', unblacklist: 'green',
};
const STATUS_COLOR: Record<RuleAction['status'], string> = { pending: 'processing', done: 'success', failed: 'error', undone: 'default' };
const UNDOABLE = new Set<ActionKind>(['warn', 'mute', 'remove', 'blacklist']);

export function RuleActions({ me }: { me: Me }) {
  const { t } = useTranslation();
  const canUndo = me.permissions.includes('member.write');
  const [groupId, setGroupId] = useState<string | undefined>();
  const [memberId, setMemberId] = useState<string | null>(null);
  const [originType, setOriginType] = useState<string | undefined>();
  const [action, setAction] = useState<ActionKind | undefined>();
  const [status, setStatus] = useState<RuleAction['status'] | undefined>();
  const groups = useAllGroups();
  const groupName = useMemo(() => new Map((groups.data?.items ?? []).map((g) => [g.id, g.name])), [groups.data]);
  const q = useQuery({
    queryKey: ['rule-actions', { groupId, memberId, originType }],
    queryFn: () => get<{ items: RuleAction[] }>(`/rule-actions${qs({ groupId, memberId, originType, limit: 200 })}`),
    // An action waits for the engine's next pass: look again until it is carried out.
    refetchInterval: (query) => (query.state.data?.items.some((a) => a.status === 'pending') ? 2000 : false),
  });
  const rules = useQuery({ queryKey: ['rules', 'all'], queryFn: () => get<{ items: Rule[] }>('/rules') });
  const ruleById = useMemo(() => new Map((rules.data?.items ?? []).map((r) => [r.id, r])), [rules.data]);
  const rows = useMemo(() => (q.data?.items ?? []).filter((a) => (!action || a.action === action) && (!status || a.status === status)), [q.data, action, status]);
  const memberName = useMemberLabels(rows.map((a) => a.memberId));
  const typeLabel = useRuleTypeLabel();

  const origin = (a: RuleAction) => {
    if (a.originType === 'rule') {
      const r = a.originId ? ruleById.get(a.originId) : undefined;
      return <Tag bordered={false} color="geekblue">{r ? typeLabel(ruleDef(r.type, r.family)) : t('ruleLog.origin.rule')}</Tag>;
    }
    return <Tag bordered={false}>{t(`ruleLog.origin.${a.originType}`, { defaultValue: a.originType })}</Tag>;
  };

  return (
    <Card
      data-testid="rule-log"
      title={
        <Space wrap>
          <Select allowClear placeholder={t('groups.name')} style={{ width: 200 }} showSearch={{ optionFilterProp: 'label' }}
            options={(groups.data?.items ?? []).map((g) => ({ value: g.id, label: g.name }))} onChange={setGroupId} data-testid="rule-log-group" />
          <MemberPicker groupId={groupId ?? null} value={memberId} onChange={setMemberId} placeholder={t('ruleLog.member')} style={{ width: 180 }} testId="rule-log-member" />
          <Select allowClear placeholder={t('ruleLog.action')} style={{ width: 130 }} options={ACTIONS.map((a) => ({ value: a, label: t(`ruleLog.actions.${a}`) }))} onChange={setAction} data-testid="rule-log-action" />
          <Select allowClear placeholder={t('ruleLog.originLabel')} style={{ width: 130 }} options={(['rule', 'operator', 'undo'] as const).map((o) => ({ value: o, label: t(`ruleLog.origin.${o}`) }))} onChange={setOriginType} data-testid="rule-log-origin" />
          <Select allowClear placeholder={t('ruleLog.status')} style={{ width: 120 }} options={(['pending', 'done', 'failed', 'undone'] as const).map((s) => ({ value: s, label: t(`ruleLog.statuses.${s}`) }))} onChange={setStatus} data-testid="rule-log-status" />
        </Space>
      }
    >
      <Table<RuleAction>
        rowKey="id"
        size="small"
        loading={q.isPending}
        dataSource={rows}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        data-testid="rule-log-table"
        onRow={(a) => ({ 'data-testid': 'rule-action', 'data-action': a.action, 'data-status': a.status, 'data-id': a.id }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: t('operate.when'), dataIndex: 'createdAt', width: 160, render: (v: string) => new Date(v).toLocaleString() },
          {
            title: t('ruleLog.action'), dataIndex: 'action', width: 110,
            render: (v: ActionKind, a) => (
              <Space size={2} orientation="vertical">
                <Tag color={ACTION_COLOR[v]} style={{ marginInlineEnd: 0 }}>{t(`ruleLog.actions.${v}`)}</Tag>
                {v === 'mute' && typeof a.payload.minutes === 'number' && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('ruleLog.minutes', { count: a.payload.minutes })}</Typography.Text>}
              </Space>
            ),
          },
          { title: t('ruleLog.member'), dataIndex: 'memberId', width: 110, render: (v: string | null) => (v ? memberName(v) ?? '…' : '—') },
          { title: t('groups.name'), dataIndex: 'groupId', width: 140, render: (v: string | null) => (v ? groupName.get(v) ?? v : '—') },
          {
            title: t('ruleLog.reason'),
            render: (_, a) => (
              <div style={{ minWidth: 0 }}>
                <div>{a.reason ?? ''}</div>
                {(a.action === 'warn' || a.action === 'send') && typeof a.payload.text === 'string' && (
                  <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>{t('ruleLog.said', { text: a.payload.text })}</Typography.Text>
                )}
                {a.causeActivityId && a.originType === 'rule' && <CauseText id={a.causeActivityId} />}
              </div>
            ),
          },
          { title: t('ruleLog.originLabel'), key: 'origin', width: 130, render: (_, a) => origin(a) },
          {
            title: t('ruleLog.status'), dataIndex: 'status', width: 90,
            render: (v: RuleAction['status'], a) => {
              const tip = v === 'failed' ? a.lastError : v === 'undone' && a.undoneAt ? t('ruleLog.undoneAt', { at: new Date(a.undoneAt).toLocaleString() }) : null;
              const tag = <Tag color={STATUS_COLOR[v]} data-testid="rule-action-status">{t(`ruleLog.statuses.${v}`)}</Tag>;
              return tip ? <Tooltip title={tip}>{tag}</Tooltip> : tag;
            },
          },
          {
            title: '', key: 'undo', width: 88, align: 'right',
            render: (_, a) => canUndo && a.status !== 'undone' && a.originType !== 'undo' && UNDOABLE.has(a.action) ? <UndoButton action={a} name={a.memberId ? memberName(a.memberId) : null} /> : null,
          },
        ]}
      />
    </Card>
  );
}

function UndoButton({ action: a, name }: { action: RuleAction; name: string | null }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const undo = useMutation({
    mutationFn: () => post<RuleAction>(`/rule-actions/${a.id}/undo`),
    onSuccess: () => void message.success(t('ruleLog.undone')),
    onError: (e) => {
      // An antd message is a thenable that settles when it closes: never hand it back to the mutation.
      if (e instanceof ApiError && e.status === 409) message.info(t('ruleLog.alreadyUndone'));
      else message.error(e.message);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: ['rule-actions'] }),
  });
  return (
    <Popconfirm
      title={t(`ruleLog.undoTitle.${a.action}`, { name: name ?? t('ruleLog.theMember') })}
      description={t(`ruleLog.undoWhat.${a.action}`)}
      okText={t('ruleLog.undo')}
      onConfirm={() => undo.mutate()}
      okButtonProps={{ 'data-testid': 'undo-confirm' } as Record<string, string>}
    >
      <Button size="small" icon={<RollbackOutlined />} loading={undo.isPending} data-testid={`undo-${a.id}`}>{t('ruleLog.undo')}</Button>
    </Popconfirm>
  );
}

/** The message that set the rule off. */
function CauseText({ id }: { id: string }) {
  const { t } = useTranslation();
  const a = useQuery({ queryKey: ['activity', id], queryFn: () => get<Activity>(`/activities/${id}`), staleTime: Infinity, retry: false });
  const text = typeof a.data?.payload.text === 'string' ? a.data.payload.text : null;
  if (!text) return null;
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', wordBreak: 'break-word' }} data-testid="rule-action-cause">
      {t('ruleLog.cause', { text })}
    </Typography.Text>
  );
}
