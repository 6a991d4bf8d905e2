export * from './relay.schema.ts';
export {
  createSession, listSessions, getSession, updateSession, deleteSession, commandSession, delivery, sessionStats, listQuestions, answerQuestion, dismissQuestion,
  archive, editArchive, rebroadcast, memberReplays, memberReplay, publicSession, apply, listApplications, decideApplication, type LiveCommand,
} from './relay.service.ts';
export { runRelay, workspacesWithLive, type RelayDeps } from './relay.runner.ts';
export { DEFAULT_QUESTION_PREFIXES } from './relay.text.ts';
