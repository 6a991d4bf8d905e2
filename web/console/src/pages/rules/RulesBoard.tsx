// 群规: every rule of one target (a group, a group set or a community), grouped by the five families
// (入群 · 引入 · 交流 · 分享 · 淘汰), each with the server's plain-language preview, its switch, edit and
// delete. A group also shows what it inherits from its set and its community (the nearest applies: group >
// set > community > defaults); "单独设置" starts the target's own rule from those settings. Below, the dry
// run of the moderation rule over the target's recent messages.
import { useMemo, useState } from 'react';
import { Alert, App, Button, Card, Col, Dropdown, Empty, Popconfirm, Row, Segmented, Select, Space, Switch, Tag, Tooltip, Typography, theme } from 'antd';
import { AppstoreAddOutlined, DeleteOutlined, EditOutlined, InfoCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { del, get, patch, post, type Group, type Me, type Rule, type RuleTargetType } from '../../api';
import { enums, useLabels } from '../../labels';
import { useSearchParam } from '../../router';
import { useRulesOf } from '../group/GroupRules';
import { useAllGroups, useCommunities, useGroupSets } from '../Groups';
import { DryRunPanel } from './DryRun';
import { RuleEditor, useRuleTypeLabel } from './RuleEditor';
import { FAMILIES, ruleDef, typesOf, type Family, type RuleTarget, type RuleTypeDef } from './types';

export const FAMILY_COLOR: Record<Family, string> = { joining: 'green', admission: 'cyan', communication: 'blue', sharing: 'purple', elimination: 'volcano' };

interface Parent {
  type: RuleTargetType;
  id: string;
  name: string;
}

interface Line {
  def: RuleTypeDef;
  own: Rule | null;
  /** The nearest enabled rule of the type above the target (its set's, its community's). */
  inherited: { rule: Rule; from: Parent } | null;
}

const TARGET = /^(group|group_set|community):(.+)$/;

export function RulesBoard({ me }: { me: Me }) {
  const { t, i18n } = useTranslation();
  const canWrite = me.permissions.includes('group.write');
  const groups = useAllGroups();
  const sets = useGroupSets();
  const communities = useCommunities();
  const [param, setParam] = useSearchParam('target');
  const m = param ? TARGET.exec(param) : null;
  const [kind, setKind] = useState<RuleTargetType>((m?.[1] as RuleTargetType | undefined) ?? 'group');
  const groupList = groups.data?.items ?? [];
  const setList = sets.data?.items ?? [];
  const communityList = communities.data?.items ?? [];
  // Nothing picked yet: the first built-in group (the one the rules engine runs).
  const fallback = groupList.find((g) => g.platform === 'builtin') ?? groupList[0];
  const ref = m ? { type: m[1] as RuleTargetType, id: m[2]! } : fallback && kind === 'group' ? { type: 'group' as const, id: fallback.id } : null;

  const target = useMemo<RuleTarget | null>(() => {
    if (!ref) return null;
    if (ref.type === 'group') {
      const g = groupList.find((x) => x.id === ref.id);
      return g ? { type: 'group', id: g.id, name: g.name, group: g } : null;
    }
    const x = ref.type === 'group_set' ? setList.find((s) => s.id === ref.id) : communityList.find((c) => c.id === ref.id);
    return x ? { type: ref.type, id: x.id, name: x.name, group: null } : null;
  }, [ref?.type, ref?.id, groupList, setList, communityList]);

  // What the target inherits from, nearest first.
  const parents = useMemo<Parent[]>(() => {
    if (!target) return [];
    const setOf = (id: string | null) => (id ? setList.find((s) => s.id === id) : undefined);
    const communityOf = (id: string | null | undefined) => (id ? communityList.find((c) => c.id === id) : undefined);
    const out: Parent[] = [];
    if (target.type === 'group') {
      const s = setOf(target.group!.groupSetId);
      if (s) out.push({ type: 'group_set', id: s.id, name: s.name });
      const c = communityOf(target.group!.communityId);
      if (c) out.push({ type: 'community', id: c.id, name: c.name });
    } else if (target.type === 'group_set') {
      const c = communityOf(setOf(target.id)?.communityId);
      if (c) out.push({ type: 'community', id: c.id, name: c.name });
    }
    return out;
  }, [target, setList, communityList]);

  const own = useRulesOf(target?.type ?? 'group', target?.id ?? null);
  const p0 = useRulesOf(parents[0]?.type ?? 'group_set', parents[0]?.id ?? null);
  const p1 = useRulesOf(parents[1]?.type ?? 'community', parents[1]?.id ?? null);
  const [editing, setEditing] = useState<{ def: RuleTypeDef; own: Rule | null; initial: Record<string, unknown> } | null>(null);

  const ownRules = own.data?.items ?? [];
  const parentRules = [parents[0] ? p0.data?.items ?? [] : [], parents[1] ? p1.data?.items ?? [] : []];
  const inheritedOf = (type: string): Line['inherited'] => {
    for (let i = 0; i < parents.length; i++) {
      const r = parentRules[i]!.find((x) => x.type === type && x.enabled);
      if (r) return { rule: r, from: parents[i]! };
    }
    return null;
  };
  const linesOf = (family: Family): Line[] => {
    const types = new Set([
      ...typesOf(family).map((d) => d.type),
      ...[...ownRules, ...parentRules.flat()].filter((r) => r.family === family).map((r) => r.type),
    ]);
    return [...types]
      .map((type) => ({ def: ruleDef(type, family), own: ownRules.find((r) => r.type === type) ?? null, inherited: inheritedOf(type) }))
      .filter((l) => l.own || l.inherited);
  };
  const moderation = ownRules.find((r) => r.type === 'communication.moderation' && r.enabled) ?? inheritedOf('communication.moderation')?.rule ?? null;

  const pick = (type: RuleTargetType, id: string | undefined) => setParam(id ? `${type}:${id}` : null);
  const targetOptions = kind === 'group'
    ? groupList.map((g) => ({ value: g.id, label: g.name, platform: g.platform }))
    : (kind === 'group_set' ? setList : communityList).map((x) => ({ value: x.id, label: x.name, platform: null as string | null }));
  const loading = groups.isPending || sets.isPending || communities.isPending;

  return (
    <div data-testid="rules-board">
      <Card size="small" style={{ marginBottom: 16 }}>
        <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 12 }}>
          <Typography.Text strong>{t('rulesPage.target')}</Typography.Text>
          <Segmented<RuleTargetType>
            value={kind}
            onChange={(v) => {
              // Another kind of target: its first one, so the page never shows one kind's rules under another's picker.
              setKind(v);
              const first = v === 'group' ? (groupList.find((g) => g.platform === 'builtin') ?? groupList[0]) : (v === 'group_set' ? setList : communityList)[0];
              pick(v, first?.id);
            }}
            options={(['group', 'group_set', 'community'] as const).map((v) => ({ value: v, label: <span data-testid={`rules-kind-${v}`}>{t(`rulesPage.kind.${v}`)}</span> }))}
          />
          <TargetSelect
            options={targetOptions}
            value={target && target.type === kind ? target.id : undefined}
            onChange={(id) => pick(kind, id)}
            placeholder={t(`rulesPage.pick.${kind}`)}
            loading={loading}
          />
          {target && <TargetChain target={target} parents={parents} />}
          {target && canWrite && <div style={{ marginInlineStart: 'auto' }}><TemplateButton target={target} /></div>}
        </div>
      </Card>
      {!target ? (
        <Card><Empty description={loading ? '…' : t('rulesPage.none')} /></Card>
      ) : (
        <>
          {(own.error || p0.error || p1.error) && <Alert type="error" showIcon title={(own.error ?? p0.error ?? p1.error)!.message} style={{ marginBottom: 12 }} />}
          <Row gutter={[16, 16]} data-testid="rules-families">
            {FAMILIES.map((f) => (
              <Col key={f} xs={24} xl={12}>
                <FamilyCard
                  family={f}
                  lines={linesOf(f)}
                  loading={own.isPending}
                  target={target}
                  canWrite={canWrite}
                  onEdit={(def, ownRule, initial) => setEditing({ def, own: ownRule, initial })}
                />
              </Col>
            ))}
          </Row>
          {i18n.language === 'en' && <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 8 }}>{t('rules.previewLangNote')}</Typography.Text>}
          {!canWrite && <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block', marginTop: 8 }}>{t('rules.readOnly')}</Typography.Text>}
          <DryRunPanel
            key={`${target.type}:${target.id}:${moderation?.id ?? 'default'}:${moderation?.updatedAt ?? ''}`}
            target={target}
            groups={groupList}
            settings={moderation?.settings ?? ruleDef('communication.moderation').defaults}
            ownRule={ownRules.find((r) => r.type === 'communication.moderation') ?? null}
            canWrite={canWrite}
          />
        </>
      )}
      {editing && target && <RuleEditor def={editing.def} target={target} own={editing.own} initial={editing.initial} onClose={() => setEditing(null)} />}
    </div>
  );
}

function TargetSelect({ options, value, onChange, placeholder, loading }: {
  options: { value: string; label: string; platform: string | null }[]; value: string | undefined; onChange: (id: string | undefined) => void; placeholder: string; loading: boolean;
}) {
  const { label } = useLabels();
  return (
    <Select
      showSearch={{ optionFilterProp: 'label' }}
      style={{ width: 300 }}
      value={value}
      onChange={onChange}
      placeholder={placeholder}
      loading={loading}
      options={options}
      optionRender={(o) => (
        <span>
          {o.label}
          {o.data.platform && <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 8 }}>{label(enums.platform, o.data.platform)}</Typography.Text>}
        </span>
      )}
      data-testid="rules-target"
    />
  );
}

/** Where the target's rules come from when it has none of its own: nearest first, then the defaults. */
function TargetChain({ target, parents }: { target: RuleTarget; parents: Parent[] }) {
  const { t } = useTranslation();
  const { label } = useLabels();
  const g: Group | null = target.group;
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid="rules-chain">
      {g && <Tag bordered={false}>{label(enums.platform, g.platform)}</Tag>}
      {t('rulesPage.chain', { chain: [t(`rulesPage.kind.${target.type}`), ...parents.map((p) => `${t(`rulesPage.kind.${p.type}`)}「${p.name}」`), t('rules.source.default')].join(' › ') })}
      {g && g.platform !== 'builtin' && <> · {t('rulesPage.engineBuiltinOnly')}</>}
    </Typography.Text>
  );
}

function FamilyCard({ family, lines, loading, target, canWrite, onEdit }: {
  family: Family; lines: Line[]; loading: boolean; target: RuleTarget; canWrite: boolean;
  onEdit: (def: RuleTypeDef, own: Rule | null, initial: Record<string, unknown>) => void;
}) {
  const { t } = useTranslation();
  const typeLabel = useRuleTypeLabel();
  const shown = new Set(lines.map((l) => l.def.type));
  const addable = typesOf(family).filter((d) => !shown.has(d.type));
  return (
    <Card
      size="small"
      data-testid={`rules-family-${family}`}
      style={{ height: '100%' }}
      title={
        <Space size={8}>
          <Tag color={FAMILY_COLOR[family]} style={{ marginInlineEnd: 0 }}>{t(`family.${family}`)}</Tag>
          <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }}>{t(`familyHelp.${family}`)}</Typography.Text>
        </Space>
      }
      extra={canWrite && addable.length > 0 && (
        <Dropdown
          trigger={['click']}
          menu={{
            items: addable.map((d) => ({ key: d.type, label: <span data-testid={`rules-add-type-${d.key}`}>{typeLabel(d)}</span> })),
            onClick: ({ key }) => {
              const d = ruleDef(key);
              onEdit(d, null, d.defaults);
            },
          }}
        >
          <Button size="small" type="link" icon={<PlusOutlined />} data-testid={`rules-add-${family}`}>{t('rulesPage.add')}</Button>
        </Dropdown>
      )}
    >
      {loading ? <Typography.Text type="secondary">…</Typography.Text> : lines.length === 0 ? (
        <Typography.Text type="secondary" style={{ fontSize: 13 }} data-testid={`rules-family-${family}-empty`}>
          {typesOf(family).length ? t('rulesPage.familyEmpty') : t('rulesPage.familyNoTypes')}
        </Typography.Text>
      ) : lines.map((l, i) => <RuleLine key={l.def.type} line={l} last={i === lines.length - 1} target={target} canWrite={canWrite} onEdit={onEdit} />)}
    </Card>
  );
}

function RuleLine({ line, last, target, canWrite, onEdit }: {
  line: Line; last: boolean; target: RuleTarget; canWrite: boolean; onEdit: (def: RuleTypeDef, own: Rule | null, initial: Record<string, unknown>) => void;
}) {
  const { def, own, inherited } = line;
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { token } = theme.useToken();
  const qc = useQueryClient();
  const typeLabel = useRuleTypeLabel();
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => patch<Rule>(`/rules/${own!.id}`, { enabled }),
    onSuccess: (r) => {
      message.success(r.enabled ? t('rules.enabledOn') : t('rules.enabledOff'));
      void qc.invalidateQueries({ queryKey: ['rules'] });
    },
    onError: (e) => void message.error(e.message),
  });
  const remove = useMutation({
    mutationFn: () => del(`/rules/${own!.id}`),
    onSuccess: () => {
      message.success(t('rulesPage.deleted'));
      void qc.invalidateQueries({ queryKey: ['rules'] });
    },
    onError: (e) => void message.error(e.message),
  });
  const k = def.key;
  const applies = own?.enabled ? own : inherited?.rule ?? null;
  const from = (p: Parent) => t(`rules.source.${p.type}`, { name: p.name });
  return (
    <div data-testid={`rules-line-${k}`} data-source={own?.enabled ? 'own' : inherited ? inherited.from.type : 'own-off'}
      style={{ padding: '8px 0', borderBottom: last ? undefined : `1px solid ${token.colorSplit}` }}>
      <div style={{ display: 'flex', alignItems: 'flex-start', gap: 8 }}>
        <div style={{ flex: 1, minWidth: 0, display: 'flex', flexWrap: 'wrap', alignItems: 'center', columnGap: 8, rowGap: 2, minHeight: 24 }}>
          <Typography.Text strong>{typeLabel(def)}</Typography.Text>
          {own && !own.enabled && <Tag bordered={false} data-testid={`rules-line-${k}-off`}>{t('rulesPage.off')}</Tag>}
          {!own?.enabled && inherited && <Tag color="blue" bordered={false} data-testid={`rules-line-${k}-from`}>{from(inherited.from)}</Tag>}
        </div>
        <div style={{ flex: 'none', display: 'flex', alignItems: 'center', gap: 6 }}>
          {own && (
            <Tooltip title={t('rulesPage.enabledHelp')}>
              <Switch size="small" checked={own.enabled} disabled={!canWrite} loading={toggle.isPending} onChange={(v) => toggle.mutate(v)} data-testid={`rules-line-${k}-enabled`} />
            </Tooltip>
          )}
          {canWrite && (
            <Button size="small" icon={<EditOutlined />} onClick={() => onEdit(def, own, own?.settings ?? inherited?.rule.settings ?? def.defaults)} data-testid={`rules-line-${k}-edit`}>
              {own ? t('common.edit') : t('rules.customize')}
            </Button>
          )}
          {canWrite && own && (
            <Popconfirm
              title={t('rulesPage.deleteConfirm', { target: target.name })}
              description={inherited ? t('rulesPage.deleteInherits', { from: from(inherited.from) }) : undefined}
              onConfirm={() => remove.mutate()}
              okButtonProps={{ danger: true, 'data-testid': 'rules-delete-confirm' } as { danger: boolean }}
            >
              <Tooltip title={t('common.delete')}>
                <Button size="small" type="text" danger icon={<DeleteOutlined />} loading={remove.isPending} aria-label={t('common.delete')} data-testid={`rules-line-${k}-delete`} />
              </Tooltip>
            </Popconfirm>
          )}
        </div>
      </div>
      <Typography.Paragraph style={{ margin: '4px 0 0' }} data-testid={`rules-line-${k}-preview`}>{applies?.preview ?? own?.preview}</Typography.Paragraph>
      {own && !own.enabled && (
        <Typography.Text type="warning" style={{ fontSize: 12 }}>
          <InfoCircleOutlined /> {inherited ? t('rulesPage.offInherits', { preview: own.preview }) : t('rulesPage.offNothing')}
        </Typography.Text>
      )}
    </div>
  );
}

interface RuleTemplate {
  key: string;
  name: string;
  description: string;
  rules: { type: string; settings: Record<string, unknown> }[];
}

/** 群规模板: a ready-made rule set (a student group, a core group, …) copied onto the target; types it has already stay as they are. */
function TemplateButton({ target }: { target: RuleTarget }) {
  const { t } = useTranslation();
  const { message, modal } = App.useApp();
  const qc = useQueryClient();
  const typeLabel = useRuleTypeLabel();
  const templates = useQuery({ queryKey: ['rule-templates'], queryFn: () => get<{ items: RuleTemplate[] }>('/rule-templates'), staleTime: Infinity, retry: false });
  const apply = (tpl: RuleTemplate) => modal.confirm({
    title: t('rulesPage.templateConfirm', { name: tpl.name, target: target.name }),
    content: (
      <div>
        <Typography.Paragraph type="secondary">{tpl.description}</Typography.Paragraph>
        <Space size={[4, 4]} wrap>{tpl.rules.map((r) => <Tag key={r.type}>{typeLabel(ruleDef(r.type))}</Tag>)}</Space>
        <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8, marginBottom: 0 }}>{t('rulesPage.templateKeeps')}</Typography.Paragraph>
      </div>
    ),
    okText: t('rulesPage.templateApply'),
    okButtonProps: { 'data-testid': 'template-confirm' } as Record<string, string>,
    onOk: async () => {
      try {
        const r = await post<{ created: string[]; skipped: string[] }>('/rules/from-template', { template: tpl.key, targetType: target.type, targetId: target.id });
        message.success(t('rulesPage.templateDone', { created: r.created.length, skipped: r.skipped.length }));
      } catch (e) {
        message.error(e instanceof Error ? e.message : String(e));
      } finally {
        void qc.invalidateQueries({ queryKey: ['rules'] });
      }
    },
  });
  if (!templates.data?.items.length) return null;
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: templates.data.items.map((tpl) => ({
          key: tpl.key,
          label: (
            <div style={{ maxWidth: 360 }} data-testid={`template-${tpl.key}`}>
              <div>{tpl.name}</div>
              <Typography.Text type="secondary" style={{ fontSize: 12, whiteSpace: 'normal' }}>{tpl.description}</Typography.Text>
            </div>
          ),
        })),
        onClick: ({ key }) => {
          const tpl = templates.data!.items.find((x) => x.key === key);
          if (tpl) apply(tpl);
        },
      }}
    >
      <Button icon={<AppstoreAddOutlined />} data-testid="rules-template">{t('rulesPage.template')}</Button>
    </Dropdown>
  );
}
