// The Telegram connector in webhook mode, end to end against the local fake Bot API, which posts each update
// to the real server as Telegram does (the secret header, retries with back-off, in order): a bot connected
// in webhook mode gets its own webhook; what the fake posts becomes activities once, however often it is
// posted; a post without the connection's secret is a 401 and a body that is not an update a 4xx, both
// recording nothing; updates posted while the server was down arrive when it is back; Telegram's refusal of
// the webhook is the connection's health; switching back to long polling deletes the webhook and loses
// nothing; disconnecting the bot takes its webhook down.
import { Api, GrammyError } from 'grammy';
import type { Update } from 'grammy/types';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALLOWED_UPDATES, telegramInbox } from '../src/connectors/telegram/inbox.ts';
import { webhookSecret } from '../src/connectors/telegram/webhook.ts';
import { FakeTelegram } from './fakes/telegram-bot-api.ts';
import { startTestServer, type Reply, type TestServer } from './helpers/server.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { expectClientProblem, expectProblem, expectStatus, waitFor } from './helpers/api.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');
const TOKEN = '7201:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const OTHER_TOKEN = '7202:AAFh3kLm9zYq1VbW2xP0rTtUuIiOoPpAsd';
const SG = -1001777000333;
const [ALICE, BOB, CAROL, DAN] = [601, 602, 603, 604];
const SCALE = 50;
let fake: FakeTelegram;
let db: TestDatabase;
let t: TestServer;
let base: string;
let port: number;
let connectionId: string;
let secret: string;
let bot: Api;

/** A port for the server, known before it starts: the webhook address names it. */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const p = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return p;
}

const env = (extra: Record<string, string> = {}) => ({
  PORT: String(port), SHEQUN_TELEGRAM_API_ROOT: fake.url, SHEQUN_SECRET_KEY: KEY, SHEQUN_TELEGRAM_POLLING: 'true', SHEQUN_TELEGRAM_WEBHOOK_URL: base,
  SHEQUN_TELEGRAM_TIME_SCALE: String(SCALE), SHEQUN_TELEGRAM_TIMEOUT_MS: '2000', SHEQUN_ENGINE_INTERVAL_MS: '50', ...extra,
});

beforeAll(async () => {
  // Telegram's back-off (1 s, 2 s, … 60 s) compressed 50 times.
  fake = await FakeTelegram.start({ timeScale: SCALE, webhook: { retryBaseMs: 1000, retryMaxMs: 10_000 } });
  fake.addBot({ token: TOKEN, username: 'tea_hook_bot', first_name: '茶友会' });
  fake.addBot({ token: OTHER_TOKEN, username: 'other_hook_bot' });
  fake.addUser({ id: ALICE, first_name: '爱丽丝', username: 'alice_hook' });
  fake.addUser({ id: BOB, first_name: 'Bob' });
  fake.addUser({ id: CAROL, first_name: 'Carol' });
  fake.addUser({ id: DAN, first_name: 'Dan' });
  fake.addChat({ id: SG, type: 'supergroup', title: '茶友会 Webhook 群' });
  fake.addMember(SG, ALICE);
  fake.addMember(SG, BOB);
  bot = new Api(TOKEN, { apiRoot: fake.url });
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  db = await createTestDatabase();
  t = await startTestServer(env(), { db });
});
afterAll(async () => {
  await t?.stop();
  await db?.drop();
  await fake?.close();
});

const hookPath = (id: string) => `/api/v1/connectors/telegram/${id}/webhook`;
const post = (body: unknown, headers: Record<string, string> = { 'x-telegram-bot-api-secret-token': secret }, id = connectionId): Promise<Reply> =>
  t.client().request('POST', hookPath(id), body, headers);
const group = () => waitFor(async () => (await t.api.get('/api/v1/groups?platform=telegram')).body.items.find((g: any) => g.externalId === '1777000333'));
const activities = async (groupId: string) => (await t.api.get(`/api/v1/activities?groupId=${groupId}&limit=500`)).body.items as any[];
const counts = async () => {
  const k = t.server.rt.db.kysely;
  const n = async (table: 'activities' | 'members' | 'groups' | 'memberships') => Number((await k.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  return { activities: await n('activities'), members: await n('members'), groups: await n('groups'), memberships: await n('memberships') };
};
const listener = () => t.server.engine.listeners!.state().get(connectionId);
const connection = async () => (await t.api.get(`/api/v1/connections/${connectionId}`)).body;
/** Restarts the server on the same database and port (its webhook address does not change). */
async function restart(extra: Record<string, string> = {}) {
  await t.stop();
  t = await startTestServer(env(extra), { db });
}
const message = (updateId: number, text: string, from = { id: DAN, first_name: 'Dan' }): Update => ({
  update_id: updateId,
  message: { message_id: 90_000 + updateId, date: Math.floor(Date.now() / 1000), chat: { id: SG, type: 'supergroup', title: '茶友会 Webhook 群' }, from: { ...from, is_bot: false }, text },
});
const MALLORY = { id: 666, first_name: 'Mallory' };

describe('a bot connected in webhook mode', () => {
  it('gets a webhook of its own, with a secret, for the updates the listener asks for; getUpdates is refused meanwhile', async () => {
    const c = await t.api.post('/api/v1/connections', { platform: 'telegram', token: TOKEN });
    expectStatus(c, 201);
    expect(c.body).toMatchObject({ status: 'active', lastError: null });
    connectionId = c.body.id;
    secret = webhookSecret(TOKEN, connectionId);
    // Set while connecting (the answer says whether Telegram accepts it), not only when the listener comes round.
    expect(await bot.getWebhookInfo()).toMatchObject({ url: `${base}${hookPath(connectionId)}`, allowed_updates: [...ALLOWED_UPDATES], max_connections: 40, pending_update_count: 0 });
    await t.server.engine.listeners!.rescan();
    await waitFor(async () => listener()?.mode === 'webhook' && fake.requests({ method: 'setWebhook' }).length >= 2);
    const conflict = await bot.getUpdates({ timeout: 0 }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(GrammyError);
    expect((conflict as GrammyError).description).toBe("Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    // Only a secret Telegram may send: 43 characters of [A-Za-z0-9_-], and not the token.
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(secret).not.toContain(TOKEN.split(':')[1]!.slice(0, 8));
    expect(webhookSecret(OTHER_TOKEN, connectionId)).not.toBe(secret);
  });

  it('records what the fake posts (messages, joins) once, even when an update is posted again or twice at once', async () => {
    const heard: [string, number][] = [];
    const unlisten = telegramInbox(t.server.rt.db.kysely).listen((id, n) => void heard.push([id, n]));
    fake.addBotToChat(SG, TOKEN, { admin: true, by: ALICE });
    const g = await group();
    expect(g.name).toBe('茶友会 Webhook 群');
    const first = fake.userSends(SG, ALICE, { text: '大家好，webhook 来了' });
    fake.userJoins(SG, CAROL, { invitedBy: ALICE });
    fake.userSends(SG, BOB, { text: '@alice_hook 收到', reply_to_message_id: first.message_id });
    const acts = await waitFor(async () => {
      const a = await activities(g.id);
      return a.some((x) => x.payload?.text === '@alice_hook 收到') && a;
    });
    const messages = acts.filter((a) => a.kind === 'message').reverse();
    expect(messages.map((m) => m.payload.text)).toEqual(['大家好，webhook 来了', '@alice_hook 收到']);
    expect(messages[1].payload.replyTo).toBe(messages[0].id);
    expect(acts.find((a) => a.kind === 'join').payload.invitedBy).toBe(messages[0].memberId);
    await waitFor(async () => fake.pendingUpdates(TOKEN).length === 0);
    const delivered = fake.webhookDeliveries(TOKEN).filter((d) => d.ok);
    expect(delivered.length).toBeGreaterThanOrEqual(4);
    // The engine was woken for each (the inbox's listeners), and the listener counted them.
    expect(heard.filter(([id]) => id === connectionId).length).toBeGreaterThanOrEqual(4);
    expect(listener()!.updates).toBeGreaterThanOrEqual(4);
    unlisten();

    // Telegram posts again what it is not sure we received: one after the other, and two at once.
    const before = await counts();
    for (const d of delivered) {
      const r = await post(d.update);
      expectStatus(r, 200);
      expect(r.body).toEqual({ ok: true });
    }
    const twice = await Promise.all(delivered.flatMap((d) => [post(d.update), post(d.update)]));
    expect(twice.map((r) => r.status)).toEqual(twice.map(() => 200));
    expect(await counts()).toEqual(before);
    // A new update posted twice at once is one activity.
    const both = await Promise.all([post(message(777_001, '同时到达两次')), post(message(777_001, '同时到达两次'))]);
    expect(both.map((r) => r.status)).toEqual([200, 200]);
    expect((await activities(g.id)).filter((a) => a.payload?.text === '同时到达两次')).toHaveLength(1);
    expect((await counts()).activities).toBe(before.activities + 1);
  });

  it('refuses a post without the connection’s secret with 401, whichever connection it names, and records nothing', async () => {
    const before = await counts();
    const other = await t.api.post('/api/v1/connections', { platform: 'telegram', token: OTHER_TOKEN });
    expectStatus(other, 201);
    const attempts: [Record<string, string>, string][] = [
      [{}, connectionId],
      [{ 'x-telegram-bot-api-secret-token': 'wrong' }, connectionId],
      [{ 'x-telegram-bot-api-secret-token': `${secret}x` }, connectionId],
      [{ 'x-telegram-bot-api-secret-token': `${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}` }, connectionId],
      [{ 'x-telegram-bot-api-secret-token': webhookSecret(OTHER_TOKEN, other.body.id) }, connectionId],
      [{ 'x-telegram-bot-api-secret-token': secret }, other.body.id],
      [{ 'x-telegram-bot-api-secret-token': secret }, 'con_nothing_here'],
      [{ authorization: `Bearer ${t.api.token}` }, connectionId],
    ];
    const details = new Set<string>();
    for (const [headers, id] of attempts) {
      const r = await post(message(888_001, '冒充 Telegram', MALLORY), headers, id);
      expectProblem(r, 401, undefined, 'auth.required');
      details.add(r.body.detail);
    }
    // The same answer for a connection that does not exist and a wrong secret: a stranger learns nothing.
    expect(details.size).toBe(1);
    expect(await counts()).toEqual(before);
    expect((await t.api.get('/api/v1/members?q=Mallory')).body.items).toEqual([]);
    expectStatus(await t.api.delete(`/api/v1/connections/${other.body.id}`), 204);
  });

  it('answers 4xx, never 5xx, to bodies that are not updates, even with the right secret', async () => {
    const before = await counts();
    const h = { 'x-telegram-bot-api-secret-token': secret };
    const json = { ...h, 'content-type': 'application/json' };
    const chat = { id: SG, type: 'supergroup', title: 'x' };
    const from = { id: DAN, is_bot: false, first_name: 'Dan' };
    const cases: [string | Uint8Array | object, Record<string, string>, number, string?][] = [
      ['garbage', json, 400, 'body'],
      ['{"update_id": 1,', json, 400, 'body'],
      ['[]', json, 400, 'body'],
      ['null', json, 400, 'body'],
      [{}, h, 400, 'body.update_id'],
      [{ update_id: -1 }, h, 400, 'body.update_id'],
      [{ update_id: 'one' }, h, 400, 'body.update_id'],
      [{ update_id: 1, surprise: {} }, h, 400, 'body'],
      [{ update_id: 1, message: { text: 'no chat' } }, h, 400, 'body.message.message_id'],
      [{ update_id: 1, message: { message_id: 1, date: 1, chat, from, text: 'x'.repeat(300_000) } }, h, 413],
      [{ update_id: 1, message: { message_id: 1, date: 1, chat, from, text: 'a\u0000b' } }, h, 400, 'body.message.text'],
      // Shaped well enough for the schema, not for Telegram: a text_mention names its user.
      [{ update_id: 1, message: { message_id: 1, date: 1, chat, from, text: 'x', entities: [{ type: 'text_mention', offset: 0, length: 1 }] } }, h, 400, 'body'],
      ['update_id=1', { ...h, 'content-type': 'application/x-www-form-urlencoded' }, 415, 'content-type'],
    ];
    for (const [body, headers, status, field] of cases) {
      const r = await post(body, headers);
      expectClientProblem(r, JSON.stringify(body).slice(0, 60));
      expectProblem(r, status, field);
    }
    // An update of a kind this server does not ask for (queued before its webhook was set) is taken and ignored.
    expectStatus(await post({ update_id: 888_100, callback_query: { id: '1', from, chat_instance: '1' } }), 200);
    expect(await counts()).toEqual(before);
  });

  it('gets the updates Telegram kept retrying while the server was down, in order', async () => {
    await t.stop();
    const g0 = fake.webhookDeliveries(TOKEN).length;
    fake.userSends(SG, ALICE, { text: '停机时第一条' });
    fake.userSends(SG, BOB, { text: '停机时第二条' });
    await waitFor(async () => fake.webhookDeliveries(TOKEN).slice(g0).filter((d) => d.error === 'Connection refused').length >= 2);
    expect(await bot.getWebhookInfo()).toMatchObject({ pending_update_count: 2, last_error_message: 'Connection refused' });
    t = await startTestServer(env(), { db });
    const g = await group();
    const acts = await waitFor(async () => {
      const a = await activities(g.id);
      return a.some((x) => x.payload?.text === '停机时第二条') && a;
    });
    expect(acts.filter((a) => a.kind === 'message').map((a) => a.payload.text).slice(0, 2).reverse()).toEqual(['停机时第一条', '停机时第二条']);
    // In order; the first perhaps twice (the restarted server set the webhook again while it was being posted: at least once).
    const taken = fake.webhookDeliveries(TOKEN).slice(g0).filter((d) => d.ok).map((d) => d.update.message?.text);
    expect([...new Set(taken)]).toEqual(['停机时第一条', '停机时第二条']);
    expect(acts.filter((a) => a.payload?.text?.startsWith('停机时'))).toHaveLength(2);
    await waitFor(async () => (await bot.getWebhookInfo()).pending_update_count === 0);
  });

  it('is failing with Telegram’s words when Telegram refuses the webhook, at a check and at a start, until checked again', async () => {
    const url = `${base}${hookPath(connectionId)}`;
    const refusal = 'Bad Request: bad webhook: Failed to resolve host: Name or service not known';
    fake.failNext('setWebhook', { status: 400, description: refusal });
    const checked = await t.api.post(`/api/v1/connections/${connectionId}/check`);
    expectStatus(checked, 200);
    expect(checked.body).toMatchObject({ status: 'failing', lastError: `Telegram refused the webhook ${url}: 400 ${refusal}` });
    await t.server.engine.listeners!.rescan();
    expect(listener()).toBeUndefined();
    expect((await t.api.post(`/api/v1/connections/${connectionId}/check`)).body).toMatchObject({ status: 'active', lastError: null });
    // When connecting: the bot is connected all the same, failing with the reason.
    fake.failNext('setWebhook', { status: 400, description: refusal });
    const added = await t.api.post('/api/v1/connections', { platform: 'telegram', token: OTHER_TOKEN });
    expectStatus(added, 201);
    expect(added.body).toMatchObject({ status: 'failing', lastError: `Telegram refused the webhook ${base}${hookPath(added.body.id)}: 400 ${refusal}` });
    expectStatus(await t.api.delete(`/api/v1/connections/${added.body.id}`), 204);

    // At a start: the listener's own setWebhook is refused.
    await t.stop();
    fake.failNext('setWebhook', { status: 400, description: refusal });
    t = await startTestServer(env(), { db });
    await waitFor(async () => (await connection()).status === 'failing');
    expect((await connection()).lastError).toBe(`Telegram refused the webhook ${url}: 400 ${refusal}`);
    expect((await t.api.post(`/api/v1/connections/${connectionId}/check`)).body).toMatchObject({ status: 'active', lastError: null });
    await t.server.engine.listeners!.rescan();
    await waitFor(async () => listener()?.mode === 'webhook');
    expect((await bot.getWebhookInfo()).url).toBe(url);
  });
});

describe('switching back to long polling', () => {
  it('deletes the webhook it had set and hears what was waiting by getUpdates', async () => {
    await t.stop();
    fake.userSends(SG, ALICE, { text: '切回长轮询之前' });
    await waitFor(async () => (await bot.getWebhookInfo()).last_error_message === 'Connection refused' && fake.pendingUpdates(TOKEN).length === 1);
    t = await startTestServer(env({ SHEQUN_TELEGRAM_WEBHOOK_URL: '' }), { db });
    await t.server.engine.listeners!.rescan();
    const g = await group();
    await waitFor(async () => (await activities(g.id)).some((a) => a.payload?.text === '切回长轮询之前'));
    expect(await bot.getWebhookInfo()).toMatchObject({ url: '', pending_update_count: 0 });
    expect(listener()).toMatchObject({ mode: 'polling', lastError: null });
    fake.userSends(SG, BOB, { text: '长轮询照常' });
    await waitFor(async () => (await activities(g.id)).some((a) => a.payload?.text === '长轮询照常'));
  });

  it('leaves another program’s webhook alone: the connection is failing, saying where it points', async () => {
    await bot.setWebhook('http://127.0.0.1:9/elsewhere');
    await waitFor(async () => (await connection()).status === 'failing', 15_000);
    expect((await connection()).lastError).toMatch(/^a webhook is set for this bot at http:\/\/127\.0\.0\.1:9\/elsewhere \(another program receives its updates\)/);
    expect((await bot.getWebhookInfo()).url).toBe('http://127.0.0.1:9/elsewhere');
    await bot.deleteWebhook();
    expect((await t.api.post(`/api/v1/connections/${connectionId}/check`)).body).toMatchObject({ status: 'active' });
  });
});

describe('disconnecting a bot in webhook mode', () => {
  it('takes its webhook down while the token still exists', async () => {
    await restart();
    await t.server.engine.listeners!.rescan();
    await waitFor(async () => (await bot.getWebhookInfo()).url === `${base}${hookPath(connectionId)}`);
    expectStatus(await t.api.delete(`/api/v1/connections/${connectionId}`), 204);
    expect((await bot.getWebhookInfo()).url).toBe('');
    // What Telegram still posts for it is refused, not recorded.
    expectProblem(await post(message(999_001, '断开之后', MALLORY)), 401);
    const audit = (await t.api.get('/api/v1/audit-log?limit=50')).body.items.map((a: any) => a.action);
    expect(audit).toContain('connection.remove');
  });
});
