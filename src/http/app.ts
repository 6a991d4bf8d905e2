import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import FindMyWay from 'find-my-way';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config.ts';
import type { Clock, IdGenerator } from '../kernel/clock.ts';
import type { EventPublisher } from '../kernel/events.ts';
import { isReachable, type Db } from '../kernel/db/connect.ts';
import type { Logger } from '../kernel/logger.ts';
import { registerAuth } from './auth.ts';
import { registerConsole, registerMemberApp } from './web-apps.ts';
import { registerInputGuard } from './input-guard.ts';
import { builtinRoutes } from './routes/builtin.routes.ts';
import { engagementRoutes } from './routes/engagement.routes.ts';
import { importRoutes } from './routes/import.routes.ts';
import { identityRoutes } from './routes/identity.routes.ts';
import { integrationRoutes } from './routes/integration.routes.ts';
import { connectionRoutes } from './routes/connection.routes.ts';
import { linksRoutes } from './routes/links.routes.ts';
import { analyticsRoutes } from './routes/analytics.routes.ts';
import { planRoutes } from './routes/plan.routes.ts';
import { costsRoutes } from './routes/costs.routes.ts';
import { supportersRoutes } from './routes/supporters.routes.ts';
import { alertsRoutes } from './routes/alerts.routes.ts';
import { relayRoutes } from './routes/relay.routes.ts';
import { telegramWebhookRoutes } from './routes/telegram-webhook.routes.ts';
import type { SecretBox } from '../kernel/secrets.ts';
import { DiskFileStore, type FileStore } from '../kernel/files.ts';
import { registerJsonBody } from './json-body.ts';
import { problem, sendClientErrorProblem, sendProblem, toProblem } from './problem.ts';
import { activityRoutes } from './routes/activity.routes.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { communityRoutes } from './routes/community.routes.ts';
import { groupRoutes } from './routes/group.routes.ts';
import { joiningRoutes } from './routes/joining.routes.ts';
import { memberRoutes } from './routes/member.routes.ts';
import { operatorRoutes } from './routes/operator.routes.ts';
import { rulesRoutes } from './routes/rules.routes.ts';
import { statsRoutes } from './routes/stats.routes.ts';

export interface AppDeps {
  db: Db;
  config: Config;
  log: Logger;
  clock: Clock;
  ids: IdGenerator;
  /** Where domain events go (the real-time hub); see src/kernel/events.ts. */
  events?: EventPublisher;
  /** Where uploaded images go; a folder under the data directory when unset. */
  files?: FileStore;
  /** Seals and opens stored credentials (connections). */
  secrets(): SecretBox;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    bodyLimit: deps.config.bodyLimitBytes,
    routerOptions: { maxParamLength: 200, ignoreTrailingSlash: true },
    // The router rejects bad URLs before the error handler runs; answer them as problems too.
    frameworkErrors: (err, req, reply) => sendProblem(req, reply, toProblem(err)),
    // Requests Node's HTTP parser rejects (an unknown method, a malformed request line) never reach the
    // router; answer them as problems too instead of Fastify's plain JSON.
    clientErrorHandler: sendClientErrorProblem,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerJsonBody(app as unknown as FastifyInstance);
  registerInputGuard(app as unknown as FastifyInstance);
  app.setErrorHandler((err, req, reply) => {
    const p = toProblem(err);
    if (p.status >= 500) req.log.error({ err }, 'request failed');
    return sendProblem(req, reply, p);
  });

  // A second router that only knows which methods each path has, to answer 405 with Allow.
  const methodsByPath = FindMyWay();
  const allowed = new Map<string, Set<string>>();
  app.addHook('onRoute', (route) => {
    // The API documentation is public, like the OpenAPI document it renders.
    if (route.url.startsWith('/docs')) route.config = { ...(route.config as object), public: true };
    const methods = (Array.isArray(route.method) ? route.method : [route.method]).filter((m) => m !== 'HEAD' && m !== 'OPTIONS');
    let set = allowed.get(route.url);
    if (!set) {
      set = new Set();
      allowed.set(route.url, set);
      methodsByPath.on('GET', route.url, () => {}, { url: route.url });
    }
    methods.forEach((m) => set!.add(m));
  });
  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0] ?? '/';
    const hit = methodsByPath.find('GET', path);
    const methods = hit ? allowed.get((hit.store as { url: string }).url) : undefined;
    if (methods && !methods.has(req.method)) {
      reply.header('allow', [...methods].join(', '));
      return sendProblem(req, reply, problem(405, 'method.not_allowed', `${req.method} is not allowed here; use ${[...methods].join(', ')}`));
    }
    return sendProblem(req, reply, problem(404, 'not_found', `No resource at ${path.slice(0, 200)}`));
  });

  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => ({ statusCode: 429, message: `Too many sign-in attempts; try again in ${Math.ceil(ctx.ttl / 1000)} s` }),
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'Shequn API', version: '1', description: '社群营销运营平台 Shequn: communities, groups, members, activities. Errors are application/problem+json (RFC 9457). Live events (activity.created per group and per workspace, with resume cursors) stream over the WebSocket at /api/v1/realtime; see docs/realtime.md.' },
      components: {
        securitySchemes: {
          bearerAuth: { type: 'http', scheme: 'bearer', description: 'An API token from `shequn token create` or POST /api/v1/tokens' },
          cookieAuth: { type: 'apiKey', in: 'cookie', name: 'shequn_session', description: 'The session cookie from sign-in; writes also need the X-CSRF-Token header' },
          memberCookie: { type: 'apiKey', in: 'cookie', name: 'shequn_member', description: "The member app's session, set by the first join through an invite; writes also need X-CSRF-Token (from GET /api/v1/me)" },
          telegramWebhookSecret: { type: 'apiKey', in: 'header', name: 'X-Telegram-Bot-Api-Secret-Token', description: "The secret_token this server gave Telegram with setWebhook for one connection (webhook mode); Telegram sends it with every update" },
        },
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });
  // The operator console at / and the member app at /m/ (before auth: their pages are public; the API behind them is not).
  await registerConsole(app as unknown as FastifyInstance);
  await registerMemberApp(app as unknown as FastifyInstance);

  registerAuth(app as unknown as FastifyInstance, { db: deps.db.kysely, sqlite: deps.db.sqlite, clock: deps.clock, ids: deps.ids, events: deps.events });

  app.get('/healthz', { config: { public: true }, schema: { hide: true } }, async (_req, reply) => {
    const ok = await isReachable(deps.db);
    return reply.code(ok ? 200 : 503).send({ status: ok ? 'ok' : 'database unreachable', dialect: deps.db.dialect });
  });
  app.get('/api/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());

  authRoutes(app, deps);
  operatorRoutes(app);
  communityRoutes(app, deps);
  groupRoutes(app);
  memberRoutes(app);
  activityRoutes(app);
  statsRoutes(app);
  rulesRoutes(app);
  joiningRoutes(app, deps);
  engagementRoutes(app);
  importRoutes(app, deps);
  identityRoutes(app);
  integrationRoutes(app, deps);
  connectionRoutes(app, deps);
  telegramWebhookRoutes(app, deps);
  relayRoutes(app, deps);
  linksRoutes(app, deps);
  analyticsRoutes(app);
  planRoutes(app);
  costsRoutes(app);
  supportersRoutes(app);
  alertsRoutes(app);
  builtinRoutes(app, { ...deps, files: deps.files ?? new DiskFileStore(deps.config.uploadsDir) });

  return app as unknown as FastifyInstance;
}
