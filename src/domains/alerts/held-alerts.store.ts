import type { Selectable } from 'kysely';
import type { DB } from '../../db/schema.generated.js';
import { command, type Em, query, queryOne, sql } from '../../db/sql.js';
import type { SilenceHold } from './silencing.port.js';

type Alert = Selectable<DB['alerts']>;

/** A held-back alert as the engine looks at it again. */
export type HeldRow = Pick<
  Alert,
  'id' | 'source' | 'group_key' | 'title' | 'description' | 'service' | 'environment' | 'severity'
> & { labels: Record<string, string> };

/**
 * Alerts held back by a silence or a maintenance window (`silence_id` / `maintenance_window_id`, looked at again
 * from `silenced_until`): the alerts domain's table, as the silencing step and the engine's release use it.
 */
export const heldAlertsStore = {
  /** Marks held-back alerts with what holds them (a silence or a maintenance window) and until when. */
  async markHeld(em: Em, tenantId: string, marks: { id: string; hold: SilenceHold }[]): Promise<void> {
    if (marks.length === 0) return;
    const rows = marks.map((m) => ({
      id: m.id,
      s: m.hold.silenceId,
      w: m.hold.windowId,
      u: m.hold.until.toISOString(),
    }));
    await command(
      em,
      sql`update alerts a set silence_id = x.s, maintenance_window_id = x.w, silenced_until = x.u
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id uuid, s uuid, w uuid, u timestamptz)
          where a.tenant_id = ${tenantId} and a.id = x.id`,
    );
  },

  /** Held alerts of a silence or window that ended early are looked at again from `at` (the engine's next tick). */
  async endHolds(
    em: Em,
    tenantId: string,
    by: { silenceId?: string; windowId?: string },
    at: Date,
  ): Promise<void> {
    const column = by.silenceId ? sql.ref('silence_id') : sql.ref('maintenance_window_id');
    await command(
      em,
      sql`update alerts set silenced_until = ${at}
          where tenant_id = ${tenantId} and ${column} = ${by.silenceId ?? by.windowId ?? null}::uuid
            and status = 'firing' and incident_id is null and silenced_until > ${at}`,
    );
  },

  /** Tenants with held alerts due to be looked at again (the engine's release, in the system scope). */
  async tenantsWithDueHolds(em: Em, at: Date, limit: number): Promise<string[]> {
    const rows = await query<{ tenant_id: string }>(
      em,
      sql`select distinct tenant_id from alerts
          where status = 'firing' and incident_id is null and silenced_until <= ${at} limit ${limit}`,
    );
    return rows.map((r) => r.tenant_id);
  },

  /** The tenant's release lock for this transaction; false when another worker holds it. */
  async releaseLock(em: Em, tenantId: string): Promise<boolean> {
    const row = await queryOne<{ locked: boolean }>(
      em,
      sql`select pg_try_advisory_xact_lock(hashtextextended(${`silence-release|${tenantId}`}, 0)) as locked`,
    );
    return row?.locked === true;
  },

  /** Held alerts due to be looked at again (oldest due first), unlocked: their group keys are locked first. */
  dueHolds(em: Em, tenantId: string, at: Date, limit: number): Promise<{ id: string; group_key: string }[]> {
    return query(
      em,
      sql`select id, group_key from alerts
          where tenant_id = ${tenantId} and status = 'firing' and incident_id is null and silenced_until <= ${at}
          order by silenced_until, id limit ${limit}`,
    );
  },

  /** The due held alerts among `ids`, locked (rows another transaction holds are skipped) and re-checked. */
  lockDueHolds(em: Em, tenantId: string, ids: string[], at: Date): Promise<HeldRow[]> {
    return query<HeldRow>(
      em,
      sql`select id, source, group_key, title, description, service, environment, severity, labels from alerts
          where tenant_id = ${tenantId} and id = any(${ids}::uuid[]) and status = 'firing' and incident_id is null
            and silenced_until <= ${at}
          order by id for update skip locked`,
    );
  },
};
