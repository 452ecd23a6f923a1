import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { AppError, isAppError } from '../shared/errors.js';
import { PgTx, renameStatements } from './pg-tx.js';
import type { OrmEm } from './sql.js';

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

/** True for a database outage, raw or already turned into AppError('unavailable'). */
export function isUnavailable(err: unknown): boolean {
  return (isAppError(err) && err.code === 'unavailable') || isDatabaseOutage(err);
}

function isRetryable(err: unknown): boolean {
  return codes(err).some((c) => RETRYABLE.has(c) || c === 'DeadlockException');
}

/** A prepared statement planned before a schema change that altered its result (e.g. `select *`). */
function isStalePlan(err: unknown): boolean {
  return err instanceof Error && /cached plan must not change result type/.test(err.message);
}

/** What a request that met a database outage is told (transports answer 503 with Retry-After). */
export const unavailable = () =>
  new AppError('unavailable', 'The database is unavailable; try again shortly.');

/**
 * Runs `fn` in one transaction on a fresh EntityManager; retries on deadlock/serialization failure,
 * and turns a database outage into AppError('unavailable') so transports answer "retry later".
 */
export async function withTx<T>(orm: MikroORM, fn: (em: OrmEm) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await orm.em.fork().transactional((em) => fn(em));
    } catch (err) {
      if (isRetryable(err) && attempt < 4) continue;
      if (isDatabaseOutage(err)) throw unavailable();
      throw err;
    }
  }
}

/** Reads outside a transaction with the same outage mapping. */
export async function withEm<T>(orm: MikroORM, fn: (em: OrmEm) => Promise<T>): Promise<T> {
  try {
    return await fn(orm.em.fork());
  } catch (err) {
    if (isDatabaseOutage(err)) throw unavailable();
    throw err;
  }
}

/**
 * Like `withTx`, for hot paths: one transaction on a pooled `pg` connection with named prepared statements
 * (see PgTx), skipping the ORM's fork, unit of work and transaction events. Same retries and outage mapping;
 * resolves only after COMMIT has succeeded.
 */
export async function withPgTx<T>(orm: MikroORM, fn: (tx: PgTx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pgTransaction(orm, fn);
    } catch (err) {
      if (isStalePlan(err) && attempt < 4) {
        renameStatements();
        continue;
      }
      if (isRetryable(err) && attempt < 4) continue;
      if (isDatabaseOutage(err)) throw unavailable();
      throw err;
    }
  }
}

const pools = new WeakMap<MikroORM, pg.Pool>();

async function pgTransaction<T>(orm: MikroORM, fn: (tx: PgTx) => Promise<T>): Promise<T> {
  const connection = orm.em.getConnection();
  let pool = pools.get(orm);
  if (!pool) {
    pool = (await connection.getNativeClient()) as pg.Pool;
    pools.set(orm, pool);
  }
  const client = await pool.connect();
  const tx = new PgTx(client, connection.getClient());
  /** Set when the connection must not go back to the pool (it died). */
  let discard: Error | undefined;
  try {
    tx.begin();
    let result: T;
    try {
      result = await fn(tx);
    } catch (err) {
      await tx.rollback().catch((e: unknown) => {
        discard = e instanceof Error ? e : new Error(String(e));
      });
      throw err;
    }
    await tx.commit();
    return result;
  } catch (err) {
    if (isDatabaseOutage(err)) discard ??= err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    tx.end();
    client.release(discard);
  }
}
