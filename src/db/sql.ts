import type { EntityManager } from '@mikro-orm/postgresql';
import { type RawBuilder, sql } from 'kysely';
import { PgTx } from './pg-tx.js';

export { sql };
/** An ORM EntityManager (what `withEm`/`withTx` give). */
export type OrmEm = EntityManager;
/** What stores run statements on: an ORM EntityManager, or a light `pg` transaction (`withPgTx`). */
export type Em = EntityManager | PgTx;

/**
 * Runs a parameterised raw query on the EntityManager's connection (its transaction, when inside one).
 * Used by stores for set-based statements the unit of work cannot express (upserts, locks, batches).
 */
export async function query<T>(em: Em, q: RawBuilder<T>): Promise<T[]> {
  if (em instanceof PgTx) return em.run(q);
  const res = await q.execute(kyselyOf(em));
  return res.rows as T[];
}

export async function queryOne<T>(em: Em, q: RawBuilder<T>): Promise<T | undefined> {
  const rows = await query(em, q);
  return rows[0];
}

/**
 * Sends a query now whose answer is read later, on a light transaction (`withPgTx`): it travels with the next
 * statement awaited, so reading its answer after that costs no round trip of its own. Elsewhere (an ORM
 * transaction runs one statement at a time) it sends nothing and returns null: the caller queries when it needs
 * the answer. A failure fails the transaction as any statement's does, and rejects the promise when read.
 */
export function queryAhead<T>(em: Em, q: RawBuilder<T>): Promise<T[]> | null {
  if (!(em instanceof PgTx)) return null;
  const answer = em.run(q);
  answer.catch(() => {}); // read (and thrown) later, by whoever awaits it
  return answer;
}

/** Whether statements on `em` can be sent ahead of reading their answers (a light transaction: `withPgTx`). */
export const sendsAhead = (em: Em): em is PgTx => em instanceof PgTx;

/**
 * Runs a statement whose result is not needed (an insert, an update, a lock). On a light transaction
 * (`withPgTx`) it is sent without waiting for the answer and travels with the next statement awaited, or
 * with COMMIT; a failure fails the transaction at that point. On an EntityManager it simply runs.
 */
export async function command(em: Em, q: RawBuilder<unknown>): Promise<void> {
  if (em instanceof PgTx) em.command(q);
  else await q.execute(kyselyOf(em));
}

/**
 * The EntityManager's query builder. A tenant-scoped EntityManager outside its transaction (`em.fork()` inside
 * `withTx` forks out of the transaction) would run on a bare pooled connection, outside the tenant's row-level
 * security: refused, loudly.
 */
function kyselyOf(em: EntityManager) {
  if (em.getSessionContext() && !em.isInTransaction())
    throw new Error('A tenant-scoped query ran outside its transaction (an em.fork() inside withTx?).');
  return em.getKysely();
}
