// The web apps, built by `npm run build:web` into web/dist: the operator console at `/` and the member
// app at `/m/`. Hashed bundles under <base>assets/* are cached for good; any other GET that asks for HTML
// under an app's base gets its index.html, so deep links work (the console leaves the API, the docs, the
// member app and /healthz alone). Everything here is public: the apps sign in through the API.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '../../web/dist');
export const CONSOLE_DIR = join(DIST, 'console');
export const MEMBER_APP_DIR = join(DIST, 'member');

// antd injects its styles at run time, hence 'unsafe-inline' for styles only; scripts come from this origin.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

const notBuilt = (what: string, whatZh: string) => `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Shequn 社群</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto;padding:0 1em">
<h1>Shequn 社群</h1>
<p>${whatZh}尚未构建。请运行 <code>npm run build:web</code>，然后重启服务。</p>
<p>The ${what} has not been built. Run <code>npm run build:web</code> and restart the server.</p>
<p>The API is at <a href="/docs">/docs</a>.</p>
</body></html>`;

interface WebApp {
  dir: string;
  /** `/` or `/m/`. */
  base: string;
  /** Paths under the base that belong to someone else (the console's base is the whole site). */
  notMine?: RegExp;
  /** The second static registration must not decorate the reply again. */
  decorate: boolean;
  label: [en: string, zh: string];
}

async function registerWebApp(app: FastifyInstance, w: WebApp): Promise<void> {
  const built = existsSync(join(w.dir, 'index.html'));
  const sendIndex = (reply: FastifyReply) => {
    // Read each time (a small file): a rebuild while the server runs is picked up, not a stale bundle name.
    const indexHtml = built && existsSync(join(w.dir, 'index.html')) ? readFileSync(join(w.dir, 'index.html')) : null;
    if (!indexHtml) return reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(notBuilt(...w.label));
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .send(indexHtml);
  };
  const assets = `${w.base}assets/`;

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith(assets)) route.config = { ...(route.config as object), public: true };
  });
  if (built) {
    await app.register(fastifyStatic, {
      root: join(w.dir, 'assets'),
      prefix: assets,
      wildcard: true,
      index: false,
      immutable: true,
      maxAge: '365d',
      schemaHide: true,
      decorateReply: w.decorate,
    });
  }
  app.get(w.base, { config: { public: true }, schema: { hide: true } }, async (_req, reply) => sendIndex(reply));

  // Unknown paths reach the not-found handler; a browser navigating to one of the app's routes gets the app instead.
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.is404 || (req.method !== 'GET' && req.method !== 'HEAD')) return;
    const path = req.url.split('?')[0] ?? '/';
    if (!path.startsWith(w.base) || path.startsWith(assets) || w.notMine?.test(path) || !(req.headers.accept ?? '').includes('text/html')) return;
    return sendIndex(reply);
  });
}

/** Call before the auth hook is registered: the SPA fallback answers unknown app paths before auth sees them. */
export async function registerConsole(app: FastifyInstance, dir = CONSOLE_DIR): Promise<void> {
  await registerWebApp(app, { dir, base: '/', notMine: /^\/(api(\/|$)|docs(\/|$)|m(\/|$)|healthz(\/|$))/, decorate: true, label: ['operator console', '运营控制台'] });
}

/** The member web app at /m/ (mobile first): invites, the entry ritual, group chat. */
export async function registerMemberApp(app: FastifyInstance, dir = MEMBER_APP_DIR): Promise<void> {
  await registerWebApp(app, { dir, base: '/m/', decorate: false, label: ['member app', '成员端'] });
}
