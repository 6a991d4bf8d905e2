// A stricter JSON body parser than the default: invalid UTF-8 is rejected (not silently replaced),
// prototype-poisoning keys are refused, nesting is bounded and text that cannot be stored (NUL, lone
// surrogates) is refused, each as a 400 naming the problem.
import type { FastifyInstance } from 'fastify';
import sjson from 'secure-json-parse';
import { ShequnError } from '../kernel/errors.ts';
import { badText, fieldName } from './input-guard.ts';

const MAX_DEPTH = 32;
const decoder = new TextDecoder('utf-8', { fatal: true });

/** The first problem of a parsed body: nesting too deep, or a key or string that cannot be stored (see input-guard.ts). */
function inspect(value: unknown, max: number): { field: string; reason: string } | null {
  const stack: [unknown, number, string][] = [[value, 1, 'body']];
  while (stack.length) {
    const [v, d, path] = stack.pop()!;
    if (typeof v === 'string') {
      const reason = badText(v);
      if (reason) return { field: fieldName(path), reason };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (d > max) return { field: 'body', reason: `it is nested deeper than ${max} levels` };
    for (const [key, child] of Object.entries(v)) {
      const reason = badText(key);
      if (reason) return { field: fieldName(path), reason: `a key ${reason}` };
      stack.push([child, d + 1, `${path}.${key}`]);
    }
  }
  return null;
}

const malformed = (reason: string, field = 'body') => new ShequnError('payload.malformed', `The JSON body is malformed: ${reason}`, {}, [{ field, reason }]);

export function parseJsonBody(buf: Buffer): unknown {
  let text: string;
  try {
    text = decoder.decode(buf);
  } catch {
    throw malformed('it is not valid UTF-8');
  }
  if (text.trim() === '') throw malformed('it is empty');
  let value: unknown;
  try {
    value = sjson.parse(text, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (e) {
    throw malformed((e as Error).message.slice(0, 200));
  }
  const problem = inspect(value, MAX_DEPTH);
  if (problem) throw malformed(problem.reason, problem.field);
  return value;
}

export function registerJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  // application/json and application/*+json, with or without parameters (`; charset=utf-8`).
  app.addContentTypeParser(/^application\/([\w.+-]*\+)?json\s*(;.*)?$/i, { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as unknown as Buffer));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
}
