import { Migration } from '@mikro-orm/migrations';
import { tenantIsolationSql } from './Migration20261208000002_row_level_security.js';

/**
 * Bronze: the raw telemetry kept a few days for debugging (ERROR/FATAL logs and slow events), and its evidence.
 * - `log_entries` is partitioned by day (`log_entries_pYYYYMMDD`, [00:00, 24:00) UTC) so that purging a day is
 *   dropping a table. The writer creates the partitions of the days it writes on demand, the janitor creates
 *   today + 2 days ahead. No default partition: a row for a day without a partition fails its insert (the writer
 *   only writes days it has made sure of), and a default partition would make creating the next ones scan it.
 * - `log_evidence` keeps copies of Bronze rows tied to an incident for as long as the incident exists (cascade):
 *   rows are linked when an incident asks for them (`attachEvidence`, e.g. a burn alert's 5 recent errors), and
 *   any Bronze row whose `incident_id` is set is copied there before its day's partition is dropped.
 * - `context` is the record's attributes after redaction; `user_hash` is HMAC-SHA256 of the user id, hex.
 * Row-level security on both (policies on a partitioned table apply to every partition read through it).
 * - `install_secrets`: secrets of the installation generated at first use when the environment gives none
 *   (`telemetry_hash`: the HMAC key of user ids when TELEMETRY_HASH_SECRET is unset). Not tenant-owned.
 */
export class Migration20261219000003_telemetry_bronze extends Migration {
  override async up(): Promise<void> {
    this.addSql('create sequence log_entries_id_seq as bigint;');
    this.addSql(`
      create table log_entries (
        id bigint not null default nextval('log_entries_id_seq'),
        tenant_id uuid not null references tenants(id) on delete cascade,
        time timestamptz not null,
        service text not null,
        level text not null check (level in ('TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL')),
        severity smallint not null default 0,
        message text not null default '',
        context jsonb not null default '{}',
        trace_id text,
        span_id text,
        user_hash text,
        duration_ms double precision,
        incident_id uuid,
        primary key (tenant_id, time, id)
      ) partition by range (time);`);
    this.addSql('alter sequence log_entries_id_seq owned by log_entries.id;');
    this.addSql(
      'create index log_entries_service_time on log_entries (tenant_id, service, time desc, id desc);',
    );
    this.addSql(
      'create index log_entries_incident on log_entries (incident_id) where incident_id is not null;',
    );
    for (const s of tenantIsolationSql('log_entries')) this.addSql(s);
    this.addSql('grant usage on sequence log_entries_id_seq to opswatch_tenant;');
    this.addSql(`
      create table log_evidence (
        tenant_id uuid not null references tenants(id) on delete cascade,
        incident_id uuid not null references incidents(id) on delete cascade,
        entry_id bigint not null,
        time timestamptz not null,
        service text not null,
        level text not null,
        severity smallint not null default 0,
        message text not null default '',
        context jsonb not null default '{}',
        trace_id text,
        span_id text,
        user_hash text,
        duration_ms double precision,
        linked_at timestamptz not null,
        primary key (incident_id, entry_id)
      );`);
    this.addSql('create index log_evidence_tenant on log_evidence (tenant_id, incident_id, time desc);');
    for (const s of tenantIsolationSql('log_evidence')) this.addSql(s);
    this.addSql(`
      create table install_secrets (
        name text primary key,
        value text not null,
        created_at timestamptz not null default now()
      );`);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists install_secrets;');
    this.addSql('drop table if exists log_evidence cascade;');
    this.addSql('drop table if exists log_entries cascade;');
  }
}
