// 评估精进 › 短链接 in a real browser (Debian's Chromium driven by playwright-core) against the real server. A
// community with two groups; the operator makes a short link for one of them through the form (an ftp address
// is refused by the server, and the refusal shows on the url field), sees it listed with its group and
// campaign, copies the short address, and a person clicks it with a phone browser (counted, sent on). The
// detail drawer says 1 click, 1 anonymous. Two members click too, one from the other group (forwarded, in the
// 亲友 circle): the figures, the groups by name and the circles by their Chinese labels follow. An analyst
// sees the list and the figures but no button to make a link. Not one unexpected browser error.
//
// Runs in the sqlite project only (the browser does not care about the SQL dialect).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { CHROMIUM, CHROMIUM_ARGS, SHOTS, browserTestsRun, recordPageErrors, signedInConsole } from './helpers/browser.ts';
import { expectStatus, joinAsMember, makeCommunity, makeGroup } from './helpers/api.ts';

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 10_000 });
const PHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.40';

describe.skipIf(!browserTestsRun)('short links in the console (Chromium)', { timeout: 90_000 }, () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let takeErrors: () => string[];
  const ids = { community: '', sz: '', gz: '' };
  let link: { id: string; code: string; shortUrl: string };

  /** Picks an option of an antd select by the start of its text. */
  async function pick(testId: string, text: string) {
    await page.getByTestId(testId).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: new RegExp(`^${text}`) }).click();
  }
  const formItem = (testId: string) => page.locator('.ant-form-item', { has: page.getByTestId(testId) }).last();
  const row = (id: string) => page.locator(`[data-testid="link-row"][data-id="${id}"]`);
  /** The page as it stands: no toast, no hover, no focus ring. */
  async function still(p: Page = page) {
    await p.locator('.ant-message-notice').first().waitFor({ state: 'detached' });
    await p.mouse.move(0, 0);
    await p.evaluate(() => (globalThis as unknown as { document: { activeElement: { blur?(): void } | null } }).document.activeElement?.blur?.());
    await p.waitForTimeout(400);
  }

  beforeAll(async () => {
    t = await startTestServer();
    const community = await makeCommunity(t.api, { name: '茶友会' });
    ids.community = community.id;
    ids.sz = (await makeGroup(t.api, community.id, { name: '深圳茶友群' })).id;
    ids.gz = (await makeGroup(t.api, community.id, { name: '广州茶友群' })).id;
    ({ browser, page, takeErrors } = await signedInConsole(t));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('makes a link through the form; the server’s refusal of an ftp address shows on the url field', async () => {
    await page.getByRole('menuitem', { name: '评估精进' }).click();
    await page.getByTestId('evaluate-tab-links').click();
    await page.getByTestId('links-empty').waitFor();
    expect(new URL(page.url()).searchParams.get('tab')).toBe('links');

    await page.getByTestId('links-new').click();
    await page.getByTestId('link-url').fill('ftp://shop.example.com/tea');
    await page.getByTestId('link-label').fill('单丛礼盒');
    await pick('link-community', '茶友会');
    await pick('link-group', '深圳茶友群');
    await page.getByTestId('link-campaign').locator('input').fill('双十一');
    await page.getByTestId('link-save').click();
    const urlError = formItem('link-url').locator('.ant-form-item-explain-error');
    await urlError.waitFor();
    // In the operator's language, with the server's own reason after it.
    expect(await urlError.textContent()).toMatch(/^请填写 http:\/\/ 或 https:\/\/ 开头的完整网址（.+）$/);
    expect(takeErrors().filter((e) => !/^console: Failed to load resource: the server responded with a status of 400 /.test(e))).toEqual(['response: 400 POST /api/v1/links']);
    expect((await t.api.get('/api/v1/links')).body.items).toEqual([]);

    // Typed without its scheme: taken as https.
    await page.getByTestId('link-url').fill('shop.example.com/tea?id=7');
    await urlError.waitFor({ state: 'detached' });
    await page.getByTestId('link-save').click();
    await page.getByTestId('link-form').waitFor({ state: 'detached' });
    const listed = (await t.api.get('/api/v1/links')).body.items;
    expect(listed).toMatchObject([{ url: 'https://shop.example.com/tea?id=7', label: '单丛礼盒', groupId: ids.sz, communityId: ids.community, campaign: '双十一', clicks: 0 }]);
    link = listed[0];
    // Made: its drawer opens, with no clicks yet.
    await page.getByTestId('link-drawer').getByTestId('link-no-clicks').waitFor();
    expect(await page.getByTestId('link-drawer').getByTestId('link-clicks').textContent()).toBe('0');
    await page.locator('.ant-drawer-close').click();
    await page.getByTestId('link-drawer').waitFor({ state: 'detached' });
    expect(takeErrors()).toEqual([]);
  });

  it('lists it with its group and campaign, and copies the short address', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    const r = row(link.id);
    await r.waitFor();
    expect(await r.getByTestId('link-open').textContent()).toBe('单丛礼盒');
    expect(await r.textContent()).toContain('深圳茶友群');
    expect(await r.textContent()).toContain('双十一');
    expect(await r.getByTestId('link-short-url').textContent()).toBe(`${t.url}/l/${link.code}`);
    expect(await r.getByTestId('link-clicks').textContent()).toBe('0');
    await r.getByTestId('link-copy').click();
    await poll(() => page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(link.shortUrl);
    expect(takeErrors()).toEqual([]);
  });

  it('counts a person’s click on the short address; the detail says 1 click', async () => {
    const res = await fetch(link.shortUrl, { redirect: 'manual', headers: { 'user-agent': PHONE } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://shop.example.com/tea?id=7');
    // A chat app's preview card is no click.
    expect((await fetch(link.shortUrl, { redirect: 'manual', headers: { 'user-agent': 'TelegramBot (like TwitterBot)' } })).status).toBe(302);

    await page.reload();
    await poll(() => row(link.id).getByTestId('link-clicks').textContent()).toBe('1');
    await row(link.id).getByTestId('link-detail').click();
    const d = page.getByTestId('link-drawer');
    await d.getByTestId('link-stats').waitFor();
    expect(new URL(page.url()).searchParams.get('link')).toBe(link.id);
    expect(await d.getByTestId('link-clicks').textContent()).toBe('1');
    expect(await d.getByTestId('link-anonymous').textContent()).toBe('1');
    expect(await d.getByTestId('link-people').textContent()).toBe('0');
    expect(await d.getByTestId('link-forwarded').textContent()).toBe('0');
    expect(await d.getByTestId('link-drawer-short-url').textContent()).toBe(link.shortUrl);
    expect(await d.getByTestId('link-by-group-name').allTextContents()).toEqual(['深圳茶友群']);
    await d.getByTestId('link-by-day').locator('canvas').waitFor();
    expect(takeErrors()).toEqual([]);
  });

  it('shows members’ clicks by group and circle, one forwarded from outside the group', async () => {
    const invite = async (g: string) => (await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g })).body.code as string;
    const inside = await joinAsMember(t, await invite(ids.sz), { name: '群内茶友' });
    const outside = await joinAsMember(t, await invite(ids.gz), { name: '群外茶友' });
    expectStatus(await t.api.patch(`/api/v1/members/${outside.result.memberId}`, { circle: 'kin' }), 200);
    expectStatus(await t.api.patch(`/api/v1/members/${inside.result.memberId}`, { circle: 'leader' }), 200);
    for (const m of [inside, inside, outside]) expect((await m.client.withHeaders({ 'user-agent': PHONE }).get(`/l/${link.code}`)).status).toBe(302);

    await page.reload();
    const d = page.getByTestId('link-drawer');
    await d.getByTestId('link-stats').waitFor();
    const stats = (await t.api.get(`/api/v1/links/${link.id}`)).body;
    expect(stats).toMatchObject({ clicks: 4, people: 2, anonymous: 1, forwarded: 1 });
    expect(await d.getByTestId('link-clicks').textContent()).toBe('4');
    expect(await d.getByTestId('link-people').textContent()).toBe('2');
    expect(await d.getByTestId('link-anonymous').textContent()).toBe('1');
    expect(await d.getByTestId('link-forwarded').textContent()).toBe('1');
    expect(await d.textContent()).toContain('点的人不在链接所属的群里');
    expect(await d.getByTestId('link-by-group-name').allTextContents()).toEqual(['深圳茶友群']);
    expect(await d.getByTestId('link-by-group-clicks').allTextContents()).toEqual(['4']);
    const circles = Object.fromEntries(await d.getByTestId('link-by-circle-row').evaluateAll((rows) => rows.map((r) => [
      (r as unknown as { querySelector(s: string): { textContent: string } }).querySelector('[data-testid="link-by-circle-name"]').textContent,
      (r as unknown as { querySelector(s: string): { textContent: string } }).querySelector('[data-testid="link-by-circle-clicks"]').textContent,
    ])));
    expect(circles).toEqual({ 新势力: '2', 亲友: '1', '未知（匿名或未分圈层）': '1' });
    await d.getByTestId('link-by-day').locator('canvas').waitFor();
    await d.getByTestId('link-qr').waitFor();
    // The whole drawer, the line drawn (its animation over).
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: size.width, height: 1080 });
    await still();
    await page.waitForTimeout(1200);
    await page.screenshot({ path: `${SHOTS}console-link-detail.png` });
    await page.setViewportSize(size);

    await page.locator('.ant-drawer-close').click();
    await d.waitFor({ state: 'detached' });
    expect(await row(link.id).getByTestId('link-clicks').textContent()).toBe('4');
    expect(takeErrors()).toEqual([]);
  });

  it('lists a second link (a community’s, no campaign) and filters by group', async () => {
    expectStatus(await t.api.post('/api/v1/links', { url: 'https://example.com/course/spring', label: '春茶品鉴课报名', communityId: ids.community }), 201);
    expectStatus(await t.api.post('/api/v1/links', { url: 'https://example.com/a-very-long-address/with/many/parts?utm_source=wechat&utm_campaign=autumn' }), 201);
    await page.reload();
    await poll(() => page.getByTestId('link-row').count()).toBe(3);
    expect(await page.getByTestId('link-row').first().getByTestId('link-open').textContent()).toBe('https://example.com/a-very-long-address/with/many/parts?utm_source=wechat&utm_campaign=autumn');
    await still();
    await page.screenshot({ path: `${SHOTS}console-links.png` });

    await pick('links-filter-group', '深圳茶友群');
    await poll(() => page.getByTestId('link-row').count()).toBe(1);
    expect(await row(link.id).isVisible()).toBe(true);
    expect(takeErrors()).toEqual([]);
  });

  it('shows an analyst the links and their figures, with no button to make one', async () => {
    const analyst = { email: 'analyst@shequn.local', password: 'analyst-password-1' };
    expectStatus(await t.api.post('/api/v1/operators', { email: analyst.email, name: '数据分析', role: 'analyst', password: analyst.password }), 201);
    const errors: string[] = [];
    const context: BrowserContext = await (await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS })).newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    try {
      const p = await context.newPage();
      p.setDefaultTimeout(10_000);
      recordPageErrors(p, errors);
      await p.goto(`${t.url}/`);
      await p.getByTestId('signin-email').fill(analyst.email);
      await p.getByTestId('signin-password').fill(analyst.password);
      await p.getByTestId('signin-submit').click();
      await p.getByTestId('whoami').waitFor();
      await p.goto(`${t.url}/evaluate?tab=links`);
      await p.locator(`[data-testid="link-row"][data-id="${link.id}"]`).waitFor();
      expect(await p.getByTestId('link-row').count()).toBe(3);
      expect(await p.getByTestId('links-new').count()).toBe(0);
      await p.locator(`[data-testid="link-row"][data-id="${link.id}"]`).getByTestId('link-detail').click();
      await poll(() => p.getByTestId('link-drawer').getByTestId('link-clicks').textContent()).toBe('4');
      expect(errors).toEqual([]);
    } finally {
      await context.browser()?.close();
    }
  });
});
