import { Migration } from '@mikro-orm/migrations';
import { tenantIsolationSql } from './Migration20261208000002_row_level_security.js';

/**
 * The escalation engine's state (issue: escalation).
 * - `incidents.drill`: a fire drill pages for real, says DRILL everywhere and is left out of analytics.
 * - `escalations`: one per incident, with the policy frozen onto it when it triggered (`snapshot`, name,
 *   version). `generation` counts (re)starts (re-trigger, ack timeout); `step`/`loop` say where it is;
 *   `next_at` is the stored deadline the engine wakes for (next step, or the ack timeout); null when idle.
 * - `pages`: one notification per (incident, generation, loop, step, person, rule) — the unique key written in
 *   the same transaction as the escalation state, so however many workers run and whatever crashes, a page is
 *   recorded once; it is handed to the outbox (outbox_id) when due, and its delivery outcome is written back
 *   (with the DM's channel and ts, so it is updated in place when anyone acts on the incident). `sending`: an
 *   attempt claimed it (sending_at) and may have sent it: a later attempt looks for it before sending again.
 */
export class Migration20261216000002_escalations extends Migration {
  override async up(): Promise<void> {
    this.addSql('alter table incidents add column drill boolean not null default false;');
    this.addSql(`
      create table escalations (
        incident_id uuid primary key references incidents(id) on delete cascade,
        tenant_id uuid not null references tenants(id) on delete cascade,
        policy_id uuid,
        policy_name text not null,
        policy_version integer not null,
        snapshot jsonb not null,
        urgency text not null check (urgency in ('high', 'low')),
        state text not null check (state in ('active', 'acknowledged', 'resolved', 'exhausted')),
        generation integer not null default 0,
        loop integer not null default 0,
        step integer not null default 0,
        step_fired_at timestamptz,
        next_at timestamptz,
        started_at timestamptz not null,
        acknowledged_at timestamptz,
        updated_at timestamptz not null
      );`);
    this.addSql('create index escalations_due on escalations (next_at) where next_at is not null;');
    this.addSql(`
      create table pages (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        incident_id uuid not null references incidents(id) on delete cascade,
        generation integer not null,
        loop integer not null,
        step integer not null,
        user_id uuid references users(id) on delete set null,
        target_type text not null,
        target_id text,
        rule_position smallint not null,
        method text not null,
        due_at timestamptz not null,
        status text not null default 'pending'
          check (status in ('pending', 'queued', 'sending', 'sent', 'failed', 'cancelled', 'skipped')),
        outbox_id bigint,
        queued_at timestamptz,
        sending_at timestamptz,
        sent_at timestamptz,
        acked_at timestamptz,
        detail text,
        target_label text,
        slack_channel text,
        slack_ts text,
        created_at timestamptz not null,
        unique (incident_id, generation, loop, step, user_id, rule_position)
      );`);
    this.addSql(`create index pages_due on pages (due_at) where status = 'pending';`);
    this.addSql('create index pages_incident on pages (incident_id, created_at);');
    this.addSql(
      `create index pages_user on pages (user_id, status) where status in ('pending', 'queued', 'sent');`,
    );
    for (const t of ['escalations', 'pages']) for (const s of tenantIsolationSql(t)) this.addSql(s);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists pages cascade;');
    this.addSql('drop table if exists escalations cascade;');
    this.addSql('alter table incidents drop column if exists drill;');
  }
}
