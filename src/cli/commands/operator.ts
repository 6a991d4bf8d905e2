import type { Command } from 'commander';
import { operatorRole } from '../../modules/enums.ts';

const ROLES = operatorRole.values.join(', ');

export function operatorCommands(program: Command) {
  const operator = program.command('operator').description('Manage operators (staff accounts): `shequn operator add`');
  operator
    .command('add')
    .description('Add an operator; prints the generated password when none is given')
    .requiredOption('--email <email>', 'sign-in e-mail')
    .option('--name <name>', 'display name (default: the e-mail)')
    .option('--role <role>', ROLES, 'operator')
    .option('--password <password>', 'password (at least 8 characters); generated and printed when omitted')
    .option('--workspace <slug>', 'workspace slug (default: the default workspace)')
    .action(async (opts) => (await import('../run/operator.ts')).addOperator(opts));

  const token = program.command('token').description('Manage API tokens: `shequn token create`');
  token
    .command('create')
    .description('Create an API token and print only the token on stdout (on a fresh data folder the default workspace and its first owner are created first)')
    .requiredOption('--role <role>', `the role the token acts with: ${ROLES}`)
    .option('--name <name>', 'what the token is for', 'cli')
    .option('--workspace <slug>', 'workspace slug (default: the default workspace the first start creates)')
    .action(async (opts) => (await import('../run/operator.ts')).createApiToken(opts));
}
