// Who is who from the console in a real browser (Debian's Chromium driven by playwright-core) against the real
// server: on 成员 › 识别重复 an operator sees a member-list person and a WhatsApp account with the same phone
// suggested first (95 %, 同一手机号 138****5678), merges them and sees the community's real people go down by
// one while its seats stay; marks two namesakes on Telegram and WhatsApp as different people and sees the
// suggestion go; splits the merge from 合并记录 and sees the phone suggestion come back. Not one unexpected
// error in the browser's console.
//
// Runs in the sqlite project only (the browser does not care about the SQL dialect).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { SHOTS, browserTestsRun, signedInConsole } from './helpers/browser.ts';

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 10_000 });

describe.skipIf(!browserTestsRun)('who is who in Chromium', { timeout: 90_000 }, () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let takeErrors: () => string[];
  const ids: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestServer();

    // A community of two groups on two platforms, and the same people in both under other names.
    const com = await t.api.post('/api/v1/communities', { name: '沪上读书会', purpose: 'interest' });
    expect(com.status, com.text).toBe(201);
    const group = async (name: string, platform: string) => {
      const r = await t.api.post('/api/v1/groups', { communityId: com.body.id, platform, name });
      expect(r.status, r.text).toBe(201);
      return r.body.id as string;
    };
    const wx = await group('读书会微信一群', 'wechat');
    const wa = await group('读书会 WhatsApp', 'whatsapp');
    const member = async (key: string, body: Record<string, unknown>) => {
      const r = await t.api.post('/api/v1/members', body);
      expect(r.status, r.text).toBe(201);
      ids[key] = r.body.id;
    };
    // From the member list: a phone and a city. On WhatsApp: the same phone as the account's id.
    await member('listed', { displayName: '王芳', phone: '13812345678', city: '上海', memberships: [{ groupId: wx }] });
    await member('whatsapp', { displayName: 'Fang W', identities: [{ platform: 'whatsapp', externalId: '+8613812345678' }], memberships: [{ groupId: wa }] });
    // Namesakes on two platforms in the same groups: a weaker suggestion.
    await member('leiTg', { displayName: '李雷', identities: [{ platform: 'telegram', externalId: 'tg-lilei' }], memberships: [{ groupId: wx }, { groupId: wa }] });
    await member('leiWa', { displayName: '李雷', identities: [{ platform: 'whatsapp', externalId: 'lilei-wa' }], memberships: [{ groupId: wx }, { groupId: wa }] });

    ({ browser, page, takeErrors } = await signedInConsole(t));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  const suggestions = () => page.getByTestId('suggestion-table').locator('tr.ant-table-row');
  const suggestion = (text: string) => suggestions().filter({ hasText: text });
  const people = () => page.getByTestId('identity-people').textContent();
  const seats = () => page.getByTestId('identity-seats').textContent();

  it('ranks the same phone first with its evidence, and shows the community’s seats against its people', async () => {
    await page.getByRole('menuitem', { name: '成员' }).click();
    await page.getByTestId('members-tab-identity').click();
    await page.getByText('可能是同一人', { exact: true }).waitFor();
    await poll(async () => (await suggestions().allTextContents()).length).toBe(2);
    const first = suggestions().first();
    expect(await first.getByTestId('evidence').textContent()).toContain('同一手机号 138****5678');
    expect(await first.getByTestId('suggestion-confidence').textContent()).toMatch(/^95%/);
    expect(await first.textContent()).toMatch(/王芳.*上海/);
    const lei = suggestion('名字相同「李雷」');
    expect(await lei.getByTestId('suggestion-confidence').textContent()).toMatch(/^60%/);
    expect(await lei.getByTestId('evidence').textContent()).toContain('同在 2 个群');

    await page.getByTestId('identity-community').click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '沪上读书会' }).click();
    await poll(seats).toBe('6');
    expect(await people()).toBe('4');
    expect(await page.getByTestId('identity-in-several').textContent()).toBe('2');
    // The two groups share the two 李雷.
    expect(await page.getByTestId('identity-heatmap').locator('td').allTextContents()).toEqual(['3', '2', '2', '3']);
    expect(takeErrors()).toEqual([]);
  });

  it('merges the phone pair: the people go down by one, the seats stay', async () => {
    await suggestion('同一手机号').getByTestId('suggestion-merge').click();
    const modal = page.locator('.ant-modal:visible');
    await modal.getByText('保留哪一位', { exact: false }).waitFor();
    // Both are in one group: the first stays by default.
    expect(await modal.getByRole('radio', { name: /王芳/ }).isChecked()).toBe(true);
    expect(await modal.getByRole('radio', { name: /Fang W/ }).isChecked()).toBe(false);
    await page.getByTestId('merge-confirm').click();
    await poll(people).toBe('3');
    expect(await seats()).toBe('6');
    expect(await page.getByTestId('identity-in-several').textContent()).toBe('3');
    await poll(() => suggestions().allTextContents()).toEqual([expect.stringContaining('李雷')]);
    const merges = page.getByTestId('merge-table').locator('tr.ant-table-row');
    await poll(() => merges.allTextContents()).toEqual([expect.stringMatching(/王芳.*Fang W.*同一手机号 138\*\*\*\*5678/)]);
    const merged = (await t.api.get(`/api/v1/members/${ids.listed}`)).body;
    expect(merged.identities.map((i: any) => i.externalId)).toEqual(['+8613812345678']);
    expect(takeErrors()).toEqual([]);
  });

  it('rejects the namesakes: the suggestion goes and stays gone', async () => {
    await suggestion('李雷').getByTestId('suggestion-reject').click();
    await page.getByTestId('suggestion-reject-confirm').click();
    await poll(() => suggestions().count()).toBe(0);
    await page.getByText('没有需要确认的重复成员').waitFor();
    const all = (await t.api.get('/api/v1/merge-suggestions')).body.items;
    expect(all).toEqual([]);
    expect(takeErrors()).toEqual([]);
  });

  it('splits the merge from 合并记录: the phone suggestion and the people come back', async () => {
    const row = page.getByTestId('merge-table').locator('tr.ant-table-row').first();
    await row.getByTestId('merge-split').click();
    await page.getByTestId('merge-split-confirm').click();
    await row.getByTestId('merge-split-tag').waitFor();
    await poll(people).toBe('4');
    await poll(() => suggestions().allTextContents()).toEqual([expect.stringContaining('同一手机号 138****5678')]);
    expect(await suggestions().first().getByTestId('suggestion-confidence').textContent()).toMatch(/^95%/);

    await page.locator('.ant-message-notice').first().waitFor({ state: 'detached' });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: `${SHOTS}console-identity.png`, fullPage: true });
    expect(takeErrors()).toEqual([]);
  });
});
