import { Migration } from '@mikro-orm/migrations';

/**
 * Merging duplicate incidents (one into another, the target):
 * - `incidents.merged_into`: the target a merged (and so resolved) incident points to;
 * - `incidents.merged_group_keys`: the group keys of the incidents merged into this one (and of those merged into
 *   them). While it is open, new alerts of those groups join it rather than opening an incident of their own; the
 *   GIN index finds an open incident by any of them;
 * - `timeline_entries.merged_from` and `pages.merged_from`: the incident a row was recorded for, when a merge moved
 *   it to the target. Moved pages keep their generation, loop and step, so the one-page-per-step key only holds
 *   among an incident's own pages (`merged_from is null`): the escalation never counts, sends or re-creates a page
 *   it moved in.
 */
export class Migration20261218000003_merge extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table incidents
      add column merged_into uuid references incidents(id) on delete set null,
      add column merged_group_keys text[] not null default '{}';`);
    this.addSql(
      `create index incidents_open_merged_keys on incidents using gin (merged_group_keys) where status <> 'resolved';`,
    );
    this.addSql(
      'alter table timeline_entries add column merged_from uuid references incidents(id) on delete set null;',
    );
    this.addSql('alter table pages add column merged_from uuid references incidents(id) on delete set null;');
    this.addSql('create index pages_merged_from on pages (merged_from) where merged_from is not null;');
    this.addSql(
      'create index timeline_entries_merged_from on timeline_entries (merged_from) where merged_from is not null;',
    );
    this.addSql(`do $$
      declare c text;
      begin
        select conname into c from pg_constraint
        where conrelid = 'pages'::regclass and contype = 'u'
          and pg_get_constraintdef(oid) like '%(incident_id, generation, loop, step, user_id, rule_position)%';
        execute format('alter table pages drop constraint %I', c);
      end $$;`);
    this.addSql(`create unique index pages_step_person on pages (incident_id, generation, loop, step, user_id,
      rule_position) where merged_from is null;`);
  }

  override async down(): Promise<void> {
    this.addSql('drop index if exists pages_step_person;');
    this.addSql('delete from pages where merged_from is not null;');
    this.addSql(
      `alter table pages add unique (incident_id, generation, loop, step, user_id, rule_position);`,
    );
    this.addSql('alter table pages drop column if exists merged_from;');
    this.addSql('alter table timeline_entries drop column if exists merged_from;');
    this.addSql('drop index if exists incidents_open_merged_keys;');
    this.addSql(
      'alter table incidents drop column if exists merged_into, drop column if exists merged_group_keys;',
    );
  }
}
