import type { Selectable } from 'kysely';
import type { Heartbeats } from '../../db/schema.generated.js';
import { command, db, type Em, query, queryOne, sql } from '../../db/sql.js';

/** The advisory lock of the heartbeat module: one replica looks for missed heartbeats at a time. */
const HEARTBEAT_LOCK = 0x0a_5e_4b_01;

/** A heartbeat row; timestamps are text, `pings` a bigint as text. */
export type HeartbeatRow = Selectable<Heartbeats>;

/** What a ping found: the row as it is now, and its state before the ping. */
export type PingedRow = HeartbeatRow & { was_state: string; was_down_since: string | null };

/** The columns a create or update writes. */
export interface HeartbeatFields {
  name: string;
  service: string;
  environment: string;
  severity: number;
  description: string | null;
  interval_seconds: number;
  grace_seconds: number;
}

const seconds = (n: number) => sql`make_interval(secs => ${n})`;

export const heartbeatsStore = {
  list(em: Em, tenantId: string): Promise<HeartbeatRow[]> {
    return query(
      em,
      db.selectFrom('heartbeats').selectAll().where('tenant_id', '=', tenantId).orderBy('name'),
    );
  },

  byId(em: Em, tenantId: string, id: string): Promise<HeartbeatRow | undefined> {
    return queryOne(
      em,
      db.selectFrom('heartbeats').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id),
    );
  },

  byName(em: Em, tenantId: string, name: string): Promise<HeartbeatRow | undefined> {
    return queryOne(
      em,
      db.selectFrom('heartbeats').selectAll().where('tenant_id', '=', tenantId).where('name', '=', name),
    );
  },

  /** Inserts a monitor due `interval + grace` after `at`; undefined when the name is taken. */
  insert(
    em: Em,
    tenantId: string,
    row: HeartbeatFields & { id: string; token: string; state: 'up' | 'paused' },
    at: Date,
  ): Promise<HeartbeatRow | undefined> {
    return queryOne<HeartbeatRow>(
      em,
      sql`insert into heartbeats (id, tenant_id, name, service, environment, severity, description, interval_seconds,
            grace_seconds, token, state, due_at, created_at, updated_at)
          values (${row.id}, ${tenantId}, ${row.name}, ${row.service}, ${row.environment}, ${row.severity},
            ${row.description}, ${row.interval_seconds}, ${row.grace_seconds}, ${row.token}, ${row.state},
            ${at}::timestamptz + ${seconds(row.interval_seconds + row.grace_seconds)}, ${at}, ${at})
          on conflict (tenant_id, name) do nothing
          returning *`,
    );
  },

  /**
   * Changes the fields (and the state, when given); the deadline follows the new timing from the last ping or
   * creation. Undefined when the new name is another monitor's.
   */
  async update(
    em: Em,
    tenantId: string,
    id: string,
    f: HeartbeatFields,
    state: 'up' | 'down' | 'paused',
    at: Date,
  ): Promise<HeartbeatRow | undefined> {
    const taken = await queryOne(
      em,
      db
        .selectFrom('heartbeats')
        .select('id')
        .where('tenant_id', '=', tenantId)
        .where('name', '=', f.name)
        .where('id', '!=', id),
    );
    if (taken) return undefined;
    return queryOne<HeartbeatRow>(
      em,
      sql`update heartbeats set name = ${f.name}, service = ${f.service}, environment = ${f.environment},
            severity = ${f.severity}, description = ${f.description}, interval_seconds = ${f.interval_seconds},
            grace_seconds = ${f.grace_seconds}, state = ${state},
            down_since = case when ${state} = 'down' then down_since end,
            due_at = coalesce(last_ping_at, created_at) + ${seconds(f.interval_seconds + f.grace_seconds)},
            updated_at = ${at}
          where tenant_id = ${tenantId} and id = ${id}
          returning *`,
    );
  },

  /** Locks a monitor for a change (the engine and pings lock it too). */
  lock(em: Em, tenantId: string, id: string): Promise<HeartbeatRow | undefined> {
    return queryOne(
      em,
      db
        .selectFrom('heartbeats')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .forUpdate(),
    );
  },

  async remove(em: Em, tenantId: string, id: string): Promise<void> {
    await command(em, db.deleteFrom('heartbeats').where('tenant_id', '=', tenantId).where('id', '=', id));
  },

  /**
   * Records a ping by token (any tenant: the token is the credential), under the row's lock: the monitor is up
   * and due again interval + grace from now. Answers the row and its state before; undefined for an unknown token.
   */
  ping(em: Em, token: string, at: Date): Promise<PingedRow | undefined> {
    return queryOne<PingedRow>(
      em,
      sql`with before as (select id, state, down_since from heartbeats where token = ${token} for update)
          update heartbeats h set last_ping_at = ${at}, pings = h.pings + 1, state = 'up', down_since = null,
            due_at = ${at}::timestamptz + make_interval(secs => h.interval_seconds + h.grace_seconds),
            updated_at = ${at}
          from before where h.id = before.id
          returning h.*, before.state as was_state, before.down_since as was_down_since`,
    );
  },

  /** Takes the module's lock for this transaction; false when another replica holds it. */
  async tryLock(em: Em): Promise<boolean> {
    const row = await queryOne(
      em,
      db.selectNoFrom(sql<boolean>`pg_try_advisory_xact_lock(${HEARTBEAT_LOCK})`.as('locked')),
    );
    return row?.locked === true;
  },

  /**
   * Every tenant's monitors that are up and past their deadline go down, oldest deadline first, at most `limit`:
   * one statement, rows a ping holds are skipped (the ping wins). `down_since` is the deadline they missed.
   */
  markMissed(em: Em, now: Date, limit: number): Promise<HeartbeatRow[]> {
    return query<HeartbeatRow>(
      em,
      sql`update heartbeats h set state = 'down', down_since = h.due_at, updated_at = ${now}
          from (select id from heartbeats where state = 'up' and due_at <= ${now}
                order by due_at limit ${limit} for update skip locked) d
          where h.id = d.id and h.state = 'up'
          returning h.*`,
    );
  },
};
