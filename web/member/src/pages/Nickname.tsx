// The ritual's nickname step: the group's format with its example, checked as the member types (the
// same check as the server's), and the server's answer naming the part that does not fit.
import { Alert, Button, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { checkNickname, parsePattern } from '../../../../src/modules/joining/ritual.ts';
import { ApiError, api, type ChatGroup, type NicknameFormat } from '../api';

/** What the example puts in each named part (上海-金融-张三 → city: 上海, industry: 金融, name: 张三). */
function exampleParts(pattern: string, example: string): Map<string, string> {
  const out = new Map<string, string>();
  const tokens = parsePattern(pattern);
  let rest = example;
  tokens.forEach((tok, i) => {
    if ('literal' in tok) {
      rest = rest.startsWith(tok.literal) ? rest.slice(tok.literal.length) : rest;
      return;
    }
    const next = tokens[i + 1];
    const at = next && 'literal' in next ? rest.indexOf(next.literal) : -1;
    const value = at < 0 ? rest : rest.slice(0, at);
    out.set(tok.part, value);
    rest = rest.slice(value.length);
  });
  return out;
}

export function NicknameStep({ groupId, format, onDone }: { groupId: string; format: NicknameFormat; onDone: (g: ChatGroup) => void }) {
  const { t } = useTranslation();
  const [value, setValue] = useState('');
  const [serverError, setServerError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const local = value.trim() ? checkNickname(format.pattern, value.trim()) : null;
  const sample = exampleParts(format.pattern, format.example);
  const localText = local
    ? local.part === 'end'
      ? t('nickname.tooLong')
      : sample.get(local.part)
        ? t('nickname.partWithExample', { part: local.part, example: sample.get(local.part) })
        : t('nickname.part', { part: local.part })
    : undefined;

  const save = async () => {
    setSaving(true);
    setServerError(null);
    try {
      onDone(await api<ChatGroup>('PUT', `/me/groups/${encodeURIComponent(groupId)}/nickname`, { nickname: value.trim() }));
    } catch (e) {
      setServerError(e instanceof ApiError ? e.fieldReason('nickname') ?? e.message : String(e));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Form layout="vertical" onFinish={save} data-testid="nickname-step">
      <Typography.Paragraph>{t('nickname.explain')}</Typography.Paragraph>
      <Typography.Paragraph>
        {t('nickname.format')} <Typography.Text code>{format.pattern}</Typography.Text>
        {format.example && <> · {t('nickname.example')} <Typography.Text strong>{format.example}</Typography.Text></>}
      </Typography.Paragraph>
      <Form.Item
        label={t('nickname.label')}
        validateStatus={serverError || local ? 'error' : undefined}
        help={serverError ?? localText}
      >
        <Input data-testid="nickname-input" value={value} maxLength={60} placeholder={format.example || format.pattern} onChange={(e) => { setValue(e.target.value); setServerError(null); }} />
      </Form.Item>
      {serverError && <Alert type="error" showIcon title={t('nickname.rejected')} style={{ marginBottom: 12 }} />}
      <Button type="primary" htmlType="submit" block loading={saving} disabled={!value.trim()} data-testid="nickname-save">{t('nickname.save')}</Button>
    </Form>
  );
}
