import type { Command } from 'commander';
import { loadConfig } from '../../config.ts';
import { migrateToLatest, openDatabase } from '../../kernel/db/connect.ts';

export function migrateCommand(program: Command) {
  program
    .command('migrate')
    .description('Apply pending database migrations (they also run on every start)')
    .action(async () => {
      const config = loadConfig();
      const db = openDatabase(config.database);
      try {
        const applied = await migrateToLatest(db);
        process.stdout.write(applied.length ? `Applied: ${applied.join(', ')}\n` : 'The database is up to date.\n');
      } finally {
        await db.close();
      }
    });
}
