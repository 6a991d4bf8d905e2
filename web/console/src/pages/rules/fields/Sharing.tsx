// 定期分享 (sharing.session): a session on chosen weekdays, who speaks (a rotating roster, a guest, the
// leader), reminders, the mute lifted while it runs, and the speaker's summary task afterwards.
import { AutoComplete, Button, Checkbox, Col, Form, Input, InputNumber, Radio, Row, Select, Space, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { MemberPicker } from '../MemberPicker';
import { HHMM, S, TIMEZONES, useDayOptions } from './common';
import type { FieldsProps, FormSettings } from '../types';

export const SHARING_DEFAULTS = {
  title: '每周分享', days: [5], at: '20:00', durationMinutes: 90, timezone: 'Asia/Shanghai', speakers: { mode: 'leader' },
  remindMinutes: [1440, 60], liftMute: true, summaryDueHours: 48,
};

const REMIND_CHOICES = [5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080];

export function sharingToForm(s: Record<string, unknown>): FormSettings {
  const sp = (s.speakers ?? { mode: 'leader' }) as { mode: string; memberIds?: string[]; name?: string };
  return { ...SHARING_DEFAULTS, ...s, speakers: { mode: sp.mode, memberIds: sp.memberIds ?? [], name: sp.name ?? '' } };
}

export function sharingFromForm(v: FormSettings): Record<string, unknown> {
  const sp = (v.speakers ?? {}) as { mode?: string; memberIds?: string[]; name?: string };
  const speakers = sp.mode === 'roster' ? { mode: 'roster', memberIds: sp.memberIds ?? [] } : sp.mode === 'guest' ? { mode: 'guest', name: (sp.name ?? '').trim() } : { mode: 'leader' };
  return {
    title: String(v.title ?? '').trim(),
    days: [...((v.days as number[] | undefined) ?? [])].sort(),
    at: String(v.at ?? '').trim(),
    durationMinutes: v.durationMinutes,
    timezone: String(v.timezone ?? '').trim() || 'Asia/Shanghai',
    speakers,
    remindMinutes: [...((v.remindMinutes as number[] | undefined) ?? [])].sort((a, b) => b - a),
    liftMute: !!v.liftMute,
    summaryDueHours: v.summaryDueHours ?? 0,
  };
}

/** 90 → "1.5 小时", 1440 → "1 天", in the console's language. */
export function useMinutesLabel() {
  const { t } = useTranslation();
  return (m: number) => (m % 1440 === 0 ? t('sharing.nDays', { count: m / 1440 }) : m % 60 === 0 ? t('sharing.nHours', { count: m / 60 }) : t('sharing.nMinutes', { count: m }));
}

export function SharingFields({ target }: FieldsProps) {
  const { t } = useTranslation();
  const form = Form.useFormInstance();
  const mode = Form.useWatch(S('speakers', 'mode')) as string | undefined;
  const dayOptions = useDayOptions('sharing-day');
  const minutes = useMinutesLabel();
  return (
    <div data-testid="sharing-fields">
      <Row gutter={12}>
        <Col span={14}>
          <Form.Item name={S('title')} label={t('sharing.title')}>
            <Input maxLength={100} placeholder={t('sharing.titlePh')} data-testid="sharing-title" />
          </Form.Item>
        </Col>
        <Col span={10}>
          <Form.Item name={S('timezone')} label={t('mute.timezone')}>
            <AutoComplete options={TIMEZONES.map((z) => ({ value: z }))} data-testid="sharing-timezone" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item label={t('sharing.days')} required style={{ marginBottom: 8 }}>
        <Space wrap align="center">
          <Form.Item name={S('days')} noStyle>
            <Checkbox.Group options={dayOptions} />
          </Form.Item>
          <Button size="small" type="link" onClick={() => form.setFieldValue(S('days'), [1, 2, 3, 4, 5, 6, 7])} data-testid="sharing-days-all">{t('sharing.everyDay')}</Button>
        </Space>
      </Form.Item>
      <Row gutter={12}>
        <Col span={8}>
          <Form.Item name={S('at')} label={t('sharing.at')} rules={[{ pattern: HHMM, message: t('sharing.atInvalid') }]}>
            <Input placeholder="20:00" maxLength={5} data-testid="sharing-at" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={S('durationMinutes')} label={t('sharing.duration')}>
            <InputNumber min={10} max={600} precision={0} suffix={t('moderation.minutes')} style={{ width: '100%' }} data-testid="sharing-duration" />
          </Form.Item>
        </Col>
        <Col span={8}>
          <Form.Item name={S('summaryDueHours')} label={t('sharing.summaryDueHours')} tooltip={t('sharing.summaryHelp')}>
            <InputNumber min={0} max={720} precision={0} suffix={t('sharing.hours')} style={{ width: '100%' }} data-testid="sharing-summary-hours" />
          </Form.Item>
        </Col>
      </Row>
      <Form.Item name={S('speakers', 'mode')} label={t('sharing.speakers')} style={{ marginBottom: 8 }}>
        <Radio.Group optionType="button" buttonStyle="solid">
          {(['roster', 'guest', 'leader'] as const).map((m) => (
            <Radio.Button key={m} value={m}><span data-testid={`sharing-speakers-${m}`}>{t(`sharing.mode.${m}`)}</span></Radio.Button>
          ))}
        </Radio.Group>
      </Form.Item>
      {mode === 'roster' && (
        <Form.Item name={S('speakers', 'memberIds')} extra={t('sharing.rosterHelp')}>
          <MemberPicker multiple groupId={target.group?.id ?? null} testId="sharing-roster" placeholder={t('sharing.rosterPh')} />
        </Form.Item>
      )}
      {mode === 'guest' && (
        <Form.Item name={S('speakers', 'name')} extra={t('sharing.guestHelp')}>
          <Input maxLength={50} placeholder={t('sharing.guestPh')} style={{ maxWidth: 320 }} data-testid="sharing-guest" />
        </Form.Item>
      )}
      {mode === 'leader' && <Typography.Paragraph type="secondary">{t('sharing.leaderHelp')}</Typography.Paragraph>}
      <Row gutter={12}>
        <Col span={14}>
          <Form.Item name={S('remindMinutes')} label={t('sharing.remind')} extra={t('sharing.remindHelp')}>
            <Select mode="multiple" maxCount={5} options={REMIND_CHOICES.map((m) => ({ value: m, label: minutes(m) }))} data-testid="sharing-remind" />
          </Form.Item>
        </Col>
        <Col span={10}>
          <Form.Item name={S('liftMute')} label={t('sharing.liftMute')} valuePropName="checked" extra={t('sharing.liftMuteHelp')}>
            <Switch data-testid="sharing-lift-mute" />
          </Form.Item>
        </Col>
      </Row>
    </div>
  );
}
