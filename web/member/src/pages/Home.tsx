// The member's groups (a dot on 我的 when a task is open) and the way to the live replays, or how to get in
// when this device is not a member yet.
import { Badge, Button, List, Result, Skeleton, Tag, Typography } from 'antd';
import { PlayCircleOutlined, UserOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { navigate } from '../router';
import { useMe, useMyTasks } from '../session';

export function Home() {
  const { t } = useTranslation();
  const me = useMe();
  const tasks = useMyTasks(me.isSuccess);
  const open = (tasks.data ?? []).filter((x) => x.status === 'open').length;
  if (me.isPending) return <div className="page"><Skeleton active /></div>;
  if (me.isError) return <Result status="info" title={t('home.stranger')} subTitle={t('home.strangerHint')} data-testid="home-stranger" />;
  return (
    <>
      <div className="topbar">
        <div className="title">{t('home.title')}</div>
        {/* Open tasks (a summary to write) wait on the Me page: a dot says so. */}
        <Badge dot={open > 0} offset={[-8, 8]}>
          <Button type="text" icon={<UserOutlined />} onClick={() => navigate('/me')} aria-label={t('nav.me')} data-testid="open-me" />
        </Badge>
      </div>
      <div className="page">
        <Typography.Text type="secondary">{t('home.hello', { name: me.data.member.displayName })}</Typography.Text>
        <Button block icon={<PlayCircleOutlined />} onClick={() => navigate('/replays')} data-testid="open-replays">{t('replays.title')}</Button>
        <List
          bordered
          dataSource={me.data.groups}
          rowKey="groupId"
          locale={{ emptyText: t('home.noGroups') }}
          renderItem={(g) => (
            <List.Item onClick={() => navigate(`/g/${g.groupId}`)} style={{ cursor: 'pointer' }} data-testid="home-group">
              <List.Item.Meta title={g.name} description={g.nickname ?? ''} />
              <Tag color="green">{g.number ?? '—'}</Tag>
            </List.Item>
          )}
        />
      </div>
    </>
  );
}
