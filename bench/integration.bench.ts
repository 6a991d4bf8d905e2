// integration: the 220-groups takeover. A plan over 220 WeChat groups holding 100,000 members (133,334
// seats, a third of the people in two groups) is created, previewed, changed and carried out through the
// real service; beside it, in the same run, the floor: reading the same seats and members with raw prepared
// statements, which any plan must do before it can count anything.
import path from 'node:path';
import { Ctx, type Actor } from '../src/kernel/context.ts';
import { migrateToLatest, openDatabase } from '../src/kernel/db/connect.ts';
import { TenantDb } from '../src/kernel/db/tenant.ts';
import { createLogger } from '../src/kernel/logger.ts';
import { randomIds, systemClock } from '../src/kernel/clock.ts';
import { carryOutPlan, createPlan, getPlan, updatePlan } from '../src/modules/integration/index.ts';
import { log, now, report, scratchDir } from './lib.ts';
import type { Bench } from './registry.ts';

const GROUPS = 220;
const MEMBERS = Number(process.env.BENCH_INTEGRATION_MEMBERS ?? 100_000);
const WS = 'ws_integration';
const ACTOR: Actor = { kind: 'system', id: null, name: 'bench', role: 'owner', scope: null };
const CITIES = ['上海', '北京', '杭州', '成都', '深圳', '广州', '武汉', '南京', null, null];

export const integrationBench: Bench = {
  name: 'integration',
  description: 'the integration wizard over 220 groups and 100,000 members (create, preview, change, carry out) vs reading the same rows raw',
  async run() {
    const tmp = scratchDir('shequn-bench-integration-');
    const db = openDatabase({ dialect: 'sqlite', file: path.join(tmp.dir, 'bench.db') });
    try {
      await migrateToLatest(db);
      const s = db.sqlite!;
      const t = Date.now();
      s.prepare("insert into workspaces (id, slug, name, settings, created_at) values (?, 'integration', 'integration', '{}', ?)").run(WS, t);
      s.prepare("insert into communities (id, workspace_id, name, purpose, canvas, created_at, updated_at) values ('com_1', ?, '茶友会', 'interest', '{}', ?, ?)").run(WS, t, t);
      const group = s.prepare(`insert into groups (id, workspace_id, community_id, platform, name, kind, function, official, structure, capacity, status, numbering, created_at, updated_at)
        values (?, ?, 'com_1', 'wechat', ?, 'member', 'retain', 1, 'pyramid', 500, 'active', '{}', ?, ?)`);
      const member = s.prepare(`insert into members (id, workspace_id, display_name, city, skills, tags, stage, stage_history, consent, joined_at, created_at, updated_at)
        values (?, ?, ?, ?, '[]', '[]', 'acquired', '[]', '{}', 0, 0, 0)`);
      const seat = s.prepare(`insert into memberships (id, workspace_id, group_id, member_id, role, joined_at, in_directory, expert) values (?, ?, ?, ?, 'participant', 0, 0, 0)`);
      let seats = 0;
      s.transaction(() => {
        for (let g = 0; g < GROUPS; g++) group.run(`grp_${g}`, WS, `茶友${CITIES[g % 8]}${g}群`, t + g, t + g);
        for (let m = 0; m < MEMBERS; m++) {
          member.run(`mem_${m}`, WS, `成员${m}`, CITIES[m % 10]);
          for (let k = 0; k < (m % 3 === 0 ? 2 : 1); k++) seat.run(`ms_${seats++}`, WS, `grp_${(m * 7 + k * 31) % GROUPS}`, `mem_${m}`);
        }
      })();
      const ctx = new Ctx(new TenantDb(db.kysely, WS, s), ACTOR, systemClock, randomIds, createLogger('silent'));
      // As an import leaves it: the planner's statistics refreshed.
      await ctx.tdb.refreshStatistics();
      log(`${GROUPS} groups, ${MEMBERS.toLocaleString()} members, ${seats.toLocaleString()} seats`);

      const floor = () => {
        const t0 = now();
        const ids = Array.from({ length: GROUPS }, (_, g) => `grp_${g}`);
        const rows = s.prepare(`select member_id, group_id from memberships where workspace_id = ? and group_id in (${ids.map(() => '?').join(',')}) and left_at is null`).all(WS, ...ids) as { member_id: string }[];
        const byId = s.prepare('select id, display_name, city, circle, tags from members where id = ?');
        for (const id of new Set(rows.map((r) => r.member_id))) byId.get(id);
        return now() - t0;
      };
      const floorBefore = floor();
      let t0 = now();
      const plan = await createPlan(ctx, { communityId: 'com_1', name: '整合' });
      const createMs = now() - t0;
      t0 = now();
      await getPlan(ctx, plan.id);
      const previewMs = now() - t0;
      t0 = now();
      await updatePlan(ctx, plan.id, { settings: { seatsPerGroup: 400 } });
      const changeMs = now() - t0;
      t0 = now();
      const done = await carryOutPlan(ctx, plan.id, 'https://shequn.example.com');
      const carryOutMs = now() - t0;
      const floorMs = Math.min(floorBefore, floor());
      log(`${done.newGroups.length} new groups, ${done.stats.moving.toLocaleString()} moving; floor ${floorMs.toFixed(0)} ms`);
      report('integration', 'create_ms', createMs, 'ms');
      report('integration', 'preview_ms', previewMs, 'ms');
      report('integration', 'change_ms', changeMs, 'ms');
      report('integration', 'carry_out_ms', carryOutMs, 'ms');
      report('integration', 'read_floor_ms', floorMs, 'ms');
      report('integration', 'preview_ms_vs_read_floor', previewMs / floorMs, 'x');
    } finally {
      await db.close();
      tmp.drop();
    }
  },
};
