import type { MikroORM } from '@mikro-orm/postgresql';
import type pg from 'pg';
import { AppError, isAppError } from '../shared/errors.js';
import { PgTx, renameStatements } from './pg-tx.js';
import { type Em, type OrmEm, sql } from './sql.js';

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

/** The role tenant-scoped transactions switch to; row-level security applies to it (see Migration20261208000002_row_level_security). */
export const TENANT_ROLE = 'opswatch_tenant';
/** The setting the row-level security policies compare `tenant_id` with. */
export const TENANT_SETTING = 'opswatch.tenant_id';

/**
 * Whose rows a transaction may see. `{ tenantId }`: one tenant's — the transaction runs as TENANT_ROLE with
 * TENANT_SETTING set (SET LOCAL), so PostgreSQL's row-level security hides every other tenant's rows, even
 * from a query that forgets its `tenant_id` predicate. `'system'`: every tenant's, for work that is
 * cross-tenant by nature (API key look-up by hash, the engine's tick, outbox delivery, bootstrap, metrics).
 */
export type TxScope = { tenantId: string } | 'system';

/** An EntityManager for the scope: a tenant's carries the session context MikroORM applies at BEGIN. */
function emFor(orm: MikroORM, scope: TxScope): OrmEm {
  if (scope === 'system') return orm.em.fork();
  return orm.em.fork({ session: { role: TENANT_ROLE, variables: { [TENANT_SETTING]: scope.tenantId } } });
}

/** What a light transaction sends after BEGIN to enter a tenant's scope (one statement, no extra round trip). */
export const enterTenant = (tenantId: string) =>
  sql`select set_config(${TENANT_SETTING}, ${tenantId}, true), set_config('role', ${TENANT_ROLE}, true)`;

/** Work registered to run at the end of an open transaction, before it commits, by the transaction's handle. */
const endOfTx = new WeakMap<object, (() => Promise<void>)[]>();

/**
 * Runs `fn` in the transaction `em` belongs to once the transaction's own work is done, just before COMMIT:
 * for what is best done once per transaction (the notification router turns every event a transaction
 * recorded into outbox rows in one go). A failure rolls the transaction back like any other. Only for
 * transactions opened by `withTx` or `withPgTx`; anything else is refused, so nothing is silently dropped.
 */
export function beforeCommit(em: Em, fn: () => Promise<void>): void {
  const queue = endOfTx.get(em);
  if (!queue) throw new Error('beforeCommit needs a transaction opened by withTx or withPgTx');
  queue.push(fn);
}

/** Runs `fn` with end-of-transaction work registered on `em`, then that work (which may register more). */
async function withEndOfTx<E extends Em, T>(em: E, fn: (em: E) => Promise<T>): Promise<T> {
  const queue: (() => Promise<void>)[] = [];
  endOfTx.set(em, queue);
  try {
    const result = await fn(em);
    for (let next = queue.shift(); next; next = queue.shift()) await next();
    return result;
  } finally {
    endOfTx.delete(em);
  }
}

/**
 * Runs `fn` in one transaction on a fresh EntityManager in `scope`; retries on deadlock/serialization failure,
 * and turns a database outage into AppError('unavailable') so transports answer "retry later".
 */
export async function withTx<T>(
  orm: MikroORM,
  scope: TxScope,
  fn: (em: OrmEm) => Promise<T>,
  opts: { readOnly?: boolean } = {},
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await emFor(orm, scope).transactional((em) => withEndOfTx(em, fn), opts);
    } catch (err) {
      if (isRetryable(err) && attempt < 4) continue;
      if (isDatabaseOutage(err)) throw unavailable();
      throw err;
    }
  }
}

/**
 * Reads with the same outage mapping: in the system scope outside a transaction, in a tenant's scope in a
 * read-only one (SET LOCAL lasts a transaction).
 */
export async function withEm<T>(orm: MikroORM, scope: TxScope, fn: (em: OrmEm) => Promise<T>): Promise<T> {
  if (scope !== 'system') return withTx(orm, scope, fn, { readOnly: true });
  try {
    return await fn(orm.em.fork());
  } catch (err) {
    if (isDatabaseOutage(err)) throw unavailable();
    throw err;
  }
}

/**
 * Like `withTx`, for hot paths: one transaction on a pooled `pg` connection with named prepared statements
 * (see PgTx), skipping the ORM's fork, unit of work and transaction events. Same scopes (a tenant's is entered
 * by a statement that travels with BEGIN), retries and outage mapping; resolves only after COMMIT has succeeded.
 */
export async function withPgTx<T>(orm: MikroORM, scope: TxScope, fn: (tx: PgTx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await pgTransaction(orm, scope, fn);
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

async function pgTransaction<T>(orm: MikroORM, scope: TxScope, fn: (tx: PgTx) => Promise<T>): Promise<T> {
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
    if (scope !== 'system') tx.command(enterTenant(scope.tenantId));
    let result: T;
    try {
      result = await withEndOfTx(tx, fn);
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
