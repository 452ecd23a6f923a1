import { Migration } from '@mikro-orm/migrations';

/**
 * Timeline entries and update cadences belong to an incident (`incident_id` not null, deleted with it), and the
 * incident to its tenant: deleting a tenant removes them through their incident. Their own foreign key to
 * `tenants` checked the tenant again on every row written, the most frequent check of alert ingestion (a new
 * incident writes three or four timeline rows, every joining alert one). It is dropped; the keys to `incidents`
 * stay, and row-level security still confines every row to its tenant.
 */
export class Migration20261221000001_incident_child_keys extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table timeline_entries drop constraint timeline_entries_tenant_id_fkey;');
    this.addSql(
      'alter table incident_update_cadences drop constraint incident_update_cadences_tenant_id_fkey;',
    );
  }

  override async down(): Promise<void> {
    this.addSql(`alter table timeline_entries add constraint timeline_entries_tenant_id_fkey
      foreign key (tenant_id) references tenants (id) on delete cascade;`);
    this.addSql(`alter table incident_update_cadences add constraint incident_update_cadences_tenant_id_fkey
      foreign key (tenant_id) references tenants (id) on delete cascade;`);
  }
}
