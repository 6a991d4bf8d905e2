// The demo's limits and defaults, apart from the generator so that `shequn --help` can show them
// without loading the database layer.
import type { FieldError } from '../kernel/errors.ts';

export const DEFAULT_MEMBERS = 20_000;
export const MAX_MEMBERS = 5_000_000;
export const DEFAULT_SEED = 1;
export const ACTIVITIES_PER_MEMBER = 25;
/** Keeps `--members 1000000` to a quarter of an hour on SQLite; --activities raises it. */
export const DEFAULT_ACTIVITY_CAP = 6_000_000;
export const MAX_ACTIVITIES = 200_000_000;

export const defaultActivities = (members: number) => Math.min(members * ACTIVITIES_PER_MEMBER, DEFAULT_ACTIVITY_CAP);

export function validateDemoOptions(o: { members: unknown; seed: unknown; activities?: unknown }): FieldError[] {
  const errors: FieldError[] = [];
  const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
  if (!isInt(o.members) || o.members < 1 || o.members > MAX_MEMBERS) {
    errors.push({ field: '--members', reason: `must be a whole number from 1 to ${MAX_MEMBERS.toLocaleString('en')}` });
  }
  if (!isInt(o.seed) || o.seed < 0 || o.seed > 0xffffffff) errors.push({ field: '--seed', reason: 'must be a whole number from 0 to 4294967295' });
  if (o.activities !== undefined && (!isInt(o.activities) || o.activities < 0 || o.activities > MAX_ACTIVITIES)) {
    errors.push({ field: '--activities', reason: `must be a whole number from 0 to ${MAX_ACTIVITIES.toLocaleString('en')}` });
  }
  return errors;
}
