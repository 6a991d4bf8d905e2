// The project plan and plan vs actual: a plan made from the three-year template (figures as given), its
// projection month by month, actuals computed from the data (groups, seats, effective fans, turnover) and
// entered or imported from a finance sheet (payroll, running costs…), side by side by month, quarter and
// year, with what is behind plan. Today is 2026-11-28; the plan starts in January 2026.
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { TestClock } from './helpers/clock.ts';
import { expectProblem, expectStatus, makeCommunity, makeGroup, makeMember, mintToken } from './helpers/api.ts';

let t: TestServer;
const clock = new TestClock(Date.parse('2026-11-28T04:00:00Z'));
beforeAll(async () => {
  t = await startTestServer({}, { clock });
});
afterAll(async () => {
  await t?.stop();
});

const Y = 100; // fen per yuan
const put = (path: string, body: unknown) => t.api.request('PUT', path, body);
const upload = (path: string, body: string | Uint8Array) => t.api.request('POST', path, body, { 'content-type': 'application/octet-stream' });

describe('plan vs actual', () => {
  let community: any;
  let plan: any;

  beforeAll(async () => {
    community = await makeCommunity(t.api, { name: '茶友会' });
    const groups = [await makeGroup(t.api, community.id), await makeGroup(t.api, community.id)];
    const members = [];
    for (let i = 0; i < 3; i++) members.push(await makeMember(t.api, { memberships: [{ groupId: groups[i % 2].id }] }));
    // In November: three members active in the community, two purchases of ¥300 and ¥450.
    const at = (d: string) => new Date(`2026-11-${d}T12:00:00+08:00`).toISOString();
    const r = await t.api.post('/api/v1/activities/batch', { activities: [
      ...members.map((m, i) => ({ kind: 'message', memberId: m.id, groupId: groups[i % 2].id, occurredAt: at('03') })),
      { kind: 'purchase', memberId: members[0].id, groupId: groups[0].id, occurredAt: at('10'), payload: { amountCents: 300 * Y } },
      { kind: 'purchase', memberId: members[1].id, groupId: groups[1].id, occurredAt: at('11'), payload: { amountCents: 450 * Y } },
    ] });
    expectStatus(r, 200);
  });

  it('offers the three-year template with the figures as given', async () => {
    const r = await t.api.get('/api/v1/plan-templates');
    expectStatus(r, 200);
    const [tpl] = r.body.items;
    expect(tpl.key).toBe('three-year');
    expect(tpl.content.baseline).toEqual({ groups: 220 });
    const [y1, y2, y3] = tpl.content.years.map((y: any) => y.targets);
    expect(y1).toMatchObject({ groups: 300, membersPerGroup: 300, effectiveFans: 30_000, spendPerMemberCents: 200 * Y, turnoverCents: 5_000_000 * Y, marginRate: 0.2, grossMarginCents: 1_000_000 * Y, staff: 10, payrollCents: 600_000 * Y, runningCostsCents: 400_000 * Y, shareCapitalCents: 2_000_000 * Y, sponsorshipCents: 200_000 * Y, surplusCents: 0 });
    expect(y2).toMatchObject({ groups: 500, membersPerGroup: 400, effectiveFans: 60_000, spendPerMemberCents: 500 * Y, turnoverCents: 30_000_000 * Y, marginRate: 0.15, grossMarginCents: 4_500_000 * Y, staff: 20, payrollCents: 1_200_000 * Y, sponsorshipCents: 500_000 * Y, surplusCents: 2_000_000 * Y });
    expect(y3).toMatchObject({ effectiveFans: 100_000, spendPerMemberCents: 600 * Y, turnoverCents: 60_000_000 * Y, grossMarginCents: 9_000_000 * Y, staff: 30, payrollCents: 1_800_000 * Y, runningCostsCents: 1_200_000 * Y, sponsorshipCents: 1_000_000 * Y, surplusCents: 6_000_000 * Y });
    // Seats and effective fans are separate figures.
    expect(y1.seats).toBe(90_000);
    expect(tpl.content.milestones.filter((m: any) => m.year === 1).map((m: any) => m.quarter)).toEqual([1, 2, 3, 4]);
    expect(tpl.content.risks.map((x: any) => x.title)).toEqual(['股本募集', '运营团队', '产品毛利与销售', '成员的真实参与']);
  });

  it('is made from the template for a community, and bad input is named', async () => {
    expectProblem(await t.api.post('/api/v1/plans', { name: 'x', templateKey: 'five-year', startMonth: '2026-01' }), 400, 'templateKey');
    expectProblem(await t.api.post('/api/v1/plans', { name: 'x', templateKey: 'three-year', startMonth: '2026-13' }), 400, 'body.startMonth');
    expectProblem(await t.api.post('/api/v1/plans', { name: 'x', startMonth: '2026-01' }), 400, 'content');
    expectProblem(await t.api.post('/api/v1/plans', { name: 'x', templateKey: 'three-year', startMonth: '2026-01', communityId: 'com_nope' }), 400, 'communityId');
    const analyst = await mintToken(t, 'analyst');
    expectProblem(await analyst.client.post('/api/v1/plans', { name: 'x', templateKey: 'three-year', startMonth: '2026-01' }), 403);
    const r = await t.api.post('/api/v1/plans', { name: '茶友会三年计划', templateKey: 'three-year', startMonth: '2026-01', communityId: community.id });
    expectStatus(r, 201);
    plan = r.body;
    expect(plan).toMatchObject({ startMonth: '2026-01', endMonth: '2028-12', template: 'three-year', communityId: community.id });
    expectStatus(await analyst.client.get(`/api/v1/plans/${plan.id}/tracking`), 200);
  });

  it('projects each month from the baseline and puts the data\'s actuals beside it', async () => {
    const r = await t.api.get(`/api/v1/plans/${plan.id}/tracking?period=month`);
    expectStatus(r, 200);
    expect(r.body.periods).toHaveLength(36);
    const month = (m: string) => r.body.periods.find((p: any) => p.key === m).cells;
    // Groups ramp from 220 to 300 over 2026, then to 500 over 2027.
    expect(month('2026-01').groups.plan).toBeCloseTo(220 + 80 / 12, 2);
    expect(month('2026-12').groups.plan).toBe(300);
    expect(month('2027-06').groups.plan).toBe(400);
    // A yearly amount is spread evenly: ¥5,000,000 / 12 a month.
    expect(month('2026-03').turnoverCents.plan).toBe(Math.round((5_000_000 * Y) / 12));
    // November: 2 groups, 3 seats, 3 effective fans, ¥750 turnover, ¥750 over 3 fans so far this year.
    expect(month('2026-11')).toMatchObject({
      groups: { actual: 2, status: 'behind' }, seats: { actual: 3 }, membersPerGroup: { actual: 2 }, effectiveFans: { actual: 3 },
      turnoverCents: { actual: 750 * Y }, spendPerMemberCents: { actual: 250 * Y },
    });
    // The groups were made today: none at the end of October.
    expect(month('2026-10').groups.actual).toBe(0);
    expect(month('2026-12').groups).toMatchObject({ actual: null, status: 'future' });
    expect(month('2026-10').payrollCents).toMatchObject({ plan: 50_000 * Y, actual: null, status: 'no_actual' });
  });

  it('takes entered actuals, refuses what the data counts and months outside the plan, and says what is behind', async () => {
    expectProblem(await put(`/api/v1/plans/${plan.id}/actuals`, { entries: [{ month: '2026-10', metric: 'groups', value: 5 }] }), 400, 'entries.0.metric');
    expectProblem(await put(`/api/v1/plans/${plan.id}/actuals`, { entries: [{ month: '2029-01', metric: 'payrollCents', value: 5 }] }), 400, 'entries.0.month');
    expectProblem(await put(`/api/v1/plans/${plan.id}/actuals`, { entries: [{ month: '2026-10', metric: 'wages', value: 5 }] }), 400, 'body.entries.0.metric');
    const r = await put(`/api/v1/plans/${plan.id}/actuals`, { entries: [
      { month: '2026-10', metric: 'payrollCents', value: 50_000 * Y },
      { month: '2026-10', metric: 'runningCostsCents', value: 50_000 * Y },
      { month: '2026-10', metric: 'grossMarginCents', value: 100_000 * Y },
      { month: '2026-10', metric: 'marginRate', value: 0.25 },
    ] });
    expectStatus(r, 200);
    const m = await t.api.get(`/api/v1/plans/${plan.id}/tracking?period=month`);
    const oct = m.body.periods.find((p: any) => p.key === '2026-10').cells;
    expect(oct.payrollCents).toMatchObject({ plan: 50_000 * Y, actual: 50_000 * Y, ratio: 1, status: 'on_track' });
    // ¥50,000 against ¥33,333 a month: over budget.
    expect(oct.runningCostsCents).toMatchObject({ actual: 50_000 * Y, status: 'over_budget' });
    // Surplus = margin − payroll − running costs − sponsorship (none entered).
    expect(oct.surplusCents.actual).toBe(0);
    expect(oct.marginRate).toMatchObject({ plan: 0.2, actual: 0.25, status: 'ahead' });
    // October is the last finished month: its groups and running costs are behind plan.
    expect(m.body.behind.map((b: any) => b.metric).sort()).toEqual(['effectiveFans', 'groups', 'membersPerGroup', 'runningCostsCents', 'seats', 'spendPerMemberCents', 'turnoverCents']);
    // A quarter in progress compares October and November on both sides; a null clears an entry.
    const q = await t.api.get(`/api/v1/plans/${plan.id}/tracking?period=quarter`);
    const q4 = q.body.periods.find((p: any) => p.label === '第1年 Q4').cells;
    expect(q4.payrollCents).toMatchObject({ plan: 100_000 * Y, actual: 50_000 * Y });
    expect(q4.groups.plan).toBeCloseTo(220 + (80 * 11) / 12, 2);
    expectStatus(await put(`/api/v1/plans/${plan.id}/actuals`, { entries: [{ month: '2026-10', metric: 'marginRate', value: null }] }), 200);
    const y = await t.api.get(`/api/v1/plans/${plan.id}/tracking?period=year`);
    const y1 = y.body.periods[0].cells;
    expect(y.body.periods.map((p: any) => p.label)).toEqual(['第1年', '第2年', '第3年']);
    expect(y1.marginRate.actual).toBeNull();
    expect(y1.turnoverCents).toMatchObject({ plan: Math.round((5_000_000 * Y * 11) / 12), actual: 750 * Y, status: 'behind' });
    expect(y.body.periods[1].cells.turnoverCents).toMatchObject({ plan: 30_000_000 * Y, status: 'future' });
  });

  it('imports a finance sheet, CSV or XLSX, in yuan, and names each bad cell by line and column', async () => {
    const csv = '月份,人员工资,运营费用,员工人数\n2026-09,"¥52,000",3.5万,10\n2026年8月,50000,,9\n';
    const r = await upload(`/api/v1/plans/${plan.id}/actuals/import?name=财务.csv`, csv);
    expectStatus(r, 200);
    expect(r.body).toEqual({ rows: 2, entries: 5, months: ['2026-08', '2026-09'] });
    const m = await t.api.get(`/api/v1/plans/${plan.id}/tracking?period=month`);
    const cells = (k: string) => m.body.periods.find((p: any) => p.key === k).cells;
    expect(cells('2026-09')).toMatchObject({ payrollCents: { actual: 52_000 * Y }, runningCostsCents: { actual: 35_000 * Y }, staff: { actual: 10 } });
    expect(cells('2026-08').runningCostsCents.actual).toBeNull();
    const bad = await upload(`/api/v1/plans/${plan.id}/actuals/import?name=bad.csv`, '月份,人员工资,利润\n2026-07,abc,1\n2026-13,1,1\n');
    expectProblem(bad, 400, 'bad.csv:1:利润');
    const fields = bad.body.errors.map((e: any) => e.field);
    expect(fields).toEqual(['bad.csv:1:利润', 'bad.csv:2:人员工资', 'bad.csv:3:月份']);
    expectProblem(await upload(`/api/v1/plans/${plan.id}/actuals/import?name=early.csv`, '月份,人员工资\n2025-12,1\n'), 400, 'early.csv:2:month');
    expectProblem(await upload(`/api/v1/plans/${plan.id}/actuals/import?name=x.csv`, '日期,群数\n2026-07,5\n'), 400, 'x.csv:1:群数');
    expectProblem(await upload(`/api/v1/plans/${plan.id}/actuals/import?name=empty.csv`, ''), 400, 'body');
    // Hostile sheets: binary, a broken workbook, a broken CSV, one too big, a plan that is not there.
    expectProblem(await upload(`/api/v1/plans/${plan.id}/actuals/import?name=bin.csv`, new Uint8Array([0x4d, 0x00, 0xff, 0x00, 0x01])), 422, 'bin.csv:byte 1');
    expectProblem(await upload(`/api/v1/plans/${plan.id}/actuals/import?name=a.xlsx`, 'not a zip'), 422, 'a.xlsx:byte 0');
    expectProblem(await upload(`/api/v1/plans/${plan.id}/actuals/import?name=q.csv`, '月份,人员工资\n2026-07,"1\n'), 422, /^q\.csv:/);
    expectProblem(await upload(`/api/v1/plans/${plan.id}/actuals/import?name=big.csv`, new Uint8Array(6 * 1024 * 1024).fill(0x31)), 413);
    expectProblem(await upload('/api/v1/plans/pln_nope/actuals/import?name=x.csv', '月份,人员工资\n2026-07,1\n'), 404);
    // Nothing of a bad file was written.
    const after = await t.api.get(`/api/v1/plans/${plan.id}/tracking?period=month`);
    expect(after.body.periods.find((p: any) => p.key === '2026-07').cells.payrollCents.actual).toBeNull();
    // A long sheet (月份, 指标, 数值) from Excel, with a real date cell.
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('实际');
    ws.addRow(['月份', '指标', '数值']);
    ws.addRow([new Date(Date.UTC(2026, 6, 1)), '募集股本', 2_000_000]);
    ws.addRow(['2026-07', 'Sponsorship to owners and secretaries', '1.5万']);
    const x = await upload(`/api/v1/plans/${plan.id}/actuals/import?name=actuals.xlsx`, new Uint8Array(await wb.xlsx.writeBuffer()));
    expectStatus(x, 200);
    expect(x.body.months).toEqual(['2026-07']);
    const jul = (await t.api.get(`/api/v1/plans/${plan.id}/tracking?period=month`)).body.periods.find((p: any) => p.key === '2026-07').cells;
    expect(jul).toMatchObject({ shareCapitalCents: { actual: 2_000_000 * Y }, sponsorshipCents: { actual: 15_000 * Y } });
  });

  it('refuses a plan book that lists a milestone outside its years, or a risk or task twice, each by its place', async () => {
    const c = plan.content;
    const bad = {
      ...c,
      years: c.years.slice(0, 2),
      milestones: [...c.milestones, { year: 3, quarter: 1, title: '第三年开局', tasks: ['招募', '招募'] }],
      risks: [...c.risks, { title: c.risks[0].title, mitigation: '再说一次' }],
    };
    const r = await t.api.patch(`/api/v1/plans/${plan.id}`, { content: bad });
    expectProblem(r, 400);
    const m = c.milestones.length;
    expect(r.body.errors).toEqual(expect.arrayContaining([
      { field: `body.content.milestones.${m}.year`, reason: 'the plan has 2 years' },
      { field: `body.content.milestones.${m}.tasks.1`, reason: 'the task "招募" is listed twice' },
      { field: `body.content.risks.${c.risks.length}.title`, reason: `the risk "${c.risks[0].title}" is listed twice` },
    ]));
    // Nothing of it was kept.
    expect((await t.api.get(`/api/v1/plans/${plan.id}`)).body.content).toEqual(c);
  });

  it('is edited, listed and deleted', async () => {
    // A one-year plan keeps the first year's milestones only (the others would fall outside it).
    const content = { ...plan.content, years: plan.content.years.slice(0, 1), milestones: plan.content.milestones.filter((m: any) => m.year === 1) };
    const r = await t.api.patch(`/api/v1/plans/${plan.id}`, { name: '一年计划', content });
    expectStatus(r, 200);
    expect(r.body).toMatchObject({ name: '一年计划', endMonth: '2026-12' });
    expect((await t.api.get('/api/v1/plans')).body.items.map((p: any) => p.id)).toContain(plan.id);
    expectStatus(await t.api.delete(`/api/v1/plans/${plan.id}`), 204);
    expectProblem(await t.api.get(`/api/v1/plans/${plan.id}`), 404);
  });
});
