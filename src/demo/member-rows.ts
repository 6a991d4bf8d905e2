// Turns one demo member's story into rows: the member, their platform accounts, memberships with
// numbers, and the search postings — computed by memberTerms() itself, so search finds demo
// members exactly as it finds members created through the API.
import type { IdGenerator } from '../kernel/clock.ts';
import { memberTerms, phoneLast4 } from '../modules/member/member.terms.ts';
import type { Stay } from './activities.ts';
import type { BulkWriter } from './bulk-writer.ts';
import type { Numberer } from './groups.ts';
import type { Circle, People, Person } from './people.ts';
import type { Rand } from './prng.ts';
import { courseTagPool, teaTagPool } from './vocab.ts';

export type Stage = 'acquired' | 'nurtured' | 'activated' | 'monetized';

export interface Lifecycle {
  stage: Stage;
  history: { stage: Stage; at: number }[];
  activatedAt: number | null;
  monetizedAt: number | null;
}

export interface RowContext {
  w: BulkWriter;
  ws: string;
  people: People;
  membershipIds: IdGenerator;
  identityIds: IdGenerator;
  numberer: Numberer;
}

const iso = (t: number) => new Date(t).toISOString();

/** The seven membership roles, as a group's own history would hand them out. */
function roleFor(stay: Stay, slot: number, p: Person, stage: Stage, splitter: boolean, r: Rand): string {
  const t = stay.group.template;
  if (slot === 0) return 'creator';
  if (slot <= t.managers) return 'manager';
  const theme = t.community.theme;
  const circle: Circle = p.circle;
  if (circle === 'business' && r.chance(0.6)) return 'partner';
  if (t.kind === 'core') return r.chance(0.15) ? 'splitter' : r.chance(0.7) ? 'pioneer' : 'participant';
  if (theme === 'course') return 'payer';
  if (splitter && theme === 'tea') return 'splitter';
  if (circle === 'leader' && r.chance(0.5)) return 'pioneer';
  if (theme === 'tea' && stage === 'monetized' && r.chance(0.7)) return 'payer';
  return 'participant';
}

function nickname(stay: Stay, p: Person, display: string): string {
  const t = stay.group.template;
  if (t.kind === 'core') return `${p.displayName}｜${p.occupation ?? '学员'}`;
  if (t.community.theme === 'course') return `${display} ${p.displayName}`;
  if (t.community.theme === 'meetup') return `${p.displayName}@${p.city.name}`;
  return `${p.city.name}-${p.displayName}`;
}

function tagsFor(p: Person, stays: Stay[], life: Lifecycle, r: Rand): string[] {
  const tags = new Set<string>();
  for (const s of stays) {
    const t = s.group.template;
    if (t.community.theme === 'tea') for (const x of r.some(teaTagPool, r.int(0, 2))) tags.add(x);
    if (t.community.theme === 'course') {
      tags.add('已购课');
      for (const x of r.some(courseTagPool, r.int(0, 1))) tags.add(x);
    }
    if (t.kind === 'core') tags.add('核心学员');
    if (t.community.theme === 'meetup') tags.add('同城会员');
  }
  if (life.stage === 'monetized' && r.chance(0.3)) tags.add('VIP');
  if (life.stage === 'activated') tags.add('潜在客户');
  if (p.circle === 'leader') tags.add('KOC');
  if (p.circle === 'media') tags.add('自媒体');
  if (p.circle === 'business') tags.add('渠道伙伴');
  return [...tags];
}

export function writeMemberRows(
  c: RowContext,
  p: Person,
  stays: Stay[],
  life: Lifecycle,
  splitter: boolean,
  now: number,
  r: Rand,
): void {
  const referrerId = p.referrerIndex === null ? null : c.people.idAt(p.referrerIndex);
  const platforms = new Set(stays.map((s) => s.group.platform));
  const accounts: [platform: string, externalId: string, handle: string][] = [];
  if (platforms.has('wechat') || r.chance(platforms.has('wecom') ? 0.6 : 0.7)) accounts.push(['wechat', c.people.wxidAt(p.index, r), c.people.nickname(r, p)]);
  if (platforms.has('wecom')) accounts.push(['wecom', c.people.wecomAt(p.index, r), p.displayName]);
  let qq: string | null = null;
  if (platforms.has('qq') || r.chance(0.08)) accounts.push(['qq', (qq = c.people.qqAt(p.index, r)), c.people.nickname(r, p)]);
  const email = r.chance(qq ? 0.35 : 0.18) ? c.people.email(r, qq) : null;
  const tags = tagsFor(p, stays, life, r);

  // The member first: SQLite checks the accounts' and memberships' foreign keys row by row.
  const lastChange = life.history[life.history.length - 1]!.at;
  c.w.add('members', {
    id: p.id, workspace_id: c.ws, display_name: p.displayName, gender: p.gender, birth_year: p.birthYear, city: p.city.name, occupation: p.occupation,
    skills: JSON.stringify(p.skills), phone: p.phone, phone_last4: phoneLast4(p.phone), email, tags: JSON.stringify(tags), circle: p.circle,
    source_channel: p.sourceChannel, referrer_id: referrerId, stage: life.stage, stage_history: JSON.stringify(life.history.map((h) => ({ stage: h.stage, at: iso(h.at) }))),
    consent: JSON.stringify(p.consent), joined_at: p.joinedAt, created_at: p.joinedAt, updated_at: Math.min(now, Math.max(lastChange, p.joinedAt)),
  });
  for (const [platform, externalId, handle] of accounts) {
    c.w.add('identities', { id: c.identityIds.next('idn'), workspace_id: c.ws, member_id: p.id, platform, external_id: externalId, handle, created_at: p.joinedAt });
  }

  for (const [i, s] of stays.entries()) {
    const slot = s.slot;
    const n = c.numberer.assign(s.group, p.id, s.joinedAt);
    s.number = n.display;
    if (slot === 1) s.group.secretaryId = p.id;
    c.w.add('memberships', {
      id: c.membershipIds.next('ms'), workspace_id: c.ws, group_id: s.group.id, member_id: p.id, number: n.number, number_display: n.display, number_scope: n.scope,
      role: roleFor(s, slot, p, life.stage, splitter, r), nickname: nickname(s, p, n.display), joined_at: s.joinedAt, left_at: s.leftAt, in_directory: 0, expert: 0,
      invited_by: i === 0 ? referrerId : null, muted_until: null,
    });
  }

  const terms = memberTerms({
    displayName: p.displayName, phone: p.phone, tags, handles: accounts.map((a) => a[2]), groupIds: stays.filter((s) => s.leftAt === null).map((s) => s.group.id),
  });
  for (const term of terms) c.w.add('member_terms', { workspace_id: c.ws, term, joined_at: p.joinedAt, member_id: p.id });
}
