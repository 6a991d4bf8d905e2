// The communication family's scheduled voices: 冷群提醒 (communication.quiet), a prepared topic when a group
// goes quiet against its own baseline, and 自动发布 (communication.post), a post on each join, every Nth
// member, or a weekly schedule.
import { AutoComplete, Button, Col, Checkbox, Form, Input, InputNumber, Radio, Row, Space, Tag, Tooltip } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { HHMM, S, TIMEZONES, cleanList, useDayOptions } from './common';
import type { FormSettings } from '../types';

export const QUIET_DEFAULTS = { baselineDays: 28, belowPercent: 30, minBaselinePerDay: 5, topics: [] };

export const quietFromForm = (v: FormSettings): Record<string, unknown> => ({
  baselineDays: v.baselineDays, belowPercent: v.belowPercent, minBaselinePerDay: v.minBaselinePerDay, topics: cleanList(v.topics),
});

export function QuietFields() {
  const { t } = useTranslation();
  return (
    <div data-testid="quiet-fields">
      <Form.Item label={t('quiet.when')} extra={t('quiet.whenHelp')}>
        <Space size={6} wrap>
          <span>{t('quiet.before')}</span>
          <Form.Item name={S('baselineDays')} noStyle>
            <InputNumber size="small" min={7} max={90} precision={0} style={{ width: 64 }} data-testid="quiet-baseline" />
          </Form.Item>
          <span>{t('quiet.middle')}</span>
          <Form.Item name={S('belowPercent')} noStyle>
            <InputNumber size="small" min={1} max={99} precision={0} suffix="%" style={{ width: 80 }} data-testid="quiet-below" />
          </Form.Item>
          {t('quiet.after') && <span>{t('quiet.after')}</span>}
        </Space>
      </Form.Item>
      <Form.Item name={S('minBaselinePerDay')} label={t('quiet.min')} extra={t('quiet.minHelp')}>
        <InputNumber min={0.5} max={10000} step={0.5} style={{ width: 120 }} data-testid="quiet-min" />
      </Form.Item>
      <Form.Item label={t('quiet.topics')} extra={t('quiet.topicsHelp')}>
        <Form.List name={S('topics')}>
          {(fields, { add, remove }) => (
            <>
              {fields.map((f, i) => (
                <div key={f.key} style={{ display: 'flex', gap: 6, alignItems: 'flex-start' }}>
                  <Form.Item name={f.name} style={{ flex: 1, marginBottom: 8 }}>
                    <Input.TextArea autoSize={{ minRows: 1, maxRows: 3 }} maxLength={500} placeholder={t('quiet.topicPh')} data-testid={`quiet-topic-${i}`} />
                  </Form.Item>
                  <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('common.delete')} />
                </div>
              ))}
              {fields.length < 50 && <Button type="dashed" icon={<PlusOutlined />} onClick={() => add('')} data-testid="quiet-topic-add">{t('quiet.addTopic')}</Button>}
            </>
          )}
        </Form.List>
      </Form.Item>
    </div>
  );
}

const POST_VARS = ['nickname', 'number', 'group', 'count'] as const;

export const POST_DEFAULTS = { trigger: { on: 'join' }, text: '欢迎 {nickname}！' };

export const postToForm = (s: Record<string, unknown>): FormSettings => {
  const tr = (s.trigger ?? { on: 'join' }) as { on: string; every?: number; days?: number[]; at?: string; timezone?: string };
  return { ...POST_DEFAULTS, ...s, trigger: { on: tr.on, every: tr.every ?? 100, days: tr.days ?? [1], at: tr.at ?? '09:00', timezone: tr.timezone ?? 'Asia/Shanghai' } };
};

export function postFromForm(v: FormSettings): Record<string, unknown> {
  const tr = (v.trigger ?? {}) as { on?: string; every?: number; days?: number[]; at?: string; timezone?: string };
  const trigger = tr.on === 'milestone' ? { on: 'milestone', every: tr.every }
    : tr.on === 'schedule' ? { on: 'schedule', days: [...(tr.days ?? [])].sort(), at: (tr.at ?? '').trim(), timezone: (tr.timezone ?? '').trim() || 'Asia/Shanghai' }
      : { on: 'join' };
  return { trigger, text: String(v.text ?? '').trim() };
}

export function PostFields() {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const on = Form.useWatch(S('trigger', 'on')) as string | undefined;
  const text = (Form.useWatch(S('text')) as string | undefined) ?? '';
  const dayOptions = useDayOptions('post-day');
  return (
    <div data-testid="post-fields">
      <Form.Item name={S('trigger', 'on')} label={t('post.on')}>
        <Radio.Group optionType="button" buttonStyle="solid">
          {(['join', 'milestone', 'schedule'] as const).map((o) => (
            <Radio.Button key={o} value={o}><span data-testid={`post-on-${o}`}>{t(`post.onOpt.${o}`)}</span></Radio.Button>
          ))}
        </Radio.Group>
      </Form.Item>
      {on === 'milestone' && (
        <Form.Item label={t('post.every')}>
          <Space size={6}>
            <span>{t('post.everyBefore')}</span>
            <Form.Item name={S('trigger', 'every')} noStyle>
              <InputNumber min={2} max={1_000_000} precision={0} style={{ width: 120 }} data-testid="post-every" />
            </Form.Item>
            <span>{t('post.everyAfter')}</span>
          </Space>
        </Form.Item>
      )}
      {on === 'schedule' && (
        <>
          <Form.Item name={S('trigger', 'days')} label={t('sharing.days')} style={{ marginBottom: 8 }}>
            <Checkbox.Group options={dayOptions} />
          </Form.Item>
          <Row gutter={12}>
            <Col span={8}>
              <Form.Item name={S('trigger', 'at')} label={t('post.at')} rules={[{ pattern: HHMM, message: t('sharing.atInvalid') }]}>
                <Input placeholder="09:00" maxLength={5} data-testid="post-at" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name={S('trigger', 'timezone')} label={t('mute.timezone')}>
                <AutoComplete options={TIMEZONES.map((z) => ({ value: z }))} />
              </Form.Item>
            </Col>
          </Row>
        </>
      )}
      <Form.Item
        name={S('text')}
        label={t('post.text')}
        extra={
          <Space size={[4, 4]} wrap style={{ marginTop: 4 }}>
            <span>{t('ritual.variables')}</span>
            {POST_VARS.map((x) => (
              <Tooltip key={x} title={t(`post.var.${x}`)}>
                <Tag style={{ cursor: 'pointer', fontFamily: 'monospace' }} onClick={() => form.setFieldValue(S('text'), `${text}{${x}}`)}>{`{${x}}`}</Tag>
              </Tooltip>
            ))}
          </Space>
        }
      >
        <Input.TextArea autoSize={{ minRows: 2, maxRows: 8 }} maxLength={2000} showCount data-testid="post-text" />
      </Form.Item>
    </div>
  );
}
