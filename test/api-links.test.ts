// Tracked short links: an operator makes one for a group, people click it and are sent on; each click is an
// activity with the member (when the device has a member session) and the group, counted by group, circle
// and day; chat apps' previews and crawlers are sent on without a count; a click from a member outside the
// link's group counts as forwarded. Bad input names its field; other workspaces and scopes see nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { expectProblem, expectStatus, joinAsMember, makeCommunity, makeGroup, mintToken, otherWorkspace } from './helpers/api.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  await t?.stop();
});

const BROWSER = { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.40' };

describe('tracked short links', () => {
  let community: any;
  let group: any;
  let other: any;
  let link: any;
  let inside: Awaited<ReturnType<typeof joinAsMember>>;
  let outside: Awaited<ReturnType<typeof joinAsMember>>;

  beforeAll(async () => {
    community = await makeCommunity(t.api, { name: '茶友会' });
    group = await makeGroup(t.api, community.id, { name: '深圳茶友群' });
    other = await makeGroup(t.api, community.id, { name: '广州茶友群' });
    const invite = async (g: any) => (await t.api.post('/api/v1/invites', { targetType: 'group', targetId: g.id })).body.code;
    inside = await joinAsMember(t, await invite(group), { name: '群内茶友' });
    outside = await joinAsMember(t, await invite(other), { name: '群外茶友' });
    expectStatus(await t.api.patch(`/api/v1/members/${outside.result.memberId}`, { circle: 'kin' }), 200);
  });

  it('is made for a group with a checked address, and refuses bad input by field', async () => {
    expectProblem(await t.api.post('/api/v1/links', { url: 'javascript:alert(1)' }), 400, 'body.url');
    expectProblem(await t.api.post('/api/v1/links', { url: 'ftp://example.com/x' }), 400, 'body.url');
    expectProblem(await t.api.post('/api/v1/links', { url: 'https://example.com', groupId: 'grp_nope' }), 400, 'groupId');
    expectProblem(await t.api.post('/api/v1/links', { url: 'https://example.com', groupId: group.id, communityId: (await makeCommunity(t.api)).id }), 400, 'communityId');
    expectProblem(await t.api.post('/api/v1/links', { url: 'https://example.com', surprise: 1 }), 400, 'body');
    const r = await t.api.post('/api/v1/links', { url: 'https://shop.example.com/tea?id=7', label: '单丛礼盒', groupId: group.id, campaign: '双十一' });
    expectStatus(r, 201);
    link = r.body;
    expect(link).toMatchObject({ url: 'https://shop.example.com/tea?id=7', groupId: group.id, communityId: community.id, campaign: '双十一', clicks: 0 });
    expect(link.shortUrl).toBe(`${t.url}/l/${link.code}`);
    expect(link.code).toMatch(/^[2-9a-zA-Z]{7}$/);
  });

  it('sends a click on and counts it with the member and the group; previews and HEAD are not clicks', async () => {
    const anonymous = await t.client().withHeaders(BROWSER).get(`/l/${link.code}?utm_source=wechat`);
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get('location')).toBe('https://shop.example.com/tea?id=7');
    expect(anonymous.headers.get('cache-control')).toBe('no-store');
    expect((await inside.client.withHeaders(BROWSER).get(`/l/${link.code}`)).status).toBe(302);
    expect((await inside.client.withHeaders(BROWSER).get(`/l/${link.code}`)).status).toBe(302);
    expect((await outside.client.withHeaders({ ...BROWSER, referer: 'https://mp.weixin.qq.com/s/abc' }).get(`/l/${link.code}`)).status).toBe(302);
    for (const ua of ['TelegramBot (like TwitterBot)', 'WhatsApp/2.23.20.0', 'facebookexternalhit/1.1', 'Slackbot-LinkExpanding 1.0', 'Mozilla/5.0 (compatible; Googlebot/2.1)', '']) {
      expect((await t.client().withHeaders({ 'user-agent': ua }).get(`/l/${link.code}`)).status).toBe(302);
    }
    expect((await t.client().withHeaders(BROWSER).request('HEAD', `/l/${link.code}`)).status).toBe(302);

    const stats = await t.api.get(`/api/v1/links/${link.id}`);
    expectStatus(stats, 200);
    expect(stats.body).toMatchObject({ clicks: 4, people: 2, anonymous: 1, forwarded: 1, byGroup: [{ groupId: group.id, clicks: 4 }] });
    expect(stats.body.byCircle).toEqual(expect.arrayContaining([{ circle: 'kin', clicks: 1 }, { circle: null, clicks: 3 }]));
    expect(stats.body.byDay).toHaveLength(1);
    const clicks = (await t.api.get(`/api/v1/activities?kind=click&groupId=${group.id}`)).body.items;
    expect(clicks).toHaveLength(4);
    expect(clicks.find((a: any) => a.memberId === outside.result.memberId).payload).toMatchObject({ linkId: link.id, forwarded: true, referrer: 'mp.weixin.qq.com', campaign: '双十一' });
    expect((await t.api.get(`/api/v1/links?groupId=${group.id}`)).body.items).toMatchObject([{ id: link.id, clicks: 4 }]);
  });

  it('counts a community link in the group its address names (?g=), only when that group is the community\'s', async () => {
    const c = (await t.api.post('/api/v1/links', { url: 'https://example.com/course', communityId: community.id })).body;
    await t.client().withHeaders(BROWSER).get(`/l/${c.code}?g=${other.id}`);
    await t.client().withHeaders(BROWSER).get(`/l/${c.code}?g=grp_unknown`);
    const foreign = await makeGroup(t.api, (await makeCommunity(t.api)).id);
    await t.client().withHeaders(BROWSER).get(`/l/${c.code}?g=${foreign.id}`);
    const s = (await t.api.get(`/api/v1/links/${c.id}`)).body;
    expect(s.clicks).toBe(3);
    expect(s.byGroup).toEqual(expect.arrayContaining([{ groupId: other.id, clicks: 1 }, { groupId: null, clicks: 2 }]));
  });

  it('answers 404 to an unknown or malformed code, and hides links from other workspaces and scopes', async () => {
    expectProblem(await t.client().get('/l/zzzzzzz'), 404);
    expectProblem(await t.client().get(`/l/${'x'.repeat(64)}`), 404);
    expectProblem(await t.client().get('/l/%00%ff'), 400, 'url');
    const b = await otherWorkspace(t, 'links-b');
    expectProblem(await b.api.get(`/api/v1/links/${link.id}`), 404);
    expect((await b.api.get('/api/v1/links')).body.items).toEqual([]);
    expectProblem(await b.api.post('/api/v1/links', { url: 'https://example.com', groupId: group.id }), 400, 'groupId');
    const scoped = await mintToken(t, 'operator', { communities: [(await makeCommunity(t.api)).id] });
    expectProblem(await scoped.client.get(`/api/v1/links/${link.id}`), 404);
    expectProblem(await scoped.client.post('/api/v1/links', { url: 'https://example.com' }), 400, 'groupId');
    const analyst = await mintToken(t, 'analyst');
    expectProblem(await analyst.client.post('/api/v1/links', { url: 'https://example.com', groupId: group.id }), 403);
    expectStatus(await analyst.client.get(`/api/v1/links/${link.id}`), 200);
  });
});
