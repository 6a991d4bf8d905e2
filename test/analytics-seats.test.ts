// Seats and people per scope, kept by the database's triggers, equal a count of the memberships after any
// mix of joins, leaves, rejoins, a group moved to another community, member merges and splits,
// and members and groups deleted — through the API, on the dialect under test. A recount gives the same.
// The workspace's member count, kept by triggers on members, equals a count of them.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TenantDb } from '../src/kernel/db/tenant.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { expectStatus, makeCommunity, makeGroup, makeMember, otherWorkspace, mergeSlots, splitLastMerge } from './helpers/api.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.stop();
});

type Op =
  | { op: 'join'; member: number; group: number }
  | { op: 'leave'; member: number; group: number }
  | { op: 'move'; group: number; community: number }
  | { op: 'merge'; kept: number; merged: number }
  | { op: 'split' }
  | { op: 'deleteMember'; member: number }
  | { op: 'deleteGroup'; group: number };

const M = 5;
const G = 4;
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ op: fc.constant('join' as const), member: fc.nat(M - 1), group: fc.nat(G - 1) }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('leave' as const), member: fc.nat(M - 1), group: fc.nat(G - 1) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('move' as const), group: fc.nat(G - 1), community: fc.nat(1) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('merge' as const), kept: fc.nat(M - 1), merged: fc.nat(M - 1) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('split' as const) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteMember' as const), member: fc.nat(M - 1) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteGroup' as const), group: fc.nat(G - 1) }) },
);

/** scope → [seats, people], counted from the memberships and groups as they are. */
async function counted(ws: string): Promise<Map<string, number[]>> {
  const db = t.server.rt.db.kysely;
  const open = await db.selectFrom('memberships').innerJoin('groups', 'groups.id', 'memberships.group_id')
    .select(['memberships.member_id', 'memberships.group_id', 'groups.community_id']).where('memberships.workspace_id', '=', ws).where('memberships.left_at', 'is', null).execute();
  const seats = new Map<string, string[]>();
  for (const m of open) {
    for (const scope of ['', m.group_id, ...(m.community_id ? [`c:${m.community_id}`] : [])]) seats.set(scope, [...(seats.get(scope) ?? []), m.member_id]);
  }
  return new Map([...seats].map(([scope, who]) => [scope, [who.length, new Set(who).size]]));
}

async function kept(ws: string): Promise<Map<string, number[]>> {
  const rows = await t.server.rt.db.kysely.selectFrom('scope_seats').selectAll().where('workspace_id', '=', ws).execute();
  // A scope whose last seat went keeps a row at zero.
  return new Map(rows.filter((r) => Number(r.seats) !== 0 || Number(r.people) !== 0).map((r) => [r.scope, [Number(r.seats), Number(r.people)]]));
}

/** The workspace's members: as kept by the members' triggers, and as counted. */
async function memberCount(ws: string): Promise<{ kept: number; counted: number }> {
  const db = t.server.rt.db.kysely;
  const k = await db.selectFrom('member_counts').select('members').where('workspace_id', '=', ws).executeTakeFirst();
  const c = await db.selectFrom('members').select((eb) => eb.fn.countAll<number>().as('n')).where('workspace_id', '=', ws).executeTakeFirstOrThrow();
  return { kept: Number(k?.members ?? 0), counted: Number(c.n) };
}

const sorted = (m: Map<string, number[]>) => [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
let run = 0;

describe('seat counts', () => {
  it('equal a count of the open memberships after joins, leaves, moves, merges, splits and deletions', async () => {
    await fc.assert(fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25 }), async (ops) => {
      const { workspace, api } = await otherWorkspace(t, `seats-${run++}`);
      const communities = [await makeCommunity(api), await makeCommunity(api)];
      const groups: ({ id: string } | null)[] = [];
      for (let i = 0; i < G; i++) groups.push(await makeGroup(api, communities[i % 2]!.id));
      const members: (string | null)[] = [];
      for (let i = 0; i < M; i++) members.push((await makeMember(api)).id);
      const merges: string[] = [];
      for (const o of ops) {
        if (o.op === 'join' || o.op === 'leave') {
          const [m, g] = [members[o.member], groups[o.group]];
          if (!m || !g) continue;
          if (o.op === 'join') {
            const r = await api.post(`/api/v1/members/${m}/memberships`, { groupId: g.id });
            expect([201, 409], r.text).toContain(r.status);
          } else {
            const ms = (await api.get(`/api/v1/members/${m}`)).body.memberships.find((x: { groupId: string; leftAt: string | null }) => x.groupId === g.id && !x.leftAt);
            if (ms) expectStatus(await api.patch(`/api/v1/memberships/${ms.id}`, { leftAt: new Date().toISOString() }), 200);
          }
        } else if (o.op === 'move') {
          const g = groups[o.group];
          if (!g) continue;
          expectStatus(await api.patch(`/api/v1/groups/${g.id}`, { communityId: communities[o.community]!.id }), 200);
        } else if (o.op === 'merge') {
          await mergeSlots(api, members, merges, o.kept, o.merged);
        } else if (o.op === 'split') {
          await splitLastMerge(api, members, merges);
        } else if (o.op === 'deleteMember') {
          const id = members[o.member];
          if (!id) continue;
          expectStatus(await api.delete(`/api/v1/members/${id}`), 204);
          members[o.member] = null;
        } else {
          const g = groups[o.group];
          if (!g) continue;
          const r = await api.delete(`/api/v1/groups/${g.id}`);
          // A group that still has members is archived, not deleted.
          if (r.status === 409) continue;
          expectStatus(r, 204);
          groups[o.group] = null;
        }
      }
      const want = await counted(workspace.id);
      expect(sorted(await kept(workspace.id))).toEqual(sorted(want));
      const m = await memberCount(workspace.id);
      expect(m.kept).toBe(m.counted);
      // The members behind each scope are the ones counted, and a recount lands on the same figures.
      await t.server.rt.db.kysely.transaction().execute(async (trx) => {
        await new TenantDb(trx, workspace.id).recountSeats();
      });
      expect(sorted(await kept(workspace.id))).toEqual(sorted(want));
      expect((await memberCount(workspace.id)).kept).toBe(m.counted);
    }), { numRuns: 10, endOnFailure: true });
  }, 240_000);
});
