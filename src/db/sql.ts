import type { EntityManager } from '@mikro-orm/postgresql';
import {
  type Compilable,
  type CompiledQuery,
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type RawBuilder,
  sql,
} from 'kysely';
import { isUuid } from '../shared/ids.js';
import { PgTx } from './pg-tx.js';
import type { DB } from './schema.generated.js';

export { sql };
/** An ORM EntityManager (what `withEm`/`withTx` give). */
export type OrmEm = EntityManager;
/** What stores run statements on: an ORM EntityManager, or a light `pg` transaction (`withPgTx`). */
export type Em = EntityManager | PgTx;

/** A driver with no connection: a query built with `db` and executed on its own fails instead of returning nothing. */
class CompileOnlyDriver extends DummyDriver {
  override async acquireConnection(): Promise<never> {
    throw new Error(
      "Queries built with `db` run on a transaction: pass them to query/queryOne/command with the store's Em.",
    );
  }
}

/**
 * Kysely's typed query builder over the generated `DB` interface (src/db/schema.generated.ts, `npm run
 * db:types`), for building statements only: it has no connection of its own (its driver refuses to connect), so
 * nothing built with it can run outside the transaction a store is given. Stores pass what they build to
 * `query`/`queryOne`/`command`/`queryAhead` with the transaction's `Em`, which compiles it and runs it on that
 * transaction's connection — row-level security and the tenant's SET LOCAL apply as to any other statement.
 */
export const db = new Kysely<DB>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new CompileOnlyDriver(),
    createIntrospector: (k) => new PostgresIntrospector(k),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

/**
 * `any($1::type[])`, to compare a column with each of a list of values (`.where('id', '=', anyOf(ids, 'uuid'))`).
 * Unlike `in (…)` its text does not change with the list's length, so a light transaction prepares it once.
 */
export const anyOf = <T>(values: readonly T[], type: 'uuid' | 'text' | 'int' | 'bigint' | 'boolean') =>
  sql<T>`any(${values}::${sql.raw(type)}[])`;

/** A value for a jsonb column: its JSON text, cast (pg would send a JS array as a PostgreSQL array). */
export const jsonb = (value: unknown) => sql<string>`${JSON.stringify(value)}::jsonb`;

/** `now()`: the transaction's start, for `updated_at`-style columns. */
export const now = () => sql<string>`now()`;

/**
 * A statement a store runs: a `sql` template (rows typed by its type argument) or a query built with `db`
 * (rows typed by the builder, from the generated `DB` interface).
 */
export type Statement<T> = RawBuilder<T> | Compilable<T>;

/** The row type a statement built with `db` returns (`RowOf<ReturnType<typeof selectUsers>>`). */
export type RowOf<Q> = Q extends Compilable<infer O> ? O : never;

const isRaw = <T>(q: Statement<T>): q is RawBuilder<T> => (q as RawBuilder<T>).isRawBuilder === true;

/** The statement's SQL text and parameters (a `sql` template is compiled by the same Postgres compiler). */
function compiled<T>(q: Statement<T>): CompiledQuery<T> {
  return isRaw(q) ? q.compile(db) : q.compile();
}

/**
 * Runs a parameterised statement on the EntityManager's connection (its transaction, when inside one).
 * Used by stores for everything they read and write; the rows are typed by the statement.
 */
export async function query<T>(em: Em, q: Statement<T>): Promise<T[]> {
  if (em instanceof PgTx) return em.runCompiled<T>(compiled(q));
  const res = await kyselyOf(em).executeQuery(compiled(q));
  return res.rows as T[];
}

export async function queryOne<T>(em: Em, q: Statement<T>): Promise<T | undefined> {
  const rows = await query(em, q);
  return rows[0];
}

/**
 * Sends a query now whose answer is read later, on a light transaction (`withPgTx`): it travels with the next
 * statement awaited, so reading its answer after that costs no round trip of its own. Elsewhere (an ORM
 * transaction runs one statement at a time) it sends nothing and returns null: the caller queries when it needs
 * the answer. A failure fails the transaction as any statement's does, and rejects the promise when read.
 */
export function queryAhead<T>(em: Em, q: Statement<T>): Promise<T[]> | null {
  if (!(em instanceof PgTx)) return null;
  const answer = em.aheadCompiled<T>(compiled(q));
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
export async function command(em: Em, q: Statement<unknown>): Promise<void> {
  if (em instanceof PgTx) em.commandCompiled(compiled(q));
  else await kyselyOf(em).executeQuery(compiled(q));
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

/**
 * Which of these ids are rows of a tenant-owned table (the owning domain's store names its table). With `hold` (in
 * a writing transaction) the rows found are held (FOR SHARE) until it ends, so a delete running meanwhile waits for
 * it and then sees what it wrote (see the deletion guards). Ids that are not uuids are simply not found.
 */
export async function existingIds(
  em: Em,
  table: 'users' | 'schedules',
  tenantId: string,
  ids: readonly string[],
  opts: { hold?: boolean } = {},
): Promise<Set<string>> {
  const valid = [...new Set(ids.filter(isUuid))];
  if (valid.length === 0) return new Set();
  const rows = await query<{ id: string }>(
    em,
    sql`select id from ${sql.table(table)} where tenant_id = ${tenantId} and id = any(${valid}::uuid[])
        ${opts.hold ? sql`for share` : sql``}`,
  );
  return new Set(rows.map((r) => r.id));
}
