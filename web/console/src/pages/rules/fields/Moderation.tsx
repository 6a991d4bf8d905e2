// 广告与刷屏治理 (communication.moderation): what counts as an ad or a flood, the ladder of steps a member's
// repeated violations take (警告 → 禁言 → 移出 → 拉黑), the warning's words, and who is never acted on.
import { Fragment } from 'react';
import { Button, Checkbox, Col, Divider, Form, Input, InputNumber, Row, Select, Space, Switch, Tag, Tooltip, Typography } from 'antd';
import { ArrowRightOutlined, CloseOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { enums, useLabels } from '../../../labels';
import { MemberPicker } from '../MemberPicker';
import { S, cleanList } from './common';
import type { FieldsProps, FormSettings } from '../types';

export const MODERATION_STEPS = ['warn', 'mute', 'remove', 'blacklist'] as const;
const WARN_VARS = ['nickname', 'reason', 'count'] as const;

export const MODERATION_DEFAULTS = {
  detect: { links: true, phoneNumbers: true, wechatIds: true, qrCodes: true, keywords: [], patterns: [], sameTextInGroups: 3 },
  newMemberLinkHours: 24,
  flood: { messages: 8, seconds: 60 },
  steps: ['warn', 'mute', 'remove'],
  muteMinutes: 60,
  windowDays: 30,
  exemptRoles: ['creator', 'manager'],
  allowMembers: [],
  warnTemplate: '@{nickname} 请注意：{reason}。这是第 {count} 次提醒，再犯将被禁言或移出本群。',
};

type Detect = typeof MODERATION_DEFAULTS.detect;

export function moderationToForm(s: Record<string, unknown>): FormSettings {
  const detect = { ...MODERATION_DEFAULTS.detect, ...((s.detect as Partial<Detect> | undefined) ?? {}) };
  const flood = s.flood as { messages: number; seconds: number } | null | undefined;
  return {
    ...MODERATION_DEFAULTS,
    ...s,
    detect: { ...detect, sameTextInGroups: detect.sameTextInGroups ?? 3 },
    sameTextOn: detect.sameTextInGroups != null,
    floodOn: flood !== null,
    flood: flood ?? MODERATION_DEFAULTS.flood,
  };
}

/** The settings exactly as the API takes them (the switches for the optional checks are the form's own). */
export function moderationFromForm(v: FormSettings): Record<string, unknown> {
  const d = (v.detect ?? {}) as Partial<Detect>;
  const flood = (v.flood ?? {}) as { messages?: number; seconds?: number };
  return {
    detect: {
      links: !!d.links, phoneNumbers: !!d.phoneNumbers, wechatIds: !!d.wechatIds, qrCodes: !!d.qrCodes, keywords: cleanList(d.keywords), patterns: cleanList(d.patterns),
      sameTextInGroups: v.sameTextOn ? (d.sameTextInGroups ?? 3) : null,
    },
    newMemberLinkHours: v.newMemberLinkHours ?? 0,
    flood: v.floodOn ? { messages: flood.messages, seconds: flood.seconds } : null,
    steps: ((v.steps as (string | undefined)[] | undefined) ?? []).filter(Boolean),
    muteMinutes: v.muteMinutes,
    windowDays: v.windowDays,
    exemptRoles: v.exemptRoles ?? [],
    allowMembers: v.allowMembers ?? [],
    warnTemplate: String(v.warnTemplate ?? '').trim(),
  };
}

const small = { marginBottom: 8 } as const;

export function ModerationFields({ target }: FieldsProps) {
  const { t } = useTranslation();
  const { options } = useLabels();
  const form = Form.useFormInstance();
  const links = Form.useWatch(S('detect', 'links')) as boolean | undefined;
  const sameTextOn = Form.useWatch(S('sameTextOn')) as boolean | undefined;
  const floodOn = Form.useWatch(S('floodOn')) as boolean | undefined;
  const steps = (Form.useWatch(S('steps')) as string[] | undefined) ?? [];
  const template = (Form.useWatch(S('warnTemplate')) as string | undefined) ?? '';
  const stepOptions = MODERATION_STEPS.map((s) => ({ value: s, label: t(`moderation.step.${s}`) }));
  const sample = template.replace(/\{(nickname|reason|count)\}/g, (_m, k: string) => (k === 'nickname' ? t('moderation.sample.nickname') : k === 'reason' ? t('moderation.sample.reason') : '1'));
  const insert = (v: string) => form.setFieldValue(S('warnTemplate'), `${template}{${v}}`);
  return (
    <div data-testid="moderation-fields">
      <Divider titlePlacement="start" plain style={{ marginTop: 0 }}>{t('moderation.detect')}</Divider>
      <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', columnGap: 20, rowGap: 4 }}>
        <Space size={6} align="center">
          <Form.Item name={S('detect', 'links')} valuePropName="checked" noStyle>
            <Checkbox data-testid="mod-links">{t('moderation.links')}</Checkbox>
          </Form.Item>
          <Typography.Text type="secondary" style={{ opacity: links ? 1 : 0.5 }}>{t('moderation.linkHoursBefore')}</Typography.Text>
          <Form.Item name={S('newMemberLinkHours')} noStyle>
            <InputNumber size="small" min={0} max={2160} precision={0} style={{ width: 72 }} disabled={!links} data-testid="mod-link-hours" />
          </Form.Item>
          <Typography.Text type="secondary" style={{ opacity: links ? 1 : 0.5 }}>{t('moderation.linkHoursAfter')}</Typography.Text>
        </Space>
        <Form.Item name={S('detect', 'phoneNumbers')} valuePropName="checked" noStyle>
          <Checkbox data-testid="mod-phones">{t('moderation.phones')}</Checkbox>
        </Form.Item>
        <Form.Item name={S('detect', 'wechatIds')} valuePropName="checked" noStyle>
          <Checkbox data-testid="mod-wechat">{t('moderation.wechat')}</Checkbox>
        </Form.Item>
        <Form.Item name={S('detect', 'qrCodes')} valuePropName="checked" noStyle>
          <Checkbox data-testid="mod-qr">{t('moderation.qrCodes')}</Checkbox>
        </Form.Item>
      </div>
      <Row gutter={12} style={{ marginTop: 12 }}>
        <Col span={12}>
          <Form.Item name={S('detect', 'keywords')} label={t('moderation.keywords')} extra={t('moderation.keywordsHelp')} style={small}>
            <Select mode="tags" open={false} tokenSeparators={[',', '，', '\n']} maxCount={200} placeholder={t('moderation.keywordsPh')} data-testid="mod-keywords" />
          </Form.Item>
        </Col>
        <Col span={12}>
          <Form.Item name={S('detect', 'patterns')} label={t('moderation.patterns')} extra={t('moderation.patternsHelp')} style={small}>
            <Select mode="tags" open={false} tokenSeparators={['\n']} maxCount={50} placeholder="返现|刷单" style={{ fontFamily: 'monospace' }} data-testid="mod-patterns" />
          </Form.Item>
        </Col>
      </Row>
      <div style={{ display: 'flex', flexWrap: 'wrap', columnGap: 24, rowGap: 8, marginTop: 8 }}>
        <Space size={6} align="center">
          <Form.Item name={S('sameTextOn')} valuePropName="checked" noStyle>
            <Switch size="small" data-testid="mod-same-on" />
          </Form.Item>
          <span>{t('moderation.sameTextBefore')}</span>
          <Form.Item name={S('detect', 'sameTextInGroups')} noStyle>
            <InputNumber size="small" min={2} max={100} precision={0} style={{ width: 64 }} disabled={!sameTextOn} data-testid="mod-same-groups" />
          </Form.Item>
          <span>{t('moderation.sameTextAfter')}</span>
        </Space>
        <Space size={6} align="center">
          <Form.Item name={S('floodOn')} valuePropName="checked" noStyle>
            <Switch size="small" data-testid="mod-flood-on" />
          </Form.Item>
          <span>{t('moderation.floodBefore')}</span>
          <Form.Item name={S('flood', 'seconds')} noStyle>
            <InputNumber size="small" min={5} max={3600} precision={0} style={{ width: 72 }} disabled={!floodOn} data-testid="mod-flood-seconds" />
          </Form.Item>
          <span>{t('moderation.floodMiddle')}</span>
          <Form.Item name={S('flood', 'messages')} noStyle>
            <InputNumber size="small" min={2} max={200} precision={0} style={{ width: 64 }} disabled={!floodOn} data-testid="mod-flood-messages" />
          </Form.Item>
          <span>{t('moderation.floodAfter')}</span>
        </Space>
      </div>

      <Divider titlePlacement="start" plain>{t('moderation.ladder')}</Divider>
      <Form.Item extra={t('moderation.ladderHelp')} style={small}>
        <Form.List name={S('steps')}>
          {(fields, { add, remove }) => (
            <div style={{ display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: 6 }} data-testid="mod-steps">
              {fields.map((f, i) => (
                <Fragment key={f.key}>
                  {i > 0 && <ArrowRightOutlined style={{ color: '#999' }} />}
                  <Space.Compact>
                    <Button disabled style={{ width: 30, paddingInline: 0 }}>{i + 1}</Button>
                    <Form.Item name={f.name} noStyle>
                      <Select options={stepOptions} style={{ width: 132 }} popupMatchSelectWidth={false} data-testid={`mod-step-${i}`} />
                    </Form.Item>
                    {fields.length > 1 && <Button icon={<CloseOutlined />} onClick={() => remove(f.name)} aria-label={t('common.delete')} data-testid={`mod-step-remove-${i}`} />}
                  </Space.Compact>
                </Fragment>
              ))}
              {fields.length < 6 && (
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add(nextStep(steps))} data-testid="mod-step-add">{t('moderation.addStep')}</Button>
              )}
            </div>
          )}
        </Form.List>
      </Form.Item>
      <Row gutter={12}>
        <Col span={8}>
          <Form.Item name={S('muteMinutes')} label={t('moderation.muteMinutes')} style={small}>
            <InputNumber min={1} max={43200} precision={0} suffix={t('moderation.minutes')} style={{ width: '100%' }} disabled={!steps.includes('mute')} data-testid="mod-mute-minutes" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={S('windowDays')} label={t('moderation.windowDays')} tooltip={t('moderation.windowDaysHelp')} style={small}>
            <InputNumber min={1} max={365} precision={0} suffix={t('moderation.days')} style={{ width: '100%' }} data-testid="mod-window-days" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item
        name={S('warnTemplate')}
        label={t('moderation.warnTemplate')}
        style={small}
        extra={
          <div style={{ marginTop: 4 }}>
            <Space size={[4, 4]} wrap>
              <span>{t('ritual.variables')}</span>
              {WARN_VARS.map((v) => (
                <Tooltip key={v} title={t(`moderation.var.${v}`)}>
                  <Tag style={{ cursor: 'pointer', fontFamily: 'monospace' }} onClick={() => insert(v)} data-testid={`mod-var-${v}`}>{`{${v}}`}</Tag>
                </Tooltip>
              ))}
            </Space>
            {template && <div data-testid="mod-warn-preview" style={{ marginTop: 4 }}>{t('ritual.welcomePreview')}{sample}</div>}
          </div>
        }
      >
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 4 }} maxLength={500} data-testid="mod-warn-template" />
      </Form.Item>

      <Divider titlePlacement="start" plain>{t('moderation.exempt')}</Divider>
      <Row gutter={12}>
        <Col span={10}>
          <Form.Item name={S('exemptRoles')} label={t('moderation.exemptRoles')} style={small}>
            <Select mode="multiple" options={options(enums.membershipRole)} data-testid="mod-exempt" />
          </Form.Item>
        </Col>
        <Col span={14}>
          <Form.Item name={S('allowMembers')} label={t('moderation.allowMembers')} extra={t('moderation.allowMembersHelp')} style={small}>
            <MemberPicker multiple groupId={target.group?.id ?? null} testId="mod-allow" />
          </Form.Item>
        </Col>
      </Row>
    </div>
  );
}

/** The step a new rung most likely takes: one harder than the last. */
function nextStep(steps: string[]): string {
  const last = MODERATION_STEPS.indexOf((steps[steps.length - 1] ?? 'warn') as (typeof MODERATION_STEPS)[number]);
  return MODERATION_STEPS[Math.min(MODERATION_STEPS.length - 1, last + 1)]!;
}
