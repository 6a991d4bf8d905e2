// API shapes both web apps read (the OpenAPI document at /api/v1/openapi.json is the reference).

export interface ChatImage {
  id: string;
  width: number;
  height: number;
  name: string;
}

/** A file posted in the chat: voice and audio play in the page, a video too, anything else is downloaded. */
export interface ChatFile {
  id: string;
  name: string;
  mime: string;
  bytes: number;
  kind: 'file' | 'voice' | 'video' | 'audio';
}

/** One line of a group's chat as its members see it (chat pages, and `chat.item` events on `chat:<id>`). */
export interface ChatItem {
  id: string;
  cursor: string;
  kind: 'message' | 'join' | 'leave' | 'announcement';
  memberId: string | null;
  /** The team's name for posts by the group's operators (a team post, the welcome, an announcement). */
  system: string | null;
  text: string | null;
  replyTo: string | null;
  mentions: string[];
  image: ChatImage | null;
  /** Absent from items written before files could be posted. */
  file?: ChatFile | null;
  question: boolean;
  /** Marked as good content (精华); chat pages only. */
  highlighted: boolean;
  number: string | null;
  occurredAt: string;
}

/** A task given to a member (by the team or a rule). */
export interface Task {
  id: string;
  memberId: string;
  groupId: string | null;
  title: string;
  detail: string;
  dueAt: string | null;
  status: 'open' | 'done' | 'confirmed' | 'cancelled';
  originType: string;
  originId: string | null;
  createdAt: string;
  completedAt: string | null;
  confirmedAt: string | null;
  confirmedBy: string | null;
}

/** A member's points ledger and badges. */
export interface Points {
  total: number;
  entries: { id: string; points: number; reason: string; ruleId: string | null; activityId: string | null; createdAt: string }[];
  badges: { badge: string; reason: string; ruleId: string | null; createdAt: string }[];
}
