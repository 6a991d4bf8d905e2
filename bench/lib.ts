// Shared benchmark plumbing: the BENCH line format, percentiles, timing, fresh databases.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export function report(bench: string, metric: string, value: number, unit: string): void {
  const v = Number.isFinite(value) ? Number(value.toPrecision(6)) : value;
  process.stdout.write(`BENCH ${JSON.stringify({ bench, metric, value: v, unit })}\n`);
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export const now = () => performance.now();

export function log(msg: string): void {
  process.stderr.write(`${msg}\n`);
}

export const pgAdminUrl = process.env.SHEQUN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function pgUrlFor(name: string): string {
  const u = new URL(pgAdminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function pgAdmin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: pgAdminUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A scratch PostgreSQL database, dropped by the returned function. */
export async function scratchPg(prefix: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  await pgAdmin((c) => c.query(`CREATE DATABASE ${name}`));
  return { url: pgUrlFor(name), drop: () => pgAdmin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined) };
}

export function scratchDir(prefix: string): { dir: string; drop: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  return { dir, drop: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Deterministic PRNG so generated inputs are the same every run (the demo generator's). */
export { mulberry32 as prng } from '../src/demo/prng.ts';
