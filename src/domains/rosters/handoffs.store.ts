import { type Em, query, queryOne, sql } from '../../db/sql.js';
import { newId } from '../../shared/ids.js';
import type { Handoff } from './handoff.calc.js';
import type { ScheduleRow } from './rosters.store.js';

/** The advisory lock of the handoff module: one replica looks for handoffs at a time. */
const HANDOFF_LOCK = 0x0a_5e_4a_01;

export interface DueScheduleRow extends ScheduleRow {
  tenant_id: string;
  /** null: never checked (no cursor yet). */
  checked_until: string | null;
  synced_user_group: string | null;
}

/** A recorded handoff; timestamps come back from the driver as strings. */
export interface HandoffRow {
  at: string;
  from_user_id: string | null;
  to_user_id: string | null;
  until: string | null;
  announced: boolean;
}

const SCHEDULE = sql`s.id, s.tenant_id, s.name, s.time_zone, s.slack_channel, s.slack_user_group, s.layers,
  s.ical_token, s.version, s.created_at, s.updated_at`;

export const handoffsStore = {
  /** Takes the module's lock for this transaction; false when another replica holds it. */
  async tryLock(em: Em): Promise<boolean> {
    const row = await queryOne<{ locked: boolean }>(
      em,
      sql`select pg_try_advisory_xact_lock(${HANDOFF_LOCK}) as locked`,
    );
    return row?.locked === true;
  },

  /** Schedules of every tenant (system scope) not checked up to `now`, least recently checked first. */
  due(em: Em, now: Date, limit: number): Promise<DueScheduleRow[]> {
    return query<DueScheduleRow>(
      em,
      sql`select ${SCHEDULE}, c.checked_until, c.synced_user_group
          from schedules s left join schedule_handoff_cursors c on c.tenant_id = s.tenant_id and c.schedule_id = s.id
          where c.checked_until is null or c.checked_until < ${now}
          order by c.checked_until nulls first, s.id limit ${limit}
          for update of s skip locked`,
    );
  },

  async advance(
    em: Em,
    tenantId: string,
    scheduleId: string,
    until: Date,
    syncedUserGroup: string | null,
  ): Promise<void> {
    await query(
      em,
      sql`insert into schedule_handoff_cursors (schedule_id, tenant_id, checked_until, synced_user_group)
          values (${scheduleId}, ${tenantId}, ${until}, ${syncedUserGroup})
          on conflict (schedule_id) do update
            set checked_until = greatest(schedule_handoff_cursors.checked_until, excluded.checked_until),
                synced_user_group = excluded.synced_user_group`,
    );
  },

  /** Records handoffs; returns the instants that were new (a handoff already recorded is never recorded again). */
  async record(
    em: Em,
    tenantId: string,
    scheduleId: string,
    handoffs: readonly Handoff[],
    announcedAt: Date | null,
    now: Date,
  ): Promise<Set<number>> {
    if (handoffs.length === 0) return new Set();
    const rows = JSON.stringify(
      handoffs.map((h) => ({
        id: newId(),
        at: h.at.toISOString(),
        from_user_id: h.fromUserId,
        to_user_id: h.toUserId,
        until: h.until?.toISOString() ?? null,
        announced: announcedAt !== null && h.at.getTime() === announcedAt.getTime(),
      })),
    );
    const inserted = await query<{ at: string }>(
      em,
      sql`insert into schedule_handoffs (id, tenant_id, schedule_id, at, from_user_id, to_user_id, until, announced, created_at)
          select x.id, ${tenantId}, ${scheduleId}, x.at, x.from_user_id, x.to_user_id, x.until, x.announced, ${now}
          from jsonb_to_recordset(${rows}::jsonb)
            as x(id uuid, at timestamptz, from_user_id text, to_user_id text, until timestamptz, announced boolean)
          on conflict (schedule_id, at) do nothing
          returning at`,
    );
    return new Set(inserted.map((r) => new Date(r.at).getTime()));
  },

  recent(em: Em, tenantId: string, scheduleId: string, limit: number): Promise<HandoffRow[]> {
    return query<HandoffRow>(
      em,
      sql`select at, from_user_id, to_user_id, until, announced from schedule_handoffs
          where tenant_id = ${tenantId} and schedule_id = ${scheduleId} order by at desc limit ${limit}`,
    );
  },
};
