// Hostile input, walked over every operation of the OpenAPI document: wrong types, missing fields, huge,
// deep, malformed and mis-typed bodies, prototype pollution, injection strings in paths, queries and bodies,
// bad URLs and unknown methods. Never a 5xx; every 4xx is a problem; the database is unchanged afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type Reply, type TestServer } from './helpers/server.ts';
import {
  dbSnapshot, expectClientProblem, expectProblem, expectStatus, fill, makeFixture, openApiOperations, type DbSnapshot, type Fixture, type OpenApiOperation,
} from './helpers/api.ts';

let t: TestServer;
let fx: Fixture;
let ops: OpenApiOperation[];
let before: DbSnapshot;
const MISSING = 'zz_missing_0000';

beforeAll(async () => {
  t = await startTestServer();
  fx = await makeFixture(t, t.api, 'Hostile');
  ops = (await openApiOperations(t)).ops;
  before = await dbSnapshot(t);
});
afterAll(async () => t?.stop());

const bodySchema = (o: OpenApiOperation) => o.op.requestBody?.content?.['application/json']?.schema as { properties?: Record<string, any>; required?: string[] } | undefined;
const withBody = () => ops.filter((o) => bodySchema(o));
/** Image uploads, chat exports and finance sheets take raw bytes, not JSON (their own hostile inputs are in api-member-app, api-imports, api-plans, api-costs and api-analytics). */
const rawBody = (o: OpenApiOperation) => o.path.endsWith('/uploads') || o.path === '/api/v1/imports' || o.path.endsWith('/import');
const writes = () => ops.filter((o) => o.method !== 'GET' && !rawBody(o));
/** The member app's operations answer only to a member session: the fixture's joiner. */
const via = (o: OpenApiOperation) => ((o.op.security ?? []).some((s: Record<string, unknown>) => 'memberCookie' in s) ? fx.memberClient : t.api);
const urlOf = (o: OpenApiOperation, id = MISSING) => fill(o.path, id);
const label = (o: OpenApiOperation, extra = '') => `${o.method} ${o.path}${extra ? ` [${extra}]` : ''}`;

/** Never a 5xx, and any 4xx is a well-formed problem. */
function safe(r: Reply, what: string): void {
  expect(r.status, `${what}: ${r.status} ${r.text.slice(0, 300)}`).toBeLessThan(500);
  if (r.status >= 400) expectClientProblem(r, what);
}

/** Runs the checks a few at a time: thousands of requests in a few seconds, without flooding the server. */
async function inParallel<T>(items: T[], fn: (item: T) => Promise<void>, width = 8): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

const cross = <A, B>(as: A[], bs: B[]): [A, B][] => as.flatMap((a) => bs.map((b) => [a, b] as [A, B]));

async function expectUnchanged(): Promise<void> {
  const after = await dbSnapshot(t);
  expect(after.counts).toEqual(before.counts);
  expect(after.audit).toBe(before.audit);
  expect(after.rows).toEqual(before.rows);
}

const INJECTIONS = [
  "' OR 1=1 --", "1; DROP TABLE members; --", '" OR ""="', "') UNION SELECT * FROM api_tokens --", '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>',
  '{{7*7}}', '${jndi:ldap://127.0.0.1/a}', '$(rm -rf /)', '`id`', '../../../../etc/passwd', '..\\..\\windows', 'a\u0000b', '\u0000', '%00', '%', '_', '*', '?', '#', '&', '=',
  'NULL', 'null', 'undefined', 'true', '0', '-1', '1e309', 'NaN', '__proto__', 'constructor', 'prototype', '[]', '{}', '😀👨‍👩‍👧', '\u202etxt.exe', 'e\u0301', 'ﷺ', '𠮷野家',
  '\u200b', '\ufeff', '\t\n\r', ' ', 'x'.repeat(64), 'x'.repeat(65), 'Ω'.repeat(150), 'x'.repeat(5000),
];

/** A shorter list for bodies, where every string field of every operation gets each one. */
const BODY_INJECTIONS = [
  "' OR 1=1 --", '1; DROP TABLE members; --', '<script>alert(1)</script>', '{{7*7}}', '${jndi:ldap://127.0.0.1/a}', '../../../../etc/passwd',
  'a\u0000b', '%', '_', 'null', '__proto__', '😀👨‍👩‍👧', '\u202etxt.exe', 'e\u0301', '\u200b', ' ', 'x'.repeat(65), 'x'.repeat(5000),
];

describe('the walk', () => {
  it('knows every operation of the document', () => {
    expect(ops.length).toBeGreaterThanOrEqual(33);
    expect(withBody().length).toBeGreaterThanOrEqual(18);
  });
});

describe('bodies', () => {
  const wrongValue = (s: any): unknown => {
    switch (s.type) {
      case 'string': return 12345;
      case 'integer':
      case 'number': return 'not a number';
      case 'boolean': return 'yes';
      case 'array': return 'not an array';
      case 'object': return 42;
      default: return undefined;
    }
  };

  it('rejects a wrong type in every field of every body, naming the field', async () => {
    const cases = withBody().flatMap((o) => Object.entries<any>(bodySchema(o)!.properties ?? {}).map(([prop, schema]) => [o, prop, schema] as const));
    expect(cases.length).toBeGreaterThan(80);
    await inParallel(cases, async ([o, prop, schema]) => {
      const value = wrongValue(schema);
      expect(value, `${label(o)} ${prop} has a type`).not.toBeUndefined();
      expectProblem(await via(o).request(o.method, urlOf(o), { [prop]: value }), 400, `body.${prop}`);
    });
    await expectUnchanged();
  });

  it('rejects a body of the wrong JSON type', async () => {
    await inParallel(cross(withBody(), ['[]', '"text"', '123', 'null', 'true', '[{}]']), async ([o, body]) => {
      expectProblem(await via(o).request(o.method, urlOf(o), body), 400, /^body/);
    });
    await expectUnchanged();
  });

  it('rejects missing required fields, naming each one', async () => {
    for (const o of withBody()) {
      const required = bodySchema(o)!.required ?? [];
      const r = await via(o).request(o.method, urlOf(o), {});
      if (required.length === 0 && !o.path.includes('{')) {
        // Nothing required and no id (the member's own profile): an empty change changes nothing.
        expectStatus(r, 200);
        continue;
      }
      if (required.length === 0) {
        // Nothing required: an empty change of an unknown id is a 404.
        expectProblem(r, 404, undefined, 'not_found');
        continue;
      }
      for (const field of required) expectProblem(r, 400, `body.${field}`);
    }
    await expectUnchanged();
  });

  it('rejects unknown fields', async () => {
    for (const o of withBody()) expectProblem(await via(o).request(o.method, urlOf(o), { unexpectedField: 1 }), 400, 'body');
    await expectUnchanged();
  });

  it('answers 413 to a body over 1 MiB on every write', async () => {
    const huge = JSON.stringify({ name: 'x'.repeat(1_100_000) });
    await inParallel(writes(), async (o) => expectProblem(await via(o).request(o.method, urlOf(o), huge), 413, undefined, 'payload.too_large'), 4);
    // Over the limit by a single byte.
    const exact = `{"name":"${'x'.repeat(1_048_576 - 10)}"}`;
    expect(Buffer.byteLength(exact)).toBe(1_048_577);
    expectProblem(await t.api.request('POST', '/api/v1/communities', exact), 413);
    await expectUnchanged();
  });

  it('rejects deeply nested bodies', async () => {
    const arrays = `${'['.repeat(50_000)}${']'.repeat(50_000)}`;
    const objects = `${'{"a":'.repeat(40)}1${'}'.repeat(40)}`;
    const inField = JSON.stringify({ name: 'x', purpose: 'brand', canvas: JSON.parse(objects) });
    await inParallel(cross(writes(), [arrays, objects]), async ([o, body]) => expectProblem(await via(o).request(o.method, urlOf(o), body), 400, 'body', 'payload.malformed'));
    expectProblem(await t.api.request('POST', '/api/v1/communities', inField), 400, 'body', 'payload.malformed');
    const payload = JSON.stringify({ kind: 'message', occurredAt: new Date().toISOString(), payload: JSON.parse(`${'{"a":'.repeat(32)}1${'}'.repeat(32)}`) });
    expectProblem(await t.api.request('POST', '/api/v1/activities', payload), 400, 'body', 'payload.malformed');
    await expectUnchanged();
  });

  it('rejects bodies that are not valid UTF-8', async () => {
    const bad = [
      new Uint8Array([0x7b, 0x22, 0x6e, 0x61, 0x6d, 0x65, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
      new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]),
      new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),
      new Uint8Array([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xe4, 0xb8, 0x22, 0x7d]),
      Buffer.from(new TextEncoder().encode('{"name":"社群"}').buffer.slice(0, 12)),
    ];
    await inParallel(cross(writes(), bad), async ([o, body]) => expectProblem(await via(o).request(o.method, urlOf(o), body), 400, 'body', 'payload.malformed'));
    await expectUnchanged();
  });

  it('rejects NUL characters and unpaired surrogates anywhere in a body, naming the field', async () => {
    const nul = (o: OpenApiOperation) => via(o).request(o.method, urlOf(o), '{"name":"a\\u0000b"}');
    for (const o of writes()) expectProblem(await nul(o), 400, 'body.name', 'payload.malformed');
    const cases: [string, string, string][] = [
      ['/api/v1/communities', '{"name":"a\\ud800b","purpose":"brand"}', 'body.name'],
      ['/api/v1/communities', '{"name":"\\udfff","purpose":"brand"}', 'body.name'],
      ['/api/v1/communities', '{"name":"ok","purpose":"brand","canvas":{"competitors":["x","\\u0000"]}}', 'body.canvas.competitors.1'],
      ['/api/v1/members', '{"displayName":"ok","tags":["a\\u0000"]}', 'body.tags.0'],
      ['/api/v1/activities', `{"kind":"message","occurredAt":"${new Date().toISOString()}","payload":{"k\\u0000":"v"}}`, 'body.payload'],
      ['/api/v1/activities', `{"kind":"message","occurredAt":"${new Date().toISOString()}","payload":{"k":["\\ud83d"]}}`, 'body.payload.k.0'],
      ['/api/v1/auth/sign-in', '{"email":"a@b.cn","password":"pw\\u0000"}', 'body.password'],
    ];
    for (const [url, body, field] of cases) expectProblem(await t.api.request('POST', url, body), 400, field, 'payload.malformed');
    // A well-formed surrogate pair is fine (checked in the round-trip test below); here only the failures.
    await expectUnchanged();
  });

  it('answers 415 to bodies that are not JSON', async () => {
    const types: [string, string][] = [
      ['text/plain', 'name=x'], ['text/plain; charset=utf-8', '{"name":"x"}'], ['multipart/form-data; boundary=xyz', '--xyz\r\nContent-Disposition: form-data; name="name"\r\n\r\nx\r\n--xyz--\r\n'],
      ['application/x-www-form-urlencoded', 'name=x&purpose=brand'], ['application/xml', '<name>x</name>'], ['application/octet-stream', 'xx'], ['application/jsonx', '{}'],
      ['text/json', '{}'], ['image/png', '\x89PNG'],
    ];
    await inParallel(cross(writes(), types), async ([o, [type, body]]) => {
      expectProblem(await via(o).request(o.method, urlOf(o), body, { 'content-type': type }), 415, 'content-type', 'payload.unsupported_media_type');
    });
    await expectUnchanged();
  });

  it('accepts JSON with parameters and the +json suffix', async () => {
    for (const type of ['application/json; charset=utf-8', 'application/json;charset=UTF-8', 'Application/JSON', 'application/merge-patch+json']) {
      const r = await t.api.request('PATCH', `/api/v1/communities/${MISSING}`, '{"name":"x"}', { 'content-type': type });
      expectProblem(r, 404, undefined, 'not_found');
    }
    await expectUnchanged();
  });

  it('rejects malformed JSON', async () => {
    const bodies = ['{"name":', "{'name':'x'}", '{name:"x"}', '[1,]', '{"a":1,}', '{} {}', 'NaN', 'undefined', '{"a":01}', '{"a":"\\x41"}', '\u0000', '{"a":"line\nbreak"}', ''];
    await inParallel(cross(writes(), bodies), async ([o, body]) => {
      expectProblem(await via(o).request(o.method, urlOf(o), body, { 'content-type': 'application/json' }), 400, 'body', 'payload.malformed');
    });
    await expectUnchanged();
  });

  it('refuses prototype-pollution keys', async () => {
    const bodies = [
      '{"__proto__":{"isAdmin":true}}', '{"name":"x","purpose":"brand","canvas":{"__proto__":{"polluted":1}}}', '{"constructor":{"prototype":{"polluted":1}}}',
      '[{"__proto__":{"x":1}}]', '{"activities":[{"kind":"message","occurredAt":"2024-01-01T00:00:00Z","payload":{"__proto__":{"x":1}}}]}',
    ];
    await inParallel(cross(writes(), bodies), async ([o, body]) => expectProblem(await via(o).request(o.method, urlOf(o), body), 400, 'body', 'payload.malformed'));
    expect(({} as any).isAdmin).toBeUndefined();
    expect(({} as any).polluted).toBeUndefined();
    await expectUnchanged();
  });

  it('survives injection strings in every string field (validation or 404 on an unknown id)', async () => {
    const cases: [OpenApiOperation, string, string][] = [];
    for (const o of withBody()) {
      for (const [prop, schema] of Object.entries(bodySchema(o)!.properties ?? {})) {
        if (schema.type === 'string') for (const s of BODY_INJECTIONS) cases.push([o, prop, s]);
      }
    }
    expect(cases.length).toBeGreaterThan(500);
    await inParallel(cases, async ([o, prop, s]) => {
      // An extra key keeps create operations from writing; changes aim at an unknown id.
      const r = await via(o).request(o.method, urlOf(o), { [prop]: s, ...(o.path.includes('{id}') && o.method === 'PATCH' ? {} : { unexpectedField: 1 }) });
      safe(r, `${label(o, prop)} = ${JSON.stringify(s).slice(0, 40)}`);
      expect(r.status).toBeGreaterThanOrEqual(400);
    });
    await expectUnchanged();
  }, 60_000);
});

describe('paths and query strings', () => {
  it('survives injection strings in every path parameter', async () => {
    const cases = ops.filter((o) => o.path.includes('{id}')).flatMap((o) => INJECTIONS.map((s) => [o, s] as const));
    await inParallel(cases, async ([o, s]) => {
      const body = o.method === 'GET' || o.method === 'DELETE' ? undefined : {};
      const r = await via(o).request(o.method, urlOf(o, s), body);
      safe(r, `${label(o)} id=${JSON.stringify(s).slice(0, 40)}`);
      expect([400, 404, 414], `${label(o)} id=${JSON.stringify(s).slice(0, 40)} → ${r.status}`).toContain(r.status);
    });
    await expectUnchanged();
  }, 60_000);

  it('answers a NUL in a path or query with 400 naming the parameter', async () => {
    expectProblem(await t.api.get('/api/v1/communities/a%00b'), 400, 'params.id');
    expectProblem(await t.api.delete('/api/v1/members/%00'), 400, 'params.id');
    expectProblem(await t.api.get('/api/v1/members?q=a%00b'), 400, 'querystring.q');
    expectProblem(await t.api.get('/api/v1/members?city=%00'), 400, 'querystring.city');
    expectProblem(await t.api.get('/api/v1/activities?kind=%00'), 400, 'querystring.kind');
    expectProblem(await t.api.get('/api/v1/audit-log?action=x%00'), 400, 'querystring.action');
    expectProblem(await t.api.get('/api/v1/members?tag=a,%00'), 400, 'querystring.tag');
    await expectUnchanged();
  });

  it('survives injection strings in every query parameter', async () => {
    const withQuery = ops.filter((o) => (o.op.parameters ?? []).some((p: any) => p.in === 'query'));
    expect(withQuery.length).toBeGreaterThanOrEqual(5);
    // Free text gets the whole list; enums, numbers and dates (refused by validation alike) the short one.
    const freeText = (p: any) => p.schema?.type === 'string' && !p.schema.enum && !p.schema.format;
    const cases = withQuery.flatMap((o) => o.op.parameters.filter((x: any) => x.in === 'query')
      .flatMap((p: any) => (freeText(p) ? INJECTIONS : BODY_INJECTIONS).map((s) => [o, p.name as string, s] as const)));
    expect(cases.length).toBeGreaterThan(1000);
    await inParallel(cases, async ([o, name, s]) => {
      const r = await via(o).get(`${urlOf(o, fx.group)}?${name}=${encodeURIComponent(s)}`);
      safe(r, `${label(o, name)} = ${JSON.stringify(s).slice(0, 40)}`);
      if (r.status === 200 && Array.isArray(r.body?.items)) {
        // A list that went through finds nothing it should not: injected text matches no row.
        if (['q', 'city', 'kind', 'action', 'actorId', 'memberId', 'communityId', 'groupSetId'].includes(name)) expect(r.body.items, `${name}=${s}`).toEqual([]);
      }
    });
    await expectUnchanged();
  }, 60_000);

  it('answers over-long path parameters with 400 or 414 and huge URLs with 431, as problems', async () => {
    expectProblem(await t.api.get(`/api/v1/members/${'m'.repeat(65)}`), 400, 'params.id');
    expectProblem(await t.api.get(`/api/v1/members/${'m'.repeat(200)}`), 400, 'params.id');
    expectProblem(await t.api.get(`/api/v1/members/${'m'.repeat(201)}`), 414);
    expectProblem(await t.api.patch(`/api/v1/groups/${'g'.repeat(5000)}`, { name: 'x' }), 414);
    expectProblem(await t.api.get(`/api/v1/members?q=${'q'.repeat(101)}`), 400, 'querystring.q');
    const huge = await t.api.get(`/api/v1/members?q=${'q'.repeat(40_000)}`);
    expectClientProblem(huge, 'a 40 kB URL');
    expect([414, 431]).toContain(huge.status);
    await expectUnchanged();
  });

  it('answers malformed percent-encoding in the path with 400, and survives it in the query', async () => {
    for (const bad of ['%', '%zz', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF', 'a%2', '%%30']) {
      for (const base of ['/api/v1/communities/', '/api/v1/members/', '/api/v1/phases/']) {
        expectProblem(await t.api.get(`${base}${bad}`), 400, 'url', 'payload.malformed');
      }
      const q = await t.api.get(`/api/v1/members?q=${bad}`);
      safe(q, `query ${bad}`);
      if (q.status === 200) expect(q.body.items).toEqual([]);
      safe(await t.api.get(`/api/v1/members?${bad}=1`), `query key ${bad}`);
    }
    await expectUnchanged();
  });

  it('answers unknown methods on known paths with 405 and Allow', async () => {
    const byPath = new Map<string, Set<string>>();
    for (const o of ops) (byPath.get(o.path) ?? byPath.set(o.path, new Set()).get(o.path)!).add(o.method);
    const template = (p: string) => new RegExp(`^${p.replace(/\{id\}/g, '[^/]+')}$`);
    let checked = 0;
    for (const [path, methods] of byPath) {
      const url = fill(path, fx.community);
      for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'PROPFIND', 'PURGE', 'LOCK', 'SEARCH', 'MKCOL']) {
        if (methods.has(m)) continue;
        // /members/export is also /members/{id} with the id "export": GET there looks for that member.
        const shadow = ops.find((o) => o.method === m && o.path !== path && template(o.path).test(url));
        if (shadow) {
          expectProblem(await t.api.request(m, url, m === 'GET' || m === 'DELETE' ? undefined : {}), 404, undefined, 'not_found');
          continue;
        }
        checked++;
        const r = await t.api.request(m, url);
        expectProblem(r, 405, undefined, 'method.not_allowed');
        expect(new Set(r.headers.get('allow')!.split(/,\s*/)), `${m} ${path}`).toEqual(methods);
        expect(r.body.detail).toContain(m);
      }
    }
    expect(checked).toBeGreaterThan(150);
    // HEAD answers where GET does, and is refused where it does not.
    expectStatus(await t.api.request('HEAD', '/api/v1/communities'), 200);
    const head = await t.api.request('HEAD', '/api/v1/auth/sign-out');
    expect(head.status).toBe(405);
    expect(head.headers.get('allow')).toBe('POST');
    // A method that is not HTTP at all never reaches the router, but is still answered as a problem.
    const foo = await t.api.request('FOO', '/api/v1/communities');
    expectClientProblem(foo, 'FOO');
    expect(foo.status).toBe(400);
    // Unknown paths are 404 problems for any method.
    expectProblem(await t.api.request('DELETE', '/api/v1/nothing-here'), 404, undefined, 'not_found');
    expectProblem(await t.api.get('/api/v2/communities'), 404, undefined, 'not_found');
    await expectUnchanged();
  });

  it('rejects repeated and unknown query parameters', async () => {
    expectProblem(await t.api.get('/api/v1/groups?limit=1&limit=2'), 400, 'querystring.limit');
    expectProblem(await t.api.get('/api/v1/activities?groupId=a&groupId=b'), 400, 'querystring.groupId');
    expectProblem(await t.api.get('/api/v1/members?__proto__=1'), 400, 'querystring');
    expectProblem(await t.api.get('/api/v1/members?constructor[prototype][x]=1'), 400, 'querystring');
    expect(({} as any).x).toBeUndefined();
    await expectUnchanged();
  });
});

describe('hostile strings that are valid', () => {
  it('stores and returns them exactly, and matches them as plain text', async () => {
    const storable = INJECTIONS.filter((s) => !s.includes('\u0000') && s.trim() === s && s.length > 0 && s.length <= 100);
    const made: [string, string][] = [];
    for (const s of storable) {
      const r = await t.api.post('/api/v1/communities', { name: s, purpose: 'brand', canvas: { tone: s.slice(0, 200), competitors: [s] } });
      expectStatus(r, 201);
      expect(r.body.name).toBe(s);
      made.push([r.body.id, s]);
    }
    for (const [id, s] of made) {
      const got = await t.api.get(`/api/v1/communities/${id}`);
      expect(got.body.name).toBe(s);
      expect(got.body.canvas.competitors).toEqual([s]);
    }
    const listed = (await t.api.get('/api/v1/communities')).body.items;
    expect(listed.length).toBe(before.counts.communities! + made.length);
    const m = await t.api.post('/api/v1/members', { displayName: "Robert'); DROP TABLE members;--", tags: ['<b>x</b>', '😀'], city: "' OR 1=1 --" });
    expectStatus(m, 201);
    expect((await t.api.get(`/api/v1/members?q=${encodeURIComponent("Robert')")}`)).body.items.map((x: any) => x.id)).toEqual([m.body.id]);
    expect((await t.api.get(`/api/v1/members?city=${encodeURIComponent("' OR 1=1 --")}`)).body.items.map((x: any) => x.id)).toEqual([m.body.id]);
    expect((await t.api.get(`/api/v1/members?tag=${encodeURIComponent('😀')}`)).body.items.map((x: any) => x.id)).toEqual([m.body.id]);
    const members = Number((await t.server.rt.db.kysely.selectFrom('members').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
    expect(members).toBe(before.counts.members! + 1);
  });
});
