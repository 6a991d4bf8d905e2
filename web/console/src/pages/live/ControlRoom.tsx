// 直播 › the control room of one session: start, pause, resume and stop; the delivery to every target group
// as it happens (asked every 2 s: delivered, queued, retrying, failed with the reason, the lag) with the totals
// and the slowest group's lag; the question queue from every group; below, the group owners' applications
// with the recruitment link, the statistics, and after the end the archive to tidy and broadcast again.
// A series (分享系列) never runs itself: its page has no commands nor delivery, but lists its occurrences
// (one per sharing session relayed), each opening its own room; an occurrence's room links back to it.
import { useState, type ReactNode } from 'react';
import { Alert, App, Badge, Button, Card, Col, Empty, Popconfirm, Result, Row, Space, Statistic, Table, Tabs, Tag, Tooltip, Typography, theme, type ButtonProps } from 'antd';
import {
  CaretRightOutlined, DeleteOutlined, EditOutlined, LeftOutlined, PauseOutlined, PoweroffOutlined, SyncOutlined,
} from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, del, post, type LiveDeliveryGroup, type LiveSession, type Me } from '../../api';
import { enums, useLabels } from '../../labels';
import { useAllGroups, useCommunities } from '../Groups';
import { Applications } from './Applications';
import { Archive } from './Archive';
import { QuestionQueue } from './Questions';
import { SessionForm } from './SessionForm';
import { SeriesTag, StatusTag } from './Sessions';
import { LiveStatsPanel } from './Stats';
import {
  POLL_MS, STATE_BADGE, isSeries, lagText, liveKey, ruleSchedule, running, shortTime, useApplications, useDelivery, useLiveQuestions, useLiveSession, useOccurrences, useSharingRules,
} from './live';

type Command = 'start' | 'pause' | 'resume' | 'stop';

export function ControlRoom({ id, me, onBack, onOpen }: { id: string; me: Me; onBack: () => void; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const q = useLiveSession(id);
  if (q.error) {
    const gone = q.error instanceof ApiError && q.error.status === 404;
    return <Result status={gone ? '404' : 'error'} title={gone ? t('live.gone') : q.error.message} extra={<Button onClick={onBack}>{t('live.back')}</Button>} />;
  }
  if (!q.data) return <Card loading />;
  return isSeries(q.data) ? <SeriesRoom session={q.data} me={me} onBack={onBack} onOpen={onOpen} /> : <Room session={q.data} me={me} onBack={onBack} onOpen={onOpen} />;
}

function SeriesRoom({ session: s, me, onBack, onOpen }: { session: LiveSession; me: Me; onBack: () => void; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const canManage = me.permissions.includes('live.manage');
  const occurrences = useOccurrences(s.id, true);
  const items = occurrences.data?.items ?? [];
  return (
    <div data-testid="live-room" data-series="true">
      <Header session={s} me={me} canManage={canManage} onBack={onBack} onOpen={onOpen} />
      <Alert type="info" showIcon title={t('live.series.roomNote')} style={{ marginBottom: 16 }} data-testid="live-series-note" />
      <Card title={t('live.series.occurrences')} extra={<Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('live.series.occurrencesHelp')}</Typography.Text>} style={{ marginBottom: 16 }} styles={{ body: { padding: 0 } }}>
        <Table<LiveSession>
          rowKey="id"
          size="small"
          loading={occurrences.isPending}
          dataSource={items}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={occurrences.error ? occurrences.error.message : t('live.series.noOccurrences')} /> }}
          data-testid="live-occurrences"
          onRow={(o) => ({ onClick: () => onOpen(o.id), style: { cursor: 'pointer' }, 'data-testid': 'live-occurrence-row', 'data-id': o.id, 'data-status': o.status }) as React.HTMLAttributes<HTMLElement>}
          columns={[
            { title: t('live.series.started'), dataIndex: 'startedAt', width: 150, render: (v: string | null) => <a data-testid="live-occurrence-open">{shortTime(v)}</a> },
            { title: t('live.statusLabel'), dataIndex: 'status', width: 110, render: (v: LiveSession['status']) => <StatusTag status={v} /> },
            { title: t('live.speakers'), key: 'speakers', render: (_, o) => <span data-testid="live-occurrence-speakers">{o.speakers.map((p) => p.name).join('、')}</span> },
            { title: t('live.targets'), dataIndex: 'targetCount', width: 80, align: 'right' },
            { title: t('live.messages'), dataIndex: 'messageCount', width: 80, align: 'right' },
            {
              title: '', key: 'open', width: 120, align: 'right', render: (_, o) => (
                <Button type="link" size="small" onClick={(e) => { e.stopPropagation(); onOpen(o.id); }}>
                  {t(o.status === 'ended' ? 'live.series.openReplay' : 'live.series.openRoom')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs items={[{ key: 'applications', label: <span data-testid="live-tab-applications">{t('live.tabs.applications')}</span>, children: <Applications session={s} canDecide={canManage} /> }]} />
      </Card>
    </div>
  );
}

function Room({ session: s, me, onBack, onOpen }: { session: LiveSession; me: Me; onBack: () => void; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const canManage = me.permissions.includes('live.manage');
  const live = running(s);
  const delivery = useDelivery(s.id, live);
  const open = useLiveQuestions(s.id, 'open', live);
  const apps = useApplications(s.id, s.status !== 'ended');
  const pendingApps = (apps.data?.items ?? []).filter((a) => a.status === 'pending').length;
  const [tab, setTab] = useState<string | null>(null);
  const activeTab = tab ?? (s.status === 'ended' ? 'archive' : 'applications');
  const d = delivery.data;

  return (
    <div data-testid="live-room" data-status={s.status}>
      <Header session={s} me={me} canManage={canManage} onBack={onBack} onOpen={onOpen} />
      <div className="shequn-live-tiles" data-testid="live-totals">
        <Tile label={t('live.tiles.groups')} value={d?.groups.length} testId="live-total-groups" />
        <Tile label={t('live.tiles.messages')} value={d?.messages} testId="live-total-messages" />
        <Tile label={t('live.tiles.delivered')} value={d?.totals.delivered} testId="live-total-delivered" tone="success" />
        <Tile label={t('live.tiles.queued')} value={d?.totals.queued} testId="live-total-queued" tone={d?.totals.queued ? 'processing' : undefined} />
        <Tile label={t('live.tiles.retrying')} value={d?.totals.retrying} testId="live-total-retrying" tone={d?.totals.retrying ? 'warning' : undefined} />
        <Tile label={t('live.tiles.failed')} value={d?.totals.failed} testId="live-total-failed" tone={d?.totals.failed ? 'error' : undefined} />
        <Tile
          label={t('live.tiles.slowest')}
          value={d ? lagText(t, d.slowestLagMs) : undefined}
          testId="live-slowest-lag"
          tone={d && d.slowestLagMs > 30_000 ? 'error' : d && d.slowestLagMs > 5_000 ? 'warning' : undefined}
        />
      </div>
      <Row gutter={16}>
        <Col xs={24} xl={14}>
          <Card
            title={t('live.delivery.title')}
            extra={<PollTag polling={live || !!(d && (d.totals.queued || d.totals.retrying))} fetching={delivery.isFetching} />}
            style={{ marginBottom: 16 }}
            styles={{ body: { padding: 0 } }}
          >
            {delivery.error && <Alert type="error" showIcon title={delivery.error.message} style={{ margin: 12 }} />}
            <DeliveryTable groups={d?.groups ?? []} loading={delivery.isPending} />
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card
            title={<span>{t('live.questions.title')}{!!open.data?.items.length && <Badge count={open.data.items.length} size="small" color="blue" style={{ marginInlineStart: 8 }} />}</span>}
            style={{ marginBottom: 16 }}
            styles={{ body: { paddingTop: 12 } }}
            data-testid="live-questions-card"
          >
            <QuestionQueue session={s} canAnswer={canManage} />
          </Card>
        </Col>
      </Row>
      <Card styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={activeTab}
          onChange={setTab}
          items={[
            {
              key: 'applications',
              label: <span data-testid="live-tab-applications">{t('live.tabs.applications')}{!!pendingApps && <Badge count={pendingApps} size="small" style={{ marginInlineStart: 6 }} />}</span>,
              children: <Applications session={s} canDecide={canManage} />,
            },
            { key: 'stats', label: <span data-testid="live-tab-stats">{t('live.tabs.stats')}</span>, children: <LiveStatsPanel session={s} /> },
            { key: 'archive', label: <span data-testid="live-tab-archive">{t('live.tabs.archive')}</span>, children: <Archive session={s} canEdit={canManage} /> },
          ]}
        />
      </Card>
    </div>
  );
}

function Tile({ label, value, testId, tone }: { label: string; value: number | string | undefined; testId: string; tone?: 'success' | 'processing' | 'warning' | 'error' }) {
  const { token } = theme.useToken();
  const color = tone === 'success' ? token.colorSuccess : tone === 'processing' ? token.colorInfo : tone === 'warning' ? token.colorWarning : tone === 'error' ? token.colorError : undefined;
  return (
    <Card size="small" className="shequn-live-tile">
      <Statistic
        title={label}
        value={value ?? '—'}
        styles={{ content: { fontSize: 22, color } }}
        valueRender={(node) => <span data-testid={testId}>{node}</span>}
      />
    </Card>
  );
}

function PollTag({ polling, fetching }: { polling: boolean; fetching: boolean }) {
  const { t } = useTranslation();
  if (!polling) return <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('live.delivery.still')}</Typography.Text>;
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="live-polling">
      <SyncOutlined spin={fetching} /> {t('live.delivery.polling', { s: POLL_MS / 1000 })}
    </Typography.Text>
  );
}

function Header({ session: s, me, canManage, onBack, onOpen }: { session: LiveSession; me: Me; canManage: boolean; onBack: () => void; onOpen: (id: string) => void }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const communities = useCommunities();
  const groups = useAllGroups();
  const community = communities.data?.items.find((c) => c.id === s.communityId);
  const main = groups.data?.items.find((g) => g.id === s.mainGroupId);
  const command = useMutation({
    mutationFn: (c: Command) => post<LiveSession>(`/live-sessions/${s.id}/${c}`),
    onSuccess: (next, c) => {
      qc.setQueryData(liveKey(s.id), next);
      void qc.invalidateQueries({ queryKey: liveKey(s.id) });
      void qc.invalidateQueries({ queryKey: ['live-sessions'] });
      message.success(t(`live.done.${c}`));
    },
    onError: (e) => void message.error(e.message),
  });
  const [editing, setEditing] = useState(false);
  const remove = useMutation({
    mutationFn: () => del(`/live-sessions/${s.id}`),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: ['live-sessions'] });
      message.success(t('live.deleted'));
      onBack();
    },
    onError: (e) => void message.error(e.message),
  });
  const busy = (c: Command) => command.isPending && command.variables === c;
  const series = isSeries(s);
  const rules = useSharingRules();
  const rule = (rules.data ?? []).find((r) => r.id === s.ruleId);
  const when = series ? ruleSchedule(t, rule) || t('live.series.byRule')
    : s.status === 'scheduled'
    ? (s.scheduledAt ? t('live.scheduledAt', { at: shortTime(s.scheduledAt) }) : t('live.noSchedule'))
    : s.status === 'ended' ? `${t('live.startedAt', { at: shortTime(s.startedAt) })} · ${t('live.endedAt', { at: shortTime(s.endedAt) })}` : t('live.startedAt', { at: shortTime(s.startedAt) });
  const person = (p: LiveSession['host']) => `${p.name}${p.type === 'operator' ? `（${t('live.operator')}）` : ''}`;
  const stop = (
    <Popconfirm title={t('live.stopConfirm')} description={t('live.stopConfirmHelp')} okText={t('live.cmd.stop')} okButtonProps={{ danger: true, 'data-testid': 'live-stop-confirm' } as ButtonProps} onConfirm={() => command.mutate('stop')}>
      <Button danger icon={<PoweroffOutlined />} loading={busy('stop')} data-testid="live-stop">{t('live.cmd.stop')}</Button>
    </Popconfirm>
  );
  return (
    <div
      style={{ padding: '12px 16px', marginBottom: 16, background: token.colorBgContainer, border: `1px solid ${token.colorBorderSecondary}`, borderRadius: token.borderRadiusLG }}
      data-testid="live-header"
    >
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, flexWrap: 'wrap' }}>
        <Button type="text" size="small" icon={<LeftOutlined />} onClick={onBack} data-testid="live-back">{t('live.back')}</Button>
        <Typography.Title level={4} style={{ margin: 0 }} data-testid="live-room-title">{s.title}</Typography.Title>
        {!series && <StatusTag status={s.status} />}
        <SeriesTag session={s} />
        {community && <Tag bordered={false}>{community.name}</Tag>}
        <span style={{ flex: 1 }} />
        {canManage && (
          <Space wrap>
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)} data-testid="live-edit">{t('common.edit')}</Button>
            {s.status === 'scheduled' && (
              <>
                <Popconfirm title={t(series ? 'live.series.deleteConfirm' : 'live.deleteConfirm')} okText={t('common.delete')} okButtonProps={{ danger: true }} onConfirm={() => remove.mutate()}>
                  <Button type="text" danger icon={<DeleteOutlined />} loading={remove.isPending} data-testid="live-delete">{t('common.delete')}</Button>
                </Popconfirm>
                {!series && <Button type="primary" icon={<CaretRightOutlined />} loading={busy('start')} onClick={() => command.mutate('start')} data-testid="live-start">{t('live.cmd.start')}</Button>}
              </>
            )}
            {s.status === 'live' && (
              <>
                <Button icon={<PauseOutlined />} loading={busy('pause')} onClick={() => command.mutate('pause')} data-testid="live-pause">{t('live.cmd.pause')}</Button>
                {stop}
              </>
            )}
            {s.status === 'paused' && (
              <>
                <Button type="primary" icon={<CaretRightOutlined />} loading={busy('resume')} onClick={() => command.mutate('resume')} data-testid="live-resume">{t('live.cmd.resume')}</Button>
                {stop}
              </>
            )}
          </Space>
        )}
      </div>
      <div style={{ display: 'flex', gap: 20, flexWrap: 'wrap', marginTop: 8, paddingInlineStart: 4 }}>
        <Meta label={t('live.mainGroup')}>{main?.name ?? s.mainGroupId}</Meta>
        <Meta label={t('live.host')}>{person(s.host)}</Meta>
        <Meta label={t('live.speakers')}><span data-testid="live-room-speakers">{[...(series ? [t('live.series.speakerEach')] : []), ...s.speakers.map(person)].join('、')}</span></Meta>
        <Meta label={t('live.when')}><span data-testid="live-room-when">{when}</span></Meta>
        {s.seriesId && (
          <Meta label={t('live.series.ofSeries')}>
            <a onClick={() => onOpen(s.seriesId!)} data-testid="live-series-link">{t('live.series.openSeries')}</a>
          </Meta>
        )}
        {s.status === 'live' && <Meta label={t('live.hint')}>{t('live.hostCommands')}</Meta>}
      </div>
      {s.description && (
        <Typography.Paragraph type="secondary" style={{ fontSize: 13, margin: '6px 0 0', paddingInlineStart: 4 }} ellipsis={{ rows: 2, tooltip: s.description }} data-testid="live-room-description">
          {s.description}
        </Typography.Paragraph>
      )}
      {editing && <SessionForm me={me} session={s} onClose={() => setEditing(false)} onSaved={() => setEditing(false)} />}
    </div>
  );
}

function Meta({ label, children }: { label: string; children: ReactNode }) {
  return (
    <span style={{ fontSize: 13 }}>
      <Typography.Text type="secondary">{label}：</Typography.Text>
      {children}
    </span>
  );
}

function DeliveryTable({ groups, loading }: { groups: LiveDeliveryGroup[]; loading: boolean }) {
  const { t } = useTranslation();
  const { label } = useLabels();
  const num = (n: number, tone?: 'danger' | 'warning') => (
    <Typography.Text type={n && tone ? tone : n ? undefined : 'secondary'} style={{ fontVariantNumeric: 'tabular-nums' }}>{n}</Typography.Text>
  );
  return (
    <Table<LiveDeliveryGroup>
      rowKey="groupId"
      size="small"
      loading={loading}
      dataSource={groups}
      pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
      locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('live.delivery.none')} /> }}
      data-testid="live-delivery"
      onRow={(g) => ({ 'data-testid': 'live-delivery-row', 'data-group-id': g.groupId, 'data-state': g.state }) as React.HTMLAttributes<HTMLElement>}
      columns={[
        {
          title: t('live.delivery.group'), key: 'group', render: (_, g) => (
            <div>
              <Typography.Text strong data-testid="live-delivery-name">{g.name}</Typography.Text>
              <div style={{ display: 'flex', gap: 4, marginTop: 2 }}>
                <Tag bordered={false} style={{ fontSize: 11, lineHeight: '18px', marginInlineEnd: 0 }}>{label(enums.platform, g.platform)}</Tag>
                {g.origin === 'recruit' && <Tag color="purple" bordered={false} style={{ fontSize: 11, lineHeight: '18px' }} data-testid="live-delivery-recruit">{t('live.delivery.recruited')}</Tag>}
              </div>
            </div>
          ),
        },
        {
          title: t('live.delivery.state'), key: 'state', width: 170, render: (_, g) => (
            <div>
              <Badge status={STATE_BADGE[g.state]} text={<span data-testid="live-delivery-state">{t(`live.state.${g.state}`)}</span>} />
              {g.lastError && (
                <Tooltip title={g.lastError}>
                  <Typography.Paragraph type={g.state === 'failed' ? 'danger' : 'warning'} style={{ fontSize: 12, margin: 0, maxWidth: 170 }} ellipsis={{ rows: 2 }} data-testid="live-delivery-error">
                    {g.lastError}
                  </Typography.Paragraph>
                </Tooltip>
              )}
              {g.ambiguous > 0 && (
                <Tooltip title={t('live.delivery.ambiguousHelp')}>
                  <Tag color="orange" bordered={false} style={{ fontSize: 11, marginTop: 2 }}>{t('live.delivery.ambiguous', { count: g.ambiguous })}</Tag>
                </Tooltip>
              )}
            </div>
          ),
        },
        { title: t('live.state.delivered'), dataIndex: 'delivered', width: 72, align: 'right', render: (n: number) => <span data-testid="live-delivery-delivered">{num(n)}</span> },
        { title: t('live.state.queued'), dataIndex: 'queued', width: 64, align: 'right', render: (n: number) => num(n) },
        { title: t('live.state.retrying'), dataIndex: 'retrying', width: 64, align: 'right', render: (n: number) => num(n, 'warning') },
        { title: t('live.state.failed'), dataIndex: 'failed', width: 64, align: 'right', render: (n: number) => num(n, 'danger') },
        {
          title: t('live.delivery.lag'), dataIndex: 'lagMs', width: 96, align: 'right',
          render: (ms: number) => <Typography.Text type={ms > 30_000 ? 'danger' : ms > 5_000 ? 'warning' : ms ? undefined : 'secondary'} style={{ fontVariantNumeric: 'tabular-nums' }} data-testid="live-delivery-lag">{lagText(t, ms)}</Typography.Text>,
        },
      ]}
    />
  );
}
