import type { RawBuilder } from 'kysely';
import { command, type Em, query, queryOne, sql } from '../../db/sql.js';
import { OUTBOX_CHANNEL } from './outbox.store.js';

export interface IncidentChannelRow {
  incident_id: string;
  tenant_id: string;
  service: string;
  requested_by: string | null;
  channel_id: string | null;
  name: string | null;
  invited_at: Date | null;
  summary_ts: string | null;
  pinned_at: Date | null;
  bookmarked_at: Date | null;
  archive_at: Date | null;
  archived_at: Date | null;
}

export interface DueArchive {
  tenant_id: string;
  incident_id: string;
  archive_at: Date;
}

/** The steps of making a channel that are recorded once done (so a retry does what is left). */
export type ChannelStep = 'invited_at' | 'pinned_at' | 'bookmarked_at';

const COLUMNS = sql`incident_id, tenant_id, service, requested_by, channel_id, name, invited_at, summary_ts,
  pinned_at, bookmarked_at, archive_at, archived_at`;

/** Incident channels (`incident_channels`): one per incident at most, and how far making it got. */
export const incidentChannelsStore = {
  /** Asks for the incident's channel; false when it was asked for before (by anyone). */
  async request(
    em: Em,
    r: { tenantId: string; incidentId: string; service: string; requestedBy: string | null },
    at: Date,
  ): Promise<boolean> {
    const rows = await query<{ incident_id: string }>(
      em,
      sql`insert into incident_channels (incident_id, tenant_id, service, requested_by, requested_at)
          values (${r.incidentId}, ${r.tenantId}, ${r.service}, ${r.requestedBy}, ${at})
          on conflict (incident_id) do nothing returning incident_id`,
    );
    return rows.length > 0;
  },

  /**
   * Asks, for each new incident severe enough for its service's setting (`minSeverity`: an SQL expression of the
   * service's name), for its channel, and queues its making — one statement, not waited for on a light
   * transaction (the ingestion path): the setting is read inside it.
   */
  async autoRequest(
    em: Em,
    tenantId: string,
    items: readonly { incidentId: string; service: string; severity: number }[],
    minSeverity: (service: RawBuilder<string>) => RawBuilder<number | null>,
    at: Date,
  ): Promise<void> {
    if (items.length === 0) return;
    const json = JSON.stringify(
      items.map((i) => ({ incident_id: i.incidentId, service: i.service, severity: i.severity })),
    );
    await command(
      em,
      sql`with x as (
            select * from jsonb_to_recordset(${json}::jsonb) as x(incident_id uuid, service text, severity int)
          ), added as (
            insert into incident_channels (incident_id, tenant_id, service, requested_at)
            select x.incident_id, ${tenantId}, x.service, ${at} from x
            where x.severity <= ${minSeverity(sql.ref('x.service'))}
            on conflict (incident_id) do nothing returning incident_id
          ), queued as (
            insert into outbox (tenant_id, incident_id, destination, lane, payload, idempotency_key, next_attempt_at,
              created_at)
            select ${tenantId}, a.incident_id, 'slack.channel', 'channel:' || a.incident_id, '{"op":"open"}'::jsonb,
              'channel:open:' || a.incident_id, ${at}, ${at}
            from added a
            on conflict (idempotency_key) do nothing returning id
          )
          select pg_notify(${OUTBOX_CHANNEL}, '') from queued limit 1`,
    );
  },

  get(em: Em, tenantId: string, incidentId: string): Promise<IncidentChannelRow | undefined> {
    return queryOne<IncidentChannelRow>(
      em,
      sql`select ${COLUMNS} from incident_channels where tenant_id = ${tenantId} and incident_id = ${incidentId}`,
    );
  },

  /** Records the channel Slack made; false when one was recorded already (it stays the incident's). */
  async created(em: Em, tenantId: string, incidentId: string, channelId: string, name: string, at: Date) {
    const rows = await query<{ incident_id: string }>(
      em,
      sql`update incident_channels set channel_id = ${channelId}, name = ${name}, created_at = ${at}
          where tenant_id = ${tenantId} and incident_id = ${incidentId} and channel_id is null
          returning incident_id`,
    );
    return rows.length > 0;
  },

  async step(em: Em, tenantId: string, incidentId: string, step: ChannelStep, at: Date): Promise<void> {
    await query(
      em,
      sql`update incident_channels set ${sql.ref(step)} = ${at}
          where tenant_id = ${tenantId} and incident_id = ${incidentId}`,
    );
  },

  async summaryPosted(em: Em, tenantId: string, incidentId: string, ts: string): Promise<void> {
    await query(
      em,
      sql`update incident_channels set summary_ts = ${ts}
          where tenant_id = ${tenantId} and incident_id = ${incidentId}`,
    );
  },

  async renamed(em: Em, tenantId: string, incidentId: string, name: string): Promise<void> {
    await query(
      em,
      sql`update incident_channels set name = ${name} where tenant_id = ${tenantId} and incident_id = ${incidentId}`,
    );
  },

  /**
   * Resolved incidents' channels are archived `hours(service)` hours from `at` (a channel archived already is
   * left as is). Not waited for on a light transaction.
   */
  async scheduleArchive(
    em: Em,
    tenantId: string,
    incidentIds: readonly string[],
    at: Date,
    hours: (service: RawBuilder<string>) => RawBuilder<number>,
  ): Promise<void> {
    if (incidentIds.length === 0) return;
    await command(
      em,
      sql`update incident_channels c
          set archive_at = ${at}::timestamptz + make_interval(hours => ${hours(sql.ref('c.service'))})
          where c.tenant_id = ${tenantId} and c.incident_id = any(${incidentIds}::uuid[])
            and c.archived_at is null`,
    );
  },

  /** A re-triggered incident keeps its channel: the archiving planned is called off. */
  async cancelArchive(em: Em, tenantId: string, incidentIds: readonly string[]): Promise<void> {
    if (incidentIds.length === 0) return;
    await command(
      em,
      sql`update incident_channels set archive_at = null
          where tenant_id = ${tenantId} and incident_id = any(${incidentIds}::uuid[]) and archived_at is null`,
    );
  },

  async archived(em: Em, tenantId: string, incidentId: string, at: Date): Promise<boolean> {
    const rows = await query<{ incident_id: string }>(
      em,
      sql`update incident_channels set archived_at = ${at}
          where tenant_id = ${tenantId} and incident_id = ${incidentId} and archived_at is null
          returning incident_id`,
    );
    return rows.length > 0;
  },

  /**
   * Every tenant's channels due to be archived and not queued for it yet (system scope), marked queued in the
   * caller's transaction; replicas running the same tick skip the rows another holds.
   */
  async dueForArchive(em: Em, now: Date, limit: number): Promise<DueArchive[]> {
    return query<DueArchive>(
      em,
      sql`update incident_channels c set archive_queued_for = c.archive_at
          from (select incident_id from incident_channels
                where archive_at <= ${now} and archived_at is null and channel_id is not null
                  and archive_queued_for is distinct from archive_at
                order by archive_at limit ${limit} for update skip locked) d
          where c.incident_id = d.incident_id
          returning c.tenant_id, c.incident_id, c.archive_at`,
    );
  },
};
