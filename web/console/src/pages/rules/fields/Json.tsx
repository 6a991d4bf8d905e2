// A rule type this console has no form for yet (the server is newer): its settings as JSON, checked by the server.
import { Alert, Form, Input } from 'antd';
import { useTranslation } from 'react-i18next';
import { S } from './common';
import type { FormSettings } from '../types';

export const jsonToForm = (s: Record<string, unknown>): FormSettings => ({ json: JSON.stringify(s, null, 2) });

export function jsonFromForm(v: FormSettings): Record<string, unknown> {
  const parsed = JSON.parse(String(v.json ?? '{}')) as unknown;
  return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
}

export function JsonFields() {
  const { t } = useTranslation();
  return (
    <>
      <Alert type="info" showIcon title={t('ruleJson.note')} style={{ marginBottom: 12 }} />
      <Form.Item
        name={S('json')}
        label={t('ruleJson.label')}
        rules={[{
          validator: async (_, value: string) => {
            const v = JSON.parse(value || '{}') as unknown;
            if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error(t('ruleJson.object'));
          },
          message: t('ruleJson.invalid'),
        }]}
      >
        <Input.TextArea autoSize={{ minRows: 8, maxRows: 24 }} style={{ fontFamily: 'monospace', fontSize: 12 }} data-testid="rule-json" />
      </Form.Item>
    </>
  );
}
