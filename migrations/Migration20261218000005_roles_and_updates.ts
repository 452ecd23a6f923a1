import { Migration } from '@mikro-orm/migrations';
import { tenantIsolationSql } from './Migration20261208000002_row_level_security.js';

/**
 * Incident roles, status updates' followers and the update cadence (incidents domain).
 * - `incident_roles`: at most one person per role (commander, communications, scribe) of an incident; assigning
 *   a role again replaces its holder. Postmortems read them from here (and the `role_assigned` events).
 * - `incident_followers`: who gets an incident's status updates besides its card's thread: a person (`user`,
 *   `target` = user id, by Slack DM) or a Slack channel (`channel`, `target` = channel id or name).
 * - `incident_update_cadences`: one per open incident whose severity has a cadence: how often an update is due
 *   (`interval_minutes`), counted from `anchor_at` (the opening or the last update), and `due_at`, the stored
 *   instant the engine reminds at next (null once resolved). `reminders` counts reminders since the anchor.
 */
export class Migration20261218000005_roles_and_updates extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table incident_roles (
        incident_id uuid not null references incidents(id) on delete cascade,
        tenant_id uuid not null references tenants(id) on delete cascade,
        role text not null check (role in ('commander', 'communications', 'scribe')),
        user_id uuid not null references users(id) on delete cascade,
        assigned_at timestamptz not null,
        primary key (incident_id, role)
      );`);
    this.addSql(`
      create table incident_followers (
        incident_id uuid not null references incidents(id) on delete cascade,
        tenant_id uuid not null references tenants(id) on delete cascade,
        kind text not null check (kind in ('user', 'channel')),
        target text not null,
        created_at timestamptz not null,
        primary key (incident_id, kind, target)
      );`);
    this.addSql(`
      create table incident_update_cadences (
        incident_id uuid primary key references incidents(id) on delete cascade,
        tenant_id uuid not null references tenants(id) on delete cascade,
        interval_minutes integer not null check (interval_minutes > 0),
        anchor_at timestamptz not null,
        due_at timestamptz,
        reminders integer not null default 0,
        updated_at timestamptz not null
      );`);
    this.addSql(
      'create index incident_update_cadences_due on incident_update_cadences (due_at) where due_at is not null;',
    );
    for (const t of ['incident_roles', 'incident_followers', 'incident_update_cadences'])
      for (const s of tenantIsolationSql(t)) this.addSql(s);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists incident_update_cadences cascade;');
    this.addSql('drop table if exists incident_followers cascade;');
    this.addSql('drop table if exists incident_roles cascade;');
  }
}
