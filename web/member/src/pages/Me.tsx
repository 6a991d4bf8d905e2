// The member's own page: points and badges, tasks with 完成, the profile with skills (what the directory
// shows), groups, language, sign-out.
import { ArrowLeftOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, List, Result, Select, Skeleton, Tag } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type Me } from '../api';
import { setLang } from '../i18n';
import { navigate } from '../router';
import { useMe } from '../session';
import { PointsCard, TaskList } from './Tasks';

export function MePage() {
  const { t, i18n } = useTranslation();
  const me = useMe();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const [form] = Form.useForm();
  if (me.isPending) return <div className="page"><Skeleton active /></div>;
  if (me.isError) return <Result status="info" title={t('home.stranger')} subTitle={t('home.strangerHint')} />;
  const m = me.data.member;

  const save = async (v: { displayName: string; city?: string; occupation?: string; skills?: string[] }) => {
    try {
      const next = await api<Me>('PATCH', '/me', { displayName: v.displayName, city: v.city || null, occupation: v.occupation || null, skills: v.skills ?? [] });
      qc.setQueryData(['me'], next);
      message.success(t('me.saved'));
    } catch (e) {
      if (e instanceof ApiError) form.setFields((e.problem.errors ?? []).map((x) => ({ name: x.field.replace(/^body\./, '').split('.')[0]!, errors: [x.reason] })));
      message.error(e instanceof Error ? e.message : String(e));
    }
  };
  const signOut = async () => {
    await api('POST', '/me/sign-out');
    qc.clear();
    navigate('/', true);
  };

  return (
    <>
      <div className="topbar">
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate('/')} aria-label={t('nav.home')} />
        <div className="title">{t('nav.me')}</div>
      </div>
      <div className="page">
        <PointsCard />
        <TaskList groups={me.data.groups} />
        <div className="section-title">{t('me.profile')}</div>
        <Form form={form} layout="vertical" initialValues={{ displayName: m.displayName, city: m.city ?? '', occupation: m.occupation ?? '', skills: m.skills }} onFinish={save} data-testid="profile-form">
          <Form.Item name="displayName" label={t('me.name')} rules={[{ required: true, whitespace: true }]}><Input maxLength={50} /></Form.Item>
          <Form.Item name="city" label={t('me.city')}><Input maxLength={50} /></Form.Item>
          <Form.Item name="occupation" label={t('me.occupation')}><Input maxLength={100} data-testid="profile-occupation" /></Form.Item>
          <Form.Item name="skills" label={t('me.skills')} extra={t('me.skillsHint')}>
            <Select mode="tags" maxCount={20} tokenSeparators={[',', '，', ' ']} open={false} data-testid="profile-skills" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block data-testid="profile-save">{t('me.save')}</Button>
        </Form>
        <List header={t('me.groups')} bordered dataSource={me.data.groups} rowKey="groupId"
          renderItem={(g) => (
            <List.Item onClick={() => navigate(`/g/${g.groupId}`)} style={{ cursor: 'pointer' }}>
              <span>{g.name}</span><Tag color="green">{g.number ?? '—'}</Tag>
            </List.Item>
          )} />
        <Button onClick={() => setLang(i18n.language === 'en' ? 'zh-CN' : 'en')}>{i18n.language === 'en' ? '中文' : 'English'}</Button>
        <Button danger onClick={() => void signOut()}>{t('me.signOut')}</Button>
      </div>
    </>
  );
}
