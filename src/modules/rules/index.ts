export * from './rules.schema.ts';
export { listRules, getRule, createRule, updateRule, deleteRule, effectiveRule, type EffectiveRule } from './rules.service.ts';
export {
  ruleTypes, ruleTypeNames, ruleFamilies, entryModes, parseSettings, previewOf, type RuleType, type RuleSettings, type RuleFamily, type EntryMode,
  type EntrySettings, type RitualSettings, type CapacitySettings, type MuteScheduleSettings, type ModerationSettings, type ModerationStep, moderationSteps, ModerationSettingsSchema, type SharingSettings,
} from './rule-types.ts';
export { muteStateAt, type MuteState } from './mute-schedule.ts';
export { ruleCacheListener } from './rule-cache.ts';
export { runRules, runnerState, dryRun, applyLadder, workspacesWithRules, type Judgement } from './runner.ts';
export { violationOf, stepFor } from './moderation.ts';
export {
  runSchedules, runInactivity, runRitualReminders, runQuiet, runScheduledPosts, runRanking, runSunset, sharingLifts, sharingGroups, sharingOccurrences, type SharingOccurrence,
} from './schedule-runner.ts';
export { LIVE_PLATFORMS, ownsChat } from './platforms.ts';
export { sessionsBetween, liveSession } from './sharing.ts';
export { ruleTemplates, applyRuleTemplate, RuleTemplateSchema, type RuleTemplate } from './templates.ts';
