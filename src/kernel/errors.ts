// Typed errors with a code. The HTTP edge maps codes to status in one place (src/http/problem.ts);
// the CLI maps them to exit codes. Domain code never throws plain Errors for expected failures.

export type ErrorCode =
  | 'validation.failed'
  | 'auth.required'
  | 'auth.invalid_credentials'
  | 'auth.csrf'
  | 'auth.rate_limited'
  | 'auth.forbidden'
  /** The member may not post now (muted, the group's mute window, a nickname that does not fit yet). */
  | 'chat.refused'
  | 'not_found'
  | 'conflict'
  | 'payload.too_large'
  | 'payload.unsupported_media_type'
  | 'payload.malformed'
  | 'method.not_allowed'
  | 'import.failed'
  | 'internal';

export interface FieldError {
  /** JSON pointer-ish path of the offending field, e.g. `canvas.persona.ageMin`, or `file.csv:12` for imports. */
  field: string;
  reason: string;
}

export class ShequnError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown>;
  readonly errors: FieldError[];

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, errors: FieldError[] = []) {
    super(message);
    this.name = 'ShequnError';
    this.code = code;
    this.details = details;
    this.errors = errors;
  }
}

export const notFound = (entity: string, id: string) =>
  new ShequnError('not_found', `${entity} ${id} was not found`, { entity, id });

export const forbidden = (permission: string) =>
  new ShequnError('auth.forbidden', `Your role does not allow ${permission}`, { permission });

export const conflict = (message: string, details: Record<string, unknown> = {}) =>
  new ShequnError('conflict', message, details);

export const invalid = (errors: FieldError[], message = 'The request is invalid') =>
  new ShequnError('validation.failed', message, {}, errors);
