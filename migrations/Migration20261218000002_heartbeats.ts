import { Migration } from '@mikro-orm/migrations';
import { tenantIsolationSql } from './Migration20261208000002_row_level_security.js';

/**
 * Heartbeat monitors (dead-man's switches): anything pings `/api/v1/heartbeats/{token}`; a monitor not pinged
 * within `interval_seconds + grace_seconds` of its last ping (or of its creation) goes `down` and opens an
 * incident of source `heartbeat`, which its next ping resolves.
 * - `token`: the ping URL's secret (the credential of the ping route, unique across tenants);
 * - `due_at`: when the monitor goes down unless pinged (last ping, or creation, + interval + grace): the engine
 *   looks up `state = 'up' and due_at <= now` through `heartbeats_due`;
 * - `down_since`: the missed deadline of the current outage (the alert episode's start), null while up.
 */
export class Migration20261218000002_heartbeats extends Migration {
  override async up(): Promise<void> {
    this.addSql(`
      create table heartbeats (
        id uuid primary key,
        tenant_id uuid not null references tenants(id) on delete cascade,
        name text not null,
        service text not null,
        environment text not null default 'production',
        severity smallint not null default 2 check (severity between 1 and 5),
        description text,
        interval_seconds integer not null check (interval_seconds between 60 and 2678400),
        grace_seconds integer not null check (grace_seconds between 0 and 2678400),
        token text not null unique,
        state text not null default 'up' check (state in ('up', 'down', 'paused')),
        last_ping_at timestamptz,
        pings bigint not null default 0,
        due_at timestamptz not null,
        down_since timestamptz,
        created_at timestamptz not null,
        updated_at timestamptz not null,
        unique (tenant_id, name)
      );`);
    this.addSql(`create index heartbeats_due on heartbeats (due_at) where state = 'up';`);
    for (const s of tenantIsolationSql('heartbeats')) this.addSql(s);
  }

  override async down(): Promise<void> {
    this.addSql('drop table if exists heartbeats cascade;');
  }
}
