import { Migration } from '@mikro-orm/migrations';

/** The outbox of side effects (Slack posts, updates, thread replies, DMs, Home views) and the Slack messages posted. */
export class Migration20261122000002_slack extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table outbox (
        id bigint generated always as identity primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        incident_id uuid references incidents(id) on delete cascade,
        kind text not null check (kind in ('post_card', 'update_card', 'thread_reply', 'dm', 'publish_home')),
        channel text not null,
        payload jsonb not null default '{}'::jsonb,
        idempotency_key text not null unique,
        tx bigint not null default txid_current(),
        status text not null default 'pending' check (status in ('pending', 'sent', 'failed', 'skipped')),
        attempts integer not null default 0,
        next_attempt_at timestamptz not null,
        last_error text,
        created_at timestamptz not null,
        sent_at timestamptz
      );`);
    this.addSql(`create index outbox_due on outbox (next_attempt_at, channel) where status = 'pending';`);
    this.addSql('create index outbox_incident on outbox (incident_id, kind, channel);');
    this.addSql(`
      create table slack_messages (
        tenant_id uuid not null references tenants(id) on delete cascade,
        incident_id uuid not null references incidents(id) on delete cascade,
        channel text not null,
        channel_id text not null,
        ts text not null,
        created_at timestamptz not null,
        primary key (incident_id, channel)
      );`);
    this.addSql(`
      create table slack_home_users (
        tenant_id uuid not null references tenants(id) on delete cascade,
        slack_user_id text not null,
        opened_at timestamptz not null,
        primary key (tenant_id, slack_user_id)
      );`);
  }

  override async down(): Promise<void> {
    for (const t of ['slack_home_users', 'slack_messages', 'outbox'])
      this.addSql(`drop table if exists ${t} cascade;`);
  }
}
