// The operator console (web/console, built by `npm run build:web` into web/dist/console) served at `/`.
// Hashed bundles under /assets/* are cached for good; any other GET that asks for HTML and is not the
// API, the docs, the member app (/m/) or /healthz gets index.html, so deep links into the console work.
// Everything here is public: the console signs in through the API, which does the checking.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';

export const CONSOLE_DIR = join(dirname(fileURLToPath(import.meta.url)), '../../web/dist/console');

const NOT_CONSOLE = /^\/(api(\/|$)|docs(\/|$)|m(\/|$)|healthz(\/|$)|assets\/)/;

// antd injects its styles at run time, hence 'unsafe-inline' for styles only; scripts come from this origin.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

const NOT_BUILT = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Shequn 社群</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto">
<h1>Shequn 社群</h1>
<p>运营控制台尚未构建。请运行 <code>npm run build:web</code>，然后重启服务。</p>
<p>The operator console has not been built. Run <code>npm run build:web</code> and restart the server.</p>
<p>The API is at <a href="/docs">/docs</a>.</p>
</body></html>`;

/** Call before the auth hook is registered: the SPA fallback answers unknown console paths before auth sees them. */
export async function registerConsole(app: FastifyInstance, dir = CONSOLE_DIR): Promise<void> {
  const built = existsSync(join(dir, 'index.html'));
  const sendIndex = (reply: FastifyReply) => {
    // Read each time (a small file): a rebuild while the server runs is picked up, not a stale bundle name.
    const indexHtml = built && existsSync(join(dir, 'index.html')) ? readFileSync(join(dir, 'index.html')) : null;
    if (!indexHtml) return reply.code(200).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(NOT_BUILT);
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'same-origin')
      .send(indexHtml);
  };

  app.addHook('onRoute', (route) => {
    if (route.url.startsWith('/assets/')) route.config = { ...(route.config as object), public: true };
  });
  if (built) {
    await app.register(fastifyStatic, {
      root: join(dir, 'assets'),
      prefix: '/assets/',
      wildcard: true,
      index: false,
      immutable: true,
      maxAge: '365d',
      schemaHide: true,
    });
  }
  app.get('/', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => sendIndex(reply));

  // Unknown paths reach the not-found handler; a browser navigating to a console route gets the app instead.
  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.is404 || (req.method !== 'GET' && req.method !== 'HEAD')) return;
    const path = req.url.split('?')[0] ?? '/';
    if (NOT_CONSOLE.test(path) || !(req.headers.accept ?? '').includes('text/html')) return;
    return sendIndex(reply);
  });
}
