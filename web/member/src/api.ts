// The member app's client for /api/v1: the member session cookie travels by itself (httpOnly); writes
// echo the session's CSRF token, which GET /api/v1/me returns. Errors become ApiError with the problem.
export interface FieldError {
  field: string;
  reason: string;
}
export interface Problem {
  status: number;
  title: string;
  detail: string;
  code: string;
  errors?: FieldError[];
  refusal?: { reason?: string; until?: string | null; why?: string; pattern?: string; example?: string };
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail || problem.title);
  }
  get status() {
    return this.problem.status;
  }
  /** The reason for a field, e.g. `nickname`, when the server named it. */
  fieldReason(field: string): string | undefined {
    return this.problem.errors?.find((e) => e.field === field || e.field === `body.${field}`)?.reason;
  }
}

import { readResponse } from '../../shared/response';

export type { ChatFile, ChatImage, ChatItem, Points, Task } from '../../shared/api-types';

let csrf = '';
export const setCsrf = (token: string) => {
  csrf = token;
};

/** The session's CSRF token; a session opened by joining (after the page loaded) has one the page has not seen yet. */
async function refreshCsrf(): Promise<void> {
  const res = await fetch('/api/v1/me', { headers: { accept: 'application/json' }, credentials: 'same-origin' });
  if (res.ok) csrf = ((await res.json()) as { csrfToken: string }).csrfToken;
}

export async function api<T>(method: string, path: string, body?: unknown, init: { raw?: Blob; query?: Record<string, string> } = {}, retried = false): Promise<T> {
  if (method !== 'GET' && !csrf && path.startsWith('/me')) await refreshCsrf();
  const headers: Record<string, string> = { accept: 'application/json' };
  let payload: BodyInit | undefined;
  if (init.raw) {
    payload = init.raw;
    headers['content-type'] = 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  const qs = init.query ? `?${new URLSearchParams(init.query).toString()}` : '';
  const res = await fetch(`/api/v1${path}${qs}`, { method, headers, body: payload, credentials: 'same-origin' });
  if (res.status === 204) return undefined as T;
  const { data, problem: p } = await readResponse<Problem>(res);
  if (p) {
    if (p.code === 'auth.csrf' && !retried) {
      await refreshCsrf();
      return api<T>(method, path, body, init, true);
    }
    throw new ApiError({ status: p.status, title: p.title, detail: p.detail, code: p.code, errors: p.errors, refusal: p.refusal });
  }
  return data as T;
}

// ---- shapes (see the OpenAPI document at /api/v1/openapi.json) ----

export interface JoinView {
  code: string;
  group: { id: string; name: string };
  groupSet: { id: string; name: string } | null;
  mode: 'open' | 'application' | 'code' | 'task' | 'paid';
  modeText: string;
  priceFen: number | null;
  task: string | null;
  questions: string[];
  ritual: { rulesText: string; dataUseNotice: string; nicknamePattern: string; nicknameExample: string; consentRequired: boolean } | null;
  alreadyMember: boolean;
  pendingRequestId: string | null;
}

export interface NicknameFormat {
  pattern: string;
  example: string;
}

export interface JoinResult {
  status: 'joined' | 'pending';
  groupId: string;
  groupName: string;
  memberId: string | null;
  number: string | null;
  welcome: string | null;
  requestId: string | null;
  nicknameNeeded: NicknameFormat | null;
}

export type Role = 'creator' | 'manager' | 'participant' | 'pioneer' | 'splitter' | 'partner' | 'payer';

export interface MeGroup {
  groupId: string;
  name: string;
  membershipId: string;
  number: string | null;
  nickname: string | null;
  role: Role;
  joinedAt: string;
  nicknameNeeded: NicknameFormat | null;
}

export interface Me {
  member: { id: string; displayName: string; city: string | null; occupation: string | null; skills: string[] };
  groups: MeGroup[];
  csrfToken: string;
}



export interface ChatGroup {
  id: string;
  name: string;
  platform: string;
  announcement: { text: string; at: string } | null;
  rulesText: string;
  memberCount: number;
  me: MeGroup & { inDirectory: boolean; expert: boolean; mutedUntil: string | null };
  mute: { muted: boolean; reason: string | null; until: string | null };
  cursor: string | null;
}

export interface RosterEntry {
  memberId: string;
  displayName: string;
  nickname: string | null;
  number: string | null;
  role: Role;
  expert: boolean;
}

export interface DirectoryEntry {
  memberId: string;
  name: string;
  number: string | null;
  city: string | null;
  occupation: string | null;
  skills: string[];
  expert: boolean;
}

export interface Upload {
  id: string;
  url: string;
  width: number;
  height: number;
  name: string;
  mime: string;
  bytes: number;
  kind: 'image' | 'file' | 'voice' | 'video' | 'audio';
}

export interface Question {
  id: string;
  memberId: string;
  activityId: string;
  text: string;
  status: 'open' | 'answered';
  createdAt: string;
}

export const imageUrl = (id: string) => `/api/v1/uploads/${encodeURIComponent(id)}`;
/** Any upload's address (the server decides from the bytes whether it is shown or downloaded). */
export const uploadUrl = imageUrl;

export { fileSize } from '../../shared/format';


// ---- live relays: replays (member session) and the recruitment page for group owners (public) ----

export interface ReplayMessage {
  id: string;
  seq: number;
  kind: 'speech' | 'answer' | 'notice';
  /** The name said with the message (an answer's: who answered, e.g. 主讲). */
  speaker: string;
  text: string;
  image: { url: string; width: number; height: number } | null;
  /** A relayed voice or file (absent where the server's archive does not carry it). */
  file?: { url: string; name: string; bytes: number; kind: 'file' | 'voice' | 'video' | 'audio' } | null;
  replyToSeq: number | null;
  question: { asker: string; group: string; text: string } | null;
  at: string;
}

export interface Replay {
  id: string;
  title: string;
  description: string | null;
  coverUrl: string | null;
  summary: string | null;
  startedAt: string | null;
  endedAt: string | null;
  speakers: string[];
  messages: ReplayMessage[];
}

export type ReplaySummary = Omit<Replay, 'messages'> & { messageCount: number; community: string };

export type LiveStatus = 'scheduled' | 'live' | 'paused' | 'ended';

export interface PublicLiveSession {
  id: string;
  title: string;
  description: string | null;
  coverUrl: string | null;
  scheduledAt: string | null;
  status: LiveStatus;
  community: string;
  /** The bots a Telegram group owner adds to their group, e.g. `@tea_live_bot`. */
  telegramBots: string[];
}

export const applicationPlatforms = ['telegram', 'wechat', 'wecom', 'qq', 'builtin', 'other'] as const;
export type ApplicationPlatform = (typeof applicationPlatforms)[number];

export interface LiveApplicationInput {
  platform: ApplicationPlatform;
  groupName: string;
  groupRef?: string;
  applicant: string;
  contact: string;
  members?: number;
  note?: string;
}

export interface LiveApplication extends Required<Pick<LiveApplicationInput, 'platform' | 'groupName' | 'applicant' | 'contact'>> {
  id: string;
  sessionId: string;
  groupRef: string | null;
  members: number | null;
  note: string | null;
  status: 'pending' | 'approved' | 'rejected';
  createdAt: string;
}
