// A stricter JSON body parser than the default: invalid UTF-8 is rejected (not silently replaced),
// prototype-poisoning keys are refused and nesting is bounded, each as a 400 naming the problem.
import type { FastifyInstance } from 'fastify';
import sjson from 'secure-json-parse';
import { ShequnError } from '../kernel/errors.ts';

const MAX_DEPTH = 32;
const decoder = new TextDecoder('utf-8', { fatal: true });

function depthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length) {
    const [v, d] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (d > max) return true;
    for (const child of Object.values(v)) if (child !== null && typeof child === 'object') stack.push([child, d + 1]);
  }
  return false;
}

const malformed = (reason: string) => new ShequnError('payload.malformed', `The JSON body is malformed: ${reason}`, {}, [{ field: 'body', reason }]);

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
  if (depthExceeds(value, MAX_DEPTH)) throw malformed(`it is nested deeper than ${MAX_DEPTH} levels`);
  return value;
}

export function registerJsonBody(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(/^application\/([\w.+-]*\+)?json$/, { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as unknown as Buffer));
    } catch (e) {
      done(e as Error, undefined);
    }
  });
}
