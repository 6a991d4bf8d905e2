// 入群设置: the group's own rules of the joining and muting types (entry mode, entry ritual, capacity
// rotation, mute schedule), each with the server's plain-language preview. Without a rule of its own a group
// follows its group set's, else its community's, else the defaults: the row says which, and "单独设置" starts
// the group's own rule from those settings. Saving sends the settings whole; the server checks them and its
// field errors (settings.code, settings.windows.0.from, …) show on the field they name.
import { useMemo, useState } from 'react';
import {
  Alert, App, AutoComplete, Button, Checkbox, Col, Form, Input, InputNumber, Modal, Popconfirm, Radio, Row, Select, Space, Switch, Tag, Tooltip, Typography, theme,
} from 'antd';
import { DeleteOutlined, EditOutlined, InfoCircleOutlined, MinusCircleOutlined, PlusOutlined, RollbackOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, del, get, patch, post, qs, type Group, type Rule, type RuleTargetType } from '../../api';
import { applyFieldErrors } from '../../forms';
import { enums, useLabels } from '../../labels';
import { checkNickname, renderWelcome } from '../../../../../src/modules/joining/ritual.ts';

export const RULE_KINDS = [
  { type: 'joining.entry', key: 'entry' },
  { type: 'joining.ritual', key: 'ritual' },
  { type: 'joining.capacity', key: 'capacity' },
  { type: 'communication.mute_schedule', key: 'mute' },
] as const;
type Kind = (typeof RULE_KINDS)[number];
type KindKey = Kind['key'];

const ENTRY_MODES = ['open', 'application', 'code', 'task', 'paid'] as const;
const WELCOME_VARS = ['nickname', 'number', 'group', 'rules', 'inviter'] as const;
const TIMEZONES = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Taipei', 'Asia/Singapore', 'Asia/Tokyo', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'UTC'];

/** The types' defaults, as src/modules/rules/rule-types.ts has them (what applies where no rule does). */
const DEFAULTS: Record<KindKey, Record<string, unknown>> = {
  entry: { mode: 'open', questions: [] },
  ritual: { rulesText: '', dataUseNotice: '', welcomeTemplate: '欢迎 {nickname} 加入{group}！你的编号是 {number}。', nicknamePattern: '', nicknameExample: '', consentRequired: true },
  capacity: { order: 'fill', thresholdPercent: 100 },
  mute: { allMuted: false, windows: [], timezone: 'Asia/Shanghai', exemptRoles: ['creator', 'manager'] },
};

export const rulesKey = (targetType: RuleTargetType, targetId: string | null) => ['rules', targetType, targetId];

function useRulesOf(targetType: RuleTargetType, targetId: string | null) {
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
    const kind = RULE_KINDS.find((k) => k.type === type)!;
    return { source: 'default', rule: null, settings: DEFAULTS[kind.key] };
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
        <RuleModal
          kind={editing}
          group={group}
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

// ---- the form of each type: settings as the API has them ↔ form values ----

type FormSettings = Record<string, unknown>;

function toForm(k: KindKey, s: Record<string, unknown>): FormSettings {
  if (k === 'entry') {
    const fen = typeof s.priceFen === 'number' ? s.priceFen : undefined;
    return { mode: s.mode ?? 'open', code: s.code ?? '', task: s.task ?? '', priceYuan: fen === undefined ? undefined : fen / 100, questions: Array.isArray(s.questions) ? s.questions : [] };
  }
  if (k === 'mute') return { ...s, windows: Array.isArray(s.windows) ? s.windows : [] };
  return { ...s };
}

const blank = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

function fromForm(k: KindKey, v: FormSettings): Record<string, unknown> {
  if (k === 'entry') {
    // Only what the mode uses: a code left over from another mode would sit in the settings unseen.
    const mode = v.mode as string;
    const out: Record<string, unknown> = { mode };
    if (mode === 'code') out.code = blank(v.code);
    if (mode === 'task') out.task = blank(v.task);
    if (mode === 'paid') out.priceFen = typeof v.priceYuan === 'number' ? Math.round(v.priceYuan * 100) : undefined;
    if (mode === 'application') out.questions = ((v.questions as string[] | undefined) ?? []).map((q) => q ?? '').filter((q) => q.trim() !== '');
    return out;
  }
  if (k === 'capacity') return { thresholdPercent: v.thresholdPercent };
  if (k === 'mute') {
    const windows = ((v.windows as { days?: number[]; from?: string; to?: string }[] | undefined) ?? []).map((w) => ({
      days: [...(w?.days ?? [])].sort(), from: (w?.from ?? '').trim(), to: (w?.to ?? '').trim(),
    }));
    return { allMuted: !!v.allMuted, windows, timezone: (v.timezone as string | undefined)?.trim() || 'Asia/Shanghai', exemptRoles: v.exemptRoles ?? [] };
  }
  return v;
}

function RuleModal({ kind, group, own, initial, onClose }: { kind: Kind; group: Group; own: Rule | null; initial: Record<string, unknown>; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ settings: FormSettings }>();
  const [general, setGeneral] = useState<string[]>([]);
  const save = useMutation({
    mutationFn: (settings: Record<string, unknown>) => own
      ? patch<Rule>(`/rules/${own.id}`, { settings })
      : post<Rule>('/rules', { type: kind.type, targetType: 'group', targetId: group.id, settings, enabled: true }),
    onSuccess: () => {
      message.success(t('rules.saved'));
      void qc.invalidateQueries({ queryKey: rulesKey('group', group.id) });
      onClose();
    },
    onError: (e) => {
      // Someone else gave the group this rule meanwhile: show theirs (this form edits it next time).
      if (e instanceof ApiError && e.status === 409) void qc.invalidateQueries({ queryKey: rulesKey('group', group.id) });
      setGeneral(applyFieldErrors(form, e, { 'settings.priceFen': 'settings.priceYuan' }));
    },
  });
  return (
    <Modal
      open
      title={t('rules.editTitle', { type: t(`rules.type.${kind.key}`), group: group.name })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      confirmLoading={save.isPending}
      okButtonProps={{ 'data-testid': 'rule-save' } as Record<string, string>}
      width={680}
      destroyOnHidden
    >
      {!own && <Alert type="info" showIcon title={t('rules.startsFrom')} style={{ marginBottom: 12 }} />}
      {general.length > 0 && <Alert type="error" showIcon title={general.join('；')} style={{ marginBottom: 12 }} data-testid="rule-error" />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ settings: toForm(kind.key, initial) }}
        onFinish={(v) => {
          setGeneral([]);
          save.mutate(fromForm(kind.key, v.settings));
        }}
        data-testid="rule-form"
      >
        {kind.key === 'entry' && <EntryFields />}
        {kind.key === 'ritual' && <RitualFields groupName={group.name} />}
        {kind.key === 'capacity' && <CapacityFields inSet={!!group.groupSetId} />}
        {kind.key === 'mute' && <MuteFields />}
      </Form>
    </Modal>
  );
}

const S = (...p: (string | number)[]) => ['settings', ...p];

function EntryFields() {
  const { t } = useTranslation();
  const mode = Form.useWatch(S('mode')) as string | undefined;
  return (
    <>
      <Form.Item name={S('mode')} label={t('entry.mode')}>
        <Radio.Group optionType="button" buttonStyle="solid">
          {ENTRY_MODES.map((m) => (
            <Radio.Button key={m} value={m}><span data-testid={`entry-mode-${m}`}>{t(`joinMode.${m}`)}</span></Radio.Button>
          ))}
        </Radio.Group>
      </Form.Item>
      <Typography.Paragraph type="secondary" style={{ marginTop: -12 }}>{t(`entry.modeHelp.${mode ?? 'open'}`)}</Typography.Paragraph>
      {mode === 'code' && (
        <Form.Item name={S('code')} label={t('entry.code')} extra={t('entry.codeHelp')}>
          <Input maxLength={64} style={{ maxWidth: 280 }} data-testid="entry-code" />
        </Form.Item>
      )}
      {mode === 'task' && (
        <Form.Item name={S('task')} label={t('entry.task')} extra={t('entry.taskHelp')}>
          <Input.TextArea autoSize={{ minRows: 2, maxRows: 5 }} maxLength={500} showCount data-testid="entry-task" />
        </Form.Item>
      )}
      {mode === 'paid' && (
        <Form.Item name={S('priceYuan')} label={t('entry.price')} extra={t('entry.priceHelp')}>
          <InputNumber min={0.01} max={1_000_000} precision={2} prefix="¥" style={{ width: 200 }} data-testid="entry-price" />
        </Form.Item>
      )}
      {mode === 'application' && (
        <Form.Item label={t('entry.questions')} extra={t('entry.questionsHelp')}>
          <Form.List name={S('questions')}>
            {(fields, { add, remove }) => (
              <>
                {fields.map((f, i) => (
                  <Space key={f.key} align="start" style={{ display: 'flex' }}>
                    <Form.Item name={f.name} style={{ marginBottom: 8, width: 520 }}>
                      <Input maxLength={200} placeholder={t('entry.questionPh')} data-testid={`entry-question-${i}`} />
                    </Form.Item>
                    <Button type="text" icon={<MinusCircleOutlined />} onClick={() => remove(f.name)} aria-label={t('common.delete')} />
                  </Space>
                ))}
                {fields.length < 10 && (
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add('')} data-testid="entry-question-add">{t('entry.addQuestion')}</Button>
                )}
              </>
            )}
          </Form.List>
        </Form.Item>
      )}
    </>
  );
}

function RitualFields({ groupName }: { groupName: string }) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const welcome = (Form.useWatch(S('welcomeTemplate')) as string | undefined) ?? '';
  const pattern = (Form.useWatch(S('nicknamePattern')) as string | undefined) ?? '';
  const example = (Form.useWatch(S('nicknameExample')) as string | undefined) ?? '';
  const misfit = pattern && example ? checkNickname(pattern, example) : null;
  const sample = renderWelcome(welcome, { nickname: t('ritual.sample.nickname'), number: '0042', group: groupName, rules: t('ritual.sample.rules'), inviter: t('ritual.sample.inviter') });
  const insert = (v: string) => form.setFieldValue(S('welcomeTemplate'), `${welcome}{${v}}`);
  return (
    <>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name={S('rulesText')} label={t('ritual.rulesText')}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={5000} placeholder={t('ritual.rulesTextPh')} data-testid="ritual-rules" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={S('dataUseNotice')} label={t('ritual.dataUseNotice')}>
            <Input.TextArea autoSize={{ minRows: 3, maxRows: 8 }} maxLength={5000} placeholder={t('ritual.dataUseNoticePh')} data-testid="ritual-notice" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item
        name={S('welcomeTemplate')}
        label={t('ritual.welcome')}
        extra={
          <div style={{ marginTop: 4 }}>
            <Space size={[4, 4]} wrap>
              <span>{t('ritual.variables')}</span>
              {WELCOME_VARS.map((v) => (
                <Tooltip key={v} title={t(`ritual.var.${v}`)}>
                  <Tag style={{ cursor: 'pointer', fontFamily: 'monospace' }} onClick={() => insert(v)} data-testid={`ritual-var-${v}`}>{`{${v}}`}</Tag>
                </Tooltip>
              ))}
            </Space>
            {welcome && <div data-testid="ritual-welcome-preview" style={{ marginTop: 4 }}>{t('ritual.welcomePreview')}{sample}</div>}
          </div>
        }
      >
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={2000} data-testid="ritual-welcome" />
      </Form.Item>
      <Row gutter={12}>
        <Col span={12}>
          <Form.Item name={S('nicknamePattern')} label={t('ritual.nicknamePattern')} extra={t('ritual.nicknamePatternHelp')}>
            <Input maxLength={200} placeholder="{city}-{industry}-{name}" data-testid="ritual-pattern" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item
            name={S('nicknameExample')}
            label={t('ritual.nicknameExample')}
            validateStatus={misfit ? 'warning' : undefined}
            help={misfit ? t('ritual.exampleMisfit', { part: misfit.part }) : undefined}
          >
            <Input maxLength={100} placeholder={t('ritual.nicknameExamplePh')} data-testid="ritual-example" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name={S('consentRequired')} label={t('ritual.consentRequired')} valuePropName="checked" extra={t('ritual.consentHelp')}>
        <Switch data-testid="ritual-consent" />
      </Form.Item>
    </>
  );
}

function CapacityFields({ inSet }: { inSet: boolean }) {
  const { t } = useTranslation();
  return (
    <>
      {!inSet && <Alert type="warning" showIcon title={t('rules.capacityNoSet')} style={{ marginBottom: 12 }} />}
      <Form.Item name={S('thresholdPercent')} label={t('capacity.threshold')} extra={t('capacity.thresholdHelp')}>
        <InputNumber min={1} max={100} precision={0} suffix="%" style={{ width: 160 }} data-testid="capacity-threshold" />
      </Form.Item>
    </>
  );
}

function MuteFields() {
  const { t } = useTranslation();
  const { options } = useLabels();
  const allMuted = Form.useWatch(S('allMuted')) as boolean | undefined;
  const dayOptions = useMemo(() => [1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: d, label: <span data-testid={`mute-day-${d}`}>{t(`mute.day.${d}`)}</span> })), [t]);
  return (
    <>
      <Form.Item name={S('allMuted')} label={t('mute.allMuted')} valuePropName="checked" extra={t('mute.allMutedHelp')}>
        <Switch data-testid="mute-all" />
      </Form.Item>
      <Form.Item label={t('mute.windows')} extra={t('mute.windowsHelp')} style={{ opacity: allMuted ? 0.6 : 1 }}>
        <Form.List name={S('windows')}>
          {(fields, { add, remove }) => (
            <>
              {fields.map((f, i) => (
                <div key={f.key} style={{ display: 'flex', alignItems: 'flex-start', columnGap: 12, flexWrap: 'wrap' }} data-testid={`mute-window-${i}`}>
                  <Form.Item name={[f.name, 'days']} style={{ marginBottom: 8 }}>
                    <Checkbox.Group options={dayOptions} style={{ paddingTop: 5 }} />
                  </Form.Item>
                  {/* The hours and the delete button wrap together when the days take the line. */}
                  <div style={{ display: 'flex', alignItems: 'flex-start', gap: 6 }}>
                    <Form.Item name={[f.name, 'from']} style={{ marginBottom: 8, width: 84 }}>
                      <Input placeholder="22:00" maxLength={5} data-testid={`mute-from-${i}`} />
                    </Form.Item>
                    <span style={{ lineHeight: '32px' }}>–</span>
                    <Form.Item name={[f.name, 'to']} style={{ marginBottom: 8, width: 84 }}>
                      <Input placeholder="08:00" maxLength={5} data-testid={`mute-to-${i}`} />
                    </Form.Item>
                    <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('common.delete')} />
                  </div>
                </div>
              ))}
              {fields.length < 20 && (
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ days: [1, 2, 3, 4, 5, 6, 7], from: '22:00', to: '08:00' })} data-testid="mute-window-add">
                  {t('mute.addWindow')}
                </Button>
              )}
            </>
          )}
        </Form.List>
      </Form.Item>
      <Row gutter={12}>
        <Col span={10}>
          <Form.Item name={S('timezone')} label={t('mute.timezone')}>
            <AutoComplete options={TIMEZONES.map((z) => ({ value: z }))} data-testid="mute-timezone" />
          </Form.Item>
        </Col>
        <Col span={14}>
          <Form.Item name={S('exemptRoles')} label={t('mute.exemptRoles')} extra={t('mute.exemptRolesHelp')}>
            <Select mode="multiple" options={options(enums.membershipRole)} data-testid="mute-exempt" />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}

