// Groups are opened the way operators open them: when the current one is full, the next
// (上海茶友1群, 上海茶友2群, …) starts with its first member. Member numbers come from one
// sequence per scope, exactly as member.numbering.ts assigns them one by one.
import type { IdGenerator } from '../kernel/clock.ts';
import type { Numbering } from '../modules/group/index.ts';
import { formatNumber, numberScope } from '../modules/member/member.numbering.ts';
import type { BulkWriter } from './bulk-writer.ts';
import type { Rand } from './prng.ts';
import type { CommunityPlan } from './plan.ts';
import { MINUTE } from './timeline.ts';

type Platform = 'wechat' | 'wecom' | 'qq';

export interface GroupTemplate {
  community: CommunityPlan;
  groupSetId: string | null;
  kind: 'core' | 'member' | 'city';
  structure: 'ring' | 'pyramid';
  function: 'acquire' | 'retain' | 'serve';
  capacity(n: number): number;
  region: string | null;
  city: string;
  managers: number;
  /** Open-ended series: each group is filled to this share of its capacity before the next opens. */
  fill: [number, number];
  leaverRate: number;
  /** No group of this template opens before this moment (its community's start). */
  notBefore: number;
  platform(n: number): Platform;
  name(n: number): string;
  numbering(n: number): Numbering;
}

export interface OpenGroup {
  id: string;
  serial: number;
  n: number;
  template: GroupTemplate;
  name: string;
  platform: Platform;
  numbering: Numbering;
  scope: string;
  createdAt: number;
  /** Seats ever taken (members who left included): the next one's place in the join order. */
  slots: number;
  active: number;
  target: number;
  /** The member who opened it (its creator and owner) and the one after (its secretary). */
  ownerId: string;
  secretaryId: string | null;
}

export interface Placement {
  group: OpenGroup;
  /** 0 for the member who opened the group. */
  slot: number;
  leaver: boolean;
}

export class GroupFactory {
  readonly groups: OpenGroup[] = [];

  constructor(
    private readonly w: BulkWriter,
    private readonly ids: IdGenerator,
    private readonly rand: Rand,
    private readonly ws: string,
    private readonly now: number,
  ) {}

  open(t: GroupTemplate, n: number, at: number, creatorId: string, target: number): OpenGroup {
    const id = this.ids.next('grp');
    const serial = this.groups.length;
    const createdAt = Math.round(Math.max(t.notBefore, Math.min(at - this.rand.int(5, 120) * MINUTE, this.now - 35 * MINUTE)));
    const platform = t.platform(n);
    const numbering = t.numbering(n);
    const g: OpenGroup = {
      id, serial, n, template: t, name: t.name(n), platform, numbering, scope: numberScope(numbering, { id, community_id: t.community.id }),
      createdAt, slots: 0, active: 0, target, ownerId: creatorId, secretaryId: null,
    };
    this.w.add('groups', {
      id, workspace_id: this.ws, community_id: t.community.id, group_set_id: t.groupSetId, platform, external_id: this.externalId(platform, serial),
      name: g.name, kind: t.kind, function: t.function, official: 1, structure: t.structure, capacity: t.capacity(n), status: 'active', region: t.region,
      // Tags an operator would give: what the group is for, and its city (a relay can pick its groups by them).
      tags: JSON.stringify([{ core: '核心', city: '同城', member: '学员' }[t.kind], ...(t.region ? [t.region] : [])]),
      owner_type: 'member', owner_id: creatorId, secretary_type: null, secretary_id: null, numbering: JSON.stringify(numbering), announcement: null, announcement_at: null, created_at: createdAt, updated_at: createdAt,
    });
    this.groups.push(g);
    return g;
  }

  /** Platform chat ids in each platform's own shape; the serial keeps them unique. */
  private externalId(platform: Platform, serial: number): string {
    const tail = String(serial).padStart(5, '0');
    if (platform === 'wechat') return `${this.rand.int(10_000, 99_999)}${tail}@chatroom`;
    if (platform === 'wecom') return `wr${this.rand.alnum(16)}${tail}`;
    return `${this.rand.int(1000, 9999)}${tail}`;
  }
}

function place(g: OpenGroup, leaver: boolean): Placement {
  const p = { group: g, slot: g.slots, leaver };
  g.slots++;
  if (!leaver) g.active++;
  return p;
}

/** Groups that keep opening as members arrive (city groups, meetups). */
export class OpenSeries {
  private current: OpenGroup | null = null;
  private count = 0;

  constructor(
    private readonly f: GroupFactory,
    readonly template: GroupTemplate,
    private readonly rand: Rand,
  ) {}

  place(at: number, memberId: string): Placement {
    const t = this.template;
    if (!this.current || this.current.active >= this.current.target) {
      const n = ++this.count;
      const target = Math.max(1, Math.round(t.capacity(n) * this.rand.between(t.fill[0], t.fill[1])));
      this.current = this.f.open(t, n, at, memberId, Math.min(target, t.capacity(n)));
    }
    return place(this.current, this.current.slots > 0 && this.rand.chance(t.leaverRate));
  }
}

/** Groups of exact sizes filled in order (the course's QQ groups, the 69-seat core group). */
export class FixedSeries {
  private index = 0;
  private current: OpenGroup | null = null;
  private leaversLeft = 0;

  constructor(
    private readonly f: GroupFactory,
    readonly template: GroupTemplate,
    private readonly sizes: { active: number; leavers: number }[],
    private readonly rand: Rand,
  ) {}

  get seats(): number {
    return this.sizes.reduce((s, x) => s + x.active + x.leavers, 0);
  }

  /** Null once every group is filled. */
  place(at: number, memberId: string): Placement | null {
    while (this.index < this.sizes.length) {
      const size = this.sizes[this.index]!;
      if (!this.current) {
        if (size.active + size.leavers === 0) {
          this.index++;
          continue;
        }
        this.current = this.f.open(this.template, this.index + 1, at, memberId, size.active);
        this.leaversLeft = size.leavers;
      }
      const g = this.current;
      const remaining = size.active + size.leavers - g.slots;
      if (remaining > 0) {
        // Selection sampling: exactly `leavers` of the seats go to people who later left, spread across the fill.
        const leaver = g.slots > 0 && this.rand.next() * remaining < this.leaversLeft;
        if (leaver) this.leaversLeft--;
        return place(g, leaver || g.active >= size.active);
      }
      this.current = null;
      this.index++;
    }
    return null;
  }
}

/** One sequence per scope (g:<groupId> or c:<communityId>); a member keeps one number per scope. */
export class Numberer {
  private readonly last = new Map<string, number>();
  private held = new Map<string, { number: number; display: string }>();

  constructor(
    private readonly w: BulkWriter,
    private readonly ws: string,
  ) {}

  /** Forgets the previous member's numbers: each member's memberships are generated together. */
  beginMember(): void {
    if (this.held.size) this.held = new Map();
  }

  assign(g: OpenGroup, memberId: string, at: number): { scope: string; number: number; display: string } {
    const held = this.held.get(g.scope);
    if (held) return { scope: g.scope, ...held };
    const number = (this.last.get(g.scope) ?? 0) + 1;
    this.last.set(g.scope, number);
    const display = formatNumber(g.numbering, number);
    this.held.set(g.scope, { number, display });
    this.w.add('member_numbers', { workspace_id: this.ws, number_scope: g.scope, number, member_id: memberId, display, assigned_at: at });
    return { scope: g.scope, number, display };
  }

  writeSequences(): void {
    for (const [scope_key, last_number] of this.last) this.w.add('number_sequences', { workspace_id: this.ws, scope_key, last_number });
  }
}
