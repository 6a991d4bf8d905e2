export * from './joining.schema.ts';
export {
  inviteWorkspace, invitePath, createInvite, listInvites, revokeInvite, referralInvite, viewInvite, submitJoin, listJoinRequests,
  approveJoinRequest, rejectJoinRequest, checkMayInvite,
} from './joining.service.ts';
export { checkNickname, parsePattern, renderWelcome } from './ritual.ts';
