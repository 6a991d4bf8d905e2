// 评估精进 › 计划与实际, 价值, 结构 and 团队 in a real browser (Debian's Chromium driven by playwright-core)
// against the real server, on the demo workspace (2,000 members, seed 1, six months of activity ending now).
// A plan made from the three-year template shows the year targets as given (群数 300, 营业额 ¥5,000,000,
// 毛利率 20%); its tracking by quarter says what GET /plans/{id}/tracking says; a month's payroll entered in
// yuan shows in the table with its status; a finance sheet with a bad cell is refused with the line and
// column named, a good one imported. The value, structure and team tabs show the API's headline figures.
// Not one unexpected browser error.
//
// Runs in the sqlite project only (the browser does not care about the SQL dialect).
import { tmpdir } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { generateDemo } from '../src/demo/index.ts';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { SHOTS, browserTestsRun, signedInConsole } from './helpers/browser.ts';

const poll = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 15_000 });
const int = (n: number) => Math.round(n).toLocaleString('zh-CN');
const yuan = (cents: number) => `¥${(cents / 100).toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const pct = (r: number) => `${(r * 100).toLocaleString('zh-CN', { maximumFractionDigits: 1 })}%`;
/** A plan figure as the console writes it: ¥ in whole yuan from fen, a rate in percent, a count with one decimal at most. */
const MONEY = new Set(['spendPerMemberCents', 'turnoverCents', 'grossMarginCents', 'payrollCents', 'runningCostsCents', 'shareCapitalCents', 'sponsorshipCents', 'surplusCents', 'returnToShareholdersCents']);
const fig = (metric: string, v: number | null) =>
  v === null ? '—'
    : MONEY.has(metric) ? `${v < 0 ? '-' : ''}¥${int(Math.abs(v) / 100)}`
      : metric === 'marginRate' ? pct(v)
        : v.toLocaleString('zh-CN', { maximumFractionDigits: 1 });

describe.skipIf(!browserTestsRun)('plan vs actual, value, structure and team in the console (Chromium)', { timeout: 120_000 }, () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let takeErrors: () => string[];
  let planId: string;

  const text = (testId: string) => page.getByTestId(testId).first().textContent();
  const query = () => Object.fromEntries(new URL(page.url()).searchParams);
  const cell = (metric: string, period: string) => page.locator(`[data-testid="track-row"][data-metric="${metric}"] td[data-period="${period}"]`);
  /** The periods heading the tracking table's columns. */
  const periodKeys = async () => [...new Set(await page.getByTestId('track-period').evaluateAll((els) => els.map((e) => e.getAttribute('data-key'))))];
  async function still() {
    await page.mouse.move(0, 0);
    await page.locator('.ant-message-notice').first().waitFor({ state: 'detached', timeout: 6000 }).catch(() => {});
    await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { blur?(): void } | null } }).document.activeElement?.blur?.());
    await page.waitForTimeout(1200);
  }

  beforeAll(async () => {
    t = await startTestServer();
    await generateDemo(t.server.rt, { members: 2000, seed: 1 });
    ({ browser, page, takeErrors } = await signedInConsole(t));
  }, 180_000);

  // A step that fails must not leave its drawer over the next one's clicks.
  afterEach(async () => {
    const mask = page?.locator('.ant-drawer-mask:visible');
    if (mask && await mask.count()) {
      await page.keyboard.press('Escape');
      await mask.first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
    }
  });

  afterAll(async () => {
    await browser?.close();
    await t?.stop();
  });

  it('opens plan vs actual from the template: the year targets as given, milestones and risks', async () => {
    await page.getByRole('menuitem', { name: '评估精进' }).click();
    await page.getByTestId('evaluate-tab-plan').click();
    await page.getByTestId('plan-empty').waitFor();
    expect(query().tab).toBe('plan');
    await page.getByTestId('plan-new').first().click();
    await page.getByTestId('plan-name-input').fill('茶友会三年计划');
    const start = page.getByTestId('plan-start'); // the picker's input
    await start.fill('2026-01');
    await start.press('Enter');
    await page.getByTestId('plan-create-ok').click();
    await page.getByTestId('plan-view').waitFor();
    const plans = (await t.api.get('/api/v1/plans')).body.items;
    expect(plans).toHaveLength(1);
    planId = plans[0].id;
    expect(plans[0]).toMatchObject({ name: '茶友会三年计划', startMonth: '2026-01', endMonth: '2028-12', template: 'three-year', communityId: null });
    await poll(() => query().plan).toBe(planId);
    expect(await text('plan-span')).toBe('2026-01 – 2028-12');

    await page.getByTestId('plan-view-book').click();
    await poll(() => query().view).toBe('book');
    const y1 = (target: string) => page.locator(`[data-testid="target-cell"][data-year="1"][data-metric="${target}"]`).textContent();
    expect(await y1('groups')).toBe('300');
    expect(await y1('turnoverCents')).toBe('¥5,000,000');
    expect(await y1('marginRate')).toBe('20%');
    expect(await y1('payrollCents')).toBe('¥600,000');
    expect(await page.locator('[data-testid="target-cell"][data-year="3"][data-metric="effectiveFans"]').textContent()).toBe('100,000');
    // Every target of the template, as given.
    const tpl = (await t.api.get('/api/v1/plan-templates')).body.items[0].content;
    for (const [y, year] of tpl.years.entries()) {
      for (const [metric, v] of Object.entries(year.targets)) {
        expect(await page.locator(`[data-testid="target-cell"][data-year="${y + 1}"][data-metric="${metric}"]`).textContent()).toBe(fig(metric, v as number));
      }
    }
    expect(await page.getByTestId('plan-milestone').count()).toBe(4);
    expect(await page.getByTestId('plan-milestone').first().textContent()).toContain('整合与股份');
    expect(await page.getByTestId('plan-risk').count()).toBe(4);
    await still();
    await page.screenshot({ path: `${SHOTS}console-plan.png`, fullPage: true });
    expect(takeErrors()).toEqual([]);
  });

  it('tracks plan against actual by quarter: a cell says what the API says, and what is behind is on top', async () => {
    await page.getByTestId('plan-view-tracking').click();
    await poll(() => query().view).toBeUndefined();
    await page.getByTestId('plan-tracking-table').waitFor();
    const monthly = (await t.api.get(`/api/v1/plans/${planId}/tracking?period=month`)).body;
    expect(await periodKeys()).toHaveLength(36);
    // The last finished month's behind measures, at the top.
    expect(monthly.behind.length).toBeGreaterThan(0);
    await poll(() => page.getByTestId('plan-behind-item').count()).toBe(monthly.behind.length);
    expect(await page.getByTestId('plan-behind-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-metric')))).toEqual(monthly.behind.map((b: any) => b.metric));

    await page.getByTestId('plan-period').getByText('季', { exact: true }).click();
    await poll(() => query().track).toBe('quarter');
    await poll(() => periodKeys()).toEqual(expect.arrayContaining(['2026-07/2026-09']));
    expect(await periodKeys()).toHaveLength(12);
    const quarterly = (await t.api.get(`/api/v1/plans/${planId}/tracking?period=quarter`)).body;
    const q3 = quarterly.periods.find((p: any) => p.label === '第1年 Q3');
    expect(q3.key).toBe('2026-07/2026-09');
    for (const metric of ['turnoverCents', 'groups', 'seats']) {
      const c = q3.cells[metric];
      expect(await cell(metric, q3.key).getByTestId('track-plan').textContent()).toBe(fig(metric, c.plan));
      expect(await cell(metric, q3.key).getByTestId('track-actual').textContent()).toBe(fig(metric, c.actual));
      expect(await cell(metric, q3.key).getByTestId('track-cell').getAttribute('data-status')).toBe(c.status);
    }
    expect(q3.cells.turnoverCents.actual).toBeGreaterThan(0);
    expect(await page.locator(`[data-testid="track-period"][data-key="${q3.key}"]`).first().textContent()).toBe('第1年 Q3');
    await page.getByTestId('plan-chart-canvas').locator('canvas').first().waitFor();
    await still();
    await page.screenshot({ path: `${SHOTS}console-plan-tracking.png`, fullPage: true });
    expect(takeErrors()).toEqual([]);
  });

  it('takes a month\'s payroll in yuan and shows it in the table with its status', async () => {
    await page.getByTestId('plan-period').getByText('月', { exact: true }).click();
    await poll(() => query().track).toBeUndefined();
    await page.getByTestId('plan-enter').click();
    await page.getByTestId('actuals-drawer').waitFor();
    const month = page.getByTestId('actuals-month').locator('input');
    // Picked in the panel as an operator does (a typed month and Enter raced the picker under load).
    await month.click();
    const panel = page.locator('.ant-picker-dropdown:visible');
    // The panel opens on this month's year; 2026's months are a year or more back once the clock passes it.
    for (let y = new Date().getFullYear(); y > 2026; y--) await panel.locator('.ant-picker-header-super-prev-btn').click();
    await panel.locator('td[title="2026-10"]').click();
    // The picker has taken the month before anything is typed.
    await poll(() => month.inputValue()).toBe('2026-10');
    await page.getByTestId('actual-input-payrollCents').fill('50000');
    await page.getByTestId('actual-input-runningCostsCents').fill('50000');
    await page.getByTestId('actuals-save').click();
    await page.getByTestId('actuals-drawer').waitFor({ state: 'detached' });
    const monthly = (await t.api.get(`/api/v1/plans/${planId}/tracking?period=month`)).body;
    const oct = monthly.periods.find((p: any) => p.key === '2026-10').cells;
    // Sent in fen: ¥50,000 of payroll is on plan, ¥50,000 of running costs over budget.
    expect(oct.payrollCents).toMatchObject({ actual: 5_000_000, status: 'on_track' });
    expect(oct.runningCostsCents).toMatchObject({ actual: 5_000_000, status: 'over_budget' });
    await poll(() => cell('payrollCents', '2026-10').getByTestId('track-actual').textContent()).toBe('¥50,000');
    expect(await cell('payrollCents', '2026-10').getByTestId('track-cell').getAttribute('data-status')).toBe('on_track');
    expect(await cell('runningCostsCents', '2026-10').getByTestId('track-actual').textContent()).toBe('¥50,000');
    expect(await cell('runningCostsCents', '2026-10').getByTestId('track-cell').getAttribute('data-status')).toBe('over_budget');
    // Nothing else was sent: the margin of October is still not entered.
    expect(oct.marginRate.actual).toBeNull();
    expect(takeErrors()).toEqual([]);
  });

  it('imports a finance sheet: a bad cell is named by line and column, a good sheet goes in', async () => {
    const input = page.locator('[data-testid="plan-tracking"] input[type="file"]');
    await input.setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('月份,人员工资,运营费用\n2026-08,48000,30000\n2026-09,abc,30000\n') });
    await page.getByTestId('plan-import-error').waitFor();
    expect(await page.getByTestId('plan-import-error-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-field')))).toEqual(['bad.csv:3:人员工资']);
    expect(await text('plan-import-error-item')).toContain('第 3 行「人员工资」');
    // The refused upload is the one error the browser saw.
    expect(takeErrors().filter((e) => !e.startsWith('console: Failed to load resource'))).toEqual([`response: 400 POST /api/v1/plans/${planId}/actuals/import`]);
    await input.setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from('月份,人员工资,运营费用\n2026-08,48000,30000\n2026-09,"¥52,000",3万\n') });
    await page.getByTestId('plan-import-ok').waitFor();
    expect(await text('plan-import-ok')).toContain('2 行、4 项');
    await poll(() => cell('payrollCents', '2026-09').getByTestId('track-actual').textContent()).toBe('¥52,000');
    const sep = (await t.api.get(`/api/v1/plans/${planId}/tracking?period=month`)).body.periods.find((p: any) => p.key === '2026-09').cells;
    expect(sep.runningCostsCents.actual).toBe(3_000_000);
    expect(await cell('runningCostsCents', '2026-09').getByTestId('track-actual').textContent()).toBe('¥30,000');
    expect(await cell('payrollCents', '2026-09').getByTestId('track-cell').getAttribute('data-status')).toBe(sep.payrollCents.status);
    expect(takeErrors()).toEqual([]);
  });

  it('shows the value tab: revenue, repurchase and the RFM segments as the API says', async () => {
    await page.getByTestId('evaluate-tab-value').click();
    await page.getByTestId('evaluate-value').waitFor();
    const v = (await t.api.get('/api/v1/analytics/value')).body;
    expect(v.revenueCents).toBeGreaterThan(0);
    await poll(() => text('kpi-value-revenue-value')).toBe(yuan(v.revenueCents));
    expect(await text('value-orders')).toBe(int(v.orders));
    expect(await text('kpi-value-repurchase-value')).toBe(pct(v.repurchaseRate));
    expect(await text('kpi-value-meanSpend-value')).toBe(yuan(v.meanSpendCents));
    const order = ['champions', 'loyal_lapsing', 'big_new', 'big_lapsing', 'regular_recent', 'regular_lapsing', 'small_new', 'small_lapsed'];
    const seg = new Map(v.rfm.map((s: any) => [s.segment, s.members]));
    expect(await page.getByTestId('value-rfm-members').allTextContents()).toEqual(order.map((s) => int(seg.get(s) as number)));
    await page.getByTestId('value-rfm-chart').locator('canvas').first().waitFor();
    await still();
    await page.screenshot({ path: `${SHOTS}console-value.png`, fullPage: true });
    expect(takeErrors()).toEqual([]);
  });

  it('shows the structure tab: the members, the distributions and the comparison by platform', async () => {
    await page.getByTestId('evaluate-tab-structure').click();
    await page.getByTestId('evaluate-structure').waitFor();
    // A community: the demo's communities have a target persona, so a fit and its deviations.
    const communities = (await t.api.get('/api/v1/communities')).body.items;
    await page.goto(`${t.url}/evaluate?tab=structure&community=${communities[0].id}`);
    const s = (await t.api.get(`/api/v1/analytics/structure?communityId=${communities[0].id}`)).body;
    await poll(() => text('structure-people')).toBe(int(s.people));
    if (s.fitScore !== null) expect(await text('structure-fit-score')).toBe(String(s.fitScore));
    expect(await page.getByTestId('structure-deviation').allTextContents()).toEqual(s.deviations.map((d: any) => expect.stringContaining(d.words)));
    expect(await page.getByTestId('structure-compare-row').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')))).toEqual(s.byPlatform.map((x: any) => x.key));
    await page.getByTestId('structure-dist-gender-chart').locator('canvas').first().waitFor();
    await page.getByTestId('structure-refresh').click();
    await poll(() => page.getByTestId('structure-computed-at').getAttribute('data-value')).not.toBe(s.computedAt);
    await still();
    await page.screenshot({ path: `${SHOTS}console-structure.png`, fullPage: true });
    expect(takeErrors()).toEqual([]);
  });

  it('tracks the circle rollout under the structure: ticked with a note, unticked, as the API keeps it', async () => {
    const communities = (await t.api.get('/api/v1/communities')).body.items;
    const c = communities[0];
    await page.goto(`${t.url}/evaluate?tab=structure&community=${c.id}`);
    await page.getByTestId('circle-rollout').waitFor();
    const r = (await t.api.get(`/api/v1/communities/${c.id}/circle-rollout`)).body;
    await poll(() => page.getByTestId('rollout-circle').evaluateAll((els) => els.map((e) => e.getAttribute('data-circle')))).toEqual(['leader', 'kin', 'media', 'public', 'business']);
    expect(await page.locator('[data-testid="rollout-circle"][data-current="true"]').getAttribute('data-circle')).toBe(r.current);
    const leader = page.locator('[data-testid="rollout-circle"][data-circle="leader"]');
    expect(await leader.getByTestId('rollout-figures').textContent()).toBe(`${int(r.circles[0].figures.people)} 人 · 活跃 ${(r.circles[0].figures.activeRate * 100).toLocaleString('zh-CN', { maximumFractionDigits: 0 })}% · 购买 ${(r.circles[0].figures.buyerRate * 100).toLocaleString('zh-CN', { maximumFractionDigits: 0 })}% · 收入 ${yuan(r.circles[0].figures.revenueCents)}`);
    // Ticked: a note first, then done.
    await leader.locator('[data-testid="rollout-task"][data-task="identity"]').click();
    await page.getByTestId('rollout-note').fill('首场品茶会，意见领袖 12 人到场');
    await page.getByTestId('rollout-note-save').click();
    await poll(async () => (await t.api.get(`/api/v1/communities/${c.id}/circle-rollout`)).body.circles[0].tasks[0]).toMatchObject({ done: true, note: '首场品茶会，意见领袖 12 人到场' });
    await poll(() => leader.locator('[data-testid="rollout-task"][data-task="identity"]').isChecked()).toBe(true);
    await still();
    await page.getByTestId('circle-rollout').screenshot({ path: `${SHOTS}console-circle-rollout.png` });
    // Unticked at once.
    await leader.locator('[data-testid="rollout-task"][data-task="identity"]').click();
    await poll(async () => (await t.api.get(`/api/v1/communities/${c.id}/circle-rollout`)).body.circles[0].tasks[0].done).toBe(false);
    expect(takeErrors()).toEqual([]);
  });

  it('shows the team tab: each keeper\'s scorecard as the API ranks it', async () => {
    await page.getByTestId('evaluate-tab-team').click();
    await page.getByTestId('evaluate-team').waitFor();
    const communities = (await t.api.get('/api/v1/communities')).body.items;
    const team = (await t.api.get(`/api/v1/analytics/team?communityId=${communities[0].id}`)).body;
    expect(team.items.length).toBeGreaterThan(0);
    await poll(() => page.getByTestId('team-name').allTextContents()).toEqual(team.items.slice(0, 20).map((c: any) => c.keeper.name));
    expect(await page.getByTestId('team-revenue').first().textContent()).toBe(yuan(team.items[0].revenueCents));
    expect(await page.getByTestId('team-messages').first().textContent()).toBe(int(team.items[0].messages));
    await still();
    await page.screenshot({ path: `${SHOTS}console-evaluate-team.png`, fullPage: true });
    expect(takeErrors()).toEqual([]);
  });

  it('edits the plan: targets in yuan, a year removed and back, a risk added; a milestone outside the years is refused on its field', async () => {
    await page.getByTestId('evaluate-tab-plan').click();
    await page.getByTestId('plan-view').waitFor();
    await page.getByTestId('plan-view-book').click();
    await page.getByTestId('plan-book').waitFor();
    await page.getByTestId('plan-edit').click();
    await page.getByTestId('plan-edit-form').waitFor();
    const target = (metric: string, year: number) => page.locator(`[data-testid="plan-edit-target"][data-metric="${metric}"][data-year="${year}"]`);
    // The template's figures, in the form's units: yuan and percent.
    expect(await target('turnoverCents', 1).inputValue()).toBe('5,000,000');
    expect(await target('marginRate', 1).inputValue()).toBe('20');
    await page.getByTestId('plan-edit-name').fill('茶友会三年计划（修订）');
    await target('groups', 1).fill('320');
    await target('turnoverCents', 1).fill('6000000');
    await page.getByTestId('plan-edit-risk-add').click();
    await page.getByTestId('plan-edit-risk-title').last().fill('茶叶供应不稳');
    await page.getByTestId('plan-edit-risk-mitigation').last().fill('与两家茶园签年度协议');
    // Two years only: the template's third-year milestones fall outside, and the server says so on the field.
    await page.getByTestId('plan-edit-year-remove').click();
    await poll(() => target('groups', 3).count()).toBe(0);
    await page.getByTestId('plan-edit-save').click();
    const refused = page.getByTestId('plan-edit-milestone').locator('.ant-form-item-explain-error').filter({ hasText: 'the plan has 2 years' });
    await refused.first().waitFor();
    const tpl = (await t.api.get('/api/v1/plan-templates')).body.items[0].content;
    expect(await refused.count()).toBe(tpl.milestones.filter((m: any) => m.year === 3).length);
    expect(takeErrors().filter((e) => !e.startsWith('console: Failed to load resource'))).toEqual([`response: 400 PATCH /api/v1/plans/${planId}`]);
    expect((await t.api.get(`/api/v1/plans/${planId}`)).body.name).toBe('茶友会三年计划');
    await refused.first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${tmpdir()}/shequn-plan-edit-refused.png` });
    // The third year back, with what it held.
    await page.getByTestId('plan-edit-year-add').click();
    expect(await target('effectiveFans', 3).inputValue()).toBe('100,000');
    await still();
    await page.screenshot({ path: `${SHOTS}console-plan-edit.png` });
    await page.getByTestId('plan-edit-save').click();
    await page.getByTestId('plan-edit-form').waitFor({ state: 'detached' });

    const p = (await t.api.get(`/api/v1/plans/${planId}`)).body;
    expect(p.name).toBe('茶友会三年计划（修订）');
    expect(p.content.years).toHaveLength(3);
    expect(p.content.years[0].targets).toEqual({ ...tpl.years[0].targets, groups: 320, turnoverCents: 600_000_000 });
    expect(p.content.years[2].targets).toEqual(tpl.years[2].targets);
    expect(p.content.risks.at(-1)).toEqual({ title: '茶叶供应不稳', mitigation: '与两家茶园签年度协议' });
    expect(p.content.milestones).toEqual(tpl.milestones);
    // The book and plan vs actual follow.
    await poll(() => page.getByTestId('plan-name').textContent()).toBe('茶友会三年计划（修订）');
    expect(await page.locator('[data-testid="target-cell"][data-year="1"][data-metric="groups"]').textContent()).toBe('320');
    expect(await page.locator('[data-testid="target-cell"][data-year="1"][data-metric="turnoverCents"]').textContent()).toBe('¥6,000,000');
    expect(await page.getByTestId('plan-risk').count()).toBe(tpl.risks.length + 1);
    // The first year ends on the new target (a stock: its level at the year's last month).
    const monthly = (await t.api.get(`/api/v1/plans/${planId}/tracking?period=month`)).body;
    expect(monthly.periods.find((x: any) => x.key === '2026-12').cells.groups.plan).toBe(320);
    expect(takeErrors()).toEqual([]);
  });

  it('deletes the plan after a confirmation', async () => {
    await page.getByTestId('evaluate-tab-plan').click();
    await page.getByTestId('plan-view').waitFor();
    await page.getByTestId('plan-delete').click();
    await page.getByTestId('plan-delete-ok').click();
    await page.getByTestId('plan-empty').waitFor();
    expect((await t.api.get('/api/v1/plans')).body.items).toEqual([]);
    expect(query().plan).toBeUndefined();
    expect(takeErrors()).toEqual([]);
  });
});
