// `shequn analytics rebuild`, and the rollups of imported chats: real Telegram and WhatsApp exports are
// imported, their activities counted once when the import is published; a rebuild from scratch lands on
// exactly the same rows. A new time zone moves the day boundaries; a bad one is a usage error naming it.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { apiOn, cliEnv, runInProcess, type ApiOnDb } from './helpers/cli.ts';

let db: TestDatabase;
let t: ApiOnDb;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  db = await createTestDatabase();
  t = await apiOn(db);
  env = cliEnv(db, { SHEQUN_LOG_LEVEL: 'warn' });
});
afterAll(async () => {
  await t?.close();
  await db?.drop();
});

const TABLES = ['activity_days', 'group_spans', 'activity_hours', 'member_periods', 'period_actives', 'member_milestones', 'milestone_days', 'cohort_periods', 'cohort_milestones', 'scope_events', 'content_days'] as const;
/** Every rollup row but the writer's bookkeeping (prev_first_at says what the last write moved). */
async function rollups(): Promise<Record<string, string[]>> {
  const k = t.rt.db.kysely as any;
  const out: Record<string, string[]> = {};
  for (const table of TABLES) {
    const rows: any[] = await k.selectFrom(table).selectAll().where('workspace_id', '=', t.workspaceId).execute();
    out[table] = rows.filter((r) => table !== 'period_actives' || Number(r.n) !== 0)
      .map((r) => JSON.stringify(Object.entries(r).filter(([c]) => c !== 'workspace_id' && c !== 'prev_first_at').map(([c, v]) => [c, typeof v === 'bigint' || typeof v === 'number' ? Number(v) : v]))).sort();
  }
  return out;
}

describe('shequn analytics rebuild', () => {
  it('counts imported chats once, when they are published, as a rebuild would', async () => {
    const dir = new URL('../../shared/fixtures/telegram/', import.meta.url).pathname;
    const file = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()[0]!;
    const r = await runInProcess(['import', 'telegram', path.join(dir, file), '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const wa = new URL('../../shared/fixtures/whatsapp/whatsapp-chat-parser_short-chat.txt', import.meta.url).pathname;
    const w = await runInProcess(['import', 'whatsapp', wa, '--json'], env);
    expect(w.code, w.stderr).toBe(0);
    const before = await rollups();
    expect(before.activity_days!.length).toBeGreaterThan(0);
    expect(before.member_periods!.length).toBeGreaterThan(0);
    const messages = await (t.rt.db.kysely as any).selectFrom('activities').select((eb: any) => eb.fn.countAll().as('n')).where('kind', '=', 'message').executeTakeFirst();
    const counted = before.activity_days!.map((s) => Object.fromEntries(JSON.parse(s))).filter((d) => d.scope === '' && d.kind === 'message').reduce((n, d) => n + d.n, 0);
    expect(counted).toBe(Number(messages.n));
    // Their text was read for voice when the import was published (the engine never reads imported rows).
    const voiced = await (t.rt.db.kysely as any).selectFrom('voice_days').select((eb: any) => eb.fn.sum('messages').as('n')).where('workspace_id', '=', t.workspaceId).where('scope', '=', '').executeTakeFirst();
    expect(Number(voiced.n)).toBe(Number(messages.n));
    const again = await runInProcess(['analytics', 'rebuild', '--json'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.json()).toMatchObject({ workspace: 'default', timezone: 'Asia/Shanghai' });
    expect(again.json().activities).toBeGreaterThanOrEqual(Number(messages.n));
    expect(await rollups()).toEqual(before);
  });

  it('moves the day boundaries to another time zone, and refuses one that does not exist', async () => {
    const bad = await runInProcess(['analytics', 'rebuild', '--timezone', 'Mars/Olympus'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--timezone');
    expect(bad.stderr).toContain('Mars/Olympus');
    const before = await rollups();
    const r = await runInProcess(['analytics', 'rebuild', '--timezone', 'America/Los_Angeles'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Rebuilt the rollups of default from [\d,]+ activities in [\d.]+ s \(days in America\/Los_Angeles\)/);
    const after = await rollups();
    // The same activities, counted on other days: the day totals differ, the grand total does not.
    expect(after.activity_days).not.toEqual(before.activity_days);
    const total = (rows: string[]) => rows.map((s) => Object.fromEntries(JSON.parse(s))).filter((d) => d.scope === '').reduce((n, d) => n + d.n, 0);
    expect(total(after.activity_days!)).toBe(total(before.activity_days!));
    const o = await t.api.get('/api/v1/analytics/overview');
    expect(o.body.range.timezone).toBe('America/Los_Angeles');
  });
});
