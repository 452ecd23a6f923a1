import { Migration } from '@mikro-orm/migrations';

/** On-call schedules (layers as validated JSON), their overrides, and per-user iCal feed tokens. */
export class Migration20261122000003_rosters extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table schedules (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        name text not null,
        time_zone text not null,
        slack_channel text,
        slack_user_group text,
        layers jsonb not null default '[]'::jsonb,
        ical_token text not null unique,
        version integer not null default 1,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        unique (tenant_id, name)
      );`);
    this.addSql(`
      create table schedule_overrides (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        schedule_id uuid not null references schedules(id) on delete cascade,
        user_id text not null,
        replaces text,
        starts_at timestamptz not null,
        ends_at timestamptz not null check (ends_at > starts_at),
        created_by text,
        created_at timestamptz not null
      );`);
    this.addSql('create index schedule_overrides_range on schedule_overrides (schedule_id, ends_at);');
    this.addSql(`
      create table user_ical_tokens (
        user_id uuid primary key references users(id) on delete cascade,
        tenant_id uuid not null references tenants(id) on delete cascade,
        token text not null unique,
        created_at timestamptz not null
      );`);
  }

  override async down(): Promise<void> {
    for (const t of ['user_ical_tokens', 'schedule_overrides', 'schedules'])
      this.addSql(`drop table if exists ${t} cascade;`);
  }
}
