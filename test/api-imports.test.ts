// Chat-history imports through the API (the console's upload): the export streamed as the body, the import
// running in the background, its progress and report read back; the same file again adds nothing; a broken
// file ends as a failed import that kept nothing.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './helpers/server.ts';
import { expectProblem, expectStatus, mintToken, waitFor } from './helpers/api.ts';

const SAMPLE = new URL('../../shared/fixtures/telegram/pujangga-kode-2.json', import.meta.url).pathname;
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t?.stop());

const upload = (body: Uint8Array | string, q: string) => t.api.request('POST', `/api/v1/imports?${q}`, body, { 'content-type': 'application/octet-stream' });
const finished = (id: string) => waitFor(async () => {
  const r = await t.api.get(`/api/v1/imports/${id}`);
  return r.body.status !== 'running' && r.body;
}, 30_000);

describe('POST /api/v1/imports', () => {
  it('imports an uploaded Telegram export in the background and reports what it held and added', async () => {
    const bytes = fs.readFileSync(SAMPLE);
    const whole = JSON.parse(bytes.toString('utf8'));
    const r = await upload(bytes, 'format=telegram&name=result.json');
    expectStatus(r, 202);
    expect(r.body).toMatchObject({ format: 'telegram', fileName: 'result.json', bytesTotal: bytes.length, createdBy: expect.any(String) });
    const done = await finished(r.body.id);
    expect(done).toMatchObject({
      status: 'completed', error: null, recordsDone: whole.messages.length + 1,
      added: { groups: 1, messages: whole.messages.length, service_events: 0 },
      report: { groups: 1, messages: whole.messages.length, skipped: 0, members: new Set(whole.messages.map((m: any) => m.from_id)).size },
    });
    expect(done.bytesDone).toBeGreaterThan(bytes.length * 0.9);
    const groups = (await t.api.get('/api/v1/groups?platform=telegram')).body.items;
    expect(groups.map((g: any) => g.externalId)).toEqual([String(whole.id)]);
    // The same bytes again: nothing new.
    const again = await finished((await upload(bytes, 'format=telegram&name=result.json')).body.id);
    expect(again.added).toEqual({ groups: 0, members: 0, messages: 0, service_events: 0 });
    const list = (await t.api.get('/api/v1/imports')).body.items;
    expect(list.map((i: any) => i.id).slice(0, 2)).toEqual([again.id, done.id]);
  });

  it('ends a broken upload as a failed import that kept nothing, and refuses bad requests', async () => {
    const groupsBefore = (await t.api.get('/api/v1/groups')).body.items.length;
    const text = fs.readFileSync(SAMPLE, 'utf8');
    const cut = text.slice(0, Math.floor(text.length * 0.6));
    const r = await upload(cut.replace('"id": ', '"id": 9'), 'format=telegram&name=cut.json');
    expectStatus(r, 202);
    const failed = await finished(r.body.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^cut\.json: byte \d+: the file ends early, inside messages\.\* \(truncated\?\); nothing from this file was kept$/);
    expect((await t.api.get('/api/v1/groups')).body.items.length).toBe(groupsBefore);

    expectProblem(await upload('', 'format=telegram'), 400, 'body');
    expectProblem(await upload('{}', 'format=excel'), 400, 'querystring.format');
    const analyst = await mintToken(t, 'analyst');
    expectStatus(await analyst.client.get('/api/v1/imports'), 200);
    expectProblem(await analyst.client.request('POST', '/api/v1/imports?format=telegram', '{}', { 'content-type': 'application/json' }), 403);
  });
});
