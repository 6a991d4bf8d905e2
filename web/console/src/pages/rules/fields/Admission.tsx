// 谁能拉人 (admission.invite): who may bring people in with their own invite (share poster), how many each,
// and whether their newcomers wait for an operator's approval. The inviter is always recorded.
import { Form, InputNumber, Radio, Select, Space, Switch, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { enums, useLabels } from '../../../labels';
import { S } from './common';
import type { FormSettings } from '../types';

export const ADMISSION_DEFAULTS = { who: 'members', roles: [], perMemberLimit: null, approval: false };

export const admissionToForm = (s: Record<string, unknown>): FormSettings => ({
  ...ADMISSION_DEFAULTS, ...s, limitOn: s.perMemberLimit != null, perMemberLimit: s.perMemberLimit ?? 10,
});

export const admissionFromForm = (v: FormSettings): Record<string, unknown> => ({
  who: v.who, roles: v.who === 'roles' ? (v.roles ?? []) : [], perMemberLimit: v.limitOn ? (v.perMemberLimit ?? 10) : null, approval: !!v.approval,
});

export function AdmissionFields() {
  const { t } = useTranslation();
  const { options } = useLabels();
  const who = Form.useWatch(S('who')) as string | undefined;
  const limitOn = Form.useWatch(S('limitOn')) as boolean | undefined;
  return (
    <div data-testid="admission-fields">
      <Form.Item name={S('who')} label={t('admission.who')}>
        <Radio.Group optionType="button" buttonStyle="solid">
          {(['members', 'managers', 'roles'] as const).map((w) => (
            <Radio.Button key={w} value={w}><span data-testid={`admission-who-${w}`}>{t(`admission.whoOpt.${w}`)}</span></Radio.Button>
          ))}
        </Radio.Group>
      </Form.Item>
      {who === 'roles' && (
        <Form.Item name={S('roles')} label={t('admission.roles')}>
          <Select mode="multiple" options={options(enums.membershipRole)} data-testid="admission-roles" />
        </Form.Item>
      )}
      <Form.Item label={t('admission.limit')} extra={t('admission.limitHelp')}>
        <Space size={6}>
          <Form.Item name={S('limitOn')} valuePropName="checked" noStyle>
            <Switch size="small" data-testid="admission-limit-on" />
          </Form.Item>
          <span>{t('admission.limitBefore')}</span>
          <Form.Item name={S('perMemberLimit')} noStyle>
            <InputNumber size="small" min={1} max={10000} precision={0} style={{ width: 90 }} disabled={!limitOn} data-testid="admission-limit" />
          </Form.Item>
          <span>{t('admission.limitAfter')}</span>
        </Space>
      </Form.Item>
      <Form.Item name={S('approval')} label={t('admission.approval')} valuePropName="checked" extra={t('admission.approvalHelp')}>
        <Switch data-testid="admission-approval" />
      </Form.Item>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('admission.recorded')}</Typography.Text>
    </div>
  );
}
