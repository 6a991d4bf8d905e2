// Text that no column should store: a NUL character (PostgreSQL refuses it in text and the request
// would fail as a 500) or an unpaired UTF-16 surrogate (a lone "\ud800" escape, which would be
// stored as U+FFFD, silently changing the value). Bodies, query strings and path parameters are
// checked before validation, each answered as a 400 naming the field.
import type { FastifyInstance } from 'fastify';
import { ShequnError } from '../kernel/errors.ts';

const LONE_SURROGATE = /\p{Cs}/u;

/** Why a string cannot be stored, or null when it can. */
export function badText(s: string): string | null {
  if (s.includes('\u0000')) return 'contains a NUL character';
  if (LONE_SURROGATE.test(s)) return 'contains an unpaired UTF-16 surrogate (not valid Unicode)';
  return null;
}

export const fieldName = (path: string) => (path.length > 200 ? `${path.slice(0, 200)}…` : path);

function checkParts(where: 'querystring' | 'params', values: unknown): void {
  if (!values || typeof values !== 'object') return;
  for (const [key, value] of Object.entries(values)) {
    for (const s of [key, ...(Array.isArray(value) ? value : [value])]) {
      const reason = typeof s === 'string' ? badText(s) : null;
      if (reason) throw new ShequnError('validation.failed', `The ${where} is invalid: ${reason}`, {}, [{ field: fieldName(`${where}.${badText(key) ? '' : key}`), reason }]);
    }
  }
}

export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (req) => {
    checkParts('params', req.params);
    checkParts('querystring', req.query);
  });
}
