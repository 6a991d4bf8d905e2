// 评估精进 › 声量, 同城会, 预警 and 报告, and the drill-down from a figure to its members, in a real browser
// (Debian's Chromium driven by playwright-core) against the real server, on the demo workspace (2,000
// members, seed 1, six months of activity ending now). The engine reads the demo's messages for voice
// (ticked until it has read them all); alerts and last week's reports are evaluated and written through
// the services. Voice shows the API's shares, topics, rising keywords and spikes; the meetup planner the
// API's cities and a city's invitees (as CSV too); the alerts tab the API's alerts, counted on the tab, and a
// webhook added shows its secret once; a weekly-actives bar opens the members the API lists; the report
// shows the API's summary and prints without the console around it. Not one unexpected browser error.
//
// Runs in the sqlite project only (the browser does not care about the SQL dialect).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { generateDemo } from '../src/demo/index.ts';
import { evaluateAlerts } from '../src/modules/alerts/index.ts';
import { writeWeeklyReports } from '../src/modules/analytics/index.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { systemCtx } from './helpers/clock.ts';
import { SHOTS, browserTestsRun, signedInConsole } from './helpers/browser.ts';

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 15_000 });
const int = (n: number) => Math.round(n).toLocaleString('zh-CN');
const pct = (r: number) => `${(r * 100).toLocaleString('zh-CN', { maximumFractionDigits: 1 })}%`;

describe.skipIf(!browserTestsRun)('voice, meetups, alerts, report and drill-down in the console (Chromium)', { timeout: 150_000 }, () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let takeErrors: () => string[];

  const text = (testId: string) => page.getByTestId(testId).first().textContent();
  const query = () => Object.fromEntries(new URL(page.url()).searchParams);
  async function still() {
    await page.mouse.move(0, 0);
    await page.locator('.ant-message-notice').first().waitFor({ state: 'detached', timeout: 6000 }).catch(() => {});
    await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { blur?(): void } | null } }).document.activeElement?.blur?.());
    await page.waitForTimeout(1200);
  }
  async function openTab(key: string) {
    await page.getByTestId(`evaluate-tab-${key}`).click();
    await poll(() => query().tab).toBe(key === 'overview' ? undefined : key);
  }

  beforeAll(async () => {
    t = await startTestServer();
    await generateDemo(t.server.rt, { members: 2000, seed: 1 });
    // Voice is read by the engine behind a checkpoint, a batch per tick: tick until it has read everything.
    let last = -1;
    for (let i = 0; i < 200; i++) {
      await t.server.engine.tick();
      const n = (await t.api.get('/api/v1/analytics/voice')).body.messages;
      if (n === last && n > 0) break;
      last = n;
    }
    const ws = (await t.api.get('/api/v1/auth/me')).body.workspace.id;
    await evaluateAlerts(systemCtx(t, ws));
    await writeWeeklyReports(systemCtx(t, ws));
    ({ browser, page, takeErrors } = await signedInConsole(t));
    await page.getByRole('menuitem', { name: '评估精进' }).click();
    await page.getByTestId('evaluate-dashboard').waitFor();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('shows the workspace’s voice as the API reads it: shares, topics, rising keywords and spikes', async () => {
    const v = (await t.api.get('/api/v1/analytics/voice')).body;
    expect(v.messages).toBeGreaterThan(0);
    await openTab('voice');
    await poll(() => text('kpi-voice-messages-value')).toBe(int(v.messages));
    expect(await text('kpi-voice-positive-value')).toBe(pct(v.positiveShare));
    expect(await text('kpi-voice-negative-value')).toBe(pct(v.negativeShare));
    expect(await text('voice-positive-count')).toBe(int(v.days.reduce((n: number, d: any) => n + d.positive, 0)));
    expect(await text('voice-negative-count')).toBe(int(v.days.reduce((n: number, d: any) => n + d.negative, 0)));
    // The demo's members answer each other: about one message in five quotes another member's.
    expect(v.replies).toBeGreaterThan(0);
    expect(await text('kpi-voice-replies-value')).toBe(int(v.replies));
    expect(await text('voice-reply-share')).toBe(pct(v.replyShare));
    await page.getByTestId('voice-daily-chart').locator('canvas').first().waitFor();
    expect(await page.getByTestId('voice-topic-term').allTextContents()).toEqual(v.topics.map((x: any) => x.term));
    expect(await page.getByTestId('voice-topic-mentions').allTextContents()).toEqual(v.topics.map((x: any) => int(x.mentions)));
    expect(await page.getByTestId('voice-rising-term').evaluateAll((els) => els.map((e) => e.getAttribute('data-term')))).toEqual(v.rising.map((x: any) => x.term));
    expect(await page.getByTestId('voice-spike').count()).toBe(v.spikes.length);
    if (v.spikes.length) {
      const first = page.locator(`[data-testid="voice-spike"][data-date="${v.spikes[0].date}"]`);
      expect(await first.getByTestId('voice-spike-message').count()).toBe(v.spikes[0].messages.length);
      expect(await first.getByTestId('voice-spike-message').first().textContent()).toContain(v.spikes[0].messages[0].text);
    } else {
      await page.getByTestId('voice-no-spikes').waitFor();
    }
    await still();
    await page.screenshot({ path: `${SHOTS}console-evaluate-voice.png`, fullPage: true });
    expect(takeErrors()).toEqual([]);
  });

  it('lists the API’s meetup cities, and a city’s invitees, exported as CSV', async () => {
    const m = (await t.api.get('/api/v1/analytics/meetups')).body;
    const cities = m.cities.filter((c: any) => c.city !== '');
    expect(cities.length).toBeGreaterThan(1);
    await openTab('meetups');
    await poll(() => page.getByTestId('meetups-city-name').allTextContents()).toEqual(cities.slice(0, 10).map((c: any) => c.city));
    expect(await page.getByTestId('meetups-city-active').allTextContents()).toEqual(cities.slice(0, 10).map((c: any) => int(c.active)));
    await page.getByTestId('meetups-cities-chart').locator('canvas').first().waitFor();
    expect(await text('meetups-city-picked')).toContain(m.city);
    await poll(() => page.getByTestId('meetups-invitee').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual(m.invitees.map((i: any) => i.id));

    // Another city: its invitees, in the address, as the API lists them.
    const other = cities[1];
    const o = (await t.api.get(`/api/v1/analytics/meetups?city=${encodeURIComponent(other.city)}`)).body;
    expect(o.invitees.length).toBeGreaterThan(0);
    await page.locator(`[data-testid="meetups-city"][data-city="${other.city}"]`).click();
    await poll(() => query().city).toBe(other.city);
    await poll(() => page.getByTestId('meetups-invitee').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual(o.invitees.map((i: any) => i.id));
    expect(await page.getByTestId('meetups-invitee').getByTestId('member-link').first().getAttribute('href')).toBe(`/members?member=${o.invitees[0].id}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('meetups-export').click()]);
    expect(download.suggestedFilename()).toBe(`meetup-invitees-${other.city}.csv`);
    const lines = readFileSync((await download.path())!, 'utf8').slice(1).trim().split('\r\n');
    expect(lines).toHaveLength(o.invitees.length + 1);
    expect(lines[1]!.split(',').slice(0, 2)).toEqual([o.invitees[0].id, o.invitees[0].displayName]);
    await still();
    await page.screenshot({ path: `${SHOTS}console-evaluate-meetups.png`, fullPage: true });
    expect(takeErrors()).toEqual([]);
  });

  it('lists the API’s alerts, counted on the tab; one is acknowledged; a webhook added shows its secret once', async () => {
    const open = (await t.api.get('/api/v1/alerts')).body.items;
    const all = (await t.api.get('/api/v1/alerts?status=all')).body.items;
    if (open.length) await poll(() => page.getByTestId('evaluate-alerts-badge').getAttribute('data-value')).toBe(String(open.length));
    await openTab('alerts');
    const ids = () => page.getByTestId('alert-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    await poll(ids).toEqual(open.slice(0, 20).map((a: any) => a.id));
    expect(await page.getByTestId('alert-title').allTextContents()).toEqual(open.slice(0, 20).map((a: any) => a.title));
    const kindLabel: Record<string, string> = { group_quiet: '群变冷', group_near_capacity: '群快满', spam_surge: '违规激增', negative_voice: '负面声量', plan_behind: '计划落后' };
    expect(await page.getByTestId('alert-kind').allTextContents()).toEqual(open.slice(0, 20).map((a: any) => kindLabel[a.kind]));
    await page.getByTestId('alerts-status').getByText('全部').click();
    await poll(ids).toEqual(all.slice(0, 20).map((a: any) => a.id));
    await page.getByTestId('alerts-status').getByText('未解除').click();
    await poll(ids).toEqual(open.slice(0, 20).map((a: any) => a.id));
    if (open.length) {
      const row = page.locator(`[data-testid="alert-row"][data-id="${open[0].id}"]`);
      await row.getByTestId('alert-ack').click();
      await row.getByTestId('alert-acked').waitFor();
      expect((await t.api.get('/api/v1/alerts')).body.items.find((a: any) => a.id === open[0].id).acknowledgedBy).toBeTruthy();
    }
    await still();
    await page.screenshot({ path: `${SHOTS}console-evaluate-alerts.png`, fullPage: true });

    await page.getByTestId('hook-url').fill('https://hooks.example.com/shequn');
    await page.getByTestId('hook-add').click();
    const secret = page.getByTestId('hook-secret');
    await secret.waitFor();
    const shown = (await secret.textContent())!.trim();
    expect(shown).toMatch(/^[0-9a-f]{48}$/);
    await expect.poll(() => page.getByTestId('hook-secret-modal').textContent()).toContain('只显示这一次');
    const hooks = (await t.api.get('/api/v1/alert-hooks')).body.items;
    expect(hooks).toEqual([expect.objectContaining({ url: 'https://hooks.example.com/shequn' })]);
    expect(hooks[0].secret).toBeUndefined();
    await page.waitForTimeout(400);
    await page.screenshot({ path: `${SHOTS}console-evaluate-alerts-hook.png` });
    await page.getByTestId('hook-secret-done').click();
    await page.getByTestId('hook-secret').waitFor({ state: 'hidden' });
    await poll(() => page.getByTestId('hook-row-url').allTextContents()).toEqual(['https://hooks.example.com/shequn']);
    // Shown once: nowhere on the page after the modal closes.
    await poll(async () => (await page.locator('body').textContent())!.includes(shown)).toBe(false);
    expect(takeErrors()).toEqual([]);
  });

  it('opens the members behind a weekly-actives bar, as the API lists them, a page at a time', async () => {
    await openTab('overview');
    const o = (await t.api.get('/api/v1/analytics/overview')).body;
    // The busiest full week of the range.
    const weeks = o.weeks as { week: string; period: string; active: number }[];
    const i = weeks.reduce((best, w, k) => (w.active > weeks[best]!.active ? k : best), 0);
    const week = weeks[i]!;
    expect(week.active).toBeGreaterThan(0);
    const canvas = page.getByTestId('evaluate-actives-chart').locator('canvas').first();
    await canvas.waitFor();
    await page.waitForTimeout(800);
    const box = (await canvas.boundingBox())!;
    // The weeks' grid: 48px from the left to 60% of the width; a column per week.
    const left = 48;
    const right = box.width * 0.6;
    await canvas.click({ position: { x: left + ((i + 0.5) * (right - left)) / weeks.length, y: 200 } });
    await page.getByTestId('drill-drawer').waitFor();
    expect(takeErrors()).toEqual([]);
    await poll(() => text('drill-title')).toBe(`${week.week} 起一周的活跃成员`);
    const first = (await t.api.get(`/api/v1/analytics/members?period=${week.period}&limit=100`)).body;
    const rowIds = () => page.getByTestId('drill-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    await poll(rowIds).toEqual(first.items.map((m: any) => m.id));
    await still();
    await page.screenshot({ path: `${SHOTS}console-evaluate-drill.png` });
    if (first.nextCursor) {
      const second = (await t.api.get(`/api/v1/analytics/members?period=${week.period}&limit=100&cursor=${first.nextCursor}`)).body;
      await page.getByTestId('drill-more').click();
      await poll(rowIds).toEqual([...first.items, ...second.items].map((m: any) => m.id));
    }
    expect(await page.getByTestId('drill-row').first().getByTestId('member-link').getAttribute('href')).toBe(`/members?member=${first.items[0].id}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('drill-export').click()]);
    expect(download.suggestedFilename()).toBe(`members-week-${week.week}.csv`);
    expect(takeErrors()).toEqual([]);

    // The member's profile: a link into 成员.
    await page.getByTestId('drill-row').first().getByTestId('member-link').click();
    await poll(() => new URL(page.url()).pathname).toBe('/members');
    await page.getByTestId('member-drawer').waitFor();
    await poll(() => page.locator('[data-testid="member-drawer"] .ant-drawer-title').textContent()).toBe(first.items[0].displayName);
    await page.goBack();
    await page.getByTestId('evaluate-dashboard').waitFor();
    expect(takeErrors()).toEqual([]);
  });

  it('shows the report with the API’s summary, and prints it without the console around it', async () => {
    await openTab('report');
    const r = (await t.api.get('/api/v1/analytics/report')).body;
    expect(r.summary.length).toBeGreaterThan(0);
    await poll(() => page.getByTestId('report-summary-line').allTextContents()).toEqual(r.summary);
    expect(await text('report-range')).toBe(`${r.range.from} 至 ${r.range.to}，对比上期 ${r.previous.from} 至 ${r.previous.to}（${r.range.timezone}）`);
    expect(await page.locator('[data-testid="report-kpi"][data-key="messages"]').getByTestId('report-kpi-now').textContent()).toBe(int(r.overview.activity.messages));
    expect(await page.getByTestId('report-best-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual(r.groups.best.map((g: any) => g.groupId));
    await page.getByTestId('report-page').getByTestId('evaluate-daily-chart').locator('canvas').first().waitFor();
    expect(await page.getByTestId('report-xlsx').getAttribute('href')).toBe('/api/v1/analytics/report.xlsx');
    const kept = (await t.api.get('/api/v1/analytics/reports')).body.items;
    await poll(() => page.getByTestId('report-kept-item').count()).toBe(kept.length);
    await still();
    await page.screenshot({ path: `${SHOTS}console-evaluate-report.png`, fullPage: true });

    // Printed: the sidebar, the header, the tabs and the buttons are gone; A4's width.
    await page.emulateMedia({ media: 'print' });
    await page.setViewportSize({ width: 794, height: 1123 });
    await poll(() => page.locator('.ant-layout-sider').isVisible()).toBe(false);
    expect(await page.getByTestId('report-print').isVisible()).toBe(false);
    expect(await page.getByTestId('evaluate-toolbar').isVisible()).toBe(false);
    expect(await page.getByTestId('report-summary').isVisible()).toBe(true);
    await page.waitForTimeout(1200);
    // The first A4 page as printed (794 × 1123 CSS pixels); nothing wider than the page.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(794);
    await page.screenshot({ path: `${SHOTS}console-evaluate-report-print.png` });
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1440, height: 900 });

    // A kept weekly report opens from the list.
    if (kept.length) {
      const k = (await t.api.get(`/api/v1/analytics/reports/${kept[0].week}`)).body;
      await page.locator(`[data-testid="report-kept-item"][data-week="${kept[0].week}"] a`).click();
      await poll(() => query().week).toBe(kept[0].week);
      await poll(() => page.getByTestId('report-summary-line').allTextContents()).toEqual(k.summary);
      expect(await page.getByTestId('report-xlsx').getAttribute('href')).toBe(`/api/v1/analytics/reports/${kept[0].week}/xlsx`);
    }
    expect(takeErrors()).toEqual([]);
  });

  it('says whether a community is ready to replicate, what is missing, and its family, as the API says', async () => {
    await page.goto(`${t.url}/evaluate?tab=replication`);
    // The workspace has no readiness of its own: a community is asked for.
    await page.getByTestId('replication-pick').waitFor();
    const communities = (await t.api.get('/api/v1/communities')).body.items;
    const parent = communities.find((c: any) => communities.some((k: any) => k.parentId === c.id)) ?? communities[0];
    const r = (await t.api.get(`/api/v1/analytics/replication?communityId=${parent.id}`)).body;
    await page.goto(`${t.url}/evaluate?tab=replication&community=${parent.id}`);
    await page.getByTestId('replication-verdict').waitFor();
    expect(await page.getByTestId('replication-verdict').getAttribute('data-ready')).toBe(String(r.ready));
    expect(await page.getByTestId('replication-reason').allTextContents()).toEqual(r.reasons);
    expect(await page.getByTestId('replication-check').evaluateAll((els) => els.map((e) => e.getAttribute('data-ready'))))
      .toEqual([r.coreGroup.ready, r.selfOrganisation.ready, r.subculture.ready].map(String));
    expect(await text('replication-member-share')).toBe(pct(r.selfOrganisation.memberShare));
    expect(r.selfOrganisation.messages).toBeGreaterThan(0);
    expect(await page.getByTestId('replication-term').evaluateAll((els) => els.map((e) => e.getAttribute('data-term')))).toEqual(r.subculture.terms.map((x: any) => x.term));
    expect(await page.getByTestId('replication-family').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual(r.lineage.map((c: any) => c.id));
    expect(r.lineage.length).toBeGreaterThan(1);
    expect(await page.getByTestId('replication-family-mau').allTextContents()).toEqual(r.lineage.map((c: any) => int(c.monthlyActive)));
    await still();
    await page.screenshot({ path: `${SHOTS}console-evaluate-replication.png`, fullPage: true });
    // The demo's training camp has its core group: ready, the group listed.
    const camp = communities.find((c: any) => c.name === 'PPT高手训练营');
    const rc = (await t.api.get(`/api/v1/analytics/replication?communityId=${camp.id}`)).body;
    expect(rc.ready).toBe(true);
    await page.goto(`${t.url}/evaluate?tab=replication&community=${camp.id}`);
    await poll(() => page.getByTestId('replication-verdict').getAttribute('data-ready')).toBe('true');
    expect(await page.getByTestId('replication-reason').count()).toBe(0);
    expect(await page.getByTestId('replication-core-group').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')))).toEqual(rc.coreGroup.groups.map((g: any) => g.groupId));
    expect(rc.coreGroup.groups.length).toBeGreaterThan(0);
    expect(takeErrors()).toEqual([]);
  });

  it("reports a phase picked from the list: the phase's dates, its targets beside the outcome and its budget, as the API says", async () => {
    await page.goto(`${t.url}/evaluate?tab=report`);
    await page.getByTestId('report-page').waitFor();
    const phases = (await t.api.get('/api/v1/phases')).body.items;
    const ph = phases.find((p: any) => p.name === '618茶友节·促销期');
    expect(ph).toBeTruthy();
    const r = (await t.api.get(`/api/v1/analytics/report?phaseId=${ph.id}`)).body;
    await page.getByTestId('report-phase').click();
    await page.locator('.ant-select-dropdown:visible').getByText(`${ph.name}（${ph.startsOn} – ${ph.endsOn}）`).click();
    await poll(() => query().phase).toBe(ph.id);
    await poll(() => page.getByTestId('report-summary-line').allTextContents()).toEqual(r.summary);
    expect(r.summary[0]).toContain('阶段「618茶友节·促销期」');
    expect(await text('report-title')).toContain('618茶友节·促销期 阶段报告');
    expect(await text('report-range')).toContain(`${ph.startsOn} 至 ${r.range.to}`);
    const yuan = (c: number) => `¥${(c / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    for (const m of r.phase.measures) {
      const show = (v: number | null) => (v === null ? '—' : m.key === 'salesCents' ? yuan(v) : m.key === 'clickRate' ? pct(v) : int(v));
      expect(await page.locator(`[data-testid="report-phase-measure"][data-key="${m.key}"]`).getByTestId('report-phase-actual').textContent()).toBe(show(m.actual));
    }
    expect(r.phase.measures.find((m: any) => m.key === 'fans').actual).toBeGreaterThan(0);
    expect(await text('report-phase-budget')).toContain(`预算 ${yuan(r.phase.budgetCents)}`);
    expect(await page.getByTestId('report-xlsx').getAttribute('href')).toBe(`/api/v1/analytics/report.xlsx?phaseId=${ph.id}`);
    await still();
    await page.screenshot({ path: `${SHOTS}console-evaluate-report-phase.png`, fullPage: true });
    // Cleared: the range's report again.
    await page.getByTestId('report-phase').hover();
    await page.getByTestId('report-phase').locator('.ant-select-clear').click();
    await poll(() => query().phase).toBeUndefined();
    await poll(() => page.getByTestId('report-phase-measures').count()).toBe(0);
    expect(takeErrors()).toEqual([]);
  });
  it('sets costs beside what they brought (投入产出): the API\'s phases and group ages, a cost recorded in the form, a bad sheet named line by line', async () => {
    const yuan = (c: number) => `¥${(c / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
    const r = (await t.api.get('/api/v1/analytics/roi')).body;
    await openTab('roi');
    await poll(() => page.getByTestId('roi-band-row').count()).toBe(4);
    expect(await page.getByTestId('roi-band-groups').allTextContents()).toEqual(r.lifecycle.map((b: any) => int(b.groups)));
    expect(r.phases.length).toBeGreaterThan(0);
    await poll(() => page.getByTestId('roi-phase-spent').allTextContents()).toEqual(r.phases.map((p: any) => yuan(p.costCents)));
    expect(await text('kpi-roi-spent-value')).toBe(yuan(r.spentInRange.totalCents));

    // A campaign's cost, entered in the form: its row shows it, as the API now does.
    await page.getByTestId('roi-add-cost').click();
    await page.getByTestId('cost-form').waitFor();
    await page.getByTestId('cost-key').locator('input').fill('秋茶推广');
    await page.locator('input[data-testid=cost-amount], [data-testid=cost-amount] input').fill('1234.5');
    await page.getByTestId('cost-category').fill('朋友圈广告');
    await still();
    await page.screenshot({ path: `${SHOTS}console-evaluate-roi-form.png` });
    await page.getByTestId('cost-save').click();
    const row = page.getByTestId('roi-campaign-row').filter({ hasText: '秋茶推广' });
    await poll(() => row.getByTestId('roi-campaign-cost').textContent()).toBe('¥1,234.50');
    const after = (await t.api.get('/api/v1/analytics/roi')).body;
    expect(after.campaigns.find((c: any) => c.campaign === '秋茶推广')).toMatchObject({ costCents: 123_450, clicks: 0 });
    expect(await text('kpi-roi-spent-value')).toBe(yuan(r.spentInRange.totalCents + 123_450));

    // A sheet with a bad date and a bad amount: nothing recorded, each named by its line and column.
    await page.getByTestId('evaluate-roi').locator('input[type=file]').setInputFiles({
      name: '费用.csv', mimeType: 'text/csv', buffer: Buffer.from('日期,类型,名称,金额\n2026-13-01,推广,秋茶推广,100\n2026-11-02,推广,秋茶推广,一百\n'),
    });
    await poll(() => page.getByTestId('roi-import-error-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-field')))).toEqual(['费用.csv:2:日期', '费用.csv:3:金额']);
    expect((await t.api.get('/api/v1/costs?subjectKey=秋茶推广')).body.items).toHaveLength(1);
    await still();
    await page.screenshot({ path: `${SHOTS}console-evaluate-roi.png`, fullPage: true });
    // The refused sheet (a 400) is the browser's only complaint.
    expect(takeErrors().filter((e) => !/400/.test(e) || !/costs\/import|Failed to load resource/.test(e))).toEqual([]);
  });
  it('shows events and output as the API counts them (活动与输出), and a supporter recorded in the form', async () => {
    const o = (await t.api.get('/api/v1/analytics/output')).body;
    await openTab('output');
    await poll(() => text('kpi-output-events-value')).toBe(int(o.events));
    expect(o.events).toBeGreaterThan(0);
    expect(await text('kpi-output-wide-value')).toBe(int(o.communityWideEvents));
    expect(await text('kpi-output-supporters-value')).toBe(int(o.communityWideSupporters.total));
    expect(await text('kpi-output-ugc-value')).toBe(pct(o.content.ugcShare));
    expect(await text('output-ugc-n')).toBe(int(o.content.UGC));
    expect(await text('output-attendances')).toBe(int(o.attendances));

    const event = (await t.api.get('/api/v1/analytics/roi')).body.events[0];
    await page.getByTestId('output-add-supporter').click();
    await page.getByTestId('supporter-form').waitFor();
    await page.getByTestId('supporter-name-input').fill('一叶茶庄');
    await page.getByTestId('supporter-event').locator('input').fill(event.eventKey);
    await page.getByTestId('supporter-contribution').fill('茶叶 5 斤');
    await page.getByTestId('supporter-save').click();
    await poll(() => page.getByTestId('supporter-name').allTextContents()).toContain('一叶茶庄');
    expect((await t.api.get(`/api/v1/event-supporters?eventKey=${encodeURIComponent(event.eventKey)}`)).body.items).toMatchObject([{ name: '一叶茶庄', supporterType: 'firm', contribution: '茶叶 5 斤' }]);
    const after = (await t.api.get('/api/v1/analytics/output')).body;
    await poll(() => text('kpi-output-supporters-value')).toBe(int(after.communityWideSupporters.total));
    await still();
    await page.screenshot({ path: `${SHOTS}console-evaluate-output.png`, fullPage: true });
    expect(takeErrors()).toEqual([]);
  });
});
