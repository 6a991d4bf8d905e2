// What a group's members may see of an activity in the chat: messages, joins and leaves, and pinned
// announcements, with nothing of the operators' bookkeeping (invites, join requests, referrers). The
// member app resolves authors from the group's roster, so an item carries ids, not names.
import { z } from 'zod';
import type { Activity } from './activity.schema.ts';
import { encodeCursor } from '../../kernel/cursor.ts';

/** Activity kinds the chat shows. */
export const CHAT_KINDS = ['message', 'join', 'leave', 'service'] as const;

export const ChatImageSchema = z.object({ id: z.string(), width: z.number(), height: z.number(), name: z.string() });

/** A file posted in the chat (width/height 0: not an image); voice and audio play in the page, the rest is downloaded. */
export const ChatFileSchema = z.object({ id: z.string(), name: z.string(), mime: z.string(), bytes: z.number(), kind: z.enum(['file', 'voice', 'video', 'audio']) });

export const ChatItemSchema = z.object({
  id: z.string(),
  /** Resume point for paging and for the real-time backlog. */
  cursor: z.string(),
  kind: z.enum(['message', 'join', 'leave', 'announcement']),
  memberId: z.string().nullable(),
  /** Posted by the group's operators (e.g. the welcome message, an announcement): the team's name for it. */
  system: z.string().nullable(),
  text: z.string().nullable(),
  replyTo: z.string().nullable(),
  mentions: z.array(z.string()),
  image: ChatImageSchema.nullable(),
  file: ChatFileSchema.nullable(),
  question: z.boolean(),
  /** Marked as good content (精华) by the team or a manager (chat pages only; live items start unmarked). */
  highlighted: z.boolean(),
  number: z.string().nullable(),
  occurredAt: z.string(),
});
export type ChatItem = z.infer<typeof ChatItemSchema>;

const str = (v: unknown, max = 5000): string | null => (typeof v === 'string' ? v.slice(0, max) : null);

/** The chat item of an activity, or null when members do not see it. */
export function chatItem(a: Activity): ChatItem | null {
  const p = a.payload;
  let kind: ChatItem['kind'];
  if (a.kind === 'message' || a.kind === 'join' || a.kind === 'leave') kind = a.kind;
  else if (a.kind === 'service' && p.event === 'announcement') kind = 'announcement';
  else return null;
  const img = p.image as Record<string, unknown> | undefined;
  const file = p.file as Record<string, unknown> | undefined;
  const from = p.from;
  return {
    id: a.id,
    cursor: encodeCursor(Date.parse(a.occurredAt), a.id),
    kind,
    memberId: a.memberId,
    system: a.memberId ? null : typeof from === 'string' ? from.slice(0, 100) : 'system',
    text: str(p.text),
    replyTo: str(p.replyTo, 64),
    mentions: Array.isArray(p.mentions) ? p.mentions.filter((m): m is string => typeof m === 'string').slice(0, 50) : [],
    image: img && typeof img.id === 'string'
      ? { id: img.id, width: Number(img.width) || 0, height: Number(img.height) || 0, name: str(img.name, 120) ?? '' }
      : null,
    file: file && typeof file.id === 'string'
      ? {
          id: file.id, name: str(file.name, 120) ?? '', mime: str(file.mime, 100) ?? 'application/octet-stream', bytes: Number(file.bytes) || 0,
          kind: (['file', 'voice', 'video', 'audio'] as const).find((k) => k === file.kind) ?? 'file',
        }
      : null,
    question: p.question === true,
    highlighted: false,
    number: kind === 'join' ? str(p.number, 40) : null,
    occurredAt: a.occurredAt,
  };
}
