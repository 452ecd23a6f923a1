/**
 * Every ingest transaction looks up the open incidents of the groups it touches (by their own group, or by a group
 * merged into them) under row-level security. That lookup must stay an index read however many incidents are open:
 * read through the table, it cost each webhook a scan of every open incident of the tenant (4.6 ms with 3,500 open).
 * Counted with PostgreSQL's own per-transaction statistics, in the transaction that runs it.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { query, sql } from '../src/db/sql.js';
import { withPgTx } from '../src/db/tx.js';
import { incidentsStore } from '../src/domains/incidents/incidents.store.js';
import { startTestApp, type TestApp } from './harness/app.js';

let t: TestApp;
const OPEN = 3000;

beforeAll(async () => {
  t = await startTestApp();
  // Many open incidents, one of them with a group merged into it.
  await t.sql(
    `insert into incidents (id, tenant_id, number, title, service, environment, severity, status, group_key, source,
       created_at, updated_at, merged_group_keys)
     select gen_random_uuid(), ?, 100000 + n, 'Disk full ' || n, 'storage', 'prod', 3, 'triggered', 'g-' || n,
       'generic', now(), now(), case when n = 7 then array['g-merged'] else '{}'::text[] end
     from generate_series(1, ${OPEN}) as n`,
    [t.actor.tenantId],
  );
  await t.sql('analyze incidents');
});
afterAll(async () => {
  await t?.close();
});

interface Scans {
  seq_scan: number;
  idx_scan: number;
}

/** The store's lookup in a tenant transaction, with the scans of `incidents` it made. */
async function lookup(groupKeys: string[]): Promise<{ found: string[]; scans: Scans }> {
  return withPgTx(t.orm, { tenantId: t.actor.tenantId }, async (tx) => {
    const rows = await incidentsStore.lockOpenByGroups(tx, t.actor.tenantId, groupKeys);
    const [scans] = await query<Scans>(
      tx,
      sql`select seq_scan::int, idx_scan::int from pg_stat_xact_user_tables where relname = 'incidents'`,
    );
    return { found: rows.map((r) => r.group_key ?? '').sort(), scans: scans! };
  });
}

describe('the ingest lookup of open incidents by group', () => {
  it('finds incidents by their own group and by a merged group, reading no incident it does not need', async () => {
    const { found, scans } = await lookup(['g-12', 'g-2999', 'g-merged', 'g-none']);
    expect(found).toEqual(['g-12', 'g-2999', 'g-7']);
    expect(scans.seq_scan).toBe(0);
    expect(scans.idx_scan).toBeGreaterThan(0);
  });

  it('stays an index read when no group has an open incident (a new incident)', async () => {
    const { found, scans } = await lookup(['g-new-1', 'g-new-2']);
    expect(found).toEqual([]);
    expect(scans.seq_scan).toBe(0);
  });
});
