// Serving the console: the SPA fallback stays off the API, docs, member app and health paths, and a
// server started without a build says how to make one.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerConsole } from './console.ts';

async function appWith(dir: string) {
  const app = Fastify();
  await registerConsole(app, dir);
  app.get('/api/v1/thing', async () => ({ ok: true }));
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ problem: 'not_found' }));
  await app.ready();
  return app;
}

describe('console serving', () => {
  it('answers / with a hint to build when web/dist/console is missing', async () => {
    const app = await appWith(join(tmpdir(), 'shequn-no-console-here'));
    const r = await app.inject({ url: '/', headers: { accept: 'text/html' } });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/html/);
    expect(r.body).toContain('npm run build:web');
    await app.close();
  });

  it('serves index.html for console paths and assets, and leaves other paths to the not-found handler', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shequn-console-'));
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(dir, 'assets', 'app-abc.js'), 'console.log(1)');
    const app = await appWith(dir);
    const html = { accept: 'text/html,application/xhtml+xml' };
    for (const url of ['/', '/members', '/team?tab=audit', '/positioning/deep/link']) {
      const r = await app.inject({ url, headers: html });
      expect(r.statusCode, url).toBe(200);
      expect(r.body, url).toContain('<div id="root">');
      expect(r.headers['content-security-policy'], url).toContain("script-src 'self'");
    }
    const asset = await app.inject({ url: '/assets/app-abc.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    for (const url of ['/api/v1/nothing', '/api', '/docs/x', '/m/', '/m/home', '/healthz/x', '/assets/missing.js']) {
      const r = await app.inject({ url, headers: html });
      expect(r.statusCode, url).toBe(404);
      expect(r.json(), url).toEqual({ problem: 'not_found' });
    }
    // Not a page request (no text/html), or not a GET: not the console's business.
    expect((await app.inject({ url: '/members', headers: { accept: 'application/json' } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/members', headers: html })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/v1/thing', headers: html })).json()).toEqual({ ok: true });
    await app.close();
  });
});
