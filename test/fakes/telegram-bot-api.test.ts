// The fake Telegram Bot API, driven by a real grammY Bot (no auto-retry plugin installed).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { Bot, GrammyError, HttpError, InputFile, webhookCallback, type Context } from 'grammy';
import type { Update } from 'grammy/types';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeTelegram, FakeTelegramError, TINY_PNG, parseHtml, parseMarkdownV2, type FakeTelegramOptions } from './telegram-bot-api.ts';

const TOKEN = '123456:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';
const OTHER = '654321:AAFh3kLm9zYq1VbW2xP0rTtUuIiOoPpAsd';
const THIRD = '777777:AAGxYz0123456789abcdefABCDEF-_ghij';
const SG = -1001234567890;
const ALICE = 1001;
const BOB = 1002;
const CAROL = 1003;
const DAN = 1004;

const cleanup: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function world(opts: FakeTelegramOptions = {}, clientOpts: { timeoutSeconds?: number } = {}) {
  const fake = await FakeTelegram.start(opts);
  cleanup.push(() => fake.close());
  fake.addBot({ token: TOKEN, username: 'shequn_bot', first_name: 'Shequn' });
  for (const [id, first_name, username] of [[ALICE, 'Alice', 'alice_w'], [BOB, 'Bob', undefined], [CAROL, 'Carol', 'carol_c'], [DAN, 'Dan', undefined]] as const) {
    fake.addUser({ id, first_name, ...(username ? { username } : {}) });
  }
  fake.addChat({ id: SG, type: 'supergroup', title: 'Fans' });
  fake.addMember(SG, ALICE);
  fake.addMember(SG, BOB);
  fake.addBotToChat(SG, TOKEN, { admin: true, silent: true });
  const bot = new Bot(TOKEN, { client: { apiRoot: fake.url, ...clientOpts } });
  return { fake, bot };
}

async function until<T>(fn: () => T | undefined | false | null, ms = 3000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('condition not met in time');
    await sleep(5);
  }
}

/** A port nothing listens on (yet). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** A Bot API call as JSON, for the parts of the answer grammY does not return (the description). */
async function raw(fake: FakeTelegram, method: string, params: Record<string, unknown>): Promise<unknown> {
  const r = await fetch(`${fake.url}/bot${TOKEN}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
  return r.json();
}

async function apiError(p: Promise<unknown>): Promise<GrammyError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GrammyError);
  return err as GrammyError;
}

describe('bots, messages and errors', () => {
  it('answers getMe, logs sendMessage with increasing message_ids, and rejects unknown tokens and methods', async () => {
    const { fake, bot } = await world({ timeScale: 1000 });
    const me = await bot.api.getMe();
    expect(me).toMatchObject({ id: 123456, is_bot: true, username: 'shequn_bot', can_read_all_group_messages: false });

    const m1 = await bot.api.sendMessage(SG, 'hello');
    await sleep(2);
    const m2 = await bot.api.sendMessage(SG, '<b>bold</b> move', { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
    expect(m1).toMatchObject({ message_id: 1, text: 'hello', chat: { id: SG, type: 'supergroup', title: 'Fans' }, from: { id: 123456, is_bot: true } });
    expect(typeof m1.date).toBe('number');
    expect(m2.message_id).toBe(2);
    expect(m2.entities).toEqual([{ type: 'bold', offset: 0, length: 4 }]);
    const log = fake.chatLog(SG);
    expect(log.map((e) => [e.message_id, e.bot, e.text])).toEqual([
      [1, 'shequn_bot', 'hello'],
      [2, 'shequn_bot', 'bold move'],
    ]);
    expect(log[1]).toMatchObject({ parse_mode: 'HTML', link_preview_options: { is_disabled: true }, method: 'sendMessage' });
    expect(fake.sendTimes({ token: TOKEN })).toHaveLength(2);

    const stranger = new Bot('999:AAAbbbCCC', { client: { apiRoot: fake.url } });
    const e401 = await apiError(stranger.api.getMe());
    expect([e401.error_code, e401.description]).toEqual([401, 'Unauthorized']);
    const raw = await fetch(`${fake.url}/bot${TOKEN}/sendTelepathy`, { method: 'POST' });
    expect([raw.status, await raw.json()]).toEqual([404, { ok: false, error_code: 404, description: 'Not Found' }]);
    const empty = await apiError(bot.api.sendMessage(SG, '   '));
    expect(empty.description).toBe('Bad Request: message text is empty');
    const nowhere = await apiError(bot.api.sendMessage(-100999, 'hi'));
    expect(nowhere.description).toBe('Bad Request: chat not found');
  });

  it('refuses a reply to a missing message unless allow_sending_without_reply, and renders real replies', async () => {
    const { fake, bot } = await world({ timeScale: 1000 });
    const err = await apiError(bot.api.sendMessage(SG, 'answer', { reply_parameters: { message_id: 42 } }));
    expect([err.error_code, err.description]).toEqual([400, 'Bad Request: message to be replied not found']);
    expect(fake.chatLog(SG)).toHaveLength(0);

    const loose = await bot.api.sendMessage(SG, 'answer', { reply_parameters: { message_id: 42, allow_sending_without_reply: true } });
    expect(loose.reply_to_message).toBeUndefined();
    const q = fake.userSends(SG, ALICE, { text: 'question?' });
    await sleep(2);
    const a = await bot.api.sendMessage(SG, 'answer', { reply_parameters: { message_id: q.message_id } });
    expect(a.reply_to_message).toMatchObject({ message_id: q.message_id, text: 'question?', from: { id: ALICE, first_name: 'Alice', username: 'alice_w' } });
    expect(fake.chatLog(SG).at(-1)).toMatchObject({ reply_to: q.message_id, bot: 'shequn_bot' });
  });

  it('parses MarkdownV2 and HTML like Telegram, with its errors', async () => {
    const { bot } = await world({ timeScale: 1000 });
    const e = await apiError(bot.api.sendMessage(SG, 'Price: 5.00!', { parse_mode: 'MarkdownV2' }));
    expect(e.description).toBe("Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'");
    expect(parseMarkdownV2('*bold* _it_ [link](https://x.y/\\)) `a.b`')).toEqual({
      text: 'bold it link a.b',
      entities: [
        { type: 'bold', offset: 0, length: 4 },
        { type: 'italic', offset: 5, length: 2 },
        { type: 'text_link', offset: 8, length: 4, url: 'https://x.y/)' },
        { type: 'code', offset: 13, length: 3 },
      ],
    });
    expect(() => parseMarkdownV2('*open')).toThrow("Can't find end of Bold entity at byte offset 0");
    expect(() => parseHtml('a < b')).toThrow('Unsupported start tag "" at byte offset 2');
    expect(() => parseHtml('<b>x')).toThrow('Can\'t find end tag corresponding to start tag "b"');
    expect(parseHtml('<a href="https://t.me">t&amp;m</a>')).toEqual({ text: 't&m', entities: [{ type: 'text_link', offset: 0, length: 3, url: 'https://t.me' }] });
  });
});

describe('updates', () => {
  it('delivers userSends / userJoins / joinRequest through getUpdates with real shapes, confirmed by offset', async () => {
    const { fake, bot } = await world();
    // chat_member is opt-in, and allowed_updates applies to updates created after the call.
    expect(await bot.api.getUpdates({ timeout: 0, allowed_updates: ['message', 'chat_member', 'chat_join_request', 'my_chat_member'] })).toEqual([]);
    fake.userSends(SG, ALICE, { text: '/start hello' });
    fake.userJoins(SG, CAROL, { invitedBy: ALICE });
    fake.joinRequest(SG, DAN, { bio: 'hi' });
    const ups = await bot.api.getUpdates({ timeout: 0 });
    expect(ups.map((u) => Object.keys(u).filter((k) => k !== 'update_id')[0])).toEqual(['message', 'message', 'chat_member', 'chat_join_request']);
    expect(ups.map((u) => u.update_id - ups[0]!.update_id)).toEqual([0, 1, 2, 3]);
    const [text, joined, member, request] = ups as [Update, Update, Update, Update];
    expect(text.message).toMatchObject({
      message_id: 1,
      from: { id: ALICE, is_bot: false, first_name: 'Alice', username: 'alice_w' },
      chat: { id: SG, type: 'supergroup', title: 'Fans' },
      text: '/start hello',
      entities: [{ type: 'bot_command', offset: 0, length: 6 }],
    });
    expect(text.message!.date).toBeGreaterThan(1_600_000_000);
    expect(joined.message).toMatchObject({ from: { id: ALICE }, new_chat_members: [{ id: CAROL, is_bot: false, first_name: 'Carol' }] });
    expect(member.chat_member).toMatchObject({
      from: { id: ALICE },
      old_chat_member: { status: 'left', user: { id: CAROL } },
      new_chat_member: { status: 'member', user: { id: CAROL } },
    });
    expect(request.chat_join_request).toMatchObject({ chat: { id: SG, type: 'supergroup' }, from: { id: DAN }, user_chat_id: DAN, bio: 'hi' });

    // Unconfirmed updates come again; an offset past them confirms (drops) them.
    expect(await bot.api.getUpdates({ timeout: 0 })).toHaveLength(4);
    expect(await bot.api.getUpdates({ timeout: 0, offset: request.update_id })).toHaveLength(1);
    expect(await bot.api.getUpdates({ timeout: 0, offset: request.update_id + 1 })).toEqual([]);
    expect(fake.pendingUpdates(TOKEN)).toEqual([]);

    // The join request is approved through the API: Dan joins via the request.
    await bot.api.approveChatJoinRequest(SG, DAN);
    expect(fake.memberStatus(SG, DAN).status).toBe('member');
    const again = await apiError(bot.api.approveChatJoinRequest(SG, DAN));
    expect(again.description).toBe('Bad Request: USER_ALREADY_PARTICIPANT');
    const after = await bot.api.getUpdates({ timeout: 0, offset: request.update_id + 1 });
    expect(after.find((u) => u.chat_member)?.chat_member).toMatchObject({ via_join_request: true, from: { id: 123456 } });
  });

  it('runs a grammY bot with bot.start(): long polling, a reply, then stop', async () => {
    const { fake, bot } = await world({ timeScale: 1000 });
    bot.command('start', (ctx) => ctx.reply(`welcome ${ctx.from?.first_name}`, { reply_parameters: { message_id: ctx.msg.message_id } }));
    bot.on('message:photo', (ctx) => ctx.reply(`nice photo ${ctx.msg.photo.length}`));
    let started = false;
    const running = bot.start({ timeout: 5, onStart: () => void (started = true) });
    await until(() => started && fake.requests({ method: 'getUpdates' }).length > 0);
    const t0 = Date.now();
    const cmd = fake.userSends(SG, BOB, { text: '/start' });
    const reply = await until(() => fake.chatLog(SG).find((e) => e.bot === 'shequn_bot'));
    expect(Date.now() - t0).toBeLessThan(1000); // the held getUpdates answered at once
    expect(reply).toMatchObject({ text: 'welcome Bob', reply_to: cmd.message_id });
    fake.userSends(SG, ALICE, { photo: true, caption: 'look' });
    await until(() => fake.chatLog(SG).find((e) => e.text === 'nice photo 1'));
    await bot.stop();
    await running;
    // stop() confirmed what it handled: nothing is pending.
    expect(fake.pendingUpdates(TOKEN)).toEqual([]);
  });

  it('answers a long poll that is overtaken by another getUpdates with 409, and holds until timeout', async () => {
    const { fake, bot } = await world();
    const first = bot.api.getUpdates({ timeout: 5 });
    await until(() => fake.requests({ method: 'getUpdates' }).length === 1);
    const second = bot.api.getUpdates({ timeout: 0 });
    const err = await apiError(first);
    expect([err.error_code, err.description]).toEqual([409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running']);
    expect(await second).toEqual([]);
    const t0 = Date.now();
    expect(await bot.api.getUpdates({ timeout: 1 })).toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('delivers to a webhook with the secret header, retries a failure, and refuses getUpdates meanwhile', async () => {
    const { fake, bot } = await world({ webhook: { retryBaseMs: 50 } });
    const seen: Update[] = [];
    const secrets: (string | undefined)[] = [];
    const hookBot = new Bot(TOKEN, { client: { apiRoot: fake.url } });
    hookBot.on('message', (ctx: Context) => void seen.push(ctx.update));
    const handle = webhookCallback(hookBot, 'http', { secretToken: 'S3cret_token' });
    let calls = 0;
    const server: Server = createServer((req, res) => {
      secrets.push(req.headers['x-telegram-bot-api-secret-token'] as string | undefined);
      if (++calls === 1) {
        res.writeHead(500).end();
        return;
      }
      void handle(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

    expect(await bot.api.setWebhook(url, { secret_token: 'S3cret_token' })).toBe(true);
    const conflict = await apiError(bot.api.getUpdates({ timeout: 0 }));
    expect([conflict.error_code, conflict.description]).toEqual([409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"]);

    fake.userSends(SG, ALICE, { text: 'via webhook' });
    await until(() => seen.length === 1 && fake.webhookDeliveries(TOKEN).length === 2); // the fake records after the reply
    expect(seen[0]!.message).toMatchObject({ text: 'via webhook', from: { id: ALICE } });
    expect(secrets).toEqual(['S3cret_token', 'S3cret_token']);
    expect(fake.webhookDeliveries(TOKEN).map((d) => [d.ok, d.status])).toEqual([[false, 500], [true, 200]]);
    const info = await bot.api.getWebhookInfo();
    expect(info).toMatchObject({ url, pending_update_count: 0, last_error_message: 'Wrong response from the webhook: 500 Internal Server Error' });

    expect(await bot.api.deleteWebhook()).toBe(true);
    fake.userSends(SG, ALICE, { text: 'polled' });
    expect((await bot.api.getUpdates({ timeout: 0 })).map((u) => u.message?.text)).toEqual(['polled']);
  });

  it('keeps a webhook’s order through a receiver that is down, a redirect and a refusal, and says why in getWebhookInfo', async () => {
    const { fake, bot } = await world({ webhook: { retryBaseMs: 40, retryMaxMs: 200 } });
    const port = await freePort();
    const url = `http://127.0.0.1:${port}/hook`;
    const set = { url, secret_token: 'S3cret-2', allowed_updates: ['message'], max_connections: 3 };
    expect(await raw(fake, 'setWebhook', set)).toEqual({ ok: true, result: true, description: 'Webhook was set' });
    expect(await raw(fake, 'setWebhook', set)).toEqual({ ok: true, result: true, description: 'Webhook is already set' });
    for (const text of ['one', 'two', 'three']) fake.userSends(SG, ALICE, { text });
    // Nothing listens yet: every post is refused, the updates wait in order.
    await until(() => fake.webhookDeliveries(TOKEN).length >= 2);
    expect(await bot.api.getWebhookInfo()).toMatchObject({ url, pending_update_count: 3, max_connections: 3, allowed_updates: ['message'], last_error_message: 'Connection refused' });

    // The receiver comes up: it redirects the first post (Telegram does not follow), refuses the next, then takes them all.
    const got: { text: string | undefined; secret: unknown }[] = [];
    let posts = 0;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        posts++;
        if (posts === 1) return void res.writeHead(302, { location: '/elsewhere' }).end();
        if (posts === 2) return void res.writeHead(503).end();
        got.push({ text: (JSON.parse(body) as Update).message?.text, secret: req.headers['x-telegram-bot-api-secret-token'] });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
    cleanup.push(() => new Promise((r) => { server.closeAllConnections(); server.close(r); }));
    // The fake records a delivery after the receiver's reply, so wait for its record of the third as well.
    await until(() => got.length === 3 && fake.webhookDeliveries(TOKEN).filter((d) => d.ok).length === 3, 5000);
    expect(got).toEqual(['one', 'two', 'three'].map((text) => ({ text, secret: 'S3cret-2' })));
    const deliveries = fake.webhookDeliveries(TOKEN);
    const failed = deliveries.filter((d) => !d.ok).map((d) => d.error);
    expect(failed).toContain('Connection refused');
    expect(failed.slice(-2)).toEqual(['Wrong response from the webhook: 302 Found', 'Wrong response from the webhook: 503 Service Unavailable']);
    // Each update was retried until taken, and none overtook another.
    expect(deliveries.filter((d) => d.ok).map((d) => d.update.message?.text)).toEqual(['one', 'two', 'three']);
    const ids = deliveries.map((d) => d.update_id);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(await bot.api.getWebhookInfo()).toMatchObject({ url, pending_update_count: 0, last_error_message: 'Wrong response from the webhook: 503 Service Unavailable' });
  });

  it('hands what a webhook could not deliver to getUpdates after deleteWebhook, unless told to drop it, and checks setWebhook’s arguments', async () => {
    const { fake, bot } = await world({ webhook: { retryBaseMs: 40, retryMaxMs: 200 } });
    const nowhere = `http://127.0.0.1:${await freePort()}/hook`;
    expect(await bot.api.setWebhook(nowhere)).toBe(true);
    fake.userSends(SG, ALICE, { text: 'kept' });
    await until(() => fake.webhookDeliveries(TOKEN).length >= 1);
    expect(await raw(fake, 'deleteWebhook', { drop_pending_updates: false })).toEqual({ ok: true, result: true, description: 'Webhook was deleted' });
    expect(await raw(fake, 'deleteWebhook', {})).toEqual({ ok: true, result: true, description: 'Webhook is already deleted' });
    expect((await bot.api.getWebhookInfo())).toEqual({ url: '', has_custom_certificate: false, pending_update_count: 1 });
    expect((await bot.api.getUpdates({ timeout: 0 })).map((u) => u.message?.text)).toEqual(['kept']);

    await bot.api.setWebhook(nowhere);
    fake.userSends(SG, ALICE, { text: 'dropped' });
    await bot.api.deleteWebhook({ drop_pending_updates: true });
    expect((await bot.api.getUpdates({ timeout: 0, offset: -1 })).map((u) => u.message?.text)).toEqual([]);

    const badSecret = await apiError(bot.api.setWebhook(nowhere, { secret_token: 'has spaces' }));
    expect([badSecret.error_code, badSecret.description]).toEqual([400, 'Bad Request: secret token contains unallowed characters']);
    const badUrl = await apiError(bot.api.setWebhook('ftp://example.com/hook'));
    expect(badUrl.description).toBe('Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
    expect((await bot.api.getWebhookInfo()).url).toBe('');
  });

  it('honours privacy mode, hides bots from each other, and sends reactions only when asked', async () => {
    const { fake, bot } = await world({ timeScale: 1000 });
    fake.addBot({ token: OTHER, username: 'other_bot' });
    fake.addBotToChat(SG, OTHER, { silent: true });
    const other = new Bot(OTHER, { client: { apiRoot: fake.url } });
    await bot.api.getUpdates({ timeout: 0, allowed_updates: ['message', 'message_reaction'] });

    const plain = fake.userSends(SG, ALICE, { text: 'just chatting' });
    fake.userSends(SG, ALICE, { text: '/help@other_bot' });
    await other.api.sendMessage(SG, 'I am the other bot');
    fake.react(SG, BOB, plain.message_id, ['👍']);
    // The admin bot sees all user messages but not the other bot's; the privacy-mode bot only its command.
    const adminUps = await bot.api.getUpdates({ timeout: 0 });
    expect(adminUps.map((u) => u.message?.text ?? u.message_reaction?.new_reaction)).toEqual(['just chatting', '/help@other_bot', [{ type: 'emoji', emoji: '👍' }]]);
    expect((await other.api.getUpdates({ timeout: 0 })).map((u) => u.message?.text)).toEqual(['/help@other_bot']);
  });
});

describe('flood limits', () => {
  it('refuses a second message to one chat within a second with 429 retry_after, delivering nothing', async () => {
    const { fake, bot } = await world();
    await bot.api.sendMessage(SG, 'one');
    const err = await apiError(bot.api.sendMessage(SG, 'two'));
    expect(err.error_code).toBe(429);
    expect(err.parameters.retry_after).toBeGreaterThanOrEqual(1);
    expect(err.description).toBe(`Too Many Requests: retry after ${err.parameters.retry_after}`);
    expect(fake.chatLog(SG).map((e) => e.text)).toEqual(['one']);
    expect(fake.botStats(TOKEN)).toMatchObject({ accepted: 1, rejected429: 1 });
    expect(fake.chatStats(SG)).toMatchObject({ accepted: 1, rejected429: 1 });
  });

  it('refuses the 21st message to a group within a minute (timeScale 20), and accepts it after retry_after', async () => {
    const { fake, bot } = await world({ timeScale: 20 }); // chat window 50 ms, group window 3 s
    for (let i = 1; i <= 20; i++) {
      await bot.api.sendMessage(SG, `m${i}`);
      await sleep(55);
    }
    const err = await apiError(bot.api.sendMessage(SG, 'm21'));
    expect(err.error_code).toBe(429);
    const retry = err.parameters.retry_after!;
    expect(Number.isInteger(retry)).toBe(true);
    expect(retry).toBeGreaterThan(1); // the group window, not the 1-per-second one
    expect(retry).toBeLessThanOrEqual(60);
    expect(fake.chatLog(SG)).toHaveLength(20);
    await sleep(fake.wallMs(retry));
    await bot.api.sendMessage(SG, 'm21');
    expect(fake.chatLog(SG).at(-1)?.text).toBe('m21');
  });

  it('refuses the 31st message within a second across 31 chats (injected clock)', async () => {
    let t = 1_750_000_000_000;
    const { fake, bot } = await world({ now: () => t });
    const chats = Array.from({ length: 31 }, (_, i) => -1005000000000 - i);
    for (const id of chats) {
      fake.addChat({ id, type: 'supergroup', title: `g${id}` });
      fake.addBotToChat(id, TOKEN, { admin: true, silent: true });
    }
    for (const id of chats.slice(0, 30)) {
      await bot.api.sendMessage(id, 'broadcast');
      t += 10;
    }
    const err = await apiError(bot.api.sendMessage(chats[30]!, 'broadcast'));
    expect([err.error_code, err.parameters.retry_after]).toEqual([429, 1]);
    expect(fake.chatLog(chats[30]!)).toHaveLength(0);
    t += 700; // the first send leaves the 1 s window
    await bot.api.sendMessage(chats[30]!, 'broadcast');
    expect(fake.sends({ token: TOKEN })).toHaveLength(31);
  });
});

describe('faults', () => {
  it('delivers nothing on an injected 5xx (JSON 500 or nginx 502)', async () => {
    const { fake, bot } = await world({ timeScale: 1000 });
    fake.failNext('sendMessage', { status: 500 });
    const e500 = await apiError(bot.api.sendMessage(SG, 'lost'));
    expect([e500.error_code, e500.description]).toEqual([500, 'Internal Server Error']);
    fake.failNext('sendMessage', { status: 502 });
    await expect(bot.api.sendMessage(SG, 'lost')).rejects.toBeInstanceOf(HttpError);
    fake.faults({ error5xx: 1, seed: 3 });
    const outcomes: string[] = [];
    for (let i = 0; i < 6; i++) {
      outcomes.push(await bot.api.sendMessage(SG, 'lost').then(() => 'ok', (e: unknown) => (e instanceof GrammyError ? `api${e.error_code}` : 'http')));
    }
    expect(new Set(outcomes)).toEqual(new Set(['api500', 'http']));
    fake.faults(null);
    expect(fake.chatLog(SG)).toHaveLength(0);
    expect(fake.botStats(TOKEN).errors5xx).toBe(8);
    await bot.api.sendMessage(SG, 'fine');
    expect(fake.chatLog(SG).map((e) => e.text)).toEqual(['fine']);
  });

  it('leaves timed-out calls unanswered, and ambiguous() says whether they were delivered', async () => {
    const { fake, bot } = await world({ timeScale: 1000 }, { timeoutSeconds: 0.25 });
    fake.failNext('sendMessage', { timeout: true, delivered: true });
    await expect(bot.api.sendMessage(SG, 'maybe 1')).rejects.toBeInstanceOf(HttpError);
    fake.failNext('sendMessage', { timeout: true, delivered: false });
    await expect(bot.api.sendMessage(SG, 'maybe 2')).rejects.toBeInstanceOf(HttpError);
    fake.faults({ timeout: 1, seed: 1 });
    await Promise.allSettled([1, 2, 3, 4].map(async (i) => {
      await sleep(i * 3);
      return bot.api.sendMessage(SG, `maybe r${i}`);
    }));
    fake.faults(null);
    const amb = fake.ambiguous();
    expect(amb).toHaveLength(6);
    expect(amb.slice(0, 2).map((a) => a.delivered)).toEqual([true, false]);
    expect(new Set(amb.slice(2).map((a) => a.delivered))).toEqual(new Set([true, false]));
    const logged = new Set(fake.chatLog(SG).map((e) => e.message_id));
    for (const a of amb) {
      expect(a.method).toBe('sendMessage');
      expect(a.chatId).toBe(SG);
      if (a.delivered) expect(logged.has(a.message_id!)).toBe(true);
    }
    expect(fake.chatLog(SG)).toHaveLength(amb.filter((a) => a.delivered).length);
    expect(fake.botStats(TOKEN).timeouts).toBe(6);
  });

  it('counts a photo upload once, then reuses its file_id; downloads through getFile', async () => {
    const { fake, bot } = await world({ timeScale: 1000 });
    const first = await bot.api.sendPhoto(SG, new InputFile(TINY_PNG, 'dot.png'), { caption: 'a dot' });
    const fileId = first.photo!.at(-1)!.file_id;
    expect(first).toMatchObject({ caption: 'a dot', photo: [{ width: 1, height: 1, file_unique_id: expect.any(String) }] });
    await sleep(2);
    const again = await bot.api.sendPhoto(SG, fileId);
    expect(again.photo!.at(-1)!.file_id).toBe(fileId);
    expect(fake.uploads({ token: TOKEN })).toMatchObject([{ method: 'sendPhoto', field: 'photo', filename: 'dot.png', size: TINY_PNG.length, accepted: true, file_id: fileId }]);
    expect(fake.chatLog(SG).map((e) => [e.photo?.file_id, e.photo?.reused])).toEqual([[fileId, false], [fileId, true]]);

    const notImage = await apiError(bot.api.sendPhoto(SG, new InputFile(Buffer.from('not an image'), 'x.jpg')));
    expect(notImage.description).toBe('Bad Request: IMAGE_PROCESS_FAILED');
    const unknown = await apiError(bot.api.sendPhoto(SG, 'AgACAgIAAxkBAAIbogus'));
    expect(unknown.description).toBe('Bad Request: wrong file identifier/HTTP URL specified');
    expect(fake.uploads()).toHaveLength(2);

    const file = await bot.api.getFile(fileId);
    const bytes = Buffer.from(await (await fetch(`${fake.url}/file/bot${TOKEN}/${file.file_path}`)).arrayBuffer());
    expect(bytes.equals(TINY_PNG)).toBe(true);
  });

  it('hears a user\'s document and voice note as the Bot API shows them; getFile refuses what is past 20 MB', async () => {
    const { fake, bot } = await world({ timeScale: 1000 });
    fake.userSends(SG, ALICE, { file: { kind: 'document', bytes: Buffer.from('%PDF-1.4'), file_name: 'plan.pdf', mime_type: 'application/pdf' }, caption: 'the plan' });
    fake.userSends(SG, ALICE, { file: { kind: 'voice', bytes: Buffer.from('OggS voice') } });
    fake.userSends(SG, ALICE, { file: { kind: 'document', bytes: Buffer.alloc(20 * 2 ** 20 + 1, 1), file_name: 'big.zip' } });
    const updates = await bot.api.getUpdates();
    const [doc, voice, big] = updates.map((u) => u.message!);
    expect(doc).toMatchObject({ caption: 'the plan', document: { file_name: 'plan.pdf', mime_type: 'application/pdf', file_size: 8 } });
    expect(voice).toMatchObject({ voice: { mime_type: 'audio/ogg', file_size: 10, duration: 1 } });
    const f = await bot.api.getFile(doc!.document!.file_id);
    expect(Buffer.from(await (await fetch(`${fake.url}/file/bot${TOKEN}/${f.file_path}`)).arrayBuffer()).toString()).toBe('%PDF-1.4');
    expect((await apiError(bot.api.getFile(big!.document!.file_id))).description).toBe('Bad Request: file is too big');
    expect(() => fake.userSends(SG, ALICE, { file: { kind: 'voice', bytes: Buffer.alloc(0) } })).toThrow(FakeTelegramError);
  });

  it('fails calls naming a migrated group with migrate_to_chat_id, and injects that fault on demand', async () => {
    const { fake, bot } = await world({ timeScale: 1000 });
    fake.addChat({ id: -4001, type: 'group', title: 'Old' });
    fake.addBotToChat(-4001, TOKEN, { silent: true });
    const newId = fake.migrateChat(-4001);
    const err = await apiError(bot.api.sendMessage(-4001, 'hi'));
    expect([err.error_code, err.description, err.parameters.migrate_to_chat_id]).toEqual([400, 'Bad Request: group chat was upgraded to a supergroup chat', newId]);
    await bot.api.sendMessage(newId, 'hi');
    fake.failNext('sendMessage', { status: 400, migrate_to_chat_id: -1009 });
    const injected = await apiError(bot.api.sendMessage(SG, 'hi'));
    expect(injected.parameters).toEqual({ migrate_to_chat_id: -1009 });
  });
  it('edits, deletes and pins through the API; user edits arrive as edited_message, deletions silently', async () => {
    const { fake, bot } = await world({ timeScale: 1000 });
    const q = fake.userSends(SG, ALICE, { text: 'frist' });
    fake.editMessage(SG, q.message_id, 'first');
    fake.deleteMessage(SG, q.message_id); // Telegram tells bots nothing about this
    const ups = await bot.api.getUpdates({ timeout: 0 });
    expect(ups.map((u) => (u.message ? ['message', u.message.text] : ['edited_message', u.edited_message?.text]))).toEqual([['message', 'frist'], ['edited_message', 'first']]);
    expect(ups[1]!.edited_message!.edit_date).toBeGreaterThan(0);
    expect(fake.chatLog(SG)).toEqual([]);
    expect(fake.chatLog(SG, { includeDeleted: true })[0]).toMatchObject({ text: 'first', deleted: true, edits: [{ text: 'first' }] });

    const m = await bot.api.sendMessage(SG, 'draft');
    const edited = await bot.api.editMessageText(SG, m.message_id, 'final');
    expect(edited).toMatchObject({ message_id: m.message_id, text: 'final', edit_date: expect.any(Number) });
    const same = await apiError(bot.api.editMessageText(SG, m.message_id, 'final'));
    expect(same.description).toMatch(/^Bad Request: message is not modified/);
    const notMine = await apiError(bot.api.editMessageText(SG, q.message_id, 'x'));
    expect(notMine.description).toBe('Bad Request: message to edit not found');
    await bot.api.pinChatMessage(SG, m.message_id);
    expect((await bot.api.getChat(SG)).pinned_message).toMatchObject({ message_id: m.message_id, text: 'final' });
    expect(fake.chatLog(SG).at(-1)).toMatchObject({ service: { type: 'pinned_message', message_id: m.message_id }, method: 'pinChatMessage' });
    await bot.api.unpinChatMessage(SG, m.message_id);
    await bot.api.deleteMessage(SG, m.message_id);
    expect((await apiError(bot.api.deleteMessage(SG, m.message_id))).description).toBe('Bad Request: message to delete not found');
    await bot.api.setChatTitle(SG, 'Fans 2');
    await bot.api.setChatDescription(SG, 'about');
    expect(await bot.api.getChat(SG)).toMatchObject({ id: SG, type: 'supergroup', title: 'Fans 2', description: 'about' });
  });
});

describe('rights', () => {
  it('lets a non-admin bot neither restrict nor ban nor rename, and a removed bot nothing', async () => {
    const { fake } = await world({ timeScale: 1000 });
    fake.addBot({ token: OTHER, username: 'other_bot' });
    fake.addBotToChat(SG, OTHER, { silent: true });
    const other = new Bot(OTHER, { client: { apiRoot: fake.url } });
    const restrict = await apiError(other.api.restrictChatMember(SG, ALICE, { can_send_messages: false }));
    expect(restrict.description).toBe('Bad Request: not enough rights to restrict/unrestrict chat member');
    const ban = await apiError(other.api.banChatMember(SG, ALICE));
    expect(ban.description).toBe('Bad Request: not enough rights to restrict/unrestrict chat member');
    expect((await apiError(other.api.setChatTitle(SG, 'Mine'))).description).toBe('Bad Request: not enough rights to change chat title');
    expect((await apiError(other.api.pinChatMessage(SG, 1))).description).toBe('Bad Request: not enough rights to manage pinned messages in the chat');
    expect(fake.memberStatus(SG, ALICE).status).toBe('member');

    fake.addBot({ token: THIRD, username: 'third_bot' });
    const third = new Bot(THIRD, { client: { apiRoot: fake.url } });
    expect((await apiError(third.api.sendMessage(SG, 'x'))).description).toBe('Bad Request: chat not found');
    fake.removeBotFromChat(SG, OTHER);
    const gone = await apiError(other.api.sendMessage(SG, 'x'));
    expect([gone.error_code, gone.description]).toEqual([403, 'Forbidden: bot is not a member of the supergroup chat']);
    expect((await other.api.getUpdates({ timeout: 0 })).at(-1)?.my_chat_member?.new_chat_member.status).toBe('left');
  });

  it('restricts with until_date (as getChatMember shows), mutes the group, and bans', async () => {
    const { fake, bot } = await world({ timeScale: 1000 });
    const until = Math.floor(Date.now() / 1000) + 3600;
    await bot.api.restrictChatMember(SG, ALICE, { can_send_messages: false }, { until_date: until });
    expect(await bot.api.getChatMember(SG, ALICE)).toMatchObject({ status: 'restricted', is_member: true, can_send_messages: false, can_send_photos: false, until_date: until });
    expect(() => fake.userSends(SG, ALICE, { text: 'let me speak' })).toThrow(FakeTelegramError);
    // Less than 30 s away means forever, as Telegram documents.
    await bot.api.restrictChatMember(SG, BOB, { can_send_photos: false }, { until_date: Math.floor(Date.now() / 1000) + 10, use_independent_chat_permissions: true });
    expect(await bot.api.getChatMember(SG, BOB)).toMatchObject({ status: 'restricted', can_send_messages: false, until_date: 0 });
    await bot.api.restrictChatMember(SG, BOB, { can_send_messages: true, can_send_other_messages: true, can_send_polls: true, can_add_web_page_previews: true, can_change_info: true, can_invite_users: true, can_pin_messages: true, can_manage_topics: true, can_react_to_messages: true, can_edit_tag: true });
    expect((await bot.api.getChatMember(SG, BOB)).status).toBe('member');

    await bot.api.setChatPermissions(SG, { can_send_messages: false }, { use_independent_chat_permissions: true });
    expect(() => fake.userSends(SG, BOB, { text: 'anyone?' })).toThrow(FakeTelegramError);
    fake.addBot({ token: OTHER, username: 'other_bot' });
    fake.addBotToChat(SG, OTHER, { silent: true });
    const other = new Bot(OTHER, { client: { apiRoot: fake.url } });
    expect((await apiError(other.api.sendMessage(SG, 'x'))).description).toBe('Bad Request: not enough rights to send text messages to the chat');
    await bot.api.sendMessage(SG, 'admins still talk');

    await bot.api.banChatMember(SG, BOB);
    expect(await bot.api.getChatMember(SG, BOB)).toMatchObject({ status: 'kicked', until_date: 0 });
    expect(fake.chatLog(SG).at(-1)).toMatchObject({ service: { type: 'left_chat_member', user_id: BOB }, bot: 'shequn_bot' });
    expect(() => fake.userJoins(SG, BOB)).toThrow(FakeTelegramError);
    await bot.api.unbanChatMember(SG, BOB);
    expect((await bot.api.getChatMember(SG, BOB)).status).toBe('left');
    const admins = await bot.api.getChatAdministrators(SG);
    expect(admins.map((a) => a.status).sort()).toEqual(['administrator', 'creator']);
  });
});
