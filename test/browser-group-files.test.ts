// A member's voice note and PDF in the console's group chat, in a real browser (Debian's Chromium driven by
// playwright-core) against the real server: the voice plays in the page, the PDF is a card to download (the
// same bytes), and a reply to the file quotes it by name. Not one unexpected browser error.
//
// Runs in the sqlite project only (the browser does not care about the SQL dialect).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { SHOTS, browserTestsRun, signedInConsole } from './helpers/browser.ts';
import { expectStatus, joinAsMember, makeCommunity, makeGroup } from './helpers/api.ts';

const VOICE = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(24), Buffer.from('OpusHead'), Buffer.alloc(400, 3)]);
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(3000, 0x41), Buffer.from('\n%%EOF\n')]);

describe.skipIf(!browserTestsRun)('files in the console’s group chat (Chromium)', { timeout: 90_000 }, () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let takeErrors: () => string[];

  beforeAll(async () => {
    t = await startTestServer();
    const c = await makeCommunity(t.api, { name: '茶友会' });
    const g = await makeGroup(t.api, c.id, { name: '岩茶学习群', platform: 'builtin' });
    const code = (await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id })).body.code;
    const m = await joinAsMember(t, code, { name: '陈老师' });
    for (const [name, bytes, text] of [['开场.ogg', VOICE, undefined], ['岩茶讲义.pdf', PDF, '讲义在这里']] as const) {
      const up = await m.client.request('POST', `/api/v1/me/groups/${g.id}/uploads?name=${encodeURIComponent(name)}`, bytes, { 'content-type': 'application/octet-stream' });
      expectStatus(up, 201);
      expectStatus(await m.client.post(`/api/v1/me/groups/${g.id}/messages`, { clientId: `file-${bytes.length}-${Date.now()}`, fileId: up.body.id, ...(text ? { text } : {}) }), 201);
    }
    ({ browser, page, takeErrors } = await signedInConsole(t));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('plays the voice, offers the PDF to download, and quotes the file in a reply', async () => {
    await page.getByRole('menuitem', { name: '建群' }).click();
    await page.getByTestId('group-table').getByText('岩茶学习群').click();
    await page.getByTestId('group-tab-chat').click();
    const chat = page.getByTestId('group-chat');
    await chat.getByTestId('chat-audio').waitFor();
    const card = chat.getByTestId('chat-file');
    await card.getByText('岩茶讲义.pdf').waitFor();
    expect(await card.textContent()).toMatch(/3 KB · 下载/);
    const href = await card.getAttribute('href');
    const got = await fetch(`${t.url}${href}`, { headers: { cookie: (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } });
    expect(got.status).toBe(200);
    expect(Buffer.from(await got.arrayBuffer()).equals(PDF)).toBe(true);
    await page.screenshot({ path: `${SHOTS}/console-group-files.png` });
    const item = chat.getByTestId('chat-item').filter({ has: page.getByTestId('chat-audio') });
    await item.hover();
    await item.getByTestId('chat-reply').click();
    await page.getByText('[语音] 开场.ogg').first().waitFor();
    expect(takeErrors()).toEqual([]);
  });
});
