// 批量改名: every group of a group set renamed by one naming pattern, e.g. {brand}{region}{n}群. The
// built-in variables ({n} {nn} {set} {region}) need no value; any other one is asked for. The server
// previews the names (apply: false) before anything changes; applying sends exactly what was previewed.
import { useMemo, useState } from 'react';
import { Alert, App, Button, Checkbox, Col, Form, Input, Modal, Row, Space, Table, Tag, Tooltip, Typography, theme } from 'antd';
import { ArrowRightOutlined, EyeOutlined } from '@ant-design/icons';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { ApiError, patch, post, type GroupSet, type RenamePreview } from '../../api';
import { applyFieldErrors } from '../../forms';

const BUILT_IN = ['n', 'nn', 'set', 'region'] as const;

/** The variables of a pattern that need a value, in order of appearance. */
export function customVars(pattern: string): string[] {
  const names = [...pattern.matchAll(/\{([a-z][a-z0-9_]{0,29})\}/g)].map((m) => m[1]!);
  return [...new Set(names)].filter((v) => !(BUILT_IN as readonly string[]).includes(v));
}

interface Values {
  pattern: string;
  vars?: Record<string, string | undefined>;
  savePattern: boolean;
}

interface Request {
  pattern: string;
  vars: Record<string, string>;
}

export function RenameSet({ set, onClose }: { set: GroupSet; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { token } = theme.useToken();
  const qc = useQueryClient();
  const [form] = Form.useForm<Values>();
  const [general, setGeneral] = useState<string[]>([]);
  const [preview, setPreview] = useState<{ key: string; items: RenamePreview[] } | null>(null);
  const pattern = (Form.useWatch('pattern', form) as string | undefined) ?? set.namingPattern ?? '';
  const varsNow = Form.useWatch('vars', form) as Values['vars'];
  const names = useMemo(() => customVars(pattern), [pattern]);

  /** A request for a pattern: only its variables, the empty ones left out (the server names them). */
  const build = (p: string | undefined, v: Values['vars']): Request => {
    const pat = (p ?? '').trim();
    const vars: Record<string, string> = {};
    for (const n of customVars(pat)) {
      const x = v?.[n]?.trim();
      if (x) vars[n] = x;
    }
    return { pattern: pat, vars };
  };
  const request = () => build(form.getFieldValue('pattern') as string | undefined, form.getFieldValue('vars') as Values['vars']);
  const keyOf = (r: Request) => JSON.stringify(r);
  // Any edit after the preview asks for a new one before applying.
  const current = keyOf(build(pattern, varsNow));
  const fresh = preview?.key === current;

  const onError = (e: unknown) => {
    if (!(e instanceof ApiError)) return setGeneral(applyFieldErrors(form, e));
    // `vars` names the missing variables ("give a value for {brand}, {city}"): say so on each of their inputs.
    const onVars: { name: ['vars', string]; errors: string[] }[] = [];
    const rest = (e.problem.errors ?? []).filter((x) => {
      if (x.field.replace(/^body\.?/, '') !== 'vars') return true;
      const hit = [...x.reason.matchAll(/\{([a-z][a-z0-9_]*)\}/g)].map((m) => m[1]!).filter((n) => names.includes(n));
      for (const n of hit) onVars.push({ name: ['vars', n] as ['vars', string], errors: [t('rename.varMissing', { name: `{${n}}` })] });
      return hit.length === 0;
    });
    form.setFields(onVars);
    setGeneral(onVars.length && !rest.length ? [] : applyFieldErrors(form, new ApiError({ ...e.problem, errors: rest })));
  };

  const dryRun = useMutation({
    mutationFn: (r: Request) => post<{ items: RenamePreview[]; applied: boolean }>(`/group-sets/${set.id}/rename`, { ...r, apply: false }),
    onSuccess: (res, r) => setPreview({ key: keyOf(r), items: res.items }),
    onError: (e) => {
      setPreview(null);
      onError(e);
    },
  });
  const apply = useMutation({
    mutationFn: async (v: Request & { savePattern: boolean }) => {
      const res = await post<{ items: RenamePreview[]; applied: boolean }>(`/group-sets/${set.id}/rename`, { pattern: v.pattern, vars: v.vars, apply: true });
      if (v.savePattern && v.pattern !== set.namingPattern) await patch<GroupSet>(`/group-sets/${set.id}`, { namingPattern: v.pattern });
      return res;
    },
    onSuccess: (res) => {
      message.success(t('rename.applied', { count: res.items.filter((x) => x.from !== x.to).length }));
      for (const k of [['groups'], ['group-sets'], ['group']]) void qc.invalidateQueries({ queryKey: k });
      onClose();
    },
    onError,
  });

  const runPreview = () => {
    setGeneral([]);
    form.setFields([{ name: 'pattern', errors: [] }, ...names.map((n) => ({ name: ['vars', n] as ['vars', string], errors: [] as string[] }))]);
    dryRun.mutate(request());
  };
  const runApply = () => {
    const r = request();
    // Never apply a name with a variable left blank, whatever a preview said.
    const blank = names.filter((n) => !r.vars[n]);
    if (blank.length) {
      form.setFields(blank.map((n) => ({ name: ['vars', n] as ['vars', string], errors: [t('rename.varMissing', { name: `{${n}}` })] })));
      return;
    }
    apply.mutate({ ...r, savePattern: !!form.getFieldValue('savePattern') });
  };

  const changed = preview?.items.filter((x) => x.from !== x.to).length ?? 0;
  return (
    <Modal
      open
      width={760}
      title={t('rename.title', { name: set.name })}
      onCancel={onClose}
      destroyOnHidden
      footer={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button icon={<EyeOutlined />} loading={dryRun.isPending} onClick={runPreview} data-testid="rename-preview">{t('rename.preview')}</Button>
          <Tooltip title={fresh ? undefined : t('rename.previewFirst')}>
            <Button type="primary" disabled={!fresh || changed === 0} loading={apply.isPending} onClick={runApply} data-testid="rename-apply">
              {t('rename.apply', { count: changed })}
            </Button>
          </Tooltip>
        </Space>
      }
    >
      <Typography.Paragraph type="secondary">{t('rename.intro', { count: set.groupCount })}</Typography.Paragraph>
      {general.length > 0 && <Alert type="error" showIcon title={general.join('；')} style={{ marginBottom: 12 }} data-testid="rename-error" />}
      <Form<Values> form={form} layout="vertical" initialValues={{ pattern: set.namingPattern ?? '', savePattern: !set.namingPattern }} onFinish={runPreview}>
        <Form.Item
          name="pattern"
          label={t('rename.pattern')}
          extra={
            <Space size={[4, 4]} wrap style={{ marginTop: 4 }}>
              <span>{t('rename.builtIn')}</span>
              {BUILT_IN.map((v) => (
                <Tooltip key={v} title={t(`rename.var.${v}`, { set: set.name })}>
                  <Tag style={{ fontFamily: 'monospace', cursor: 'help' }}>{`{${v}}`}</Tag>
                </Tooltip>
              ))}
            </Space>
          }
        >
          <Input maxLength={100} placeholder="{brand}{region}{n}群" onPressEnter={runPreview} data-testid="rename-pattern" />
        </Form.Item>
        {names.length > 0 && (
          <Row gutter={12}>
            {names.map((n) => (
              <Col span={8} key={n}>
                <Form.Item name={['vars', n]} label={<span style={{ fontFamily: 'monospace' }}>{`{${n}}`}</span>} preserve>
                  <Input maxLength={50} placeholder={t('rename.varPh')} onPressEnter={runPreview} data-testid={`rename-var-${n}`} />
                </Form.Item>
              </Col>
            ))}
          </Row>
        )}
        <Form.Item name="savePattern" valuePropName="checked" style={{ marginBottom: 12 }}>
          <Checkbox data-testid="rename-save-pattern">{t('rename.savePattern')}</Checkbox>
        </Form.Item>
      </Form>
      {preview && (
        <>
          <Typography.Text type={fresh ? undefined : 'warning'} data-testid="rename-summary">
            {fresh ? t('rename.summary', { total: preview.items.length, count: changed }) : t('rename.stale')}
          </Typography.Text>
          <Table<RenamePreview & { i: number }>
            size="small"
            rowKey="groupId"
            style={{ marginTop: 8, opacity: fresh ? 1 : 0.55 }}
            dataSource={preview.items.map((x, i) => ({ ...x, i: i + 1 }))}
            pagination={{ pageSize: 8, hideOnSinglePage: true, showSizeChanger: false, size: 'small' }}
            data-testid="rename-table"
            columns={[
              { title: '#', dataIndex: 'i', width: 48 },
              { title: t('rename.from'), dataIndex: 'from', render: (v: string, x) => <Typography.Text type={x.from === x.to ? undefined : 'secondary'} delete={x.from !== x.to}>{v}</Typography.Text> },
              { title: '', key: 'arrow', width: 32, render: (_, x) => x.from !== x.to && <ArrowRightOutlined style={{ color: token.colorTextTertiary }} /> },
              {
                title: t('rename.to'), dataIndex: 'to', render: (v: string, x) => x.from === x.to
                  ? <Typography.Text type="secondary">{t('rename.unchanged')}</Typography.Text>
                  : <Typography.Text strong style={{ color: token.colorSuccessText }}>{v}</Typography.Text>,
              },
            ]}
          />
        </>
      )}
    </Modal>
  );
}
