// The moderation rule's judgement (communication.moderation), pure: what in a message breaks the rule,
// and which step of the ladder a member's Nth violation takes. The runner gathers the facts.
import type { ModerationSettings, ModerationStep } from './rule-types.ts';

export interface MessageFacts {
  text: string;
  /** normalizeText(text), when the caller has it already. */
  normalized?: string;
  /** The member's role in the group; exempt roles are never acted on. */
  role: string;
  memberId: string;
  /** When the member joined the group and when the message was posted (epoch ms). */
  joinedAt: number;
  at: number;
  /** The member's messages in this group within the flood window, this one included. */
  recentInGroup: number;
  /** Distinct groups where the member posted this same text within a day, this one included. */
  groupsWithSameText: number;
  /** The texts of QR codes in the message's image, other than the workspace's own invites. */
  qrCodes?: string[];
}

const LINK = /(?:https?:\/\/|www\.)\S+|(?<![@\w.])[a-z0-9][a-z0-9-]{0,62}\.(?:com|cn|net|org|io|top|xyz|cc|me|shop|vip|club|info|site|link|ltd)(?![a-z])/iu;
const PHONE = /(?<!\d)1[3-9]\d{9}(?!\d)/u;
const WECHAT = /(?:微信|威信|薇信|v信|vx|wx|weixin|wechat|加v|加微|➕v|\+v)[\s:：号是为]*[a-z][-_a-z0-9]{5,19}/iu;

/** Folds full-width forms and case, and joins digits split by spaces or dashes (138 1234 5678). */
export function normalizeText(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/(?<=\d)[\s-]+(?=\d)/gu, '');
}

/** Why the message breaks the rule (in words for the group), or null. */
export function violationOf(s: ModerationSettings, f: MessageFacts): string | null {
  if (s.exemptRoles.includes(f.role as never) || s.allowMembers.includes(f.memberId)) return null;
  const t = f.normalized ?? normalizeText(f.text);
  const d = s.detect;
  if (d.links && LINK.test(t)) {
    const newcomer = s.newMemberLinkHours === 0 || f.at - f.joinedAt < s.newMemberLinkHours * 3_600_000;
    if (newcomer) return s.newMemberLinkHours === 0 ? '本群不允许发链接' : `入群 ${s.newMemberLinkHours} 小时内不能发链接`;
  }
  if (d.phoneNumbers && PHONE.test(t)) return '不要在群里留手机号';
  if (d.wechatIds && WECHAT.test(t)) return '不要在群里留微信号、拉人加好友';
  if (d.qrCodes && f.qrCodes?.length) return '不要在群里发二维码（加好友、进别的群）';
  const kw = d.keywords.find((k) => t.includes(normalizeText(k)));
  if (kw) return `含有本群禁止的内容「${kw}」`;
  const pattern = d.patterns.find((p) => new RegExp(p, 'iu').test(f.text));
  if (pattern) return '含有本群禁止的内容';
  if (d.sameTextInGroups && t.trim().length >= 6 && f.groupsWithSameText >= d.sameTextInGroups) return `同一内容发到了 ${f.groupsWithSameText} 个群`;
  if (s.flood && f.recentInGroup > s.flood.messages) return `${s.flood.seconds} 秒内发了 ${f.recentInGroup} 条消息（刷屏）`;
  return null;
}

/** The step for a member's violation, given how many earlier ones (not undone) fall in the window. */
export function stepFor(s: ModerationSettings, earlier: number): ModerationStep {
  return s.steps[Math.min(earlier, s.steps.length - 1)]!;
}
