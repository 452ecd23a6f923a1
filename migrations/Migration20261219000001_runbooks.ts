import { Migration } from '@mikro-orm/migrations';
import { tenantIsolationSql } from './Migration20261208000002_row_level_security.js';

/**
 * Runbooks (issue: runbooks that act).
 * - `runbooks`: the runbook as it stands (its latest version): name, slug (unique per tenant among the runbooks not
 *   deleted), owner, service, the URL alerts' `runbook_url` may name it by, label matchers, Markdown and actions.
 *   Deleting one sets `deleted_at` (its versions and attachments stay).
 * - `runbook_versions`: every version, immutable, with who made it (history and diffs read these).
 * - `runbook_attachments`: a runbook attached to an incident (by an alert's `runbook_url`, or its matchers), once per
 *   runbook per incident, with the version it was attached at.
 * - `runbook_attach_scans`: how many alerts each incident had when the engine last looked for runbooks to attach, so
 *   an incident is looked at again only when alerts joined it.
 */
export class Migration20261219000001_runbooks extends Migration {
  override async up(): Promise<void> {
    const content = `
        name text not null,
        slug text not null,
        owner text not null,
        service text,
        url text,
        matchers jsonb not null default '[]',
        markdown text not null,
        actions jsonb not null default '[]',`;
    this.addSql(`
      create table runbooks (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,${content}
        version integer not null default 1,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        deleted_at timestamptz
      );`);
    this.addSql('create unique index runbooks_slug on runbooks (tenant_id, slug) where deleted_at is null;');
    this.addSql(`
      create table runbook_versions (
        id bigserial primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        runbook_id uuid not null references runbooks(id) on delete cascade,
        version integer not null,${content}
        actor_kind text not null,
        actor_id text,
        actor_name text not null,
        created_at timestamptz not null,
        unique (runbook_id, version)
      );`);
    this.addSql(`
      create table runbook_attachments (
        tenant_id uuid not null references tenants(id) on delete cascade,
        incident_id uuid not null references incidents(id) on delete cascade,
        runbook_id uuid not null references runbooks(id) on delete cascade,
        version integer not null,
        reason text not null check (reason in ('runbook_url', 'matchers')),
        attached_at timestamptz not null,
        primary key (incident_id, runbook_id)
      );`);
    this.addSql(`
      create table runbook_attach_scans (
        incident_id uuid primary key references incidents(id) on delete cascade,
        tenant_id uuid not null references tenants(id) on delete cascade,
        alerts_seen integer not null,
        scanned_at timestamptz not null
      );`);
    for (const t of ['runbooks', 'runbook_versions', 'runbook_attachments', 'runbook_attach_scans'])
      for (const s of tenantIsolationSql(t)) this.addSql(s);
    this.addSql('grant usage on sequence runbook_versions_id_seq to opswatch_tenant;');
  }

  override async down(): Promise<void> {
    for (const t of ['runbook_attach_scans', 'runbook_attachments', 'runbook_versions', 'runbooks'])
      this.addSql(`drop table if exists ${t};`);
  }
}
