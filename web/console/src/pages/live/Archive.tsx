// 直播 › 回放: the session's messages as relayed, in order. After the end the host tidies them for the replay
// (hide chatter, correct a message's text, write the summary; the words as said are kept) and can send the
// edited archive to the target groups again (重新推送).
import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Empty, Image, Input, Popconfirm, Space, Switch, Table, Tag, Tooltip, Typography, theme, type ButtonProps } from 'antd';
import { EditOutlined, RollbackOutlined, SaveOutlined, SendOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, patch, post, type LiveMessage, type LiveSession } from '../../api';
import { liveKey, running, shortTime } from './live';

/** A message's pending change: hidden, and its text (null: back to the words as said). */
interface Draft {
  hidden?: boolean;
  text?: string | null;
}

const KIND_COLOR: Record<LiveMessage['kind'], string> = { speech: 'red', answer: 'blue', notice: 'default' };

export function Archive({ session: s, canEdit }: { session: LiveSession; canEdit: boolean }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: liveKey(s.id, 'archive'),
    queryFn: () => get<{ items: LiveMessage[] }>(`/live-sessions/${s.id}/archive`),
    refetchInterval: running(s) ? 5000 : false,
  });
  const editable = canEdit && s.status === 'ended';
  const [drafts, setDrafts] = useState<Record<number, Draft>>({});
  const [editing, setEditing] = useState<number | null>(null);
  const [summary, setSummary] = useState(s.summary ?? '');
  useEffect(() => setSummary(s.summary ?? ''), [s.summary]);
  const items = useMemo(() => q.data?.items ?? [], [q.data]);
  const bySeq = useMemo(() => new Map(items.map((m) => [m.seq, m])), [items]);

  const asSaid = (m: LiveMessage) => m.originalText ?? m.text;
  const shown = (m: LiveMessage) => {
    const d = drafts[m.seq];
    if (d?.text === null) return asSaid(m);
    return d?.text ?? m.text;
  };
  const hidden = (m: LiveMessage) => drafts[m.seq]?.hidden ?? m.hidden;
  const edit = (seq: number, change: Draft) => setDrafts((all) => ({ ...all, [seq]: { ...all[seq], ...change } }));

  // Only what differs from the archive as stored goes up.
  const changes = useMemo(() => Object.entries(drafts).flatMap(([k, d]) => {
    const m = bySeq.get(Number(k));
    if (!m) return [];
    const out: { seq: number; hidden?: boolean; text?: string | null } = { seq: m.seq };
    if (d.hidden !== undefined && d.hidden !== m.hidden) out.hidden = d.hidden;
    if (d.text === null && m.originalText !== null) out.text = null;
    else if (typeof d.text === 'string' && d.text !== m.text) out.text = d.text === asSaid(m) ? null : d.text;
    return Object.keys(out).length > 1 ? [out] : [];
  }), [drafts, bySeq]);
  const summaryChanged = summary.trim() !== (s.summary ?? '');
  const dirty = changes.length > 0 || summaryChanged;

  const save = useMutation({
    mutationFn: () => patch<{ items: LiveMessage[] }>(`/live-sessions/${s.id}/archive`, {
      ...(summaryChanged ? { summary: summary.trim() || null } : {}), messages: changes,
    }),
    onSuccess: (r) => {
      qc.setQueryData(liveKey(s.id, 'archive'), r);
      setDrafts({});
      setEditing(null);
      void qc.invalidateQueries({ queryKey: liveKey(s.id) });
      message.success(t('live.archive.saved'));
    },
    onError: (e) => void message.error(e.message),
  });
  const rebroadcast = useMutation({
    mutationFn: () => post<{ messages: number; groups: number }>(`/live-sessions/${s.id}/rebroadcast`),
    onSuccess: (r) => {
      message.success(t('live.archive.rebroadcasted', { messages: r.messages, groups: r.groups }));
      void qc.invalidateQueries({ queryKey: liveKey(s.id) });
    },
    onError: (e) => void message.error(e.message),
  });

  if (q.error) return <Alert type="error" showIcon title={q.error.message} />;
  const visible = items.filter((m) => !hidden(m)).length;
  return (
    <div data-testid="live-archive">
      {s.status !== 'ended' && (
        <Alert type="info" showIcon title={s.status === 'scheduled' ? t('live.archive.notStarted') : t('live.archive.whileLive')} style={{ marginBottom: 12 }} />
      )}
      {s.status === 'ended' && (
        <div style={{ marginBottom: 28 }}>
          <Typography.Text strong>{t('live.archive.summary')}</Typography.Text>
          <Input.TextArea
            value={summary}
            onChange={(e) => setSummary(e.target.value)}
            disabled={!editable}
            autoSize={{ minRows: 2, maxRows: 8 }}
            maxLength={5000}
            showCount
            placeholder={t('live.archive.summaryPh')}
            style={{ marginTop: 6 }}
            data-testid="live-archive-summary"
          />
        </div>
      )}
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, flexWrap: 'wrap', marginBottom: 8 }}>
        <Typography.Text type="secondary" data-testid="live-archive-count">{t('live.archive.count', { count: items.length, visible })}</Typography.Text>
        {s.rebroadcasts > 0 && <Tag bordered={false} color="blue" data-testid="live-rebroadcasts">{t('live.archive.rebroadcasts', { count: s.rebroadcasts })}</Tag>}
        <span style={{ flex: 1 }} />
        {editable && (
          <Space>
            {dirty && <Button onClick={() => { setDrafts({}); setSummary(s.summary ?? ''); setEditing(null); }}>{t('live.archive.discard')}</Button>}
            <Button type="primary" icon={<SaveOutlined />} disabled={!dirty} loading={save.isPending} onClick={() => save.mutate()} data-testid="live-archive-save">
              {dirty ? t('live.archive.saveN', { count: changes.length + (summaryChanged ? 1 : 0) }) : t('live.archive.save')}
            </Button>
            <Popconfirm
              title={t('live.archive.rebroadcastConfirm')}
              description={t('live.archive.rebroadcastHelp', { count: visible })}
              okText={t('live.archive.rebroadcast')}
              okButtonProps={{ 'data-testid': 'live-rebroadcast-confirm' } as ButtonProps}
              onConfirm={() => rebroadcast.mutate()}
              disabled={dirty}
            >
              <Tooltip title={dirty ? t('live.archive.saveFirst') : undefined}>
                <Button icon={<SendOutlined />} disabled={dirty || !visible} loading={rebroadcast.isPending} data-testid="live-rebroadcast">{t('live.archive.rebroadcast')}</Button>
              </Tooltip>
            </Popconfirm>
          </Space>
        )}
      </div>
      <Table<LiveMessage>
        rowKey="seq"
        size="small"
        loading={q.isPending}
        dataSource={items}
        pagination={{ pageSize: 50, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('live.archive.none')} /> }}
        data-testid="live-archive-table"
        onRow={(m) => ({ 'data-testid': 'live-archive-row', 'data-seq': m.seq, 'data-hidden': String(hidden(m)) }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { title: '#', dataIndex: 'seq', width: 48, render: (v: number) => <Typography.Text type="secondary">{v}</Typography.Text> },
          {
            title: t('live.archive.speaker'), key: 'speaker', width: 140, render: (_, m) => (
              <div style={hidden(m) ? { opacity: 0.45 } : undefined}>
                <Tag color={KIND_COLOR[m.kind]} bordered={false} style={{ fontSize: 11 }}>{t(`live.archive.kinds.${m.kind}`)}</Tag>
                <div style={{ marginTop: 2 }}>{m.speaker}</div>
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>{shortTime(m.at)}</Typography.Text>
              </div>
            ),
          },
          {
            title: t('live.archive.text'), key: 'text', render: (_, m) => {
              const text = shown(m);
              const corrected = text !== asSaid(m);
              return (
                <div style={hidden(m) ? { opacity: 0.45 } : undefined}>
                  {m.question && (
                    <div style={{ fontSize: 12, color: token.colorTextSecondary, marginBottom: 2 }}>{t('live.questions.from', { asker: m.question.asker, group: m.question.group })}：{m.question.text}</div>
                  )}
                  {editing === m.seq ? (
                    <Input.TextArea
                      autoFocus
                      value={text}
                      onChange={(e) => edit(m.seq, { text: e.target.value })}
                      onBlur={() => setEditing(null)}
                      autoSize={{ minRows: 1, maxRows: 6 }}
                      maxLength={4000}
                      data-testid={`live-archive-input-${m.seq}`}
                    />
                  ) : (
                    <div style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word', textDecoration: hidden(m) ? 'line-through' : undefined }} data-testid="live-archive-text">{text}</div>
                  )}
                  {m.image && <Image src={m.image.url} width={Math.min(120, m.image.width || 120)} style={{ marginTop: 4, borderRadius: 4 }} />}
                  {corrected && (
                    <div style={{ fontSize: 12, color: token.colorTextTertiary, marginTop: 2 }} data-testid="live-archive-original">
                      {t('live.archive.asSaid')}：<span style={{ textDecoration: 'line-through' }}>{asSaid(m)}</span>
                    </div>
                  )}
                </div>
              );
            },
          },
          ...(editable ? [{
            title: '', key: 'actions', width: 190, render: (_: unknown, m: LiveMessage) => (
              <Space size={4}>
                <Button size="small" type="text" icon={<EditOutlined />} onClick={() => setEditing(m.seq)} data-testid={`live-archive-edit-${m.seq}`}>{t('live.archive.correct')}</Button>
                {shown(m) !== asSaid(m) && (
                  <Tooltip title={t('live.archive.restore')}>
                    <Button size="small" type="text" icon={<RollbackOutlined />} onClick={() => edit(m.seq, { text: null })} data-testid={`live-archive-restore-${m.seq}`} />
                  </Tooltip>
                )}
                <Switch
                  size="small"
                  checked={hidden(m)}
                  onChange={(v) => edit(m.seq, { hidden: v })}
                  checkedChildren={t('live.archive.hidden')}
                  unCheckedChildren={t('live.archive.shown')}
                  data-testid={`live-archive-hide-${m.seq}`}
                />
              </Space>
            ),
          }] : [{
            title: '', key: 'state', width: 90, render: (_: unknown, m: LiveMessage) => (m.hidden ? <Tag bordered={false}>{t('live.archive.hidden')}</Tag> : null),
          }]),
        ]}
      />
    </div>
  );
}
