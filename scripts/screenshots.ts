// Desktop screenshots (1440×900) of the operator console's main pages, for the README.
//   node bin/shequn.js demo --members 2000 && node bin/shequn.js serve   (in another shell)
//   npx tsx scripts/screenshots.ts [--url http://127.0.0.1:8080] [--email …] [--password …] [--out docs/screenshots]
// Uses Debian's Chromium (/usr/bin/chromium) through playwright-core; no browser is downloaded.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium, type Page } from 'playwright-core';

const { values: opt } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8080' },
    email: { type: 'string', default: 'admin@shequn.local' },
    password: { type: 'string', default: process.env.SHEQUN_ADMIN_PASSWORD ?? '' },
    out: { type: 'string', default: 'docs/screenshots' },
    chromium: { type: 'string', default: '/usr/bin/chromium' },
  },
});
mkdirSync(opt.out, { recursive: true });

const browser = await chromium.launch({
  executablePath: opt.chromium,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
const page = await context.newPage();
page.setDefaultTimeout(20_000);
const problems: string[] = [];
page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
page.on('pageerror', (e) => problems.push(e.message));

const shot = async (name: string) => {
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(1500); // charts and drawers animate in
  const path = join(opt.out, `console-${name}.png`);
  await page.screenshot({ path });
  console.log(path);
};
const go = async (p: Page, menu: string) => {
  await p.getByRole('menuitem', { name: menu }).click();
  await p.waitForLoadState('networkidle');
};
const closeDrawer = async () => {
  await page.locator('.ant-drawer-open .ant-drawer-close').first().click();
  await page.locator('.ant-drawer-open').waitFor({ state: 'detached' });
};

await page.goto(`${opt.url}/`);
await page.getByTestId('signin-email').fill(opt.email);
await shot('signin');
await page.getByTestId('signin-password').fill(opt.password);
await page.getByTestId('signin-submit').click();
await page.getByTestId('activity-chart').locator('canvas').first().waitFor();
await shot('home');

await go(page, '定位');
await page.getByTestId('community-table').locator('tbody tr.ant-table-row').first().waitFor();
await shot('positioning');
await page.getByTestId('community-table').locator('tbody tr.ant-table-row a').first().click();
await page.getByTestId('phase-table').waitFor();
await shot('canvas');
await closeDrawer();

await go(page, '建群');
await page.getByTestId('group-table').locator('tbody tr.ant-table-row').first().waitFor();
await shot('groups');
await page.getByTestId('group-table').locator('tbody tr.ant-table-row').first().click();
await page.getByTestId('group-drawer').locator('tbody tr.ant-table-row').first().waitFor();
await shot('group-members');
await closeDrawer();

await go(page, '运营');
await shot('operate');
await go(page, '评估精进');
await shot('evaluate');

await go(page, '成员');
await page.getByTestId('member-table').locator('tbody tr.ant-table-row').first().waitFor();
await shot('members');
await page.getByTestId('member-table').locator('tbody tr.ant-table-row a').first().click();
await page.getByTestId('member-drawer').locator('.ant-descriptions').waitFor();
await shot('member-profile');
await closeDrawer();

await go(page, '团队');
await page.getByTestId('operator-table').locator('tbody tr.ant-table-row').first().waitFor();
await page.getByRole('tab', { name: '审计日志' }).click();
await page.getByTestId('audit-table').locator('tbody tr.ant-table-row').first().waitFor();
await shot('team');

await page.getByTestId('lang-switch').getByText('English').click();
await go(page, 'Overview');
await shot('home-en');
await page.getByTestId('lang-switch').getByText('中文').click();

await browser.close();
if (problems.length) {
  console.error(`browser console errors:\n${problems.join('\n')}`);
  process.exit(1);
}
