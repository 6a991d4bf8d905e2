// The joining family's forms (入群): entry mode, entry ritual, rotation when full.
import { Alert, Button, Col, Form, Input, InputNumber, Radio, Row, Space, Switch, Tag, Tooltip, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { checkNickname, renderWelcome } from '../../../../../../src/modules/joining/ritual.ts';
import { S, blank } from './common';
import type { FieldsProps, FormSettings } from '../types';

const ENTRY_MODES = ['open', 'application', 'code', 'task', 'paid'] as const;
const WELCOME_VARS = ['nickname', 'number', 'group', 'rules', 'inviter'] as const;

export const entryToForm = (s: Record<string, unknown>): FormSettings => {
  const fen = typeof s.priceFen === 'number' ? s.priceFen : undefined;
  return { mode: s.mode ?? 'open', code: s.code ?? '', task: s.task ?? '', priceYuan: fen === undefined ? undefined : fen / 100, questions: Array.isArray(s.questions) ? s.questions : [] };
};

export function entryFromForm(v: FormSettings): Record<string, unknown> {
  // Only what the mode uses: a code left over from another mode would sit in the settings unseen.
  const mode = v.mode as string;
  const out: Record<string, unknown> = { mode };
  if (mode === 'code') out.code = blank(v.code);
  if (mode === 'task') out.task = blank(v.task);
  if (mode === 'paid') out.priceFen = typeof v.priceYuan === 'number' ? Math.round(v.priceYuan * 100) : undefined;
  if (mode === 'application') out.questions = ((v.questions as string[] | undefined) ?? []).map((q) => q ?? '').filter((q) => q.trim() !== '');
  return out;
}

export function EntryFields() {
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

export function RitualFields({ target }: FieldsProps) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const welcome = (Form.useWatch(S('welcomeTemplate')) as string | undefined) ?? '';
  const pattern = (Form.useWatch(S('nicknamePattern')) as string | undefined) ?? '';
  const example = (Form.useWatch(S('nicknameExample')) as string | undefined) ?? '';
  const remindOn = Form.useWatch(S('nicknameRemindOn')) as boolean | undefined;
  const misfit = pattern && example ? checkNickname(pattern, example) : null;
  const sample = renderWelcome(welcome, { nickname: t('ritual.sample.nickname'), number: '0042', group: target.name, rules: t('ritual.sample.rules'), inviter: t('ritual.sample.inviter') });
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
      <Form.Item name={S('iceBreaker')} label={t('ritual.iceBreaker')} extra={t('ritual.iceBreakerHelp')}>
        <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={500} placeholder={t('ritual.iceBreakerPh')} data-testid="ritual-ice" />
      </Form.Item>
      <Row gutter={12}>
        <Col span={8}>
          <Form.Item name={S('consentRequired')} label={t('ritual.consentRequired')} valuePropName="checked" extra={t('ritual.consentHelp')}>
            <Switch data-testid="ritual-consent" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item label={t('ritual.remind')} extra={t('ritual.remindHelp')}>
            <Space size={6}>
              <Form.Item name={S('nicknameRemindOn')} valuePropName="checked" noStyle>
                <Switch size="small" disabled={!pattern} data-testid="ritual-remind-on" />
              </Form.Item>
              <Form.Item name={S('nicknameRemindMinutes')} noStyle>
                <InputNumber size="small" min={1} max={10080} precision={0} style={{ width: 80 }} disabled={!pattern || !remindOn} data-testid="ritual-remind-minutes" />
              </Form.Item>
              <span>{t('moderation.minutes')}</span>
            </Space>
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={S('rewardPoints')} label={t('ritual.reward')} extra={t('ritual.rewardHelp')}>
            <InputNumber min={0} max={10000} precision={0} style={{ width: 120 }} disabled={!pattern} data-testid="ritual-reward" />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}

export const ritualToForm = (s: Record<string, unknown>): FormSettings => ({
  ...s, nicknameRemindOn: s.nicknameRemindMinutes !== null, nicknameRemindMinutes: s.nicknameRemindMinutes ?? 30,
});

export const ritualFromForm = (v: FormSettings): Record<string, unknown> => ({
  rulesText: v.rulesText ?? '', dataUseNotice: v.dataUseNotice ?? '', welcomeTemplate: v.welcomeTemplate ?? '', nicknamePattern: v.nicknamePattern ?? '',
  nicknameExample: v.nicknameExample ?? '', consentRequired: !!v.consentRequired, iceBreaker: v.iceBreaker ?? '',
  nicknameRemindMinutes: v.nicknameRemindOn ? (v.nicknameRemindMinutes ?? 30) : null, rewardPoints: v.rewardPoints ?? 0,
});

export const capacityToForm = (s: Record<string, unknown>): FormSettings => ({ ...s, growOn: s.growAtPercent != null, growAtPercent: s.growAtPercent ?? 90 });

export const capacityFromForm = (v: FormSettings) => ({ thresholdPercent: v.thresholdPercent, growAtPercent: v.growOn ? (v.growAtPercent ?? 90) : null });

export function CapacityFields({ target }: FieldsProps) {
  const { t } = useTranslation();
  // Rotation works through a group set's rotating invite: a lone group (or a community) has none of its own.
  const inSet = target.type === 'group_set' || (target.type === 'group' && !!target.group?.groupSetId);
  const growOn = Form.useWatch(S('growOn')) as boolean | undefined;
  return (
    <>
      {target.type === 'group' && !inSet && <Alert type="warning" showIcon title={t('rules.capacityNoSet')} style={{ marginBottom: 12 }} />}
      <Form.Item name={S('thresholdPercent')} label={t('capacity.threshold')} extra={t('capacity.thresholdHelp')}>
        <InputNumber min={1} max={100} precision={0} suffix="%" style={{ width: 160 }} data-testid="capacity-threshold" />
      </Form.Item>
      <Form.Item label={t('capacity.grow')} extra={t('capacity.growHelp')}>
        <Space size={6}>
          <Form.Item name={S('growOn')} valuePropName="checked" noStyle>
            <Switch size="small" data-testid="capacity-grow-on" />
          </Form.Item>
          <span>{t('capacity.growBefore')}</span>
          <Form.Item name={S('growAtPercent')} noStyle>
            <InputNumber size="small" min={1} max={100} precision={0} suffix="%" style={{ width: 90 }} disabled={!growOn} data-testid="capacity-grow" />
          </Form.Item>
          {t('capacity.growAfter') && <span>{t('capacity.growAfter')}</span>}
        </Space>
      </Form.Item>
    </>
  );
}
