// CLI plumbing: exit codes scripts can trust, errors on stderr with their file:line, progress on stderr.
import cliProgress from 'cli-progress';
import { ShequnError, type ErrorCode } from '../kernel/errors.ts';

export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  failure: the work could not be done (database unreachable, permission denied, unexpected error)
  2  usage error or invalid input: unknown command or option, bad option value, unreadable or invalid
     file, a row that does not pass, a conflict with stored data; nothing was changed
`;

/** Errors that mean "what you asked for or gave me is wrong" rather than "something broke". */
const INVALID_INPUT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'validation.failed', 'not_found', 'import.failed', 'conflict', 'payload.too_large', 'payload.unsupported_media_type', 'payload.malformed',
]);

export const exitCodeFor = (err: unknown): number => (err instanceof ShequnError && INVALID_INPUT.has(err.code) ? EXIT.usage : EXIT.failure);

/** A failure of the environment with a message that says it all (no stack trace): exit 1. */
export class CliFailure extends Error {}

export function printError(err: unknown): number {
  if (err instanceof CliFailure) {
    process.stderr.write(`shequn: ${err.message}\n`);
    return EXIT.failure;
  }
  if (err instanceof ShequnError) {
    process.stderr.write(`shequn: ${err.message}\n`);
    const shown = err.errors.filter((e) => !err.message.includes(`${e.field}: ${e.reason}`) && !err.message.endsWith(e.reason));
    for (const e of shown.slice(0, 200)) process.stderr.write(`  ${e.field}: ${e.reason}\n`);
    if (shown.length > 200) process.stderr.write(`  … and ${shown.length - 200} more\n`);
    return exitCodeFor(err);
  }
  const e = err as (Error & { code?: unknown }) | undefined;
  // System and driver errors (ECONNREFUSED, EACCES, 28P01, …) are the environment's, not a bug: no stack trace.
  if (e && typeof e.code === 'string' && e.message) process.stderr.write(`shequn: ${e.message} (${e.code})\n`);
  else process.stderr.write(`shequn: ${e?.stack ?? String(err)}\n`);
  return EXIT.failure;
}

export interface Progress {
  update(n: number): void;
  stop(): void;
}

/** A progress bar on stderr when it is a terminal (scripts and pipes get no escape codes). */
export function progressBar(label: string, total: number): Progress {
  if (!process.stderr.isTTY || total <= 0) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% {value}/{total} {eta_formatted}`, stream: process.stderr, hideCursor: true, etaBuffer: 50 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  let stopped = false;
  return {
    update: (n: number) => !stopped && bar.update(Math.min(n, total)),
    stop: () => {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}
