// One place maps errors to HTTP: application/problem+json (RFC 9457) naming the field and the reason.
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ShequnError, type ErrorCode, type FieldError } from '../kernel/errors.ts';

const STATUS: Record<ErrorCode, number> = {
  'validation.failed': 400,
  'payload.malformed': 400,
  'auth.required': 401,
  'auth.invalid_credentials': 401,
  'auth.csrf': 403,
  'auth.forbidden': 403,
  'chat.refused': 403,
  not_found: 404,
  'method.not_allowed': 405,
  conflict: 409,
  'payload.too_large': 413,
  'payload.unsupported_media_type': 415,
  'import.failed': 422,
  'auth.rate_limited': 429,
  internal: 500,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 408: 'Request Timeout', 409: 'Conflict',
  413: 'Content Too Large', 431: 'Request Header Fields Too Large', 414: 'URI Too Long', 415: 'Unsupported Media Type', 422: 'Unprocessable Content', 429: 'Too Many Requests',
  500: 'Internal Server Error', 503: 'Service Unavailable',
};

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldError[];
  /** Why a member may not post and until when (code chat.refused). */
  refusal?: Record<string, unknown>;
}

export function problem(status: number, code: string, detail: string, errors?: FieldError[]): Problem {
  return { type: `urn:shequn:problem:${code}`, title: TITLES[status] ?? 'Error', status, detail, code, ...(errors?.length ? { errors } : {}) };
}

type ValidationIssue = { instancePath?: string; message?: string; params?: Record<string, unknown> };

/** Turns any error thrown while serving a request into a Problem; unknown errors become a 500 with no internals. */
export function toProblem(err: unknown): Problem {
  if (err instanceof ShequnError) {
    const p = problem(STATUS[err.code], err.code, err.message, err.errors);
    if (err.code === 'conflict' && typeof err.details.field === 'string') p.errors = [{ field: err.details.field, reason: err.message }];
    if (err.code === 'chat.refused') p.refusal = err.details;
    return p;
  }
  const e = err as { code?: string; statusCode?: number; message?: string; validation?: ValidationIssue[]; validationContext?: string };
  if (Array.isArray(e.validation)) {
    const where = e.validationContext ?? 'body';
    const errors = e.validation.slice(0, 50).map((v) => {
      const path = (v.instancePath ?? '').split('/').filter(Boolean).join('.');
      return { field: path ? `${where}.${path}` : where, reason: v.message ?? 'invalid' };
    });
    return problem(400, 'validation.failed', `The ${where} is invalid: ${errors.map((x) => `${x.field}: ${x.reason}`).join('; ')}`.slice(0, 1000), errors);
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return problem(413, 'payload.too_large', 'The request body is larger than this server accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return problem(415, 'payload.unsupported_media_type', 'Send JSON with Content-Type: application/json', [{ field: 'content-type', reason: 'unsupported' }]);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return problem(400, 'payload.malformed', 'The JSON body is empty', [{ field: 'body', reason: 'empty' }]);
    case 'FST_ERR_BAD_URL':
      return problem(400, 'payload.malformed', 'The URL is malformed', [{ field: 'url', reason: 'not a valid percent-encoded path' }]);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return problem(414, 'payload.malformed', 'A path parameter is too long', [{ field: 'url', reason: 'a path parameter is too long' }]);
    default:
  }
  if (e.statusCode === 429) return problem(429, 'auth.rate_limited', e.message ?? 'Too many requests; wait and try again');
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return problem(e.statusCode, 'payload.malformed', e.message ?? 'The request is invalid');
  }
  return problem(500, 'internal', 'Something went wrong on our side; the request changed nothing');
}

export function sendProblem(req: FastifyRequest, reply: FastifyReply, p: Problem): FastifyReply {
  p.instance = req.url.slice(0, 500);
  if (p.status === 401) reply.header('www-authenticate', 'Bearer realm="shequn"');
  return reply.code(p.status).type('application/problem+json; charset=utf-8').serializer(JSON.stringify).send(p);
}

/** For requests that fail in Node's HTTP parser, before Fastify has a request: a problem written to the socket. */
export function sendClientErrorProblem(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'The request headers are too large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'The request took too long to arrive']
        : [400, 'The request is not valid HTTP (an unknown method or a malformed request line or header)'];
  const body = JSON.stringify(problem(status, 'payload.malformed', detail));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${TITLES[status]}\r\nContent-Type: application/problem+json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(err);
}
