import { Migration } from '@mikro-orm/migrations';

/**
 * Test pages ("Send me a test page"): `incidents.test_of` is the person a test incident pages. Such an incident
 * is a drill that escalates to that person only (never by its service's policy), is posted to no channel, and
 * resolves itself; the column also finds a person's last test page (one per 5 minutes).
 */
export class Migration20261217000002_test_pages extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table incidents add column test_of uuid references users(id) on delete set null;');
    this.addSql(
      'create index incidents_test_of on incidents (test_of, created_at) where test_of is not null;',
    );
  }

  override async down(): Promise<void> {
    this.addSql('alter table incidents drop column if exists test_of;');
  }
}
