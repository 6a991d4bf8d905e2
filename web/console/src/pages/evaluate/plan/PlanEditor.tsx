// 编辑计划: the plan's name and first month, its targets (a row per measure, the baseline and a column per
// year, money typed in yuan and rates in percent as the actuals form takes them), each year's notes, the
// quarterly milestones and the risks. Saved whole (PATCH /plans/{id}); the server's refusals land on their
// fields (a milestone outside the plan's years, a risk listed twice).
import { useState } from 'react';
import { App as AntApp, Button, Card, DatePicker, Drawer, Form, Input, InputNumber, Select, Space, Table, Tag, Typography, theme } from 'antd';
import { DeleteOutlined, MinusOutlined, PlusOutlined } from '@ant-design/icons';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { ApiError, patch, type Plan } from '../../../api';
import { applyFieldErrors } from '../../../forms';
import { METRICS, fromForm, toForm, useMetricFormat, type MetricDef } from './metrics';

type Figures = Record<string, number | null | undefined>;
interface Values {
  name: string;
  startMonth: Dayjs;
  baseline: Figures;
  years: { targets: Figures; notes: string }[];
  milestones: { year: number; quarter: number; title: string; tasks: string[] }[];
  risks: { title: string; mitigation: string }[];
}

const MAX_YEARS = 10;
/** 6,000,000.00 while not typing: targets run to millions of yuan. */
const grouped = (v: number | string | undefined, info: { userTyping: boolean; input: string }) => {
  if (info.userTyping) return info.input;
  if (v === undefined || v === '') return '';
  const [whole, frac] = String(v).split('.');
  return `${whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${frac === undefined ? '' : `.${frac}`}`;
};
// A decimal string, as antd's own example of a grouped input does: its type says number, a number would
// read an empty field as 0.
const ungrouped = (s: string | undefined) => (s ?? '').replace(/,/g, '') as unknown as number;
const shown = (f: Record<string, number | undefined>): Figures => Object.fromEntries(Object.entries(f).map(([k, v]) => [k, v === undefined ? null : toForm(k, v)]));
const stored = (f: Figures | undefined): Record<string, number> =>
  Object.fromEntries(Object.entries(f ?? {}).flatMap(([k, v]) => (v === null || v === undefined ? [] : [[k, fromForm(k, v)]])));

export function PlanEditor({ plan, open, onClose }: { plan: Plan; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const qc = useQueryClient();
  const m = useMetricFormat();
  const { token } = theme.useToken();
  const c = plan.content;
  const [form] = Form.useForm<Values>();
  const [years, setYears] = useState(c.years.length);
  const [saving, setSaving] = useState(false);

  const save = async () => {
    let v: Values;
    try {
      v = await form.validateFields();
    } catch {
      return; // the fields say what is missing
    }
    const all = form.getFieldsValue(true) as Values;
    setSaving(true);
    try {
      await patch<Plan>(`/plans/${plan.id}`, {
        name: v.name.trim(),
        startMonth: v.startMonth.format('YYYY-MM'),
        content: {
          baseline: stored(all.baseline),
          years: Array.from({ length: years }, (_, i) => ({ targets: stored(all.years?.[i]?.targets), notes: all.years?.[i]?.notes ?? '' })),
          milestones: (all.milestones ?? []).map((x) => ({ year: x.year, quarter: x.quarter, title: x.title, tasks: x.tasks ?? [] })),
          risks: (all.risks ?? []).map((x) => ({ title: x.title, mitigation: x.mitigation ?? '' })),
        },
      });
      await qc.invalidateQueries({ queryKey: ['plans'] });
      message.success(t('evaluate.plan.edit.saved', { name: v.name.trim() }));
      onClose();
    } catch (e) {
      // The API names content.…; the form's fields are the content's own paths.
      const rename = e instanceof ApiError ? Object.fromEntries((e.problem.errors ?? []).map((x) => {
        const path = x.field.replace(/^body\.?/, '');
        return [path, path.replace(/^content\./, '')];
      })) : {};
      for (const rest of applyFieldErrors(form, e, rename)) message.error(rest);
    } finally {
      setSaving(false);
    }
  };

  const cell = (name: (string | number)[], def: MetricDef) => (
    <Form.Item name={name} noStyle>
      <InputNumber<number>
        size="small"
        style={{ width: '100%' }}
        prefix={def.money ? '¥' : undefined}
        suffix={def.kind === 'rate' ? '%' : undefined}
        precision={def.money || def.kind === 'rate' ? 2 : undefined}
        formatter={grouped}
        parser={ungrouped}
        data-testid="plan-edit-target"
        data-metric={def.key}
        data-year={name[0] === 'baseline' ? 0 : Number(name[1]) + 1}
      />
    </Form.Item>
  );

  return (
    <Drawer
      title={t('evaluate.plan.edit.title', { name: plan.name })}
      open={open}
      onClose={onClose}
      size={Math.min(1180, 420 + years * 150)}
      destroyOnHidden
      footer={(
        <Space style={{ display: 'flex', justifyContent: 'flex-end' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={saving} onClick={() => void save()} data-testid="plan-edit-save">{t('common.save')}</Button>
        </Space>
      )}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        requiredMark={false}
        data-testid="plan-edit-form"
        initialValues={{
          name: plan.name,
          startMonth: dayjs(`${plan.startMonth}-01`),
          baseline: shown(c.baseline),
          years: c.years.map((y) => ({ targets: shown(y.targets), notes: y.notes })),
          milestones: c.milestones,
          risks: c.risks,
        }}
      >
        <Space wrap size="large" align="start">
          <Form.Item name="name" label={t('evaluate.plan.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }, { max: 100 }]} style={{ width: 360 }}>
            <Input maxLength={100} data-testid="plan-edit-name" />
          </Form.Item>
          <Form.Item name="startMonth" label={t('evaluate.plan.startMonth')} rules={[{ required: true, message: t('common.required') }]}>
            <DatePicker picker="month" allowClear={false} style={{ width: 180 }} data-testid="plan-edit-start" />
          </Form.Item>
        </Space>

        <Card
          size="small"
          title={t('evaluate.plan.targets')}
          extra={(
            <Space>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('evaluate.plan.edit.units')}</Typography.Text>
              <Button size="small" icon={<MinusOutlined />} disabled={years <= 1} onClick={() => setYears(years - 1)} data-testid="plan-edit-year-remove">{t('evaluate.plan.edit.removeYear')}</Button>
              <Button size="small" icon={<PlusOutlined />} disabled={years >= MAX_YEARS} onClick={() => setYears(years + 1)} data-testid="plan-edit-year-add">{t('evaluate.plan.edit.addYear')}</Button>
            </Space>
          )}
          styles={{ body: { padding: 0 } }}
        >
          <Table<MetricDef>
            rowKey="key"
            size="small"
            pagination={false}
            dataSource={[...METRICS]}
            scroll={{ x: 'max-content' }}
            columns={[
              {
                key: 'metric', title: t('evaluate.plan.metric'), width: 200, fixed: 'left',
                render: (_, d) => <span>{m.name(d.key)}{d.direction === 'budget' && <Tag style={{ marginLeft: 6 }} color="orange">{t('evaluate.plan.budget')}</Tag>}</span>,
              },
              { key: 'baseline', title: t('evaluate.plan.baseline'), width: 140, render: (_, d) => cell(['baseline', d.key], d) },
              ...Array.from({ length: years }, (_, i) => ({
                key: `y${i + 1}`, title: t('evaluate.plan.year', { n: i + 1 }), width: 150,
                render: (_: unknown, d: MetricDef) => cell(['years', i, 'targets', d.key], d),
              })),
            ]}
          />
          <div style={{ padding: '12px 16px 0' }}>
            {Array.from({ length: years }, (_, i) => (
              <Form.Item key={i} name={['years', i, 'notes']} label={t('evaluate.plan.edit.notes', { n: i + 1 })} rules={[{ max: 2000 }]}>
                <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={2000} data-testid="plan-edit-notes" />
              </Form.Item>
            ))}
          </div>
        </Card>

        <Card size="small" title={t('evaluate.plan.milestones')} style={{ marginTop: 16 }}>
          <Form.List name="milestones">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <div key={f.key} data-testid="plan-edit-milestone" style={{ border: `1px solid ${token.colorBorderSecondary}`, borderRadius: 8, padding: '12px 12px 0', marginBottom: 12 }}>
                    <div style={{ display: 'flex', gap: 8, alignItems: 'flex-start' }}>
                      <Form.Item name={[f.name, 'year']} rules={[{ required: true, message: t('common.required') }]} style={{ width: 150, marginBottom: 12 }}>
                        <Select options={Array.from({ length: MAX_YEARS }, (_, i) => ({ value: i + 1, label: t('evaluate.plan.year', { n: i + 1 }), disabled: i >= years }))} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'quarter']} rules={[{ required: true, message: t('common.required') }]} style={{ width: 90, marginBottom: 12 }}>
                        <Select options={[1, 2, 3, 4].map((q) => ({ value: q, label: `Q${q}` }))} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'title']} rules={[{ required: true, whitespace: true, message: t('common.required') }, { max: 100 }]} style={{ flex: 1, marginBottom: 12 }}>
                        <Input maxLength={100} placeholder={t('evaluate.plan.edit.milestoneTitle')} data-testid="plan-edit-milestone-title" />
                      </Form.Item>
                      <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={() => remove(f.name)} />
                    </div>
                    <Form.Item name={[f.name, 'tasks']} style={{ marginBottom: 12 }}>
                      <Select mode="tags" open={false} suffixIcon={null} placeholder={t('evaluate.plan.edit.tasks')} tokenSeparators={['；', ';']} />
                    </Form.Item>
                  </div>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ year: 1, quarter: 1, title: '', tasks: [] })} data-testid="plan-edit-milestone-add">
                  {t('evaluate.plan.edit.addMilestone')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>

        <Card size="small" title={t('evaluate.plan.risks')} style={{ marginTop: 16 }}>
          <Form.List name="risks">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <div key={f.key} data-testid="plan-edit-risk" style={{ display: 'flex', gap: 8, alignItems: 'flex-start' }}>
                    <Form.Item name={[f.name, 'title']} rules={[{ required: true, whitespace: true, message: t('common.required') }, { max: 100 }]} style={{ width: 260 }}>
                      <Input maxLength={100} placeholder={t('evaluate.plan.edit.riskTitle')} data-testid="plan-edit-risk-title" />
                    </Form.Item>
                    <Form.Item name={[f.name, 'mitigation']} rules={[{ max: 1000 }]} style={{ flex: 1 }}>
                      <Input.TextArea autoSize={{ minRows: 1, maxRows: 3 }} maxLength={1000} placeholder={t('evaluate.plan.edit.mitigation')} data-testid="plan-edit-risk-mitigation" />
                    </Form.Item>
                    <Button type="text" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} onClick={() => remove(f.name)} />
                  </div>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ title: '', mitigation: '' })} data-testid="plan-edit-risk-add">
                  {t('evaluate.plan.edit.addRisk')}
                </Button>
              </>
            )}
          </Form.List>
        </Card>
      </Form>
    </Drawer>
  );
}
