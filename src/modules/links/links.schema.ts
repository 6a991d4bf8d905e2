import { z } from 'zod';

const Id = z.string().min(1).max(64);

/** Where a short link leads: an http(s) address, as a member's browser will open it. */
const Target = z.url({ protocol: /^https?$/, hostname: z.regexes.domain }).max(2000);

export const LinkCreateSchema = z
  .object({
    url: Target,
    label: z.string().trim().min(1).max(100).optional(),
    /** The community or group it is posted to: its clicks count there (a click may also name its group, `?g=`). */
    communityId: Id.optional(),
    groupId: Id.optional(),
    /** A campaign, event or phase name, to compare links by (free text). */
    campaign: z.string().trim().min(1).max(100).optional(),
  })
  .strict();
export type LinkCreate = z.infer<typeof LinkCreateSchema>;

export const LinkListQuerySchema = z
  .object({
    communityId: Id.optional(),
    groupId: Id.optional(),
    campaign: z.string().max(100).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const LinkSchema = z.object({
  id: z.string(),
  code: z.string(),
  /** The address to post: `<public url>/l/<code>`. */
  shortUrl: z.string(),
  url: z.string(),
  label: z.string().nullable(),
  communityId: z.string().nullable(),
  groupId: z.string().nullable(),
  campaign: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  /** Clicks by people (link previews of chat apps and crawlers are not counted). */
  clicks: z.number(),
});
export type Link = z.infer<typeof LinkSchema>;

const Count = z.object({ clicks: z.number() });
export const LinkStatsSchema = LinkSchema.extend({
  /** Members Shequn recognised (a member-app session on the device), each counted once. */
  people: z.number(),
  /** Clicks by known members who are not in the group the link was posted to: it travelled. */
  forwarded: z.number(),
  /** Clicks by someone Shequn does not know (no member session). */
  anonymous: z.number(),
  byGroup: z.array(Count.extend({ groupId: z.string().nullable() })),
  byCircle: z.array(Count.extend({ circle: z.string().nullable() })),
  byDay: z.array(Count.extend({ day: z.string() })),
});
export type LinkStats = z.infer<typeof LinkStatsSchema>;
