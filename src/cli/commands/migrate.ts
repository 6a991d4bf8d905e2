import type { Command } from 'commander';

export function migrateCommand(program: Command) {
  program
    .command('migrate')
    .description('Apply pending database migrations (they also run on every start)')
    .action(async () => {
      const { migrateToLatest, openDatabase } = await import('../../kernel/db/connect.ts');
      const { cliConfig } = await import('../runtime.ts');
      const config = cliConfig();
      const db = openDatabase(config.database);
      try {
        const applied = await migrateToLatest(db);
        process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n');
      } finally {
        await db.close();
      }
    });
}
