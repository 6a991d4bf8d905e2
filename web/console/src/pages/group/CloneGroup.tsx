// 复制: a new group with this one as its template — its settings, its own rules (entry, ritual, …) and its
// announcement; members and chat stay behind.
import { useState } from 'react';
import { Alert, App, Form, Input, Modal, Select, Typography } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { post, type Group, type GroupSet } from '../../api';
import { applyFieldErrors } from '../../forms';

export function CloneGroup({ group, groupSets, onClose, onCreated }: { group: Group; groupSets: GroupSet[]; onClose: () => void; onCreated: (g: Group) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ name: string; groupSetId: string }>();
  const [general, setGeneral] = useState<string[]>([]);
  const clone = useMutation({
    mutationFn: (v: { name: string; groupSetId: string }) =>
      post<{ group: Group; rulesCopied: number }>(`/groups/${group.id}/clone`, { name: v.name.trim(), groupSetId: v.groupSetId || null }),
    onSuccess: ({ group: g, rulesCopied }) => {
      message.success(t('clone.done', { name: g.name, count: rulesCopied }));
      for (const k of [['groups'], ['group-sets'], ['overview']]) void qc.invalidateQueries({ queryKey: k });
      onCreated(g);
    },
    onError: (e) => setGeneral(applyFieldErrors(form, e)),
  });
  return (
    <Modal
      open
      title={t('clone.title', { name: group.name })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('clone.ok')}
      confirmLoading={clone.isPending}
      okButtonProps={{ 'data-testid': 'clone-save' } as Record<string, string>}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('clone.intro')}</Typography.Paragraph>
      {general.length > 0 && <Alert type="error" showIcon title={general.join('；')} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ name: '', groupSetId: group.groupSetId ?? '' }}
        onFinish={(v) => {
          setGeneral([]);
          clone.mutate(v);
        }}
      >
        <Form.Item name="name" label={t('clone.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input maxLength={100} placeholder={t('clone.namePh', { name: group.name })} autoFocus data-testid="clone-name" />
        </Form.Item>
        <Form.Item name="groupSetId" label={t('clone.groupSet')} extra={t('clone.groupSetHelp')}>
          <Select
            options={[{ value: '', label: t('clone.noSet') }, ...groupSets.map((s) => ({ value: s.id, label: s.name }))]}
            data-testid="clone-set"
          />
        </Form.Item>
      </Form>
    </Modal>
  );
}
