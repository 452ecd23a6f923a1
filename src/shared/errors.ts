import type { z } from 'zod';

export type ErrorCode =
  | 'not_found'
  | 'validation'
  | 'forbidden'
  | 'unauthorized'
  | 'conflict'
  | 'rate_limited'
  | 'upstream'
  | 'too_large'
  | 'unavailable';

export interface FieldProblem {
  field: string;
  message: string;
}

/** The one error type domains throw. `message` is written for a person. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fields: FieldProblem[];

  constructor(code: ErrorCode, message: string, fields: FieldProblem[] = []) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fields = fields;
  }

  static notFound(what: string): AppError {
    return new AppError('not_found', `${what} was not found.`);
  }

  static conflict(message: string): AppError {
    return new AppError('conflict', message);
  }

  static forbidden(message = 'You are not allowed to do that.'): AppError {
    return new AppError('forbidden', message);
  }

  static validation(message: string, fields: FieldProblem[] = []): AppError {
    return new AppError('validation', message, fields);
  }
}

export function isAppError(err: unknown): err is AppError {
  return err instanceof AppError;
}

/** Turns zod issues into field problems with dotted paths. */
export function fieldsFromZod(
  issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>,
): FieldProblem[] {
  return issues.map((i) => ({
    field: i.path.length ? i.path.map((p) => String(p)).join('.') : '(body)',
    message: i.message,
  }));
}

/**
 * Parses input with its zod schema at a service or transport boundary: a failure is a validation AppError with
 * `message` ("The schedule is not valid.") naming each field at fault, never a ZodError (which would be a 500).
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, message: string): z.output<S> {
  const r = schema.safeParse(input);
  if (!r.success) throw AppError.validation(message, fieldsFromZod(r.error.issues));
  return r.data;
}
