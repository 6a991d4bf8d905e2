// Platform connections from the console (建群 › 平台连接) in a real browser (Debian's Chromium driven by
// playwright-core) against the real server, which asks the local fake Telegram Bot API (getMe) about each token.
// An owner pastes a malformed token and then one Telegram refuses, and reads each reason under the token field;
// connects the bot with a good token and sees its card say @handle, the token's hint and 正常 (the form is
// empty again and the token is nowhere on the page); the same bot again is refused at the token field. A second
// bot whose token Telegram stops accepting shows 异常 with Telegram's words after 检查, and 正常 again after the
// next 检查. Disconnecting asks first, then the card is gone (and the connection from the API).
// The only browser errors are the refusals the test provokes.
//
// Runs in the sqlite project only (the browser does not care about the SQL dialect).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Locator, Page } from 'playwright-core';
import { FakeTelegram } from './fakes/telegram-bot-api.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { SHOTS, browserTestsRun, signedInConsole } from './helpers/browser.ts';

const KEY = Buffer.alloc(32, 5).toString('base64');
const TEA = { token: '7001:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', username: 'shequn_tea_bot', first_name: '茶友会助手' };
const CITY = { token: '7003:BBKxoPq9sZ2mLrT4uVw7yNc1dE5fGh8jAk', username: 'shequn_city_bot', first_name: '同城会助手' };
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 10_000 });

describe.skipIf(!browserTestsRun)('platform connections in Chromium', { timeout: 90_000 }, () => {
  let fake: FakeTelegram;
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let takeErrors: () => string[];

  beforeAll(async () => {
    fake = await FakeTelegram.start();
    fake.addBot(TEA);
    fake.addBot(CITY);
    t = await startTestServer({ SHEQUN_TELEGRAM_API_ROOT: fake.url, SHEQUN_SECRET_KEY: KEY });
    ({ browser, page, takeErrors } = await signedInConsole(t));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await fake?.close();
  });

  const form = () => page.getByTestId('connection-form');
  /** The token field's own error line(s). */
  const tokenError = () => form().locator('.ant-form-item').filter({ has: page.getByTestId('connection-token') }).locator('.ant-form-item-explain-error');
  const card = (handle: string): Locator => page.getByTestId('connection-card').filter({ has: page.getByTestId('connection-handle').getByText(`@${handle}`, { exact: true }) });

  /**
   * The browser's errors with Chromium's own console line for a 4xx left out: each refusal the test provokes is
   * also its `response:` line, which is what the test asserts on (and any unexpected one still shows there).
   */
  const errorsBut4xxConsole = () => takeErrors().filter((e) => !/^console: Failed to load resource: the server responded with a status of 4\d\d /.test(e));

  async function connect(token: string, name?: string) {
    await page.getByTestId('connection-token').fill(token);
    await page.getByTestId('connection-name-input').fill(name ?? '');
    await page.getByTestId('connection-submit').click();
  }

  it('shows why a token is refused under the token field', async () => {
    await page.getByRole('menuitem', { name: '建群' }).click();
    await page.getByTestId('groups-tab-connections').click();
    await page.getByTestId('connection-empty').waitFor();
    await page.getByText('@BotFather', { exact: true }).first().waitFor();
    await page.getByText('管理员', { exact: true }).waitFor();
    // A password field: the token is not shown as it is typed.
    expect(await page.getByTestId('connection-token').getAttribute('type')).toBe('password');

    await connect('not-a-token');
    await poll(() => tokenError().textContent()).toBe('a bot token looks like 123456789:AAE… (from @BotFather)');

    await connect('7002:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw');
    await poll(() => tokenError().textContent()).toBe('Telegram refused the token: 401 Unauthorized');
    await expect(page.getByTestId('connection-card').count()).resolves.toBe(0);
    expect(errorsBut4xxConsole()).toEqual(['response: 400 POST /api/v1/connections', 'response: 400 POST /api/v1/connections']);
  });

  it('connects a bot with a good token: its card says who it is and that it is healthy', async () => {
    await connect(TEA.token, '茶友会机器人');
    const c = card(TEA.username);
    await c.waitFor();
    expect(await c.getByTestId('connection-name').textContent()).toBe('茶友会机器人');
    expect(await c.getByTestId('connection-status').textContent()).toBe('正常');
    expect(await c.getByTestId('connection-token-hint').textContent()).toBe('7001:A…Dsaw');
    expect(await c.getByTestId('connection-checked-at').textContent()).not.toBe('从未检查');
    expect(await c.getByTestId('connection-handle').getAttribute('href')).toBe(`https://t.me/${TEA.username}`);
    // The form is empty again, with no error left, and the token is nowhere on the page.
    await poll(() => page.getByTestId('connection-token').inputValue()).toBe('');
    expect(await tokenError().count()).toBe(0);
    expect(await page.content()).not.toContain(TEA.token);
    expect((await t.api.get('/api/v1/connections')).body.items).toMatchObject([{ handle: TEA.username, name: '茶友会机器人', status: 'active' }]);

    // The same bot twice: said at the token field, in the console's words.
    await connect(TEA.token);
    await poll(() => tokenError().textContent()).toBe('这个机器人已经连接过了，见左边的列表。');
    expect(await page.getByTestId('connection-card').count()).toBe(1);
    expect(errorsBut4xxConsole()).toEqual(['response: 409 POST /api/v1/connections']);
  });

  it('shows a failing check with Telegram’s words, and healthy again after the next check', async () => {
    // Without a name the bot's own name is used.
    await connect(CITY.token);
    const c = card(CITY.username);
    await c.waitFor();
    expect(await c.getByTestId('connection-name').textContent()).toBe(CITY.first_name);

    fake.failNext('getMe', { status: 401, description: 'Unauthorized' }, { token: CITY.token });
    await c.getByTestId('connection-check').click();
    await poll(() => c.getByTestId('connection-status').textContent()).toBe('异常');
    expect(await c.getByTestId('connection-error').textContent()).toBe('Telegram refused the token: 401 Unauthorized');
    // The other bot is untouched.
    expect(await card(TEA.username).getByTestId('connection-status').textContent()).toBe('正常');

    await card(TEA.username).getByTestId('connection-check').click();
    await page.getByText('茶友会机器人：正常').waitFor();

    await page.locator('.ant-message-notice').first().waitFor({ state: 'detached' });
    // Nothing hovered or focused: the check button just clicked would show its hover background.
    await page.mouse.move(0, 0);
    await page.locator(':focus').evaluateAll((els) => els.forEach((el) => (el as unknown as { blur(): void }).blur()));
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SHOTS}console-connections.png`, fullPage: true });

    await c.getByTestId('connection-check').click();
    await poll(() => c.getByTestId('connection-status').textContent()).toBe('正常');
    expect(await c.getByTestId('connection-error').count()).toBe(0);
    expect(takeErrors()).toEqual([]);
  });

  it('disconnects a bot after asking, and its card is gone', async () => {
    const c = card(TEA.username);
    await c.getByTestId('connection-remove').click();
    await page.getByText('断开 @shequn_tea_bot？').waitFor();
    await page.getByTestId('connection-remove-confirm').click();
    await c.waitFor({ state: 'detached' });
    await page.getByText('已断开 茶友会机器人').waitFor();
    await poll(() => page.getByTestId('connection-card').count()).toBe(1);
    expect((await t.api.get('/api/v1/connections')).body.items.map((x: { handle: string }) => x.handle)).toEqual([CITY.username]);
    // After a reload the page says the same.
    await page.reload();
    await page.getByTestId('whoami').waitFor();
    await card(CITY.username).waitFor();
    expect(await page.getByTestId('connection-card').count()).toBe(1);
    expect(takeErrors()).toEqual([]);
  });
});
