import { type Em, query, queryOne, sql } from '../../db/sql.js';
import type { Destination, Platform } from './destinations.js';
import type { CardMessage, OutboxRow } from './outbox.types.js';

interface RawRow {
  id: string;
  tenant_id: string;
  incident_id: string | null;
  destination: Destination;
  lane: string;
  payload: Record<string, unknown>;
  attempts: number;
  created_at: string | Date;
  was_maybe_sent: boolean;
}

const toRow = (r: RawRow): OutboxRow => ({
  id: String(r.id),
  tenantId: r.tenant_id,
  incidentId: r.incident_id,
  destination: r.destination,
  lane: r.lane,
  payload: r.payload ?? {},
  attempts: r.attempts,
  createdAt: new Date(r.created_at),
  maybeSent: r.was_maybe_sent,
});

/** A platform's lane: what leases, holds and ordering apply to. */
export interface Lane {
  platform: Platform;
  lane: string;
}

/** The delivery side of the outbox (every tenant's rows: the system scope). */
export const deliveryStore = {
  /** Lanes with rows due (and not leased by a live worker) among `destinations`, oldest first. */
  async dueLanes(em: Em, now: Date, destinations: readonly Destination[], limit: number): Promise<Lane[]> {
    if (destinations.length === 0) return [];
    return query<Lane>(
      em,
      sql`select split_part(destination, '.', 1) as platform, lane from outbox
          where status = 'pending' and next_attempt_at <= ${now} and (lease_until is null or lease_until <= ${now})
            and destination = any(${destinations}::text[])
          group by 1, lane order by min(next_attempt_at), lane limit ${limit}`,
    );
  },

  /**
   * Leases up to `limit` due rows of one lane, in order, until `leaseUntil` (rows another worker holds are
   * skipped). The lease commits with the caller's short transaction, and it marks every row "maybe sent": should
   * this worker die while the destination is called, the next one knows to look before sending again. Each row
   * comes back with whether an earlier attempt may already have been sent.
   */
  async claim(
    em: Em,
    destinations: readonly Destination[],
    lane: string,
    now: Date,
    limit: number,
    leaseUntil: Date,
  ): Promise<OutboxRow[]> {
    const rows = await query<RawRow>(
      em,
      sql`update outbox o set lease_until = ${leaseUntil}, maybe_sent = true, attempts = o.attempts + 1
          from (select id, maybe_sent as was_maybe_sent from outbox
                where status = 'pending' and lane = ${lane} and destination = any(${destinations}::text[])
                  and next_attempt_at <= ${now} and (lease_until is null or lease_until <= ${now})
                order by id limit ${limit} for update skip locked) c
          where o.id = c.id
          returning o.id, o.tenant_id, o.incident_id, o.destination, o.lane, o.payload, o.attempts, o.created_at,
            c.was_maybe_sent`,
    );
    return rows.map(toRow).sort((a, b) => Number(a.id) - Number(b.id));
  },

  /** Gives back leased rows that were not tried, as they were (attempt not counted, "maybe sent" as before). */
  async release(em: Em, rows: readonly OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    await query(
      em,
      sql`update outbox o set lease_until = null, maybe_sent = r.was, attempts = greatest(0, o.attempts - 1)
          from unnest(${rows.map((r) => r.id)}::bigint[], ${rows.map((r) => r.maybeSent)}::boolean[]) as r(id, was)
          where o.id = r.id`,
    );
  },

  async mark(
    em: Em,
    ids: readonly string[],
    status: 'sent' | 'failed' | 'skipped',
    now: Date,
    error: string | null = null,
  ): Promise<void> {
    if (ids.length === 0) return;
    await query(
      em,
      sql`update outbox set status = ${status}, sent_at = ${now}, last_error = ${error}, lease_until = null
          where id = any(${ids}::bigint[])`,
    );
  },

  /**
   * Tries again at `at`, with `maybeSent` saying whether an attempt may have been sent. `countAttempt: false`
   * gives the lease's attempt back (waiting for something is not failing).
   */
  async retryAt(
    em: Em,
    ids: readonly string[],
    at: Date,
    error: string,
    opts: { maybeSent: boolean; countAttempt: boolean },
  ): Promise<void> {
    if (ids.length === 0) return;
    await query(
      em,
      sql`update outbox set next_attempt_at = ${at}, last_error = ${error}, lease_until = null,
            maybe_sent = ${opts.maybeSent}, attempts = greatest(0, attempts - ${opts.countAttempt ? 0 : 1})
          where id = any(${ids}::bigint[])`,
    );
  },

  /** Holds every pending row of a platform's lane until `until` (a 429), except rows another worker has locked. */
  async holdLane(
    em: Em,
    destinations: readonly Destination[],
    lane: string,
    until: Date,
    error: string,
  ): Promise<void> {
    await query(
      em,
      sql`update outbox set next_attempt_at = greatest(next_attempt_at, ${until}), last_error = ${error}
          where id in (select id from outbox where status = 'pending' and lane = ${lane}
                         and destination = any(${destinations}::text[])
                       for update skip locked)`,
    );
  },

  /**
   * Gives up pending rows of `destinations` created before `cutoff` (at most `limit`): status `expired` with the
   * reason. Returns what it expired.
   */
  async expire(
    em: Em,
    destinations: readonly Destination[],
    cutoff: Date,
    now: Date,
    reason: string,
    limit: number,
  ): Promise<OutboxRow[]> {
    if (destinations.length === 0) return [];
    const rows = await query<RawRow>(
      em,
      sql`update outbox o set status = 'expired', last_error = ${reason}, sent_at = ${now}, lease_until = null
          from (select id from outbox where status = 'pending' and destination = any(${destinations}::text[])
                  and created_at < ${cutoff} and (lease_until is null or lease_until <= ${now})
                order by id limit ${limit} for update skip locked) c
          where o.id = c.id
          returning o.id, o.tenant_id, o.incident_id, o.destination, o.lane, o.payload, o.attempts, o.created_at,
            o.maybe_sent as was_maybe_sent`,
    );
    return rows.map(toRow);
  },

  /** The incident's first card, wherever it was posted (for links to it), or null. */
  async firstCard(em: Em, tenantId: string, incidentId: string): Promise<CardMessage | null> {
    const row = await queryOne<{ channel_id: string; ts: string }>(
      em,
      sql`select channel_id, ts from slack_messages where tenant_id = ${tenantId} and incident_id = ${incidentId}
          order by created_at, ts limit 1`,
    );
    return row ? { channelId: row.channel_id, ts: row.ts } : null;
  },

  async card(em: Em, tenantId: string, incidentId: string, lane: string): Promise<CardMessage | null> {
    const row = await queryOne<{ channel_id: string; ts: string }>(
      em,
      sql`select channel_id, ts from slack_messages
          where tenant_id = ${tenantId} and incident_id = ${incidentId} and channel = ${lane}`,
    );
    return row ? { channelId: row.channel_id, ts: row.ts } : null;
  },

  async saveCard(
    em: Em,
    tenantId: string,
    incidentId: string,
    lane: string,
    msg: CardMessage,
    at: Date,
  ): Promise<void> {
    await query(
      em,
      sql`insert into slack_messages (tenant_id, incident_id, channel, channel_id, ts, created_at)
          values (${tenantId}, ${incidentId}, ${lane}, ${msg.channelId}, ${msg.ts}, ${at})
          on conflict (incident_id, channel) do nothing`,
    );
  },

  /** The state of an incident's card post in a lane: pending, sent, failed… or null when there is none. */
  async postStatus(
    em: Em,
    posts: readonly Destination[],
    tenantId: string,
    incidentId: string,
    lane: string,
  ): Promise<string | null> {
    const row = await queryOne<{ status: string }>(
      em,
      sql`select status from outbox where tenant_id = ${tenantId} and destination = any(${posts}::text[])
          and incident_id = ${incidentId} and lane = ${lane} order by id limit 1`,
    );
    return row?.status ?? null;
  },
};
