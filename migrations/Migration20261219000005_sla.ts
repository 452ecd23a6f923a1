import { Migration } from '@mikro-orm/migrations';
import { tenantIsolationSql } from './Migration20261208000002_row_level_security.js';

/**
 * Gold: SLA definitions and their daily snapshots.
 * - `sla_definitions`: one row per version of a service's SLA for one metric (`UPTIME`, `LATENCY_P99` with
 *   `threshold_ms`, `ERROR_RATE`). A change is a new version: the previous one's `active_to` is set to the new
 *   one's `active_from`, nothing else of it changes. `definition_key` (a uuid shared by every version) names the
 *   SLA across versions; at most one version per key is open (`active_to is null`).
 *   `metric_name` and `error_filter` say which Silver rollups it reads (defaults: `http.server.duration`, an
 *   event is an error when its tag `status` is ≥ 500 or its tag `error` is `true`).
 * - `sla_snapshots`: one per (date, definition version), computed the day after; immutable (a trigger refuses
 *   UPDATE and DELETE), kept forever. `evidence` names the incidents and rollup buckets it was computed from.
 * - `sla_burn_states`: per SLA (`definition_key`), the burn alert's state: whether it fires, the burn rates last
 *   measured, and when (the engine claims SLAs not checked for a minute, `for update skip locked`).
 */
export class Migration20261219000005_sla extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table sla_definitions (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        definition_key uuid not null,
        version integer not null check (version >= 1),
        service text not null,
        metric text not null check (metric in ('UPTIME', 'LATENCY_P99', 'ERROR_RATE')),
        target numeric(7, 4) not null check (target > 0 and target < 100),
        time_window text not null check (time_window in ('30d', 'quarterly')),
        threshold_ms double precision check (threshold_ms is null or threshold_ms > 0),
        metric_name text not null default 'http.server.duration',
        error_filter jsonb not null default '{"status": ">=500", "error": "true"}',
        active_from timestamptz not null,
        active_to timestamptz,
        created_at timestamptz not null,
        created_by text,
        check (active_to is null or active_to > active_from),
        check ((metric = 'LATENCY_P99') = (threshold_ms is not null)),
        unique (tenant_id, definition_key, version)
      );`);
    this.addSql(
      `create unique index sla_definitions_open on sla_definitions (tenant_id, service, metric) where active_to is null;`,
    );
    this.addSql(`create index sla_definitions_service on sla_definitions (tenant_id, service);`);
    this.addSql(`
      create table sla_snapshots (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        day date not null,
        definition_id uuid not null references sla_definitions(id),
        definition_version integer not null,
        service text not null,
        total_events bigint not null,
        error_events bigint not null,
        uptime_pct double precision not null,
        breach_count integer not null,
        budget_burn double precision not null,
        downtime_minutes double precision not null,
        maintenance_minutes double precision not null,
        evidence jsonb not null,
        created_at timestamptz not null,
        unique (definition_id, day)
      );`);
    this.addSql(`create index sla_snapshots_service_day on sla_snapshots (tenant_id, service, day);`);
    this.addSql(`
      create function sla_snapshots_immutable() returns trigger language plpgsql as $$
      begin
        raise exception 'sla_snapshots are immutable: % refused', tg_op using errcode = 'check_violation';
      end $$;`);
    this.addSql(
      `create trigger sla_snapshots_immutable before update or delete on sla_snapshots for each row execute function sla_snapshots_immutable();`,
    );
    this.addSql(`
      create table sla_burn_states (
        tenant_id uuid not null references tenants(id) on delete cascade,
        definition_key uuid not null,
        service text not null,
        firing boolean not null default false,
        firing_since timestamptz,
        rule text,
        rates jsonb not null default '{}',
        checked_at timestamptz not null,
        primary key (tenant_id, definition_key)
      );`);
    this.addSql(`create index sla_burn_states_checked on sla_burn_states (checked_at);`);
    for (const s of tenantIsolationSql('sla_definitions')) this.addSql(s);
    for (const s of tenantIsolationSql('sla_burn_states')) this.addSql(s);
    for (const s of tenantIsolationSql('sla_snapshots')) this.addSql(s);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists sla_burn_states cascade;');
    this.addSql('drop table if exists sla_snapshots cascade;');
    this.addSql('drop function if exists sla_snapshots_immutable() cascade;');
    this.addSql('drop table if exists sla_definitions cascade;');
  }
}
