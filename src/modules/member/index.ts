export * from './member.schema.ts';
export {
  createMember, getMember, updateMember, deleteMember, addIdentity, removeIdentity, joinGroup, updateMembership, listGroupMembers,
  visibleMemberRow, rewriteTerms, toMember, membershipUpdated, nameInGroup,
} from './member.service.ts';
export { searchMembers, type SearchPage } from './member.search.ts';
export { exportMembers, type ExportFile } from './member.export.ts';
export { importMembers, resolveColumns, importableFields, type ImportRow, type ImportReport, type ImportOptions } from './member.import.ts';
export { memberTerms, nameGrams, normalizePhone, phoneLast4 } from './member.terms.ts';
export { formatNumber } from './member.numbering.ts';
