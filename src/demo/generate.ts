// The member pass: members are generated in join order, one at a time, and everything about a member
// (accounts, memberships, numbers, search postings, activities) is written before the next one, so
// memory stays flat whether the demo has 2,000 members or 5 million.
import { seededIds } from '../kernel/clock.ts';
import type { Db } from '../kernel/db/connect.ts';
import { ActivityWriter, meetupTimes, type Stay } from './activities.ts';
import { openBulkWriter, type BulkTable } from './bulk-writer.ts';
import { GroupFactory, Numberer } from './groups.ts';
import { writeMemberRows } from './member-rows.ts';
import { People, type Person } from './people.ts';
import { writeCommunities, writeCosts, type Communities } from './plan.ts';
import { Rand, mix, mulberry32, orderedIds } from './prng.ts';
import { Placer } from './placement.ts';
import { Structure } from './structure.ts';
import { Timeline, WINDOW_DAYS } from './timeline.ts';

export interface PassOptions {
  members: number;
  seed: number;
  /** Salt for primary keys (the workspace slug), so two demo workspaces in one database never collide. */
  idSeed: number;
  activities: number;
  now: number;
  onProgress?: (phase: string, done: number, total: number) => void;
  batchRows?: number;
}

export interface PassResult {
  written: Record<BulkTable, number>;
  communities: Communities;
  leaders: { tea: string | null; course: string | null; meetup: string | null };
  secretaries: { groupId: string; memberId: string }[];
}

export async function fillWorkspace(db: Db, ws: string, o: PassOptions): Promise<PassResult> {
  const N = o.members;
  const now = o.now;
  const tl = new Timeline(now);
  // On SQLite a commit rewrites every page it touched, and postings and activities by time touch pages
  // all over their indexes, so big demos commit less often: 200,000 members loaded in a quarter less
  // time in one transaction than in 100,000-row ones. A million rows per commit caps the WAL's growth.
  const w = openBulkWriter(db, { batchRows: o.batchRows ?? (db.dialect === 'sqlite' ? Math.min(1_000_000, Math.max(100_000, N)) : undefined) });
  const stream = (k: number) => seededIds(mulberry32(mix(o.idSeed, k)));
  const ordered = (k: number) => orderedIds(stream(k));
  const ids = stream(11);
  const communities = writeCommunities(w, ids, ws, tl, N);
  const factory = new GroupFactory(w, ids, Rand.of(o.seed, 3), ws, now);
  const structure = new Structure(factory, w, ids, ws, communities, Rand.of(o.seed, 4), N);
  const numberer = new Numberer(w, ws);
  const acts = new ActivityWriter(w, ordered(14), ws, tl, communities.meetup.createdAt);
  // Their own id stream: the other streams' ids stay as they were.
  writeCosts(w, stream(15), ws, communities, tl, meetupTimes(communities.meetup.createdAt, tl));
  const people = new People(o.seed, o.idSeed, N, tl);
  const rows = { w, ws, people, membershipIds: ordered(12), identityIds: ordered(13), numberer };
  const placer = new Placer(structure, communities, N, now, o.seed);

  // Day-to-day activities are shared out in proportion to engagement × time in the window. The weight
  // still to come is estimated up front from a sample of the very members to come (make() is a pure
  // function of the index), so the total lands near --activities whatever the mix of members.
  const weightOf = (p: Person) => p.engagement * ((now - p.joinedAt) / (now - tl.start));
  const remainingWeight = weightAhead(N, (i) => weightOf(people.make(i, Rand.of(o.seed, 1, i))));
  const groupReserve = Math.round((N / 450 + 12) * (WINDOW_DAYS / 7) * 4.5);
  let structural = 0;

  try {
    for (let i = 0; i < N; i++) {
      const r = Rand.of(o.seed, 1, i);
      const p = people.make(i, r);
      numberer.beginMember();
      const { stays, life, boughtCourse, splitter } = placer.place(p, r);
      writeMemberRows(rows, p, stays, life, splitter, now, r);

      // The ring core group is where the talk is: its members count three times.
      const own = weightOf(p) * (stays.some((s) => s.group.template.kind === 'core') ? 3 : 1);
      const avgStructural = i === 0 ? 3 : structural / i;
      const left = o.activities - groupReserve - acts.count - avgStructural * (N - i);
      const free = left > 0 ? Math.min(Math.floor((left * own) / remainingWeight(i) + r.next()), 5000) : 0;
      const before = acts.count;
      const referrerId = p.referrerIndex === null ? null : people.idAt(p.referrerIndex);
      acts.member({
        person: p, stays, activatedAt: life.activatedAt, monetizedAt: life.monetizedAt, boughtCourse,
        joinVia: (s) => joinVia(s, p, referrerId, r),
        leaveReason: (s) => (s.group.template.kind === 'core' ? 'eliminated' : r.chance(0.8) ? 'quit' : 'removed'),
      }, free, r);
      structural += acts.count - before - free;

      await w.maybeFlush();
      if (o.onProgress && ((i + 1) % 1000 === 0 || i + 1 === N)) o.onProgress('members', i + 1, N);
    }

    const groups = factory.groups;
    for (const g of groups) {
      acts.group(g, o.seed);
      await w.maybeFlush();
      if (o.onProgress && ((g.serial + 1) % 50 === 0 || g.serial + 1 === groups.length)) o.onProgress('group notices', g.serial + 1, groups.length);
    }
    numberer.writeSequences();
    await w.flush();
  } catch (e) {
    await w.abort();
    throw e;
  }
  const leaders = placer.leaders;
  // A tea community without an opinion leader among its members is led by whoever opened its first group.
  leaders.tea ??= factory.groups.find((g) => g.template.community === communities.tea)?.ownerId ?? null;
  return {
    written: w.written,
    communities,
    leaders,
    secretaries: factory.groups.flatMap((g) => (g.secretaryId ? [{ groupId: g.id, memberId: g.secretaryId }] : [])),
  };
}

/** remainingWeight(i) ≈ the sum of weight(j) for j ≥ i, from a sample of about 4,096 evenly spaced members. */
function weightAhead(n: number, weight: (i: number) => number): (i: number) => number {
  const stride = Math.max(1, Math.floor(n / 4096));
  const samples: number[] = [];
  for (let i = 0; i < n; i += stride) samples.push(weight(i));
  const suffix = new Float64Array(samples.length + 1);
  for (let j = samples.length - 1; j >= 0; j--) suffix[j] = suffix[j + 1]! + samples[j]! * Math.min(stride, n - j * stride);
  return (i) => {
    const j = Math.floor(i / stride);
    return Math.max(1e-9, suffix[j]! - (i - j * stride) * samples[j]!);
  };
}

function joinVia(s: Stay, p: Person, referrerId: string | null, r: Rand): Record<string, unknown> {
  const base = { number: s.number };
  if (referrerId && s.slot > 0 && r.chance(0.7)) return { ...base, via: 'referral', invitedBy: referrerId };
  if (s.group.platform === 'wecom') return { ...base, via: r.pick(['qrcode', 'store-guide']) };
  if (s.group.platform === 'qq') return { ...base, via: 'paid-course', channel: p.sourceChannel };
  return { ...base, via: r.pick(['qrcode', 'invite', 'rotating-invite']) };
}
