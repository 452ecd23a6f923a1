import type pg from 'pg';

type PooledClient = pg.PoolClient & { __opswatchGuarded?: boolean };
type ConnectCallback = (err: Error | undefined, client: pg.PoolClient | undefined, done: () => void) => void;

/** Receives every connection error a pool sees (the database watch decides whether it is an outage). */
export type ConnectionErrorReport = (err: unknown) => void;

/**
 * Keeps a pool whole, and quiet, through a database outage:
 *
 * - hands back to the pool any client whose connection dies while it is checked out. Kysely (under MikroORM)
 *   releases a transaction's connection only after a successful BEGIN, COMMIT or ROLLBACK. When the database goes
 *   away mid-transaction those statements fail, the connection is never released, and every outage would shrink
 *   the pool by one connection for good. On such a client's `end`, this releases it with an error (so the pool
 *   discards it) and turns any later release call into a no-op;
 * - listens to the pool's `error` event (an idle connection the server ended: a restart sends every connection
 *   57P01), which would otherwise be an uncaught exception;
 * - reports those errors, and every failure to open a connection, to `report`, so one place (the database
 *   watch) logs an outage once instead of every connection logging its own stack trace.
 */
export function guardPool(pool: pg.Pool, report: ConnectionErrorReport = () => {}): void {
  const checkedOut = new Set<pg.PoolClient>();
  pool.on('error', (err) => report(err));
  pool.on('acquire', (c) => {
    const client = c as PooledClient;
    checkedOut.add(client);
    if (client.__opswatchGuarded) return;
    client.__opswatchGuarded = true;
    let lastError: unknown = null;
    client.on('error', (err) => {
      lastError = err;
    });
    client.on('end', () => {
      if (!checkedOut.has(client)) return;
      checkedOut.delete(client);
      report(lastError ?? new Error('Connection terminated unexpectedly'));
      const release = client.release;
      client.release = () => {};
      try {
        release.call(client, new Error('connection lost while checked out'));
      } catch {
        // already released by its user
      }
    });
  });
  pool.on('release', (_err, c) => {
    checkedOut.delete(c as pg.PoolClient);
  });
  reportConnectFailures(pool, report);
}

/** Wraps `pool.connect` (both of its forms: `pool.query` uses the callback one) to report failures to connect. */
function reportConnectFailures(pool: pg.Pool, report: ConnectionErrorReport): void {
  const connect = pool.connect.bind(pool) as (cb?: ConnectCallback) => Promise<pg.PoolClient> | undefined;
  const wrapped = (cb?: ConnectCallback) => {
    if (cb) {
      return connect((err, client, done) => {
        if (err) report(err);
        cb(err, client, done);
      });
    }
    return (connect() as Promise<pg.PoolClient>).catch((err: unknown) => {
      report(err);
      throw err;
    });
  };
  pool.connect = wrapped as typeof pool.connect;
}
