import type { RawBuilder, Selectable } from 'kysely';
import type { DB } from '../../db/schema.generated.js';
import { command, type Em, query, queryOne, sql } from '../../db/sql.js';
import type { WindowRule } from './maintenance.calc.js';
import type { Matcher } from './matchers.calc.js';

export type SilenceRow = Omit<
  Selectable<DB['silences']>,
  'matchers' | 'starts_at' | 'ends_at' | 'created_at'
> & {
  matchers: Matcher[];
  starts_at: Date;
  ends_at: Date;
  created_at: Date;
};

export type WindowRow = Omit<Selectable<DB['maintenance_windows']>, 'rule' | 'created_at'> & {
  rule: WindowRule;
  created_at: Date;
};

/** The advisory lock of the maintenance announcements. */
const ANNOUNCE_LOCK = 7_340_211;

export interface NewSilence {
  id: string;
  matchers: Matcher[];
  startsAt: Date;
  endsAt: Date;
  reason: string;
  createdBy: string;
  createdByUserId: string | null;
  incidentId: string | null;
}

/** The silences domain's tables: silences, maintenance windows and the announcements of their occurrences. */
export const silencesStore = {
  insert(em: Em, tenantId: string, s: NewSilence, at: Date): Promise<SilenceRow | undefined> {
    return queryOne<SilenceRow>(
      em,
      sql`insert into silences (id, tenant_id, matchers, starts_at, ends_at, reason, created_by, created_by_user_id,
            incident_id, created_at, updated_at)
          values (${s.id}, ${tenantId}, ${JSON.stringify(s.matchers)}::jsonb, ${s.startsAt}, ${s.endsAt}, ${s.reason},
            ${s.createdBy}, ${s.createdByUserId}, ${s.incidentId}, ${at}, ${at})
          returning *`,
    );
  },

  byId(em: Em, tenantId: string, id: string): Promise<SilenceRow | undefined> {
    return queryOne<SilenceRow>(em, sql`select * from silences where tenant_id = ${tenantId} and id = ${id}`);
  },

  /** Silences in a state at `now` (all when none is named), the latest ending first. */
  list(em: Em, tenantId: string, state: string | undefined, now: Date, limit: number): Promise<SilenceRow[]> {
    const where =
      state === 'active'
        ? sql`and starts_at <= ${now} and ends_at > ${now}`
        : state === 'pending'
          ? sql`and starts_at > ${now}`
          : state === 'expired'
            ? sql`and ends_at <= ${now}`
            : sql``;
    return query<SilenceRow>(
      em,
      sql`select * from silences where tenant_id = ${tenantId} ${where} order by ends_at desc, id limit ${limit}`,
    );
  },

  /** Silences not yet over at `now` (active or pending): what the silencing step matches alerts against. */
  notOver(em: Em, tenantId: string, now: Date): Promise<SilenceRow[]> {
    return query<SilenceRow>(
      em,
      sql`select * from silences where tenant_id = ${tenantId} and ends_at > ${now} order by ends_at desc limit 5000`,
    );
  },

  /** Ends a silence now (a pending one never starts); undefined when it is unknown or already over. */
  expire(em: Em, tenantId: string, id: string, by: string, now: Date): Promise<SilenceRow | undefined> {
    return queryOne<SilenceRow>(
      em,
      sql`update silences set ends_at = ${now}, starts_at = least(starts_at, ${now}), expired_by = ${by},
            updated_at = ${now}
          where tenant_id = ${tenantId} and id = ${id} and ends_at > ${now} returning *`,
    );
  },

  insertWindow(
    em: Em,
    tenantId: string,
    w: { id: string; service: string; name: string; timeZone: string; rule: WindowRule; createdBy: string },
    at: Date,
  ): Promise<WindowRow | undefined> {
    return queryOne<WindowRow>(
      em,
      sql`insert into maintenance_windows (id, tenant_id, service, name, time_zone, rule, created_by, created_at,
            updated_at)
          values (${w.id}, ${tenantId}, ${w.service}, ${w.name}, ${w.timeZone}, ${JSON.stringify(w.rule)}::jsonb,
            ${w.createdBy}, ${at}, ${at})
          returning *`,
    );
  },

  updateWindow(
    em: Em,
    tenantId: string,
    id: string,
    w: { timeZone: string; rule: WindowRule },
    at: Date,
  ): Promise<WindowRow | undefined> {
    return queryOne<WindowRow>(
      em,
      sql`update maintenance_windows set time_zone = ${w.timeZone}, rule = ${JSON.stringify(w.rule)}::jsonb,
            updated_at = ${at}
          where tenant_id = ${tenantId} and id = ${id} and deleted_at is null returning *`,
    );
  },

  windowById(em: Em, tenantId: string, id: string): Promise<WindowRow | undefined> {
    return queryOne<WindowRow>(
      em,
      sql`select * from maintenance_windows where tenant_id = ${tenantId} and id = ${id} and deleted_at is null`,
    );
  },

  windowByName(em: Em, tenantId: string, service: string, name: string): Promise<WindowRow | undefined> {
    return queryOne<WindowRow>(
      em,
      sql`select * from maintenance_windows where tenant_id = ${tenantId} and service = ${service}
            and name = ${name} and deleted_at is null`,
    );
  },

  windows(em: Em, tenantId: string): Promise<WindowRow[]> {
    return query<WindowRow>(
      em,
      sql`select * from maintenance_windows where tenant_id = ${tenantId} and deleted_at is null
          order by service, name limit 5000`,
    );
  },

  async deleteWindow(em: Em, tenantId: string, id: string, at: Date): Promise<boolean> {
    const rows = await query<{ id: string }>(
      em,
      sql`update maintenance_windows set deleted_at = ${at}, updated_at = ${at}
          where tenant_id = ${tenantId} and id = ${id} and deleted_at is null returning id`,
    );
    return rows.length > 0;
  },

  /** Every tenant's windows (the engine's announcements, in the system scope). */
  allWindows(em: Em): Promise<(WindowRow & { tenant_id: string })[]> {
    return query(em, sql`select * from maintenance_windows where deleted_at is null order by id limit 10000`);
  },

  /**
   * Claims announcements (window, occurrence, phase) not made yet; answers those this call claimed. Running it on
   * several replicas at once claims each once (the primary key).
   */
  claimAnnouncements(
    em: Em,
    rows: { tenantId: string; windowId: string; occurrenceStart: string; phase: 'started' | 'ended' }[],
    at: Date,
  ): Promise<{ window_id: string; occurrence_start: Date; phase: string }[]> {
    if (rows.length === 0) return Promise.resolve([]);
    return query(
      em,
      sql`insert into maintenance_announcements (tenant_id, window_id, occurrence_start, phase, announced_at)
          select x."tenantId", x."windowId", x."occurrenceStart", x.phase, ${at}
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            as x("tenantId" uuid, "windowId" uuid, "occurrenceStart" timestamptz, phase text)
          order by x."windowId", x."occurrenceStart", x.phase
          on conflict do nothing
          returning window_id, occurrence_start, phase`,
    );
  },

  /** The announcements' lock for this transaction (one worker announces at a time); false when another holds it. */
  async announceLock(em: Em): Promise<boolean> {
    const row = await queryOne<{ l: boolean }>(
      em,
      sql`select pg_try_advisory_xact_lock(${ANNOUNCE_LOCK}) as l`,
    );
    return row?.l === true;
  },

  /** The channel the routes (a jsonb object service → channel, the services domain's subquery) give a service. */
  async channelOf(em: Em, routes: RawBuilder<unknown>, service: string): Promise<string | null> {
    const row = await queryOne<{ channel: string | null }>(
      em,
      sql`select (${routes}) ->> ${service} as channel`,
    );
    return row?.channel ?? null;
  },

  /** Forgets announcements older than `before` (they are only needed while their occurrence may still be seen). */
  async pruneAnnouncements(em: Em, before: Date): Promise<void> {
    await command(em, sql`delete from maintenance_announcements where occurrence_start < ${before}`);
  },
  /** A service's windows that existed at some point in [from, to) (deleted ones too, until their deletion). */
  serviceWindows(em: Em, tenantId: string, service: string, from: Date, to: Date): Promise<WindowRow[]> {
    return query<WindowRow>(
      em,
      sql`select * from maintenance_windows where tenant_id = ${tenantId} and service = ${service}
            and created_at < ${to} and (deleted_at is null or deleted_at > ${from})
          order by id limit 1000`,
    );
  },
};
