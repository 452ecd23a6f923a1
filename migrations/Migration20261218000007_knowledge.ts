import { Migration } from '@mikro-orm/migrations';
import { tenantIsolationSql } from './Migration20261208000002_row_level_security.js';

/**
 * The knowledge base (issue: knowledge base and postmortems).
 * - `kb_entries`: one known problem: title, symptoms, resolution (Markdown), an optional incident signature
 *   (unique per tenant), root cause category, occurrences, last seen, time-to-resolve sums for the mean; `number`
 *   is its per-tenant `KB-7`. `search` is a generated tsvector (title A, symptoms and resolution B, signature C)
 *   with a GIN index, for `websearch_to_tsquery` searches ranked by `ts_rank_cd`.
 * - `kb_entry_versions`: the entry as it stood after each edit (version history), with who made it.
 * - `kb_entry_incidents`: incidents linked to an entry (occurrences of its signature, or linked by hand).
 * - `kb_incident_signatures`: each incident's signature, frozen the first time it is needed (card, page or
 *   resolution), so the look-up and the resolution agree even when more alerts join later.
 * - `kb_resolutions`: the resolution capture of each resolved incident: what fixed it, root cause category, who,
 *   when, how long it took; the hint ("Seen 4 times, last INC-37…") is read from these rows.
 * - `kb_asks`: incidents that resolved by themselves, whose acknowledger or assignee is asked once what fixed it.
 */
export class Migration20261218000007_knowledge extends Migration {
  override async up(): Promise<void> {
    const causes = `('config', 'deploy', 'capacity', 'dependency', 'hardware', 'unknown')`;
    this.addSql(`
      create table kb_entries (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        number integer not null,
        title text not null,
        symptoms text not null default '',
        resolution text not null default '',
        signature text,
        root_cause text check (root_cause in ${causes}),
        occurrences integer not null default 0,
        last_seen_at timestamptz,
        resolve_seconds_total bigint not null default 0,
        resolve_count integer not null default 0,
        version integer not null default 1,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        search tsvector generated always as (
          setweight(to_tsvector('english', title), 'A') ||
          setweight(to_tsvector('english', symptoms), 'B') ||
          setweight(to_tsvector('english', resolution), 'B') ||
          setweight(to_tsvector('simple', coalesce(signature, '')), 'C')
        ) stored,
        unique (tenant_id, number),
        unique (tenant_id, signature)
      );`);
    this.addSql('create index kb_entries_search on kb_entries using gin (search);');
    this.addSql(`
      create table kb_entry_versions (
        id bigserial primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        entry_id uuid not null references kb_entries(id) on delete cascade,
        version integer not null,
        title text not null,
        symptoms text not null,
        resolution text not null,
        signature text,
        root_cause text,
        actor_kind text not null,
        actor_id text,
        actor_name text not null,
        created_at timestamptz not null,
        unique (entry_id, version)
      );`);
    this.addSql(`
      create table kb_entry_incidents (
        tenant_id uuid not null references tenants(id) on delete cascade,
        entry_id uuid not null references kb_entries(id) on delete cascade,
        incident_id uuid not null references incidents(id) on delete cascade,
        incident_number integer not null,
        linked_at timestamptz not null,
        primary key (entry_id, incident_id)
      );`);
    this.addSql(`
      create table kb_incident_signatures (
        incident_id uuid primary key references incidents(id) on delete cascade,
        tenant_id uuid not null references tenants(id) on delete cascade,
        signature text not null,
        created_at timestamptz not null
      );`);
    this.addSql(`
      create table kb_resolutions (
        incident_id uuid primary key references incidents(id) on delete cascade,
        tenant_id uuid not null references tenants(id) on delete cascade,
        incident_number integer not null,
        signature text not null,
        service text not null,
        opened_at timestamptz not null,
        resolved_at timestamptz not null,
        resolve_seconds integer not null,
        resolved_by_kind text not null,
        resolved_by_id text,
        resolved_by_name text not null,
        auto_resolved boolean not null,
        fix text,
        root_cause text check (root_cause in ${causes}),
        add_to_kb boolean not null default false,
        entry_id uuid references kb_entries(id) on delete set null,
        captured_at timestamptz,
        captured_by_id text,
        captured_by_name text
      );`);
    this.addSql(
      'create index kb_resolutions_signature on kb_resolutions (tenant_id, signature, resolved_at desc);',
    );
    this.addSql(`
      create table kb_asks (
        incident_id uuid primary key references incidents(id) on delete cascade,
        tenant_id uuid not null references tenants(id) on delete cascade,
        state text not null default 'pending' check (state in ('pending', 'sent', 'skipped')),
        created_at timestamptz not null,
        done_at timestamptz,
        asked text
      );`);
    this.addSql(`create index kb_asks_pending on kb_asks (created_at) where state = 'pending';`);
    for (const t of [
      'kb_entries',
      'kb_entry_versions',
      'kb_entry_incidents',
      'kb_incident_signatures',
      'kb_resolutions',
      'kb_asks',
    ])
      for (const s of tenantIsolationSql(t)) this.addSql(s);
    this.addSql('grant usage on sequence kb_entry_versions_id_seq to opswatch_tenant;');
  }

  override async down(): Promise<void> {
    for (const t of [
      'kb_asks',
      'kb_resolutions',
      'kb_incident_signatures',
      'kb_entry_incidents',
      'kb_entry_versions',
      'kb_entries',
    ])
      this.addSql(`drop table if exists ${t};`);
  }
}
