import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.stop());

describe('smoke', () => {
  it('serves healthz and creates a community, group and member', async () => {
    expect((await t.client().get('/healthz')).status).toBe(200);
    const c = await t.api.post('/api/v1/communities', { name: '茶友会', purpose: 'brand' });
    expect(c.status).toBe(201);
    const g = await t.api.post('/api/v1/groups', { communityId: c.body.id, platform: 'wechat', name: '上海茶友1群', numbering: { scope: 'group', prefix: 'CY-', width: 4 } });
    expect(g.status).toBe(201);
    const m = await t.api.post('/api/v1/members', { displayName: '张三丰', city: '上海', phone: '13812345678', tags: ['VIP'], memberships: [{ groupId: g.body.id }] });
    expect(m.status).toBe(201);
    expect(m.body.memberships[0].numberDisplay).toBe('CY-0001');
    const s = await t.api.get('/api/v1/members?q=三丰');
    expect(s.body.items.map((x: any) => x.id)).toEqual([m.body.id]);
  });
});
