// 评估精进 › 声量 (网络声量): what the members write, read by the engine (Chinese word segmentation, a
// sentiment lexicon) for the workspace or a community over the range — the positive and negative shares,
// the days stacked positive / negative / neutral, the most mentioned topics against the period before,
// the keywords rising fastest, and the days of a negative spike with the messages behind them (each linked
// to its group's chat). Kept per community: a group picked in the toolbar reads its community.
import { useMemo } from 'react';
import { Alert, Card, Col, Empty, Row, Skeleton, Table, Tag, Typography, theme } from 'antd';
import { CommentOutlined, FrownOutlined, MessageOutlined, RiseOutlined, SmileOutlined, WarningOutlined } from '@ant-design/icons';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { InAppLink } from '../../link';
import { get, qs, type AnalyticsVoice, type Me } from '../../api';
import { Chart } from '../../chart';
import { useAllGroups, useCommunities } from '../Groups';
import { ChartCard } from './Charts';
import { useFormat } from './format';
import { Fig, Kpi } from './Kpis';
import { ScopeToolbar, useEvaluateScope } from './Toolbar';

const COLORS = { positive: '#52c41a', negative: '#ff4d4f', neutral: '#d9d9d9' };

/** A group's chat in 建群 (groups › group=…&drawer=chat), followed without a reload. */
export function GroupChatLink({ groupId, children }: { groupId: string; children: React.ReactNode }) {
  return <InAppLink href={`/groups?group=${encodeURIComponent(groupId)}&drawer=chat`} data-testid="group-chat-link">{children}</InAppLink>;
}

export function Voice({ me }: { me: Me }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { token } = theme.useToken();
  const scope = useEvaluateScope(me);
  const groups = useAllGroups();
  const communities = useCommunities();
  const allowed = me.permissions.includes('activity.read');
  // Voice is kept for the workspace and each community: a group reads its community's.
  const group = scope.groupId ? groups.data?.items.find((g) => g.id === scope.groupId) : undefined;
  const communityId = scope.groupId ? group?.communityId : scope.communityId ?? undefined;
  const ready = allowed && scope.ready && (!scope.groupId || !!group);
  const query = { ...(communityId ? { communityId } : {}), ...(scope.params.range ?? {}) };
  const q = useQuery({
    enabled: ready, placeholderData: keepPreviousData, staleTime: 60_000,
    queryKey: ['analytics', 'voice', query], queryFn: () => get<AnalyticsVoice>(`/analytics/voice${qs(query)}`),
  });
  const groupName = useMemo(() => new Map((groups.data?.items ?? []).map((g) => [g.id, g.name])), [groups.data]);
  if (!allowed) return <Alert type="info" showIcon title={t('evaluate.noPermission')} />;
  const v = q.data;
  const busy = !v;
  const neutral = (d: AnalyticsVoice['days'][number]) => Math.max(0, d.messages - d.positive - d.negative);
  const change = (now: number, before: number) => {
    const d = now - before;
    const color = d > 0 ? token.colorError : d < 0 ? token.colorSuccess : token.colorTextTertiary;
    return <span style={{ color, fontVariantNumeric: 'tabular-nums' }}>{f.signed(d)}</span>;
  };
  const topicMax = Math.max(1, ...(v?.topics ?? []).map((x) => x.mentions));
  const communityName = communityId ? communities.data?.items.find((c) => c.id === communityId)?.name ?? '' : '';

  return (
    <div data-testid="evaluate-voice">
      <ScopeToolbar me={me} scope={scope} range={v?.range} fetching={q.isFetching} />
      {scope.groupId && (
        <Alert type="info" showIcon data-testid="voice-group-hint" style={{ marginBottom: 16 }} title={t('evaluate.voice.groupHint', { group: group?.name ?? '', community: communityName })} />
      )}
      {q.error && <Alert type="error" showIcon title={q.error.message} style={{ marginBottom: 16 }} />}
      <Row gutter={[16, 16]} data-testid="voice-kpis">
        <Col xs={24} sm={12} xl={6}>
          <Kpi id="voice-messages" icon={<MessageOutlined />} title={t('evaluate.voice.messages')} hint={t('evaluate.voice.messagesHint')} value={v ? f.int(v.messages) : null} raw={v?.messages} loading={busy}>
            {v && <>{t('evaluate.voice.scopeIs')} <strong>{v.scope.name ?? t('evaluate.scope.workspace')}</strong></>}
          </Kpi>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Kpi id="voice-positive" icon={<SmileOutlined />} title={t('evaluate.voice.positive')} hint={t('evaluate.voice.positiveHint')} value={v ? <span style={{ color: token.colorSuccess }}>{f.pct(v.positiveShare)}</span> : null} raw={v?.positiveShare} loading={busy}>
            {v && <>{t('evaluate.voice.count')} <Fig id="voice-positive-count" raw={v.days.reduce((n, d) => n + d.positive, 0)}>{f.int(v.days.reduce((n, d) => n + d.positive, 0))}</Fig></>}
          </Kpi>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Kpi id="voice-negative" icon={<FrownOutlined />} title={t('evaluate.voice.negative')} hint={t('evaluate.voice.negativeHint')} value={v ? <span style={{ color: token.colorError }}>{f.pct(v.negativeShare)}</span> : null} raw={v?.negativeShare} loading={busy}>
            {v && (
              <>
                {t('evaluate.voice.count')} <Fig id="voice-negative-count" raw={v.days.reduce((n, d) => n + d.negative, 0)}>{f.int(v.days.reduce((n, d) => n + d.negative, 0))}</Fig>
                {' · '}
                {t('evaluate.voice.spikes')} <Fig id="voice-spike-count" raw={v.spikes.length}>{f.int(v.spikes.length)}</Fig>
              </>
            )}
          </Kpi>
        </Col>
        <Col xs={24} sm={12} xl={6}>
          <Kpi id="voice-replies" icon={<CommentOutlined />} title={t('evaluate.voice.replies')} hint={t('evaluate.voice.repliesHint')} value={v ? f.int(v.replies) : null} raw={v?.replies} loading={busy}>
            {v && <>{t('evaluate.voice.replyShare')} <Fig id="voice-reply-share" raw={v.replyShare}>{f.pct(v.replyShare)}</Fig></>}
          </Kpi>
        </Col>
        <Col span={24}>
          <ChartCard testId="voice-daily" title={t('evaluate.voice.daily')} hint={t('evaluate.voice.dailyHint')} loading={busy} empty={!!v && v.messages === 0}>
            {v && (
              <Chart
                testId="voice-daily-chart"
                height={280}
                option={{
                  tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (x) => f.int(Number(x)) },
                  legend: { top: 0 },
                  grid: { left: 48, right: 16, top: 36, bottom: 28 },
                  xAxis: { type: 'category', data: v.days.map((d) => d.date.slice(5)) },
                  yAxis: { type: 'value', minInterval: 1 },
                  series: [
                    { name: t('evaluate.voice.series.positive'), type: 'bar', stack: 'voice', data: v.days.map((d) => d.positive), itemStyle: { color: COLORS.positive }, barMaxWidth: 22 },
                    { name: t('evaluate.voice.series.negative'), type: 'bar', stack: 'voice', data: v.days.map((d) => d.negative), itemStyle: { color: COLORS.negative }, barMaxWidth: 22 },
                    { name: t('evaluate.voice.series.neutral'), type: 'bar', stack: 'voice', data: v.days.map(neutral), itemStyle: { color: COLORS.neutral }, barMaxWidth: 22 },
                  ],
                }}
              />
            )}
          </ChartCard>
        </Col>
        <Col xs={24} xl={14}>
          <Card data-testid="voice-topics" title={t('evaluate.voice.topics')} style={{ height: '100%' }}>
            {busy ? <Skeleton active /> : (
              <Table
                data-testid="voice-topics-table"
                size="small"
                rowKey="term"
                pagination={false}
                scroll={{ y: 420 }}
                dataSource={v.topics}
                locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('evaluate.noData')} /> }}
                onRow={(r) => ({ 'data-testid': 'voice-topic', 'data-term': r.term }) as React.HTMLAttributes<HTMLElement>}
                columns={[
                  { key: 'rank', title: '#', width: 44, render: (_, _r, i) => <Typography.Text type="secondary">{i + 1}</Typography.Text> },
                  { key: 'term', title: t('evaluate.voice.term'), render: (_, r) => <strong data-testid="voice-topic-term">{r.term}</strong> },
                  {
                    key: 'mentions', title: t('evaluate.voice.mentions'), width: '40%',
                    render: (_, r) => (
                      <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
                        <div style={{ flex: 1, background: token.colorFillTertiary, borderRadius: 3, height: 10 }}>
                          <div style={{ width: `${(r.mentions / topicMax) * 100}%`, background: '#5b8ff9', height: 10, borderRadius: 3 }} />
                        </div>
                        <span data-testid="voice-topic-mentions" style={{ width: 48, textAlign: 'right', fontVariantNumeric: 'tabular-nums' }}>{f.int(r.mentions)}</span>
                      </div>
                    ),
                  },
                  { key: 'before', title: t('evaluate.voice.before'), align: 'right', render: (_, r) => <span style={{ fontVariantNumeric: 'tabular-nums' }}>{f.int(r.before)}</span> },
                  { key: 'change', title: t('evaluate.voice.change'), align: 'right', render: (_, r) => change(r.mentions, r.before) },
                ]}
              />
            )}
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card data-testid="voice-rising" title={<span><RiseOutlined style={{ color: token.colorError, marginRight: 6 }} />{t('evaluate.voice.rising')}</span>} style={{ height: '100%' }}>
            {busy ? <Skeleton active /> : v.rising.length === 0 ? (
              <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('evaluate.voice.noRising')} />
            ) : (
              <ol style={{ margin: 0, padding: 0, listStyle: 'none' }}>
                {v.rising.map((r, i) => (
                  <li key={r.term} data-testid="voice-rising-term" data-term={r.term} style={{ display: 'flex', alignItems: 'center', gap: 10, padding: '8px 0', borderBottom: `1px solid ${token.colorSplit}` }}>
                    <Typography.Text type="secondary" style={{ width: 20 }}>{i + 1}</Typography.Text>
                    <strong style={{ flex: 1 }}>{r.term}</strong>
                    <span style={{ color: token.colorTextSecondary, fontVariantNumeric: 'tabular-nums' }}>{f.int(r.before)} → {f.int(r.mentions)}</span>
                    <Tag color="red" style={{ marginInlineEnd: 0, minWidth: 56, textAlign: 'center' }}>×{f.dec(r.growth, 1)}</Tag>
                  </li>
                ))}
              </ol>
            )}
          </Card>
        </Col>
        <Col span={24}>
          <Typography.Title level={5} style={{ margin: '8px 0 0' }}>
            <WarningOutlined style={{ color: token.colorError, marginRight: 6 }} />
            {t('evaluate.voice.spikesTitle')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('evaluate.voice.spikesHint')}</Typography.Text>
        </Col>
        {busy ? (
          <Col span={24}><Skeleton active /></Col>
        ) : v.spikes.length === 0 ? (
          <Col span={24}>
            <Card><Empty data-testid="voice-no-spikes" image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('evaluate.voice.noSpikes')} /></Card>
          </Col>
        ) : v.spikes.map((s) => (
          <Col xs={24} xl={12} key={s.date}>
            <Card
              data-testid="voice-spike"
              data-date={s.date}
              size="small"
              style={{ height: '100%', borderColor: '#ffccc7' }}
              styles={{ header: { background: '#fff2f0' } }}
              title={<span>{s.date}<Tag color="red" style={{ marginInlineStart: 8 }}>{t('evaluate.voice.spikeNegative', { n: f.int(s.negative) })}</Tag></span>}
              extra={<Typography.Text type="secondary">{t('evaluate.voice.usual', { n: f.dec(s.usual, 1) })}</Typography.Text>}
            >
              <ul style={{ margin: 0, padding: 0, listStyle: 'none', maxHeight: 320, overflowY: 'auto' }}>
                {s.messages.map((m) => (
                  <li key={m.id} data-testid="voice-spike-message" style={{ padding: '6px 0', borderBottom: `1px solid ${token.colorSplit}` }}>
                    <div style={{ wordBreak: 'break-word' }}>{m.text}</div>
                    <div style={{ fontSize: 12, color: token.colorTextTertiary, display: 'flex', gap: 12, marginTop: 2 }}>
                      <span>{dayjs(m.occurredAt).format('MM-DD HH:mm')}</span>
                      {m.groupId && <GroupChatLink groupId={m.groupId}>{groupName.get(m.groupId) ?? t('evaluate.voice.openChat')}</GroupChatLink>}
                    </div>
                  </li>
                ))}
              </ul>
            </Card>
          </Col>
        ))}
      </Row>
    </div>
  );
}
