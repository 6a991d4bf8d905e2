// The `shequn` command. Each subcommand lives in commands/ and calls module services.
import { Command, CommanderError } from 'commander';
import { EXIT, printError } from './output.ts';
import { serveCommand } from './commands/serve.ts';
import { migrateCommand } from './commands/migrate.ts';
import { operatorCommands } from './commands/operator.ts';
import { importCommands } from './commands/import.ts';
import { exportCommand } from './commands/export.ts';
import { demoCommand } from './commands/demo.ts';

export function buildProgram(): Command {
  const program = new Command('shequn')
    .description('Shequn 社群: self-hosted community marketing operations platform')
    .version('0.1.0')
    .showHelpAfterError()
    .exitOverride();
  serveCommand(program);
  migrateCommand(program);
  demoCommand(program);
  operatorCommands(program);
  importCommands(program);
  exportCommand(program);
  for (const c of program.commands) c.exitOverride();
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    return printError(err);
  }
}
