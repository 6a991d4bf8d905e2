// 直播 › the form that plans a session and edits a saved one (one form, two uses): title, cover and
// description, community and main group, host and speakers, the target groups (listed, or whole communities
// and group sets narrowed by kind and region), the schedule and its reminders.
//
// Editing sends only what changed (PATCH /live-sessions/:id): a start time sent again would reset the
// reminders already posted. What the server keeps fixed is shown locked, with the reason:
// - the community and the main group never change (the PATCH does not take them);
// - once started, the start time, the reminders and "start on time" no longer mean anything;
// - once ended, the host, speakers, targets and schedule are refused (409); the title, description and
//   cover can still change, and the replay's summary is written in the 回放 tab.
//
// A session may instead relay a sharing rule's sessions (分享系列): the operator picks a sharing rule of the
// community, the main group is the rule's group (one of them, when the rule covers several), and the times
// are the rule's, so the start time and "start on time" are not asked; each session's speaker joins by itself.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { Alert, App, Col, ConfigProvider, DatePicker, Divider, Form, Image, Input, Modal, Row, Segmented, Select, Space, Switch, Tag, Typography, type FormInstance } from 'antd';
import { LockOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import dayjs, { type Dayjs } from 'dayjs';
import { get, patch, post, type Group, type LivePerson, type Rule, type LiveSession, type LiveSettings, type LiveTargeting, type Me, type Operator } from '../../api';
import { applyFieldErrors } from '../../forms';
import { enums, useLabels } from '../../labels';
import { useAllGroups, useCommunities, useGroupSets } from '../Groups';
import { MemberPicker } from '../rules/MemberPicker';
import { liveKey, ruleSchedule, useDelivery, useSharingRules } from './live';

interface FormValues {
  title: string;
  description?: string;
  coverUrl?: string;
  communityId: string;
  mainGroupId?: string;
  /** The sharing rule a series relays. */
  ruleId?: string;
  scheduledAt?: Dayjs | null;
  host: LivePerson | null;
  speakers: LivePerson[];
  targets: Partial<LiveTargeting>;
  settings: { reminders: number[]; autoStart: boolean; notices: boolean };
}

/** A session of its own, or a series relaying a sharing rule's sessions. */
type Mode = 'own' | 'sharing';

/** The groups where a sharing rule may run its sessions, as far as the console can tell (the server has the last word). */
export function ruleGroups(groups: Group[], rule: Rule | undefined): Group[] {
  if (!rule) return [];
  return groups.filter((g) => (rule.targetType === 'group' ? g.id === rule.targetId : rule.targetType === 'community' ? g.communityId === rule.targetId : g.groupSetId === rule.targetId));
}

const REMINDERS = [5, 10, 15, 30, 60, 120, 24 * 60];

function useOperators() {
  return useQuery({ queryKey: ['operators'], queryFn: () => get<{ items: Operator[] }>('/operators') });
}

/** The groups a targeting picks, as the server resolves it (never the main group, never archived ones). */
export function resolveTargets(groups: Group[], t: FormValues['targets'], mainGroupId: string | undefined): Group[] {
  const ids = new Set(t.groupIds ?? []);
  const communities = new Set(t.communityIds ?? []);
  const sets = new Set(t.groupSetIds ?? []);
  const kinds = new Set(t.kinds ?? []);
  const regions = new Set(t.regions ?? []);
  const tags = new Set(t.tags ?? []);
  return groups.filter((g) => {
    if (g.status === 'archived' || g.id === mainGroupId) return false;
    if (ids.has(g.id)) return true;
    if (!communities.has(g.communityId) && !(g.groupSetId && sets.has(g.groupSetId)) && !(g.tags ?? []).some((x) => tags.has(x))) return false;
    return (!kinds.size || kinds.has(g.kind)) && (!regions.size || (g.region !== null && regions.has(g.region)));
  });
}

const targeting = (t: FormValues['targets']): LiveTargeting => ({
  groupIds: t.groupIds ?? [], communityIds: t.communityIds ?? [], groupSetIds: t.groupSetIds ?? [], kinds: t.kinds ?? [], regions: t.regions ?? [], tags: t.tags ?? [],
});
const person = (p: LivePerson): LivePerson => ({ type: p.type, id: p.id });
const samePeople = (a: LivePerson[], b: LivePerson[]) => a.length === b.length && a.every((p, i) => p.type === b[i]!.type && p.id === b[i]!.id);
const sameTargets = (a: LiveTargeting, b: LiveTargeting) =>
  (Object.keys(a) as (keyof LiveTargeting)[]).every((k) => (a[k] ?? []).length === (b[k] ?? []).length && [...(a[k] ?? [])].sort().join('\n') === [...(b[k] ?? [])].sort().join('\n'));
const sameSettings = (a: LiveSettings, b: LiveSettings) =>
  a.autoStart === b.autoStart && a.notices === b.notices && [...a.reminders].sort().join() === [...b.reminders].sort().join() && (a.questionPrefixes ?? []).join() === (b.questionPrefixes ?? []).join();
const httpUrl = (v: string | undefined) => {
  if (!v?.trim()) return null;
  try {
    const u = new URL(v.trim());
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
};

function valuesOf(s: LiveSession): FormValues {
  return {
    title: s.title,
    description: s.description ?? '',
    coverUrl: s.coverUrl ?? '',
    communityId: s.communityId,
    mainGroupId: s.mainGroupId,
    ...(s.ruleId ? { ruleId: s.ruleId } : {}),
    scheduledAt: s.scheduledAt ? dayjs(s.scheduledAt) : null,
    host: person(s.host),
    speakers: s.speakers.map(person),
    targets: targeting(s.targeting),
    settings: { reminders: s.settings.reminders, autoStart: s.settings.autoStart, notices: s.settings.notices },
  };
}

/** The PATCH for an edit: the fields that changed and that the session's status still lets change. */
function changes(s: LiveSession, v: FormValues): Record<string, unknown> {
  const started = s.status !== 'scheduled';
  const ended = s.status === 'ended';
  const out: Record<string, unknown> = {};
  if (v.title.trim() !== s.title) out.title = v.title.trim();
  const description = v.description?.trim() || null;
  if (description !== (s.description?.trim() || null)) out.description = description;
  const cover = v.coverUrl?.trim() || null;
  if (cover !== s.coverUrl) out.coverUrl = cover;
  if (!started) {
    const at = v.scheduledAt ? v.scheduledAt.toISOString() : null;
    if ((at === null ? null : Date.parse(at)) !== (s.scheduledAt === null ? null : Date.parse(s.scheduledAt))) out.scheduledAt = at;
  }
  if (!ended) {
    if (v.host && (v.host.type !== s.host.type || v.host.id !== s.host.id)) out.host = v.host;
    const speakers = (v.speakers ?? []).map(person);
    if (!samePeople(speakers, s.speakers.map(person))) out.speakers = speakers;
    const t = targeting(v.targets ?? {});
    if (!sameTargets(t, s.targeting)) out.targets = t;
    // The whole settings object is replaced: the ones the form does not show (question prefixes) go back as they were.
    const settings: LiveSettings = { ...s.settings, notices: v.settings.notices, ...(started ? {} : { reminders: v.settings.reminders, autoStart: v.settings.autoStart }) };
    if (!sameSettings(settings, s.settings)) out.settings = settings;
  }
  return out;
}

/** A field or section the session's status keeps as it is, and why. */
function Locked({ children, testId }: { children: ReactNode; testId?: string }) {
  return (
    <Typography.Text type="secondary" style={{ fontSize: 12, fontWeight: 'normal' }} data-testid={testId}>
      <LockOutlined /> {children}
    </Typography.Text>
  );
}

/** Plans a session, or (given `session`) edits a saved one. */
export function SessionForm({ me, session: s, onClose, onSaved }: { me: Me; session?: LiveSession; onClose: () => void; onSaved: (s: LiveSession) => void }) {
  const { t } = useTranslation();
  const { label, options } = useLabels();
  const { message } = App.useApp();
  const qc = useQueryClient();
  const [form] = Form.useForm<FormValues>();
  const [general, setGeneral] = useState<string[]>([]);
  const editing = !!s;
  const [mode, setMode] = useState<Mode>(s?.ruleId ? 'sharing' : 'own');
  const sharing = mode === 'sharing';
  const rules = useSharingRules();
  const started = !!s && s.status !== 'scheduled';
  const ended = s?.status === 'ended';
  const communities = useCommunities();
  const groups = useAllGroups();
  const sets = useGroupSets();
  // Groups brought in by group owners' applications stay targets whatever the targeting says.
  const delivery = useDelivery(s?.id ?? '', false, editing);
  const recruited = useMemo(() => (delivery.data?.groups ?? []).filter((g) => g.origin === 'recruit'), [delivery.data]);
  const all = useMemo(() => (groups.data?.items ?? []).filter((g) => g.status !== 'archived'), [groups.data]);
  const communityId = Form.useWatch('communityId', form);
  const mainGroupId = Form.useWatch('mainGroupId', form);
  const targets = Form.useWatch('targets', form);
  const scheduledAt = Form.useWatch('scheduledAt', form);
  const ruleId = Form.useWatch('ruleId', form);
  const rule = (rules.data ?? []).find((r) => r.id === ruleId);
  // A rule of the community: on the community, on one of its groups, or on a group set with some of its groups.
  const communityRules = useMemo(() => (rules.data ?? []).filter((r) => (r.enabled || r.id === s?.ruleId) && ruleGroups(all, r).some((g) => g.communityId === communityId)), [rules.data, all, communityId, s?.ruleId]);
  const mainChoices = useMemo(() => (sharing ? ruleGroups(all, rule).filter((g) => g.communityId === communityId) : all.filter((g) => !communityId || g.communityId === communityId)), [sharing, all, rule, communityId]);
  const ruleName = (r: Rule) => {
    const where = r.targetType === 'group' ? all.find((g) => g.id === r.targetId)?.name : r.targetType === 'community' ? communities.data?.items.find((c) => c.id === r.targetId)?.name : sets.data?.items.find((x) => x.id === r.targetId)?.name;
    return `${String(r.settings.title ?? '')}${where ? ` · ${where}` : ''}`;
  };
  const cover = httpUrl(Form.useWatch('coverUrl', form));
  const picked = useMemo(() => resolveTargets(all, targets ?? {}, mainGroupId), [all, targets, mainGroupId]);
  const extra = useMemo(() => recruited.filter((r) => !picked.some((g) => g.id === r.groupId)), [recruited, picked]);
  const count = picked.length + extra.length;
  const regions = useMemo(() => [...new Set(all.map((g) => g.region).filter((r): r is string => !!r))].sort(), [all]);
  const groupTags = useMemo(() => [...new Set(all.flatMap((g) => g.tags ?? []))].sort(), [all]);
  // The communities may arrive after the form: the first one is the default of a new session.
  const firstCommunity = communities.data?.items[0]?.id;
  useEffect(() => {
    if (!editing && firstCommunity && !form.getFieldValue('communityId')) form.setFieldValue('communityId', firstCommunity);
  }, [editing, firstCommunity, form]);
  const groupOption = (g: Group) => ({ value: g.id, label: g.name, hint: label(enums.platform, g.platform) });
  const optionRender = (o: { data: { label: string; hint: string } }) => (
    <span>{o.data.label}<Typography.Text type="secondary" style={{ fontSize: 12, marginInlineStart: 8 }}>{o.data.hint}</Typography.Text></span>
  );

  const save = useMutation({
    mutationFn: async (v: FormValues): Promise<LiveSession | null> => {
      if (s) {
        const body = changes(s, v);
        return Object.keys(body).length ? patch<LiveSession>(`/live-sessions/${s.id}`, body) : null;
      }
      return post<LiveSession>('/live-sessions', {
        title: v.title,
        ...(v.description?.trim() ? { description: v.description.trim() } : {}),
        ...(v.coverUrl?.trim() ? { coverUrl: v.coverUrl.trim() } : {}),
        communityId: v.communityId,
        // A series' main group may be left to the server when the rule runs in one group (it says which otherwise).
        ...(v.mainGroupId ? { mainGroupId: v.mainGroupId } : {}),
        ...(sharing ? { ruleId: v.ruleId } : v.scheduledAt ? { scheduledAt: v.scheduledAt.toISOString() } : {}),
        host: v.host,
        speakers: v.speakers ?? [],
        targets: targeting(v.targets ?? {}),
        settings: v.settings,
      });
    },
    onSuccess: (next) => {
      if (!next) {
        message.info(t('live.form.noChanges'));
        onClose();
        return;
      }
      qc.setQueryData(liveKey(next.id), next);
      void qc.invalidateQueries({ queryKey: ['live-sessions'] });
      if (editing) void qc.invalidateQueries({ queryKey: liveKey(next.id) });
      message.success(t(editing ? 'live.form.saved' : 'live.created', { title: next.title }));
      onSaved(next);
    },
    // "no target group" is the targeting's as a whole: shown under the groups picked.
    onError: (e) => setGeneral(applyFieldErrors(form, e, { targets: 'targets.groupIds' })),
  });

  const initialValues: Partial<FormValues> = s ? valuesOf(s) : {
    communityId: communities.data?.items[0]?.id,
    host: me.operator ? { type: 'operator', id: me.operator.id } : null,
    speakers: [],
    targets: targeting({}),
    settings: { reminders: [30], autoStart: true, notices: true },
  };
  const divider = (title: string, lock?: ReactNode) => (
    <Divider titlePlacement="start" plain style={{ margin: '4px 0 12px' }}>
      <Space size={10}><span>{title}</span>{lock}</Space>
    </Divider>
  );
  const endedLock = (section: string) => ended ? <Locked testId={`live-lock-${section}`}>{t('live.form.lockedEnded')}</Locked> : undefined;

  return (
    <Modal
      open
      title={s ? t('live.form.editTitle', { title: s.title }) : t('live.new')}
      width={860}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={s ? t('live.form.save') : t('live.create')}
      confirmLoading={save.isPending}
      okButtonProps={{ 'data-testid': 'live-save' } as Record<string, string>}
      destroyOnHidden
      styles={{ body: { maxHeight: 'calc(100vh - 220px)', overflowY: 'auto', paddingInlineEnd: 8 } }}
    >
      {started && (
        <Alert
          type={ended ? 'info' : 'warning'}
          showIcon
          title={t(ended ? 'live.form.endedNote' : 'live.form.startedNote')}
          style={{ marginBottom: 12 }}
          data-testid="live-form-locked"
          data-status={s?.status}
        />
      )}
      {general.length > 0 && <Alert type="error" showIcon title={general.join('；')} style={{ marginBottom: 12 }} data-testid="live-form-error" />}
      <Form
        form={form}
        layout="vertical"
        initialValues={initialValues}
        onFinish={(v) => {
          setGeneral([]);
          save.mutate(v);
        }}
        onValuesChange={(changed: Partial<FormValues>) => {
          // Another community: its groups (and rules), not the last one's.
          if ('communityId' in changed) form.setFieldsValue({ mainGroupId: undefined, ruleId: undefined });
          // A rule on one group: that group is the main group; over several, the operator picks one of them.
          if ('ruleId' in changed) {
            const r = (rules.data ?? []).find((x) => x.id === changed.ruleId);
            form.setFieldValue('mainGroupId', r?.targetType === 'group' ? r.targetId : undefined);
          }
          // The server's word on a field (a targeting is one: any of its fields) goes once it changes.
          const stale = form.getFieldsError().filter((f) => f.errors.length && String(f.name[0]) in changed);
          if (stale.length) (form as FormInstance).setFields(stale.map((f) => ({ name: f.name, errors: [] })));
        }}
        data-testid="live-form"
        data-mode={editing ? 'edit' : 'create'}
      >
        <div style={{ marginBottom: 16 }}>
          <Segmented<Mode>
            block
            value={mode}
            disabled={editing}
            onChange={(m) => {
              setMode(m);
              form.setFieldsValue({ ruleId: undefined, mainGroupId: undefined, scheduledAt: null });
              (form as FormInstance).setFields([{ name: 'ruleId', errors: [] }, { name: 'mainGroupId', errors: [] }]);
            }}
            options={[
              { value: 'own', label: <span data-testid="live-mode-own">{t('live.series.modeOwn')}</span> },
              { value: 'sharing', label: <span data-testid="live-mode-sharing">{t('live.series.modeSharing')}</span> },
            ]}
            data-testid="live-mode"
          />
          <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '6px 0 0' }}>
            {editing && sharing ? <Locked>{t('live.series.lockedMode')}</Locked> : t(sharing ? 'live.series.modeSharingHelp' : 'live.series.modeOwnHelp')}
          </Typography.Paragraph>
        </div>
        <Row gutter={12}>
          <Col span={14}>
            <Form.Item name="title" label={t('live.title')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
              <Input maxLength={100} placeholder={t('live.titlePh')} data-testid="live-title" />
            </Form.Item>
          </Col>
          <Col span={10}>
            <Form.Item name="communityId" label={t('groups.community')} rules={[{ required: true, message: t('common.required') }]}>
              <Select disabled={editing} options={(communities.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))} data-testid="live-community" />
            </Form.Item>
          </Col>
          {sharing && (
            <Col span={24}>
              <Form.Item
                name="ruleId"
                label={t('live.series.rule')}
                tooltip={t('live.series.ruleHelp')}
                rules={[{ required: true, message: t('live.series.needRule') }]}
                extra={rule ? <span data-testid="live-rule-schedule">{t('live.series.ruleSchedule', { schedule: ruleSchedule(t, rule) })}</span> : !rules.isPending && !communityRules.length ? t('live.series.noRules') : undefined}
              >
                <Select
                  disabled={editing}
                  showSearch={{ optionFilterProp: 'label' }}
                  loading={rules.isPending}
                  placeholder={t('live.series.rulePh')}
                  options={communityRules.map((r) => ({ value: r.id, label: ruleName(r), hint: ruleSchedule(t, r) }))}
                  optionRender={optionRender}
                  data-testid="live-rule"
                />
              </Form.Item>
            </Col>
          )}
          <Col span={sharing ? 24 : 14}>
            <Form.Item
              name="mainGroupId"
              label={t('live.mainGroup')}
              tooltip={t(sharing ? 'live.series.mainGroupHelp' : 'live.mainGroupHelp')}
              extra={editing ? <Locked testId="live-lock-main">{t('live.form.lockedMain')}</Locked> : sharing && rule && rule.targetType !== 'group' ? t('live.series.mainGroupPick') : undefined}
              rules={sharing ? [] : [{ required: true, message: t('common.required') }]}
            >
              <Select
                disabled={editing || (sharing && (!rule || rule.targetType === 'group'))}
                allowClear={sharing}
                showSearch={{ optionFilterProp: 'label' }}
                placeholder={sharing ? t('live.series.mainGroupPh') : t('live.mainGroupPh')}
                options={mainChoices.map(groupOption)}
                optionRender={optionRender}
                data-testid="live-main-group"
              />
            </Form.Item>
          </Col>
          {!sharing && (
            <Col span={10}>
              <Form.Item
                name="scheduledAt"
                label={t('live.schedule')}
                tooltip={t('live.scheduleHelp')}
                extra={started ? <Locked testId="live-lock-schedule">{t(ended ? 'live.form.lockedEnded' : 'live.form.lockedStarted')}</Locked> : undefined}
              >
                <DatePicker
                  disabled={started}
                  showTime={{ format: 'HH:mm' }}
                  format="YYYY-MM-DD HH:mm"
                  style={{ width: '100%' }}
                  placeholder={started ? t('live.noSchedule') : t('live.schedulePh')}
                  data-testid="live-scheduled"
                />
              </Form.Item>
            </Col>
          )}
          <Col span={24}>
            <Form.Item label={t('live.form.cover')} tooltip={t('live.form.coverHelp')} style={{ marginBottom: 0 }}>
              <div style={{ display: 'flex', gap: 12, alignItems: 'flex-start' }}>
                <Form.Item
                  name="coverUrl"
                  style={{ flex: 1 }}
                  rules={[{ validator: (_, v: string | undefined) => (!v?.trim() || httpUrl(v) ? Promise.resolve() : Promise.reject(new Error(t('live.form.coverInvalid')))) }]}
                >
                  <Input allowClear maxLength={500} placeholder="https://…" data-testid="live-cover" />
                </Form.Item>
                {cover && <Image src={cover} width={96} height={54} style={{ objectFit: 'cover', borderRadius: 4 }} data-testid="live-cover-preview" />}
              </div>
            </Form.Item>
          </Col>
          <Col span={24}>
            <Form.Item name="description" label={t('live.description')}>
              <Input.TextArea autoSize={{ minRows: 1, maxRows: 4 }} maxLength={2000} data-testid="live-description" />
            </Form.Item>
          </Col>
        </Row>

        {divider(t('live.people'), endedLock('people'))}
        <ConfigProvider componentDisabled={ended}>
          <Row gutter={12}>
            <Col span={10}>
              <Form.Item name="host" label={t('live.host')} tooltip={t('live.hostHelp')} rules={[{ required: true, message: t('common.required') }]}>
                <PersonInput groupId={mainGroupId ?? null} />
              </Form.Item>
            </Col>
            <Col span={14}>
              <Form.Item
                name="speakers"
                label={t('live.speakers')}
                tooltip={t('live.speakersHelp')}
                extra={sharing ? t('live.series.speakersHelp') : undefined}
                rules={[{ validator: (_, v: LivePerson[] | undefined) => (sharing || v?.length ? Promise.resolve() : Promise.reject(new Error(t('live.needSpeaker')))) }]}
              >
                <SpeakersInput groupId={mainGroupId ?? null} />
              </Form.Item>
            </Col>
          </Row>
        </ConfigProvider>

        {divider(t('live.targetsTitle'), endedLock('targets'))}
        <ConfigProvider componentDisabled={ended}>
          <Row gutter={12}>
            <Col span={24}>
              <Form.Item
                name={['targets', 'groupIds']}
                label={t('live.targetGroups')}
                extra={started && !ended ? t('live.form.targetsWhileLive') : t('live.targetGroupsHelp')}
              >
                <Select
                  mode="multiple"
                  allowClear
                  showSearch={{ optionFilterProp: 'label' }}
                  placeholder={t('live.targetGroupsPh')}
                  options={all.filter((g) => g.id !== mainGroupId).map(groupOption)}
                  optionRender={optionRender}
                  data-testid="live-target-groups"
                />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name={['targets', 'communityIds']} label={t('live.targetCommunities')}>
                <Select mode="multiple" allowClear showSearch={{ optionFilterProp: 'label' }} options={(communities.data?.items ?? []).map((c) => ({ value: c.id, label: c.name }))} data-testid="live-target-communities" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name={['targets', 'groupSetIds']} label={t('live.targetSets')}>
                <Select mode="multiple" allowClear showSearch={{ optionFilterProp: 'label' }} options={(sets.data?.items ?? []).map((x) => ({ value: x.id, label: `${x.name}（${x.groupCount}）` }))} data-testid="live-target-sets" />
              </Form.Item>
            </Col>
            <Col span={24}>
              <Form.Item name={['targets', 'tags']} label={t('live.targetTags')}>
                <Select mode="multiple" allowClear options={groupTags.map((x) => ({ value: x, label: x }))} placeholder={t('live.targetTagsPh')} data-testid="live-target-tags" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name={['targets', 'kinds']} label={t('live.targetKinds')} tooltip={t('live.filtersHelp')}>
                <Select mode="multiple" allowClear options={options(enums.groupKind)} placeholder={t('live.anyKind')} data-testid="live-target-kinds" />
              </Form.Item>
            </Col>
            <Col span={12}>
              <Form.Item name={['targets', 'regions']} label={t('live.targetRegions')} tooltip={t('live.filtersHelp')}>
                <Select mode="tags" allowClear options={regions.map((r) => ({ value: r, label: r }))} placeholder={t('live.anyRegion')} data-testid="live-target-regions" />
              </Form.Item>
            </Col>
          </Row>
        </ConfigProvider>
        <div style={{ margin: '-8px 0 16px' }} data-testid="live-target-preview" data-count={count}>
          <Typography.Text type={count ? undefined : 'secondary'}>{t('live.targetPreview', { count })}</Typography.Text>
          {count > 0 && (
            <div style={{ marginTop: 6, display: 'flex', flexWrap: 'wrap', gap: 4 }}>
              {picked.slice(0, 12).map((g) => <Tag key={g.id} bordered={false}>{g.name}</Tag>)}
              {picked.length > 12 && <Tag bordered={false}>+{picked.length - 12}</Tag>}
              {extra.map((g) => <Tag key={g.groupId} color="purple" bordered={false} data-testid="live-target-recruited">{g.name} · {t('live.delivery.recruited')}</Tag>)}
            </div>
          )}
          {extra.length > 0 && !ended && <Typography.Paragraph type="secondary" style={{ fontSize: 12, margin: '4px 0 0' }}>{t('live.form.recruitedStay')}</Typography.Paragraph>}
        </div>

        {divider(t('live.settings'), endedLock('settings') ?? (started ? <Locked testId="live-lock-settings">{t('live.form.lockedReminders')}</Locked> : undefined))}
        <Row gutter={12}>
          <Col span={12}>
            <Form.Item name={['settings', 'reminders']} label={t('live.reminders')} extra={sharing ? t('live.series.remindersHelp') : started || scheduledAt ? undefined : t('live.remindersNeedSchedule')}>
              <Select
                mode="multiple"
                allowClear
                disabled={started}
                maxCount={5}
                options={REMINDERS.map((m) => ({ value: m, label: m >= 60 ? t('live.hoursBefore', { count: m / 60 }) : t('live.minutesBefore', { count: m }) }))}
                placeholder={t('live.noReminders')}
                data-testid="live-reminders"
              />
            </Form.Item>
          </Col>
          <Col span={6} style={sharing ? { display: 'none' } : undefined}>
            <Form.Item name={['settings', 'autoStart']} label={t('live.autoStart')} tooltip={t('live.autoStartHelp')} valuePropName="checked">
              <Switch disabled={started} data-testid="live-autostart" />
            </Form.Item>
          </Col>
          <Col span={6}>
            <Form.Item name={['settings', 'notices']} label={t('live.notices')} tooltip={t('live.noticesHelp')} valuePropName="checked">
              <Switch disabled={ended} data-testid="live-notices" />
            </Form.Item>
          </Col>
        </Row>
      </Form>
    </Modal>
  );
}

/** A member (the main group's first) or an operator of the team. */
function PersonInput({ value, onChange, groupId }: { value?: LivePerson | null; onChange?: (v: LivePerson | null) => void; groupId: string | null }) {
  const { t } = useTranslation();
  const operators = useOperators();
  // The kind picked before a person is: a saved host's kind is the host's.
  const [picking, setPicking] = useState<LivePerson['type']>(value?.type ?? 'operator');
  const type = value?.type ?? picking;
  return (
    <Space.Compact style={{ width: '100%' }}>
      <Select<LivePerson['type']>
        style={{ width: 112, flex: 'none' }}
        value={type}
        onChange={(v) => {
          setPicking(v);
          onChange?.(null);
        }}
        options={[{ value: 'operator', label: t('live.operator') }, { value: 'member', label: t('live.member') }]}
        data-testid="live-host-type"
      />
      {type === 'operator' ? (
        <Select<string>
          style={{ flex: 1 }}
          showSearch={{ optionFilterProp: 'label' }}
          value={value?.type === 'operator' ? value.id : undefined}
          onChange={(id) => onChange?.({ type: 'operator', id })}
          options={(operators.data?.items ?? []).filter((o) => !o.disabled || o.id === value?.id).map((o) => ({ value: o.id, label: o.name }))}
          placeholder={t('live.pickOperator')}
          data-testid="live-host"
        />
      ) : (
        <MemberPicker groupId={groupId} value={value?.type === 'member' ? value.id : null} onChange={(id) => onChange?.(id ? { type: 'member', id } : null)} style={{ flex: 1 }} testId="live-host" />
      )}
    </Space.Compact>
  );
}

/** Members who speak (the main group's members offered first) and operators of the team; members first. */
function SpeakersInput({ value, onChange, groupId }: { value?: LivePerson[]; onChange?: (v: LivePerson[]) => void; groupId: string | null }) {
  const { t } = useTranslation();
  const operators = useOperators();
  const v = value ?? [];
  const members = v.filter((p) => p.type === 'member').map((p) => p.id);
  const ops = v.filter((p) => p.type === 'operator').map((p) => p.id);
  const set = (m: string[], o: string[]) => onChange?.([...m.map((id) => ({ type: 'member' as const, id })), ...o.map((id) => ({ type: 'operator' as const, id }))]);
  return (
    <Space orientation="vertical" size={6} style={{ width: '100%' }}>
      <MemberPicker multiple groupId={groupId} value={members} onChange={(m) => set(m, ops)} placeholder={t('live.pickMembers')} testId="live-speakers" />
      <Select<string[]>
        mode="multiple"
        allowClear
        showSearch={{ optionFilterProp: 'label' }}
        value={ops}
        onChange={(o) => set(members, o)}
        options={(operators.data?.items ?? []).filter((o) => !o.disabled || ops.includes(o.id)).map((o) => ({ value: o.id, label: o.name }))}
        placeholder={t('live.pickOperators')}
        style={{ width: '100%' }}
        data-testid="live-speaker-operators"
      />
    </Space>
  );
}
