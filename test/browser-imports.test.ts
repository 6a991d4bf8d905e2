// Chat-history imports from the console in a real browser (Debian's Chromium driven by playwright-core) against
// the real server: an operator uploads a Telegram export on 建群 › 导入聊天记录, watches its row until it says
// 完成 with the messages the file holds, and finds the chat among the groups; a truncated copy of the file
// ends as a failed row that says at which byte it broke; a whole-account export's one-to-one chat shows as a
// skipped reason when its row is expanded. Not one unexpected error in the browser's console.
//
// Runs in the sqlite project only (the browser does not care about the SQL dialect).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { SHOTS, browserTestsRun, signedInConsole } from './helpers/browser.ts';

const FIXTURE = new URL('../../shared/fixtures/telegram/pujangga-kode-2.json', import.meta.url).pathname;
/** Imports run in the background: the row changes on the page's one-second poll. */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000 });

describe.skipIf(!browserTestsRun)('chat-history imports in Chromium', { timeout: 90_000 }, () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let dir: string;
  let takeErrors: () => string[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'shequn-imports-'));
    t = await startTestServer();
    ({ browser, page, takeErrors } = await signedInConsole(t));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const row = (fileName: string) => page.getByTestId('import-table').locator('tr.ant-table-row').filter({ has: page.getByTestId('import-file-cell').getByText(fileName, { exact: true }) });

  /** Uploads `file` as `format` from the import tab; returns its row. */
  async function upload(format: string, file: string) {
    await page.getByRole('radio', { name: new RegExp(format) }).check();
    await page.getByTestId('import-form').locator('input[type=file]').setInputFiles(file);
    await page.getByTestId('import-file-name').getByText(path.basename(file), { exact: true }).waitFor();
    await page.getByTestId('import-submit').click();
    const r = row(path.basename(file));
    await r.waitFor();
    return r;
  }

  it('imports a Telegram export and shows what the file held, and its group on the groups page', async () => {
    const whole = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { name: string; messages: { type: string }[] };
    const messages = whole.messages.filter((m) => m.type === 'message').length;
    await page.getByRole('menuitem', { name: '建群' }).click();
    await page.getByTestId('groups-tab-import').click();
    await page.getByText('Telegram Desktop → 设置 → 高级 → 导出 Telegram 数据', { exact: false }).waitFor();

    const r = await upload('Telegram JSON', FIXTURE);
    await poll(() => r.getByTestId('import-status').textContent()).toBe('完成');
    expect(await r.getByTestId('import-held-messages').textContent()).toBe(messages.toLocaleString('zh-CN'));
    expect(await r.getByTestId('import-added-messages').textContent()).toBe(`+${messages.toLocaleString('zh-CN')}`);
    expect(await r.getByTestId('import-held-groups').textContent()).toBe('1');
    expect(await r.getByTestId('import-skipped').textContent()).toBe('0');

    await page.getByTestId('groups-tab-list').click();
    const group = page.getByTestId('group-table').locator('tr.ant-table-row').filter({ has: page.getByText(whole.name, { exact: true }) });
    await group.waitFor();
    expect(await group.locator('td').allTextContents()).toContain('Telegram');
    expect(takeErrors()).toEqual([]);
  });

  it('ends a truncated copy as a failed row that names the byte where the file broke', async () => {
    const bytes = fs.readFileSync(FIXTURE);
    const cut = path.join(dir, 'pujangga-kode-2-cut.json');
    fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    await page.getByTestId('groups-tab-import').click();
    const r = await upload('Telegram JSON', cut);
    await poll(() => r.getByTestId('import-status').textContent()).toBe('失败');
    expect(await r.getByTestId('import-error').textContent()).toMatch(/byte \d+/);
    // What it had added is gone: the chat is still one group, the one the first import made.
    expect((await t.api.get('/api/v1/groups?platform=telegram')).body.items).toHaveLength(1);
    expect(takeErrors()).toEqual([]);
  });

  it('lists what a whole-account export skipped when its row is expanded', async () => {
    const msg = (id: number, from: string, text: string) => ({ id, type: 'message', date: '2024-05-01T10:00:00', date_unixtime: String(1714528800 + id), from, from_id: `user${id + 100}`, text });
    const account = path.join(dir, 'result.json');
    fs.writeFileSync(account, JSON.stringify({
      about: 'Here is the data you requested.',
      chats: {
        about: '',
        list: [
          { name: '张三', type: 'personal_chat', id: 777, messages: [msg(1, '张三', '在吗'), msg(2, '张三', '明天见')] },
          { name: '西湖茶友会', type: 'private_supergroup', id: 1500100200, messages: [msg(3, '李四', '大家好'), msg(4, '王五', '新茶到了')] },
        ],
      },
    }, null, '\t'));
    const r = await upload('Telegram JSON', account);
    await poll(() => r.getByTestId('import-status').textContent()).toBe('完成');
    expect(await r.getByTestId('import-skipped').textContent()).toBe('2');
    await r.locator('.ant-table-row-expand-icon').click();
    const reasons = page.getByTestId('import-skipped-reasons').locator('tr.ant-table-row');
    await poll(() => reasons.allTextContents()).toEqual([expect.stringMatching(/one-to-one chat.*2byte \d+/)]);

    await page.locator('.ant-message-notice').first().waitFor({ state: 'detached' });
    await page.mouse.move(0, 0);
    await page.screenshot({ path: `${SHOTS}console-imports.png`, fullPage: true });
    expect(takeErrors()).toEqual([]);
  });
});
