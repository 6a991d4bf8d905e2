// 直播 › the question queue: questions from every target group (a member's message that starts with 问：),
// the same question asked again grouped under the first with how many asked it and where; an answer goes
// with the question to every group; a question can also be left unanswered.
import { useState } from 'react';
import { App, Button, Empty, Input, Segmented, Space, Spin, Tag, Tooltip, Typography, theme } from 'antd';
import { CheckOutlined, CloseOutlined, SendOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { post, type LiveQuestion, type LiveSession } from '../../api';
import { liveKey, running, shortTime, useLiveQuestions } from './live';

type Filter = LiveQuestion['status'];

export function QuestionQueue({ session: s, canAnswer }: { session: LiveSession; canAnswer: boolean }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState<Filter>('open');
  const q = useLiveQuestions(s.id, filter, running(s));
  const items = q.data?.items ?? [];
  return (
    <div data-testid="live-questions">
      <Segmented<Filter>
        size="small"
        value={filter}
        onChange={setFilter}
        options={(['open', 'answered', 'dismissed'] as const).map((f) => ({ value: f, label: <span data-testid={`live-questions-filter-${f}`}>{t(`live.questions.${f}`)}</span> }))}
        style={{ marginBottom: 12 }}
      />
      {q.isPending ? (
        <div style={{ textAlign: 'center', padding: 24 }}><Spin /></div>
      ) : !items.length ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={q.error ? q.error.message : t(`live.questions.none.${filter}`)} />
      ) : (
        <div className="shequn-live-questions">
          {items.map((x) => <QuestionItem key={x.id} session={s} question={x} canAnswer={canAnswer && s.status !== 'ended'} />)}
        </div>
      )}
    </div>
  );
}

function QuestionItem({ session: s, question: x, canAnswer }: { session: LiveSession; question: LiveQuestion; canAnswer: boolean }) {
  const { t } = useTranslation();
  const { token } = theme.useToken();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [answer, setAnswer] = useState('');
  const [by, setBy] = useState('');
  const done = () => {
    void qc.invalidateQueries({ queryKey: liveKey(s.id) });
  };
  const reply = useMutation({
    mutationFn: () => post<LiveQuestion>(`/live-sessions/${s.id}/questions/${x.id}/answer`, { answer: answer.trim(), ...(by.trim() ? { by: by.trim() } : {}) }),
    onSuccess: () => {
      message.success(t('live.questions.answeredToast'));
      setAnswer('');
      done();
    },
    onError: (e) => void message.error(e.message),
  });
  const dismiss = useMutation({
    mutationFn: () => post<LiveQuestion>(`/live-sessions/${s.id}/questions/${x.id}/dismiss`),
    onSuccess: () => {
      message.success(t('live.questions.dismissedToast'));
      done();
    },
    onError: (e) => void message.error(e.message),
  });
  const askers = 1 + x.repeats.length;
  const groups = [...new Set([x.groupName, ...x.repeats.map((r) => r.groupName)])];
  return (
    <div
      style={{ padding: '10px 12px', borderRadius: token.borderRadius, border: `1px solid ${token.colorBorderSecondary}`, background: x.status === 'open' ? token.colorBgContainer : token.colorFillQuaternary }}
      data-testid="live-question"
      data-id={x.id}
      data-status={x.status}
    >
      <div style={{ display: 'flex', alignItems: 'center', gap: 6, flexWrap: 'wrap' }}>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('live.questions.from', { asker: x.asker, group: x.groupName })} · {shortTime(x.askedAt)}</Typography.Text>
        <span style={{ flex: 1 }} />
        {x.repeats.length > 0 && (
          <Tooltip title={<div>{x.repeats.map((r) => <div key={r.id}>{t('live.questions.from', { asker: r.asker, group: r.groupName })}：{r.text}</div>)}</div>}>
            <Tag color="volcano" bordered={false} style={{ marginInlineEnd: 0 }} data-testid="live-question-repeats" data-count={askers}>
              {t('live.questions.repeats', { count: askers, groups: groups.length })}
            </Tag>
          </Tooltip>
        )}
      </div>
      <Typography.Paragraph strong style={{ margin: '4px 0 0', whiteSpace: 'pre-wrap', wordBreak: 'break-word' }} data-testid="live-question-text">{x.text}</Typography.Paragraph>
      {groups.length > 1 && (
        <div style={{ display: 'flex', gap: 4, flexWrap: 'wrap', marginTop: 4 }} data-testid="live-question-groups">
          {groups.map((g) => <Tag key={g} bordered={false} style={{ fontSize: 11, marginInlineEnd: 0 }}>{g}</Tag>)}
        </div>
      )}
      {x.status === 'answered' && (
        <div style={{ marginTop: 6, padding: '6px 10px', background: token.colorSuccessBg, borderInlineStart: `3px solid ${token.colorSuccessBorder}`, whiteSpace: 'pre-wrap' }} data-testid="live-question-answer">
          <CheckOutlined style={{ color: token.colorSuccess }} /> {x.answer}
          <Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 8 }}>{shortTime(x.answeredAt)}</Typography.Text>
        </div>
      )}
      {x.status === 'open' && canAnswer && (
        <div style={{ marginTop: 8 }}>
          <Input.TextArea
            value={answer}
            onChange={(e) => setAnswer(e.target.value)}
            autoSize={{ minRows: 1, maxRows: 5 }}
            maxLength={4000}
            placeholder={t('live.questions.answerPh')}
            onPressEnter={(e) => {
              if ((e.ctrlKey || e.metaKey) && answer.trim()) reply.mutate();
            }}
            data-testid="live-answer-input"
          />
          <div style={{ display: 'flex', gap: 8, marginTop: 6, alignItems: 'center' }}>
            <Tooltip title={t('live.questions.byHelp')}>
              <Input size="small" value={by} onChange={(e) => setBy(e.target.value)} maxLength={20} placeholder={t('live.questions.byPh')} style={{ width: 110 }} data-testid="live-answer-by" />
            </Tooltip>
            <span style={{ flex: 1 }} />
            <Space size={6}>
              <Button size="small" icon={<CloseOutlined />} loading={dismiss.isPending} onClick={() => dismiss.mutate()} data-testid="live-dismiss">{t('live.questions.dismiss')}</Button>
              <Button size="small" type="primary" icon={<SendOutlined />} disabled={!answer.trim()} loading={reply.isPending} onClick={() => reply.mutate()} data-testid="live-answer">
                {t('live.questions.answer')}
              </Button>
            </Space>
          </div>
        </div>
      )}
    </div>
  );
}
