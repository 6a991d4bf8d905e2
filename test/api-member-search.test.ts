// Member search: text (names, handles, phones, e-mail), structured filters, sorting and cursor paging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { allPages, expectProblem, expectStatus, makeCommunity, makeGroup, makeMember } from './helpers/api.ts';

let t: TestServer;
const m: any[] = [];
let g1: any;
let g2: any;
const day = (i: number) => new Date(Date.UTC(2024, 0, 1 + i, 8)).toISOString();

beforeAll(async () => {
  t = await startTestServer();
  const c = await makeCommunity(t.api);
  g1 = await makeGroup(t.api, c.id);
  g2 = await makeGroup(t.api, c.id);
  const specs: Record<string, unknown>[] = [
    { displayName: '张三丰', phone: '13812345678', tags: ['VIP', '太极'], city: '上海', circle: 'leader', stage: 'activated', email: 'zsf@wudang.cn', identities: [{ platform: 'wechat', externalId: 'w0', handle: 'Taiji_Master' }], memberships: [{ groupId: g1.id }] },
    { displayName: '张伟', phone: '13987655678', tags: ['VIP'], city: '北京', circle: 'public', stage: 'acquired', memberships: [{ groupId: g2.id }] },
    { displayName: '欧阳娜娜', phone: '15000001234', tags: ['明星'], city: '上海', circle: 'media', stage: 'nurtured', identities: [{ platform: 'qq', externalId: 'q2', handle: 'nana_ouyang' }], memberships: [{ groupId: g1.id }] },
    { displayName: '王', phone: '13811112222', city: '深圳', circle: 'kin', stage: 'monetized' },
    { displayName: 'Alice Smith', email: 'alice@example.com', tags: ['vip'], city: '上海', circle: 'leader', stage: 'activated', identities: [{ platform: 'telegram', externalId: 't4', handle: 'alice_wonder' }], memberships: [{ groupId: g2.id }] },
    { displayName: '李三', phone: '17712345678', city: '上海', circle: 'leader', stage: 'nurtured' },
    { displayName: '三毛', city: '台北' },
    { displayName: 'Hans Müller', phone: '+49 151 1234 5678' },
    { displayName: '100%纯', city: '广州' },
    { displayName: 'a_b' },
  ];
  for (const [i, s] of specs.entries()) m.push(await makeMember(t.api, { ...s, joinedAt: day(i) }));
  // Ten more to page through, two of them sharing one instant with each other.
  for (let i = 10; i < 20; i++) m.push(await makeMember(t.api, { displayName: `路人${i}`, joinedAt: day(i === 15 ? 14 : i) }));
});
afterAll(async () => t?.stop());

const ids = (...idx: number[]) => idx.map((i) => m[i].id);
async function search(q: string): Promise<string[]> {
  const r = await t.api.get(`/api/v1/members?limit=200&${q}`);
  expectStatus(r, 200);
  expect(r.body.nextCursor).toBeNull();
  return r.body.items.map((x: any) => x.id);
}
const text = (q: string, extra = '') => search(`q=${encodeURIComponent(q)}${extra}`);

describe('member search by text', () => {
  it('finds names by one and two Chinese characters and by longer parts', async () => {
    expect(await text('张')).toEqual(ids(1, 0));
    expect(await text('三')).toEqual(ids(6, 5, 0));
    expect(await text('王')).toEqual(ids(3));
    expect(await text('张伟')).toEqual(ids(1));
    expect(await text('三丰')).toEqual(ids(0));
    expect(await text('张三丰')).toEqual(ids(0));
    expect(await text('欧阳娜娜')).toEqual(ids(2));
    expect(await text('阳娜娜')).toEqual(ids(2));
    expect(await text('张三疯')).toEqual([]);
    expect(await text('alice')).toEqual(ids(4));
    expect(await text('SMITH')).toEqual(ids(4));
    expect(await text('Müller')).toEqual(ids(7));
  });

  it('finds handles by substring, case-insensitively', async () => {
    expect(await text('wonder')).toEqual(ids(4));
    expect(await text('taiji')).toEqual(ids(0));
    expect(await text('MASTER')).toEqual(ids(0));
    expect(await text('ji_ma')).toEqual(ids(0));
    expect(await text('ouyang')).toEqual(ids(2));
    expect(await text('jix')).toEqual([]);
  });

  it('finds phones by a 3- or 7-digit prefix, the last four digits, or the whole number', async () => {
    expect(await text('138')).toEqual(ids(3, 0));
    expect(await text('150')).toEqual(ids(2));
    expect(await text('1381234')).toEqual(ids(0));
    expect(await text('1381111')).toEqual(ids(3));
    expect(await text('5678')).toEqual(ids(7, 5, 1, 0));
    expect(await text('1234')).toEqual(ids(2));
    expect(await text('13812345678')).toEqual(ids(0));
    expect(await text('138-1234-5678')).toEqual(ids(0));
    expect(await text('13812')).toEqual(ids(0));
    expect(await text('139876556')).toEqual(ids(1));
    expect(await text('13812345679')).toEqual([]);
  });

  it('finds a phone written with its country code', async () => {
    expect(await text('+8613812345678')).toEqual(ids(0));
    expect(await text('+4915112345678')).toEqual(ids(7));
    expect(await text('4915112345678')).toEqual(ids(7));
    expect(await text('49151')).toEqual(ids(7));
  });

  it('finds an e-mail address exactly, in any case', async () => {
    expect(await text('zsf@wudang.cn')).toEqual(ids(0));
    expect(await text('ALICE@Example.com')).toEqual(ids(4));
    expect(await text('alice@example')).toEqual([]);
  });

  it('treats LIKE wildcards and SQL as plain text', async () => {
    expect(await text('%')).toEqual(ids(8));
    expect(await text('0%纯')).toEqual(ids(8));
    expect(await text('a_b')).toEqual(ids(9));
    expect(await text('_')).toEqual(ids(9));
    expect(await text('%%%')).toEqual([]);
    expect(await text("' OR 1=1 --")).toEqual([]);
    expect(await text("'; DROP TABLE members; --")).toEqual([]);
    expect((await search('')).length).toBe(20);
  });

  it('follows changes of name, handle and group', async () => {
    const x = await makeMember(t.api, { displayName: '临时工', joinedAt: day(40) });
    expect(await text('临时')).toEqual([x.id]);
    expectStatus(await t.api.patch(`/api/v1/members/${x.id}`, { displayName: '正式工' }), 200);
    expect(await text('临时')).toEqual([]);
    expect(await text('正式工')).toEqual([x.id]);
    const withIdn = await t.api.post(`/api/v1/members/${x.id}/identities`, { platform: 'slack', externalId: 's1', handle: 'zhengshi_gong' });
    expect(await text('zhengshi')).toEqual([x.id]);
    expectStatus(await t.api.delete(`/api/v1/identities/${withIdn.body.identities[0].id}`), 204);
    expect(await text('zhengshi')).toEqual([]);
    const j = await t.api.post(`/api/v1/members/${x.id}/memberships`, { groupId: g2.id });
    expect(await search(`groupId=${g2.id}`)).toEqual([x.id, ...ids(4, 1)]);
    expectStatus(await t.api.patch(`/api/v1/memberships/${j.body.id}`, { leftAt: new Date(Date.now() + 1000).toISOString() }), 200);
    expect(await search(`groupId=${g2.id}`)).toEqual(ids(4, 1));
    expectStatus(await t.api.delete(`/api/v1/members/${x.id}`), 204);
    expect(await text('正式工')).toEqual([]);
  });
});

describe('member search by filters', () => {
  it('filters by tag (all tags must match, any case), city, circle, stage and group', async () => {
    expect(await search('tag=VIP')).toEqual(ids(4, 1, 0));
    expect(await search('tag=vip')).toEqual(ids(4, 1, 0));
    expect(await search(`tag=${encodeURIComponent('VIP,太极')}`)).toEqual(ids(0));
    expect(await search(`tag=VIP&tag=${encodeURIComponent('太极')}`)).toEqual(ids(0));
    expect(await search(`tag=${encodeURIComponent('明星')}`)).toEqual(ids(2));
    expect(await search(`city=${encodeURIComponent('上海')}`)).toEqual(ids(5, 4, 2, 0));
    expect(await search('circle=leader')).toEqual(ids(5, 4, 0));
    expect(await search('stage=nurtured')).toEqual(ids(5, 2));
    expect(await search('circle=leader&stage=activated')).toEqual(ids(4, 0));
    expect(await search(`groupId=${g1.id}`)).toEqual(ids(2, 0));
    expect(await search('groupId=grp_missing')).toEqual([]);
    expect(await search(`city=${encodeURIComponent('火星')}`)).toEqual([]);
  });

  it('filters by joined range, inclusive at both ends', async () => {
    expect(await search(`joinedFrom=${day(1)}&joinedTo=${day(3)}`)).toEqual(ids(3, 2, 1));
    expect(await search(`joinedFrom=${day(18)}`)).toEqual(ids(19, 18));
    expect(await search(`joinedTo=${day(0)}`)).toEqual(ids(0));
    expect(await search(`joinedFrom=${encodeURIComponent('2024-01-02T16:00:00+08:00')}&joinedTo=${encodeURIComponent('2024-01-03T16:00:00+08:00')}`)).toEqual(ids(2, 1));
    expect(await search(`joinedFrom=${day(5)}&joinedTo=${day(4)}`)).toEqual([]);
  });

  it('combines text with filters', async () => {
    expect(await text('张', `&city=${encodeURIComponent('北京')}`)).toEqual(ids(1));
    expect(await text('三', '&circle=leader')).toEqual(ids(5, 0));
    expect(await text('138', '&stage=monetized')).toEqual(ids(3));
    expect(await text('5678', '&tag=VIP')).toEqual(ids(1, 0));
    expect(await text('5678', `&groupId=${g1.id}`)).toEqual(ids(0));
    expect(await text('三', `&joinedFrom=${day(1)}&joinedTo=${day(5)}`)).toEqual(ids(5));
    expect(await text('a', `&city=${encodeURIComponent('上海')}&tag=vip&circle=leader&stage=activated&groupId=${g2.id}`)).toEqual(ids(4));
    expect(await search(`tag=VIP&city=${encodeURIComponent('上海')}&groupId=${g1.id}`)).toEqual(ids(0));
  });

  it('sorts newest first by default and oldest first on request', async () => {
    const desc = await search('');
    const asc = await search('sort=joinedAt');
    expect(asc).toEqual([...desc].reverse());
    expect(await search('sort=-joinedAt')).toEqual(desc);
    expect(await search('sort=joinedAt&circle=leader')).toEqual(ids(0, 4, 5));
    expect(await text('三', '&sort=joinedAt')).toEqual(ids(0, 5, 6));
    // Ties on joinedAt are broken by id, the same way in both directions.
    const tie = [m[14].id, m[15].id].sort();
    const ascTie = asc.filter((id) => tie.includes(id));
    expect(ascTie).toEqual(tie);
    expect(desc.filter((id) => tie.includes(id))).toEqual([...tie].reverse());
  });
});

describe('member search paging', () => {
  it('continues page 2 exactly where page 1 stopped, in both directions, with no duplicates or gaps', async () => {
    for (const sort of ['-joinedAt', 'joinedAt']) {
      const full = await search(`sort=${sort}`);
      expect(full).toHaveLength(20);
      const p1 = await t.api.get(`/api/v1/members?sort=${sort}&limit=3`);
      expect(p1.body.items.map((x: any) => x.id)).toEqual(full.slice(0, 3));
      const p2 = await t.api.get(`/api/v1/members?sort=${sort}&limit=3&cursor=${p1.body.nextCursor}`);
      expect(p2.body.items.map((x: any) => x.id)).toEqual(full.slice(3, 6));
      for (const limit of [1, 2, 3, 7, 19, 20]) {
        const paged = await allPages(t.api, `/api/v1/members?sort=${sort}&limit=${limit}`);
        expect(paged.items.map((x: any) => x.id)).toEqual(full);
        expect(paged.pages).toBe(Math.ceil(20 / limit));
      }
    }
  });

  it('pages text and filtered results the same way', async () => {
    const p = await allPages(t.api, '/api/v1/members?q=5678&limit=1');
    expect(p.items.map((x: any) => x.id)).toEqual(ids(7, 5, 1, 0));
    expect(p.pages).toBe(4);
    const s = await allPages(t.api, `/api/v1/members?q=${encodeURIComponent('三')}&limit=2&sort=joinedAt`);
    expect(s.items.map((x: any) => x.id)).toEqual(ids(0, 5, 6));
    const c = await allPages(t.api, `/api/v1/members?city=${encodeURIComponent('上海')}&limit=3`);
    expect(c.items.map((x: any) => x.id)).toEqual(ids(5, 4, 2, 0));
    const r = await allPages(t.api, `/api/v1/members?joinedFrom=${day(10)}&limit=4&sort=joinedAt`);
    expect(r.items.map((x: any) => x.id)).toEqual(m.slice(10).map((x) => x.id).sort((a, b) => {
      const ja = Date.parse(m.find((y) => y.id === a).joinedAt);
      const jb = Date.parse(m.find((y) => y.id === b).joinedAt);
      return ja - jb || (a < b ? -1 : 1);
    }));
  });

  it('answers a full page with a cursor and the last page without one', async () => {
    const r = await t.api.get('/api/v1/members?limit=20');
    expect(r.body.items).toHaveLength(20);
    expect(r.body.nextCursor).toBeNull();
    const r2 = await t.api.get('/api/v1/members?limit=19');
    expect(r2.body.items).toHaveLength(19);
    expect(r2.body.nextCursor).toEqual(expect.any(String));
    const r3 = await t.api.get('/api/v1/members');
    expect(r3.body.items).toHaveLength(20);
  });

  it('rejects limits out of bounds and cursors it did not issue', async () => {
    for (const bad of ['Infinity', '-Infinity', '0', '-1', 'abc', '201', '1.5', '1e3', '', 'NaN']) {
      expectProblem(await t.api.get(`/api/v1/members?limit=${bad}`), 400, 'querystring.limit', 'validation.failed');
    }
    expectStatus(await t.api.get('/api/v1/members?limit=200'), 200);
    expectStatus(await t.api.get('/api/v1/members?limit=1'), 200);
    const forged = [
      'abc', 'bm90IGpzb24', Buffer.from('[1]').toString('base64url'), Buffer.from('["x","mem_a"]').toString('base64url'),
      Buffer.from('[1,2]').toString('base64url'), Buffer.from(`[1,"${'x'.repeat(100)}"]`).toString('base64url'), Buffer.from('{"a":1}').toString('base64url'),
    ];
    for (const c of forged) expectProblem(await t.api.get(`/api/v1/members?cursor=${c}`), 400, 'cursor', 'validation.failed');
    expectProblem(await t.api.get(`/api/v1/members?cursor=${'a'.repeat(201)}`), 400, 'querystring.cursor');
    expectProblem(await t.api.get('/api/v1/members?sort=name'), 400, 'querystring.sort');
    expectProblem(await t.api.get('/api/v1/members?circle=inner'), 400, 'querystring.circle');
    expectProblem(await t.api.get('/api/v1/members?stage=x'), 400, 'querystring.stage');
    expectProblem(await t.api.get('/api/v1/members?joinedFrom=2024-01-01'), 400, 'querystring.joinedFrom');
    expectProblem(await t.api.get(`/api/v1/members?q=${'x'.repeat(101)}`), 400, 'querystring.q');
    expectProblem(await t.api.get('/api/v1/members?q=%20%20'), 400, 'querystring.q');
    expectProblem(await t.api.get('/api/v1/members?q=a&q=b'), 400, 'querystring.q');
    expectProblem(await t.api.get(`/api/v1/members?tag=${Array.from({ length: 11 }, (_, i) => `t${i}`).join(',')}`), 400, 'querystring.tag');
    expectProblem(await t.api.get('/api/v1/members?name=x'), 400, 'querystring');
  });
});
