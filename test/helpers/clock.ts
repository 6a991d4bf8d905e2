// A clock a test sets by hand, and a system context for writing through services directly.
import type { Clock } from '../../src/kernel/clock.ts';
import { Ctx } from '../../src/kernel/context.ts';
import { TenantDb } from '../../src/kernel/db/tenant.ts';
import type { TestServer } from './server.ts';

export class TestClock implements Clock {
  constructor(public t: number) {}
  now(): number {
    return this.t;
  }
}

/** A system actor (admin rights) in one workspace of the test server, with its clock and ids. */
export function systemCtx(t: TestServer, workspaceId: string): Ctx {
  const rt = t.server.rt;
  return new Ctx(new TenantDb(rt.db.kysely, workspaceId, rt.db.sqlite), { kind: 'system', id: null, name: 'test', role: 'admin', scope: null }, rt.clock, rt.ids, rt.log);
}
