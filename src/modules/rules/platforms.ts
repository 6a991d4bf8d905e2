// Where the rules act. One definition for the runner (moderation, posts on joins) and the time-based rules,
// so a platform that gains a connector is governed by every rule at once, not by some of them.
import { connectionPlatforms } from '../connection/index.ts';

/**
 * Platforms whose groups the rules act on live: the built-in community and the platforms Shequn connects
 * to (their activities' source is the platform, and their connector carries out the outbox's actions).
 */
export const LIVE_PLATFORMS: ReadonlySet<string> = new Set<string>(['builtin', ...connectionPlatforms]);

/**
 * Whether Shequn is the chat itself (the built-in community): it holds the memberships, so it can seat a
 * member in another group (a promotion, a move to a successor group), and it checks every post against the
 * group's mute windows and nickname format. On a connected platform the group and its members are the
 * platform's: Shequn can only ask its connector for the outbox's actions, and none of them adds a member.
 */
export const ownsChat = (platform: string): boolean => platform === 'builtin';
