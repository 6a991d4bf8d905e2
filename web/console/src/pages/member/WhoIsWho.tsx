// 成员 › 识别重复: the same people counted in group after group under other names. For a community, its seats
// against its real people and how much its biggest groups overlap (a heat map); the merge suggestions with
// their confidence and evidence, to merge (choosing who stays) or to reject; the merges, each undone by a split.
import { useMemo, useState } from 'react';
import { App, Button, Card, Col, Empty, Modal, Popconfirm, Radio, Row, Select, Space, Statistic, Table, Tag, Tooltip, Typography, theme } from 'antd';
import { MergeCellsOutlined, SplitCellsOutlined, StopOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { get, post, qs, type DuplicatesReport, type Evidence, type Me, type MemberBrief, type MemberDetail, type MemberMerge, type MergeSuggestion } from '../../api';
import { enums, useLabels } from '../../labels';
import { useCommunities } from '../Groups';

/** The heat map keeps to the groups with the most seats, so it stays readable. */
const HEAT_GROUPS = 12;

/** What a merge, a rejection or a split changes. */
const AFFECTED = [['merge-suggestions'], ['member-merges'], ['duplicates'], ['members'], ['member'], ['group-members'], ['groups']];

const EVIDENCE_COLOR: Record<Evidence['kind'], string> = { phone: 'red', email: 'magenta', name: 'blue', city: 'cyan', groups: 'purple', platforms: 'geekblue' };

const strength = (c: number) => (c >= 0.9 ? 'strong' : c >= 0.6 ? 'medium' : 'weak');
const STRENGTH_COLOR = { strong: 'success', medium: 'warning', weak: 'default' } as const;

const pairKey = (s: MergeSuggestion) => `${s.a.id}|${s.b.id}`;

function useAffected() {
  const qc = useQueryClient();
  return () => {
    for (const queryKey of AFFECTED) void qc.invalidateQueries({ queryKey });
  };
}

export function WhoIsWho({ me }: { me: Me }) {
  const { t } = useTranslation();
  const communities = useCommunities();
  const [communityId, setCommunityId] = useState<string | undefined>();
  const canWrite = me.permissions.includes('member.write');
  return (
    <>
      <Typography.Paragraph type="secondary">{t('identity.intro')}</Typography.Paragraph>
      <Space style={{ marginBottom: 16 }}>
        <Typography.Text>{t('identity.community')}</Typography.Text>
        <Select
          allowClear
          placeholder={t('identity.allCommunities')}
          style={{ width: 240 }}
          value={communityId}
          onChange={(v?: string) => setCommunityId(v)}
          options={(communities.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))}
          data-testid="identity-community"
        />
      </Space>
      {communityId && <Summary communityId={communityId} />}
      <Suggestions communityId={communityId} canWrite={canWrite} />
      <Merges canWrite={canWrite} />
    </>
  );
}

function Summary({ communityId }: { communityId: string }) {
  const { t } = useTranslation();
  const report = useQuery({ queryKey: ['duplicates', communityId], queryFn: () => get<DuplicatesReport>(`/communities/${communityId}/duplicates`) });
  const d = report.data;
  const duplicated = d ? d.seats - d.people : 0;
  return (
    <Card title={t('identity.summary')} loading={report.isPending} style={{ marginBottom: 16 }} data-testid="identity-summary">
      {d && (
        <Row gutter={24}>
          <Col xs={24} xl={8}>
            <Row gutter={[16, 16]}>
              <Col span={12}><Statistic title={t('identity.seats')} value={d.seats} valueRender={(v) => <span data-testid="identity-seats">{v}</span>} /></Col>
              <Col span={12}><Statistic title={t('identity.people')} value={d.people} valueRender={(v) => <span data-testid="identity-people">{v}</span>} /></Col>
              <Col span={12}><Statistic title={t('identity.inSeveral')} value={d.inSeveral} valueRender={(v) => <span data-testid="identity-in-several">{v}</span>} /></Col>
              <Col span={12}><Statistic title={t('identity.extraSeats')} value={duplicated} /></Col>
            </Row>
            <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 0, fontSize: 12 }}>{t('identity.summaryHelp')}</Typography.Paragraph>
          </Col>
          <Col xs={24} xl={16}>
            <Typography.Text strong>{t('identity.overlap')}</Typography.Text>
            <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 8 }}>
              {t('identity.overlapHelp', { count: Math.min(HEAT_GROUPS, d.groups.length) })}
            </Typography.Text>
            <HeatMap report={d} />
          </Col>
        </Row>
      )}
    </Card>
  );
}

/** The biggest groups against each other; a cell's colour is how many people the two share, its diagonal the group's seats. */
function HeatMap({ report }: { report: DuplicatesReport }) {
  const { t } = useTranslation();
  const { label } = useLabels();
  const { token } = theme.useToken();
  const groups = useMemo(() => [...report.groups].sort((a, b) => b.seats - a.seats).slice(0, HEAT_GROUPS), [report.groups]);
  const shared = useMemo(() => {
    const m = new Map<string, number>();
    for (const o of report.overlap) {
      m.set(`${o.a}|${o.b}`, o.shared);
      m.set(`${o.b}|${o.a}`, o.shared);
    }
    return m;
  }, [report.overlap]);
  const max = Math.max(1, ...groups.flatMap((x) => groups.map((y) => (x.id === y.id ? 0 : (shared.get(`${x.id}|${y.id}`) ?? 0)))));
  if (!groups.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('identity.noGroups')} />;
  const cell = { width: 40, height: 32, textAlign: 'center' as const, fontSize: 12, fontVariantNumeric: 'tabular-nums' as const, border: `1px solid ${token.colorBorderSecondary}` };
  return (
    <div style={{ overflowX: 'auto', marginTop: 8 }}>
      <table style={{ borderCollapse: 'collapse' }} data-testid="identity-heatmap">
        <thead>
          <tr>
            <th />
            {groups.map((g, i) => (
              <th key={g.id} style={{ ...cell, border: 'none', color: token.colorTextSecondary, fontWeight: 500 }}>
                <Tooltip title={g.name}>{i + 1}</Tooltip>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {groups.map((x, i) => (
            <tr key={x.id}>
              <th style={{ textAlign: 'left', fontWeight: 400, paddingInlineEnd: 12, maxWidth: 220, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }} title={`${x.name} · ${label(enums.platform, x.platform)} · ${t('identity.seatsOf', { count: x.seats })}`}>
                <Typography.Text type="secondary" style={{ display: 'inline-block', width: 20 }}>{i + 1}</Typography.Text>
                {x.name}
              </th>
              {groups.map((y) => {
                if (x.id === y.id) {
                  return <td key={y.id} style={{ ...cell, background: token.colorFillTertiary, color: token.colorTextTertiary }} title={t('identity.seatsOf', { count: x.seats })}>{x.seats}</td>;
                }
                const n = shared.get(`${x.id}|${y.id}`) ?? 0;
                const pct = Math.round(15 + (85 * n) / max);
                return (
                  <td
                    key={y.id}
                    style={{ ...cell, background: n ? `color-mix(in srgb, ${token.colorPrimary} ${pct}%, transparent)` : undefined, color: pct > 55 ? '#fff' : token.colorText }}
                    title={n ? t('identity.sharedOf', { a: x.name, b: y.name, count: n }) : undefined}
                    data-testid={`heat-${x.id}-${y.id}`}
                  >
                    {n || ''}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Confidence({ value }: { value: number }) {
  const { t } = useTranslation();
  const s = strength(value);
  return (
    <Tag color={STRENGTH_COLOR[s]} style={{ fontVariantNumeric: 'tabular-nums' }} data-testid="suggestion-confidence">
      {Math.round(value * 100)}% · {t(`identity.strength.${s}`)}
    </Tag>
  );
}

function EvidenceTags({ evidence }: { evidence: Evidence[] }) {
  return (
    <Space size={[0, 4]} wrap data-testid="evidence">
      {evidence.map((e) => <Tag key={`${e.kind}:${e.detail}`} color={EVIDENCE_COLOR[e.kind]}>{e.detail}</Tag>)}
    </Space>
  );
}

function Person({ m }: { m: MemberBrief }) {
  const { t } = useTranslation();
  const { label } = useLabels();
  return (
    <div>
      <Typography.Text strong>{m.displayName}</Typography.Text>
      {m.city && <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>{m.city}</Typography.Text>}
      <div style={{ marginTop: 4 }}>
        {m.platforms.length ? m.platforms.map((p) => <Tag key={p}>{label(enums.platform, p)}</Tag>) : <Tag>{t('identity.noPlatform')}</Tag>}
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('identity.groupsOf', { count: m.groups })}</Typography.Text>
      </div>
    </div>
  );
}

function Suggestions({ communityId, canWrite }: { communityId?: string; canWrite: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const affected = useAffected();
  const [merging, setMerging] = useState<MergeSuggestion | null>(null);
  const list = useQuery({
    queryKey: ['merge-suggestions', communityId ?? null],
    queryFn: () => get<{ items: MergeSuggestion[] }>(`/merge-suggestions${qs({ communityId, limit: 200 })}`),
  });
  const reject = useMutation({
    mutationFn: (s: MergeSuggestion) => post<void>('/merge-suggestions/reject', { memberIds: [s.a.id, s.b.id] }),
    onSuccess: () => {
      affected();
      message.success(t('identity.rejected'));
    },
    onError: (e) => message.error(e.message),
  });
  return (
    <Card title={t('identity.suggestions')} style={{ marginBottom: 16 }}>
      <Table<MergeSuggestion>
        rowKey={pairKey}
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('identity.noSuggestions')} /> }}
        data-testid="suggestion-table"
        columns={[
          { title: t('identity.memberA'), key: 'a', width: 220, render: (_, s) => <Person m={s.a} /> },
          { title: t('identity.memberB'), key: 'b', width: 220, render: (_, s) => <Person m={s.b} /> },
          { title: t('identity.confidence'), dataIndex: 'confidence', width: 120, render: (v: number) => <Confidence value={v} /> },
          { title: t('identity.evidence'), dataIndex: 'evidence', render: (v: Evidence[]) => <EvidenceTags evidence={v} /> },
          ...(canWrite
            ? [{
                title: t('identity.actions'), key: 'actions', width: 200, render: (_: unknown, s: MergeSuggestion) => (
                  <Space size={4}>
                    <Button size="small" type="primary" icon={<MergeCellsOutlined />} onClick={() => setMerging(s)} data-testid="suggestion-merge">{t('identity.merge')}</Button>
                    <Popconfirm title={t('identity.rejectConfirm')} onConfirm={() => reject.mutate(s)} okButtonProps={{ 'data-testid': 'suggestion-reject-confirm' } as Record<string, string>}>
                      <Button size="small" icon={<StopOutlined />} loading={reject.isPending && reject.variables === s} data-testid="suggestion-reject">{t('identity.reject')}</Button>
                    </Popconfirm>
                  </Space>
                ),
              }]
            : []),
        ]}
      />
      {merging && <MergeModal suggestion={merging} onClose={() => setMerging(null)} />}
    </Card>
  );
}

function MergeModal({ suggestion: s, onClose }: { suggestion: MergeSuggestion; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const affected = useAffected();
  // The one in more groups stays by default: fewer memberships move.
  const [keep, setKeep] = useState(s.b.groups > s.a.groups ? s.b.id : s.a.id);
  const [kept, gone] = keep === s.a.id ? [s.a, s.b] : [s.b, s.a];
  const merge = useMutation({
    mutationFn: () => post<MemberMerge>(`/members/${kept.id}/merge`, { mergeId: gone.id, evidence: s.evidence }),
    onSuccess: () => {
      affected();
      message.success(t('identity.merged', { kept: kept.displayName, merged: gone.displayName }));
      onClose();
    },
    onError: (e) => message.error(e.message),
  });
  return (
    <Modal
      open
      title={t('identity.mergeTitle')}
      okText={t('identity.merge')}
      onOk={() => merge.mutate()}
      onCancel={onClose}
      confirmLoading={merge.isPending}
      okButtonProps={{ 'data-testid': 'merge-confirm' } as Record<string, string>}
      width={560}
    >
      <Typography.Paragraph>{t('identity.keepWhich')}</Typography.Paragraph>
      <Radio.Group vertical value={keep} onChange={(e) => setKeep(e.target.value as string)} data-testid="merge-keep">
        {[s.a, s.b].map((m) => (
          <Radio key={m.id} value={m.id} style={{ marginBottom: 12 }} data-testid={`merge-keep-${m.id}`}>
            <Person m={m} />
          </Radio>
        ))}
      </Radio.Group>
      <Typography.Paragraph type="secondary" style={{ marginTop: 16, marginBottom: 8 }}>
        {t('identity.mergeHelp', { kept: kept.displayName, merged: gone.displayName })}
      </Typography.Paragraph>
      <EvidenceTags evidence={s.evidence} />
    </Modal>
  );
}

/** The kept member's name (the merge only records the merged one's). */
function KeptName({ id }: { id: string }) {
  const m = useQuery({ queryKey: ['member', id], queryFn: () => get<MemberDetail>(`/members/${id}`), retry: false });
  return <>{m.data?.displayName ?? (m.isPending ? '…' : id)}</>;
}

function Merges({ canWrite }: { canWrite: boolean }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const affected = useAffected();
  const list = useQuery({ queryKey: ['member-merges'], queryFn: () => get<{ items: MemberMerge[] }>('/member-merges') });
  const split = useMutation({
    mutationFn: (id: string) => post<MemberMerge>(`/member-merges/${id}/split`),
    onSuccess: (m) => {
      affected();
      message.success(t('identity.splitDone', { name: m.mergedName }));
    },
    onError: (e) => message.error(e.message),
  });
  return (
    <Card title={t('identity.merges')}>
      <Table<MemberMerge>
        rowKey="id"
        size="small"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 10, hideOnSinglePage: true, showSizeChanger: false }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('identity.noMerges')} /> }}
        data-testid="merge-table"
        columns={[
          { title: t('identity.mergedAt'), dataIndex: 'mergedAt', width: 170, render: (v: string) => new Date(v).toLocaleString() },
          { title: t('identity.kept'), dataIndex: 'keptId', width: 160, render: (v: string) => <KeptName id={v} /> },
          { title: t('identity.mergedIn'), dataIndex: 'mergedName', width: 160 },
          { title: t('identity.evidence'), dataIndex: 'evidence', render: (v: Evidence[]) => <EvidenceTags evidence={v} /> },
          { title: t('identity.mergedBy'), dataIndex: 'mergedBy', width: 140 },
          {
            title: t('identity.status'), key: 'status', width: 150, render: (_, m) =>
              m.splitAt ? (
                <Tooltip title={new Date(m.splitAt).toLocaleString()}><Tag data-testid="merge-split-tag">{t('identity.splitTag')}</Tag></Tooltip>
              ) : canWrite ? (
                <Popconfirm title={t('identity.splitConfirm', { name: m.mergedName })} onConfirm={() => split.mutate(m.id)} okButtonProps={{ 'data-testid': 'merge-split-confirm' } as Record<string, string>}>
                  <Button size="small" icon={<SplitCellsOutlined />} loading={split.isPending && split.variables === m.id} data-testid="merge-split">{t('identity.split')}</Button>
                </Popconfirm>
              ) : (
                <Tag color="blue">{t('identity.mergedTag')}</Tag>
              ),
          },
        ]}
      />
    </Card>
  );
}
