// 直播 › the sessions, newest first, with their status (预告 / 直播中 / 暂停 / 已结束); a new one is planned,
// and a saved one edited, in the session form (SessionForm.tsx). A series (分享系列, relaying a sharing rule)
// is tagged with the rule's schedule; its occurrences are tagged too and listed on the series' page.
import { useMemo, useState } from 'react';
import { Badge, Button, Card, Empty, Segmented, Select, Space, Table, Tag, Typography } from 'antd';
import { EditOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import type { LiveSession, LiveStatus, Me } from '../../api';
import { useCommunities } from '../Groups';
import { SessionForm } from './SessionForm';
import { STATUS_BADGE, STATUS_COLOR, isSeries, ruleSchedule, shortTime, useLiveSessions, useSharingRules } from './live';

const STATUSES: LiveStatus[] = ['scheduled', 'live', 'paused', 'ended'];

export function StatusTag({ status }: { status: LiveStatus }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLOR[status]} data-testid="live-status" data-status={status}>
      <Badge status={STATUS_BADGE[status]} /> {t(`live.status.${status}`)}
    </Tag>
  );
}

/** 「分享系列」 with the rule's schedule on a series; 「分享 · 单次」 on one of its occurrences. */
export function SeriesTag({ session: s }: { session: LiveSession }) {
  const { t } = useTranslation();
  const rules = useSharingRules();
  if (!s.ruleId) return null;
  const schedule = ruleSchedule(t, (rules.data ?? []).find((r) => r.id === s.ruleId));
  return isSeries(s)
    ? <Tag color="purple" bordered={false} data-testid="live-series-tag">{t('live.series.tag')}{schedule ? ` · ${schedule}` : ''}</Tag>
    : <Tag color="geekblue" bordered={false} data-testid="live-occurrence-tag">{t('live.series.occurrenceTag')}</Tag>;
}

export function Sessions({ me, onOpen }: { me: Me; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const canManage = me.permissions.includes('live.manage');
  const [status, setStatus] = useState<LiveStatus | 'all'>('all');
  const [communityId, setCommunityId] = useState<string | undefined>();
  const communities = useCommunities();
  const names = useMemo(() => new Map((communities.data?.items ?? []).map((c) => [c.id, c.name])), [communities.data]);
  const list = useLiveSessions({ status: status === 'all' ? undefined : status, communityId });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<LiveSession | null>(null);
  return (
    <>
      <Typography.Paragraph type="secondary">{t('live.intro')}</Typography.Paragraph>
      <Card
        title={
          <Space wrap>
            <Segmented<LiveStatus | 'all'>
              value={status}
              onChange={setStatus}
              options={[{ value: 'all', label: t('live.all') }, ...STATUSES.map((s) => ({ value: s, label: t(`live.status.${s}`) }))]}
              data-testid="live-filter-status"
            />
            <Select allowClear placeholder={t('groups.community')} style={{ width: 200 }} options={(communities.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))} onChange={setCommunityId} />
          </Space>
        }
        extra={canManage && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="live-new">{t('live.new')}</Button>}
      >
        <Table<LiveSession>
          rowKey="id"
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={list.error ? list.error.message : t('live.none')} /> }}
          data-testid="live-sessions"
          onRow={(s) => ({ onClick: () => onOpen(s.id), style: { cursor: 'pointer' }, 'data-testid': 'live-session-row', 'data-id': s.id }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            {
              title: t('live.title'), dataIndex: 'title', render: (v: string, s) => (
                <div>
                  <Space size={6} wrap>
                    <a data-testid="live-session-title">{v}</a>
                    <SeriesTag session={s} />
                  </Space>
                  {s.description && <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: 0 }} ellipsis={{ rows: 1, tooltip: s.description }}>{s.description}</Typography.Paragraph>}
                </div>
              ),
            },
            { title: t('groups.community'), dataIndex: 'communityId', width: 160, render: (v: string) => names.get(v) ?? v },
            // A series is always "scheduled" (it never runs itself): its occurrences carry the statuses.
            { title: t('live.statusLabel'), dataIndex: 'status', width: 110, render: (v: LiveStatus, s) => (isSeries(s) ? <Tag bordered={false} data-testid="live-status" data-status="series">{t('live.series.status')}</Tag> : <StatusTag status={v} />) },
            {
              title: t('live.when'), key: 'when', width: 170, render: (_, s) => (
                isSeries(s) ? <Typography.Text type="secondary">{t('live.series.byRule')}</Typography.Text>
                : s.status === 'scheduled'
                  ? (s.scheduledAt ? t('live.scheduledAt', { at: shortTime(s.scheduledAt) }) : <Typography.Text type="secondary">{t('live.noSchedule')}</Typography.Text>)
                  : s.status === 'ended' ? t('live.endedAt', { at: shortTime(s.endedAt) }) : t('live.startedAt', { at: shortTime(s.startedAt) })
              ),
            },
            { title: t('live.speakers'), key: 'speakers', width: 200, render: (_, s) => [...(isSeries(s) ? [t('live.series.speakerEach')] : []), ...s.speakers.map((p) => p.name)].join('、') },
            { title: t('live.targets'), dataIndex: 'targetCount', width: 90, align: 'right' },
            { title: t('live.messages'), dataIndex: 'messageCount', width: 90, align: 'right' },
            ...(canManage ? [{
              title: '', key: 'actions', width: 88, align: 'right' as const, render: (_: unknown, s: LiveSession) => (
                <Button
                  type="link"
                  size="small"
                  icon={<EditOutlined />}
                  onClick={(e) => {
                    e.stopPropagation();
                    setEditing(s);
                  }}
                  data-testid="live-session-edit"
                >
                  {t('common.edit')}
                </Button>
              ),
            }] : []),
          ]}
        />
      </Card>
      {creating && (
        <SessionForm
          me={me}
          onClose={() => setCreating(false)}
          onSaved={(s) => {
            setCreating(false);
            onOpen(s.id);
          }}
        />
      )}
      {editing && (
        <SessionForm
          me={me}
          session={list.data?.items.find((x) => x.id === editing.id) ?? editing}
          onClose={() => setEditing(null)}
          onSaved={() => setEditing(null)}
        />
      )}
    </>
  );
}
