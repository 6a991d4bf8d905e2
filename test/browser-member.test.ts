// The member web app on a phone-sized screen in a real browser (Debian's Chromium driven by
// playwright-core) against the real server: a newcomer opens an invite link, accepts the rules, gets
// number 1 with the welcome message, sets a nickname that fails then fits, and speaks; another member
// sees it live and replies; an applicant waits and is let in when the team approves; a full group's
// invite sends the next person to the next group; nothing a member writes becomes markup.
//
// Runs in the sqlite project only (the browser does not care about the SQL dialect).
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ADMIN, startTestServer, type TestServer } from './helpers/server.ts';
import { CHROMIUM, CHROMIUM_ARGS, SHOTS, hasChromium, printPages, recordPageErrors } from './helpers/browser.ts';
import { expectStatus, makeCommunity, makeGroup, makeGroupSet } from './helpers/api.ts';

const postgres = process.env.SHEQUN_TEST_DIALECT === 'postgres';
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' };

/** XSS payloads a member might type as a name, a nickname part, a message or a file name. */
export const XSS = [
  '<script>window.__xss=1</script>',
  '<img src=x onerror="window.__xss=1">',
  '"><svg onload="window.__xss=1">',
  "javascript:window.__xss=1",
  '<a href="javascript:window.__xss=1">点我</a>',
  '{{constructor.constructor("window.__xss=1")()}}',
  '<iframe srcdoc="<script>parent.__xss=1</script>"></iframe>',
];

describe.skipIf(!hasChromium || postgres)('member web app in Chromium (phone size)', { timeout: 120_000 }, () => {
  let t: TestServer;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  let community: any;

  beforeAll(async () => {
    if (!existsSync(new URL('../web/dist/member/index.html', import.meta.url))) execSync('npm run build:web', { stdio: 'inherit' });
    t = await startTestServer({ SHEQUN_JOIN_LIMIT: '1000' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    community = await makeCommunity(t.api, { name: '晨跑社群' });
  }, 120_000);

  // A step that failed in a full CI run (the applicant's leave, once) and not alone: the log says what the pages showed.
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail') return;
    await printPages(ctx.task.name, contexts.flatMap((c) => c.pages()));
    errors.length = 0; // what the failed step's pages said is not the next step's
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function phone(): Promise<Page> {
    const context = await browser.newContext(PHONE);
    contexts.push(context);
    const page = await context.newPage();
    // CI has two cores shared with other test files (as the console's pages allow for).
    page.setDefaultTimeout(15_000);
    recordPageErrors(page, errors);
    return page;
  }
  const exactly = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  const takeErrors = (allowed: RegExp[] = []) => errors.splice(0, errors.length).filter((e) => !allowed.some((a) => a.test(e)));

  /** An operator signed in to the console (desktop size) with the group's drawer open on a tab. */
  async function consoleOn(groupName: string, tab: 'group-tab-chat' | 'group-tab-requests'): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN' });
    contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`operator console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`operator pageerror: ${e.message}`));
    await page.goto(`${t.url}/`);
    await page.getByTestId('signin-email').fill(ADMIN.email);
    await page.getByTestId('signin-password').fill(ADMIN.password);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('whoami').waitFor();
    await page.getByRole('menuitem', { name: '建群' }).click();
    await page.getByTestId('group-table').getByText(groupName, { exact: true }).click();
    await page.getByTestId(tab).click();
    return page;
  }

  async function groupWithInvite(rules: Record<string, Record<string, unknown>>, body: Record<string, unknown> = {}) {
    const g = await makeGroup(t.api, community.id, { platform: 'builtin', ...body });
    for (const [type, settings] of Object.entries(rules)) expectStatus(await t.api.post('/api/v1/rules', { type, targetType: 'group', targetId: g.id, settings }), 201);
    const inv = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id });
    expectStatus(inv, 201);
    return { g, code: inv.body.code as string };
  }

  async function joinThrough(page: Page, code: string, name: string, opts: { shot?: string } = {}) {
    await page.goto(`${t.url}/m/join/${code}`);
    await page.getByTestId('join-form').waitFor();
    await page.getByTestId('join-name').fill(name);
    if (opts.shot) await page.screenshot({ path: `${SHOTS}${opts.shot}`, fullPage: false });
    if (await page.getByTestId('accept-rules').count()) await page.getByTestId('accept-rules').check();
    if (await page.getByTestId('accept-consent').count()) await page.getByTestId('accept-consent').check();
    await page.getByTestId('join-submit').click();
  }

  const ritual = {
    rulesText: '1. 不发广告和链接\n2. 每周至少打卡一次\n3. 友善交流，互相帮助',
    dataUseNotice: '你的名字和群昵称只在本群展示；手机号只用于活动通知。',
    nicknamePattern: '{city}-{industry}-{name}', nicknameExample: '上海-金融-张三',
    welcomeTemplate: '欢迎 {nickname} 加入{group}！你的编号是 {number}。请先读群规：{rules}',
  };

  it('runs the entry ritual: rules, number 1 with the welcome, a nickname that fails then fits, then the first message', async () => {
    const { g, code } = await groupWithInvite({ 'joining.ritual': ritual }, { name: '晨跑 · 上海 1 群' });
    expectStatus(await t.api.request('PUT', `/api/v1/groups/${g.id}/announcement`, { text: '本周六 7:00 世纪公园 3 号门集合晨跑，风雨无阻。' }), 200);
    const page = await phone();
    await page.goto(`${t.url}/m/join/${code}`);
    await page.getByTestId('join-form').waitFor();
    expect(await page.getByTestId('join-group-name').textContent()).toBe('晨跑 · 上海 1 群');
    expect(await page.getByTestId('join-rules').textContent()).toBe(ritual.rulesText);
    await page.getByTestId('join-name').fill('林晓');
    await page.screenshot({ path: `${SHOTS}member-join.png` });
    // Not accepting the rules: the form says so and nothing is sent.
    await page.getByTestId('join-submit').click();
    await page.getByText('请先同意群规').waitFor();
    expect((await t.api.get(`/api/v1/groups/${g.id}/memberships`)).body.items).toEqual([]);
    await page.getByTestId('accept-rules').check();
    await page.getByTestId('accept-consent').check();
    await page.getByTestId('join-submit').click();

    await page.getByTestId('member-number').waitFor();
    expect(await page.getByTestId('member-number').textContent()).toBe('0001');
    expect(await page.getByTestId('welcome').textContent()).toBe(`欢迎 林晓 加入晨跑 · 上海 1 群！你的编号是 0001。请先读群规：${ritual.rulesText}`);
    await page.getByTestId('nickname-input').fill('上海-林晓');
    // The app checks as the member types, with the server's own rule…
    await expect.poll(() => page.locator('.ant-form-item-explain-error').textContent()).toBe('格式不符：「industry」这一段（如“金融”）缺少或分隔符不对');
    await page.screenshot({ path: `${SHOTS}member-ritual.png` });
    // …and the server has the last word, naming the part that is missing.
    await page.getByTestId('nickname-save').click();
    await expect.poll(() => page.locator('.ant-form-item-explain-error').textContent()).toContain('industry');
    await page.getByTestId('nickname-input').fill('上海-设计-林晓');
    await page.getByTestId('nickname-save').click();
    await page.getByTestId('open-chat').click();

    await page.getByTestId('chat').waitFor();
    expect(await page.getByTestId('announcement').textContent()).toContain('世纪公园');
    await page.getByTestId('chat-line').first().waitFor();
    // An operator has the group's chat open in the console; the message appears there live.
    const operator = await consoleOn('晨跑 · 上海 1 群', 'group-tab-chat');
    await operator.getByTestId('group-chat').getByTestId('chat-item').first().waitFor();
    await page.getByTestId('chat-input').fill('大家好，我是新来的 🏃');
    await page.getByTestId('chat-send').click();
    await page.getByTestId('chat-text').filter({ hasText: '大家好，我是新来的' }).waitFor();
    await operator.getByTestId('group-chat').getByTestId('chat-item').filter({ hasText: '大家好，我是新来的 🏃' }).waitFor();
    const msgs = (await t.api.get(`/api/v1/groups/${g.id}/chat`)).body.items;
    expect(msgs[0]).toMatchObject({ kind: 'message', text: '大家好，我是新来的 🏃' });
    const ms = (await t.api.get(`/api/v1/groups/${g.id}/memberships`)).body.items;
    expect(ms).toMatchObject([{ number: 1, nickname: '上海-设计-林晓' }]);

    // A second member joins, sees the first one's message, and the first sees the reply arrive live.
    const other = await phone();
    await joinThrough(other, code, '周舟');
    await other.getByTestId('nickname-input').fill('上海-教育-周舟');
    await other.getByTestId('nickname-save').click();
    await other.getByTestId('open-chat').click();
    await other.getByTestId('chat-text').filter({ hasText: '大家好，我是新来的' }).waitFor();
    await other.getByTestId('chat-bubble').filter({ hasText: '大家好，我是新来的' }).click();
    await other.getByRole('menuitem', { name: '回复' }).click();
    await other.getByTestId('replying').waitFor();
    await other.getByTestId('emoji').click();
    await other.getByRole('button', { name: '👏' }).click();
    await other.getByTestId('chat-input').pressSequentially(' 欢迎欢迎');
    await other.getByTestId('chat-send').click();
    const reply = page.getByTestId('chat-item').filter({ hasText: '欢迎欢迎' });
    await reply.waitFor();
    expect(await reply.locator('.quote').textContent()).toContain('大家好，我是新来的');
    expect(await reply.getByTestId('chat-author').textContent()).toBe('上海-教育-周舟');
    await page.getByTestId('chat-line').filter({ hasText: '0002' }).waitFor();
    await page.screenshot({ path: `${SHOTS}member-chat.png` });

    await page.getByTestId('open-members').click();
    await page.getByTestId('roster-item').nth(1).waitFor();
    await page.waitForTimeout(400); // the drawer's slide-in, for the screenshot only
    expect(await page.getByTestId('roster-item').allTextContents()).toEqual(['0001上海-设计-林晓', '0002上海-教育-周舟']);
    await page.screenshot({ path: `${SHOTS}member-roster.png` });
    await page.keyboard.press('Escape');

    // The share poster carries the member's own referral code.
    await page.getByTestId('open-more').click();
    await page.getByTestId('open-poster').click();
    await page.getByTestId('poster-image').waitFor();
    const ref = (await t.api.get(`/api/v1/invites?targetType=group&targetId=${g.id}`)).body.items.find((i: any) => i.referrerMemberId === ms[0].memberId);
    expect(ref).toBeTruthy();
    await page.waitForTimeout(400); // the modal's zoom-in, for the screenshot only
    await page.screenshot({ path: `${SHOTS}member-poster.png` });
    // The refused nickname (a 400) is the browser's only log line.
    expect(takeErrors([/status of 400/, /^response: 400 PUT \/api\/v1\/me\/groups\/[\w-]+\/nickname$/])).toEqual([]);
  });

  it('lets an applicant in when the team approves, and the waiting page opens the chat by itself', async () => {
    const { g, code } = await groupWithInvite({ 'joining.entry': { mode: 'application', questions: ['你平时跑多少公里？'] } }, { name: '马拉松备赛群' });
    const page = await phone();
    await page.goto(`${t.url}/m/join/${code}`);
    await page.getByTestId('join-name').fill('陈跑跑');
    await page.getByTestId('join-submit').click();
    await page.getByText('请回答这个问题').waitFor();
    await page.getByTestId('join-answer-0').fill('每周 30 公里');
    await page.getByTestId('join-submit').click();
    await page.getByTestId('join-pending').waitFor();
    const pending = (await t.api.get(`/api/v1/groups/${g.id}/join-requests?status=pending`)).body.items;
    expect(pending).toMatchObject([{ applicant: { name: '陈跑跑', answers: [{ question: '你平时跑多少公里？', answer: '每周 30 公里' }] } }]);
    // The operator sees the request with its answer in the console's queue and approves it there.
    const operator = await consoleOn('马拉松备赛群', 'group-tab-requests');
    await operator.getByTestId('join-requests').getByText('每周 30 公里').waitFor();
    await operator.getByTestId(`approve-${pending[0].id}`).click();
    await expect.poll(async () => (await t.api.get(`/api/v1/groups/${g.id}/join-requests?status=pending`)).body.items.length).toBe(0);
    await page.getByTestId('chat').waitFor({ timeout: 15_000 });
    expect(await page.getByTestId('chat-title').textContent()).toContain('马拉松备赛群');
    // 退群: the member leaves; the team sees the membership end.
    await page.getByTestId('open-more').click();
    await page.getByTestId('leave-group').click();
    await page.getByTestId('leave-confirm').click();
    await page.getByText('还没有加入任何群').waitFor();
    expect((await t.api.get(`/api/v1/groups/${g.id}/memberships?includeLeft=true`)).body.items[0].leftAt).toEqual(expect.any(String));
    // The 401s of GET /me while the request waited are the browser's own log lines.
    expect(takeErrors([/status of 401/, /^response: 401 GET \/api\/v1\/me$/])).toEqual([]);
  });

  it("sends the next person to the next group of the set when an invite's group is full (活码)", async () => {
    const set = await makeGroupSet(t.api, { name: '新手跑团', communityId: community.id });
    const g1 = await makeGroup(t.api, community.id, { name: '新手跑团 1 群', groupSetId: set.id, capacity: 1, platform: 'builtin' });
    const g2 = await makeGroup(t.api, community.id, { name: '新手跑团 2 群', groupSetId: set.id, capacity: 5, platform: 'builtin' });
    const inv = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g1.id });
    const first = await phone();
    await joinThrough(first, inv.body.code, '第一人');
    await first.getByTestId('open-chat').click();
    expect(await first.getByTestId('chat-title').textContent()).toContain('新手跑团 1 群');
    const second = await phone();
    await second.goto(`${t.url}/m/join/${inv.body.code}`);
    expect(await second.getByTestId('join-group-name').textContent()).toBe('新手跑团 2 群');
    await joinThrough(second, inv.body.code, '第二人');
    await second.getByTestId('open-chat').click();
    expect(await second.getByTestId('chat-title').textContent()).toContain('新手跑团 2 群');
    expect((await t.api.get(`/api/v1/groups/${g2.id}/memberships`)).body.items).toMatchObject([{ number: 1 }]);
    expect(takeErrors()).toEqual([]);
  });

  it('shows every XSS payload as text, in names, nicknames, messages and image names, and runs none', async () => {
    const { g, code } = await groupWithInvite({ 'joining.ritual': { nicknamePattern: '{city}-{name}', consentRequired: false } });
    const writer = await phone();
    await joinThrough(writer, code, XSS[1]!);
    await writer.getByTestId('nickname-input').fill(`北京-${XSS[2]}`);
    await writer.getByTestId('nickname-save').click();
    await writer.getByTestId('open-chat').click();
    for (const p of XSS) {
      await writer.getByTestId('chat-input').fill(p);
      await writer.getByTestId('chat-send').click();
      await writer.getByTestId('chat-text').filter({ hasText: exactly(p) }).waitFor().catch(async (e) => {
        throw new Error(`${String(e).slice(0, 200)}\n${JSON.stringify(await writer.getByTestId('chat-text').allTextContents())}`);
      });
    }
    const reader = await phone();
    await joinThrough(reader, code, '读者');
    await reader.getByTestId('nickname-input').fill('北京-读者');
    await reader.getByTestId('nickname-save').click();
    await reader.getByTestId('open-chat').click();
    for (const p of XSS) await reader.getByTestId('chat-text').filter({ hasText: exactly(p) }).waitFor();
    expect(await reader.getByTestId('chat-author').allTextContents()).toContain(`北京-${XSS[2]}`);
    await reader.getByTestId('open-members').click();
    await reader.getByTestId('roster-item').first().waitFor();
    for (const page of [writer, reader]) {
      expect(await page.evaluate('window.__xss')).toBeUndefined();
      expect(await page.locator('script:not([src]), iframe, [onerror], [onload]').count()).toBe(0);
    }
    // An http(s) link becomes a link that opens elsewhere; a javascript: one never does.
    await writer.getByTestId('chat-input').fill('报名表 https://example.com/form?a=1 填好后回复');
    await writer.getByTestId('chat-send').click();
    const link = reader.getByTestId('chat-link').filter({ hasText: 'https://example.com/form?a=1' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('https://example.com/form?a=1');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer nofollow ugc');
    expect(await reader.locator('a[href^="javascript:"]').count()).toBe(0);
    expect((await t.api.get(`/api/v1/groups/${g.id}/chat?limit=50`)).body.items.filter((i: any) => i.kind === 'message' && i.memberId).map((i: any) => i.text).reverse()).toEqual([...XSS, '报名表 https://example.com/form?a=1 填好后回复']);
    expect(takeErrors()).toEqual([]);
  });

  it('posts a file and a voice from the composer: a card with name, size and download, and a player', async () => {
    const { g, code } = await groupWithInvite({});
    const writer = await phone();
    await joinThrough(writer, code, '讲师林');
    await writer.getByTestId('open-chat').click();
    await writer.getByTestId('chat-input').waitFor();
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(300 * 1024, 0x41), Buffer.from('\n%%EOF\n')]);
    const voice = Buffer.concat([Buffer.from('OggS'), Buffer.alloc(24), Buffer.from('OpusHead'), Buffer.alloc(2000, 3)]);
    // The file picker takes any file; the server reads what it is from the bytes (the browser's type is not trusted).
    await writer.getByTestId('file-input').setInputFiles({ name: '第一周训练计划.pdf', mimeType: 'text/html', buffer: pdf });
    const card = writer.getByTestId('chat-file').filter({ hasText: '第一周训练计划.pdf' });
    await card.waitFor();
    expect(await card.textContent()).toContain('300 KB');
    await writer.getByTestId('file-input').setInputFiles({ name: `${XSS[1]}.ogg`, mimeType: 'audio/ogg', buffer: voice });
    await writer.getByTestId('chat-audio').first().waitFor();

    const reader = await phone();
    await joinThrough(reader, code, '跑友周');
    await reader.getByTestId('open-chat').click();
    const seen = reader.getByTestId('chat-file').filter({ hasText: '第一周训练计划.pdf' });
    await seen.waitFor();
    const href = await seen.getAttribute('href');
    expect(await seen.getAttribute('download')).toBe('第一周训练计划.pdf');
    const got = await reader.request.get(`${t.url}${href}`);
    expect(got.status()).toBe(200);
    expect(got.headers()['content-type']).toBe('application/pdf');
    expect(got.headers()['content-disposition']).toMatch(/^attachment;/);
    expect((await got.body()).equals(pdf)).toBe(true);
    const audio = reader.getByTestId('chat-audio').locator('audio');
    await audio.waitFor();
    expect(await audio.getAttribute('controls')).not.toBeNull();
    const items = (await t.api.get(`/api/v1/groups/${g.id}/chat?limit=10`)).body.items.filter((i: any) => i.file);
    expect(items.map((i: any) => i.file.kind).reverse()).toEqual(['file', 'voice']);
    expect(await reader.evaluate('window.__xss')).toBeUndefined();
    await reader.waitForTimeout(300); // the last bubble's fade-in, for the screenshot only
    await reader.screenshot({ path: `${SHOTS}member-file.png` });
    expect(takeErrors()).toEqual([]);
  });
});
