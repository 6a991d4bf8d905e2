export { dayStart, isTimeZone, localDayHour, monthKey, monthOf, monthStartDay } from './calendar.ts';
export { addImportToRollups, addToRollups, analyticsTimezone, communityScope, rebuildRollups, recountMembers, DEFAULT_TIMEZONE, type RollupRow } from './rollup.ts';
export { funnel, groupHealth, overview, retention, team, value } from './dashboard.ts';
export * from './analytics.schema.ts';
export { meetups, structure } from './structure.ts';
export { drillMembers } from './drill.ts';
export { listWeeklyReports, report, reportWorkbook, weeklyReport, writeWeeklyReports, type Report } from './report.ts';
export { resolveScope } from './dashboard.ts';
export { addImportToVoice, runVoice, voice } from './voice.ts';
