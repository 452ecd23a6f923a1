import { Migration } from '@mikro-orm/migrations';

/**
 * Opening incidents without queueing, for alert ingestion.
 *
 * Incident numbers (INC-n) come from a PostgreSQL sequence per tenant, `incident_numbers."<tenant id>"`, instead
 * of the `tenants.incident_seq` counter. Counting on the tenant's row made every transaction that opened an
 * incident hold that row's lock until its commit was durable, so concurrent openings (group-commit batches, REST
 * declarations, several replicas) queued on it one commit at a time; `nextval` takes no lock that outlives the
 * call. Numbers stay unique and increasing per tenant; like PagerDuty's, they may skip: the numbers a
 * transaction took are not given back if it rolls back, and after a crash the sequence may jump ahead (it logs
 * 32 values ahead). `cache 1`, so numbers from several replicas keep to the order they were taken in.
 *
 * A trigger creates a tenant's sequence when the tenant is inserted (whoever inserts it) and drops it with the
 * tenant; it runs as the migrating role (security definer), which owns the schema. `opswatch_tenant` may use the
 * sequences (nextval), nothing else.
 *
 * `alerts.incident_id`'s foreign key becomes deferrable (still checked at once unless a transaction defers it): an
 * ingest transaction stores the new alerts of a group with no open incident under the id the incident will have
 * if it opens one, before it knows, and defers the check to its commit, which saves updating every such alert
 * again once the incident is inserted.
 */
export class Migration20261218000006_ingest_numbering extends Migration {
  override async up(): Promise<void> {
    this.addSql('create schema incident_numbers;');
    this.addSql('grant usage on schema incident_numbers to opswatch_tenant;');
    this.addSql(
      'alter default privileges in schema incident_numbers grant usage on sequences to opswatch_tenant;',
    );
    this.addSql(`
      create function incident_numbers_create() returns trigger
      language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
      begin
        execute format('create sequence incident_numbers.%I as integer cache 1', new.id::text);
        return new;
      end $$;`);
    this.addSql(`
      create function incident_numbers_drop() returns trigger
      language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
      begin
        execute format('drop sequence if exists incident_numbers.%I', old.id::text);
        return old;
      end $$;`);
    this.addSql(`
      do $$
      declare t record;
      begin
        for t in select id, incident_seq from tenants loop
          execute format('create sequence incident_numbers.%I as integer cache 1', t.id::text);
          if t.incident_seq > 0 then
            perform setval(format('incident_numbers.%I', t.id::text)::regclass, t.incident_seq);
          end if;
        end loop;
      end $$;`);
    this.addSql(
      'create trigger tenants_incident_numbers_create after insert on tenants for each row execute function incident_numbers_create();',
    );
    this.addSql(
      'create trigger tenants_incident_numbers_drop after delete on tenants for each row execute function incident_numbers_drop();',
    );
    this.addSql('alter table tenants drop column incident_seq;');
    this.addSql(
      'alter table alerts alter constraint alerts_incident_id_fkey deferrable initially immediate;',
    );
  }

  override async down(): Promise<void> {
    this.addSql('alter table alerts alter constraint alerts_incident_id_fkey not deferrable;');
    this.addSql('alter table tenants add column incident_seq integer not null default 0;');
    this.addSql(`
      update tenants t set incident_seq = coalesce(
        (select s.last_value from pg_sequences s where s.schemaname = 'incident_numbers'
           and s.sequencename = t.id::text), 0);`);
    this.addSql('drop trigger if exists tenants_incident_numbers_create on tenants;');
    this.addSql('drop trigger if exists tenants_incident_numbers_drop on tenants;');
    this.addSql('drop function if exists incident_numbers_create();');
    this.addSql('drop function if exists incident_numbers_drop();');
    this.addSql('drop schema if exists incident_numbers cascade;');
  }
}
