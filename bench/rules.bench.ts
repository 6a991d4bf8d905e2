// rules: 20 active rules of mixed types (moderation, automatic posts, quiet groups, sharing sessions,
// inactivity, the ritual) over 1,000,000 built-in chat activities, through the real rules runner; beside
// it, in the same run, merely reading the same activities in the runner's order and batch size (the floor).
import path from 'node:path';
import SQLite from 'better-sqlite3';
import { Ctx, type Actor } from '../src/kernel/context.ts';
import { migrateToLatest, openDatabase } from '../src/kernel/db/connect.ts';
import { TenantDb } from '../src/kernel/db/tenant.ts';
import { createLogger } from '../src/kernel/logger.ts';
import { randomIds, systemClock } from '../src/kernel/clock.ts';
import { runRules } from '../src/modules/rules/index.ts';
import { log, now, prng, report, scratchDir } from './lib.ts';
import type { Bench } from './registry.ts';

const ACTIVITIES = Number(process.env.BENCH_RULES_ACTIVITIES ?? 1_000_000);
const GROUPS = 50;
const MEMBERS = 20_000;
const BATCH = 500;
const WS = 'ws_rules';
const ENGINE: Actor = { kind: 'system', id: null, name: 'bench', role: 'admin', scope: null };

const PLAIN = ['今天的茶汤很亮', '周末一起去爬山吗', '这个课程的作业怎么交', '收到，谢谢老师', '哈哈哈', '早上好', '晚安各位', '我也想报名', '请问下一期什么时候开', '👍👍'];
const ADS = ['加我微信 tea_shop_2024 领优惠', '电话 13812345678', '看这里 https://spam.example.com', '代购找我'];

function seed(file: string): void {
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const r = prng(7);
  const t0 = Date.now() - 30 * 86_400_000;
  db.prepare("insert into workspaces (id, slug, name, settings, created_at) values (?, 'rules', 'rules', '{}', ?)").run(WS, t0);
  db.prepare("insert into communities (id, workspace_id, name, purpose, canvas, created_at, updated_at) values ('com_1', ?, '社群', 'interest', '{}', ?, ?)").run(WS, t0, t0);
  const group = db.prepare(`insert into groups (id, workspace_id, community_id, platform, name, kind, function, official, structure, capacity, status, numbering, created_at, updated_at)
    values (?, ?, 'com_1', 'builtin', ?, 'member', 'retain', 1, 'pyramid', 2000, 'active', '{}', ?, ?)`);
  const member = db.prepare(`insert into members (id, workspace_id, display_name, skills, tags, stage, stage_history, consent, joined_at, created_at, updated_at)
    values (?, ?, ?, '[]', '[]', 'acquired', '[]', '{}', ?, ?, ?)`);
  const ms = db.prepare(`insert into memberships (id, workspace_id, group_id, member_id, role, joined_at, in_directory, expert) values (?, ?, ?, ?, ?, ?, 0, 0)`);
  const rule = db.prepare(`insert into rules (id, workspace_id, family, type, target_type, target_id, settings, enabled, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`);
  const act = db.prepare(`insert into activities (id, workspace_id, kind, member_id, group_id, occurred_at, content_source, payload, source, source_id, created_at)
    values (?, ?, 'message', ?, ?, ?, 'UGC', ?, 'builtin', ?, ?)`);
  db.transaction(() => {
    for (let g = 0; g < GROUPS; g++) group.run(`grp_${g}`, WS, `群${g}`, t0, t0);
    for (let m = 0; m < MEMBERS; m++) {
      member.run(`mem_${m}`, WS, `成员${m}`, t0, t0, t0);
      ms.run(`ms_${m}`, WS, `grp_${m % GROUPS}`, `mem_${m}`, m % 97 === 0 ? 'manager' : 'participant', t0);
    }
    // 20 rules: moderation on 10 groups, posts on join on 3, quiet checks on 2, sharing on 2, inactivity on 2, the ritual on the community.
    const add = (i: number, type: string, target: string, settings: object) => rule.run(`rul_${i}`, WS, type.split('.')[0], type, target === 'com_1' ? 'community' : 'group', target, JSON.stringify(settings), t0, t0);
    let i = 0;
    for (let g = 0; g < 10; g++) add(i++, 'communication.moderation', `grp_${g}`, { steps: ['warn', 'mute', 'remove'] });
    for (let g = 10; g < 13; g++) add(i++, 'communication.post', `grp_${g}`, { trigger: { on: 'join' }, text: '欢迎 {nickname}' });
    for (let g = 13; g < 15; g++) add(i++, 'communication.quiet', `grp_${g}`, { topics: ['聊聊'] });
    for (let g = 15; g < 17; g++) add(i++, 'sharing.session', `grp_${g}`, {});
    for (let g = 17; g < 19; g++) add(i++, 'elimination.inactivity', `grp_${g}`, {});
    add(i++, 'joining.ritual', 'com_1', { rulesText: '友善交流' });
    const start = Date.now() - 3_600_000;
    for (let a = 0; a < ACTIVITIES; a++) {
      const m = Math.floor(r() * MEMBERS);
      const text = r() < 0.01 ? ADS[Math.floor(r() * ADS.length)]! : PLAIN[Math.floor(r() * PLAIN.length)]!;
      // Spread over the last hour, written in order (created_at is the runner's order).
      const at = start + Math.floor((a / ACTIVITIES) * 3_500_000);
      act.run(`act_${String(a).padStart(8, '0')}`, WS, `mem_${m}`, `grp_${m % GROUPS}`, at, JSON.stringify({ text }), `b${a}`, at);
    }
    db.prepare('insert into rule_checkpoints (workspace_id, created_at, activity_id) values (?, 0, ?)').run(WS, '');
  })();
  db.close();
}

export const rulesBench: Bench = {
  name: 'rules',
  description: `20 mixed rules over ${ACTIVITIES.toLocaleString()} built-in chat activities through the rules runner vs reading them`,
  async run() {
    const tmp = scratchDir('bench-rules');
    try {
      const file = path.join(tmp.dir, 'rules.db');
      const setup = openDatabase({ dialect: 'sqlite', file });
      await migrateToLatest(setup);
      await setup.close();
      const t0 = now();
      seed(file);
      log(`seeded ${ACTIVITIES.toLocaleString()} activities in ${((now() - t0) / 1000).toFixed(1)} s`);

      const db = openDatabase({ dialect: 'sqlite', file });
      try {
        // The floor: the same rows in the same order and batches, read and decoded, nothing judged. Measured
        // before and after the runner, the faster counting (the first read may meet a cold page cache).
        const readAll = async () => {
          let read = 0;
          const r0 = now();
          let cursor = { at: 0, id: '' };
          for (;;) {
            const rows = await db.kysely.selectFrom('activities').select(['id', 'member_id', 'group_id', 'occurred_at', 'payload', 'created_at', 'kind', 'source'])
              .where('workspace_id', '=', WS)
              .where((eb) => eb(eb.refTuple('created_at', 'id'), '>', eb.tuple(cursor.at, cursor.id)))
              .orderBy('created_at').orderBy('id').limit(BATCH).execute();
            if (!rows.length) break;
            for (const x of rows) JSON.parse(x.payload);
            read += rows.length;
            const last = rows[rows.length - 1]!;
            cursor = { at: Number(last.created_at), id: last.id };
          }
          if (read !== ACTIVITIES) throw new Error(`read ${read} of ${ACTIVITIES}`);
          return (now() - r0) / 1000;
        };
        const readBefore = await readAll();

        const ctx = new Ctx(new TenantDb(db.kysely, WS, db.sqlite), ENGINE, systemClock, randomIds, createLogger('silent'));
        let judged = 0;
        const j0 = now();
        for (;;) {
          const n = await runRules(ctx, BATCH);
          judged += n;
          if (n < BATCH) break;
        }
        const seconds = (now() - j0) / 1000;
        const acted = Number((await db.kysely.selectFrom('outbox').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
        if (judged !== ACTIVITIES) throw new Error(`judged ${judged} of ${ACTIVITIES}`);
        const readAfter = await readAll();
        const readSeconds = Math.min(readBefore, readAfter);
        log(`read ${readBefore.toFixed(2)} s, then ${readAfter.toFixed(2)} s; judged ${seconds.toFixed(2)} s; ${acted.toLocaleString()} actions queued`);
        report('rules', 'activities_per_s', ACTIVITIES / seconds, 'activities/s');
        report('rules', 'read_activities_per_s', ACTIVITIES / readSeconds, 'activities/s');
        report('rules', 'activities_per_s_vs_read', readSeconds / seconds, 'x');
      } finally {
        await db.close();
      }
    } finally {
      tmp.drop();
    }
  },
};
