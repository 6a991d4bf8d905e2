// The operator console in a real browser (Debian's Chromium driven by playwright-core) against the real
// server: sign in, position a community with its canvas, build a group, find a member, run a built-in
// group from its drawer (live chat that survives a dropped socket, team posts, the announcement, join
// requests, reports, questions), open the team page, switch to English, and not one error in the browser
// console on the way.
//
// The browser does not care about the SQL dialect, so this file runs once: in the sqlite project only
// (the postgres project skips it), which keeps `npm test` fast.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page, type WebSocketRoute } from 'playwright-core';
import { ADMIN, startTestServer, type TestServer } from './helpers/server.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const hasChromium = existsSync(CHROMIUM);
const postgres = process.env.SHEQUN_TEST_DIALECT === 'postgres';
const SHOTS = new URL('../docs/screenshots/', import.meta.url).pathname;

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
