// 建群 › 导入聊天记录: a platform's chat export goes to the server as it is (the browser streams the file, the
// console never reads it) and is imported there in the background. The list polls while an import runs and
// shows what each file held, what it added, what was skipped and why, and where a broken file stopped.
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Alert, App, Button, Card, Col, Form, Progress, Radio, Row, Select, Space, Table, Tag, Tooltip, Typography, Upload, theme } from 'antd';
import { CheckCircleOutlined, CloseCircleOutlined, InboxOutlined, SyncOutlined, UploadOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { get, qs, upload, type ChatImport, type Community, type Me } from '../../api';
import { applyFieldErrors } from '../../forms';
import { useCommunities } from '../Groups';

const IMPORT_FORMATS = ['telegram', 'whatsapp', 'qq', 'wechat', 'discord', 'slack'] as const;
type Format = (typeof IMPORT_FORMATS)[number];

/** What the file picker offers for each format (the server reads the bytes whatever the name). */
const ACCEPT: Record<Format, string> = { telegram: '.json', whatsapp: '.txt', qq: '.txt', wechat: '.csv', discord: '.json,.csv', slack: '.zip' };

/** The server refuses more (413): such exports are for `shequn import` on the server. */
const MAX_BYTES = 2 * 1024 ** 3;

const STATUS: Record<ChatImport['status'], { color: string; icon: ReactNode }> = {
  running: { color: 'processing', icon: <SyncOutlined spin /> },
  completed: { color: 'success', icon: <CheckCircleOutlined /> },
  failed: { color: 'error', icon: <CloseCircleOutlined /> },
};

/** Rows an import makes stay hidden until it completes, then appear at once: what to refetch then. */
const IMPORTED: QueryKey[] = [['groups'], ['members'], ['group-members'], ['overview'], ['group-stats'], ['activities'], ['communities']];

const COUNTS = ['groups', 'members', 'messages', 'service_events'] as const;

function useImports() {
  return useQuery({
    queryKey: ['imports'],
    queryFn: () => get<{ items: ChatImport[] }>('/imports'),
    // Progress comes from polling, only while something runs; React Query stops it on unmount.
    refetchInterval: (q) => (q.state.data?.items.some((i) => i.status === 'running') ? 1000 : false),
  });
}

export function Imports({ me }: { me: Me }) {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const communities = useCommunities();
  const list = useImports();
  const canWrite = me.permissions.includes('member.write');
  const names = useMemo(() => new Map((communities.data?.items ?? []).map((c) => [c.id, c.name])), [communities.data]);

  // An import seen running that is now over has made its rows visible (or removed them): refresh what shows them.
  const running = useRef(new Set<string>());
  useEffect(() => {
    let ended = false;
    for (const i of list.data?.items ?? []) {
      if (i.status === 'running') running.current.add(i.id);
      else if (running.current.delete(i.id)) ended = true;
    }
    if (ended) for (const queryKey of IMPORTED) void qc.invalidateQueries({ queryKey });
  }, [list.data, qc]);

  return (
    <>
      <Typography.Paragraph type="secondary">{t('imports.intro')}</Typography.Paragraph>
      {canWrite && <UploadForm communities={communities.data?.items ?? []} onStarted={(i) => running.current.add(i.id)} />}
      <Card title={t('imports.list')} style={{ marginTop: canWrite ? 16 : 0 }}>
        <ImportTable items={list.data?.items ?? []} loading={list.isPending} communityName={(id) => names.get(id) ?? ''} />
      </Card>
    </>
  );
}

interface UploadValues {
  format: Format;
  communityId?: string;
}

function UploadForm({ communities, onStarted }: { communities: Community[]; onStarted: (i: ChatImport) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<UploadValues>();
  const format = Form.useWatch('format', form) ?? 'telegram';
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [general, setGeneral] = useState<string[]>([]);
  const send = useMutation({
    mutationFn: ({ f, v }: { f: File; v: UploadValues }) =>
      upload<ChatImport>(`/imports${qs({ format: v.format, name: f.name, communityId: v.communityId })}`, f, 'application/octet-stream'),
    onSuccess: (i) => {
      onStarted(i);
      // The default community (导入的群) is made with the first import.
      void qc.invalidateQueries({ queryKey: ['communities'] });
      // The new row shows at once; the list's polling takes it from there.
      qc.setQueryData<{ items: ChatImport[] }>(['imports'], (d) => ({ items: [i, ...(d?.items ?? []).filter((x) => x.id !== i.id)] }));
      void qc.invalidateQueries({ queryKey: ['imports'] });
      setFile(null);
      message.success(t('imports.started', { name: i.fileName }));
    },
    onError: (e) => setGeneral(applyFieldErrors(form, e)),
  });
  const pick = (f: File) => {
    setFile(f);
    setFileError(f.size > MAX_BYTES ? t('imports.tooLarge') : f.size === 0 ? t('imports.emptyFile') : null);
    setGeneral([]);
  };
  const submit = (v: UploadValues) => {
    if (!file) return setFileError(t('imports.fileRequired'));
    if (fileError) return;
    setGeneral([]);
    send.mutate({ f: file, v });
  };
  return (
    // The last field's own bottom margin is the card's bottom padding.
    <Card title={t('imports.upload')} styles={{ body: { paddingBottom: 0 } }}>
      {general.length > 0 && <Alert type="error" showIcon title={general.join('；')} style={{ marginBottom: 16 }} data-testid="import-upload-error" />}
      <Form<UploadValues> form={form} layout="vertical" requiredMark={false} initialValues={{ format: 'telegram' }} onFinish={submit} data-testid="import-form">
        <Row gutter={24}>
          <Col xs={24} lg={10}>
            <Form.Item name="format" label={t('imports.format')}>
              <Radio.Group vertical>
                {IMPORT_FORMATS.map((f) => (
                  <Radio key={f} value={f} data-testid={`import-format-${f}`}>
                    <Typography.Text strong>{t(`imports.formats.${f}`)}</Typography.Text>
                    <div><Typography.Text type="secondary" style={{ fontSize: 12 }}>{t(`imports.hints.${f}`)}</Typography.Text></div>
                  </Radio>
                ))}
              </Radio.Group>
            </Form.Item>
          </Col>
          <Col xs={24} lg={8}>
            <Form.Item label={t('imports.file')} required validateStatus={fileError ? 'error' : undefined} help={fileError ?? undefined}>
              <Upload.Dragger
                accept={ACCEPT[format]}
                multiple={false}
                showUploadList={false}
                // Kept here and sent by the form: antd's own upload would post it as multipart.
                beforeUpload={(f) => {
                  pick(f);
                  return false;
                }}
                data-testid="import-file"
              >
                <p className="ant-upload-drag-icon"><InboxOutlined /></p>
                {file ? (
                  <>
                    <Typography.Text strong ellipsis style={{ maxWidth: '90%' }} data-testid="import-file-name">{file.name}</Typography.Text>
                    <p className="ant-upload-hint">{formatBytes(file.size)} · {t('imports.replace')}</p>
                  </>
                ) : (
                  <>
                    <p className="ant-upload-text">{t('imports.drop', { ext: ACCEPT[format] })}</p>
                    <p className="ant-upload-hint">{t('imports.dropHint')}</p>
                  </>
                )}
              </Upload.Dragger>
            </Form.Item>
          </Col>
          <Col xs={24} lg={6}>
            <Form.Item name="communityId" label={t('imports.community')} extra={t('imports.communityHelp')}>
              <Select
                allowClear
                placeholder={t('imports.communityDefault')}
                options={communities.map((c) => ({ value: c.id, label: c.name }))}
                data-testid="import-community"
              />
            </Form.Item>
            <Button type="primary" htmlType="submit" block icon={<UploadOutlined />} loading={send.isPending} disabled={!!fileError} data-testid="import-submit">
              {send.isPending ? t('imports.uploading') : t('imports.submit')}
            </Button>
          </Col>
        </Row>
      </Form>
    </Card>
  );
}

function ImportTable({ items, loading, communityName }: { items: ChatImport[]; loading: boolean; communityName: (id: string) => string }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const num = { fontVariantNumeric: 'tabular-nums' } as const;
  /** What the file held, and under it what this run added (zeros when the same file comes again). */
  const count = (key: (typeof COUNTS)[number]) => ({
    title: t(`imports.counts.${key}`), key, width: 72, align: 'right' as const,
    render: (_: unknown, i: ChatImport) => (
      <Space orientation="vertical" size={0} style={num}>
        <Typography.Text data-testid={`import-held-${key}`}>{i.report ? i.report[key].toLocaleString() : '—'}</Typography.Text>
        {/* A failed import removed what it had added: nothing to show. */}
        <Typography.Text type="secondary" style={{ fontSize: 12, color: i.status !== 'failed' && i.added[key] ? token.colorSuccess : undefined }} data-testid={`import-added-${key}`}>
          {i.status === 'failed' ? '—' : `+${i.added[key].toLocaleString()}`}
        </Typography.Text>
      </Space>
    ),
  });
  return (
    <Table<ChatImport>
      rowKey="id"
      size="small"
      loading={loading}
      dataSource={items}
      pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
      locale={{ emptyText: t('imports.none') }}
      data-testid="import-table"
      expandable={{
        rowExpandable: (i) => !!i.report?.skipped || !!i.report?.resumedFrom,
        expandedRowRender: (i) => <ImportDetail item={i} />,
      }}
      columns={[
        {
          title: t('imports.fileName'), key: 'file', render: (_, i) => (
            <Space orientation="vertical" size={0} style={{ minWidth: 0 }}>
              <Typography.Text strong style={{ overflowWrap: 'anywhere' }} data-testid="import-file-cell">{i.fileName}</Typography.Text>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t(`imports.formats.${i.format}`, { defaultValue: i.format })} → {communityName(i.communityId) || i.communityId}</Typography.Text>
            </Space>
          ),
        },
        {
          title: t('imports.status'), key: 'status', width: 96,
          render: (_, i) => <Tag color={STATUS[i.status].color} icon={STATUS[i.status].icon} data-testid="import-status">{t(`imports.statuses.${i.status}`)}</Tag>,
        },
        { title: t('imports.progress'), key: 'progress', width: 230, render: (_, i) => <ImportProgress item={i} /> },
        {
          title: <Tooltip title={t('imports.countsHelp')}><span style={{ borderBottom: `1px dashed ${token.colorTextQuaternary}`, cursor: 'help' }}>{t('imports.countsTitle')}</span></Tooltip>,
          key: 'counts',
          align: 'center',
          children: [
            ...COUNTS.map(count),
            {
              title: t('imports.counts.skipped'), key: 'skipped', width: 60, align: 'right',
              render: (_, i) => (
                <Typography.Text type={i.report?.skipped ? 'warning' : 'secondary'} style={num} data-testid="import-skipped">
                  {i.report ? i.report.skipped.toLocaleString() : '—'}
                </Typography.Text>
              ),
            },
          ],
        },
        {
          title: t('imports.time'), key: 'time', width: 150, render: (_, i) => (
            <Space orientation="vertical" size={0} style={{ fontSize: 12, ...num }}>
              <span>{new Date(i.startedAt).toLocaleString()}</span>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {i.finishedAt ? t('imports.took', { time: duration(t, Date.parse(i.finishedAt) - Date.parse(i.startedAt)) }) : t('imports.notFinished')}
              </Typography.Text>
            </Space>
          ),
        },
      ]}
    />
  );
}

function ImportProgress({ item: i }: { item: ChatImport }) {
  const { t } = useTranslation();
  if (i.status === 'failed') {
    return <Typography.Text type="danger" style={{ fontSize: 12, wordBreak: 'break-word' }} data-testid="import-error">{i.error}</Typography.Text>;
  }
  const sized = i.bytesTotal !== null && i.bytesTotal > 0 && i.bytesDone !== null;
  if (i.status === 'completed') {
    return (
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('imports.recordsDone', { count: i.recordsDone, n: i.recordsDone.toLocaleString() })}
        {i.bytesTotal !== null && ` · ${formatBytes(i.bytesTotal)}`}
      </Typography.Text>
    );
  }
  const pct = sized ? Math.min(99, Math.floor((i.bytesDone! / i.bytesTotal!) * 100)) : 100;
  return (
    <div data-testid="import-progress">
      {/* Without a size there is nothing to measure against: a full, moving bar says it is at work. */}
      <Progress percent={pct} size="small" status="active" showInfo={sized} />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t('imports.records', { count: i.recordsDone, n: i.recordsDone.toLocaleString() })}
        {sized && ` · ${formatBytes(i.bytesDone!)} / ${formatBytes(i.bytesTotal!)}`}
      </Typography.Text>
    </div>
  );
}

function ImportDetail({ item: i }: { item: ChatImport }) {
  const { t } = useTranslation();
  const reasons = i.report?.skippedReasons ?? [];
  return (
    <Space orientation="vertical" size={12} style={{ width: '100%', padding: '4px 0' }} data-testid="import-detail">
      {!!i.report?.resumedFrom && (
        <Alert type="info" showIcon title={t('imports.resumed', { n: i.report.resumedFrom.toLocaleString() })} data-testid="import-resumed" />
      )}
      {reasons.length > 0 && (
        <Table
          size="small"
          rowKey="reason"
          pagination={false}
          dataSource={reasons}
          title={() => <Typography.Text strong>{t('imports.skippedTitle', { count: i.report?.skipped ?? 0 })}</Typography.Text>}
          data-testid="import-skipped-reasons"
          columns={[
            { title: t('imports.reason'), dataIndex: 'reason' },
            { title: t('imports.reasonCount'), dataIndex: 'count', width: 100, align: 'right', render: (v: number) => v.toLocaleString() },
            { title: t('imports.first'), dataIndex: 'first', width: 200, render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
          ]}
        />
      )}
    </Space>
  );
}

const UNITS = ['B', 'KB', 'MB', 'GB'];

function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${UNITS[u]}`;
}

function duration(t: TFunction, ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return t('imports.dur.s', { s });
  const m = Math.floor(s / 60);
  return m < 60 ? t('imports.dur.ms', { m, s: s % 60 }) : t('imports.dur.hm', { h: Math.floor(m / 60), m: m % 60 });
}
