import { Migration } from '@mikro-orm/migrations';
import { tenantIsolationSql } from './Migration20261208000002_row_level_security.js';

/**
 * Silences and maintenance windows (the silences domain's tables), and what they do to alerts.
 * - `silences`: label matchers (`=`, `!=`, `=~`, `!~`, as in Alertmanager) active from `starts_at` until `ends_at`;
 *   expiring one early sets `ends_at` (history is kept). `incident_id`: the incident it was made from ("Silence
 *   1h" on the card), if any.
 * - `maintenance_windows`: per service (the name alerts carry), one-off or weekly in a time zone (`rule`);
 *   `maintenance_announcements` remembers which occurrences' start and end were announced in Slack.
 * - `alerts.silence_id` / `alerts.maintenance_window_id`: a firing alert held back by a silence or a window (no
 *   incident, no page) until `silenced_until`, when the engine looks at it again.
 */
export class Migration20261218000001_silences extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table silences (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        matchers jsonb not null,
        starts_at timestamptz not null,
        ends_at timestamptz not null,
        reason text not null,
        created_by text not null,
        created_by_user_id uuid references users(id) on delete set null,
        incident_id uuid references incidents(id) on delete set null,
        expired_by text,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        check (ends_at > starts_at or expired_by is not null)
      );`);
    this.addSql('create index silences_tenant_ends on silences (tenant_id, ends_at);');
    this.addSql(`
      create table maintenance_windows (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        service text not null,
        name text not null,
        time_zone text not null,
        rule jsonb not null,
        created_by text not null,
        deleted_at timestamptz,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );`);
    this.addSql(
      'create index maintenance_windows_tenant on maintenance_windows (tenant_id, service) where deleted_at is null;',
    );
    this.addSql(`
      create table maintenance_announcements (
        tenant_id uuid not null references tenants(id) on delete cascade,
        window_id uuid not null references maintenance_windows(id) on delete cascade,
        occurrence_start timestamptz not null,
        phase text not null check (phase in ('started', 'ended')),
        announced_at timestamptz not null,
        primary key (window_id, occurrence_start, phase)
      );`);
    this.addSql('alter table alerts add column silence_id uuid;');
    this.addSql('alter table alerts add column maintenance_window_id uuid;');
    this.addSql('alter table alerts add column silenced_until timestamptz;');
    this.addSql(
      `create index alerts_silenced_due on alerts (silenced_until)
         where status = 'firing' and incident_id is null and silenced_until is not null;`,
    );
    this.addSql(
      'create index alerts_silence on alerts (tenant_id, silence_id) where silence_id is not null;',
    );
    for (const t of ['silences', 'maintenance_windows', 'maintenance_announcements'])
      for (const s of tenantIsolationSql(t)) this.addSql(s);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists alerts_silenced_due;');
    this.addSql('drop index if exists alerts_silence;');
    this.addSql('alter table alerts drop column if exists silenced_until;');
    this.addSql('alter table alerts drop column if exists maintenance_window_id;');
    this.addSql('alter table alerts drop column if exists silence_id;');
    this.addSql('drop table if exists maintenance_announcements;');
    this.addSql('drop table if exists maintenance_windows;');
    this.addSql('drop table if exists silences;');
  }
}
