// 评估精进 › 概览 in a real browser (Debian's Chromium driven by playwright-core) against the real server, on
// the demo workspace (2,000 members, seed 1, six months of activity ending now). The dashboard opens on the
// last 30 days of the whole workspace: its KPI cards say what GET /analytics/overview says, its charts are
// drawn, the funnel's conversions and the health board's order are the API's. The preset 近90天 puts the
// range in the address and the figures follow (a reload keeps it). A click on a group in the health board
// drills in: the address, the title and every figure become the group's. Sorted by messages, the board
// exports as CSV in that order. Not one unexpected browser error.
//
// Runs in the sqlite project only (the browser does not care about the SQL dialect).
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { generateDemo } from '../src/demo/index.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { SHOTS, browserTestsRun, signedInConsole } from './helpers/browser.ts';

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 15_000 });
const int = (n: number) => n.toLocaleString('zh-CN');
const yuan = (cents: number) => `¥${(cents / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const signed = (n: number) => (n > 0 ? `+${int(n)}` : int(n));
const pct = (r: number) => `${(r * 100).toLocaleString('zh-CN', { maximumFractionDigits: 1 })}%`;
const addDays = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);

describe.skipIf(!browserTestsRun)('the evaluation dashboard in the console (Chromium)', { timeout: 120_000 }, () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let takeErrors: () => string[];
  let last30: any;
  let range90: { from: string; to: string };

  const text = (testId: string) => page.getByTestId(testId).first().textContent();
  const query = () => Object.fromEntries(new URL(page.url()).searchParams);
  /** The page as it stands: no hover, no focus ring, charts done animating. */
  async function still() {
    await page.mouse.move(0, 0);
    await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { blur?(): void } | null } }).document.activeElement?.blur?.());
    await page.waitForTimeout(1200);
  }
  /** The KPI cards against an overview from the API. */
  async function expectKpis(o: any) {
    expect(await text('kpi-people-value')).toBe(int(o.scale.people));
    expect(await text('kpi-seats-value')).toBe(int(o.scale.seats));
    expect(await text('kpi-duplicate-seats')).toBe(int(o.scale.duplicateSeats));
    expect(await text('kpi-growth-value')).toBe(signed(o.scale.netGrowth));
    expect(await text('kpi-joins')).toBe(int(o.scale.joins));
    expect(await text('kpi-leaves')).toBe(int(o.scale.leaves));
    expect(await text('kpi-wau')).toBe(int(o.activity.weeklyActive));
    expect(await text('kpi-mau')).toBe(int(o.activity.monthlyActive));
    expect(await text('kpi-active-rate')).toBe(pct(o.activity.activeMemberRate));
    expect(await text('kpi-messages')).toBe(int(o.activity.messages));
    expect(await text('kpi-activities')).toBe(int(o.activity.activities));
    expect(o.activity.concentration.speakers).toBeGreaterThan(0);
    expect(await text('kpi-top-share')).toBe(`${Math.round(o.activity.concentration.topShare * 100)}%`);
    expect(await text('kpi-revenue-value')).toBe(yuan(o.revenue.amountCents));
    expect(await text('kpi-revenue-per-member')).toBe(yuan(o.revenue.perMemberCents));
    expect(await text('kpi-purchases')).toBe(int(o.revenue.purchases));
  }
  const boardNames = () => page.getByTestId('board-row').getByTestId('board-drill').allTextContents();

  beforeAll(async () => {
    t = await startTestServer();
    await generateDemo(t.server.rt, { members: 2000, seed: 1 });
    ({ browser, page, takeErrors } = await signedInConsole(t));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('opens on the workspace’s last 30 days: the KPI cards, the funnel and the health board say what the API says', async () => {
    await page.getByRole('menuitem', { name: '评估精进' }).click();
    await page.getByTestId('evaluate-dashboard').waitFor();
    await poll(() => text('evaluate-scope-name')).toBe('全部社群');
    last30 = (await t.api.get('/api/v1/analytics/overview')).body;
    expect(last30.scale.people).toBe(2000);
    expect(last30.activity.messages).toBeGreaterThan(0);
    await poll(() => text('kpi-people-value')).toBe('2,000');
    await expectKpis(last30);
    expect(await text('evaluate-range-text')).toBe(`${last30.range.from} 至 ${last30.range.to}（${last30.range.timezone}）`);
    // No range of its own in the address: the server's default, shown in the picker.
    expect(query()).toEqual({});
    expect(await page.getByTestId('evaluate-range').locator('input').first().inputValue()).toBe(last30.range.from);
    expect(await page.getByTestId('evaluate-range').locator('input').last().inputValue()).toBe(last30.range.to);

    for (const chart of ['evaluate-daily-chart', 'evaluate-actives-chart', 'evaluate-heatmap-chart', 'evaluate-funnel-chart', 'evaluate-retention-chart']) {
      await page.getByTestId(chart).locator('canvas').first().waitFor();
    }
    const funnel = (await t.api.get('/api/v1/analytics/funnel')).body;
    await poll(() => page.getByTestId('funnel-row').count()).toBe(4);
    expect(await page.getByTestId('funnel-row').allTextContents()).toHaveLength(4);
    expect(await page.getByTestId('funnel-conversion').allTextContents()).toEqual(funnel.stages.map((s: any) => pct(s.conversionFromJoin)));
    expect(await page.getByTestId('funnel-cohort').allTextContents()).toEqual(funnel.stages.map((s: any) => int(s.fromJoinCohort)));

    const health = (await t.api.get('/api/v1/analytics/groups')).body;
    expect(health.items.length).toBeGreaterThan(10);
    await poll(() => boardNames()).toEqual(health.items.slice(0, 10).map((g: any) => g.name));
    expect(await page.getByTestId('board-row').getByTestId('board-score').allTextContents()).toEqual(health.items.slice(0, 10).map((g: any) => String(g.score)));

    await still();
    await page.screenshot({ path: `${SHOTS}console-evaluate.png`, fullPage: true });

    // Retention by month: in the address, and drawn again.
    await page.getByTestId('evaluate-retention-period').getByText('按月').click();
    await poll(() => query().period).toBe('month');
    await page.getByTestId('evaluate-retention-chart').locator('canvas').first().waitFor();
    expect(takeErrors()).toEqual([]);
  });

  it('changes the range to 近90天: the range goes in the address and the figures follow', async () => {
    await page.getByTestId('evaluate-range').locator('.ant-picker').click();
    await page.locator('.ant-picker-dropdown:visible .ant-picker-presets li', { hasText: '近90天' }).click();
    range90 = { from: addDays(last30.range.to, -89), to: last30.range.to };
    await poll(() => ({ from: query().from, to: query().to })).toEqual(range90);
    const o = (await t.api.get(`/api/v1/analytics/overview?from=${range90.from}&to=${range90.to}`)).body;
    expect(o.activity.messages).toBeGreaterThan(last30.activity.messages);
    expect(o.scale.joins).toBeGreaterThan(last30.scale.joins);
    await poll(() => text('kpi-messages')).toBe(int(o.activity.messages));
    await expectKpis(o);
    expect(await text('evaluate-range-text')).toBe(`${range90.from} 至 ${range90.to}（Asia/Shanghai）`);

    // A shared view: the same address opens the same range.
    await page.reload();
    await poll(() => text('kpi-messages')).toBe(int(o.activity.messages));
    expect(await page.getByTestId('evaluate-range').locator('input').first().inputValue()).toBe(range90.from);
    expect(takeErrors()).toEqual([]);
  });

  it('drills into a group from the health board: the address, the title and every figure become the group’s', async () => {
    const health = (await t.api.get(`/api/v1/analytics/groups?from=${range90.from}&to=${range90.to}`)).body;
    await poll(() => boardNames()).toEqual(health.items.slice(0, 10).map((g: any) => g.name));
    // A busy group with a few reasons, if one is on the first page.
    const target = health.items.slice(0, 10).find((g: any) => g.reasons.length) ?? health.items[2];
    await page.locator(`[data-testid="board-row"][data-id="${target.groupId}"]`).getByTestId('board-drill').click();
    await poll(() => query().group).toBe(target.groupId);
    expect(query()).toMatchObject({ from: range90.from, to: range90.to });
    await poll(() => text('evaluate-scope-name')).toBe(target.name);
    expect(await page.getByTestId('evaluate-scope-name').getAttribute('data-kind')).toBe('group');

    const o = (await t.api.get(`/api/v1/analytics/overview?groupId=${target.groupId}&from=${range90.from}&to=${range90.to}`)).body;
    expect(o.scope).toEqual({ kind: 'group', id: target.groupId, name: target.name });
    expect(o.scale.seats).toBe(target.seats);
    await poll(() => text('kpi-seats-value')).toBe(int(o.scale.seats));
    await expectKpis(o);
    expect(o.activity.messages).toBe(target.messages);
    // The board holds the group alone; the scope picker names it.
    await poll(() => boardNames()).toEqual([target.name]);
    expect(await page.getByTestId('evaluate-scope').textContent()).toContain(target.name);
    expect(await page.getByTestId('evaluate-scale').count()).toBe(0);

    await still();
    await page.screenshot({ path: `${SHOTS}console-evaluate-group.png`, fullPage: true });

    // Back: the browser's back button returns to the workspace.
    await page.goBack();
    await poll(() => text('evaluate-scope-name')).toBe('全部社群');
    expect(query().group).toBeUndefined();
    expect(takeErrors()).toEqual([]);
  });

  it('sorts the health board by messages and exports it as CSV in that order', async () => {
    const health = (await t.api.get(`/api/v1/analytics/groups?from=${range90.from}&to=${range90.to}`)).body;
    const byMessages = [...health.items].sort((a: any, b: any) => b.messages - a.messages);
    const header = page.getByTestId('evaluate-board-table').locator('th', { hasText: '消息' });
    await header.click();
    await header.click();
    await poll(() => page.getByTestId('board-row').first().getByTestId('board-messages').textContent()).toBe(int(byMessages[0].messages));
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('evaluate-board-export').click()]);
    expect(download.suggestedFilename()).toBe(`group-health-${range90.from}-${range90.to}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    const lines = csv.slice(1).trim().split('\r\n');
    expect(lines).toHaveLength(health.items.length + 1);
    expect(lines[0]!.split(',').slice(0, 5)).toEqual(['排名', '群', '社群', '平台', '健康分']);
    const messagesColumn = lines[0]!.split(',').indexOf('消息');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.map((r) => Number(r[messagesColumn]))).toEqual(byMessages.map((g: any) => g.messages));
    expect(rows[0]![1]).toBe(byMessages[0].name);
    expect(takeErrors()).toEqual([]);
  });
});
