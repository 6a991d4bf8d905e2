// Serving the web apps: the console's SPA fallback stays off the API, docs, member app and health paths,
// the member app answers under /m/, and a server started without a build says how to make one.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerConsole, registerMemberApp } from './web-apps.ts';

async function appWith(dir: string, memberDir = join(tmpdir(), 'shequn-no-member-app-here')) {
  const app = Fastify();
  await registerConsole(app, dir);
  await registerMemberApp(app, memberDir);
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
    for (const url of ['/api/v1/nothing', '/api', '/docs/x', '/healthz/x', '/assets/missing.js']) {
      const r = await app.inject({ url, headers: html });
      expect(r.statusCode, url).toBe(404);
      expect(r.json(), url).toEqual({ problem: 'not_found' });
    }
    // Not a page request (no text/html), or not a GET: not the console's business.
    expect((await app.inject({ url: '/members', headers: { accept: 'application/json' } })).statusCode).toBe(404);
    expect((await app.inject({ method: 'POST', url: '/members', headers: html })).statusCode).toBe(404);
    expect((await app.inject({ url: '/api/v1/thing', headers: html })).json()).toEqual({ ok: true });
    // The member app's paths are the member app's, built or not.
    const m = await app.inject({ url: '/m/join/abc', headers: html });
    expect(m.body).toContain('npm run build:web');
    await app.close();
  });

  it('serves the member app at /m/ with its own index and assets', async () => {
    const consoleDir = mkdtempSync(join(tmpdir(), 'shequn-console-'));
    writeFileSync(join(consoleDir, 'index.html'), '<div id="console">');
    mkdirSync(join(consoleDir, 'assets'));
    const memberDir = mkdtempSync(join(tmpdir(), 'shequn-member-'));
    mkdirSync(join(memberDir, 'assets'));
    writeFileSync(join(memberDir, 'index.html'), '<div id="member">');
    writeFileSync(join(memberDir, 'assets', 'm-1.js'), 'm()');
    const app = await appWith(consoleDir, memberDir);
    const html = { accept: 'text/html' };
    for (const url of ['/m/', '/m/join/abc', '/m/g/grp_1', '/m/me']) {
      const r = await app.inject({ url, headers: html });
      expect(r.body, url).toBe('<div id="member">');
      expect(r.headers['content-security-policy'], url).toContain("connect-src 'self'");
    }
    expect((await app.inject({ url: '/m/assets/m-1.js' })).body).toBe('m()');
    expect((await app.inject({ url: '/m/assets/nope.js', headers: html })).statusCode).toBe(404);
    expect((await app.inject({ url: '/members', headers: html })).body).toBe('<div id="console">');
    await app.close();
  });
});
