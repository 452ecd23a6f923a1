import { Migration } from '@mikro-orm/migrations';
import { tenantIsolationSql } from './Migration20261208000002_row_level_security.js';

/**
 * Silver: metric rollups (issue 15). Every metric data point OTLP brings is aggregated in memory per series and
 * minute and flushed to `metric_rollups`; hours are built from their 60 minutes.
 * - `metric_series`: one row per (tenant, service, metric name, tag set) ever seen; `series_hash` is the md5 of
 *   the canonical tag JSON (keys sorted), `all_tags` marks the one aggregate series per (service, name) that
 *   holds every tag set's points merged (so a query without tag filters reads one row per bucket). The count of a
 *   metric name's series is its cardinality (warned at 10,000, capped at the hard limit).
 * - `metric_rollups`: count, sum, min, max and the p50/p90/p99 read off `sketch`, a DDSketch (1 % relative
 *   accuracy) serialized as its protobuf bytes, per series, step ('minute' | 'hour') and bucket start. Replicas'
 *   partial minutes merge into the same row under its lock (exact: sketches merge bucket by bucket).
 *   `service`, `name`, `tags` repeat the series' for reading without a join.
 * - `metric_cardinality_notices`: that a metric name's warning (or limit notice) was sent, once.
 * - `metric_rollup_progress`: the hour rollup's cursor (the hours before `hours_done_until` are built).
 */
export class Migration20261219000004_silver extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table metric_series (
        id bigint generated always as identity primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        service text not null,
        name text not null,
        tags jsonb not null,
        series_hash text not null,
        all_tags boolean not null default false,
        created_at timestamptz not null,
        unique (tenant_id, service, name, series_hash)
      );`);
    this.addSql('create index metric_series_name on metric_series (tenant_id, name) where not all_tags;');
    for (const s of tenantIsolationSql('metric_series')) this.addSql(s);

    this.addSql(`
      create table metric_rollups (
        series_id bigint not null references metric_series(id) on delete cascade,
        step text not null check (step in ('minute', 'hour')),
        bucket timestamptz not null,
        tenant_id uuid not null references tenants(id) on delete cascade,
        service text not null,
        name text not null,
        tags jsonb not null,
        all_tags boolean not null default false,
        count bigint not null,
        sum double precision not null,
        min double precision not null,
        max double precision not null,
        p50 double precision not null,
        p90 double precision not null,
        p99 double precision not null,
        sketch bytea not null,
        updated_at timestamptz not null,
        primary key (series_id, step, bucket)
      );`);
    // A service's metric over a range: one index range scan (the aggregate series first, then every tag set).
    this.addSql(
      'create index metric_rollups_read on metric_rollups (tenant_id, service, name, step, all_tags, bucket);',
    );
    // The janitor's and the hour rollup's range scans (every tenant).
    this.addSql('create index metric_rollups_age on metric_rollups (step, bucket);');
    for (const s of tenantIsolationSql('metric_rollups')) this.addSql(s);

    this.addSql(`
      create table metric_cardinality_notices (
        tenant_id uuid not null references tenants(id) on delete cascade,
        name text not null,
        kind text not null check (kind in ('warning', 'limit')),
        series integer not null,
        created_at timestamptz not null,
        primary key (tenant_id, name, kind)
      );`);
    for (const s of tenantIsolationSql('metric_cardinality_notices')) this.addSql(s);

    this.addSql(`
      create table metric_rollup_progress (
        id smallint primary key check (id = 1),
        hours_done_until timestamptz not null
      );`);
    // Not a tenant's data: tenant-scoped reads look at it to know which hours are built.
    this.addSql('grant select on metric_rollup_progress to opswatch_tenant;');
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists metric_rollup_progress cascade;');
    this.addSql('drop table if exists metric_cardinality_notices cascade;');
    this.addSql('drop table if exists metric_rollups cascade;');
    this.addSql('drop table if exists metric_series cascade;');
  }
}
