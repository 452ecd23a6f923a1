import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { z } from 'zod';
import { AppError, parseInput } from '../shared/errors.js';
import { storableValue } from '../shared/storable-text.js';

/**
 * Refuses bodies over `maxBytes`. A request that declares its length is judged by its `Content-Length` alone,
 * leaving the body unread — so `c.req.text()` later reads it straight from Node's request instead of through
 * a web `Request` and its streams (Hono's `bodyLimit` touches `c.req.raw.body`, which builds both). A chunked
 * body, whose size is known only once read, goes through Hono's `bodyLimit`, which counts as it reads.
 */
export function limitBody(
  maxBytes: number,
  onTooLarge: (c: Context) => Response | Promise<Response>,
): MiddlewareHandler {
  const counting = bodyLimit({ maxSize: maxBytes, onError: onTooLarge });
  return async (c, next) => {
    if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const headers = c.req.raw.headers;
    const declared = headers.get('content-length');
    if (declared !== null && !headers.has('transfer-encoding')) {
      return Number.parseInt(declared, 10) > maxBytes ? onTooLarge(c) : next();
    }
    return counting(c, next);
  };
}

/**
 * Reads a JSON body; invalid JSON is a 400 that says where it broke. NULs in its strings (`\u0000`, which
 * PostgreSQL cannot store) come back as U+FFFD, so such a body is taken like any other.
 */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim())
    throw AppError.validation('The request body is empty; expected JSON.', [
      { field: '(body)', message: 'empty' },
    ]);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : 'parse error';
    throw AppError.validation(`The request body is not valid JSON (${why}).`, [
      { field: '(body)', message: 'invalid JSON' },
    ]);
  }
  return text.includes('\\u0000') ? storableValue(value) : value;
}

/** Parses a value with a zod schema, turning failures into a 400 naming each field at fault. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what = 'The request'): z.infer<S> {
  return parseInput(schema, value, `${what} is not valid.`);
}

export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  return parseWith(schema, await readJson(c), 'The request body');
}
