// 定位: communities, their canvas (every field of the positioning canvas), phases and spin-off lineage.
import { useMemo, useState } from 'react';
import {
  Alert, App, Button, Card, Checkbox, Col, DatePicker, Divider, Drawer, Empty, Form, Input, InputNumber, Modal, Popconfirm, Row, Select, Space,
  Table, Tag, Tree, Typography,
} from 'antd';
import { ApartmentOutlined, DeleteOutlined, EditOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { del, get, patch, post, type Canvas, type Community, type Me, type Phase } from '../api';
import { applyFieldErrors } from '../forms';
import { enums, useLabels } from '../labels';

const yuan = (cents: number | null | undefined) => (cents == null ? null : cents / 100);
const cents = (y: number | null | undefined) => (y == null ? null : Math.round(y * 100));

// A date field holds 'YYYY-MM-DD' in the form store; the picker sees a dayjs.
const dateField = {
  getValueProps: (v: string | null) => ({ value: v ? dayjs(v) : null }),
  normalize: (d: Dayjs | null) => (d ? d.format('YYYY-MM-DD') : null),
};

export function Positioning({ me }: { me: Me }) {
  const { t } = useTranslation();
  const { label } = useLabels();
  const canWrite = me.permissions.includes('community.write');
  const list = useQuery({ queryKey: ['communities'], queryFn: () => get<{ items: Community[] }>('/communities') });
  const [editing, setEditing] = useState<Community | 'new' | null>(null);
  const communities = list.data?.items ?? [];
  const byId = useMemo(() => new Map(communities.map((c) => [c.id, c])), [communities]);

  const tree = useMemo(() => {
    type Node = { key: string; title: string; children: Node[] };
    const nodes = new Map<string, Node>(communities.map((c) => [c.id, { key: c.id, title: c.name, children: [] }]));
    const roots: Node[] = [];
    for (const c of communities) {
      const n = nodes.get(c.id)!;
      const parent = c.parentId ? nodes.get(c.parentId) : undefined;
      (parent ? parent.children : roots).push(n);
    }
    return roots;
  }, [communities]);

  return (
    <>
      <Typography.Title level={3} style={{ marginTop: 0 }}>{t('positioning.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('positioning.intro')}</Typography.Paragraph>
      <Row gutter={16}>
        <Col xs={24} xl={17}>
          <Card
            title={t('positioning.list')}
            extra={canWrite && <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="community-new">{t('positioning.new')}</Button>}
          >
            <Table<Community>
              rowKey="id"
              loading={list.isPending}
              dataSource={communities}
              pagination={{ pageSize: 20, hideOnSinglePage: true }}
              data-testid="community-table"
              columns={[
                { title: t('positioning.name'), dataIndex: 'name', render: (v: string, c) => <a onClick={() => setEditing(c)}>{v}</a> },
                { title: t('positioning.purpose'), dataIndex: 'purpose', render: (v: string) => <Tag color="volcano">{label(enums.communityPurpose, v)}</Tag> },
                { title: t('canvas.sharedInterest'), render: (_, c) => c.canvas.sharedInterest.basis ? `${label(enums.interestBasis, c.canvas.sharedInterest.basis)} · ${c.canvas.sharedInterest.description}` : c.canvas.sharedInterest.description },
                { title: t('positioning.parent'), dataIndex: 'parentId', render: (v: string | null) => (v ? byId.get(v)?.name ?? v : '—') },
                { title: t('canvas.kpi.memberFloor'), render: (_, c) => c.canvas.kpi.memberFloor.toLocaleString() },
                { title: '', width: 64, render: (_, c) => <Button size="small" icon={<EditOutlined />} onClick={() => setEditing(c)} aria-label={t('common.edit')} /> },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={7}>
          <Card title={<><ApartmentOutlined /> {t('positioning.lineage')}</>} data-testid="lineage">
            {tree.length ? <Tree treeData={tree} defaultExpandAll showLine selectable={false} /> : <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} />}
          </Card>
        </Col>
      </Row>
      {editing && (
        <CommunityEditor
          key={editing === 'new' ? 'new' : editing.id}
          community={editing === 'new' ? null : editing}
          communities={communities}
          canWrite={canWrite}
          onClose={() => setEditing(null)}
          onSaved={(c) => setEditing(c)}
        />
      )}
    </>
  );
}

const RENAMED = { 'canvas.budgetCents': 'canvas.budgetYuan', 'canvas.kpi.revenuePerMemberPerYearCents': 'canvas.kpi.revenueYuan' };

type CanvasForm = Omit<Canvas, 'budgetCents' | 'kpi'> & { budgetYuan: number | null; kpi: Omit<Canvas['kpi'], 'revenuePerMemberPerYearCents'> & { revenueYuan: number | null } };
interface CommunityForm {
  name: string;
  purpose: string;
  parentId: string | null;
  canvas: CanvasForm;
}

const EMPTY_CANVAS: Canvas = {
  sharedInterest: { description: '', basis: null },
  valueToMembers: { description: '', type: null },
  valueToBuilder: { description: '', type: null },
  valueChecklist: { painPoint: '', returnCarrier: '' },
  readiness: { peopleAndMoney: false, contentAndService: false, timeAndPatience: false, productAndMarketingModel: false, notes: '' },
  tone: '',
  competitors: [],
  budgetCents: null,
  persona: { genders: [], ageMin: null, ageMax: null, cities: [], interests: [], occupations: [] },
  lifecycle: { startsOn: null, plannedEndOn: null, basis: 'community' },
  monetization: [],
  kpi: { memberFloor: 5000, activeMemberRate: 0.3, eventsPerGroupPerYear: 6, revenuePerMemberPerYearCents: 0 },
};

function toForm(c: Community | null): CommunityForm {
  const cv = c?.canvas ?? EMPTY_CANVAS;
  const { budgetCents, kpi, ...rest } = cv;
  const { revenuePerMemberPerYearCents, ...kpiRest } = kpi;
  return {
    name: c?.name ?? '',
    purpose: c?.purpose ?? 'brand',
    parentId: c?.parentId ?? null,
    canvas: { ...rest, budgetYuan: yuan(budgetCents), kpi: { ...kpiRest, revenueYuan: yuan(revenuePerMemberPerYearCents) } },
  };
}

function fromForm(v: CommunityForm) {
  const { budgetYuan, kpi, ...rest } = v.canvas;
  const { revenueYuan, ...kpiRest } = kpi;
  const canvas: Canvas = {
    ...rest,
    tone: rest.tone ?? '',
    budgetCents: cents(budgetYuan),
    kpi: { ...kpiRest, revenuePerMemberPerYearCents: cents(revenueYuan) ?? 0 },
  };
  return { name: v.name, purpose: v.purpose, parentId: v.parentId ?? null, canvas };
}

interface CommunityTemplate {
  key: string;
  name: string;
  nameEn: string;
  description: string;
  descriptionEn: string;
  purpose: Community['purpose'];
  canvas: Canvas;
}

/** Start a new community from a filled canvas (茶品牌, 白酒, 付费课程, 同城会); everything stays editable. */
function TemplatePicker({ onPick }: { onPick: (t: CommunityTemplate) => void }) {
  const { t, i18n } = useTranslation();
  const templates = useQuery({ queryKey: ['community-templates'], queryFn: () => get<{ items: CommunityTemplate[] }>('/community-templates'), staleTime: Infinity });
  const en = i18n.language === 'en';
  const [picked, setPicked] = useState<string | null>(null);
  const tpl = templates.data?.items.find((x) => x.key === picked);
  return (
    <Card size="small" style={{ marginBottom: 16, background: '#f6fbf8' }} data-testid="template-picker">
      <Space wrap align="center">
        <Typography.Text strong>{t('positioning.fromTemplate')}</Typography.Text>
        <Select
          style={{ width: 240 }}
          placeholder={t('positioning.pickTemplate')}
          loading={templates.isPending}
          value={picked}
          onChange={(key: string) => {
            setPicked(key);
            const chosen = templates.data?.items.find((x) => x.key === key);
            if (chosen) onPick(chosen);
          }}
          options={(templates.data?.items ?? []).map((x) => ({ value: x.key, label: en ? x.nameEn : x.name }))}
          data-testid="community-template"
        />
      </Space>
      {tpl && <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>{en ? tpl.descriptionEn : tpl.description}</Typography.Paragraph>}
    </Card>
  );
}

function CommunityEditor(props: { community: Community | null; communities: Community[]; canWrite: boolean; onClose: () => void; onSaved: (c: Community) => void }) {
  const { community, communities, canWrite } = props;
  const { t } = useTranslation();
  const { options } = useLabels();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<CommunityForm>();
  const [general, setGeneral] = useState<string[]>([]);

  // A community cannot descend from itself or its own spin-offs.
  const descendants = useMemo(() => {
    const out = new Set<string>();
    if (!community) return out;
    let frontier = [community.id];
    while (frontier.length) {
      frontier.forEach((f) => out.add(f));
      frontier = communities.filter((c) => c.parentId && frontier.includes(c.parentId) && !out.has(c.id)).map((c) => c.id);
    }
    return out;
  }, [community, communities]);

  const save = useMutation({
    mutationFn: (v: CommunityForm) => (community ? patch<Community>(`/communities/${community.id}`, fromForm(v)) : post<Community>('/communities', fromForm(v))),
    onSuccess: (c) => {
      setGeneral([]);
      void qc.invalidateQueries({ queryKey: ['communities'] });
      void qc.invalidateQueries({ queryKey: ['overview'] });
      message.success(t('common.saved'));
      props.onSaved(c);
    },
    onError: (e) => setGeneral(applyFieldErrors(form, e, RENAMED)),
  });

  const half = { xs: 24, md: 12 };
  return (
    <Drawer
      open
      size={920}
      title={community ? t('positioning.editTitle', { name: community.name }) : t('positioning.new')}
      onClose={props.onClose}
      destroyOnHidden
      extra={canWrite && <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="community-save">{t('common.save')}</Button>}
    >
      {general.length > 0 && <Alert type="error" showIcon title={general.join('；')} style={{ marginBottom: 16 }} data-testid="form-error" />}
      {!community && canWrite && <TemplatePicker onPick={(tpl) => form.setFieldsValue(toForm({ name: tpl.name, purpose: tpl.purpose, parentId: null, canvas: tpl.canvas } as Community))} />}
      <Form<CommunityForm> form={form} layout="vertical" initialValues={toForm(community)} onFinish={(v) => save.mutate(v)} disabled={!canWrite} data-testid="canvas-form">
        <Row gutter={16}>
          <Col {...half}>
            <Form.Item name="name" label={t('positioning.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
              <Input maxLength={100} data-testid="community-name" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="purpose" label={t('positioning.purpose')} rules={[{ required: true }]}>
              <Select options={options(enums.communityPurpose)} data-testid="community-purpose" />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name="parentId" label={t('positioning.parent')} tooltip={t('positioning.parentHelp')}>
              <Select allowClear options={communities.filter((c) => !descendants.has(c.id)).map((c) => ({ value: c.id, label: c.name }))} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">{t('canvas.sections.interest')}</Divider>
        <Row gutter={16}>
          <Col xs={24} md={16}>
            <Form.Item name={['canvas', 'sharedInterest', 'description']} label={t('canvas.sharedInterest')}>
              <Input maxLength={500} placeholder={t('canvas.sharedInterestPh')} data-testid="canvas-shared-interest" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name={['canvas', 'sharedInterest', 'basis']} label={t('canvas.basis')}>
              <Select allowClear options={options(enums.interestBasis)} data-testid="canvas-basis" />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item name={['canvas', 'valueToMembers', 'description']} label={t('canvas.valueToMembers')}>
              <Input maxLength={500} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name={['canvas', 'valueToMembers', 'type']} label={t('canvas.valueType')}>
              <Select allowClear options={options(enums.memberValueType)} />
            </Form.Item>
          </Col>
          <Col xs={24} md={16}>
            <Form.Item name={['canvas', 'valueToBuilder', 'description']} label={t('canvas.valueToBuilder')}>
              <Input maxLength={500} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name={['canvas', 'valueToBuilder', 'type']} label={t('canvas.valueType')}>
              <Select allowClear options={options(enums.builderValueType)} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name={['canvas', 'valueChecklist', 'painPoint']} label={t('canvas.painPoint')}>
              <Input.TextArea rows={2} maxLength={500} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name={['canvas', 'valueChecklist', 'returnCarrier']} label={t('canvas.returnCarrier')}>
              <Input.TextArea rows={2} maxLength={500} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">{t('canvas.sections.readiness')}</Divider>
        <Row gutter={16}>
          {(['peopleAndMoney', 'contentAndService', 'timeAndPatience', 'productAndMarketingModel'] as const).map((k) => (
            <Col xs={12} md={6} key={k}>
              <Form.Item name={['canvas', 'readiness', k]} valuePropName="checked">
                <Checkbox>{t(`canvas.readiness.${k}`)}</Checkbox>
              </Form.Item>
            </Col>
          ))}
          <Col span={24}>
            <Form.Item name={['canvas', 'readiness', 'notes']} label={t('canvas.readiness.notes')}>
              <Input.TextArea rows={2} maxLength={2000} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name={['canvas', 'tone']} label={t('canvas.tone')}>
              <Input maxLength={200} placeholder={t('canvas.tonePh')} />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name={['canvas', 'budgetYuan']} label={t('canvas.budget')}>
              <InputNumber min={0} precision={2} style={{ width: '100%' }} prefix="¥" />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name={['canvas', 'competitors']} label={t('canvas.competitors')}>
              <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，']} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">{t('canvas.sections.persona')}</Divider>
        <Row gutter={16}>
          <Col xs={24} md={8}>
            <Form.Item name={['canvas', 'persona', 'genders']} label={t('canvas.persona.genders')}>
              <Select mode="multiple" options={options(enums.gender)} />
            </Form.Item>
          </Col>
          <Col xs={12} md={4}>
            <Form.Item name={['canvas', 'persona', 'ageMin']} label={t('canvas.persona.ageMin')}>
              <InputNumber min={0} max={120} precision={0} style={{ width: '100%' }} data-testid="persona-age-min" />
            </Form.Item>
          </Col>
          <Col xs={12} md={4}>
            <Form.Item name={['canvas', 'persona', 'ageMax']} label={t('canvas.persona.ageMax')}>
              <InputNumber min={0} max={120} precision={0} style={{ width: '100%' }} data-testid="persona-age-max" />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name={['canvas', 'persona', 'cities']} label={t('canvas.persona.cities')}>
              <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，']} data-testid="persona-cities" />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name={['canvas', 'persona', 'interests']} label={t('canvas.persona.interests')}>
              <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，']} />
            </Form.Item>
          </Col>
          <Col {...half}>
            <Form.Item name={['canvas', 'persona', 'occupations']} label={t('canvas.persona.occupations')}>
              <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，']} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">{t('canvas.sections.lifecycle')}</Divider>
        <Row gutter={16}>
          <Col xs={12} md={6}>
            <Form.Item name={['canvas', 'lifecycle', 'startsOn']} label={t('canvas.lifecycle.startsOn')} {...dateField}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name={['canvas', 'lifecycle', 'plannedEndOn']} label={t('canvas.lifecycle.plannedEndOn')} {...dateField}>
              <DatePicker style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name={['canvas', 'lifecycle', 'basis']} label={t('canvas.lifecycle.basis')}>
              <Select options={options(enums.lifecycleBasis)} />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name={['canvas', 'monetization']} label={t('canvas.monetization')}>
              <Select mode="multiple" options={options(enums.monetizationModel)} />
            </Form.Item>
          </Col>
        </Row>

        <Divider titlePlacement="start">{t('canvas.sections.kpi')}</Divider>
        <Row gutter={16}>
          <Col xs={12} md={6}>
            <Form.Item name={['canvas', 'kpi', 'memberFloor']} label={t('canvas.kpi.memberFloor')} tooltip={t('canvas.kpi.memberFloorHelp')}>
              <InputNumber min={0} precision={0} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name={['canvas', 'kpi', 'activeMemberRate']} label={t('canvas.kpi.activeMemberRate')}>
              <InputNumber min={0} max={1} step={0.05} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name={['canvas', 'kpi', 'eventsPerGroupPerYear']} label={t('canvas.kpi.eventsPerGroupPerYear')}>
              <InputNumber min={0} max={1000} style={{ width: '100%' }} />
            </Form.Item>
          </Col>
          <Col xs={12} md={6}>
            <Form.Item name={['canvas', 'kpi', 'revenueYuan']} label={t('canvas.kpi.revenue')}>
              <InputNumber min={0} precision={2} style={{ width: '100%' }} prefix="¥" />
            </Form.Item>
          </Col>
        </Row>
      </Form>
      {community ? <Phases community={community} canWrite={canWrite} /> : <Typography.Text type="secondary">{t('phases.saveFirst')}</Typography.Text>}
    </Drawer>
  );
}

interface PhaseForm {
  name: string;
  purpose: string;
  startsOn: string;
  endsOn: string;
  budgetYuan: number | null;
  targets: { fans: number | null; clickRate: number | null; consultations: number | null; salesYuan: number | null };
  platformMix: { platform: string; share: number }[];
}

function Phases({ community, canWrite }: { community: Community; canWrite: boolean }) {
  const { t } = useTranslation();
  const { label, options } = useLabels();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const key = ['phases', community.id];
  const list = useQuery({ queryKey: key, queryFn: () => get<{ items: Phase[] }>(`/communities/${community.id}/phases`) });
  const [editing, setEditing] = useState<Phase | 'new' | null>(null);
  const [form] = Form.useForm<PhaseForm>();
  const [general, setGeneral] = useState<string[]>([]);

  const save = useMutation({
    mutationFn: (v: PhaseForm) => {
      const body = {
        name: v.name, purpose: v.purpose, startsOn: v.startsOn, endsOn: v.endsOn, budgetCents: cents(v.budgetYuan),
        targets: { fans: v.targets.fans ?? null, clickRate: v.targets.clickRate ?? null, consultations: v.targets.consultations ?? null, salesCents: cents(v.targets.salesYuan) },
        platformMix: v.platformMix ?? [],
      };
      return editing && editing !== 'new' ? patch<Phase>(`/phases/${editing.id}`, body) : post<Phase>(`/communities/${community.id}/phases`, body);
    },
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: key });
      setEditing(null);
      message.success(t('common.saved'));
    },
    onError: (e) => setGeneral(applyFieldErrors(form, e, { budgetCents: 'budgetYuan', 'targets.salesCents': 'targets.salesYuan' })),
  });
  const remove = useMutation({
    mutationFn: (id: string) => del(`/phases/${id}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: key }),
    onError: (e) => message.error(e.message),
  });

  const open = (p: Phase | 'new') => {
    setGeneral([]);
    form.resetFields();
    form.setFieldsValue(
      p === 'new'
        ? { name: '', purpose: 'sales', budgetYuan: null, targets: { fans: null, clickRate: null, consultations: null, salesYuan: null }, platformMix: [] }
        : { name: p.name, purpose: p.purpose, startsOn: p.startsOn, endsOn: p.endsOn, budgetYuan: yuan(p.budgetCents), targets: { fans: p.targets.fans, clickRate: p.targets.clickRate, consultations: p.targets.consultations, salesYuan: yuan(p.targets.salesCents) }, platformMix: p.platformMix },
    );
    setEditing(p);
  };

  return (
    <Card
      size="small"
      style={{ marginTop: 8 }}
      title={t('phases.title')}
      extra={canWrite && <Button size="small" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="phase-new">{t('phases.add')}</Button>}
    >
      <Table<Phase>
        size="small"
        rowKey="id"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        pagination={false}
        data-testid="phase-table"
        columns={[
          { title: t('phases.name'), dataIndex: 'name' },
          { title: t('phases.purpose'), dataIndex: 'purpose', render: (v: string) => label(enums.phasePurpose, v) },
          { title: t('phases.dates'), render: (_, p) => `${p.startsOn} → ${p.endsOn}` },
          { title: t('phases.budget'), dataIndex: 'budgetCents', render: (v: number | null) => (v == null ? '—' : `¥${(v / 100).toLocaleString()}`) },
          { title: t('phases.fans'), render: (_, p) => p.targets.fans?.toLocaleString() ?? '—' },
          { title: t('phases.platformMix'), render: (_, p) => p.platformMix.map((m) => `${label(enums.platform, m.platform)} ${Math.round(m.share * 100)}%`).join(' · ') || '—' },
          {
            title: '', width: 90, render: (_, p) => canWrite && (
              <Space size={4}>
                <Button size="small" icon={<EditOutlined />} onClick={() => open(p)} aria-label={t('common.edit')} />
                <Popconfirm title={t('phases.confirmDelete')} onConfirm={() => remove.mutate(p.id)}>
                  <Button size="small" danger icon={<DeleteOutlined />} aria-label={t('common.delete')} />
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('phases.add') : t('phases.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
        okButtonProps={{ 'data-testid': 'phase-save' } as Record<string, string>}
        forceRender
        width={640}
      >
        {general.length > 0 && <Alert type="error" showIcon title={general.join('；')} style={{ marginBottom: 12 }} />}
        <Form<PhaseForm> form={form} layout="vertical" onFinish={(v) => save.mutate(v)}>
          <Row gutter={12}>
            <Col span={14}>
              <Form.Item name="name" label={t('phases.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
                <Input maxLength={100} data-testid="phase-name" />
              </Form.Item>
            </Col>
            <Col span={10}>
              <Form.Item name="purpose" label={t('phases.purpose')} rules={[{ required: true }]}>
                <Select options={options(enums.phasePurpose)} />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="startsOn" label={t('phases.startsOn')} rules={[{ required: true, message: t('common.required') }]} {...dateField}>
                <DatePicker style={{ width: '100%' }} data-testid="phase-starts" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="endsOn" label={t('phases.endsOn')} rules={[{ required: true, message: t('common.required') }]} {...dateField}>
                <DatePicker style={{ width: '100%' }} data-testid="phase-ends" />
              </Form.Item>
            </Col>
            <Col span={8}>
              <Form.Item name="budgetYuan" label={t('phases.budget')}>
                <InputNumber min={0} precision={2} style={{ width: '100%' }} prefix="¥" />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name={['targets', 'fans']} label={t('phases.fans')}>
                <InputNumber min={0} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name={['targets', 'clickRate']} label={t('phases.clickRate')}>
                <InputNumber min={0} max={1} step={0.01} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name={['targets', 'consultations']} label={t('phases.consultations')}>
                <InputNumber min={0} precision={0} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col span={6}>
              <Form.Item name={['targets', 'salesYuan']} label={t('phases.sales')}>
                <InputNumber min={0} precision={2} style={{ width: '100%' }} prefix="¥" />
              </Form.Item>
            </Col>
          </Row>
          <Typography.Text strong>{t('phases.platformMix')}</Typography.Text>
          <Form.List name="platformMix">
            {(fields, { add, remove: drop }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline" style={{ display: 'flex', marginTop: 8 }}>
                    <Form.Item name={[f.name, 'platform']} rules={[{ required: true, message: t('common.required') }]} style={{ marginBottom: 0, width: 180 }}>
                      <Select options={options(enums.platform)} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'share']} rules={[{ required: true, message: t('common.required') }]} style={{ marginBottom: 0 }}>
                      <InputNumber min={0} max={1} step={0.1} placeholder={t('phases.share')} />
                    </Form.Item>
                    <MinusCircleOutlined onClick={() => drop(f.name)} aria-label={t('common.delete')} />
                  </Space>
                ))}
                <Button type="dashed" size="small" onClick={() => add({ platform: 'wechat', share: 0.5 })} icon={<PlusOutlined />} style={{ marginTop: 8 }}>
                  {t('phases.addPlatform')}
                </Button>
                <Form.ErrorList errors={[]} />
              </>
            )}
          </Form.List>
        </Form>
      </Modal>
    </Card>
  );
}
