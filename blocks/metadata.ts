/**
 * The one codec for `private_metadata`, option values and other strings Slack hands back to us:
 * JSON checked against a zod schema on the way out and on the way in.
 */
import type { z } from 'zod';
import { AppError, fieldsFromZod } from '../src/shared/errors.js';
import { LIMITS } from './limits.js';

/** Validates `value`, serialises it as JSON and checks it fits (`maxLength` defaults to 3,000, Slack's limit). */
export function encodeMetadata<S extends z.ZodType>(
  schema: S,
  value: z.input<S>,
  maxLength: number = LIMITS.privateMetadata,
): string {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw AppError.validation(
      'Slack metadata does not match its schema.',
      fieldsFromZod(parsed.error.issues),
    );
  }
  const json = JSON.stringify(parsed.data);
  if (json.length > maxLength) {
    throw new AppError(
      'too_large',
      `Slack metadata is ${json.length} characters; the limit is ${maxLength}.`,
    );
  }
  return json;
}

/**
 * Parses a string produced by `encodeMetadata`. Throws an `AppError('validation')` saying what is wrong when the
 * string is too long, not JSON, or does not match the schema (a stale or tampered view).
 */
export function decodeMetadata<S extends z.ZodType>(
  schema: S,
  raw: string | null | undefined,
  maxLength: number = LIMITS.privateMetadata,
): z.output<S> {
  const text = raw ?? '';
  if (text.length > maxLength) {
    throw AppError.validation(`Slack metadata is ${text.length} characters; the limit is ${maxLength}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw AppError.validation(
      `Slack metadata is not valid JSON (${text ? `starts with ${JSON.stringify(text.slice(0, 20))}` : 'empty'}). ` +
        'The form may be out of date: please open it again.',
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const fields = fieldsFromZod(parsed.error.issues);
    const detail = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    throw AppError.validation(
      `Slack metadata does not match what was expected (${detail}). The form may be out of date: please open it again.`,
      fields,
    );
  }
  return parsed.data;
}
