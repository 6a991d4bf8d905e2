import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Segmented, Typography } from 'antd';
import { LockOutlined, MailOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { ApiError, post, type Me } from '../api';
import { setLang, type Lang } from '../i18n';

export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const { t, i18n } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (v: { email: string; password: string }) => {
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await post<Me>('/auth/sign-in', v));
    } catch (e) {
      setError(e instanceof ApiError ? e.problem.detail : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: 'linear-gradient(135deg,#fff7e6,#fff1f0)' }}>
      <Card style={{ width: 380 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'baseline' }}>
          <Typography.Title level={3} style={{ marginTop: 0 }}>社群 Shequn</Typography.Title>
          <Segmented<Lang> size="small" value={i18n.language === 'en' ? 'en' : 'zh-CN'} options={[{ value: 'zh-CN', label: '中文' }, { value: 'en', label: 'EN' }]} onChange={setLang} />
        </div>
        <Typography.Paragraph type="secondary">{t('auth.welcome')}</Typography.Paragraph>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="signin-error" />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="email" label={t('auth.email')} rules={[{ required: true, type: 'email', message: t('auth.emailRequired') }]}>
            <Input prefix={<MailOutlined />} autoComplete="username" data-testid="signin-email" />
          </Form.Item>
          <Form.Item name="password" label={t('auth.password')} rules={[{ required: true, message: t('auth.passwordRequired') }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" data-testid="signin-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="signin-submit">{t('auth.signIn')}</Button>
        </Form>
      </Card>
    </div>
  );
}
