import { Migration } from '@mikro-orm/migrations';

/**
 * Outbox rows are leased rather than held in a transaction while Slack is called: the claim commits, so a row
 * whose sender died after Slack accepted it is known to be "maybe sent" and is checked against Slack before it
 * is sent again.
 */
export class Migration20261201000002_outbox_leases extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table outbox add column lease_until timestamptz;');
    this.addSql('alter table outbox add column maybe_sent boolean not null default false;');
  }

  override async down(): Promise<void> {
    this.addSql('alter table outbox drop column lease_until, drop column maybe_sent;');
  }
}
