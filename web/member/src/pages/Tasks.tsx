// The member's points and badges, their tasks (a sharing session's summary, something the team asked)
// with a 完成 button, and, in a group's chat, a banner for the group's open tasks that leads to the Me page.
import { CheckOutlined, FileDoneOutlined, RightOutlined, TrophyOutlined } from '@ant-design/icons';
import { App, Button, Empty, Skeleton, Tag } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type MeGroup, type Task } from '../api';
import { navigate } from '../router';
import { useMyPoints, useMyTasks } from '../session';

export function PointsCard() {
  const { t } = useTranslation();
  const points = useMyPoints();
  if (points.isPending) return <Skeleton active paragraph={{ rows: 1 }} />;
  if (points.isError) return null;
  const p = points.data;
  return (
    <div className="points" data-testid="my-points">
      <div className="points-head">
        <TrophyOutlined />
        <span>{t('points.mine')}</span>
        <b data-testid="my-points-total">{p.total}</b>
      </div>
      <div className="badges" data-testid="my-badges">
        {p.badges.length ? p.badges.map((b) => <span key={b.badge} className="badge" title={b.reason}>🏅 {b.badge}</span>) : <span className="none">{t('points.noBadges')}</span>}
      </div>
      {p.entries[0] && <div className="latest">{t('points.latest', { points: p.entries[0].points > 0 ? `+${p.entries[0].points}` : p.entries[0].points, reason: p.entries[0].reason })}</div>}
    </div>
  );
}

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit' });

export function TaskList({ groups }: { groups: MeGroup[] }) {
  const { t } = useTranslation();
  const tasks = useMyTasks();
  const qc = useQueryClient();
  const { message } = App.useApp();
  const done = useMutation({
    mutationFn: (id: string) => api<Task>('POST', `/me/tasks/${encodeURIComponent(id)}/done`),
    onSuccess: () => void message.success(t('tasks.doneSaved')),
    onError: (e) => void message.error(e instanceof ApiError ? e.message : String(e)),
    onSettled: () => qc.invalidateQueries({ queryKey: ['my-tasks'] }),
  });
  const groupName = (id: string | null) => (id ? groups.find((g) => g.groupId === id)?.name ?? null : null);
  if (tasks.isPending) return <Skeleton active paragraph={{ rows: 2 }} />;
  const items = tasks.data ?? [];
  return (
    <section data-testid="my-tasks">
      <div className="section-title">{t('tasks.title')}</div>
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('tasks.none')} />
      ) : items.map((x) => {
        const late = x.status === 'open' && x.dueAt !== null && Date.parse(x.dueAt) < Date.now();
        const g = groupName(x.groupId);
        return (
          <div key={x.id} className={`task${x.status === 'open' ? '' : ' finished'}`} data-testid="my-task" data-status={x.status}>
            <div className="task-main">
              <div className="task-title" data-testid="my-task-title">{x.title}</div>
              {x.detail && <div className="task-detail">{x.detail}</div>}
              <div className="task-meta">
                {g && <span>{g}</span>}
                {x.dueAt && <span className={late ? 'late' : undefined}>{t('tasks.due', { when: when(x.dueAt) })}</span>}
              </div>
            </div>
            {x.status === 'open' ? (
              <Button type="primary" size="small" icon={<CheckOutlined />} loading={done.isPending && done.variables === x.id}
                onClick={() => done.mutate(x.id)} data-testid={`my-task-done-${x.id}`}>
                {t('tasks.done')}
              </Button>
            ) : (
              <Tag color={x.status === 'confirmed' ? 'green' : 'gold'} bordered={false} style={{ marginInlineEnd: 0 }} data-testid="my-task-status">{t(`tasks.status.${x.status}`)}</Tag>
            )}
          </div>
        );
      })}
    </section>
  );
}

/** The group's open tasks, above the chat: one line, a tap away from the Me page. */
export function TaskBanner({ groupId }: { groupId: string }) {
  const { t } = useTranslation();
  const tasks = useMyTasks();
  const open = (tasks.data ?? []).filter((x) => x.groupId === groupId && x.status === 'open');
  if (!open.length) return null;
  return (
    <button type="button" className="task-banner" onClick={() => navigate('/me')} data-testid="task-banner">
      <FileDoneOutlined />
      <span className="text">{open.length === 1 ? t('tasks.bannerOne', { title: open[0]!.title }) : t('tasks.bannerMany', { count: open.length })}</span>
      <span className="go">{t('tasks.open')}<RightOutlined /></span>
    </button>
  );
}
