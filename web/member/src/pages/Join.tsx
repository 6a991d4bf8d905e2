// Joining from an invite link or its QR code: the group the invite leads to now (a full group sends
// the newcomer to the next one of its set), the entry mode's form, the rules and the data-use notice to
// accept, then the ritual: the member number, the welcome message and the nickname in the group's format.
import { Alert, Button, Card, Checkbox, Form, Input, Result, Skeleton, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type JoinResult, type JoinView, type Me } from '../api';
import { navigate } from '../router';
import { NicknameStep } from './Nickname';

const yuan = (fen: number) => (fen / 100).toFixed(2);

export function Join({ code }: { code: string }) {
  const { t } = useTranslation();
  const view = useQuery({ queryKey: ['join', code], queryFn: () => api<JoinView>('GET', `/public/join/${encodeURIComponent(code)}`) });
  const [result, setResult] = useState<JoinResult | null>(null);

  if (view.isPending) return <div className="page"><Skeleton active /></div>;
  if (view.isError) {
    const e = view.error;
    const full = e instanceof ApiError && e.status === 409;
    return (
      <Result
        status={full ? 'warning' : '404'}
        title={full ? t('join.fullTitle') : t('join.notFoundTitle')}
        subTitle={full ? e.message : t('join.notFound')}
        data-testid="join-error"
      />
    );
  }
  const v = view.data;
  if (result?.status === 'joined') return <Ritual result={result} />;
  if (result?.status === 'pending' || v.pendingRequestId) return <Waiting code={code} mode={v.mode} groupName={result?.groupName ?? v.group.name} />;
  if (v.alreadyMember) {
    return (
      <Result status="success" title={t('join.already', { group: v.group.name })}
        extra={<Button type="primary" onClick={() => navigate(`/g/${v.group.id}`)} data-testid="open-chat">{t('join.openChat')}</Button>} />
    );
  }
  return <JoinForm view={v} code={code} onResult={setResult} />;
}

function JoinForm({ view: v, code, onResult }: { view: JoinView; code: string; onResult: (r: JoinResult) => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const ritual = v.ritual;
  const needsRules = !!ritual?.consentRequired && !!ritual.rulesText;
  const needsConsent = !!ritual?.consentRequired;
  const ref = new URLSearchParams(location.search).get('ref') ?? undefined;

  const submit = async (values: { name: string; code?: string; answers?: string[]; rulesAccepted?: boolean; consentAccepted?: boolean }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api<JoinResult>('POST', `/public/join/${encodeURIComponent(code)}`, {
        name: values.name.trim(),
        ...(v.mode === 'code' ? { code: values.code?.trim() } : {}),
        ...(v.mode === 'application' ? { answers: (values.answers ?? []).map((a) => a ?? '') } : {}),
        rulesAccepted: needsRules ? !!values.rulesAccepted : true,
        consentAccepted: needsConsent ? !!values.consentAccepted : true,
        ...(ref ? { ref } : {}),
      });
      onResult(r);
    } catch (e) {
      if (e instanceof ApiError && e.problem.errors?.length) {
        form.setFields(e.problem.errors.map((x) => {
          const m = /^(?:body\.)?answers\.(\d+)$/.exec(x.field);
          return { name: m ? ['answers', Number(m[1])] : x.field.replace(/^body\./, ''), errors: [x.reason] };
        }));
      }
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <div className="hero">
        <h1 data-testid="join-group-name">{v.group.name}</h1>
        <p>{v.groupSet ? `${v.groupSet.name} · ` : ''}{v.modeText}</p>
      </div>
      <div className="page">
        {v.mode === 'paid' && v.priceFen !== null && <Alert type="info" showIcon title={t('join.paid', { price: yuan(v.priceFen) })} />}
        {v.mode === 'task' && v.task && <Alert type="info" showIcon title={t('join.task')} description={v.task} />}
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false} data-testid="join-form">
          <Form.Item name="name" label={t('join.name')} rules={[{ required: true, whitespace: true, message: t('join.nameRequired') }]}>
            <Input maxLength={50} data-testid="join-name" autoComplete="nickname" />
          </Form.Item>
          {v.mode === 'code' && (
            <Form.Item name="code" label={t('join.code')} rules={[{ required: true, message: t('join.codeRequired') }]}>
              <Input maxLength={64} data-testid="join-code" />
            </Form.Item>
          )}
          {v.mode === 'application' && v.questions.map((q, i) => (
            <Form.Item key={i} name={['answers', i]} label={q} rules={[{ required: true, whitespace: true, message: t('join.answerRequired') }]}>
              <Input.TextArea maxLength={1000} autoSize={{ minRows: 2 }} data-testid={`join-answer-${i}`} />
            </Form.Item>
          ))}
          {ritual?.rulesText && (
            <Card size="small" title={t('join.rules')} style={{ marginBottom: 12 }}>
              <div className="rules" data-testid="join-rules">{ritual.rulesText}</div>
            </Card>
          )}
          {needsRules && (
            <Form.Item name="rulesAccepted" valuePropName="checked" rules={[{ validator: (_r, val) => (val ? Promise.resolve() : Promise.reject(new Error(t('join.mustAcceptRules')))) }]}>
              <Checkbox data-testid="accept-rules">{t('join.acceptRules')}</Checkbox>
            </Form.Item>
          )}
          {ritual?.dataUseNotice && (
            <Card size="small" title={t('join.notice')} style={{ marginBottom: 12 }}>
              <div className="rules">{ritual.dataUseNotice}</div>
            </Card>
          )}
          {needsConsent && (
            <Form.Item name="consentAccepted" valuePropName="checked" rules={[{ validator: (_r, val) => (val ? Promise.resolve() : Promise.reject(new Error(t('join.mustConsent')))) }]}>
              <Checkbox data-testid="accept-consent">{t('join.consent')}</Checkbox>
            </Form.Item>
          )}
          {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="join-failed" />}
          <Button type="primary" htmlType="submit" size="large" block loading={busy} data-testid="join-submit">
            {v.mode === 'open' || v.mode === 'code' ? t('join.submitJoin') : t('join.submitApply')}
          </Button>
        </Form>
      </div>
    </>
  );
}

/** 仪式感: the number, the welcome message, then the nickname when the group has a format. */
function Ritual({ result }: { result: JoinResult }) {
  const { t } = useTranslation();
  const [needed, setNeeded] = useState(result.nicknameNeeded);
  return (
    <>
      <div className="hero">
        <h1>{t('ritual.title', { group: result.groupName })}</h1>
        <p>{t('ritual.sub')}</p>
      </div>
      <div className="page">
        <Typography.Text type="secondary" style={{ textAlign: 'center' }}>{t('ritual.yourNumber')}</Typography.Text>
        <div className="number-badge" data-testid="member-number">{result.number ?? '—'}</div>
        {result.welcome && <div className="welcome" data-testid="welcome">{result.welcome}</div>}
        {needed ? (
          <Card size="small" title={t('nickname.title')}>
            <NicknameStep groupId={result.groupId} format={needed} onDone={() => setNeeded(null)} />
          </Card>
        ) : (
          <Button type="primary" size="large" block onClick={() => navigate(`/g/${result.groupId}`)} data-testid="open-chat">{t('join.openChat')}</Button>
        )}
      </div>
    </>
  );
}

/** An application (or a task, or a payment) waits for an operator; the page notices the approval by itself. */
function Waiting({ code, mode, groupName }: { code: string; mode: JoinView['mode']; groupName: string }) {
  const { t } = useTranslation();
  // The device's session becomes the member's on approval (GET /me answers then); the approval may have
  // placed them in the next group of the set, so go to the group joined last.
  const me = useQuery({ queryKey: ['me', 'waiting', code], queryFn: () => api<Me>('GET', '/me'), refetchInterval: 3000, retry: false });
  // A device that was already a member elsewhere: wait for a group it was not in when the wait began.
  const before = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (!me.data) return;
    if (!before.current) {
      before.current = new Set(me.data.groups.map((g) => g.groupId));
      return;
    }
    const fresh = me.data.groups.filter((g) => !before.current!.has(g.groupId)).toSorted((a, b) => b.joinedAt.localeCompare(a.joinedAt))[0];
    if (fresh) navigate(`/g/${fresh.groupId}`, true);
  }, [me.data, me.isError]);
  useEffect(() => {
    // Not a member yet (401): every group that appears later is the approved one.
    if (me.isError && !before.current) before.current = new Set();
  }, [me.isError]);
  return (
    <Result status="info" title={t('waiting.title')} subTitle={t(`waiting.${mode}`, { group: groupName })} data-testid="join-pending"
      extra={<Typography.Text type="secondary">{t('waiting.auto')}</Typography.Text>} />
  );
}
