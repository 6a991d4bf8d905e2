import type { Command } from 'commander';

// Filled in by the demo generator (src/demo/).
export function demoCommand(program: Command) {
  program.command('demo').description('Fill a realistic demo workspace').action(() => {
    throw new Error('not implemented yet');
  });
}
