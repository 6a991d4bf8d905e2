// Connecting a Telegram bot through the API, against the local fake Bot API: the token is checked with
// getMe (a malformed or refused token is a 400 on `token` in Telegram's words), kept sealed (not in the
// database in clear, never in a response), checked again on demand (health), refused twice, and removed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeTelegram } from './fakes/telegram-bot-api.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { expectProblem, expectStatus } from './helpers/api.ts';

const KEY = Buffer.alloc(32, 3).toString('base64');
const TOKEN = '7001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
let fake: FakeTelegram;
let db: TestDatabase;
let t: TestServer;
beforeAll(async () => {
  fake = await FakeTelegram.start();
  fake.addBot({ token: TOKEN, username: 'shequn_tea_bot' });
  db = await createTestDatabase();
  t = await startTestServer({ SHEQUN_TELEGRAM_API_ROOT: fake.url, SHEQUN_SECRET_KEY: KEY }, { db });
});
afterAll(async () => {
  await t?.stop();
  await db?.drop();
  await fake?.close();
});

let id: string;
describe('a Telegram connection', () => {
  it('is checked with Telegram and kept sealed', async () => {
    const r = await t.api.post('/api/v1/connections', { platform: 'telegram', token: TOKEN, name: '茶友会机器人' });
    expectStatus(r, 201);
    id = r.body.id;
    expect(r.body).toMatchObject({ platform: 'telegram', name: '茶友会机器人', accountId: '7001', handle: 'shequn_tea_bot', status: 'active', tokenHint: '7001:A…Dsaw' });
    expect(r.text).not.toContain(TOKEN);
    const stored = await t.server.rt.db.kysely.selectFrom('connections').select('credentials').where('id', '=', id).executeTakeFirstOrThrow();
    expect(stored.credentials).not.toContain('AAHdqTcv');
    expect(stored.credentials).toMatch(/^v1:/);
    const list = await t.api.get('/api/v1/connections');
    expect(list.body.items.map((c: any) => c.id)).toEqual([id]);
    expect(list.text).not.toContain(TOKEN);
  });

  it('refuses a malformed token, a token Telegram refuses, and the same bot twice', async () => {
    expectProblem(await t.api.post('/api/v1/connections', { platform: 'telegram', token: 'not-a-token' }), 400, 'token');
    const refused = await t.api.post('/api/v1/connections', { platform: 'telegram', token: '7002:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw' });
    expectProblem(refused, 400, 'token');
    expect(refused.body.errors[0].reason).toBe('Telegram refused the token: 401 Unauthorized');
    expectProblem(await t.api.post('/api/v1/connections', { platform: 'telegram', token: TOKEN }), 409);
    expectProblem(await t.api.post('/api/v1/connections', { platform: 'wechat', token: TOKEN }), 400, 'body.platform');
    expect((await t.api.get('/api/v1/connections')).body.items).toHaveLength(1);
  });

  it('keeps the answer of a new check as its health', async () => {
    fake.failNext('getMe', { status: 401, description: 'Unauthorized' });
    let r = await t.api.post(`/api/v1/connections/${id}/check`);
    expectStatus(r, 200);
    expect(r.body).toMatchObject({ status: 'failing', lastError: 'Telegram refused the token: 401 Unauthorized' });
    r = await t.api.post(`/api/v1/connections/${id}/check`);
    expect(r.body).toMatchObject({ status: 'active', lastError: null });
    expect(r.body.checkedAt).toBeTruthy();
  });

  it('says so when the key it was sealed with is gone', async () => {
    await t.stop();
    t = await startTestServer({ SHEQUN_TELEGRAM_API_ROOT: fake.url, SHEQUN_SECRET_KEY: Buffer.alloc(32, 4).toString('base64') }, { db });
    const r = await t.api.post(`/api/v1/connections/${id}/check`);
    expect(r.body).toMatchObject({ status: 'failing', tokenHint: '…' });
    expect(r.body.lastError).toMatch(/does not open with this key/);
  });

  it('is removed with its credentials, and the removal is audited', async () => {
    expectStatus(await t.api.delete(`/api/v1/connections/${id}`), 204);
    expectProblem(await t.api.get(`/api/v1/connections/${id}`), 404);
    expect(await t.server.rt.db.kysely.selectFrom('connections').select('id').execute()).toEqual([]);
    const audit = (await t.api.get('/api/v1/audit-log?limit=20')).body.items.map((a: any) => a.action);
    expect(audit).toContain('connection.add');
    expect(audit).toContain('connection.remove');
  });
});
