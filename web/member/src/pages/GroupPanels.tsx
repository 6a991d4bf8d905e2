// The group's side panels: members (numbers and roles) with the opt-in directory, and "more": the
// rules, open questions, the member's share poster, their own page and the language.
import { App, Button, Drawer, Empty, List, Segmented, Space, Switch, Tag, Typography } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, type ChatGroup, type DirectoryEntry, type Question, type RosterEntry } from '../api';
import { setLang } from '../i18n';
import { navigate } from '../router';
import { useRoleLabel } from '../session';
import { Poster } from './Poster';

export function MembersDrawer({ open, onClose, group: g, roster }: { open: boolean; onClose: () => void; group: ChatGroup; roster: Map<string, RosterEntry> | undefined }) {
  const { t } = useTranslation();
  const roleLabel = useRoleLabel();
  const qc = useQueryClient();
  const [tab, setTab] = useState<'members' | 'directory'>('members');
  const dir = useQuery({
    queryKey: ['directory', g.id],
    queryFn: async () => (await api<{ items: DirectoryEntry[] }>('GET', `/me/groups/${encodeURIComponent(g.id)}/directory`)).items,
    enabled: open && tab === 'directory',
  });
  const toggle = async (on: boolean) => {
    qc.setQueryData(['group', g.id], await api<ChatGroup>('PUT', `/me/groups/${encodeURIComponent(g.id)}/directory`, { inDirectory: on }));
    await qc.invalidateQueries({ queryKey: ['directory', g.id] });
  };
  return (
    <Drawer open={open} onClose={onClose} placement="bottom" size="80%" title={t('chat.membersTitle', { count: g.memberCount })} data-testid="members-drawer">
      <Segmented block value={tab} onChange={(v) => setTab(v as typeof tab)} options={[{ value: 'members', label: t('chat.members') }, { value: 'directory', label: t('chat.directory') }]} style={{ marginBottom: 12 }} />
      {tab === 'members' ? (
        <List
          dataSource={[...(roster?.values() ?? [])]}
          rowKey="memberId"
          renderItem={(r) => (
            <List.Item data-testid="roster-item">
              <Space wrap>
                <Tag color="green" bordered={false}>{r.number ?? '—'}</Tag>
                <Typography.Text>{r.nickname || r.displayName}</Typography.Text>
                {r.role !== 'participant' && <Tag color="gold" bordered={false}>{roleLabel(r.role)}</Tag>}
                {r.expert && <Tag color="blue" bordered={false}>{t('chat.expert')}</Tag>}
              </Space>
            </List.Item>
          )}
        />
      ) : (
        <>
          <Space style={{ marginBottom: 12 }}>
            <Switch checked={g.me.inDirectory} onChange={(v) => void toggle(v)} data-testid="directory-opt-in" />
            <Typography.Text>{t('chat.directoryOptIn')}</Typography.Text>
          </Space>
          <Typography.Paragraph type="secondary">{t('chat.directoryHint')}</Typography.Paragraph>
          {dir.data?.length === 0 ? <Empty description={t('chat.directoryEmpty')} /> : (
            <List
              dataSource={dir.data ?? []}
              rowKey="memberId"
              loading={dir.isPending}
              renderItem={(d) => (
                <List.Item data-testid="directory-item">
                  <List.Item.Meta
                    title={<Space wrap>{d.name}{d.number && <Tag bordered={false}>{d.number}</Tag>}{d.expert && <Tag color="blue" bordered={false}>{t('chat.expert')}</Tag>}</Space>}
                    description={<>{[d.city, d.occupation].filter(Boolean).join(' · ')}{d.skills.length > 0 && <div>{d.skills.map((s) => <Tag key={s}>{s}</Tag>)}</div>}</>}
                  />
                </List.Item>
              )}
            />
          )}
        </>
      )}
    </Drawer>
  );
}

export function GroupMore({ open, onClose, group: g }: { open: boolean; onClose: () => void; group: ChatGroup }) {
  const { t, i18n } = useTranslation();
  const { modal } = App.useApp();
  const qc = useQueryClient();
  const leave = () => modal.confirm({
    title: t('chat.leaveTitle', { group: g.name }),
    content: t('chat.leaveHint'),
    okText: t('chat.leave'),
    okButtonProps: { danger: true, ...{ 'data-testid': 'leave-confirm' } },
    onOk: async () => {
      await api('POST', `/me/groups/${encodeURIComponent(g.id)}/leave`);
      await qc.invalidateQueries({ queryKey: ['me'] });
      navigate('/', true);
    },
  });
  const [poster, setPoster] = useState(false);
  const questions = useQuery({
    queryKey: ['questions', g.id],
    queryFn: async () => (await api<{ items: Question[] }>('GET', `/me/groups/${encodeURIComponent(g.id)}/questions`, undefined, { query: { status: 'open' } })).items,
    enabled: open,
  });
  return (
    <Drawer open={open} onClose={onClose} placement="bottom" size="85%" title={g.name} data-testid="more-drawer">
      <Space direction="vertical" style={{ width: '100%' }} size="middle">
        <Space wrap>
          <Tag color="green">{t('chat.myNumber', { number: g.me.number ?? '—' })}</Tag>
          {g.me.nickname && <Tag>{g.me.nickname}</Tag>}
        </Space>
        <Space wrap>
          <Button type="primary" onClick={() => setPoster(true)} data-testid="open-poster">{t('poster.open')}</Button>
          <Button onClick={() => navigate('/me')} data-testid="open-me">{t('nav.me')}</Button>
          <Button onClick={() => setLang(i18n.language === 'en' ? 'zh-CN' : 'en')}>{i18n.language === 'en' ? '中文' : 'English'}</Button>
          <Button danger onClick={leave} data-testid="leave-group">{t('chat.leave')}</Button>
        </Space>
        {g.rulesText && (
          <div>
            <Typography.Title level={5}>{t('join.rules')}</Typography.Title>
            <div className="rules">{g.rulesText}</div>
          </div>
        )}
        <div>
          <Typography.Title level={5}>{t('chat.openQuestions')}</Typography.Title>
          {questions.data?.length === 0 ? <Typography.Text type="secondary">{t('chat.noQuestions')}</Typography.Text> : (
            <List size="small" dataSource={questions.data ?? []} rowKey="id" loading={questions.isPending}
              renderItem={(q) => <List.Item data-testid="question-item">❓ {q.text}</List.Item>} />
          )}
        </div>
      </Space>
      {poster && <Poster group={g} onClose={() => setPoster(false)} />}
    </Drawer>
  );
}
