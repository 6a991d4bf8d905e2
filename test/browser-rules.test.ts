// Group rules (群规) end to end in a real browser (Debian's Chromium driven by playwright-core) against the
// real server with its rules engine on a short interval: an operator sets a mute window and the ad rule
// (广告与刷屏治理) on a built-in group in the console's 运营 › 群规 page; a member who posts a link is warned
// by the group assistant, then muted (the member app shows it), and the operator undoes the mute from the
// rule-action log (群规执行记录), after which the member speaks again. A sharing session (定期分享) lifts an
// all-muted group's mute for its speaker while it runs; when it has ended the group is muted again and the
// speaker's summary task shows on their Me page (with the points earned) and in the console's task list,
// where the operator confirms it. The dry run lists exactly the members the proposed settings would act on.
// Not one unexpected error in either browser's console.
//
// Runs in the sqlite project only (the browser does not care about the SQL dialect).
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ADMIN, startTestServer, type TestServer } from './helpers/server.ts';
import { CHROMIUM, CHROMIUM_ARGS, SHOTS, hasChromium } from './helpers/browser.ts';
import { expectStatus, joinAsMember, makeCommunity, makeGroup, waitFor } from './helpers/api.ts';

const postgres = process.env.SHEQUN_TEST_DIALECT === 'postgres';
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' };
const MINUTE = 60_000;

/** HH:MM on the Shanghai clock (the rules' default zone) at `ms`. */
/** What the engine does takes a pass or two (100 ms each) and a round trip: wait longer than expect.poll's 1 s. */
const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 10_000 });

const shanghai = (ms: number) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ms);

const WEEKDAY: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };
const weekdayAt = (ms: number) => WEEKDAY[new Intl.DateTimeFormat('en-US', { timeZone: 'Asia/Shanghai', weekday: 'short' }).format(ms)]!;

/**
 * The days of a daily session starting at `startMs`, but for the day before, so that the test is about
 * today's session only (the server also skips steps due before a rule existed; the test makes its rule an
 * hour old, see below).
 */
function everyDayBut(startMs: number): { days: number[]; skip: number } {
  const skip = ((weekdayAt(startMs) + 5) % 7) + 1;
  return { days: [1, 2, 3, 4, 5, 6, 7].filter((d) => d !== skip), skip };
}

describe.skipIf(!hasChromium || postgres)('group rules in Chromium: console and member app', { timeout: 120_000 }, () => {
  let t: TestServer;
  let browser: Browser;
  let operator: Page;
  let community: any;
  const errors: string[] = [];
  let seq = 0;

  beforeAll(async () => {
    if (!existsSync(new URL('../web/dist/console/index.html', import.meta.url))) execSync('npm run build:web', { stdio: 'inherit' });
    t = await startTestServer({ SHEQUN_ENGINE_INTERVAL_MS: '100', SHEQUN_JOIN_LIMIT: '1000' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    community = await makeCommunity(t.api, { name: '西湖茶友会' });
    // The community's own entry ritual: each group's rules page shows it as inherited.
    expectStatus(await t.api.post('/api/v1/rules', {
      type: 'joining.ritual', targetType: 'community', targetId: community.id,
      settings: { rulesText: '只聊茶，不发广告；友善交流。', consentRequired: true },
    }), 201);

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', reducedMotion: 'reduce' });
    operator = await context.newPage();
    watch(operator, 'console');
    await operator.goto(`${t.url}/`);
    await operator.getByTestId('signin-email').fill(ADMIN.email);
    await operator.getByTestId('signin-password').fill(ADMIN.password);
    await operator.getByTestId('signin-submit').click();
    await operator.getByTestId('whoami').waitFor();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  function watch(page: Page, who: string) {
    page.setDefaultTimeout(10_000);
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${who} console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`${who} pageerror: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${who} response: ${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
    });
    page.on('dialog', (d) => {
      errors.push(`${who} dialog: ${d.message()}`);
      void d.dismiss();
    });
  }
  const takeErrors = (allowed: RegExp[] = []) => errors.splice(0, errors.length).filter((e) => !allowed.some((a) => a.test(e)));

  async function builtinGroup(name: string) {
    const g = await makeGroup(t.api, community.id, { platform: 'builtin', name });
    const inv = await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id });
    expectStatus(inv, 201);
    return { ...g, code: inv.body.code as string };
  }

  /** A member joined through the invite (the API, as a phone would), with that session in a phone-sized browser. */
  async function memberPhone(code: string, name: string) {
    const m = await joinAsMember(t, code, { name });
    const context: BrowserContext = await browser.newContext(PHONE);
    const [cname, value] = m.cookie.split('=') as [string, string];
    await context.addCookies([{ name: cname, value, url: t.url }]);
    const page = await context.newPage();
    watch(page, `member ${name}`);
    return { page, memberId: m.result.memberId as string, client: m.client };
  }

  const say = async (client: Awaited<ReturnType<typeof memberPhone>>['client'], groupId: string, text: string) => {
    const r = await client.post(`/api/v1/me/groups/${groupId}/messages`, { clientId: `rules-${++seq}-${Date.now()}`, text });
    expectStatus(r, 201);
  };

  async function post(page: Page, text: string) {
    await page.getByTestId('chat-input').fill(text);
    await page.getByTestId('chat-send').click();
    await page.getByTestId('chat-text').filter({ hasText: text }).waitFor();
  }

  /** The console's 运营 › 群规 page with a group picked in the target select. */
  async function rulesOf(groupName: string) {
    await operator.getByRole('menuitem', { name: '运营' }).click();
    await operator.getByTestId('operate-tab-rules').click();
    // Groups made through the API announce nothing live: load the lists afresh.
    await operator.reload();
    await operator.getByTestId('rules-kind-group').click();
    await operator.getByTestId('rules-target').click();
    await operator.keyboard.type(groupName);
    await operator.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: groupName }).first().click();
    await poll(() => operator.getByTestId('rules-chain').textContent()).toContain('西湖茶友会');
  }

  async function addRule(family: string, key: string) {
    await operator.getByTestId(`rules-add-${family}`).click();
    await operator.getByTestId(`rules-add-type-${key}`).click();
    await operator.getByTestId('rule-form').waitFor();
  }

  async function saveRule() {
    await operator.getByTestId('rule-save').click();
    await operator.getByTestId('rule-form').waitFor({ state: 'detached' });
  }

  /** A screenshot of the console once its toasts (规则已保存, 已撤销) have gone. */
  async function consoleShot(name: string) {
    await operator.locator('.ant-message-notice').first().waitFor({ state: 'detached' });
    await operator.screenshot({ path: `${SHOTS}${name}`, fullPage: true });
  }

  /** Every weekday ticked in the sharing editor, but `skip`. */
  async function pickDays(skip: number) {
    await field('sharing-days-all').click();
    await field(`sharing-day-${skip}`).click();
  }

  /** A field of the rule editor (the dry run below has fields with the same test ids). */
  const field = (testId: string) => operator.getByTestId('rule-form').getByTestId(testId);
  const rulesOfGroup = async (groupId: string) => (await t.api.get(`/api/v1/rules?targetType=group&targetId=${groupId}`)).body.items as any[];
  const line = (key: string) => operator.getByTestId(`rules-line-${key}`);

  it('warns, then mutes a member who posts links; the operator undoes the mute from the log and the member speaks again', async () => {
    const g = await builtinGroup('西湖龙井品鉴群');
    await rulesOf(g.name);
    // Inherited from the community, with its sentence.
    await poll(() => line('ritual').getAttribute('data-source')).toBe('community');
    expect(await operator.getByTestId('rules-line-ritual-from').textContent()).toBe('继承自社群「西湖茶友会」');

    // A nightly mute window that is not now, set in the console.
    const from = shanghai(Date.now() + 3 * 60 * MINUTE);
    const to = shanghai(Date.now() + 4 * 60 * MINUTE);
    await addRule('communication', 'mute');
    await field('mute-window-add').click();
    await field('mute-from-0').fill(from);
    await field('mute-to-0').fill(to);
    await saveRule();
    await poll(() => line('mute-preview').textContent().catch(() => null)).toBe(`禁言时段（Asia/Shanghai）：周一、二、三、四、五、六、日 ${from}–${to}`);

    // The ad rule: links, phone numbers and a keyword; warn, then mute for 30 minutes, then remove.
    await addRule('communication', 'moderation');
    await field('mod-keywords').locator('input').fill('代购');
    await operator.keyboard.press('Enter');
    await field('mod-mute-minutes').fill('30');
    await field('mod-warn-template').fill('@{nickname} 请注意：{reason}。这是第 {count} 次提醒。');
    expect(await field('mod-warn-preview').textContent()).toContain('这是第 1 次提醒');
    await saveRule();
    const rules = await waitFor(async () => {
      const rs = await rulesOfGroup(g.id);
      return rs.length === 2 ? rs : null;
    });
    const moderation = rules.find((r) => r.type === 'communication.moderation');
    expect(moderation.settings).toMatchObject({
      detect: { links: true, phoneNumbers: true, wechatIds: true, keywords: ['代购'], patterns: [], sameTextInGroups: 3 },
      steps: ['warn', 'mute', 'remove'], muteMinutes: 30, newMemberLinkHours: 24, flood: { messages: 8, seconds: 60 },
      warnTemplate: '@{nickname} 请注意：{reason}。这是第 {count} 次提醒。',
    });
    await poll(() => line('moderation-preview').textContent()).toBe(moderation.preview);
    expect(await line('moderation').getAttribute('data-source')).toBe('own');
    await consoleShot('console-rules.png');

    // A newcomer posts a shop link: the group assistant warns them in the chat.
    const m = await memberPhone(g.code, '周小茶');
    await m.page.goto(`${t.url}/m/g/${g.id}`);
    await m.page.getByTestId('chat').waitFor();
    await post(m.page, '新茶上市，加我看看 https://shop.example.com/longjing');
    const warning = m.page.getByTestId('chat-item').filter({ hasText: '请注意' });
    await warning.waitFor();
    expect(await warning.getByTestId('chat-author').textContent()).toBe('群助手');
    expect(await warning.getByTestId('chat-text').textContent()).toBe('@周小茶 请注意：入群 24 小时内不能发链接。这是第 1 次提醒。');

    // Again: muted for 30 minutes; the app shows the mute bar instead of the composer.
    await post(m.page, '真的很便宜 www.tea-deals.cn');
    await m.page.getByTestId('muted').waitFor();
    expect(await m.page.getByTestId('muted').textContent()).toContain('你已被管理者禁言');
    await m.page.getByTestId('chat-item').filter({ hasText: '已被禁言 30 分钟' }).waitFor();

    // The operator sees both in 群规执行记录, live, with the message behind each, and undoes the mute.
    await operator.getByTestId('operate-tab-log').click();
    const rows = operator.getByTestId('rule-log-table').getByTestId('rule-action');
    const muteRow = rows.and(operator.locator('[data-action="mute"]'));
    await muteRow.waitFor();
    await poll(() => muteRow.getAttribute('data-status')).toBe('done');
    const warnRow = rows.and(operator.locator('[data-action="warn"]'));
    expect(await warnRow.textContent()).toContain('原消息：新茶上市，加我看看 https://shop.example.com/longjing');
    expect(await warnRow.textContent()).toContain('广告与刷屏治理');
    expect(await muteRow.textContent()).toContain('周小茶');
    expect(await muteRow.textContent()).toContain('30 分钟');
    const muteId = (await muteRow.getAttribute('data-id'))!;
    await operator.getByTestId(`undo-${muteId}`).click();
    await operator.getByText('解除周小茶的禁言？').waitFor();
    await operator.getByTestId('undo-confirm').click();
    await poll(() => muteRow.getAttribute('data-status')).toBe('undone');
    // The undo's own action (unmute) appears and is carried out.
    const unmute = rows.and(operator.locator('[data-action="unmute"]'));
    await poll(() => unmute.getAttribute('data-status')).toBe('done');
    expect(await operator.getByTestId(`undo-${muteId}`).count()).toBe(0);
    const log = (await t.api.get(`/api/v1/rule-actions?groupId=${g.id}`)).body.items;
    expect(log.map((a: any) => [a.action, a.originType, a.status])).toEqual([['unmute', 'undo', 'done'], ['mute', 'rule', 'undone'], ['warn', 'rule', 'done']]);

    // The member's app learns of the unmute at once, and they speak again.
    await m.page.getByTestId('chat-input').waitFor();
    await post(m.page, '明白了，不发链接了，大家喝茶 🍵');
    expect(takeErrors()).toEqual([]);
  });

  it('lifts an all-muted group for a running sharing session; after it, the group is muted again and the summary task reaches the speaker and the console', async () => {
    const g = await builtinGroup('龙井分享群');
    expectStatus(await t.api.post('/api/v1/rules', { type: 'communication.mute_schedule', targetType: 'group', targetId: g.id, settings: { allMuted: true } }), 201);
    const speaker = await memberPhone(g.code, '陈茶师');
    const listener = await memberPhone(g.code, '林听雨');
    await speaker.page.goto(`${t.url}/m/g/${g.id}`);
    await speaker.page.getByTestId('muted').waitFor();

    // A session that started a minute ago, 30 minutes long, the speaker on the roster; every day but the
    // day before (see `everyDayBut`).
    const running = everyDayBut(Date.now() - MINUTE);
    await rulesOf(g.name);
    await addRule('sharing', 'sharing');
    await field('sharing-title').fill('周末茶话会');
    await pickDays(running.skip);
    await field('sharing-at').fill(shanghai(Date.now() - MINUTE));
    await field('sharing-duration').fill('30');
    await field('sharing-summary-hours').fill('24');
    await field('sharing-speakers-roster').click();
    await field('sharing-roster').click();
    await operator.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '陈茶师' }).first().click();
    await field('sharing-title').click(); // closes the member list
    await saveRule();
    const sharing = await waitFor(async () => (await rulesOfGroup(g.id)).find((r) => r.type === 'sharing.session'));
    // As if made an hour ago: a rule does not take steps that were due before it existed.
    await t.server.rt.db.kysely.updateTable('rules').set({ created_at: Date.now() - 60 * MINUTE }).where('id', '=', sharing.id).execute();
    expect(sharing.settings).toMatchObject({
      title: '周末茶话会', days: running.days, durationMinutes: 30, speakers: { mode: 'roster', memberIds: [speaker.memberId] }, liftMute: true, summaryDueHours: 24,
    });
    await poll(() => line('sharing-preview').textContent()).toBe(sharing.preview);

    // The session starts: the assistant says so and the speaker's composer comes back.
    await speaker.page.getByTestId('chat-item').filter({ hasText: '「周末茶话会」现在开始' }).waitFor();
    await speaker.page.getByTestId('chat-input').waitFor();
    await post(speaker.page, '今天聊聊明前龙井的采摘和炒制');
    await listener.page.goto(`${t.url}/m/g/${g.id}`);
    await listener.page.getByTestId('chat-text').filter({ hasText: '明前龙井' }).waitFor();

    // Now the rule says the session ended a minute ago (10 minutes long), with a summary due in 24 hours.
    await line('sharing-edit').click();
    await pickDays(everyDayBut(Date.now() - 11 * MINUTE).skip);
    await field('sharing-at').fill(shanghai(Date.now() - 11 * MINUTE));
    await field('sharing-duration').fill('10');
    await saveRule();
    await speaker.page.getByTestId('chat-item').filter({ hasText: '「周末茶话会」结束了' }).waitFor();
    await speaker.page.getByTestId('muted').waitFor();
    expect(await speaker.page.getByTestId('muted').textContent()).toContain('全员禁言');

    // The summary task: a banner in the chat leads to the Me page, with the points for speaking.
    await speaker.page.getByTestId('task-banner').click();
    await speaker.page.getByTestId('my-tasks').waitFor();
    const task = speaker.page.getByTestId('my-task').filter({ hasText: '经验总结：周末茶话会' });
    await task.waitFor();
    await poll(() => speaker.page.getByTestId('my-points-total').textContent()).toBe('20');
    expect(await speaker.page.getByTestId('my-points').textContent()).toContain('主讲「周末茶话会」');
    await speaker.page.screenshot({ path: `${SHOTS}member-tasks.png` });
    await task.getByRole('button').click();
    await poll(() => task.getAttribute('data-status')).toBe('done');
    expect(await task.getByTestId('my-task-status').textContent()).toBe('待确认');

    // The console's task list has it, marked done by the member; the operator confirms it.
    await operator.getByTestId('operate-tab-tasks').click();
    const row = operator.getByTestId('tasks-table').getByTestId('task-row').filter({ hasText: '经验总结：周末茶话会' });
    await row.waitFor();
    await poll(() => row.getAttribute('data-status')).toBe('done');
    expect(await row.getByTestId('task-assignee').textContent()).toBe('陈茶师');
    expect(await row.textContent()).toContain('龙井分享群');
    const taskId = (await row.getAttribute('data-id'))!;
    await operator.getByTestId(`task-confirm-${taskId}`).click();
    await poll(() => row.getAttribute('data-status')).toBe('confirmed');
    expect((await t.api.get(`/api/v1/tasks?memberId=${speaker.memberId}`)).body.items).toMatchObject([{ id: taskId, status: 'confirmed', originType: 'rule', originId: sharing.id }]);

    // 群规执行记录 now holds both stories: the sharing session's notices, and the warning, the undone mute
    // and its unmute from the first test.
    await operator.getByTestId('operate-tab-log').click();
    const log = operator.getByTestId('rule-log-table');
    await log.getByTestId('rule-action').filter({ hasText: '「周末茶话会」结束了' }).waitFor();
    await poll(async () => (await log.getByTestId('rule-action').all()).length).toBeGreaterThanOrEqual(6);
    expect(await log.locator('[data-action="mute"]').getAttribute('data-status')).toBe('undone');
    await consoleShot('console-rules-log.png');

    // The member's profile in the console: points and the task.
    await operator.getByRole('menuitem', { name: '成员' }).click();
    await operator.getByTestId('member-search').fill('陈茶师');
    await operator.getByTestId('member-search-submit').click();
    await operator.getByTestId('member-table').getByText('陈茶师', { exact: true }).click();
    await poll(() => operator.getByTestId('member-points').locator('.ant-statistic-content-value').textContent()).toBe('20');
    await operator.getByTestId('member-tasks').getByText('经验总结：周末茶话会').waitFor();
    await operator.locator('.ant-drawer-open .ant-drawer-close').first().click();
    expect(takeErrors()).toEqual([]);
  });

  it('dry-runs the ad rule over a group\'s last days: exactly the members it would act on, and nothing done', async () => {
    const g = await builtinGroup('茶器交流群');
    const link = await joinAsMember(t, g.code, { name: '发链接的' });
    const phone = await joinAsMember(t, g.code, { name: '留电话的' });
    const fine = await joinAsMember(t, g.code, { name: '好好聊天的' });
    const send = async (m: typeof link, text: string) => expectStatus(await m.client.post(`/api/v1/me/groups/${g.id}/messages`, { clientId: `dry-${++seq}-${Date.now()}`, text }), 201);
    await send(link, '紫砂壶团购 https://pots.example.com/buy');
    await send(phone, '有需要的打我电话 13812345678');
    await send(phone, '再说一次 138 1234 5678');
    await send(fine, '今天用盖碗泡了一泡老白茶，很香');

    await rulesOf(g.name);
    const dry = operator.getByTestId('dryrun');
    await dry.getByTestId('dryrun-run').click();
    await dry.getByTestId('dryrun-results').waitFor();
    expect(await dry.getByTestId('dryrun-count').textContent()).toBe('过去 7 天：2 位成员的 3 条消息会被处理');
    const members = await dry.getByTestId('dryrun-member').allTextContents();
    expect(members.map((x) => x.replace(/\s.*$/, '')).sort()).toEqual(['发链接的', '留电话的', '留电话的']);
    expect(await dry.getByTestId('dryrun-step').allTextContents()).toEqual(['警告', '警告', '禁言']);
    expect(await dry.getByTestId('dryrun-results').textContent()).toContain('不要在群里留手机号');

    // Without phone numbers in the proposed settings: only the link remains.
    await dry.getByTestId('dryrun-settings-toggle').click();
    await dry.getByTestId('mod-phones').click();
    await dry.getByTestId('dryrun-run').click();
    await poll(() => dry.getByTestId('dryrun-count').textContent()).toBe('过去 7 天：1 位成员的 1 条消息会被处理');
    expect(await dry.getByTestId('dryrun-member').allTextContents()).toEqual([expect.stringContaining('发链接的')]);
    // A dry run acts on nobody.
    expect((await t.api.get(`/api/v1/rule-actions?groupId=${g.id}`)).body.items).toEqual([]);
    expect(await rulesOfGroup(g.id)).toEqual([]);
    expect(takeErrors()).toEqual([]);
  });
});
