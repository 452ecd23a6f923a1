import type { Selectable } from 'kysely';
import type { ScheduleHandoffs } from '../../db/schema.generated.js';
import { db, type Em, query, queryOne, type RowOf, sql } from '../../db/sql.js';
import { newId } from '../../shared/ids.js';
import type { Handoff } from './handoff.calc.js';

/** The advisory lock of the handoff module: one replica looks for handoffs at a time. */
const HANDOFF_LOCK = 0x0a_5e_4a_01;

/** Schedules of every tenant (system scope) not checked up to `now`, least recently checked first. */
const selectDue = (now: Date, limit: number) =>
  db
    .selectFrom('schedules as s')
    .leftJoin('schedule_handoff_cursors as c', (join) =>
      join.onRef('c.tenant_id', '=', 's.tenant_id').onRef('c.schedule_id', '=', 's.id'),
    )
    .select([
      's.id',
      's.tenant_id',
      's.name',
      's.time_zone',
      's.slack_channel',
      's.slack_user_group',
      's.layers',
      's.ical_token',
      's.version',
      's.created_at',
      's.updated_at',
      // null: never checked (no cursor yet).
      'c.checked_until',
      'c.synced_user_group',
    ])
    .where((eb) => eb.or([eb('c.checked_until', 'is', null), eb('c.checked_until', '<', now.toISOString())]))
    .orderBy('c.checked_until', (ob) => ob.nullsFirst())
    .orderBy('s.id')
    .limit(limit)
    .forUpdate('s')
    .skipLocked();

export type DueScheduleRow = RowOf<ReturnType<typeof selectDue>>;

/** A recorded handoff; timestamps are text. */
export type HandoffRow = Pick<
  Selectable<ScheduleHandoffs>,
  'at' | 'from_user_id' | 'to_user_id' | 'until' | 'announced'
>;

export const handoffsStore = {
  /** Takes the module's lock for this transaction; false when another replica holds it. */
  async tryLock(em: Em): Promise<boolean> {
    const row = await queryOne(
      em,
      db.selectNoFrom(sql<boolean>`pg_try_advisory_xact_lock(${HANDOFF_LOCK})`.as('locked')),
    );
    return row?.locked === true;
  },

  due(em: Em, now: Date, limit: number): Promise<DueScheduleRow[]> {
    return query(em, selectDue(now, limit));
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
      db
        .insertInto('schedule_handoff_cursors')
        .values({
          schedule_id: scheduleId,
          tenant_id: tenantId,
          checked_until: until,
          synced_user_group: syncedUserGroup,
        })
        .onConflict((oc) =>
          oc.column('schedule_id').doUpdateSet(({ ref }) => ({
            checked_until: sql<string>`greatest(${ref('schedule_handoff_cursors.checked_until')}, ${ref('excluded.checked_until')})`,
            synced_user_group: ref('excluded.synced_user_group'),
          })),
        ),
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
    // A batch from a JSON document: raw SQL, its result typed from the generated interface.
    const inserted = await query(
      em,
      sql<
        Pick<HandoffRow, 'at'>
      >`insert into schedule_handoffs (id, tenant_id, schedule_id, at, from_user_id, to_user_id, until, announced, created_at)
          select x.id, ${tenantId}, ${scheduleId}, x.at, x.from_user_id, x.to_user_id, x.until, x.announced, ${now}
          from jsonb_to_recordset(${rows}::jsonb)
            as x(id uuid, at timestamptz, from_user_id text, to_user_id text, until timestamptz, announced boolean)
          on conflict (schedule_id, at) do nothing
          returning at`,
    );
    return new Set(inserted.map((r) => new Date(r.at).getTime()));
  },

  recent(em: Em, tenantId: string, scheduleId: string, limit: number): Promise<HandoffRow[]> {
    return query(
      em,
      db
        .selectFrom('schedule_handoffs')
        .select(['at', 'from_user_id', 'to_user_id', 'until', 'announced'])
        .where('tenant_id', '=', tenantId)
        .where('schedule_id', '=', scheduleId)
        .orderBy('at', 'desc')
        .limit(limit),
    );
  },
};
