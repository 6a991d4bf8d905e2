// CLI plumbing: exit codes scripts can trust, errors on stderr with their file:line, progress on stderr.
import cliProgress from 'cli-progress';
import { ShequnError } from '../kernel/errors.ts';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export function printError(err: unknown): number {
  if (err instanceof ShequnError) {
    process.stderr.write(`shequn: ${err.message}\n`);
    const shown = err.errors.slice(0, 50);
    for (const e of shown) if (!err.message.includes(e.reason)) process.stderr.write(`  ${e.field}: ${e.reason}\n`);
    if (err.errors.length > shown.length) process.stderr.write(`  … and ${err.errors.length - shown.length} more\n`);
    return err.code === 'validation.failed' || err.code === 'not_found' ? EXIT.usage : EXIT.failure;
  }
  process.stderr.write(`shequn: ${(err as Error)?.stack ?? String(err)}\n`);
  return EXIT.failure;
}

export function progressBar(label: string, total: number) {
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% {value}/{total} {eta_formatted}`, stream: process.stderr, hideCursor: true, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (n: number) => bar.update(n), stop: () => bar.stop() };
}
