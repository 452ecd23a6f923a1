import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { isDatabaseOutage, unavailable } from '../db/tx.js';
import { type AppError, type ErrorCode, isAppError } from '../shared/errors.js';
import { errorRef } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  validation: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  upstream: 502,
  unavailable: 503,
};

const TITLES: Record<ErrorCode, string> = {
  validation: 'Invalid request',
  unauthorized: 'Unauthorized',
  forbidden: 'Forbidden',
  not_found: 'Not found',
  conflict: 'Conflict',
  too_large: 'Payload too large',
  rate_limited: 'Too many requests',
  upstream: 'Upstream failure',
  unavailable: 'Service unavailable',
};

/** RFC 9457 problem details. */
export function problem(c: Context, err: AppError): Response {
  const status = STATUS[err.code];
  const body: Record<string, unknown> = {
    type: `https://opswatch.dev/problems/${err.code}`,
    title: TITLES[err.code],
    status,
    detail: err.message,
  };
  if (err.fields.length) body.errors = err.fields;
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (status === 503) headers['retry-after'] = '5';
  if (status === 401) headers['www-authenticate'] = 'Bearer realm="opswatch"';
  return c.body(JSON.stringify(body), status, headers);
}

/** Maps any thrown error to a problem response; unexpected ones are logged with a reference. */
export function errorToResponse(c: Context, err: unknown, log: Logger): Response {
  if (isAppError(err)) return problem(c, err);
  if (isDatabaseOutage(err)) {
    // Not a stack trace per request: the database watch logs the outage once.
    log.debug({ reason: err instanceof Error ? err.message : String(err) }, 'database unavailable');
    return problem(c, unavailable());
  }
  const ref = errorRef();
  log.error({ err, ref, path: c.req.path }, 'unexpected error');
  return c.body(
    JSON.stringify({
      type: 'https://opswatch.dev/problems/internal',
      title: 'Internal error',
      status: 500,
      detail: `Something went wrong on our side (reference ${ref}). Nothing was half-written; retry the request.`,
    }),
    500,
    { 'content-type': 'application/problem+json' },
  );
}
