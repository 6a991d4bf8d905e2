import type { Command } from 'commander';

export function serveCommand(program: Command) {
  program
    .command('serve')
    .description('Start the HTTP server (PORT, HOST, SHEQUN_DATA_DIR and SHEQUN_DATABASE_URL configure it); SIGINT/SIGTERM stop it')
    .option('-p, --port <port>', 'port to listen on (default: $PORT or 8080)')
    .action(async (opts: { port?: string }) => {
      const { startServer } = await import('../../server.ts');
      const { cliConfig } = await import('../runtime.ts');
      const server = await startServer(cliConfig({ quiet: false, overrides: opts.port ? { port: opts.port as never } : {} }));
      const stop = async (signal: string) => {
        server.rt.log.info({ signal }, 'shutting down');
        await server.close();
        process.exit(0);
      };
      process.once('SIGINT', () => void stop('SIGINT'));
      process.once('SIGTERM', () => void stop('SIGTERM'));
    });
}
