// The cost ledger and the ROI dashboard (投入产出) on a small data set worked out by hand (Asia/Shanghai):
//   campaign 双十一 (one short link in G1): A clicks on 11-02 and 11-05, B on 11-03, an unknown visitor on 11-04.
//     A buys ¥100 on 11-01 (before any click: not the campaign's), ¥300 on 11-20 and ¥50 on 12-03 (31 days after
//     11-02: too late); B buys ¥200 on 11-10. So 4 clicks, 2 clickers, 2 buyers, ¥500.
//   event 品茶会 (eventId tea-1) held on 11-08 in G1: A and C attend; C buys ¥80 on 11-09, and A's ¥300 and ¥50
//     also come within 30 days of it (¥430 from 2 buyers). Its venue (¥400) was paid on 10-25, before the range,
//     and still counts for it.
//   costs: 双十一 ¥1,000 (two rows: ¥600 by form, ¥400 by import), 品茶会 ¥400, the phase ¥700 of a ¥2,000 budget,
//     G1 ¥250, other ¥90; and a campaign cost in December (outside the range).
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { TestClock } from './helpers/clock.ts';
import { expectProblem, expectStatus, makeCommunity, makeGroup, makeMember, mintToken } from './helpers/api.ts';

let t: TestServer;
const clock = new TestClock(Date.parse('2026-12-20T04:00:00Z'));
beforeAll(async () => {
  t = await startTestServer({}, { clock });
});
afterAll(async () => {
  await t?.stop();
});

const at = (local: string) => new Date(`${local}+08:00`).toISOString();
const range = 'from=2026-11-01&to=2026-11-30';
const upload = (path: string, body: string | Uint8Array) => t.api.request('POST', path, body, { 'content-type': 'application/octet-stream' });

describe('costs and what they bought', () => {
  let community: any;
  let other: any;
  let g1: any;
  let phase: any;

  beforeAll(async () => {
    community = await makeCommunity(t.api, { name: '茶友会' });
    other = await makeCommunity(t.api, { name: '读书会' });
    g1 = await makeGroup(t.api, community.id, { name: '一群' });
    const a = await makeMember(t.api, { displayName: 'A', memberships: [{ groupId: g1.id }] });
    const b = await makeMember(t.api, { displayName: 'B', memberships: [{ groupId: g1.id }] });
    const c = await makeMember(t.api, { displayName: 'C', memberships: [{ groupId: g1.id }] });
    const p = await t.api.post(`/api/v1/communities/${community.id}/phases`, { name: '冷启动', purpose: 'sales', startsOn: '2026-11-01', endsOn: '2026-12-31', budgetCents: 200_000 });
    expectStatus(p, 201);
    phase = p.body;
    const link = await t.api.post('/api/v1/links', { url: 'https://shop.example.com/tea', groupId: g1.id, campaign: '双十一' });
    expectStatus(link, 201);
    const click = (m: any, when: string, n: number) => ({ kind: 'click', memberId: m?.id ?? null, groupId: g1.id, occurredAt: at(when), source: 'link', sourceId: `${link.body.id}:c${n}`, payload: { linkId: link.body.id, campaign: '双十一' } });
    const buy = (m: any, when: string, yuan: number) => ({ kind: 'purchase', memberId: m.id, occurredAt: at(when), payload: { amountCents: yuan * 100 } });
    const attend = (m: any, when: string) => ({ kind: 'attendance', memberId: m.id, groupId: g1.id, occurredAt: at(when), payload: { eventId: 'tea-1', event: '品茶会' } });
    expectStatus(await t.api.post('/api/v1/activities/batch', { activities: [
      click(a, '2026-11-02T10:00', 1), click(a, '2026-11-05T10:00', 2), click(b, '2026-11-03T10:00', 3), click(null, '2026-11-04T10:00', 4),
      buy(a, '2026-11-01T09:00', 100), buy(a, '2026-11-20T09:00', 300), buy(a, '2026-12-03T10:01', 50), buy(b, '2026-11-10T09:00', 200),
      attend(a, '2026-11-08T19:00'), attend(c, '2026-11-08T19:05'), buy(c, '2026-11-09T09:00', 80),
    ] }), 200);
  });

  it('records costs from the form, names what is wrong, and lists them with their total', async () => {
    const post = (body: Record<string, unknown>) => t.api.post('/api/v1/costs', body);
    const made = await post({ subject: 'campaign', subjectKey: '双十一', communityId: community.id, spentOn: '2026-11-01', amountCents: 60_000, category: '广告' });
    expectStatus(made, 201);
    expect(made.body).toMatchObject({ subject: 'campaign', subjectKey: '双十一', communityId: community.id, spentOn: '2026-11-01', amountCents: 60_000, category: '广告', note: null, source: 'form' });
    // A phase's or a group's community is its own.
    const ph = await post({ subject: 'phase', subjectKey: phase.id, spentOn: '2026-11-03', amountCents: 70_000 });
    expectStatus(ph, 201);
    expect(ph.body.communityId).toBe(community.id);
    expectStatus(await post({ subject: 'group', subjectKey: g1.id, spentOn: '2026-11-15', amountCents: 25_000, note: '群主补贴' }), 201);
    expectStatus(await post({ subject: 'other', spentOn: '2026-11-16', amountCents: 9_000, communityId: community.id }), 201);
    expectStatus(await post({ subject: 'campaign', subjectKey: '双十一', communityId: community.id, spentOn: '2026-12-01', amountCents: 99_900 }), 201);

    expectProblem(await post({ subject: 'phase', subjectKey: 'ph_nope', spentOn: '2026-11-03', amountCents: 1 }), 400, 'subjectKey');
    expectProblem(await post({ subject: 'group', subjectKey: g1.id, communityId: other.id, spentOn: '2026-11-03', amountCents: 1 }), 400, 'communityId');
    expectProblem(await post({ subject: 'campaign', spentOn: '2026-11-03', amountCents: 1 }), 400, 'subjectKey');
    expectProblem(await post({ subject: 'other', subjectKey: 'x', spentOn: '2026-11-03', amountCents: 1 }), 400, 'subjectKey');
    expectProblem(await post({ subject: 'event', subjectKey: 'tea-1', spentOn: '2026-02-30', amountCents: 1 }), 400, 'body.spentOn');
    expectProblem(await post({ subject: 'event', subjectKey: 'tea-1', spentOn: '2026-11-03', amountCents: 0 }), 400, 'body.amountCents');
    expectProblem(await post({ subject: 'event', subjectKey: 'tea-1', communityId: 'com_nope', spentOn: '2026-11-03', amountCents: 1 }), 400, 'communityId');

    const list = await t.api.get(`/api/v1/costs?from=2026-11-01&to=2026-11-30&communityId=${community.id}`);
    expectStatus(list, 200);
    expect(list.body.items.map((c: any) => c.amountCents)).toEqual([9_000, 25_000, 70_000, 60_000]);
    expect(list.body.totalCents).toBe(164_000);
    const page = await t.api.get('/api/v1/costs?limit=2');
    expect(page.body.items).toHaveLength(2);
    const next = await t.api.get(`/api/v1/costs?limit=2&cursor=${page.body.nextCursor}`);
    expect(next.body.items.map((c: any) => c.id)).not.toContain(page.body.items[1].id);
    expect(next.body.totalCents).toBe(page.body.totalCents);
  });

  it('imports a sheet: names found, yuan as written, nothing twice, and every problem named by line and column', async () => {
    const csv = [
      '日期,类型,名称,金额,类别,备注,社群',
      '2026/11/2,推广,双十一,"¥400.00",广告,朋友圈,茶友会',
      '2026年10月25日,活动,tea-1,400元,场地,,茶友会',
    ].join('\n');
    const r = await upload('/api/v1/costs/import?name=费用.csv', csv);
    expectStatus(r, 200);
    expect(r.body).toEqual({ rows: 2, added: 2, duplicates: 0, totalCents: 80_000 });
    // The same sheet again: nothing new.
    expect((await upload('/api/v1/costs/import?name=费用.csv', csv)).body).toEqual({ rows: 2, added: 0, duplicates: 2, totalCents: 0 });

    const before = (await t.api.get('/api/v1/costs?limit=500')).body.items.length;
    const bad = await upload('/api/v1/costs/import?name=bad.csv', [
      '日期,类型,名称,金额',
      '2026-11-31,推广,双十一,10',
      '2026-11-02,广告,双十一,10',
      '2026-11-02,阶段,没有这个阶段,10',
      '2026-11-02,推广,双十一,abc',
      '2026-11-02,群,一群,1.5万',
    ].join('\n'));
    expectProblem(bad, 400);
    expect(bad.body.errors.map((e: any) => e.field)).toEqual(['bad.csv:2:日期', 'bad.csv:3:类型', 'bad.csv:4:名称', 'bad.csv:5:金额']);
    expect(bad.body.errors[2].reason).toBe('no phase named "没有这个阶段"');
    expect((await t.api.get('/api/v1/costs?limit=500')).body.items.length).toBe(before);
    expectProblem(await upload('/api/v1/costs/import?name=x.csv', '名称,金额\n双十一,1\n'), 400, 'x.csv:1');

    // An XLSX sheet with real dates and numbers; a group found by its name.
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('费用');
    ws.addRow(['Date', 'Subject', 'Name', 'Amount']);
    ws.addRow([new Date(Date.UTC(2026, 10, 20)), 'group', '一群', 12.5]);
    const x = await upload('/api/v1/costs/import?name=costs.xlsx', new Uint8Array(await wb.xlsx.writeBuffer()));
    expectStatus(x, 200);
    expect(x.body).toMatchObject({ added: 1, totalCents: 1250 });
    const g = await t.api.get(`/api/v1/costs?subject=group&subjectKey=${g1.id}&from=2026-11-20&to=2026-11-20`);
    expect(g.body.items).toMatchObject([{ spentOn: '2026-11-20', amountCents: 1250, source: 'import', communityId: community.id }]);
    expectStatus(await t.api.request('DELETE', `/api/v1/costs/${g.body.items[0].id}`), 204);
    expectProblem(await t.api.request('DELETE', `/api/v1/costs/${g.body.items[0].id}`), 404);
  });

  it('sets each campaign, event, phase and group age beside what it brought', async () => {
    const r = await t.api.get(`/api/v1/analytics/roi?${range}&communityId=${community.id}`);
    expectStatus(r, 200);
    const o = r.body;
    expect(o.attributionDays).toBe(30);
    // In November: campaign 600 + 400, phase 700, group 250, other 90 (the venue was paid in October).
    expect(o.spentInRange).toEqual({ campaignCents: 100_000, eventCents: 0, phaseCents: 70_000, groupCents: 25_000, otherCents: 9_000, totalCents: 204_000 });
    expect(o.campaigns).toEqual([{
      campaign: '双十一', links: 1, clicks: 4, clickers: 2, costCents: 100_000, costPerClickCents: 25_000, buyers: 2, revenueCents: 50_000, salesPerYuan: 0.5,
    }]);
    expect(o.events).toEqual([{
      eventKey: 'tea-1', name: '品茶会', heldOn: at('2026-11-08T19:00'), attendances: 2, attendees: 2, costCents: 40_000, costPerAttendeeCents: 20_000,
      buyers: 2, revenueCents: 43_000, salesPerYuan: 1.075,
    }]);
    expect(o.phases).toEqual([{
      phaseId: phase.id, name: '冷启动', communityId: community.id, startsOn: '2026-11-01', endsOn: '2026-12-31', budgetCents: 200_000, costCents: 70_000, budgetUsed: 0.35,
    }]);
    // G1 is new: the youngest band. Its revenue is the purchases made in it (none: they had no group).
    expect(o.lifecycle.map((b: any) => [b.band, b.groups])).toEqual([['under_6_months', 1], ['6_to_12_months', 0], ['1_to_2_years', 0], ['over_2_years', 0]]);
    expect(o.lifecycle[0]).toMatchObject({ seats: 3, costCents: 25_000, revenueCents: 0, salesPerYuan: 0 });

    // Another community sees none of it.
    const o2 = (await t.api.get(`/api/v1/analytics/roi?${range}&communityId=${other.id}`)).body;
    expect(o2.campaigns).toEqual([]);
    expect(o2.spentInRange.totalCents).toBe(0);
  });

  it('keeps a scoped operator to its communities', async () => {
    const scoped = await mintToken(t, 'planner', { communities: [other.id] });
    expectProblem(await scoped.client.post('/api/v1/costs', { subject: 'phase', subjectKey: phase.id, spentOn: '2026-11-03', amountCents: 1 }), 400, 'subjectKey');
    expectProblem(await scoped.client.post('/api/v1/costs', { subject: 'campaign', subjectKey: 'x', spentOn: '2026-11-03', amountCents: 1 }), 400, 'communityId');
    const mine = await scoped.client.post('/api/v1/costs', { subject: 'campaign', subjectKey: '读书月', communityId: other.id, spentOn: '2026-11-03', amountCents: 500 });
    expectStatus(mine, 201);
    const seen = (await scoped.client.get('/api/v1/costs?limit=500')).body;
    expect(seen.items.map((c: any) => c.id)).toEqual([mine.body.id]);
    expect(seen.totalCents).toBe(500);
    const theirs = (await t.api.get(`/api/v1/costs?communityId=${community.id}&limit=1`)).body.items[0];
    expectProblem(await scoped.client.request('DELETE', `/api/v1/costs/${theirs.id}`), 404);
    expectProblem(await scoped.client.get(`/api/v1/analytics/roi?${range}&communityId=${community.id}`), 404);
  });
});
