import type { EntityManager } from '@mikro-orm/postgresql';
import { type RawBuilder, sql } from 'kysely';

export { sql };
export type Em = EntityManager;

/**
 * Runs a parameterised raw query on the EntityManager's connection (its transaction, when inside one).
 * Used by stores for set-based statements the unit of work cannot express (upserts, locks, batches).
 */
export async function query<T>(em: Em, q: RawBuilder<T>): Promise<T[]> {
  const res = await q.execute(em.getKysely());
  return res.rows as T[];
}

export async function queryOne<T>(em: Em, q: RawBuilder<T>): Promise<T | undefined> {
  const rows = await query(em, q);
  return rows[0];
}
