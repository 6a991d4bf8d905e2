// 全员禁言与禁言时段 (communication.mute_schedule): everyone muted, or weekly windows, on a zone's clock.
import { AutoComplete, Button, Checkbox, Col, Form, Input, Row, Select, Switch } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { enums, useLabels } from '../../../labels';
import { S, TIMEZONES, useDayOptions } from './common';
import type { FormSettings } from '../types';

export const muteToForm = (s: Record<string, unknown>): FormSettings => ({ ...s, windows: Array.isArray(s.windows) ? s.windows : [] });

export function muteFromForm(v: FormSettings): Record<string, unknown> {
  const windows = ((v.windows as { days?: number[]; from?: string; to?: string }[] | undefined) ?? []).map((w) => ({
    days: [...(w?.days ?? [])].sort(), from: (w?.from ?? '').trim(), to: (w?.to ?? '').trim(),
  }));
  return { allMuted: !!v.allMuted, windows, timezone: (v.timezone as string | undefined)?.trim() || 'Asia/Shanghai', exemptRoles: v.exemptRoles ?? [] };
}

export function MuteFields() {
  const { t } = useTranslation();
  const { options } = useLabels();
  const allMuted = Form.useWatch(S('allMuted')) as boolean | undefined;
  const dayOptions = useDayOptions('mute-day');
  return (
    <>
      <Form.Item name={S('allMuted')} label={t('mute.allMuted')} valuePropName="checked" extra={t('mute.allMutedHelp')}>
        <Switch data-testid="mute-all" />
      </Form.Item>
      <Form.Item label={t('mute.windows')} extra={t('mute.windowsHelp')} style={{ opacity: allMuted ? 0.6 : 1 }}>
        <Form.List name={S('windows')}>
          {(fields, { add, remove }) => (
            <>
              {fields.map((f, i) => (
                <div key={f.key} style={{ display: 'flex', alignItems: 'flex-start', columnGap: 12, flexWrap: 'wrap' }} data-testid={`mute-window-${i}`}>
                  <Form.Item name={[f.name, 'days']} style={{ marginBottom: 8 }}>
                    <Checkbox.Group options={dayOptions} style={{ paddingTop: 5 }} />
                  </Form.Item>
                  {/* The hours and the delete button wrap together when the days take the line. */}
                  <div style={{ display: 'flex', alignItems: 'flex-start', gap: 6 }}>
                    <Form.Item name={[f.name, 'from']} style={{ marginBottom: 8, width: 84 }}>
                      <Input placeholder="22:00" maxLength={5} data-testid={`mute-from-${i}`} />
                    </Form.Item>
                    <span style={{ lineHeight: '32px' }}>–</span>
                    <Form.Item name={[f.name, 'to']} style={{ marginBottom: 8, width: 84 }}>
                      <Input placeholder="08:00" maxLength={5} data-testid={`mute-to-${i}`} />
                    </Form.Item>
                    <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('common.delete')} />
                  </div>
                </div>
              ))}
              {fields.length < 20 && (
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ days: [1, 2, 3, 4, 5, 6, 7], from: '22:00', to: '08:00' })} data-testid="mute-window-add">
                  {t('mute.addWindow')}
                </Button>
              )}
            </>
          )}
        </Form.List>
      </Form.Item>
      <Row gutter={12}>
        <Col span={10}>
          <Form.Item name={S('timezone')} label={t('mute.timezone')}>
            <AutoComplete options={TIMEZONES.map((z) => ({ value: z }))} data-testid="mute-timezone" />
          </Form.Item>
        </Col>
        <Col span={14}>
          <Form.Item name={S('exemptRoles')} label={t('mute.exemptRoles')} extra={t('mute.exemptRolesHelp')}>
            <Select mode="multiple" options={options(enums.membershipRole)} data-testid="mute-exempt" />
          </Form.Item>
        </Col>
      </Row>
    </>
  );
}
