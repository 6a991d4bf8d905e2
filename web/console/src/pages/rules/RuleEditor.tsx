// The editor of one rule on one target: the type's own form (from the table in types.tsx), saved whole.
// The server checks the settings; its field errors (settings.code, settings.windows.0.from, …) show on the
// field they name, the rest above the form.
import { useState } from 'react';
import { Alert, App, Form, Modal } from 'antd';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, patch, post, type Rule } from '../../api';
import { applyFieldErrors } from '../../forms';
import { settingsToSave, type FormSettings, type RuleTarget, type RuleTypeDef } from './types';

export function useRuleTypeLabel() {
  const { t } = useTranslation();
  return (def: RuleTypeDef) => (def.known ? t(`rules.type.${def.key}`) : def.type);
}

export function RuleEditor({ def, target, own, initial, onClose }: {
  def: RuleTypeDef; target: RuleTarget; own: Rule | null; initial: Record<string, unknown>; onClose: () => void;
}) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const typeLabel = useRuleTypeLabel();
  const [form] = Form.useForm<{ settings: FormSettings }>();
  const [general, setGeneral] = useState<string[]>([]);
  const save = useMutation({
    mutationFn: (settings: Record<string, unknown>) => own
      ? patch<Rule>(`/rules/${own.id}`, { settings })
      : post<Rule>('/rules', { type: def.type, targetType: target.type, targetId: target.id, settings, enabled: true }),
    onSuccess: () => {
      message.success(t('rules.saved'));
      void qc.invalidateQueries({ queryKey: ['rules'] });
      onClose();
    },
    onError: (e) => {
      // Someone else gave the target this rule meanwhile: show theirs (this form edits it next time).
      if (e instanceof ApiError && e.status === 409) void qc.invalidateQueries({ queryKey: ['rules'] });
      setGeneral(applyFieldErrors(form, e, def.rename));
    },
  });
  return (
    <Modal
      open
      title={t('rules.editTitle', { type: typeLabel(def), group: target.name })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.save')}
      confirmLoading={save.isPending}
      okButtonProps={{ 'data-testid': 'rule-save' } as Record<string, string>}
      width={def.width ?? 680}
      destroyOnHidden
    >
      {!own && <Alert type="info" showIcon title={target.type === 'group' ? t('rules.startsFrom') : t('rules.startsFromTarget')} style={{ marginBottom: 12 }} />}
      {general.length > 0 && <Alert type="error" showIcon title={general.join('；')} style={{ marginBottom: 12 }} data-testid="rule-error" />}
      <Form
        form={form}
        layout="vertical"
        initialValues={{ settings: def.toForm(initial) }}
        // A server error on a field goes once the field changes.
        onValuesChange={(changed) => form.setFields(paths(changed as Record<string, unknown>).map((name) => ({ name, errors: [] })))}
        onFinish={(v) => {
          setGeneral([]);
          let settings: Record<string, unknown>;
          try {
            settings = settingsToSave(def, initial, v.settings);
          } catch (e) {
            setGeneral([e instanceof Error ? e.message : String(e)]);
            return;
          }
          save.mutate(settings);
        }}
        data-testid="rule-form"
      >
        <def.Fields target={target} />
      </Form>
    </Modal>
  );
}

/** Every path in a (nested) changed-values object: ['settings', 'action'], ['settings', 'trigger', 'on'], … */
function paths(o: Record<string, unknown>, prefix: (string | number)[] = []): (string | number)[][] {
  return Object.entries(o).flatMap(([k, v]) => {
    const here = [...prefix, Array.isArray(o) ? Number(k) : k];
    return v && typeof v === 'object' ? [here, ...paths(v as Record<string, unknown>, here)] : [here];
  });
}
