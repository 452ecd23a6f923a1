import { Migration } from '@mikro-orm/migrations';

/** Every table holding a tenant's rows, with the column naming the tenant. */
export const TENANT_TABLES: readonly (readonly [table: string, column: string])[] = [
  ['tenants', 'id'],
  ['api_keys', 'tenant_id'],
  ['users', 'tenant_id'],
  ['incidents', 'tenant_id'],
  ['alerts', 'tenant_id'],
  ['timeline_entries', 'tenant_id'],
  ['audit_events', 'tenant_id'],
  ['outbox', 'tenant_id'],
  ['slack_messages', 'tenant_id'],
  ['slack_home_users', 'tenant_id'],
  ['schedules', 'tenant_id'],
  ['schedule_overrides', 'tenant_id'],
  ['user_ical_tokens', 'tenant_id'],
  ['schedule_handoff_cursors', 'tenant_id'],
  ['schedule_handoffs', 'tenant_id'],
];

/**
 * Row-level security for one tenant-owned table (a later migration adding such a table calls this too):
 * - `opswatch_tenant`, the role tenant-scoped transactions switch to (SET LOCAL ROLE), sees and writes only rows
 *   whose tenant is `opswatch.tenant_id` (set per transaction); with the setting unset it sees nothing;
 * - the role that owns the tables (the one OpsWatch connects as, running this migration) keeps every row, for
 *   the system scope (API key look-up, the engine, outbox delivery, migrations), through an explicit policy;
 * - FORCE: the owner is subject to the policies too, so no role but those two reads anything.
 * Superusers and BYPASSRLS roles bypass row-level security whatever the policies say; tenant-scoped
 * transactions still switch to `opswatch_tenant`, which has neither.
 */
export function tenantIsolationSql(table: string, column = 'tenant_id'): string[] {
  // A scalar subquery, so PostgreSQL reads and casts the setting once per statement (an InitPlan), not per row.
  const mine = `${column} = (select nullif(current_setting('opswatch.tenant_id', true), '')::uuid)`;
  const privileges = table === 'tenants' ? 'select, update' : 'select, insert, update, delete';
  return [
    `grant ${privileges} on ${table} to opswatch_tenant;`,
    `alter table ${table} enable row level security;`,
    `alter table ${table} force row level security;`,
    `create policy opswatch_tenant_rows on ${table} to opswatch_tenant using (${mine}) with check (${mine});`,
    `do $$ begin execute format('create policy opswatch_system_rows on ${table} to %I using (true) with check (true)', current_user); end $$;`,
  ];
}

/** Creates `opswatch_tenant` (NOLOGIN) unless it exists, and lets the connecting role SET ROLE to it. */
const TENANT_ROLE_SQL = `
do $$
declare
  can_switch boolean;
  advice text := format(
    'OpsWatch keeps tenants apart with PostgreSQL row-level security: it needs a role named opswatch_tenant that '
    'the database user %1$I can switch to (SET ROLE), and %1$I may not create or grant it. Ask a database '
    'administrator to run once: CREATE ROLE opswatch_tenant NOLOGIN; GRANT opswatch_tenant TO %1$I; '
    'then run opswatch migrate (or start OpsWatch) again.', current_user);
begin
  if not exists (select 1 from pg_roles where rolname = 'opswatch_tenant') then
    begin
      create role opswatch_tenant nologin;
    exception
      when duplicate_object or unique_violation then null; -- created meanwhile by another migration
      when insufficient_privilege then raise exception '%', advice using errcode = 'insufficient_privilege';
    end;
  end if;
  if current_setting('server_version_num')::int >= 160000 then
    execute 'select pg_has_role(current_user, ''opswatch_tenant'', ''SET'')' into can_switch;
  else
    can_switch := pg_has_role(current_user, 'opswatch_tenant', 'MEMBER');
  end if;
  if not can_switch then
    begin
      execute format('grant opswatch_tenant to %I', current_user);
    exception
      when insufficient_privilege or invalid_grant_operation then
        raise exception '%', advice using errcode = 'insufficient_privilege';
    end;
  end if;
end $$;`;

/**
 * Tenant isolation enforced by PostgreSQL: a tenant-scoped transaction (SET LOCAL ROLE opswatch_tenant and
 * `opswatch.tenant_id`) sees only its tenant's rows, so a query that forgets its tenant predicate returns
 * nothing rather than another tenant's rows.
 */
export class Migration20261208000002_row_level_security extends Migration {
  override async up(): Promise<void> {
    this.addSql(TENANT_ROLE_SQL);
    for (const [table, column] of TENANT_TABLES)
      for (const s of tenantIsolationSql(table, column)) this.addSql(s);
  }

  override async down(): Promise<void> {
    // The role is the cluster's, shared by every database: it stays.
    for (const [table] of TENANT_TABLES) {
      this.addSql(`drop policy if exists opswatch_tenant_rows on ${table};`);
      this.addSql(`drop policy if exists opswatch_system_rows on ${table};`);
      this.addSql(`alter table ${table} no force row level security;`);
      this.addSql(`alter table ${table} disable row level security;`);
      this.addSql(`revoke all on ${table} from opswatch_tenant;`);
    }
  }
}
