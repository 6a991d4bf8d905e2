// The elimination family (淘汰): 不活跃淘汰 (elimination.inactivity), a warning after N quiet days and removal
// after a grace period, and 核心群末位淘汰与晋升 (elimination.ranking), a weekly contribution ranking that
// removes the core group's bottom K and promotes the member groups' top K, and 生命周期收官 (elimination.sunset).
import { AutoComplete, Checkbox, Col, Divider, Form, Input, InputNumber, Radio, Row, Select, Space, Tag, Tooltip } from 'antd';
import { useTranslation } from 'react-i18next';
import { enums, useLabels } from '../../../labels';
import { useAllGroups } from '../../Groups';
import { MemberPicker } from '../MemberPicker';
import { HHMM, S, TIMEZONES, useDayOptions } from './common';
import type { FieldsProps, FormSettings } from '../types';

const COUNTS = ['message', 'reaction', 'checkin', 'attendance'] as const;
const INACTIVITY_VARS = ['nickname', 'days', 'grace'] as const;

export const INACTIVITY_DEFAULTS = {
  inactiveDays: 30, graceDays: 7, counts: [...COUNTS], exemptRoles: ['creator', 'manager', 'payer'], allowMembers: [],
  warnTemplate: '@{nickname} 你已经 {days} 天没有参与群里的互动了。{grace} 天内还没有发言或互动，将被移出本群，把位置留给更活跃的同好。',
};

export const inactivityFromForm = (v: FormSettings): Record<string, unknown> => ({
  inactiveDays: v.inactiveDays, graceDays: v.graceDays, counts: v.counts ?? [], exemptRoles: v.exemptRoles ?? [], allowMembers: v.allowMembers ?? [],
  warnTemplate: String(v.warnTemplate ?? '').trim(),
});

export function InactivityFields({ target }: FieldsProps) {
  const { t } = useTranslation();
  const { options } = useLabels();
  const form = Form.useFormInstance();
  const template = (Form.useWatch(S('warnTemplate')) as string | undefined) ?? '';
  return (
    <div data-testid="inactivity-fields">
      <Form.Item label={t('inactivity.when')}>
        <Space size={6} wrap>
          <Form.Item name={S('inactiveDays')} noStyle>
            <InputNumber size="small" min={1} max={365} precision={0} style={{ width: 64 }} data-testid="inactivity-days" />
          </Form.Item>
          <span>{t('inactivity.middle')}</span>
          <Form.Item name={S('graceDays')} noStyle>
            <InputNumber size="small" min={1} max={90} precision={0} style={{ width: 64 }} data-testid="inactivity-grace" />
          </Form.Item>
          <span>{t('inactivity.after')}</span>
        </Space>
      </Form.Item>
      <Form.Item name={S('counts')} label={t('inactivity.counts')}>
        <Checkbox.Group options={COUNTS.map((c) => ({ value: c, label: t(`inactivity.count.${c}`) }))} data-testid="inactivity-counts" />
      </Form.Item>
      <Form.Item
        name={S('warnTemplate')}
        label={t('inactivity.warn')}
        extra={
          <Space size={[4, 4]} wrap style={{ marginTop: 4 }}>
            <span>{t('ritual.variables')}</span>
            {INACTIVITY_VARS.map((x) => (
              <Tooltip key={x} title={t(`inactivity.var.${x}`)}>
                <Tag style={{ cursor: 'pointer', fontFamily: 'monospace' }} onClick={() => form.setFieldValue(S('warnTemplate'), `${template}{${x}}`)}>{`{${x}}`}</Tag>
              </Tooltip>
            ))}
          </Space>
        }
      >
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={500} data-testid="inactivity-warn" />
      </Form.Item>
      <Row gutter={12}>
        <Col span={10}>
          <Form.Item name={S('exemptRoles')} label={t('moderation.exemptRoles')}>
            <Select mode="multiple" options={options(enums.membershipRole)} data-testid="inactivity-exempt" />
          </Form.Item>
        </Col>
        <Col span={14}>
          <Form.Item name={S('allowMembers')} label={t('moderation.allowMembers')} extra={t('inactivity.allowHelp')}>
            <MemberPicker multiple groupId={target.group?.id ?? null} testId="inactivity-allow" />
          </Form.Item>
        </Col>
      </Row>
    </div>
  );
}

const WEIGHTS = ['messages', 'replies', 'highlights', 'sharing', 'attendance'] as const;

export const RANKING_DEFAULTS = {
  days: [7], at: '21:00', timezone: 'Asia/Shanghai', windowDays: 30, weights: { messages: 1, replies: 2, highlights: 5, sharing: 10, attendance: 3 },
  bottomK: 3, promoteK: 3, fromGroupIds: [], exemptRoles: ['creator', 'manager'],
};

export const rankingToForm = (s: Record<string, unknown>): FormSettings => ({
  ...RANKING_DEFAULTS, ...s, weights: { ...RANKING_DEFAULTS.weights, ...((s.weights as Record<string, number> | undefined) ?? {}) },
});

export const rankingFromForm = (v: FormSettings): Record<string, unknown> => ({
  days: [...((v.days as number[] | undefined) ?? [])].sort(), at: String(v.at ?? '').trim(), timezone: String(v.timezone ?? '').trim() || 'Asia/Shanghai',
  windowDays: v.windowDays, weights: v.weights, bottomK: v.bottomK, promoteK: v.promoteK, fromGroupIds: v.fromGroupIds ?? [], exemptRoles: v.exemptRoles ?? [],
});

export function RankingFields({ target }: FieldsProps) {
  const { t } = useTranslation();
  const { options } = useLabels();
  const groups = useAllGroups();
  const dayOptions = useDayOptions('ranking-day');
  const others = (groups.data?.items ?? []).filter((g) => g.id !== target.group?.id);
  return (
    <div data-testid="ranking-fields">
      <Form.Item name={S('days')} label={t('ranking.days')} style={{ marginBottom: 8 }}>
        <Checkbox.Group options={dayOptions} />
      </Form.Item>
      <Row gutter={12}>
        <Col span={6}>
          <Form.Item name={S('at')} label={t('ranking.at')} rules={[{ pattern: HHMM, message: t('sharing.atInvalid') }]}>
            <Input placeholder="21:00" maxLength={5} data-testid="ranking-at" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={S('timezone')} label={t('mute.timezone')}>
            <AutoComplete options={TIMEZONES.map((z) => ({ value: z }))} />
          </Form.Item>
        </Col>
        <Col span={5}>
          <Form.Item name={S('bottomK')} label={t('ranking.bottomK')}>
            <InputNumber min={0} max={1000} precision={0} style={{ width: '100%' }} data-testid="ranking-bottom" />
          </Form.Item>
        </Col>
        <Col span={5}>
          <Form.Item name={S('promoteK')} label={t('ranking.promoteK')}>
            <InputNumber min={0} max={1000} precision={0} style={{ width: '100%' }} data-testid="ranking-promote" />
          </Form.Item>
        </Col>
      </Row>
      <Divider titlePlacement="start" plain style={{ marginTop: 0 }}>{t('ranking.score')}</Divider>
      <Form.Item label={t('ranking.window')} style={{ marginBottom: 8 }}>
        <Space size={6}>
          <Form.Item name={S('windowDays')} noStyle>
            <InputNumber size="small" min={1} max={365} precision={0} style={{ width: 72 }} data-testid="ranking-window" />
          </Form.Item>
          <span>{t('moderation.days')}</span>
        </Space>
      </Form.Item>
      <div style={{ display: 'flex', flexWrap: 'wrap', gap: '4px 16px', marginBottom: 12 }}>
        {WEIGHTS.map((w) => (
          <Space key={w} size={4}>
            <span>{t(`ranking.weight.${w}`)} ×</span>
            <Form.Item name={S('weights', w)} noStyle>
              <InputNumber size="small" min={0} max={100} step={0.5} style={{ width: 64 }} data-testid={`ranking-weight-${w}`} />
            </Form.Item>
          </Space>
        ))}
      </div>
      <Row gutter={12}>
        <Col span={14}>
          <Form.Item name={S('fromGroupIds')} label={t('ranking.from')} extra={t('ranking.fromHelp')}>
            <Select mode="multiple" showSearch={{ optionFilterProp: 'label' }} options={others.map((g) => ({ value: g.id, label: g.name }))} data-testid="ranking-from" />
          </Form.Item>
        </Col>
        <Col span={10}>
          <Form.Item name={S('exemptRoles')} label={t('moderation.exemptRoles')}>
            <Select mode="multiple" options={options(enums.membershipRole)} />
          </Form.Item>
        </Col>
      </Row>
    </div>
  );
}

export const SUNSET_DEFAULTS = { action: 'announce', successorGroupId: null, daysBefore: 0, text: '感谢大家一路相伴！本群按计划到了收官的时候。{next}' };

export const sunsetFromForm = (v: FormSettings): Record<string, unknown> => ({
  action: v.action, successorGroupId: v.action === 'move' ? (v.successorGroupId ?? null) : null, daysBefore: v.daysBefore ?? 0, text: String(v.text ?? '').trim(),
});

/** 生命周期收官 (elimination.sunset): at the end of the community's planned lifecycle, tell the group, archive it, or move its members on. */
export function SunsetFields({ target }: FieldsProps) {
  const { t } = useTranslation();
  const groups = useAllGroups();
  const action = Form.useWatch(S('action')) as string | undefined;
  const successors = (groups.data?.items ?? []).filter((g) => g.platform === 'builtin' && g.id !== target.group?.id && g.status !== 'archived');
  return (
    <div data-testid="sunset-fields">
      <Form.Item name={S('action')} label={t('sunset.action')}>
        <Radio.Group optionType="button" buttonStyle="solid">
          {(['announce', 'archive', 'move'] as const).map((a) => (
            <Radio.Button key={a} value={a}><span data-testid={`sunset-${a}`}>{t(`sunset.actions.${a}`)}</span></Radio.Button>
          ))}
        </Radio.Group>
      </Form.Item>
      {action === 'move' && (
        <Form.Item name={S('successorGroupId')} label={t('sunset.successor')} extra={t('sunset.successorHelp')}>
          <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={successors.map((g) => ({ value: g.id, label: g.name }))} data-testid="sunset-successor" />
        </Form.Item>
      )}
      <Form.Item label={t('sunset.when')} extra={t('sunset.whenHelp')}>
        <Space size={6}>
          {t('sunset.before') && <span>{t('sunset.before')}</span>}
          <Form.Item name={S('daysBefore')} noStyle>
            <InputNumber size="small" min={0} max={365} precision={0} style={{ width: 72 }} data-testid="sunset-days" />
          </Form.Item>
          <span>{t('sunset.after')}</span>
        </Space>
      </Form.Item>
      <Form.Item name={S('text')} label={t('sunset.text')} extra={t('sunset.textHelp')}>
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 6 }} maxLength={1000} data-testid="sunset-text" />
      </Form.Item>
    </div>
  );
}
