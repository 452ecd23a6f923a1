import type { Context } from 'hono';
import type { z } from 'zod';
import { AppError, fieldsFromZod } from '../shared/errors.js';

/** Reads a JSON body; invalid JSON is a 400 that says where it broke. */
export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim())
    throw AppError.validation('The request body is empty; expected JSON.', [
      { field: '(body)', message: 'empty' },
    ]);
  try {
    return JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : 'parse error';
    throw AppError.validation(`The request body is not valid JSON (${why}).`, [
      { field: '(body)', message: 'invalid JSON' },
    ]);
  }
}

/** Parses a value with a zod schema, turning failures into a 400 naming each field at fault. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what = 'The request'): z.infer<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw AppError.validation(`${what} is not valid.`, fieldsFromZod(r.error.issues));
  return r.data;
}

export async function readBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  return parseWith(schema, await readJson(c), 'The request body');
}
