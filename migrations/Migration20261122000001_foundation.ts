import { Migration } from '@mikro-orm/migrations';

export class Migration20261122000001_foundation extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table tenants (
        id uuid primary key,
        slug text not null unique,
        name text not null,
        settings jsonb not null default '{}'::jsonb,
        incident_seq integer not null default 0,
        slack_team_id text unique,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql(`
      create table api_keys (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        name text not null,
        lookup text not null,
        key_hash text not null,
        created_at timestamptz not null default now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      );`);
    this.addSql('create index api_keys_lookup on api_keys (lookup);');
    this.addSql(`
      create table users (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        name text not null,
        email text,
        slack_user_id text,
        time_zone text not null default 'UTC',
        role text not null default 'responder' check (role in ('admin', 'responder', 'viewer')),
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        unique (tenant_id, email),
        unique (tenant_id, slack_user_id)
      );`);
    this.addSql(`
      create table incidents (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        number integer not null,
        title text not null,
        description text,
        service text not null,
        environment text not null,
        severity smallint not null check (severity between 1 and 5),
        status text not null check (status in ('triggered', 'acknowledged', 'resolved')),
        group_key text,
        source text not null,
        assignee_id uuid references users(id) on delete set null,
        auto_resolve boolean not null default true,
        version integer not null default 1,
        created_at timestamptz not null,
        acknowledged_at timestamptz,
        resolved_at timestamptz,
        updated_at timestamptz not null,
        unique (tenant_id, number)
      );`);
    this.addSql(
      `create unique index incidents_open_group on incidents (tenant_id, group_key) where status <> 'resolved' and group_key is not null;`,
    );
    this.addSql('create index incidents_list on incidents (tenant_id, created_at desc, id desc);');
    this.addSql(`create index incidents_open on incidents (tenant_id, status) where status <> 'resolved';`);
    this.addSql(`
      create table alerts (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        incident_id uuid references incidents(id) on delete set null,
        source text not null,
        dedup_key text not null,
        status text not null check (status in ('firing', 'resolved')),
        title text not null,
        description text,
        service text not null,
        environment text not null,
        severity smallint not null check (severity between 1 and 5),
        group_key text not null,
        labels jsonb not null default '{}'::jsonb,
        annotations jsonb not null default '{}'::jsonb,
        links jsonb not null default '[]'::jsonb,
        starts_at timestamptz,
        ends_at timestamptz,
        first_seen_at timestamptz not null,
        last_seen_at timestamptz not null,
        resolved_at timestamptz,
        occurrences integer not null default 1,
        raw jsonb,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now()
      );`);
    this.addSql(
      `create unique index alerts_open_dedup on alerts (tenant_id, source, dedup_key) where status = 'firing';`,
    );
    this.addSql(
      `create index alerts_episodes on alerts (tenant_id, source, dedup_key, starts_at) where status = 'resolved';`,
    );
    this.addSql('create index alerts_incident on alerts (incident_id);');
    this.addSql(`
      create table timeline_entries (
        id bigint generated always as identity primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        incident_id uuid not null references incidents(id) on delete cascade,
        kind text not null,
        actor_kind text not null,
        actor_id text,
        actor_name text not null,
        message text not null,
        data jsonb not null default '{}'::jsonb,
        created_at timestamptz not null
      );`);
    this.addSql('create index timeline_incident on timeline_entries (incident_id, id);');
    this.addSql(`
      create table audit_events (
        id bigint generated always as identity primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        actor_kind text not null,
        actor_id text,
        actor_name text not null,
        action text not null,
        target_type text not null,
        target_id text,
        data jsonb not null default '{}'::jsonb,
        created_at timestamptz not null
      );`);
    this.addSql('create index audit_tenant on audit_events (tenant_id, id desc);');
  }

  override async down(): Promise<void> {
    for (const t of [
      'audit_events',
      'timeline_entries',
      'alerts',
      'incidents',
      'users',
      'api_keys',
      'tenants',
    ]) {
      this.addSql(`drop table if exists ${t} cascade;`);
    }
  }
}
