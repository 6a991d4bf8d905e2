// 评估精进 › 短链接: tracked short links. The list (what each link is, where it was posted, its campaign and
// clicks), a form to make one (the server's field errors land on their fields), the short address to copy,
// and a drawer with a link's figures: clicks, the people Shequn recognised, anonymous clicks, clicks
// forwarded out of the link's group, and the clicks by group, by circle (圈层) and by day.
// An analyst reads everything here but makes nothing (the create button needs activity.write).
import { useMemo, useState, type HTMLAttributes } from 'react';
import {
  Alert, App, AutoComplete, Button, Card, Col, Descriptions, Drawer, Empty, Form, Image, Input, Modal, Row, Select, Skeleton, Space, Statistic,
  Table, Tag, Tooltip, Typography, theme,
} from 'antd';
import { CopyOutlined, LinkOutlined, PlusOutlined } from '@ant-design/icons';
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { get, post, qs, type Link, type LinkCreate, type LinkStats, type Me, type Page } from '../../api';
import { Chart } from '../../chart';
import { applyFieldErrors } from '../../forms';
import { enums, useLabels } from '../../labels';
import { useSearchParam } from '../../router';
import { useAllGroups, useCommunities } from '../Groups';
import { useCopy, useQrCode } from '../group/GroupInvites';

const linksKey = ['links'] as const;
const tzOffset = () => -new Date().getTimezoneOffset();

/** Group and community names by id, for the list, the filters and the figures. */
function useNames() {
  const communities = useCommunities();
  const groups = useAllGroups();
  return useMemo(() => ({
    communities: communities.data?.items ?? [],
    groups: groups.data?.items ?? [],
    community: new Map((communities.data?.items ?? []).map((c) => [c.id, c.name])),
    group: new Map((groups.data?.items ?? []).map((g) => [g.id, g.name])),
  }), [communities.data, groups.data]);
}

const useCopyLink = () => useCopy({ copied: 'links.copied', failed: 'links.copyFailed' });

export function ShortLinks({ me }: { me: Me | undefined }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const canWrite = !!me?.permissions.includes('activity.write');
  const names = useNames();
  const copy = useCopyLink();
  const [communityId, setCommunityId] = useState<string | undefined>();
  const [groupId, setGroupId] = useState<string | undefined>();
  const [campaign, setCampaign] = useState<string | undefined>();
  const [creating, setCreating] = useState(false);
  const [openId, setOpenId] = useSearchParam('link');
  const q = useInfiniteQuery({
    queryKey: [...linksKey, communityId, groupId, campaign],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) => get<Page<Link>>(`/links${qs({ communityId, groupId, campaign, limit: 50, cursor: pageParam })}`),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
  const rows = useMemo(() => q.data?.pages.flatMap((p) => p.items) ?? [], [q.data]);
  const filtered = !!(communityId || groupId || campaign);
  const where = (l: Link) =>
    l.groupId ? (
      <Space size={4}><Tag>{t('links.group')}</Tag>{names.group.get(l.groupId) ?? l.groupId}</Space>
    ) : l.communityId ? (
      <Space size={4}><Tag color="blue">{t('links.community')}</Tag>{names.community.get(l.communityId) ?? l.communityId}</Space>
    ) : <Typography.Text type="secondary">{t('links.nowhere')}</Typography.Text>;

  return (
    <div data-testid="links">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 16 }}>{t('links.intro')}</Typography.Paragraph>
      <Card
        title={
          <Space wrap size={8} style={{ padding: '10px 0' }}>
            <Select
              allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('links.community')} style={{ width: 180 }} value={communityId}
              options={names.communities.map((c) => ({ value: c.id, label: c.name }))}
              onChange={(v: string | undefined) => {
                setCommunityId(v);
                setGroupId(undefined);
              }}
              data-testid="links-filter-community"
            />
            <Select
              allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('links.group')} style={{ width: 200 }} value={groupId}
              options={names.groups.filter((g) => !communityId || g.communityId === communityId).map((g) => ({ value: g.id, label: g.name }))}
              onChange={setGroupId}
              data-testid="links-filter-group"
            />
            <Input.Search allowClear placeholder={t('links.campaign')} style={{ width: 180 }} onSearch={(v) => setCampaign(v.trim() || undefined)} data-testid="links-filter-campaign" />
          </Space>
        }
        extra={canWrite && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="links-new">{t('links.new')}</Button>}
      >
        {q.error ? <Alert type="error" showIcon title={q.error.message} /> : (
          <Table<Link>
            rowKey="id"
            tableLayout="fixed"
            loading={q.isPending}
            dataSource={rows}
            pagination={false}
            onRow={(l) => ({ 'data-testid': 'link-row', 'data-id': l.id, 'data-code': l.code } as HTMLAttributes<HTMLElement>)}
            locale={{
              emptyText: q.isPending ? ' ' : (
                <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={filtered ? t('links.emptyFiltered') : t('links.empty')} style={{ margin: '24px 0' }} data-testid="links-empty">
                  {!filtered && canWrite && <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>{t('links.new')}</Button>}
                </Empty>
              ),
            }}
            columns={[
              {
                title: t('links.link'), key: 'link', render: (_, l) => (
                  <div style={{ minWidth: 0 }}>
                    <Typography.Link strong onClick={() => setOpenId(l.id)} ellipsis style={{ display: 'block' }} data-testid="link-open">
                      {l.label ?? l.url}
                    </Typography.Link>
                    {l.label && <Typography.Text type="secondary" ellipsis style={{ fontSize: 12, display: 'block' }} title={l.url}>{l.url}</Typography.Text>}
                  </div>
                ),
              },
              {
                title: t('links.shortUrl'), key: 'short', width: 290, render: (_, l) => (
                  <Space size={4}>
                    <Typography.Text code style={{ whiteSpace: 'nowrap' }} data-testid="link-short-url">{l.shortUrl}</Typography.Text>
                    <Tooltip title={t('links.copy')}>
                      <Button type="text" size="small" icon={<CopyOutlined />} onClick={() => void copy(l.shortUrl)} aria-label={t('links.copy')} data-testid="link-copy" />
                    </Tooltip>
                  </Space>
                ),
              },
              { title: t('links.where'), key: 'where', width: 170, render: (_, l) => where(l) },
              { title: t('links.campaign'), dataIndex: 'campaign', width: 110, render: (v: string | null) => (v ? <Tag color="orange">{v}</Tag> : <Typography.Text type="secondary">—</Typography.Text>) },
              {
                title: t('links.clicks'), dataIndex: 'clicks', width: 80, align: 'right',
                render: (v: number) => <span style={{ fontVariantNumeric: 'tabular-nums', fontWeight: v ? 600 : undefined, color: v ? undefined : token.colorTextTertiary }} data-testid="link-clicks">{v.toLocaleString()}</span>,
              },
              {
                title: t('links.createdAt'), key: 'created', width: 150, render: (_, l) => (
                  <div style={{ lineHeight: 1.4 }}>
                    <div style={{ fontVariantNumeric: 'tabular-nums' }}>{dayjs(l.createdAt).format('YYYY-MM-DD HH:mm')}</div>
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>{l.createdBy}</Typography.Text>
                  </div>
                ),
              },
              { title: '', key: 'open', width: 80, align: 'right', render: (_, l) => <Button size="small" autoInsertSpace={false} onClick={() => setOpenId(l.id)} data-testid="link-detail">{t('links.detail')}</Button> },
            ]}
          />
        )}
        {q.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 12 }}>
            <Button onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>{t('common.loadMore')}</Button>
          </div>
        )}
      </Card>
      {creating && (
        <NewLink
          me={me}
          campaigns={[...new Set(rows.flatMap((l) => (l.campaign ? [l.campaign] : [])))]}
          onClose={() => setCreating(false)}
          onCreated={(l) => {
            setCreating(false);
            setOpenId(l.id);
          }}
        />
      )}
      {openId && <LinkDrawer id={openId} onClose={() => setOpenId(null)} />}
    </div>
  );
}

interface FormValues {
  url: string;
  label?: string;
  communityId?: string;
  groupId?: string;
  campaign?: string;
}

/** An address typed without its scheme (shop.example.com/x) is taken as https. */
const withScheme = (url: string) => (/^[a-z][a-z0-9+.-]*:/i.test(url) ? url : /^[\w-]+(\.[\w-]+)+([/?#:]|$)/.test(url) ? `https://${url}` : url);

function NewLink({ me, campaigns, onClose, onCreated }: { me: Me | undefined; campaigns: string[]; onClose: () => void; onCreated: (l: Link) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const names = useNames();
  const [form] = Form.useForm<FormValues>();
  const [problem, setProblem] = useState<string[]>([]);
  const communityId = Form.useWatch('communityId', form);
  const scoped = !!me?.operator?.scope;
  const create = useMutation({
    mutationFn: (v: LinkCreate) => post<Link>('/links', v),
    onSuccess: (l) => {
      message.success(t('links.created'));
      void qc.invalidateQueries({ queryKey: linksKey });
      onCreated(l);
    },
    onError: (e) => {
      const rest = applyFieldErrors(form, e);
      // The server's reason (zod's words) stays, after what to type, in the operator's language.
      const url = form.getFieldError('url');
      if (url.length) form.setFields([{ name: 'url', errors: [t('links.urlInvalid', { reason: url.join('; ') })] }]);
      setProblem(rest);
    },
  });
  const submit = (v: FormValues) => {
    setProblem([]);
    const trim = (s: string | undefined) => s?.trim() || undefined;
    const url = withScheme(v.url.trim());
    if (url !== v.url) form.setFieldValue('url', url);
    const body: LinkCreate = { url };
    const label = trim(v.label);
    const campaign = trim(v.campaign);
    if (label) body.label = label;
    if (campaign) body.campaign = campaign;
    if (v.groupId) body.groupId = v.groupId;
    if (v.communityId) body.communityId = v.communityId;
    create.mutate(body);
  };
  return (
    <Modal
      open
      title={t('links.new')}
      width={600}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('links.create')}
      okButtonProps={{ loading: create.isPending, ...({ 'data-testid': 'link-save' } as Record<string, string>) }}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      <Form<FormValues> form={form} layout="vertical" requiredMark="optional" onFinish={submit} style={{ marginTop: 16 }} data-testid="link-form">
        <Form.Item name="url" label={t('links.url')} extra={t('links.urlHelp')} rules={[{ required: true, whitespace: true, message: t('links.urlRequired') }]}>
          <Input placeholder="https://" autoFocus prefix={<LinkOutlined style={{ color: 'rgba(0,0,0,0.35)' }} />} data-testid="link-url" />
        </Form.Item>
        <Form.Item name="label" label={t('links.label')} extra={t('links.labelHelp')}>
          <Input maxLength={100} placeholder={t('links.labelPlaceholder')} data-testid="link-label" />
        </Form.Item>
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name="communityId" label={t('links.community')}>
              <Select
                allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('links.pickCommunity')}
                options={names.communities.map((c) => ({ value: c.id, label: c.name }))}
                onChange={() => form.setFieldValue('groupId', undefined)}
                data-testid="link-community"
              />
            </Form.Item>
          </Col>
          <Col span={12}>
            <Form.Item
              name="groupId" label={t('links.group')}
              rules={scoped ? [{ validator: (_, v) => (v || form.getFieldValue('communityId') ? Promise.resolve() : Promise.reject(new Error(t('links.scopedTarget')))) }] : []}
            >
              <Select
                allowClear showSearch={{ optionFilterProp: 'label' }} placeholder={t('links.pickGroup')}
                options={names.groups.filter((g) => !communityId || g.communityId === communityId).map((g) => ({ value: g.id, label: g.name }))}
                data-testid="link-group"
              />
            </Form.Item>
          </Col>
        </Row>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: -12, marginBottom: 16 }}>{t('links.targetHelp')}</Typography.Paragraph>
        <Form.Item name="campaign" label={t('links.campaign')} extra={t('links.campaignHelp')}>
          <AutoComplete
            options={campaigns.map((c) => ({ value: c }))}
            filterOption={(input, o) => String(o?.value ?? '').includes(input)}
            placeholder={t('links.campaignPlaceholder')}
            data-testid="link-campaign"
          />
        </Form.Item>
        {problem.length > 0 && <Alert type="error" showIcon title={problem.join('；')} />}
      </Form>
    </Modal>
  );
}

/** The days from `from` to `to` (YYYY-MM-DD, local), both included. */
function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = dayjs(from); !d.isAfter(dayjs(to), 'day') && out.length < 400; d = d.add(1, 'day')) out.push(d.format('YYYY-MM-DD'));
  return out;
}

function LinkDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const { label } = useLabels();
  const names = useNames();
  const copy = useCopyLink();
  const q = useQuery({ queryKey: [...linksKey, 'stats', id], queryFn: () => get<LinkStats>(`/links/${id}${qs({ tzOffsetMinutes: tzOffset() })}`) });
  const l = q.data;
  const qr = useQrCode(l?.shortUrl ?? '');
  // A line over at least the last week (or since the link was made, up to 60 days), days without clicks at 0.
  const days = useMemo(() => {
    if (!l) return [];
    const today = dayjs().format('YYYY-MM-DD');
    const made = dayjs(l.createdAt).format('YYYY-MM-DD');
    const first = l.byDay[0]?.day ?? today;
    let from = [made, first, dayjs().subtract(6, 'day').format('YYYY-MM-DD')].sort()[0]!;
    if (dayjs(today).diff(from, 'day') > 59) from = dayjs(today).subtract(59, 'day').format('YYYY-MM-DD');
    const last = l.byDay[l.byDay.length - 1]?.day ?? today;
    const counts = new Map(l.byDay.map((d) => [d.day, d.clicks]));
    return daysBetween(from, last > today ? last : today).map((day) => ({ day, clicks: counts.get(day) ?? 0 }));
  }, [l]);
  const where = l?.groupId ? names.group.get(l.groupId) ?? l.groupId : l?.communityId ? names.community.get(l.communityId) ?? l.communityId : null;
  const figure = (key: string, value: number, help?: string) => (
    <Col span={6}>
      <div style={{ boxSizing: 'border-box', padding: '12px 16px', background: token.colorFillQuaternary, borderRadius: token.borderRadiusLG, height: '100%' }}>
        <Statistic
          title={t(`links.figures.${key}`)}
          value={value}
          valueRender={(v) => <span data-testid={`link-${key}`}>{v}</span>}
        />
        {help && <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', lineHeight: 1.5, marginTop: 4 }} data-testid={`link-${key}-help`}>{help}</Typography.Text>}
      </div>
    </Col>
  );
  return (
    <Drawer open size={760} title={l ? (l.label ?? l.url) : t('links.detail')} onClose={onClose} data-testid="link-drawer" destroyOnHidden>
      {q.error ? <Alert type="error" showIcon title={q.error.message} /> : !l ? <Skeleton active /> : (
        <div style={{ display: 'flex', flexDirection: 'column', gap: 20 }} data-testid="link-stats" data-id={l.id}>
          <div style={{ display: 'flex', gap: 16, alignItems: 'flex-start' }}>
            <div style={{ flex: 1, minWidth: 0 }}>
              <Descriptions
                size="small" column={1} colon={false} styles={{ label: { width: 72, color: token.colorTextSecondary } }}
                items={[
                  {
                    key: 'short', label: t('links.shortUrl'), children: (
                      <Space size={4} wrap>
                        <Typography.Text code data-testid="link-drawer-short-url">{l.shortUrl}</Typography.Text>
                        <Button size="small" icon={<CopyOutlined />} onClick={() => void copy(l.shortUrl)} data-testid="link-drawer-copy">{t('links.copy')}</Button>
                      </Space>
                    ),
                  },
                  { key: 'url', label: t('links.goesTo'), children: <Typography.Link href={l.url} target="_blank" rel="noopener noreferrer" ellipsis style={{ maxWidth: 440 }}>{l.url}</Typography.Link> },
                  { key: 'where', label: t('links.where'), children: where ? <Space size={4}><Tag color={l.groupId ? undefined : 'blue'}>{l.groupId ? t('links.group') : t('links.community')}</Tag>{where}</Space> : <Typography.Text type="secondary">{t('links.nowhere')}</Typography.Text> },
                  { key: 'campaign', label: t('links.campaign'), children: l.campaign ? <Tag color="orange">{l.campaign}</Tag> : <Typography.Text type="secondary">—</Typography.Text> },
                  { key: 'created', label: t('links.createdAt'), children: `${dayjs(l.createdAt).format('YYYY-MM-DD HH:mm')} · ${l.createdBy}` },
                ]}
              />
            </div>
            <div style={{ width: 112, flex: 'none', textAlign: 'center' }}>
              {qr.data ? (
                <Image src={qr.data} width={104} height={104} alt={t('links.qr')} preview={{ mask: t('links.enlarge') }} style={{ border: `1px solid ${token.colorSplit}`, borderRadius: token.borderRadius }} data-testid="link-qr" />
              ) : <Skeleton.Image active style={{ width: 104, height: 104 }} />}
              <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 4 }}>{t('links.qrHelp')}</Typography.Text>
            </div>
          </div>

          <Row gutter={12}>
            {figure('clicks', l.clicks)}
            {figure('people', l.people, t('links.figures.peopleHelp'))}
            {figure('anonymous', l.anonymous, t('links.figures.anonymousHelp'))}
            {figure('forwarded', l.forwarded, t('links.figures.forwardedHelp'))}
          </Row>

          {l.clicks === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('links.noClicks')} style={{ margin: '12px 0' }} data-testid="link-no-clicks" />
          ) : (
            <>
              <Card size="small" title={t('links.byDay')}>
                <Chart
                  height={200}
                  testId="link-by-day"
                  option={{
                    tooltip: { trigger: 'axis' },
                    grid: { left: 36, right: 16, top: 16, bottom: 28 },
                    xAxis: { type: 'category', boundaryGap: false, data: days.map((d) => d.day.slice(5)) },
                    yAxis: { type: 'value', minInterval: 1 },
                    series: [{ name: t('links.clicks'), type: 'line', data: days.map((d) => d.clicks), symbolSize: 6, areaStyle: { opacity: 0.12 } }],
                    color: [token.colorPrimary],
                  }}
                />
              </Card>
              <Row gutter={12}>
                <Col span={12}>
                  <Card size="small" title={t('links.byGroup')} style={{ height: '100%' }}>
                    <Bars
                      testId="link-by-group"
                      total={l.clicks}
                      rows={l.byGroup.map((g) => ({ key: g.groupId ?? '', name: g.groupId ? names.group.get(g.groupId) ?? g.groupId : t('links.noGroup'), clicks: g.clicks, muted: !g.groupId }))}
                    />
                  </Card>
                </Col>
                <Col span={12}>
                  <Card size="small" title={t('links.byCircle')} style={{ height: '100%' }}>
                    <Bars
                      testId="link-by-circle"
                      total={l.clicks}
                      rows={l.byCircle.map((c) => ({ key: c.circle ?? '', name: c.circle ? label(enums.memberCircle, c.circle) : t('links.noCircle'), clicks: c.clicks, muted: !c.circle }))}
                    />
                  </Card>
                </Col>
              </Row>
            </>
          )}
        </div>
      )}
    </Drawer>
  );
}

/** A few named counts as horizontal bars, biggest first, each with its share of the total. */
function Bars({ rows, total, testId }: { rows: { key: string; name: string; clicks: number; muted?: boolean }[]; total: number; testId: string }) {
  const { token } = theme.useToken();
  const max = Math.max(1, ...rows.map((r) => r.clicks));
  // The unknown (no group named, no circle) last, whatever its count.
  rows = [...rows.filter((r) => !r.muted), ...rows.filter((r) => r.muted)];
  if (!rows.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />;
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 10 }} data-testid={testId}>
      {rows.map((r) => (
        <div key={r.key} data-testid={`${testId}-row`} data-key={r.key}>
          <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, fontSize: 13 }}>
            <Typography.Text ellipsis type={r.muted ? 'secondary' : undefined} data-testid={`${testId}-name`}>{r.name}</Typography.Text>
            <span style={{ fontVariantNumeric: 'tabular-nums', whiteSpace: 'nowrap' }}>
              <b data-testid={`${testId}-clicks`}>{r.clicks}</b>
              <Typography.Text type="secondary" style={{ fontSize: 12, marginLeft: 6 }}>{Math.round((r.clicks / Math.max(1, total)) * 100)}%</Typography.Text>
            </span>
          </div>
          <div style={{ height: 6, marginTop: 4, background: token.colorFillSecondary, borderRadius: 3 }}>
            <div style={{ width: `${(r.clicks / max) * 100}%`, height: '100%', background: r.muted ? token.colorTextQuaternary : token.colorPrimary, borderRadius: 3 }} />
          </div>
        </div>
      ))}
    </div>
  );
}
