import { Migration } from '@mikro-orm/migrations';

/**
 * Finding the open incident a group was merged into, on every ingest transaction, read every open incident of the
 * tenant: under row-level security PostgreSQL may not use the GIN index on `merged_group_keys` (the array overlap
 * operator is not leakproof), so it scanned the table. A btree index on the tenant of the open incidents that have
 * merged groups (few) serves the lookup instead; the overlap is then checked on those rows only.
 */
export class Migration20261220000001_ingest_lookups extends Migration {
  override async up(): Promise<void> {
    this.addSql('drop index incidents_open_merged_keys;');
    this.addSql(`create index incidents_open_merged on incidents (tenant_id)
      where status <> 'resolved' and merged_group_keys <> '{}';`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index incidents_open_merged;');
    this.addSql(
      `create index incidents_open_merged_keys on incidents using gin (merged_group_keys) where status <> 'resolved';`,
    );
  }
}
