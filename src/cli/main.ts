// The `shequn` command. Each subcommand lives in commands/ and calls module services.
import { Command, CommanderError } from 'commander';
import { EXIT, EXIT_CODES_HELP, printError } from './output.ts';
import { serveCommand } from './commands/serve.ts';
import { migrateCommand } from './commands/migrate.ts';
import { operatorCommands } from './commands/operator.ts';
import { importCommands } from './commands/import.ts';
import { exportCommand } from './commands/export.ts';
import { demoCommand } from './commands/demo.ts';
import { analyticsCommands } from './commands/analytics.ts';

const ENVIRONMENT_HELP = `
Environment (every command):
  SHEQUN_DATA_DIR      data folder (default ./data): the SQLite database and initial-admin.txt
  SHEQUN_DATABASE_URL  postgres://user:pass@host/db for PostgreSQL, or a SQLite file path
  SHEQUN_LOG_LEVEL     fatal, error, warn, info, debug or trace (commands log to stderr)
  SHEQUN_TIMEZONE      time zone for dates without an offset (default Asia/Shanghai)
  SHEQUN_ADMIN_EMAIL, SHEQUN_ADMIN_PASSWORD  the first owner, created on a fresh data folder
  PORT, HOST           where \`shequn serve\` listens

Examples:
  shequn token create --role admin                   prints only the token
  shequn import members 名单.csv --map 微信号=wechat --json
  shequn export --reason "季度回访 quarterly call-back" --format xlsx --out members.xlsx --by ann@example.com
`;

function allCommands(c: Command): Command[] {
  return [c, ...c.commands.flatMap(allCommands)];
}

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
  analyticsCommands(program);
  program.addHelpText('after', `${EXIT_CODES_HELP}${ENVIRONMENT_HELP}`);
  for (const c of allCommands(program)) {
    c.exitOverride();
    if (c !== program) c.addHelpText('after', '\nExit codes: 0 ok, 1 failure, 2 usage error or invalid input (see `shequn --help`).');
  }
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.ok;
      // `shequn help` asks for help (0); `shequn member` without a subcommand is a usage error (2).
      if (err.code === 'commander.help') return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return EXIT.usage;
    }
    return printError(err);
  }
}
