// Live relays in the member web app on a phone-sized screen (Debian's Chromium driven by playwright-core)
// against the real server: a listener in a target group opens 直播回放, reads the replay of a session
// (the host's summary, a corrected message, the speaker's image, a reply quoting what it answers, a
// group's question with its answer); then a group owner with no member session opens the recruitment
// page of a coming session, forgets a field, is told the server's reason for another, and applies.
//
// Runs in the sqlite project only (the browser does not care about the SQL dialect).
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestServer, type Client, type TestServer } from './helpers/server.ts';
import { CHROMIUM, CHROMIUM_ARGS, SHOTS, browserTestsRun, recordPageErrors } from './helpers/browser.ts';
import { expectStatus, joinAsMember, makeCommunity, makeGroup, pngBytes } from './helpers/api.ts';

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };

describe.skipIf(!browserTestsRun)('live replays and the recruitment page in the member app (phone size)', { timeout: 120_000 }, () => {
  let t: TestServer;
  let browser: Browser;
  const errors: string[] = [];
  const contexts: BrowserContext[] = [];
  let community: any;
  let main: any;
  let target: any;
  let host: { client: Client; result: any };
  let speaker: { client: Client; result: any };
  let listener: { client: Client; cookie: string; result: any };
  let seq = 0;

  const say = async (c: Client, g: string, body: Record<string, unknown>) => {
    const r = await c.post(`/api/v1/me/groups/${g}/messages`, { clientId: `live-member-${++seq}`, ...body });
    expectStatus(r, 201);
    return r.body;
  };
  const tick = () => t.server.engine.tick();
  const takeErrors = (allowed: RegExp[] = []) => errors.splice(0, errors.length).filter((e) => !allowed.some((a) => a.test(e)));

  beforeAll(async () => {
    if (!existsSync(new URL('../web/dist/member/index.html', import.meta.url))) execSync('npm run build:web', { stdio: 'inherit' });
    // The engine runs when the test ticks it.
    t = await startTestServer({ SHEQUN_JOIN_LIMIT: '1000', SHEQUN_ENGINE_INTERVAL_MS: '60000' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    community = await makeCommunity(t.api, { name: '茶友会' });
    main = await makeGroup(t.api, community.id, { platform: 'builtin', name: '直播主群' });
    target = await makeGroup(t.api, community.id, { platform: 'builtin', name: '茶友会 · 收听 1 群' });
    const inviteOf = async (g: any) => {
      const r = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id });
      expectStatus(r, 201);
      return r.body.code as string;
    };
    host = await joinAsMember(t, await inviteOf(main), { name: '小李' });
    speaker = await joinAsMember(t, await inviteOf(main), { name: '王老师' });
    listener = await joinAsMember(t, await inviteOf(target), { name: '林晓' });
  }, 120_000);

  // Each test answers for the browser errors of its own pages.
  beforeEach(() => {
    errors.length = 0;
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  async function phone(cookie?: string): Promise<Page> {
    const context = await browser.newContext(PHONE);
    contexts.push(context);
    if (cookie) {
      const [name, value] = cookie.split('=') as [string, string];
      await context.addCookies([{ name, value, url: t.url }]);
    }
    const page = await context.newPage();
    page.setDefaultTimeout(8_000);
    recordPageErrors(page, errors);
    return page;
  }

  it('shows a listener the replay: the summary, the corrected text, the image, the quoted reply and the answered question', async () => {
    const created = await t.api.post('/api/v1/live-sessions', {
      communityId: community.id, title: '凤凰单丛冲泡课', description: '从干茶、水温到出汤，一次讲清楚凤凰单丛。', mainGroupId: main.id,
      host: { type: 'member', id: host.result.memberId }, speakers: [{ type: 'member', id: speaker.result.memberId }],
      targets: { groupIds: [target.id] }, settings: { reminders: [], notices: false },
    });
    expectStatus(created, 201);
    const session = created.body;
    expectStatus(await t.api.post(`/api/v1/live-sessions/${session.id}/start`), 200);

    await say(host.client, main.id, { text: '欢迎大家来到今晚的直播，有请王老师。' });
    const first = await say(speaker.client, main.id, { text: '大家好，今天讲凤凰单丛。' });
    const up = await speaker.client.request('POST', `/api/v1/me/groups/${main.id}/uploads?name=tea.png`, await pngBytes('单丛'), { 'content-type': 'image/png' });
    expectStatus(up, 201);
    await say(speaker.client, main.id, { imageId: up.body.id, text: '这是鸭屎香的干茶' });
    await say(speaker.client, main.id, { text: '水温要 100 度', replyTo: first.id });
    await tick();
    // A listener asks in the target group; the speaker's answer goes to every group.
    await say(listener.client, target.id, { text: '问：单丛要洗茶吗？' });
    await tick();
    const questions = (await t.api.get(`/api/v1/live-sessions/${session.id}/questions?status=open`)).body.items;
    expect(questions).toMatchObject([{ text: '单丛要洗茶吗？', asker: '林晓', groupName: '茶友会 · 收听 1 群' }]);
    expectStatus(await t.api.post(`/api/v1/live-sessions/${session.id}/questions/${questions[0].id}/answer`, { answer: '第一泡快速洗茶即可。' }), 200);
    await tick();
    expectStatus(await t.api.post(`/api/v1/live-sessions/${session.id}/stop`), 200);
    await tick();

    const arch = (await t.api.get(`/api/v1/live-sessions/${session.id}/archive`)).body.items as any[];
    const reply = arch.find((m) => m.text === '水温要 100 度');
    expect(reply).toBeTruthy();
    expectStatus(await t.api.patch(`/api/v1/live-sessions/${session.id}/archive`, {
      summary: '本课讲了凤凰单丛的冲泡要点：沸水冲泡、第一泡快速洗茶、看干茶辨香型。', messages: [{ seq: reply.seq, text: '水温要 100 度（沸水）' }],
    }), 200);

    const page = await phone(listener.cookie);
    await page.goto(`${t.url}/m/`);
    await page.getByTestId('open-replays').click();
    await page.getByTestId('replays').waitFor();
    const card = page.getByTestId('replay-card').filter({ hasText: '凤凰单丛冲泡课' });
    await card.waitFor();
    expect(await card.textContent()).toContain('茶友会');
    expect(await card.textContent()).toContain('主讲：王老师');
    expect(await card.getByTestId('replay-card-summary').textContent()).toContain('本课讲了凤凰单丛的冲泡要点');
    await card.click();

    await page.getByTestId('replay').waitFor();
    expect(new URL(page.url()).pathname).toBe(`/m/replays/${session.id}`);
    expect(await page.getByTestId('replay-title').textContent()).toBe('凤凰单丛冲泡课');
    expect(await page.getByTestId('replay-summary').textContent()).toBe('本课讲了凤凰单丛的冲泡要点：沸水冲泡、第一泡快速洗茶、看干茶辨香型。');
    const texts = await page.getByTestId('replay-text').allTextContents();
    expect(texts).toEqual(['欢迎大家来到今晚的直播，有请王老师。', '大家好，今天讲凤凰单丛。', '这是鸭屎香的干茶', '水温要 100 度（沸水）', '第一泡快速洗茶即可。']);
    expect(texts).not.toContain('水温要 100 度');
    // Who said what: the host as 主持, the speaker as 主讲.
    const hostLine = page.getByTestId('replay-message').filter({ hasText: '欢迎大家来到今晚的直播' });
    expect(await hostLine.locator('.who').textContent()).toContain('主持小李');
    const speakerLine = page.getByTestId('replay-message').filter({ hasText: '大家好，今天讲凤凰单丛。' }).first();
    expect(await speakerLine.locator('.who').textContent()).toContain('主讲王老师');
    // The image, loaded with the member's own session.
    const img = page.getByTestId('replay-image');
    await img.scrollIntoViewIfNeeded();
    const src = (await img.getAttribute('src'))!;
    expect(src).toMatch(/^\/api\/v1\/uploads\/upl_/);
    // The image was uploaded in the main group; a listener of a target group must be able to read it.
    const served = await page.request.get(`${t.url}${src}`);
    expect(served.status(), `GET ${src} as the target group's member (the replay's image is the main group's upload)`).toBe(200);
    await expect.poll(() => img.evaluate((el) => (el as unknown as { complete: boolean; naturalWidth: number }).complete && (el as unknown as { naturalWidth: number }).naturalWidth)).toBe(64);
    // The reply quotes the message it answers; the answer shows the group's question above it.
    const replyLine = page.getByTestId('replay-message').filter({ hasText: '水温要 100 度（沸水）' });
    expect(await replyLine.getByTestId('replay-quote').textContent()).toBe('王老师：大家好，今天讲凤凰单丛。');
    const answer = page.getByTestId('replay-message').filter({ hasText: '第一泡快速洗茶即可。' });
    expect(await answer.getByTestId('replay-question').textContent()).toBe('「茶友会 · 收听 1 群」的 林晓 问：单丛要洗茶吗？');
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: `${SHOTS}member-replay.png`, fullPage: true });

    // The replay of a session the member's communities never had is not theirs.
    await page.goto(`${t.url}/m/replays/lss_nope`);
    await page.getByTestId('replay-missing').waitFor();
    expect(takeErrors([/response: 404 GET \/api\/v1\/me\/replays\/lss_nope/, /console: Failed to load resource: .*404/])).toEqual([]);
  });

  it('takes a group owner’s application on the public recruitment page, without a member session', async () => {
    const conn = `con_live_member`;
    const me = (await t.api.get('/api/v1/auth/me')).body;
    const rt = t.server.rt;
    // A connected Telegram bot (written directly: the test server reaches no Bot API), which the page names.
    await rt.db.kysely.insertInto('connections').values({
      id: conn, workspace_id: me.workspace.id, platform: 'telegram', name: '茶友会直播', account_id: conn, handle: 'tea_live_bot',
      credentials: rt.secrets().seal(JSON.stringify({ token: '100000:fixture-token-not-real' })), status: 'active', last_error: null, checked_at: null,
      created_by: 'test', created_at: Date.now(), updated_at: Date.now(),
    }).execute();
    const next = await t.api.post('/api/v1/live-sessions', {
      communityId: community.id, title: '岩茶品鉴夜', description: '武夷岩茶的“岩韵”怎么喝出来？\n带上你的群一起听。', scheduledAt: '2031-05-20T12:00:00.000Z', mainGroupId: main.id,
      host: { type: 'member', id: host.result.memberId }, speakers: [{ type: 'member', id: speaker.result.memberId }],
      targets: { groupIds: [target.id] }, settings: { reminders: [], autoStart: false, notices: false },
    });
    expectStatus(next, 201);

    const page = await phone();
    await page.goto(`${t.url}/m/live/${next.body.id}/apply`);
    await page.getByTestId('recruit-form').waitFor();
    expect(await page.getByTestId('recruit-title').textContent()).toBe('岩茶品鉴夜');
    expect(await page.getByTestId('recruit-schedule').textContent()).toContain('2031');
    expect(await page.getByTestId('recruit-schedule').textContent()).toContain('20:00');
    expect(await page.getByTestId('recruit-status').textContent()).toBe('即将开始');
    expect(await page.getByTestId('recruit-bot').allTextContents()).toEqual(['@tea_live_bot']);
    expect(await page.getByTestId('recruit-how').textContent()).toContain('管理员');

    // A field left empty: the form says so and nothing is sent.
    await page.getByTestId('recruit-group-name').fill('岩茶爱好者 TG 群');
    await page.getByTestId('recruit-group-ref').fill('https://t.me/yancha_fans');
    await page.getByTestId('recruit-contact').fill('@ben_tea');
    await page.getByTestId('recruit-submit').click();
    await page.getByText('请填写你的称呼').waitFor();
    expect((await t.api.get(`/api/v1/live-sessions/${next.body.id}/applications`)).body.items).toEqual([]);

    // The server's reason for a field shows under that field.
    await page.getByTestId('recruit-applicant').fill('Ben');
    await page.getByTestId('recruit-contact').fill('ab');
    await page.getByTestId('recruit-submit').click();
    const contactItem = page.locator('.ant-form-item').filter({ has: page.getByTestId('recruit-contact') });
    await contactItem.locator('.ant-form-item-explain-error').waitFor();
    expect(await contactItem.locator('.ant-form-item-explain-error').textContent()).toBe('联系方式至少 3 个字，如微信号、手机号或 Telegram 用户名');
    expect((await t.api.get(`/api/v1/live-sessions/${next.body.id}/applications`)).body.items).toEqual([]);
    expect(takeErrors([/response: 400 POST \/api\/v1\/public\/live-sessions\/[^/]+\/applications/, /console: Failed to load resource: .*400/])).toEqual([]);

    await page.getByTestId('recruit-contact').fill('微信 ben_tea_2024');
    await page.getByTestId('recruit-members').fill('120');
    await page.getByTestId('recruit-note').fill('群里都是武夷山茶友，晚上八点后都在。');
    await page.screenshot({ path: `${SHOTS}member-recruit.png`, fullPage: true });
    await page.getByTestId('recruit-submit').click();
    await page.getByTestId('recruit-done').waitFor();
    expect(await page.getByTestId('recruit-done').textContent()).toContain('已提交，运营审核后会联系你');

    const apps = (await t.api.get(`/api/v1/live-sessions/${next.body.id}/applications`)).body.items;
    expect(apps).toMatchObject([{
      platform: 'telegram', groupName: '岩茶爱好者 TG 群', groupRef: 'https://t.me/yancha_fans', applicant: 'Ben', contact: '微信 ben_tea_2024', members: 120,
      note: '群里都是武夷山茶友，晚上八点后都在。', status: 'pending',
    }]);
    expect(takeErrors()).toEqual([]);
  });
});
