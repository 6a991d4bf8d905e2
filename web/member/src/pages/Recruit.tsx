// 群主招募 (public, no member session needed): a group owner reads what the live session is and when,
// how their group comes in (on Telegram: add the session's bot, make it an admin, give the group's id or
// link), and applies; the team reviews the application and gets in touch.
import { Alert, Button, Form, Input, InputNumber, Result, Select, Skeleton, Tag } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, applicationPlatforms, type ApplicationPlatform, type LiveApplication, type LiveApplicationInput, type PublicLiveSession } from '../api';
import { replayWhen } from './Replays';

const STATUS_COLOR = { scheduled: 'blue', live: 'green', paused: 'orange', ended: 'default' } as const;

interface Values {
  platform: ApplicationPlatform;
  groupName?: string;
  groupRef?: string;
  applicant?: string;
  contact?: string;
  members?: number | null;
  note?: string;
}

export function Recruit({ id }: { id: string }) {
  const { t, i18n } = useTranslation();
  const session = useQuery({ queryKey: ['recruit', id], queryFn: () => api<PublicLiveSession>('GET', `/public/live-sessions/${encodeURIComponent(id)}`) });
  const [done, setDone] = useState<LiveApplication | null>(null);

  if (session.isPending) return <div className="page"><Skeleton active /></div>;
  if (session.isError) return <Result status="404" title={t('recruit.missing')} subTitle={t('recruit.missingHint')} data-testid="recruit-missing" />;
  const s = session.data;
  if (done) {
    return (
      <Result status="success" title={t('recruit.sent')} subTitle={t('recruit.sentHint', { group: done.groupName, title: s.title })} data-testid="recruit-done" />
    );
  }
  return (
    <>
      <div className="hero">
        <h1 data-testid="recruit-title">{s.title}</h1>
        <p>{s.community} · {t('recruit.kicker')}</p>
      </div>
      <div className="page">
        <div className="recruit-when">
          <Tag color={STATUS_COLOR[s.status]} bordered={false} data-testid="recruit-status">{t(`recruit.status.${s.status}`)}</Tag>
          <span data-testid="recruit-schedule">{s.scheduledAt ? replayWhen(s.scheduledAt, i18n.language) : t('recruit.unscheduled')}</span>
        </div>
        {s.description && <div className="rules recruit-description" data-testid="recruit-description">{s.description}</div>}
        {s.status === 'ended'
          ? <Alert type="warning" showIcon title={t('recruit.ended')} data-testid="recruit-ended" />
          : <ApplyForm session={s} onDone={setDone} />}
      </div>
    </>
  );
}

function ApplyForm({ session: s, onDone }: { session: PublicLiveSession; onDone: (a: LiveApplication) => void }) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<Values>();
  const platform = Form.useWatch('platform', form) ?? 'telegram';
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (v: Values) => {
    setBusy(true);
    setError(null);
    const body: LiveApplicationInput = {
      platform: v.platform, groupName: (v.groupName ?? '').trim(), applicant: (v.applicant ?? '').trim(), contact: (v.contact ?? '').trim(),
      ...(v.groupRef?.trim() ? { groupRef: v.groupRef.trim() } : {}),
      ...(typeof v.members === 'number' ? { members: v.members } : {}),
      ...(v.note?.trim() ? { note: v.note.trim() } : {}),
    };
    try {
      onDone(await api<LiveApplication>('POST', `/public/live-sessions/${encodeURIComponent(s.id)}/applications`, body));
    } catch (e) {
      const fields = new Set<string>(['platform', 'groupName', 'groupRef', 'applicant', 'contact', 'members', 'note']);
      // The server's reason under its field, in the page's words when there are some for that field.
      const named = e instanceof ApiError
        ? (e.problem.errors ?? []).map((x) => {
          const name = x.field.replace(/^body\./, '');
          return { name, errors: [i18n.exists(`recruit.invalid.${name}`) ? t(`recruit.invalid.${name}`) : x.reason] };
        }).filter((x) => fields.has(x.name))
        : [];
      if (named.length) form.setFields(named as Parameters<typeof form.setFields>[0]);
      else setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  const bots = s.telegramBots;
  return (
    <>
      <div className="recruit-how" data-testid="recruit-how">
        <div className="section-title">{t('recruit.howTitle')}</div>
        {platform === 'telegram' ? (
          <ol>
            <li>
              {bots.length ? t('recruit.tgAddBot') : t('recruit.tgNoBot')}
              {bots.map((b) => <code key={b} className="bot" data-testid="recruit-bot">{b}</code>)}
            </li>
            <li>{t('recruit.tgAdmin')}</li>
            <li>{t('recruit.tgRef')}</li>
            <li>{t('recruit.review')}</li>
          </ol>
        ) : (
          <ol>
            <li>{t('recruit.otherFill')}</li>
            <li>{t('recruit.otherContact')}</li>
            <li>{t('recruit.review')}</li>
          </ol>
        )}
      </div>
      <Form form={form} layout="vertical" onFinish={submit} initialValues={{ platform: 'telegram' }} requiredMark={false} data-testid="recruit-form"
        onValuesChange={() => setError(null)}>
        <Form.Item name="platform" label={t('recruit.platform')}>
          <Select options={applicationPlatforms.map((p) => ({ value: p, label: t(`recruit.platforms.${p}`) }))} data-testid="recruit-platform" />
        </Form.Item>
        <Form.Item name="groupName" label={t('recruit.groupName')} rules={[{ required: true, whitespace: true, message: t('recruit.groupNameRequired') }]}>
          <Input maxLength={100} data-testid="recruit-group-name" />
        </Form.Item>
        <Form.Item name="groupRef" label={platform === 'telegram' ? t('recruit.groupRefTelegram') : t('recruit.groupRef')}
          extra={platform === 'telegram' ? t('recruit.groupRefTelegramHint') : undefined}>
          <Input maxLength={200} data-testid="recruit-group-ref" placeholder={platform === 'telegram' ? '-1001234567890 / https://t.me/…' : undefined} />
        </Form.Item>
        <Form.Item name="applicant" label={t('recruit.applicant')} rules={[{ required: true, whitespace: true, message: t('recruit.applicantRequired') }]}>
          <Input maxLength={50} autoComplete="name" data-testid="recruit-applicant" />
        </Form.Item>
        <Form.Item name="contact" label={t('recruit.contact')} extra={t('recruit.contactHint')} rules={[{ required: true, whitespace: true, message: t('recruit.contactRequired') }]}>
          <Input maxLength={100} data-testid="recruit-contact" />
        </Form.Item>
        <Form.Item name="members" label={t('recruit.members')}>
          <InputNumber min={1} max={200000} precision={0} style={{ width: '100%' }} data-testid="recruit-members" />
        </Form.Item>
        <Form.Item name="note" label={t('recruit.note')}>
          <Input.TextArea maxLength={1000} autoSize={{ minRows: 2, maxRows: 5 }} data-testid="recruit-note" />
        </Form.Item>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} data-testid="recruit-failed" />}
        <Button type="primary" htmlType="submit" size="large" block loading={busy} data-testid="recruit-submit">{t('recruit.submit')}</Button>
      </Form>
    </>
  );
}
