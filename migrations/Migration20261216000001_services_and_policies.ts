import { Migration } from '@mikro-orm/migrations';
import { tenantIsolationSql } from './Migration20261208000002_row_level_security.js';

/**
 * Services, escalation policies, people's managers and notification rules (issue: escalation).
 * - `services`: an alert's `service` string names one (created on first sight, with no policy); its
 *   `slack_channel` is where its incidents' cards go — the tenant's former Slack routes move here.
 * - `escalation_policies`: the policy as the API takes it (`spec`: steps, repeat, ackTimeoutMinutes, urgency,
 *   fallbackChannel) with a `version` bumped on every change; incidents freeze a copy when they trigger.
 *   `is_default` marks the tenant's default policy (services without a policy of their own use it).
 * - `notification_rules`: per user and urgency, the ordered chain of methods with delays (none: the defaults).
 */
export class Migration20261216000001_services_and_policies extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table escalation_policies (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        name text not null,
        description text,
        spec jsonb not null,
        version integer not null default 1,
        is_default boolean not null default false,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        unique (tenant_id, name)
      );`);
    // The tenant's default policy (for services without one): at most one per tenant.
    this.addSql(
      'create unique index escalation_policies_default on escalation_policies (tenant_id) where is_default;',
    );
    this.addSql(`
      create table services (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        name text not null,
        description text,
        slack_channel text,
        escalation_policy_id uuid references escalation_policies(id) on delete restrict,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        unique (tenant_id, name)
      );`);
    this.addSql(
      'create index services_policy on services (escalation_policy_id) where escalation_policy_id is not null;',
    );
    this.addSql('alter table users add column manager_id uuid references users(id) on delete set null;');
    this.addSql(`
      create table notification_rules (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        user_id uuid not null references users(id) on delete cascade,
        urgency text not null check (urgency in ('high', 'low')),
        position smallint not null check (position >= 0),
        method text not null check (method in ('slack_dm', 'sms', 'voice')),
        contact_method_id uuid,
        delay_minutes numeric(8, 2) not null check (delay_minutes >= 0),
        created_at timestamptz not null,
        unique (user_id, urgency, position)
      );`);
    // The Slack routes (tenant settings `slack.routes`: service name → channel) become services' channels.
    this.addSql(`
      insert into services (id, tenant_id, name, slack_channel, created_at, updated_at)
      select gen_random_uuid(), t.id, r.key, r.value, now(), now()
        from tenants t, jsonb_each_text(coalesce(t.settings #> '{slack,routes}', '{}'::jsonb)) r
      on conflict (tenant_id, name) do nothing;`);
    // …and leave the settings: services are where the channels live from now on.
    this.addSql(
      `update tenants set settings = settings #- '{slack,routes}' where settings #> '{slack,routes}' is not null;`,
    );
    for (const t of ['escalation_policies', 'services', 'notification_rules'])
      for (const s of tenantIsolationSql(t)) this.addSql(s);
  }

  override async down(): Promise<void> {
    this.addSql(`
      update tenants t set settings = jsonb_set(t.settings, '{slack}', coalesce(t.settings->'slack', '{}'::jsonb)
        || jsonb_build_object('routes', coalesce((select jsonb_object_agg(s.name, s.slack_channel) from services s
             where s.tenant_id = t.id and s.slack_channel is not null), '{}'::jsonb)));`);
    this.addSql('drop table if exists notification_rules cascade;');
    this.addSql('alter table users drop column if exists manager_id;');
    this.addSql('drop table if exists services cascade;');
    this.addSql('drop table if exists escalation_policies cascade;');
  }
}
