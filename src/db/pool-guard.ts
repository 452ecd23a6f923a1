import type pg from 'pg';

type PooledClient = pg.PoolClient & { __opswatchGuarded?: boolean };

/**
 * Hands back to the pool any client whose connection dies while it is checked out.
 *
 * Kysely (under MikroORM) releases a transaction's connection only after a successful BEGIN, COMMIT or ROLLBACK.
 * When the database goes away mid-transaction those statements fail, the connection is never released, and
 * every outage would shrink the pool by one connection for good. On such a client's `end`, this releases it
 * with an error (so the pool discards it) and turns any later release call into a no-op.
 */
export function guardPool(pool: pg.Pool): void {
  const checkedOut = new Set<pg.PoolClient>();
  pool.on('acquire', (c) => {
    const client = c as PooledClient;
    checkedOut.add(client);
    if (client.__opswatchGuarded) return;
    client.__opswatchGuarded = true;
    client.on('end', () => {
      if (!checkedOut.has(client)) return;
      checkedOut.delete(client);
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
}
