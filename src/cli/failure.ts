import { describeThrown } from '../shared/describe-error.js';
import { isAppError } from '../shared/errors.js';
import { isOperatorError } from '../shared/operator-error.js';

/**
 * What the command line prints when a command fails: the cause and what to do about it, never "undefined".
 * Failures OpsWatch foresaw (OperatorError, AppError, an unreachable database) print without a stack trace;
 * anything else is unexpected and prints its stack too, for a bug report.
 */

export interface FailureContext {
  /** DATABASE_URL when set (shown without its password), else the embedded database's data folder is meant. */
  databaseUrl?: string | undefined;
  dataDir: string;
}

export interface Explained {
  cause: string;
  remedy: string;
  /** The stack trace to add, for failures nobody foresaw. */
  stack?: string;
}

const NETWORK = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** SQLSTATEs saying the database cannot be used at all: no such database, cannot connect now, too many clients, shut down. */
const UNUSABLE = new Set(['3D000', '57P01', '57P02', '57P03', '53300']);

export function explainFailure(err: unknown, ctx: FailureContext): Explained {
  if (isOperatorError(err)) return { cause: err.message, remedy: err.remedy };
  if (isAppError(err)) {
    const fields = err.fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    return {
      cause: `${err.message}${fields ? ` (${fields})` : ''}`,
      remedy:
        err.code === 'validation'
          ? 'Correct what is named above and run the command again.'
          : 'Check what is named above and run the command again.',
    };
  }
  const code = databaseCode(err);
  if (code) return databaseFailure(err, code, ctx);
  const stack = err instanceof Error && err.stack ? err.stack : undefined;
  return {
    cause: describeThrown(err),
    remedy:
      'This was not expected: run the command again with LOG_LEVEL=debug to see more, and if it keeps failing report it with this output.',
    ...(stack ? { stack } : {}),
  };
}

export function formatFailure(err: unknown, ctx: FailureContext): string {
  const e = explainFailure(err, ctx);
  return `OpsWatch failed: ${e.cause}\nWhat to do: ${e.remedy}\n${e.stack ? `\n${e.stack}\n` : ''}`;
}

/** The URL with its password hidden. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(an unreadable URL)';
  }
}

function databaseFailure(err: unknown, code: string, ctx: FailureContext): Explained {
  const where = ctx.databaseUrl
    ? `the database at ${redactUrl(ctx.databaseUrl)}`
    : `the embedded PostgreSQL of ${ctx.dataDir}`;
  const cause = `Cannot use ${where}: ${describeThrown(err)}`;
  if (!ctx.databaseUrl)
    return {
      cause,
      remedy:
        'It stopped or went away while the command ran (was the OpsWatch running it stopped?); run the command again.',
    };
  if (code.startsWith('28')) return { cause, remedy: 'Check the user name and password in DATABASE_URL.' };
  if (code === '3D000')
    return { cause, remedy: 'Create that database, or correct its name at the end of DATABASE_URL.' };
  return {
    cause,
    remedy:
      'Check DATABASE_URL (host, port, database) and that this PostgreSQL is running and accepts connections from here.',
  };
}

/** A network error code or a connection-level SQLSTATE anywhere in what was thrown, else null. */
function databaseCode(err: unknown, depth = 0): string | null {
  if (depth > 3 || typeof err !== 'object' || err === null) return null;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (NETWORK.has(code) || UNUSABLE.has(code) || /^28[0-9A-Z]{3}$/.test(code)))
    return code;
  if (err instanceof Error && /Connection terminated|connection timeout|timeout expired/i.test(err.message))
    return 'ECONNRESET';
  for (const inner of [
    ...(err instanceof AggregateError ? err.errors : []),
    (err as { cause?: unknown }).cause,
  ]) {
    const found = databaseCode(inner, depth + 1);
    if (found) return found;
  }
  return null;
}
