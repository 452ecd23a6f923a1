import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError } from '../shared/errors.js';
import type { Em } from './sql.js';

const RETRYABLE = new Set(['40001', '40P01']);
const OUTAGE_CODES = ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH'];

function codes(err: unknown): string[] {
  const out: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 6; depth++) {
    if (typeof cur === 'object') {
      const c = (cur as { code?: unknown }).code;
      if (typeof c === 'string') out.push(c);
      const name = (cur as { name?: unknown }).name;
      if (typeof name === 'string') out.push(name);
      const msg = (cur as { message?: unknown }).message;
      if (
        typeof msg === 'string' &&
        /Connection terminated|timeout exceeded when trying to connect|connect ECONNREFUSED/i.test(msg)
      )
        out.push('ECONNREFUSED');
      cur = (cur as { cause?: unknown }).cause;
    } else break;
  }
  return out;
}

/** True when the error means "the database is unreachable right now", so the caller should retry later. */
export function isDatabaseOutage(err: unknown): boolean {
  return codes(err).some(
    (c) =>
      OUTAGE_CODES.includes(c) ||
      c.startsWith('08') ||
      c.startsWith('57P') ||
      c === 'ConnectionException' ||
      c === '53300',
  );
}

function isRetryable(err: unknown): boolean {
  return codes(err).some((c) => RETRYABLE.has(c) || c === 'DeadlockException');
}

/**
 * Runs `fn` in one transaction on a fresh EntityManager; retries on deadlock/serialization failure,
 * and turns a database outage into AppError('unavailable') so transports answer "retry later".
 */
export async function withTx<T>(orm: MikroORM, fn: (em: Em) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await orm.em.fork().transactional((em) => fn(em));
    } catch (err) {
      if (isRetryable(err) && attempt < 4) continue;
      if (isDatabaseOutage(err))
        throw new AppError('unavailable', 'The database is unavailable; try again shortly.');
      throw err;
    }
  }
}

/** Reads outside a transaction with the same outage mapping. */
export async function withEm<T>(orm: MikroORM, fn: (em: Em) => Promise<T>): Promise<T> {
  try {
    return await fn(orm.em.fork());
  } catch (err) {
    if (isDatabaseOutage(err))
      throw new AppError('unavailable', 'The database is unavailable; try again shortly.');
    throw err;
  }
}
