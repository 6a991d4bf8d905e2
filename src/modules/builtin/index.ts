// The built-in web community (自建社区): member sessions and the member app's chat.
export * from './builtin.schema.ts';
export { openMemberSession, memberSessionFrom, bindMemberSession, endMemberSession, endSessionsOf, MEMBER_SESSION_TTL_MS, MEMBER_COOKIE, type MemberSession } from './member-session.ts';
export {
  MEMBER_APP, memberHome, updateProfile, chatGroup, chatPage, chatAfter, memberChatPage, isActiveMember, postChat, leaveGroup, highlight, setNickname, setInDirectory, roster, directory,
  uploadUrl, memberUpload, teamUpload, storeUpload, chatFileOf, type ChatFile, readUpload, reportInGroup, listReports, decideReport, memberQuestions, teamQuestions, postAsTeam, setAnnouncement,
} from './chat.service.ts';
export { sniffImage, sniffFile, cleanFileName, kindOfUpload, servedInline, IMAGE_MAX_BYTES, FILE_MAX_BYTES, type FileKind } from './image.ts';
export { builtinConnector, isBlacklisted } from './connector.ts';
