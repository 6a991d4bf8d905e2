// The actuals Shequn cannot count, entered by the operators: a month's form (money typed in yuan, sent in
// fen; a rate in percent; only what was changed is sent, a cleared field clears the entry), and a finance
// sheet to fill in (its import is evaluate/SheetImport).
import { useEffect, useState } from 'react';
import { App as AntApp, Button, Col, DatePicker, Drawer, Form, InputNumber, Row, Space, Typography } from 'antd';
import { useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { put, type Plan, type PlanTracking } from '../../../api';
import { downloadCsv } from '../format';
import { ENTERED_KEYS, fromForm, metricByKey, toForm, useMetricFormat } from './metrics';

const thisMonth = () => dayjs().format('YYYY-MM');

export function ActualsDrawer({ plan, monthly, open, onClose }: { plan: Plan; monthly: PlanTracking | undefined; open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const m = useMetricFormat();
  const qc = useQueryClient();
  const [form] = Form.useForm<Record<string, number | null>>();
  const last = plan.endMonth < thisMonth() ? plan.endMonth : thisMonth() < plan.startMonth ? plan.startMonth : thisMonth();
  const [month, setMonth] = useState(last);
  const [saving, setSaving] = useState(false);
  const cells = monthly?.periods.find((p) => p.key === month)?.cells;
  const stored = (key: string) => {
    const v = cells?.[key]?.actual;
    return v === null || v === undefined ? null : toForm(key, v);
  };
  // The month's stored figures fill the form when it opens or the month changes; a refetch of the tracking
  // while the operator types must not wipe what they typed.
  useEffect(() => {
    if (open) form.setFieldsValue(Object.fromEntries(ENTERED_KEYS.map((k) => [k, stored(k)])));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, month]);
  useEffect(() => {
    if (open && !form.isFieldsTouched()) form.setFieldsValue(Object.fromEntries(ENTERED_KEYS.map((k) => [k, stored(k)])));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [monthly]);

  const save = async () => {
    const values = form.getFieldsValue();
    const entries = ENTERED_KEYS.flatMap((k) => {
      const v = values[k] ?? null;
      if (v === stored(k)) return [];
      return [{ month, metric: k, value: v === null ? null : fromForm(k, v) }];
    });
    if (!entries.length) {
      message.info(t('evaluate.plan.enter.nothing'));
      return;
    }
    setSaving(true);
    try {
      await put(`/plans/${plan.id}/actuals`, { entries });
      await qc.invalidateQueries({ queryKey: ['plans', plan.id, 'tracking'] });
      message.success(t('evaluate.plan.enter.saved', { month, n: entries.length }));
      onClose();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      title={t('evaluate.plan.enter.title')}
      open={open}
      onClose={onClose}
      size={560}
      destroyOnHidden
      footer={(
        <Space style={{ display: 'flex', justifyContent: 'flex-end' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={saving} onClick={() => void save()} data-testid="actuals-save">{t('common.save')}</Button>
        </Space>
      )}
    >
      <div data-testid="actuals-drawer">
        <Space style={{ marginBottom: 16 }} align="center">
          <span>{t('evaluate.plan.enter.month')}</span>
          <span data-testid="actuals-month">
          <DatePicker
            picker="month"
            allowClear={false}
            value={dayjs(`${month}-01`)}
            disabledDate={(d: Dayjs) => d.format('YYYY-MM') < plan.startMonth || d.format('YYYY-MM') > plan.endMonth}
            onChange={(d) => d && setMonth(d.format('YYYY-MM'))}
          />
          </span>
        </Space>
        <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>{t('evaluate.plan.enter.hint')}</Typography.Paragraph>
        <Form form={form} layout="vertical" requiredMark={false}>
          <Row gutter={16}>
            {ENTERED_KEYS.map((k) => {
              const def = metricByKey.get(k)!;
              const plan_ = cells?.[k]?.plan;
              return (
                <Col span={12} key={k}>
                  <Form.Item
                    name={k}
                    label={m.name(k)}
                    extra={plan_ === null || plan_ === undefined ? undefined : t('evaluate.plan.enter.planned', { v: m.fig(k, plan_) })}
                  >
                    <InputNumber<number>
                      data-testid={`actual-input-${k}`}
                      style={{ width: '100%' }}
                      prefix={def.money ? '¥' : undefined}
                      suffix={def.kind === 'rate' ? '%' : undefined}
                      precision={def.money || def.kind === 'rate' ? 2 : 0}
                      min={def.direction === 'budget' || !def.money ? 0 : undefined}
                      formatter={(v) => (v === undefined || v === null || `${v}` === '' ? '' : `${v}`.replace(/\B(?=(\d{3})+(?!\d))/g, ','))}
                      parser={(v) => Number((v ?? '').replace(/[,¥%\s]/g, ''))}
                    />
                  </Form.Item>
                </Col>
              );
            })}
          </Row>
        </Form>
      </div>
    </Drawer>
  );
}

/** A sheet to fill in: 月份 and a column per entered measure, the plan's months so far. */
export function downloadSheet(plan: Plan, name: (k: string) => string) {
  const months: string[] = [];
  let [y, mo] = plan.startMonth.split('-').map(Number) as [number, number];
  const end = plan.endMonth < thisMonth() ? plan.endMonth : thisMonth();
  while (months.length < 120) {
    const k = `${y}-${String(mo).padStart(2, '0')}`;
    if (k > end) break;
    months.push(k);
    mo += 1;
    if (mo > 12) [y, mo] = [y + 1, 1];
  }
  downloadCsv(`actuals-${plan.startMonth}.csv`, [['月份', ...ENTERED_KEYS.map(name)], ...(months.length ? months : [plan.startMonth]).map((mm) => [mm])]);
}

