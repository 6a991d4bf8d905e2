import type { FastifyInstance } from 'fastify';
import { buildApp } from './http/app.ts';
import { ensureDefaultWorkspace, openRuntime, type Runtime } from './bootstrap.ts';
import type { Config } from './config.ts';
import { createRealtime, type Realtime } from './realtime/index.ts';
import { startEngine, type Engine } from './engine.ts';
import { fanOut, type EventPublisher } from './kernel/events.ts';
import type { Clock } from './kernel/clock.ts';
import { ruleCacheListener } from './modules/rules/index.ts';

export interface RunningServer {
  app: FastifyInstance;
  rt: Runtime;
  realtime: Realtime;
  /** The rules runner and outbox worker (tests tick it by hand). */
  engine: Engine;
  url: string;
  close(): Promise<void>;
}

export async function startServer(config: Config, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`), opts: { clock?: Clock } = {}): Promise<RunningServer> {
  const rt = await openRuntime(config, opts);
  const { initialAdmin } = await ensureDefaultWorkspace(rt);
  const realtime = createRealtime(rt);
  // The rules runner's caches hear this process's changes at once (the hub carries them to the clients).
  // The engine hears them too (it starts below): a live session's speaker is relayed at once.
  let engineListener: EventPublisher | null = null;
  rt.events = fanOut(realtime.publisher, ruleCacheListener, { publish: (e) => engineListener?.publish(e) });
  const app = await buildApp(rt);
  realtime.attach(app.server);
  await app.listen({ port: config.port, host: config.host });
  const engine = startEngine(rt, { intervalMs: config.engineIntervalMs, slowEveryMs: config.engineSlowEveryMs });
  engineListener = engine.listener;
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = `http://localhost:${port}`;
  const where = config.database.dialect === 'sqlite' ? config.database.file : 'PostgreSQL';
  out(`Shequn 社群 is running at ${url} (database: ${where})`);
  if (initialAdmin) out(`First start: sign in as ${initialAdmin.email} with password ${initialAdmin.password}`);
  return {
    app,
    rt,
    realtime,
    engine,
    url,
    async close() {
      await engine.stop();
      await realtime.close();
      await app.close();
      await rt.db.close();
    },
  };
}
