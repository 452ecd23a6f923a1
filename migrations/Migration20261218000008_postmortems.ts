import { Migration } from '@mikro-orm/migrations';
import { tenantIsolationSql } from './Migration20261208000002_row_level_security.js';

/**
 * Postmortems (issue: knowledge base and postmortems).
 * - `postmortems`: at most one per incident. `facts` is what OpsWatch knew when the draft was made (date,
 *   duration, severity, owner, services, the timeline table, MTTD/MTTA/MTTR), kept as written so the document
 *   does not change under its readers; `content` holds the sections people write (Markdown) and the impact's
 *   structured fields. `status`: draft → in_review → published (published is final).
 * - `postmortem_action_items`: follow-ups with an owner and a due date. `reminded_on` is the owner's local date
 *   of the last overdue reminder, so the daily reminder goes once a day whichever worker runs it.
 */
export class Migration20261218000008_postmortems extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table postmortems (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        incident_id uuid not null references incidents(id) on delete cascade,
        status text not null default 'draft' check (status in ('draft', 'in_review', 'published')),
        title text not null,
        facts jsonb not null,
        content jsonb not null default '{}'::jsonb,
        version integer not null default 1,
        created_by text not null,
        published_at timestamptz,
        published_by text,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        unique (incident_id)
      );`);
    this.addSql('create index postmortems_tenant on postmortems (tenant_id, created_at desc);');
    this.addSql(`
      create table postmortem_action_items (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        postmortem_id uuid not null references postmortems(id) on delete cascade,
        title text not null,
        owner_id uuid references users(id) on delete set null,
        due_on date,
        status text not null default 'open' check (status in ('open', 'closed')),
        closed_at timestamptz,
        closed_by text,
        reminded_on date,
        created_at timestamptz not null,
        updated_at timestamptz not null
      );`);
    this.addSql(
      'create index postmortem_action_items_postmortem on postmortem_action_items (postmortem_id, created_at);',
    );
    this.addSql(
      `create index postmortem_action_items_overdue on postmortem_action_items (due_on, reminded_on)
         where status = 'open' and due_on is not null and owner_id is not null;`,
    );
    for (const table of ['postmortems', 'postmortem_action_items']) {
      for (const s of tenantIsolationSql(table)) this.addSql(s);
    }
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists postmortem_action_items;');
    this.addSql('drop table if exists postmortems;');
  }
}
