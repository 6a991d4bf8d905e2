// A group's tags in a real browser (Debian's Chromium driven by playwright-core) against the real server: the
// operator tags a group from its drawer (a tag too long is refused on the field), and the live relay's form
// picks its target groups by that tag, the preview counting them. Not one unexpected browser error.
//
// Runs in the sqlite project only (the browser does not care about the SQL dialect).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { SHOTS, browserTestsRun, signedInConsole } from './helpers/browser.ts';
import { makeCommunity, makeGroup } from './helpers/api.ts';

describe.skipIf(!browserTestsRun)('group tags in the console (Chromium)', { timeout: 90_000 }, () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let takeErrors: () => string[];
  const ids = { community: '', main: '', sz: '', gz: '' };

  beforeAll(async () => {
    t = await startTestServer();
    const c = await makeCommunity(t.api, { name: '茶友会' });
    ids.community = c.id;
    ids.main = (await makeGroup(t.api, c.id, { name: '直播主群', platform: 'builtin' })).id;
    ids.sz = (await makeGroup(t.api, c.id, { name: '深圳茶友群', platform: 'builtin' })).id;
    ids.gz = (await makeGroup(t.api, c.id, { name: '广州茶友群', platform: 'builtin', tags: ['VIP'] })).id;
    ({ browser, page, takeErrors } = await signedInConsole(t));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('tags a group from its drawer; a tag too long is refused on the field', async () => {
    await page.getByRole('menuitem', { name: '建群' }).click();
    await page.getByTestId('group-table').getByText('深圳茶友群').click();
    const drawer = page.getByTestId('group-drawer');
    await drawer.getByTestId('group-tags-edit').click();
    const input = drawer.getByTestId('group-tags-input').locator('input');
    await input.fill('x'.repeat(31));
    await input.press('Enter');
    await drawer.getByTestId('group-tags-save').click();
    await drawer.locator('.ant-form-item-explain-error').waitFor();
    expect(takeErrors().filter((e) => !/status of 400/.test(e))).toEqual([`response: 400 PATCH /api/v1/groups/${ids.sz}`]);
    await drawer.locator('.ant-select-selection-item-remove').first().click();
    for (const tag of ['VIP', '深圳']) {
      await input.fill(tag);
      await input.press('Enter');
    }
    await drawer.getByTestId('group-tags-save').click();
    await drawer.getByTestId('group-tags').getByText('深圳').waitFor();
    expect((await t.api.get(`/api/v1/groups/${ids.sz}`)).body.tags).toEqual(['VIP', '深圳']);
    await page.screenshot({ path: `${SHOTS}/console-group-tags.png` });
    await page.locator('.ant-drawer-open .ant-drawer-close').first().click();
    expect(takeErrors()).toEqual([]);
  });

  it('picks a live session’s target groups by tag', async () => {
    await page.getByRole('menuitem', { name: '运营' }).click();
    await page.getByTestId('operate-tab-live').click();
    await page.getByTestId('live-new').click();
    await page.getByTestId('live-target-tags').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: /^VIP$/ }).click();
    await expect.poll(() => page.getByTestId('live-target-preview').getAttribute('data-count')).toBe('2');
    await page.getByTestId('live-target-preview').getByText('深圳茶友群').waitFor();
    await page.getByTestId('live-target-preview').getByText('广州茶友群').waitFor();
    expect(takeErrors()).toEqual([]);
  });
});
