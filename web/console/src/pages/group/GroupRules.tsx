// 入群设置: the group's own rules of the joining and muting types (entry mode, entry ritual, capacity
// rotation, mute schedule), each with the server's plain-language preview. Without a rule of its own a group
// follows its group set's, else its community's, else the defaults: the row says which, and "单独设置" starts
// the group's own rule from those settings. Saving sends the settings whole; the server checks them and its
// field errors (settings.code, settings.windows.0.from, …) show on the field they name. The forms are the
// rule type table's (../rules/types.tsx), shared with the rules page in 运营.
import { useState } from 'react';
import { Alert, App, Button, Popconfirm, Switch, Tag, Tooltip, Typography, theme } from 'antd';
import { EditOutlined, InfoCircleOutlined, RollbackOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { del, get, patch, qs, type Group, type Rule, type RuleTargetType } from '../../api';
import { RuleEditor } from '../rules/RuleEditor';
import { ruleDef, type RuleTypeDef } from '../rules/types';

/** The types this section shows (the rules page in 运营 has them all). */
export const RULE_KINDS: readonly RuleTypeDef[] = ['joining.entry', 'joining.ritual', 'joining.capacity', 'communication.mute_schedule'].map((type) => ruleDef(type));
type Kind = RuleTypeDef;

export const rulesKey = (targetType: RuleTargetType, targetId: string | null) => ['rules', targetType, targetId];

export function useRulesOf(targetType: RuleTargetType, targetId: string | null) {
  return useQuery({
    queryKey: rulesKey(targetType, targetId),
    queryFn: () => get<{ items: Rule[] }>(`/rules${qs({ targetType, targetId })}`),
    enabled: !!targetId,
  });
}

interface Effective {
  source: RuleTargetType | 'default';
  /** The rule that applies (null: the defaults). */
  rule: Rule | null;
  settings: Record<string, unknown>;
}

export function GroupRules({ group, canWrite, setName, communityName }: { group: Group; canWrite: boolean; setName: string | null; communityName: string }) {
  const { t, i18n } = useTranslation();
  const own = useRulesOf('group', group.id);
  const set = useRulesOf('group_set', group.groupSetId);
  const community = useRulesOf('community', group.communityId);
  const [editing, setEditing] = useState<Kind | null>(null);
  const pending = own.isPending || (!!group.groupSetId && set.isPending) || community.isPending;
  const error = own.error ?? set.error ?? community.error;

  const effective = (type: string): Effective => {
    const pick = (rules: Rule[] | undefined) => rules?.find((r) => r.type === type && r.enabled);
    const hit = pick(own.data?.items) ?? pick(group.groupSetId ? set.data?.items : undefined) ?? pick(community.data?.items);
    if (hit) return { source: hit.targetType, rule: hit, settings: hit.settings };
    return { source: 'default', rule: null, settings: ruleDef(type).defaults };
  };
  const ownRule = (type: string) => own.data?.items.find((r) => r.type === type) ?? null;

  if (error) return <Alert type="error" showIcon title={error.message} />;
  return (
    <div data-testid="group-rules">
      {RULE_KINDS.map((k) => (
        <RuleRow
          key={k.key}
          kind={k}
          loading={pending}
          own={ownRule(k.type)}
          effective={effective(k.type)}
          groupId={group.id}
          inSet={!!group.groupSetId}
          sourceName={(s) => (s === 'group_set' ? (setName ?? '') : s === 'community' ? communityName : '')}
          canWrite={canWrite}
          onEdit={() => setEditing(k)}
        />
      ))}
      {editing && (
        <RuleEditor
          def={editing}
          target={{ type: 'group', id: group.id, name: group.name, group }}
          own={ownRule(editing.type)}
          initial={ownRule(editing.type)?.settings ?? effective(editing.type).settings}
          onClose={() => setEditing(null)}
        />
      )}
      {!canWrite && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('rules.readOnly')}</Typography.Text>}
      {/* The sentences come from the server, in Chinese only. */}
      {i18n.language === 'en' && <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>{t('rules.previewLangNote')}</Typography.Text>}
    </div>
  );
}

function RuleRow(props: {
  kind: Kind; loading: boolean; own: Rule | null; effective: Effective; groupId: string; inSet: boolean;
  sourceName: (s: RuleTargetType) => string; canWrite: boolean; onEdit: () => void;
}) {
  const { kind, own, effective, groupId, canWrite } = props;
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { token } = theme.useToken();
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: rulesKey('group', groupId) });
  const toggle = useMutation({
    mutationFn: (enabled: boolean) => patch<Rule>(`/rules/${own!.id}`, { enabled }),
    onSuccess: (r) => {
      message.success(r.enabled ? t('rules.enabledOn') : t('rules.enabledOff'));
      void refresh();
    },
    onError: (e) => message.error(e.message),
  });
  const reset = useMutation({
    mutationFn: () => del(`/rules/${own!.id}`),
    onSuccess: () => {
      message.success(t('rules.resetDone'));
      void refresh();
    },
    onError: (e) => message.error(e.message),
  });
  const src = effective.source;
  const srcTag = src === 'group'
    ? <Tag color="volcano" bordered={false}>{t('rules.source.group')}</Tag>
    : src === 'default'
      ? <Tag bordered={false}>{t('rules.source.default')}</Tag>
      : <Tag color="blue" bordered={false}>{t(`rules.source.${src}`, { name: props.sourceName(src) })}</Tag>;
  const preview = effective.rule?.preview ?? t(`rules.defaultPreview.${kind.key}`);
  const k = kind.key;
  return (
    <div data-testid={`rule-${k}`} data-source={src} style={{ padding: '8px 0', borderBottom: `1px solid ${token.colorSplit}` }}>
      <div style={{ display: 'flex', alignItems: 'flex-start', gap: 8 }}>
        <div style={{ flex: 1, minWidth: 0, display: 'flex', flexWrap: 'wrap', alignItems: 'center', columnGap: 8, rowGap: 2, minHeight: 24 }}>
          <Typography.Text strong>{t(`rules.type.${k}`)}</Typography.Text>
          <span data-testid={`rule-${k}-source`}>{props.loading ? null : srcTag}</span>
        </div>
        <div style={{ flex: 'none', display: 'flex', alignItems: 'center', gap: 6 }}>
        {own && (
          <Tooltip title={t('rules.enabledHelp')}>
            <Switch size="small" checked={own.enabled} disabled={!canWrite} loading={toggle.isPending} onChange={(v) => toggle.mutate(v)} data-testid={`rule-${k}-enabled`} />
          </Tooltip>
        )}
        {canWrite && (
          <Button size="small" icon={<EditOutlined />} onClick={props.onEdit} disabled={props.loading} data-testid={`rule-${k}-edit`}>
            {own ? t('common.edit') : t('rules.customize')}
          </Button>
        )}
        {canWrite && own && (
          <Popconfirm title={t('rules.resetConfirm')} onConfirm={() => reset.mutate()} okButtonProps={{ 'data-testid': 'rule-reset-confirm' } as Record<string, string>}>
            <Tooltip title={t('rules.reset')}>
              <Button size="small" type="text" icon={<RollbackOutlined />} loading={reset.isPending} aria-label={t('rules.reset')} data-testid={`rule-${k}-reset`} />
            </Tooltip>
          </Popconfirm>
        )}
        </div>
      </div>
      <Typography.Paragraph style={{ margin: '4px 0 0', color: effective.rule ? undefined : token.colorTextSecondary }} data-testid={`rule-${k}-preview`}>
        {props.loading ? '…' : preview}
      </Typography.Paragraph>
      {!props.loading && !own && (
        <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`rule-${k}-inherited`}>
          <InfoCircleOutlined /> {t('rules.inheritNote')}
        </Typography.Text>
      )}
      {!props.loading && own && !own.enabled && (
        <Typography.Text type="warning" style={{ fontSize: 12 }} data-testid={`rule-${k}-disabled`}>
          <InfoCircleOutlined /> {t('rules.disabledNote', { preview: own.preview })}
        </Typography.Text>
      )}
      {k === 'capacity' && !props.inSet && (
        <Typography.Text type="secondary" style={{ fontSize: 12, display: 'block' }}>{t('rules.capacityNoSet')}</Typography.Text>
      )}
    </div>
  );
}
