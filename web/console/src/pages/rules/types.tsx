// The rule types the console edits, in one table: each names its family (入群 · 引入 · 交流 · 分享 · 淘汰),
// the key of its labels and test ids, the defaults the server applies where no rule does, and one small form.
// A type the server knows and this table does not (a newer server) still lists, switches and deletes, and
// edits as JSON: adding its form is one row here.
import type { ComponentType } from 'react';
import type { Group, RuleTargetType } from '../../api';
import { ADMISSION_DEFAULTS, AdmissionFields, admissionFromForm, admissionToForm } from './fields/Admission';
import { POST_DEFAULTS, PostFields, QUIET_DEFAULTS, QuietFields, postFromForm, postToForm, quietFromForm } from './fields/Communication';
import {
  INACTIVITY_DEFAULTS, InactivityFields, RANKING_DEFAULTS, RankingFields, SUNSET_DEFAULTS, SunsetFields, inactivityFromForm, rankingFromForm, rankingToForm, sunsetFromForm,
} from './fields/Elimination';
import {
  CapacityFields, EntryFields, RitualFields, capacityFromForm, capacityToForm, entryFromForm, entryToForm, ritualFromForm, ritualToForm,
} from './fields/Joining';
import { JsonFields, jsonFromForm, jsonToForm } from './fields/Json';
import { MODERATION_DEFAULTS, ModerationFields, moderationFromForm, moderationToForm } from './fields/Moderation';
import { MuteFields, muteFromForm, muteToForm } from './fields/Mute';
import { SHARING_DEFAULTS, SharingFields, sharingFromForm, sharingToForm } from './fields/Sharing';

export const FAMILIES = ['joining', 'admission', 'communication', 'sharing', 'elimination'] as const;
export type Family = (typeof FAMILIES)[number];

export type FormSettings = Record<string, unknown>;

/** What a rule is set on; `group` is the group itself when the target is one. */
export interface RuleTarget {
  type: RuleTargetType;
  id: string;
  name: string;
  group: Group | null;
}

export interface FieldsProps {
  target: RuleTarget;
}

export interface RuleTypeDef {
  type: string;
  family: Family;
  /** Labels (rules.type.<key>) and test ids (rule-<key>-…). */
  key: string;
  /** The server's defaults: what applies where no rule does, and where a new rule starts. */
  defaults: Record<string, unknown>;
  Fields: ComponentType<FieldsProps>;
  toForm: (settings: Record<string, unknown>) => FormSettings;
  fromForm: (values: FormSettings) => Record<string, unknown>;
  /** Server field paths that the form keeps elsewhere (settings.priceFen is shown in yuan). */
  rename?: Record<string, string>;
  /** The editor's width in pixels. */
  width?: number;
  /** False for a type only the server knows: edited as JSON. */
  known: boolean;
  /**
   * The settings this form edits. Any other setting (one a newer server added) is sent back as it was,
   * never reset to its default by a save. Absent: the form sends the settings whole (the JSON editor).
   */
  owns?: readonly string[];
}

const same = (s: Record<string, unknown>): FormSettings => ({ ...s });

export const RULE_TYPES: readonly RuleTypeDef[] = [
  {
    type: 'joining.entry', family: 'joining', key: 'entry', known: true, defaults: { mode: 'open', questions: [] },
    Fields: EntryFields, toForm: entryToForm, fromForm: entryFromForm, rename: { 'settings.priceFen': 'settings.priceYuan' },
    owns: ['mode', 'code', 'task', 'priceFen', 'questions'],
  },
  {
    type: 'joining.ritual', family: 'joining', key: 'ritual', known: true,
    defaults: {
      rulesText: '', dataUseNotice: '', welcomeTemplate: '欢迎 {nickname} 加入{group}！你的编号是 {number}。', nicknamePattern: '', nicknameExample: '', consentRequired: true,
      nicknameRemindMinutes: 30, iceBreaker: '', rewardPoints: 10,
    },
    Fields: RitualFields, toForm: ritualToForm, fromForm: ritualFromForm, width: 720,
    owns: ['rulesText', 'dataUseNotice', 'welcomeTemplate', 'nicknamePattern', 'nicknameExample', 'consentRequired', 'nicknameRemindMinutes', 'iceBreaker', 'rewardPoints'],
  },
  {
    type: 'joining.capacity', family: 'joining', key: 'capacity', known: true, defaults: { order: 'fill', thresholdPercent: 100, growAtPercent: null },
    Fields: CapacityFields, toForm: capacityToForm, fromForm: capacityFromForm, owns: ['thresholdPercent', 'growAtPercent'],
  },
  {
    type: 'admission.invite', family: 'admission', key: 'admission', known: true, defaults: ADMISSION_DEFAULTS,
    Fields: AdmissionFields, toForm: admissionToForm, fromForm: admissionFromForm, owns: ['who', 'roles', 'perMemberLimit', 'approval'],
  },
  {
    type: 'communication.mute_schedule', family: 'communication', key: 'mute', known: true,
    defaults: { allMuted: false, windows: [], timezone: 'Asia/Shanghai', exemptRoles: ['creator', 'manager'] },
    Fields: MuteFields, toForm: muteToForm, fromForm: muteFromForm, owns: ['allMuted', 'windows', 'timezone', 'exemptRoles'],
  },
  {
    type: 'communication.moderation', family: 'communication', key: 'moderation', known: true, defaults: MODERATION_DEFAULTS,
    Fields: ModerationFields, toForm: moderationToForm, fromForm: moderationFromForm, width: 760,
    owns: ['detect', 'newMemberLinkHours', 'flood', 'steps', 'muteMinutes', 'windowDays', 'exemptRoles', 'allowMembers', 'warnTemplate'],
  },
  {
    type: 'communication.post', family: 'communication', key: 'post', known: true, defaults: POST_DEFAULTS,
    Fields: PostFields, toForm: postToForm, fromForm: postFromForm, owns: ['trigger', 'text'],
  },
  {
    type: 'communication.quiet', family: 'communication', key: 'quiet', known: true, defaults: QUIET_DEFAULTS,
    Fields: QuietFields, toForm: same, fromForm: quietFromForm, owns: ['baselineDays', 'belowPercent', 'minBaselinePerDay', 'topics'],
  },
  {
    type: 'sharing.session', family: 'sharing', key: 'sharing', known: true, defaults: SHARING_DEFAULTS,
    Fields: SharingFields, toForm: sharingToForm, fromForm: sharingFromForm, width: 720,
    owns: ['title', 'days', 'at', 'durationMinutes', 'timezone', 'speakers', 'remindMinutes', 'liftMute', 'summaryDueHours'],
  },
  {
    type: 'elimination.inactivity', family: 'elimination', key: 'inactivity', known: true, defaults: INACTIVITY_DEFAULTS, width: 720,
    Fields: InactivityFields, toForm: same, fromForm: inactivityFromForm, owns: ['inactiveDays', 'graceDays', 'counts', 'exemptRoles', 'allowMembers', 'warnTemplate'],
  },
  {
    type: 'elimination.ranking', family: 'elimination', key: 'ranking', known: true, defaults: RANKING_DEFAULTS, width: 760,
    Fields: RankingFields, toForm: rankingToForm, fromForm: rankingFromForm,
    owns: ['days', 'at', 'timezone', 'windowDays', 'weights', 'bottomK', 'promoteK', 'fromGroupIds', 'exemptRoles'],
  },
  {
    type: 'elimination.sunset', family: 'elimination', key: 'sunset', known: true, defaults: SUNSET_DEFAULTS,
    Fields: SunsetFields, toForm: same, fromForm: sunsetFromForm, owns: ['action', 'successorGroupId', 'daysBefore', 'text'],
  },
];

const BY_TYPE = new Map(RULE_TYPES.map((d) => [d.type, d]));

/** The definition of a type; one this console does not know gets the JSON editor. */
export function ruleDef(type: string, family?: string): RuleTypeDef {
  const hit = BY_TYPE.get(type);
  if (hit) return hit;
  const fam = (FAMILIES as readonly string[]).includes(family ?? '') ? (family as Family) : ((FAMILIES as readonly string[]).includes(type.split('.')[0]!) ? (type.split('.')[0] as Family) : 'communication');
  return { type, family: fam, key: type.replace(/[^a-z0-9]+/gi, '-'), known: false, defaults: {}, Fields: JsonFields, toForm: jsonToForm, fromForm: jsonFromForm, width: 680 };
}

export const typesOf = (family: Family) => RULE_TYPES.filter((d) => d.family === family);

/** The settings to save: the form's, and whatever else the rule had that the form does not edit. */
export function settingsToSave(def: RuleTypeDef, initial: Record<string, unknown>, values: FormSettings): Record<string, unknown> {
  const edited = def.fromForm(values);
  if (!def.owns) return edited;
  const kept = Object.fromEntries(Object.entries(initial).filter(([k]) => !def.owns!.includes(k)));
  return { ...kept, ...edited };
}
