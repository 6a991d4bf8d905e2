import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { startServer } from '../../server.ts';

export function serveCommand(program: Command) {
  program
    .command('serve')
    .description('Start the HTTP server (PORT, SHEQUN_DATA_DIR and SHEQUN_DATABASE_URL configure it)')
    .option('-p, --port <port>', 'port to listen on (default: $PORT or 8080)')
    .action(async (opts: { port?: string }) => {
      const server = await startServer(loadConfig(process.env, opts.port ? { port: opts.port as never } : {}));
      const stop = async (signal: string) => {
        server.rt.log.info({ signal }, 'shutting down');
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}
