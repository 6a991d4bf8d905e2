export { mergeSuggestions, rejectSuggestion, mergeMembers, splitMerge, listMerges, type MergeSuggestion, type MemberMerge, type Evidence } from './identity.service.ts';
export { duplicatesReport, type DuplicatesReport } from './duplicates.ts';
