// A group's tags (深圳, VIP, 2024期): shown in the group's overview and changed in place. A live relay can pick
// its target groups by them.
import { useState } from 'react';
import { App, Button, Form, Select, Space, Tag, Typography } from 'antd';
import { EditOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { patch, type Group } from '../../api';
import { applyFieldErrors } from '../../forms';

export function GroupTags({ group, canWrite, onSaved }: { group: Group; canWrite: boolean; onSaved?: (g: Group) => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<{ tags: string[] }>();
  const [editing, setEditing] = useState(false);
  const save = useMutation({
    mutationFn: (tags: string[]) => patch<Group>(`/groups/${group.id}`, { tags }),
    onSuccess: (g) => {
      void qc.invalidateQueries({ queryKey: ['groups'] });
      message.success(t('common.saved'));
      setEditing(false);
      onSaved?.(g);
    },
    onError: (e) => {
      const rest = applyFieldErrors(form, e);
      if (rest.length) message.error(rest.join('；'));
    },
  });
  const tags = group.tags ?? [];
  if (!editing) {
    return (
      <Space size={4} wrap data-testid="group-tags">
        {tags.length ? tags.map((x) => <Tag key={x} bordered={false} color="orange">{x}</Tag>) : <Typography.Text type="secondary">—</Typography.Text>}
        {canWrite && (
          <Button type="link" size="small" icon={<EditOutlined />} onClick={() => { form.setFieldsValue({ tags }); setEditing(true); }} data-testid="group-tags-edit">
            {t('groups.tagsEdit')}
          </Button>
        )}
      </Space>
    );
  }
  return (
    <Form form={form} layout="inline" onFinish={(v) => save.mutate(v.tags ?? [])} style={{ width: '100%' }}>
      <Form.Item name="tags" style={{ flex: 1, minWidth: 240, marginInlineEnd: 8 }}>
        <Select mode="tags" allowClear tokenSeparators={[',', '，', '、']} placeholder={t('groups.tagsPh')} open={false} suffixIcon={null} data-testid="group-tags-input" />
      </Form.Item>
      <Space size={4}>
        <Button size="small" type="primary" htmlType="submit" loading={save.isPending} data-testid="group-tags-save">{t('common.save')}</Button>
        <Button size="small" onClick={() => setEditing(false)}>{t('common.cancel')}</Button>
      </Space>
    </Form>
  );
}
