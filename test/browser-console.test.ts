// The operator console in a real browser (Debian's Chromium driven by playwright-core) against the real
// server: sign in, position a community with its canvas, build a group, find a member, open the team page,
// switch to English, and not one error in the browser console on the way.
//
// The browser does not care about the SQL dialect, so this file runs once: in the sqlite project only
// (the postgres project skips it), which keeps `npm test` fast.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ADMIN, startTestServer, type TestServer } from './helpers/server.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const hasChromium = existsSync(CHROMIUM);
const postgres = process.env.SHEQUN_TEST_DIALECT === 'postgres';
if (!hasChromium) console.warn(`browser-console tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium fonts-wqy-microhei)`);

describe.skipIf(!hasChromium || postgres)('operator console in Chromium', { timeout: 90_000 }, () => {
  let t: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(new URL('../web/dist/console/index.html', import.meta.url))) execSync('npm run build:web', { stdio: 'inherit' });
    t = await startTestServer();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    page = await context.newPage();
    page.setDefaultTimeout(8_000);
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  /** The errors so far, cleared; every step expects none. */
  const takeErrors = () => errors.splice(0, errors.length);
  const menu = (name: string) => page.getByRole('menuitem', { name }).click();
  const closeDrawer = async () => {
    await page.locator('.ant-drawer-open .ant-drawer-close').first().click();
    await page.locator('.ant-drawer-open').waitFor({ state: 'detached' });
  };
  const pick = async (testId: string, option: string) => {
    await page.getByTestId(testId).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: option }).first().click();
  };

  it('serves the console and answers unknown console paths with it, API paths with problems', async () => {
    const res = await fetch(`${t.url}/team`, { headers: { accept: 'text/html' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('<div id="root">');
    const api = await fetch(`${t.url}/api/v1/nothing-here`, { headers: { accept: 'text/html', authorization: `Bearer ${t.api.token}` } });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const asset = await fetch(`${t.url}/assets/missing.js`);
    expect(asset.status).toBe(404);
  });

  it('refuses a wrong password with the problem detail, then signs in', async () => {
    await page.goto(`${t.url}/`);
    await page.getByTestId('signin-email').fill(ADMIN.email);
    await page.getByTestId('signin-password').fill('not-the-password');
    await page.getByTestId('signin-submit').click();
    await expect.poll(() => page.getByTestId('signin-error').textContent()).toBeTruthy();
    // The browser itself logs the refused request (a 401); nothing else may appear.
    expect(takeErrors().filter((e) => !/status of 401/.test(e))).toEqual([]);

    await page.getByTestId('signin-password').fill(ADMIN.password);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('whoami').waitFor();
    await page.getByTestId('stat-members').waitFor();
    await page.getByTestId('activity-chart').locator('canvas').first().waitFor();
    expect(takeErrors()).toEqual([]);
  });

  it('creates a community with its canvas, showing API validation errors on the right field', async () => {
    await menu('定位');
    await page.getByTestId('community-new').click();
    await page.getByTestId('community-name').fill('跑步爱好者社群');
    await pick('community-purpose', '兴趣');
    await page.getByTestId('canvas-shared-interest').fill('每周一起晨跑');
    await pick('canvas-basis', '行为');
    await page.getByTestId('persona-age-min').fill('40');
    await page.getByTestId('persona-age-max').fill('20');
    await page.getByTestId('community-save').click();
    // The server refuses ageMin > ageMax and names body.canvas.persona.ageMin; the form shows it there.
    const ageMinItem = page.locator('.ant-form-item', { has: page.getByTestId('persona-age-min') });
    await expect.poll(() => ageMinItem.locator('.ant-form-item-explain-error').textContent()).toContain('ageMin');
    // The refused request (a 400) is the only thing the browser logs.
    expect(takeErrors().filter((e) => !/status of 400/.test(e))).toEqual([]);

    await page.getByTestId('persona-age-max').fill('45');
    await page.getByTestId('community-save').click();
    await page.getByTestId('phase-new').waitFor();
    const list = await t.api.get('/api/v1/communities');
    const c = list.body.items.find((x: { name: string }) => x.name === '跑步爱好者社群');
    expect(c.purpose).toBe('interest');
    expect(c.canvas.sharedInterest).toEqual({ description: '每周一起晨跑', basis: 'behaviour' });
    expect(c.canvas.persona).toMatchObject({ ageMin: 40, ageMax: 45 });
    expect(c.canvas.kpi.memberFloor).toBe(5000);

    // A phase, with dates typed into the pickers.
    await page.getByTestId('phase-new').click();
    await page.getByTestId('phase-name').fill('冷启动');
    await page.getByTestId('phase-starts').click();
    await page.keyboard.type('2026-01-01');
    await page.keyboard.press('Enter');
    await page.getByTestId('phase-ends').click();
    await page.keyboard.type('2026-03-31');
    await page.keyboard.press('Enter');
    await page.getByTestId('phase-save').click();
    await page.getByTestId('phase-table').getByText('冷启动').waitFor();
    const phases = await t.api.get(`/api/v1/communities/${c.id}/phases`);
    expect(phases.body.items).toMatchObject([{ name: '冷启动', purpose: 'sales', startsOn: '2026-01-01', endsOn: '2026-03-31' }]);

    await closeDrawer();
    await page.getByTestId('community-table').getByText('跑步爱好者社群').waitFor();
    await page.getByTestId('lineage').getByText('跑步爱好者社群').waitFor();
    expect(takeErrors()).toEqual([]);
  });

  it('creates a group and opens its members', async () => {
    await menu('建群');
    await page.getByTestId('group-new').click();
    await page.getByTestId('group-name').fill('晨跑 1 群');
    await page.getByTestId('group-save').click();
    const row = page.getByTestId('group-table').getByText('晨跑 1 群');
    await row.waitFor();
    const groups = await t.api.get('/api/v1/groups');
    const g = groups.body.items.find((x: { name: string }) => x.name === '晨跑 1 群');
    expect(g).toMatchObject({ platform: 'wechat', kind: 'member', function: 'retain' });
    // A member joins through the API; the drawer lists them with their number.
    const m = await t.api.post('/api/v1/members', { displayName: '欧阳娜娜', city: '杭州', identities: [{ platform: 'wechat', externalId: 'wx-nana', handle: 'nana' }], memberships: [{ groupId: g.id, role: 'pioneer' }] });
    expect(m.status).toBe(201);
    await page.reload();
    await page.getByTestId('group-table').getByText('晨跑 1 群').click();
    const drawer = page.getByTestId('group-drawer');
    await drawer.getByText('欧阳娜娜').waitFor();
    await drawer.getByText('开拓者').waitFor();
    await closeDrawer();
    expect(takeErrors()).toEqual([]);
  });

  it('finds a member by two Chinese characters, shows the profile, tags in bulk', async () => {
    await t.api.post('/api/v1/members', { displayName: '张三丰', city: '武汉' });
    await menu('成员');
    await page.getByTestId('member-table').getByText('张三丰').waitFor();
    await page.getByTestId('member-search').fill('娜娜');
    await page.getByTestId('member-search-submit').click();
    await expect.poll(() => page.getByTestId('member-table').locator('tbody tr.ant-table-row').count()).toBe(1);
    await page.getByTestId('member-table').getByText('欧阳娜娜').click();
    const drawer = page.getByTestId('member-drawer');
    await drawer.getByText('wx-nana').waitFor();
    await drawer.getByText('晨跑 1 群').waitFor();
    await closeDrawer();

    await page.getByTestId('member-table').locator('tbody tr.ant-table-row .ant-checkbox-input').first().check();
    await page.getByTestId('bulk-tag').fill('种子用户');
    await page.getByTestId('bulk-tag-apply').click();
    await page.getByTestId('member-table').getByText('种子用户').waitFor();
    const found = await t.api.get(`/api/v1/members?q=${encodeURIComponent('娜娜')}`);
    expect(found.body.items[0].tags).toEqual(['种子用户']);
    expect(takeErrors()).toEqual([]);
  });

  it('opens the team page with operators and the audit log, and speaks English on request', async () => {
    await menu('团队');
    await page.getByTestId('operator-table').getByText(ADMIN.email).waitFor();
    await page.getByRole('tab', { name: '审计日志' }).click();
    await page.getByTestId('audit-table').getByText('community.create').first().waitFor();
    for (const name of ['运营', '评估精进', '概览']) {
      await menu(name);
      await page.waitForLoadState('networkidle');
    }
    await page.getByTestId('lang-switch').getByText('English').click();
    await page.getByRole('menuitem', { name: 'Members' }).waitFor();
    await page.getByTestId('stat-members').getByText('Members').waitFor();
    expect(takeErrors()).toEqual([]);
  });

  it('signs out', async () => {
    await page.getByTestId('sign-out').click();
    await page.getByTestId('signin-submit').waitFor();
    await page.reload();
    await page.getByTestId('signin-submit').waitFor();
    expect(takeErrors()).toEqual([]);
  });
});
