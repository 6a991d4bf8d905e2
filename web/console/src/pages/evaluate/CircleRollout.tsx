// 圈层推进 on 评估精进 › 结构 (a community picked): the five circles in the order they are reached, each a
// column with its members' figures (the evidence) and its four tasks to tick; the circle being worked on is
// marked. Planners, admins and owners (community.write) tick (with an optional note) and untick.
import { useState } from 'react';
import { App as AntApp, Badge, Button, Card, Checkbox, Col, Input, Row, Skeleton, Space, Tag, Tooltip, Typography, theme } from 'antd';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs from 'dayjs';
import { get, put, type CircleRollout as Rollout, type Me } from '../../api';
import { enums, useLabels } from '../../labels';
import { useFormat } from './format';

type Circle = Rollout['circles'][number];
type Task = Circle['tasks'][number];

export function CircleRollout({ me, communityId }: { me: Me; communityId: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const { label } = useLabels();
  const { token } = theme.useToken();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const canWrite = me.permissions.includes('community.write');
  const key = ['circle-rollout', communityId];
  const q = useQuery({ queryKey: key, queryFn: () => get<Rollout>(`/communities/${communityId}/circle-rollout`), staleTime: 60_000 });
  const [busy, setBusy] = useState<string | null>(null);
  const [noting, setNoting] = useState<string | null>(null);
  const r = q.data;

  const mark = async (c: Circle, task: Task, done: boolean, note?: string) => {
    setBusy(`${c.circle}|${task.task}`);
    try {
      qc.setQueryData(key, await put<Rollout>(`/communities/${communityId}/circle-rollout`, { circle: c.circle, task: task.task, done, ...(note ? { note } : {}) }));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card
      data-testid="circle-rollout"
      title={t('evaluate.rollout.title')}
      extra={r && <Typography.Text type="secondary" style={{ fontSize: 13 }}>{r.current ? t('evaluate.rollout.current', { circle: label(enums.memberCircle, r.current) }) : t('evaluate.rollout.allDone')}</Typography.Text>}
    >
      {!r ? <Skeleton active /> : (
        <>
          <Typography.Paragraph type="secondary" style={{ fontSize: 13, marginTop: -4 }}>
            {t('evaluate.rollout.hint')}{r.unassigned > 0 && ` ${t('evaluate.rollout.unassigned', { n: f.int(r.unassigned) })}`}
          </Typography.Paragraph>
          <Row gutter={[12, 12]} wrap>
            {r.circles.map((c, i) => {
              const current = c.circle === r.current;
              return (
                <Col key={c.circle} flex="1 1 200px">
                  <div
                    data-testid="rollout-circle"
                    data-circle={c.circle}
                    data-current={String(current)}
                    data-done={String(c.done)}
                    style={{
                      height: '100%', borderRadius: 8, padding: 12,
                      border: `1px solid ${current ? token.colorPrimary : token.colorBorderSecondary}`,
                      background: c.done ? token.colorSuccessBg : current ? token.colorPrimaryBg : undefined,
                    }}
                  >
                    <Space style={{ marginBottom: 8 }} align="center">
                      <Badge count={i + 1} color={c.done ? token.colorSuccess : current ? token.colorPrimary : token.colorTextQuaternary} />
                      <strong>{label(enums.memberCircle, c.circle)}</strong>
                      {current && <Tag color="processing" style={{ marginInlineEnd: 0 }}>{t('evaluate.rollout.now')}</Tag>}
                    </Space>
                    <div style={{ fontSize: 12, color: token.colorTextSecondary, marginBottom: 8, lineHeight: 1.7 }} data-testid="rollout-figures">
                      {t('evaluate.rollout.figures', { people: f.int(c.figures.people), active: f.pct(c.figures.activeRate, 0), buyers: f.pct(c.figures.buyerRate, 0), revenue: f.yuan(c.figures.revenueCents) })}
                    </div>
                    {c.tasks.map((task) => {
                      const id = `${c.circle}|${task.task}`;
                      const box = (
                        <Checkbox
                          checked={task.done}
                          disabled={!canWrite || busy === id}
                          // Ticking asks for an optional note first; unticking is at once.
                          onChange={(e) => (e.target.checked ? setNoting(id) : void mark(c, task, false))}
                          data-testid="rollout-task"
                          data-task={task.task}
                        >
                          {t(`evaluate.rollout.task.${task.task}`)}
                        </Checkbox>
                      );
                      return (
                        <div key={task.task} style={{ padding: '2px 0' }}>
                          {task.done ? (
                            <Tooltip title={t('evaluate.rollout.doneBy', { by: task.doneBy, at: dayjs(task.doneAt).format('YYYY-MM-DD'), note: task.note ? `：${task.note}` : '' })}>{box}</Tooltip>
                          ) : box}
                          {noting === id && <NoteInput onSave={(note) => { setNoting(null); void mark(c, task, true, note); }} onCancel={() => setNoting(null)} />}
                        </div>
                      );
                    })}
                  </div>
                </Col>
              );
            })}
          </Row>
        </>
      )}
    </Card>
  );
}

function NoteInput({ onSave, onCancel }: { onSave: (note: string) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [v, setV] = useState('');
  return (
    <div style={{ margin: '4px 0 6px 24px' }}>
      <Input.TextArea
        autoFocus autoSize={{ minRows: 1, maxRows: 3 }} maxLength={500} placeholder={t('evaluate.rollout.note')} value={v}
        onChange={(e) => setV(e.target.value)} onKeyDown={(e) => e.key === 'Escape' && onCancel()} data-testid="rollout-note"
      />
      <Space size={4} style={{ marginTop: 4 }}>
        <Button size="small" type="primary" onClick={() => onSave(v.trim())} data-testid="rollout-note-save">{t('evaluate.rollout.markDone')}</Button>
        <Button size="small" type="text" onClick={onCancel}>{t('common.cancel')}</Button>
      </Space>
    </div>
  );
}
