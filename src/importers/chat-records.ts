// What every chat-export reader yields, whatever the platform: chats, messages and service events in file
// order, each keyed by the platform's own ids where the format has them. The import (src/modules/chat-import)
// turns them into groups, members, memberships and activities.

export type ChatKind = 'group' | 'channel' | 'private' | 'bot' | 'saved';

/** A person as the file names them: by the platform's id where it has one, else by name only. */
export interface Person {
  /** The platform's id (e.g. Telegram `user123` → `123`), or null when the file names them only. */
  id: string | null;
  name: string;
}

export interface ChatInfo {
  /** The platform's id of the chat (unique in the file). */
  id: string;
  name: string;
  kind: ChatKind;
  /** A chat the account has left (Telegram's `left_chats`). */
  left: boolean;
}

interface At {
  chatId: string;
  /** Unique within the chat: the platform's message id, or a key made of time, sender and text. */
  id: string;
  /** Epoch ms. */
  at: number;
  /** Where in the file, for the report (e.g. `byte 1234`, `line 56`). */
  where: string;
}

export interface MessageRecord extends At {
  type: 'message';
  from: Person;
  text: string;
  /** What the activity keeps beside the text: reply, media, forward, edit. */
  extra: Record<string, unknown>;
}

export interface ServiceRecord extends At {
  type: 'service';
  /** `join` and `leave` are activities of their own kinds; other events are kind `service`. */
  kind: 'join' | 'leave' | 'service';
  /** The platform's name for it (e.g. `invite_members`, `edit_group_title`). */
  event: string;
  actor: Person | null;
  /** Who joined or left (the actor when empty and the event is a join or leave). */
  members: Person[];
  extra: Record<string, unknown>;
}

export type ChatRecord =
  | { type: 'chat'; chat: ChatInfo }
  | MessageRecord
  | ServiceRecord
  | { type: 'skip'; chatId: string | null; reason: string; where: string };

/** A file a reader cannot read: where (byte offset or line) and why. */
export class ExportError extends Error {
  constructor(
    readonly file: string,
    readonly where: string,
    readonly reason: string,
  ) {
    super(`${file}: ${where}: ${reason}`);
  }
}
