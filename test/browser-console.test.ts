// The operator console in a real browser (Debian's Chromium driven by playwright-core) against the real
// server: sign in, position a community with its canvas, build a group, find a member, run a built-in
// group from its drawer (live chat that survives a dropped socket, team posts, the announcement, join
// requests, reports, questions), see each group's week of messages and the home dashboard's figures, shape
// a group from its overview (the seven roles, entry settings, invite links with QR codes, clone as a
// template), rename a group set by its pattern, open the team page, switch to English, and not one error
// in the browser console on the way.
//
// The browser does not care about the SQL dialect, so this file runs once: in the sqlite project only
// (the postgres project skips it), which keeps `npm test` fast.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page, type WebSocketRoute } from 'playwright-core';
import { ADMIN, startTestServer, type TestServer } from './helpers/server.ts';
import { CHROMIUM, CHROMIUM_ARGS, SHOTS, hasChromium } from './helpers/browser.ts';

const postgres = process.env.SHEQUN_TEST_DIALECT === 'postgres';

/** A real PNG: a warm gradient with a sun, to post as the team. */
function sunsetPng(w: number, h: number): Buffer {
  const rows = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    rows[y * (w * 3 + 1)] = 0;
    for (let x = 0; x < w; x++) {
      const o = y * (w * 3 + 1) + 1 + x * 3;
      const sun = (x - w * 0.68) ** 2 + (y - h * 0.42) ** 2 < (h * 0.17) ** 2;
      const k = y / h;
      rows[o] = sun ? 255 : Math.round(250 - 60 * k);
      rows[o + 1] = sun ? 236 : Math.round(140 + 40 * k);
      rows[o + 2] = sun ? 170 : Math.round(90 + 110 * k);
    }
  }
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** A member of a built-in group, joined through an invite with a plain fetch (its own device: cookie + CSRF). */
interface MemberDevice {
  memberId: string | null;
  result: any;
  post(path: string, body: unknown): Promise<{ status: number; body: any }>;
  get(path: string): Promise<{ status: number; body: any }>;
}
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
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    // Reduced motion, as an operator may ask for: no overlay is clicked while it is still zooming in (full runs
    // failed steps on a dialog or popover that had not settled).
    context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', reducedMotion: 'reduce' });
    page = await context.newPage();
    // CI has two cores shared with other test files: a click can wait seconds for the page to settle.
    page.setDefaultTimeout(15_000);
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  }, 120_000);

  // What the page looked like when a step failed (a full run fails steps here that pass alone: see issue 10's
  // note), kept outside the repository for whoever looks next.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    const name = ctx.task.name.replace(/[^\p{L}\p{N}]+/gu, '-').slice(0, 60);
    await page?.screenshot({ path: `${tmpdir()}/shequn-failed-${name}.png`, fullPage: true }).catch(() => {});
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  /** The errors so far, cleared; every step expects none. */
  const takeErrors = () => errors.splice(0, errors.length);
  const menu = (name: string) => page.getByRole('menuitem', { name }).click();
  /** Closes the dialog and drawer an earlier step left open, if any: each step starts from the page, whatever the last one did. */
  const closeDrawer = async () => {
    const modal = page.locator('.ant-modal-wrap:visible');
    if (await modal.count()) {
      await page.keyboard.press('Escape');
      await modal.first().waitFor({ state: 'hidden' });
    }
    const open = page.locator('.ant-drawer-open');
    if (!(await open.count())) return;
    await open.locator('.ant-drawer-close').first().click();
    await open.first().waitFor({ state: 'detached' });
  };
  let clientSeq = 0;
  /** Joins through an invite code like a phone would (no operator credentials). */
  const join = async (code: string, body: Record<string, unknown>): Promise<MemberDevice> => {
    const r = await fetch(`${t.url}/api/v1/public/join/${code}`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ consentAccepted: true, rulesAccepted: true, ...body }),
    });
    const result = (await r.json()) as any;
    expect(r.status, JSON.stringify(result)).toBe(200);
    const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.startsWith('shequn_member='));
    expect(cookie).toBeTruthy();
    const me = await fetch(`${t.url}/api/v1/me`, { headers: { cookie: cookie! } });
    const csrf = me.status === 200 ? ((await me.json()) as { csrfToken: string }).csrfToken : '';
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${t.url}${path}`, {
        method, headers: { cookie: cookie!, 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    return { memberId: result.memberId, result, post: (path, b) => call('POST', path, b), get: (path) => call('GET', path) };
  };
  /** A member says something in a group; returns the chat item. */
  const say = async (m: MemberDevice, groupId: string, text: string, extra: Record<string, unknown> = {}) => {
    const r = await m.post(`/api/v1/me/groups/${groupId}/messages`, { clientId: `test-${++clientSeq}-${Date.now()}`, text, ...extra });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    return r.body;
  };
  const invite = async (groupId: string): Promise<string> => {
    const r = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: groupId });
    expect(r.status, r.text).toBe(201);
    return r.body.code;
  };
  const builtinGroup = async (name: string) => {
    const communities = await t.api.get('/api/v1/communities');
    const r = await t.api.post('/api/v1/groups', { communityId: communities.body.items[0].id, platform: 'builtin', name });
    expect(r.status, r.text).toBe(201);
    return r.body as { id: string; name: string };
  };
  const openGroup = async (name: string, tab: string) => {
    // Groups made through the API announce nothing live: load the list afresh.
    await menu('建群');
    await page.reload();
    await page.getByTestId('group-table').getByText(name, { exact: true }).click();
    await page.getByTestId(`group-tab-${tab}`).click();
  };
  const chatItem = (text: string) => page.getByTestId('group-chat').getByTestId('chat-item').filter({ hasText: text });

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
    await drawer.getByTestId('group-members').getByText('欧阳娜娜').waitFor();
    await drawer.getByTestId('group-members').getByText('开拓者').waitFor();
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

  it("runs a built-in group's chat live: members' messages arrive without reload and as plain text, a dropped socket loses nothing", async () => {
    const g = await builtinGroup('晨跑自建群');
    const code = await invite(g.id);
    const li = await join(code, { name: '李雷' });
    const han = await join(code, { name: '韩梅梅' });
    expect(li.result).toMatchObject({ status: 'joined', number: expect.any(String) });
    await say(li, g.id, '大家早，明天六点西湖边集合');

    // Every socket of the page goes through a proxy the test controls, to drop it like a flaky network would.
    const sockets: WebSocketRoute[] = [];
    const sent: string[] = [];
    let deaf = false;
    await page.routeWebSocket(/\/api\/v1\/realtime$/, (ws) => {
      sockets.push(ws);
      const server = ws.connectToServer();
      ws.onMessage((m) => {
        sent.push(String(m));
        server.send(m);
      });
      server.onMessage((m) => {
        if (!(deaf && String(m).includes('"type":"event"'))) ws.send(m);
      });
    });
    await page.reload();
    await openGroup('晨跑自建群', 'chat');
    await chatItem('大家早，明天六点西湖边集合').waitFor();
    // Join lines name the member and their number.
    await chatItem(`李雷 入群（编号 ${li.result.number}）`).waitFor();
    await expect.poll(() => sent.some((f) => f.includes(`"channel":"chat:${g.id}"`))).toBe(true);

    // Live: posted after the tab opened, shown without a reload.
    await say(han, g.id, '收到，我带早餐');
    await chatItem('收到，我带早餐').waitFor();

    // What a member types is text, never markup.
    const xss = '<img src=x onerror="window.__xss=1">';
    await say(han, g.id, xss);
    await chatItem(xss).waitFor();
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
    expect(await page.getByTestId('group-chat').locator('img[src="x"]').count()).toBe(0);

    // The socket goes deaf (events are lost on the way), then drops as a slow consumer (4008). The console
    // reconnects, resumes after the last event it saw, and shows the missed message exactly once.
    const before = sockets.length;
    deaf = true;
    await say(li, g.id, '掉线期间发的这条不能丢');
    await page.waitForTimeout(400);
    expect(await chatItem('掉线期间发的这条不能丢').count()).toBe(0);
    deaf = false;
    await sockets[sockets.length - 1]!.close({ code: 4008, reason: 'slow consumer' });
    await expect.poll(() => sockets.length, { timeout: 8_000 }).toBeGreaterThan(before);
    await chatItem('掉线期间发的这条不能丢').waitFor();
    expect(sent.some((f) => f.includes(`"channel":"chat:${g.id}"`) && f.includes('"after"'))).toBe(true);
    await say(han, g.id, '重连之后也是实时的');
    await chatItem('重连之后也是实时的').waitFor();
    await page.waitForTimeout(300);
    expect(await chatItem('掉线期间发的这条不能丢').count()).toBe(1);
    expect(await chatItem('收到，我带早餐').count()).toBe(1);
    expect(takeErrors()).toEqual([]);
  });

  it('posts as the team with an image, replies, and pins the announcement', async () => {
    const groups = await t.api.get('/api/v1/groups?limit=500');
    const g = groups.body.items.find((x: { name: string }) => x.name === '晨跑自建群');
    // (the drawer from the previous test is still open on the chat tab)
    await page.getByTestId('team-post-input').fill('欢迎新朋友！本周六 6:00 西湖断桥集合，记得带水。');
    await page.getByTestId('team-post-send').click();
    const teamPost = chatItem('欢迎新朋友！本周六 6:00 西湖断桥集合');
    await teamPost.waitFor();
    await teamPost.getByText('官方').waitFor();
    await expect.poll(async () => (await page.getByTestId('team-post-input').inputValue())).toBe('');

    // An image, uploaded then posted, shows from /api/v1/uploads/<id>.
    await page.getByTestId('team-post-file').setInputFiles({ name: '晨跑路线.png', mimeType: 'image/png', buffer: sunsetPng(360, 240) });
    await page.getByTestId('team-post-image').waitFor();
    await page.getByTestId('team-post-input').fill('这是本周的路线图');
    await page.getByTestId('team-post-send').click();
    const img = chatItem('这是本周的路线图').locator('img[src^="/api/v1/uploads/"]');
    await img.waitFor();
    await expect.poll(() => img.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(360);

    // Reply to a member's message from the chat.
    const msg = chatItem('收到，我带早餐');
    await msg.hover();
    await msg.getByTestId('chat-reply').click();
    await page.getByTestId('reply-target').waitFor();
    await page.getByTestId('team-post-input').fill('好的，辛苦啦');
    await page.getByTestId('team-post-input').press('Enter');
    await chatItem('好的，辛苦啦').getByText('收到，我带早餐').waitFor();

    await page.getByTestId('announcement-input').fill('本群只聊跑步，广告一律移出。每周六晨跑，周日休息。');
    await page.getByTestId('announcement-save').click();
    const pinned = page.getByTestId('group-chat').locator('[data-testid="chat-item"][data-kind="announcement"]', { hasText: '本群只聊跑步' });
    await pinned.waitFor();

    const chat = await t.api.get(`/api/v1/groups/${g.id}/chat?limit=20`);
    const items = chat.body.items as { kind: string; text: string | null; system: string | null; image: unknown; replyTo: string | null }[];
    expect(items.find((i) => i.text?.startsWith('欢迎新朋友'))).toMatchObject({ kind: 'message', memberId: null, system: expect.stringContaining('Admin') });
    expect(items.find((i) => i.text === '这是本周的路线图')?.image).toMatchObject({ width: 360, height: 240, name: '晨跑路线.png' });
    expect(items.find((i) => i.text === '好的，辛苦啦')?.replyTo).toBeTruthy();
    expect(items.find((i) => i.kind === 'announcement')?.text).toBe('本群只聊跑步，广告一律移出。每周六晨跑，周日休息。');

    expect(takeErrors()).toEqual([]);
  });

  it("shows an application group's pending requests with the answers; approving lets the applicant in, rejecting asks for a reason", async () => {
    await closeDrawer();
    const g = await builtinGroup('晨跑核心群');
    const rule = await t.api.post('/api/v1/rules', { type: 'joining.entry', targetType: 'group', targetId: g.id, settings: { mode: 'application', questions: ['为什么加入？'] } });
    expect(rule.status, rule.text).toBe(201);
    const code = await invite(g.id);
    const wang = await join(code, { name: '王小跑', answers: ['想和大家一起备战杭马'] });
    expect(wang.result).toMatchObject({ status: 'pending', requestId: expect.any(String) });
    await openGroup('晨跑核心群', 'requests');
    const table = page.getByTestId('join-requests');
    await table.getByText('想和大家一起备战杭马').waitFor();
    await table.getByText('为什么加入？').waitFor();

    // A second applicant arrives while the tab is open: the queue refreshes by itself.
    const spam = await join(code, { name: '推广小号', answers: ['加我领优惠券'] });
    await table.getByText('加我领优惠券').waitFor();

    await page.getByTestId(`approve-${wang.result.requestId}`).click();
    await page.getByTestId(`approve-${wang.result.requestId}`).waitFor({ state: 'detached' });
    await expect.poll(async () => (await table.getByText('王小跑').count())).toBe(0);

    await page.getByTestId(`reject-${spam.result.requestId}`).click();
    await page.getByTestId('reject-confirm').click();
    // The reason is required.
    await page.locator('.ant-form-item-explain-error').filter({ hasText: '请填写拒绝理由' }).waitFor();
    await page.getByTestId('reject-reason').fill('疑似广告');
    await page.getByTestId('reject-confirm').click();
    await page.getByTestId(`reject-${spam.result.requestId}`).waitFor({ state: 'detached' });
    await table.getByText('没有待审核的入群申请').waitFor();

    const all = await t.api.get(`/api/v1/groups/${g.id}/join-requests`);
    const byName = Object.fromEntries(all.body.items.map((r: { applicant: { name: string } }) => [r.applicant.name, r]));
    expect(byName['王小跑']).toMatchObject({ status: 'approved' });
    expect(byName['推广小号']).toMatchObject({ status: 'rejected', reason: '疑似广告' });
    // The approved applicant is in: their join line is in the group's chat.
    await page.getByTestId('group-tab-chat').click();
    await chatItem('王小跑 入群').waitFor();
    expect(takeErrors()).toEqual([]);
  });

  it('confirms a report with a mute, dismisses another, and answers an open question from the 问答 tab', async () => {
    await closeDrawer();
    const groups = await t.api.get('/api/v1/groups?limit=500');
    const g = groups.body.items.find((x: { name: string }) => x.name === '晨跑自建群');
    const code = await invite(g.id);
    const troll = await join(code, { name: '杠精' });
    const zhao = await join(code, { name: '赵跑跑' });
    const bad = await say(troll, g.id, '跑步有什么用，都是智商税');
    const ok = await say(troll, g.id, '今天天气不错');
    const asked = await say(zhao, g.id, '新手一周跑几次合适？', { question: true });
    expect(asked.question).toBe(true);
    const r1 = await zhao.post(`/api/v1/me/groups/${g.id}/reports`, { targetType: 'message', targetId: bad.id, reason: '恶意引战' });
    expect(r1.status, JSON.stringify(r1.body)).toBe(201);
    const r2 = await zhao.post(`/api/v1/me/groups/${g.id}/reports`, { targetType: 'message', targetId: ok.id, reason: '手滑' });
    expect(r2.status).toBe(201);

    await openGroup('晨跑自建群', 'reports');
    await page.getByTestId(`report-excerpt-${r1.body.id}`).getByText('跑步有什么用，都是智商税').waitFor();
    await page.getByTestId(`report-mute-${r1.body.id}`).click();
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '1 小时' }).click();
    await page.getByTestId(`report-confirm-${r1.body.id}`).click();
    await page.getByTestId(`report-confirm-${r1.body.id}`).waitFor({ state: 'detached' });
    await page.getByTestId(`report-dismiss-${r2.body.id}`).click();
    await page.getByTestId(`report-dismiss-${r2.body.id}`).waitFor({ state: 'detached' });

    const reports = await t.api.get(`/api/v1/groups/${g.id}/reports`);
    const status = Object.fromEntries(reports.body.items.map((r: { id: string; status: string }) => [r.id, r.status]));
    expect(status).toMatchObject({ [r1.body.id]: 'confirmed', [r2.body.id]: 'dismissed' });
    // Confirmed with a mute: the reported member cannot post for now.
    const muted = await troll.get(`/api/v1/me/groups/${g.id}`);
    expect(muted.body.mute).toMatchObject({ muted: true });
    expect((await troll.post(`/api/v1/me/groups/${g.id}/messages`, { clientId: 'muted-try-1', text: '我还能说话吗' })).status).toBe(403);

    await page.getByTestId('group-tab-questions').click();
    await page.getByTestId('questions').getByText('新手一周跑几次合适？').waitFor();
    const open = await t.api.get(`/api/v1/groups/${g.id}/questions?status=open`);
    expect(open.body.items).toMatchObject([{ activityId: asked.id, memberId: zhao.memberId }]);
    await page.getByTestId(`answer-${open.body.items[0].id}`).click();
    await page.getByTestId('reply-target').getByText('新手一周跑几次合适？').waitFor();
    await page.getByTestId('team-post-input').fill('新手建议一周三次，每次 3–5 公里，循序渐进。');
    await page.getByTestId('team-post-send').click();
    await chatItem('新手建议一周三次').waitFor();
    // The chat as it looks in the middle of a morning: members, joins, a question and the team's answer.
    await page.locator('.ant-message-notice').first().waitFor({ state: 'detached', timeout: 10_000 });
    await page.mouse.move(0, 0);
    await page.waitForTimeout(200);
    await page.screenshot({ path: `${SHOTS}console-group-chat.png` });
    // The group row carries the pinned announcement, so the drawer shows it when opened afresh; publishing
    // it empty takes it down.
    expect(await page.getByTestId('announcement-input').inputValue()).toBe('本群只聊跑步，广告一律移出。每周六晨跑，周日休息。');
    await page.getByTestId('announcement-input').fill('');
    await page.getByTestId('announcement-save').click();
    await page.getByTestId('announcement').getByText('暂无群公告').waitFor();
    expect((await t.api.get(`/api/v1/groups/${g.id}`)).body.announcement).toBeNull();
    await page.getByTestId('group-tab-questions').click();
    await page.getByTestId('questions').getByText('没有待回答的问题').waitFor();
    const qs = await t.api.get(`/api/v1/groups/${g.id}/questions`);
    expect(qs.body.items).toMatchObject([{ text: '新手一周跑几次合适？', status: 'answered' }]);
    await closeDrawer();
    expect(takeErrors()).toEqual([]);
  });

  // ---- 建群 at a glance, a group's structure and entry, replication (复制) ----

  const DAY = 86_400_000;
  /** The city running groups: one group set of four, made through the API. */
  const city = { communityId: '', setId: '', groups: {} as Record<string, { id: string; name: string }> };
  /** Daily counts of messages, oldest first: index 6 is today. */
  const SEEDED: Record<string, number[]> = {
    杭州晨跑群: [3, 5, 2, 8, 6, 9, 12],
    上海晨跑群: [1, 0, 2, 1, 3, 2, 4],
    北京晨跑群: [0, 0, 0, 0, 0, 0, 0],
    深圳晨跑群: [10, 14, 9, 16, 20, 18, 25],
  };
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  /** Minutes east of UTC in the browser, as the console asks the stats for. */
  const browserOffset = () => page.evaluate(() => -new Date().getTimezoneOffset());
  const formError = (testId: string) => page.locator('.ant-form-item', { has: page.getByTestId(testId) }).locator('.ant-form-item-explain-error');
  const drawer = () => page.getByTestId('group-drawer');
  const groupRules = async (groupId: string) => (await t.api.get(`/api/v1/rules?targetType=group&targetId=${groupId}`)).body.items as { id: string; type: string; enabled: boolean; settings: any }[];

  it("shows each group's messages of the last 7 days as a sparkline, sortable by the 7-day count", async () => {
    const com = await t.api.post('/api/v1/communities', { name: '城市晨跑联盟', purpose: 'interest' });
    expect(com.status, com.text).toBe(201);
    city.communityId = com.body.id;
    const set = await t.api.post('/api/v1/group-sets', { name: '城市晨跑群', communityId: city.communityId, namingPattern: '{brand}{region}{n}群' });
    expect(set.status, set.text).toBe(201);
    city.setId = set.body.id;
    for (const [name, region] of [['杭州晨跑群', '杭州'], ['上海晨跑群', '上海'], ['北京晨跑群', '北京'], ['深圳晨跑群', '深圳']] as const) {
      const g = await t.api.post('/api/v1/groups', { communityId: city.communityId, groupSetId: city.setId, platform: 'wechat', kind: 'city', name, region });
      expect(g.status, g.text).toBe(201);
      city.groups[name] = g.body;
    }
    // A week of messages (each a second or so before now, d days back), and some joins and a leave.
    const now = Date.now();
    const activities = Object.entries(SEEDED).flatMap(([name, perDay]) => perDay.flatMap((n, i) => Array.from({ length: n }, (_, k) => ({
      kind: 'message', groupId: city.groups[name]!.id, occurredAt: new Date(now - (6 - i) * DAY - 1000 - k * 10).toISOString(),
      payload: { text: `${name} 第 ${i} 天第 ${k} 条` }, source: 'test', sourceId: `${name}-${i}-${k}`,
    }))));
    for (const [name, joins, leaves] of [['深圳晨跑群', 6, 1], ['杭州晨跑群', 4, 0]] as const) {
      for (let k = 0; k < joins + leaves; k++) {
        activities.push({ kind: k < joins ? 'join' : 'leave', groupId: city.groups[name]!.id, occurredAt: new Date(now - k * 3_600_000 - 2000).toISOString(), payload: { text: '' }, source: 'test', sourceId: `${name}-jl-${k}` });
      }
    }
    const batch = await t.api.post('/api/v1/activities/batch', { activities });
    expect(batch.status, batch.text).toBe(200);

    await menu('建群');
    await page.reload();
    const offset = await browserOffset();
    const stats = await t.api.get(`/api/v1/stats/groups?days=7&tzOffsetMinutes=${offset}`);
    expect(stats.status, stats.text).toBe(200);
    for (const [name, perDay] of Object.entries(SEEDED)) {
      const g = city.groups[name]!;
      const item = stats.body.items.find((x: { groupId: string }) => x.groupId === g.id);
      // A quiet group is left out of the stats: the console draws it flat.
      expect(item?.messages ?? 0).toBe(sum(perDay));
      const expected = (item?.messagesPerDay ?? [0, 0, 0, 0, 0, 0, 0]).join(',');
      await expect.poll(() => page.getByTestId(`spark-${g.id}`).getAttribute('data-values')).toBe(expected);
      await expect.poll(() => page.getByTestId(`messages7d-${g.id}`).textContent()).toBe(String(sum(perDay)));
    }
    // Most messages first, then fewest first.
    const firstRow = () => page.getByTestId('group-table').locator('tbody tr.ant-table-row').first();
    await page.getByTestId('col-messages7d').click();
    await expect.poll(() => firstRow().textContent()).toContain('深圳晨跑群');
    await page.getByTestId('col-messages7d').click();
    await expect.poll(async () => (await firstRow().locator('[data-testid^="messages7d-"]').textContent())).toBe('0');
    await page.getByTestId('col-messages7d').click();
    await expect.poll(() => firstRow().textContent()).toContain('深圳晨跑群');
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SHOTS}console-groups.png` });
    expect(takeErrors()).toEqual([]);
  });

  it("shows this week's figures and the most active groups on the home page", async () => {
    await menu('概览');
    const offset = await browserOffset();
    const o = (await t.api.get(`/api/v1/stats/overview?days=14&tzOffsetMinutes=${offset}`)).body;
    expect(o.messagesLast7Days).toBeGreaterThanOrEqual(sum(Object.values(SEEDED).flat()));
    expect(o.joinsLast7Days).toBeGreaterThanOrEqual(10);
    const figure = (key: string) => page.getByTestId(`stat-${key}`).locator('.ant-statistic-content-value').textContent().then((s) => s?.replace(/,/g, ''));
    await expect.poll(() => figure('messages7d')).toBe(String(o.messagesLast7Days));
    await expect.poll(() => figure('messagesToday')).toBe(String(o.messagesToday));
    await expect.poll(() => figure('joins7d')).toBe(String(o.joinsLast7Days));
    await expect.poll(() => figure('leaves7d')).toBe(String(o.leavesLast7Days));
    await expect.poll(() => figure('members')).toBe(String(o.members));
    await page.getByTestId('activity-chart').locator('canvas').first().waitFor();
    // The busiest groups, by name, with their counts; a group with no message is not listed.
    const top = page.getByTestId('top-groups').getByTestId('top-group');
    await expect.poll(() => top.first().getAttribute('data-group-id')).toBe(city.groups['深圳晨跑群']!.id);
    expect(await top.first().textContent()).toContain('深圳晨跑群');
    expect(await top.first().getByTestId('top-group-messages').textContent()).toBe(String(sum(SEEDED['深圳晨跑群']!)));
    await page.getByTestId('top-groups').getByText('杭州晨跑群').waitFor();
    expect(await page.getByTestId('top-groups').getByText('北京晨跑群').count()).toBe(0);
    expect(await top.count()).toBeLessThanOrEqual(10);
    expect(takeErrors()).toEqual([]);
  });

  it("shows a group's seven roles and edits its entry settings: server errors on the right field, inherited rules marked", async () => {
    const hz = city.groups['杭州晨跑群']!;
    for (const [displayName, role] of [['周一航', 'creator'], ['吴敏', 'manager'], ['郑晓', 'participant'], ['王珂', 'participant'], ['冯雪', 'participant'], ['陈锐', 'pioneer']] as const) {
      const m = await t.api.post('/api/v1/members', { displayName, city: '杭州', memberships: [{ groupId: hz.id, role }] });
      expect(m.status, m.text).toBe(201);
    }
    // The set rotates at 90%, the community mutes at night: the group inherits both.
    const cap = await t.api.post('/api/v1/rules', { type: 'joining.capacity', targetType: 'group_set', targetId: city.setId, settings: { thresholdPercent: 90 } });
    expect(cap.status, cap.text).toBe(201);
    const night = await t.api.post('/api/v1/rules', {
      type: 'communication.mute_schedule', targetType: 'community', targetId: city.communityId, settings: { windows: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '23:00', to: '06:00' }] },
    });
    expect(night.status, night.text).toBe(201);

    await openGroup('杭州晨跑群', 'overview');
    const d = drawer();
    for (const [role, n] of [['creator', 1], ['manager', 1], ['participant', 3], ['pioneer', 1], ['splitter', 0], ['partner', 0], ['payer', 0]] as const) {
      await expect.poll(() => d.getByTestId(`role-${role}`).getAttribute('data-count')).toBe(String(n));
    }
    expect(await d.getByTestId('roles-summary').textContent()).toContain('尚缺：分化者、合作者、付费者');
    expect(await d.getByTestId('role-splitter').textContent()).toContain('空缺');
    expect(await d.getByTestId('role-hint-pioneer').textContent()).toBe('愿意尝鲜、乐于分享新发现的人');
    expect(await d.getByTestId('role-hint-splitter').textContent()).toBe('有威望、能带走一批人另起新群的人');

    // Inherited: the set's rotation, the community's mute windows, the default entry; each says so.
    await expect.poll(() => d.getByTestId('rule-capacity').getAttribute('data-source')).toBe('group_set');
    expect(await d.getByTestId('rule-capacity-source').textContent()).toBe('继承自群组合「城市晨跑群」');
    expect(await d.getByTestId('rule-capacity-preview').textContent()).toBe(cap.body.preview);
    expect(await d.getByTestId('rule-capacity-inherited').textContent()).toContain('继承自群组合/社群或默认');
    expect(await d.getByTestId('rule-mute').getAttribute('data-source')).toBe('community');
    expect(await d.getByTestId('rule-mute-preview').textContent()).toBe(night.body.preview);
    expect(await d.getByTestId('rule-entry').getAttribute('data-source')).toBe('default');
    expect(await d.getByTestId('rule-entry-preview').textContent()).toBe('开放入群：打开邀请链接即可进群');

    // Entry by code, without the code: the server names settings.code and the form shows it there.
    await d.getByTestId('rule-entry-edit').click();
    await page.getByTestId('entry-mode-code').click();
    await page.getByTestId('rule-save').click();
    await expect.poll(() => formError('entry-code').textContent()).toContain('code');
    expect(takeErrors().filter((e) => !/status of 400/.test(e))).toEqual([]);
    await page.getByTestId('entry-code').fill('RUN2026');
    await page.getByTestId('rule-save').click();
    await expect.poll(() => d.getByTestId('rule-entry-preview').textContent()).toBe('邀请码入群：填写正确的邀请码才能进群');
    expect(await d.getByTestId('rule-entry').getAttribute('data-source')).toBe('group');
    expect(await d.getByTestId('rule-entry-inherited').count()).toBe(0);
    expect((await groupRules(hz.id)).find((r) => r.type === 'joining.entry')?.settings).toMatchObject({ mode: 'code', code: 'RUN2026' });

    // The ritual: rules, a welcome built from the variables, a nickname format with its example.
    await d.getByTestId('rule-ritual-edit').click();
    await page.getByTestId('ritual-rules').fill('只聊跑步，不发广告；每周六 6:30 西湖打卡。');
    await page.getByTestId('ritual-welcome').fill('欢迎 {nickname} 加入{group}！你的编号是 ');
    await page.getByTestId('ritual-var-number').click();
    expect(await page.getByTestId('ritual-welcome').inputValue()).toBe('欢迎 {nickname} 加入{group}！你的编号是 {number}');
    await expect.poll(() => page.getByTestId('ritual-welcome-preview').textContent()).toContain('欢迎 杭州-设计-小林 加入杭州晨跑群！你的编号是 0042');
    await page.getByTestId('ritual-pattern').fill('{city}-{name}');
    await page.getByTestId('ritual-example').fill('杭州-小周');
    await page.getByTestId('rule-save').click();
    await expect.poll(() => d.getByTestId('rule-ritual-preview').textContent()).toBe('入群仪式：阅读并同意群规与数据使用说明；领取成员编号和欢迎语；群昵称格式 {city}-{name}（例：杭州-小周），30 分钟未改好会被提醒，改好前不能发言；完成仪式得 10 积分和「入群仪式」徽章');
    expect((await groupRules(hz.id)).find((r) => r.type === 'joining.ritual')?.settings).toMatchObject({
      rulesText: '只聊跑步，不发广告；每周六 6:30 西湖打卡。', welcomeTemplate: '欢迎 {nickname} 加入{group}！你的编号是 {number}', nicknamePattern: '{city}-{name}', nicknameExample: '杭州-小周', consentRequired: true,
    });

    // Mute windows, starting from the community's: a lunch window on weekdays with an hour that does not exist.
    await d.getByTestId('rule-mute-edit').click();
    expect(await page.getByTestId('mute-from-0').inputValue()).toBe('23:00');
    await page.getByTestId('mute-window-add').click();
    const lunch = page.getByTestId('mute-window-1');
    await lunch.getByTestId('mute-day-6').click();
    await lunch.getByTestId('mute-day-7').click();
    await page.getByTestId('mute-from-1').fill('25:00');
    await page.getByTestId('mute-to-1').fill('13:30');
    await page.getByTestId('rule-save').click();
    await expect.poll(() => formError('mute-from-1').textContent()).toContain('HH:MM');
    expect(takeErrors().filter((e) => !/status of 400/.test(e))).toEqual([]);
    await page.getByTestId('mute-from-1').fill('12:00');
    await page.getByTestId('rule-save').click();
    await expect.poll(() => d.getByTestId('rule-mute-preview').textContent()).toBe('禁言时段（Asia/Shanghai）：周一、二、三、四、五、六、日 23:00–06:00；周一、二、三、四、五 12:00–13:30');
    const mute = (await groupRules(hz.id)).find((r) => r.type === 'communication.mute_schedule')!;
    expect(mute.settings.windows).toEqual([{ days: [1, 2, 3, 4, 5, 6, 7], from: '23:00', to: '06:00' }, { days: [1, 2, 3, 4, 5], from: '12:00', to: '13:30' }]);

    // Switched off, the community's windows apply again; deleted, the group has no mute rule of its own.
    await d.getByTestId('rule-mute-enabled').click();
    await expect.poll(() => d.getByTestId('rule-mute').getAttribute('data-source')).toBe('community');
    await d.getByTestId('rule-mute-disabled').waitFor();
    expect((await groupRules(hz.id)).find((r) => r.type === 'communication.mute_schedule')?.enabled).toBe(false);
    await d.getByTestId('rule-mute-reset').click();
    await page.getByTestId('rule-reset-confirm').click();
    await d.getByTestId('rule-mute-inherited').waitFor();
    expect((await groupRules(hz.id)).map((r) => r.type).sort()).toEqual(['joining.entry', 'joining.ritual']);
    expect(await d.getByTestId('rule-mute-preview').textContent()).toBe(night.body.preview);
    expect(takeErrors()).toEqual([]);
  });

  it('makes an invite link with its QR code, copies it, adds the group set’s rotating invite (活码), and revokes a link', async () => {
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    const hz = city.groups['杭州晨跑群']!;
    const d = drawer();
    await d.getByTestId('invite-new').click();
    const link = d.getByTestId('invite').first();
    await link.waitFor();
    const code = await link.getAttribute('data-code');
    const url = `${t.url}/m/join/${code}`;
    expect(await link.getByTestId('invite-url').textContent()).toBe(url);
    const qr = link.locator('img[src^="data:image/png;base64,"]');
    await qr.waitFor();
    await expect.poll(() => qr.evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth)).toBeGreaterThan(100);
    await link.getByTestId('invite-copy').click();
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText())).toBe(url);
    const listed = await t.api.get(`/api/v1/invites?targetType=group&targetId=${hz.id}`);
    expect(listed.body.items).toMatchObject([{ code, targetType: 'group', targetId: hz.id, revokedAt: null }]);
    expect((await fetch(`${t.url}/api/v1/public/join/${code}`)).status).toBe(200);

    // The set's rotating invite: one link for all four groups, leading to the first with room.
    await d.getByTestId('invite-new-set').click();
    const rotating = d.getByTestId('invite').filter({ hasText: '活码 · 城市晨跑群' });
    await rotating.waitFor();
    const setCode = await rotating.getAttribute('data-code');
    const setInvites = await t.api.get(`/api/v1/invites?targetType=group_set&targetId=${city.setId}`);
    expect(setInvites.body.items).toMatchObject([{ code: setCode, targetType: 'group_set' }]);
    const view = await (await fetch(`${t.url}/api/v1/public/join/${setCode}`)).json() as { group: { id: string }; groupSet: { name: string } };
    expect(view).toMatchObject({ group: { id: hz.id }, groupSet: { name: '城市晨跑群' } });
    await rotating.locator('img[src^="data:image/png;base64,"]').waitFor();

    // Revoked, the group link lets nobody in.
    await link.getByTestId('invite-revoke').click();
    await page.getByTestId('invite-revoke-confirm').click();
    await d.locator(`[data-testid="invite"][data-code="${code}"]`).waitFor({ state: 'detached' });
    const all = await t.api.get(`/api/v1/invites?targetType=group&targetId=${hz.id}&includeRevoked=true`);
    expect(all.body.items.find((i: { code: string }) => i.code === code).revokedAt).toBeTruthy();
    expect((await fetch(`${t.url}/api/v1/public/join/${code}`)).status).toBe(404);

    // A fresh link for the poster; the overview as an operator sees it.
    await d.getByTestId('invite-new').click();
    await expect.poll(() => d.getByTestId('invite').count()).toBe(2);
    await d.getByTestId('invite').first().locator('img[src^="data:image/png;base64,"]').waitFor();
    await page.locator('.ant-message-notice').first().waitFor({ state: 'detached', timeout: 10_000 });
    await d.getByTestId('group-roles').evaluate((el) => {
      const e = el as unknown as { closest(s: string): { scrollTop: number; getBoundingClientRect(): { top: number } }; getBoundingClientRect(): { top: number } };
      const body = e.closest('.ant-drawer-body');
      body.scrollTop += e.getBoundingClientRect().top - body.getBoundingClientRect().top - 44;
    });
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SHOTS}console-group-settings.png` });
    expect(takeErrors()).toEqual([]);
  });

  it('clones a group as a template (复制): the copy opens with the rules it was given', async () => {
    const hz = city.groups['杭州晨跑群']!;
    await drawer().getByTestId('group-clone').click();
    await page.getByTestId('clone-name').fill('杭州晨跑二群');
    await page.getByTestId('clone-save').click();
    await expect.poll(() => page.locator('.ant-drawer-open .ant-drawer-title').textContent()).toBe('杭州晨跑二群');
    const groups = await t.api.get('/api/v1/groups?limit=500');
    const copy = groups.body.items.find((g: { name: string }) => g.name === '杭州晨跑二群');
    expect(copy).toMatchObject({ communityId: city.communityId, groupSetId: city.setId, region: '杭州', kind: 'city', platform: 'wechat', memberCount: 0 });
    city.groups['杭州晨跑二群'] = copy;
    const rules = await groupRules(copy.id);
    expect(rules.map((r) => r.type).sort()).toEqual(['joining.entry', 'joining.ritual']);
    expect(rules.find((r) => r.type === 'joining.entry')?.settings).toEqual((await groupRules(hz.id)).find((r) => r.type === 'joining.entry')?.settings);
    await page.locator('.ant-message-notice', { hasText: `已新建「杭州晨跑二群」，复制了 ${rules.length} 条群规` }).waitFor();
    // The new group's drawer: its own rules, no members yet.
    const d = drawer();
    await expect.poll(() => d.getByTestId('rule-entry-preview').textContent()).toBe('邀请码入群：填写正确的邀请码才能进群');
    expect(await d.getByTestId('rule-entry').getAttribute('data-source')).toBe('group');
    await expect.poll(() => d.getByTestId('role-creator').getAttribute('data-count')).toBe('0');
    await d.getByTestId('roles-summary').getByText('已有 0/7 种角色', { exact: false }).waitFor();
    await closeDrawer();
    expect(takeErrors()).toEqual([]);
  });

  it('renames a group set by its naming pattern: a preview first, a missing variable and a pattern without {n} shown on their fields', async () => {
    await menu('建群');
    await pick('filter-group-set', '城市晨跑群');
    await expect.poll(() => page.getByTestId('group-table').locator('tbody tr.ant-table-row').count()).toBe(5);
    await page.getByTestId('set-rename').click();
    expect(await page.getByTestId('rename-pattern').inputValue()).toBe('{brand}{region}{n}群');
    // {brand} has no value: the server names `vars`, the console says it on the {brand} field.
    await page.getByTestId('rename-preview').click();
    await expect.poll(() => formError('rename-var-brand').textContent()).toContain('{brand}');
    await expect.poll(() => page.getByTestId('rename-apply').isDisabled()).toBe(true);
    expect(takeErrors().filter((e) => !/status of 400/.test(e))).toEqual([]);
    await page.getByTestId('rename-var-brand').fill('悦跑');
    await page.getByTestId('rename-preview').click();
    const table = page.getByTestId('rename-table');
    await table.getByText('悦跑杭州1群').waitFor();
    for (const name of ['悦跑上海2群', '悦跑北京3群', '悦跑深圳4群', '悦跑杭州5群']) await table.getByText(name).waitFor();
    expect(await page.getByTestId('rename-summary').textContent()).toBe('共 5 个群，其中 5 个将改名');
    expect(await page.getByTestId('rename-apply').isDisabled()).toBe(false);
    await page.mouse.move(0, 0);
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${SHOTS}console-group-rename.png` });

    // Without {n} every group would get the same name: the server names `pattern`.
    await page.getByTestId('rename-pattern').fill('悦跑晨跑群');
    await expect.poll(() => page.getByTestId('rename-apply').isDisabled()).toBe(true);
    await page.getByTestId('rename-preview').click();
    await expect.poll(() => formError('rename-pattern').textContent()).toContain('{n}');
    expect(takeErrors().filter((e) => !/status of 400/.test(e))).toEqual([]);

    await page.getByTestId('rename-pattern').fill('{brand}{region}{nn}群');
    await page.getByTestId('rename-save-pattern').check();
    await page.getByTestId('rename-preview').click();
    await table.getByText('悦跑杭州01群').waitFor();
    // Nothing changed yet.
    const before = await t.api.get(`/api/v1/groups?groupSetId=${city.setId}`);
    expect(before.body.items.map((g: { name: string }) => g.name).sort()).toEqual(['上海晨跑群', '北京晨跑群', '杭州晨跑二群', '杭州晨跑群', '深圳晨跑群'].sort());
    await page.getByTestId('rename-apply').click();
    await page.locator('.ant-message-notice', { hasText: '已为 5 个群改名' }).waitFor();
    await page.getByTestId('group-table').getByText('悦跑深圳04群').waitFor();
    const after = await t.api.get(`/api/v1/groups?groupSetId=${city.setId}`);
    const byId = Object.fromEntries(after.body.items.map((g: { id: string; name: string }) => [g.id, g.name]));
    expect(byId).toEqual({
      [city.groups['杭州晨跑群']!.id]: '悦跑杭州01群', [city.groups['上海晨跑群']!.id]: '悦跑上海02群', [city.groups['北京晨跑群']!.id]: '悦跑北京03群',
      [city.groups['深圳晨跑群']!.id]: '悦跑深圳04群', [city.groups['杭州晨跑二群']!.id]: '悦跑杭州05群',
    });
    expect((await t.api.get(`/api/v1/group-sets/${city.setId}`)).body.namingPattern).toBe('{brand}{region}{nn}群');
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
