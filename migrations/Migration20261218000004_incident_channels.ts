import { Migration } from '@mikro-orm/migrations';
import { tenantIsolationSql } from './Migration20261208000002_row_level_security.js';

/**
 * Incident channels (the notify domain's: a Slack artefact of the incident, made and kept by the outbox like its
 * cards):
 * - `incident_channels`: one per incident at most, from the moment it is asked for. `channel_id` is written the
 *   moment Slack created it (so a retry never creates a second one); the steps after it (invite, summary post,
 *   pin, bookmarks) each record when they were done, so a retry does only what is left. `archive_at` is set when
 *   the incident resolves (cleared when it triggers again); `archive_queued_for` the `archive_at` whose archiving
 *   was queued (once, whatever the replicas); `archived_at` once archived.
 * - the outbox's destinations `slack.channel` (make, rename, archive a channel) and `slack.mirror` (a message in
 *   it). The destination check becomes a pattern over Slack's destinations, so features adding a Slack
 *   destination need not each rewrite one list.
 * - services: `auto_channel_min_severity` (incidents this severe or worse get a channel when they open; null:
 *   none) and `channel_archive_hours` (how long after resolution the channel is archived; null: the default).
 */
export class Migration20261218000004_incident_channels extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table incident_channels (
        incident_id uuid primary key references incidents(id) on delete cascade,
        tenant_id uuid not null references tenants(id) on delete cascade,
        service text not null,
        requested_by text,
        requested_at timestamptz not null,
        channel_id text,
        name text,
        created_at timestamptz,
        invited_at timestamptz,
        summary_ts text,
        pinned_at timestamptz,
        bookmarked_at timestamptz,
        archive_at timestamptz,
        archive_queued_for timestamptz,
        archived_at timestamptz
      );`);
    this.addSql(
      `create index incident_channels_archive on incident_channels (archive_at)
         where archive_at is not null and archived_at is null and channel_id is not null;`,
    );
    for (const s of tenantIsolationSql('incident_channels')) this.addSql(s);
    this.addSql('alter table outbox drop constraint outbox_destination_check;');
    this.addSql(`alter table outbox add constraint outbox_destination_check
      check (destination ~ '^slack\\.[a-z_]+$' or destination in ('sms', 'voice', 'webhook'));`);
    this.addSql(
      `alter table services add column auto_channel_min_severity smallint
         check (auto_channel_min_severity between 1 and 5);`,
    );
    this.addSql(
      'alter table services add column channel_archive_hours integer check (channel_archive_hours between 0 and 8760);',
    );
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists incident_channels;');
    this.addSql(`delete from outbox where destination in ('slack.channel', 'slack.mirror');`);
    this.addSql('alter table outbox drop constraint outbox_destination_check;');
    this.addSql(`alter table outbox add constraint outbox_destination_check check (destination in ('slack.post',
      'slack.update', 'slack.reply', 'slack.ledger', 'slack.dm', 'slack.home', 'slack.usergroup', 'sms', 'voice',
      'webhook'));`);
    this.addSql('alter table services drop column if exists auto_channel_min_severity;');
    this.addSql('alter table services drop column if exists channel_archive_hours;');
  }
}
