import type { Selectable } from 'kysely';
import type { Outbox } from '../../db/schema.generated.js';
import { anyOf, db, type Em, query, queryOne, sql } from '../../db/sql.js';
import type { Destination, Platform } from './destinations.js';
import type { CardMessage, OutboxRow } from './outbox.types.js';

/** An outbox row as `claim` and `expire` return it: the table's columns, and whether it was maybe sent before. */
type RawRow = Pick<
  Selectable<Outbox>,
  'id' | 'tenant_id' | 'incident_id' | 'lane' | 'attempts' | 'created_at'
> & {
  /** Written only from DESTINATIONS. */
  destination: Destination;
  /** A JSON object (each destination's payload schema). */
  payload: Record<string, unknown>;
  was_maybe_sent: boolean;
};

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
/**
 * A key ending in this makes repeats harmless only while its row waits: the lease renames it, so an enqueue after
 * the row was taken (a change its send may not show) adds a new row. The ledger's rows use it.
 */
export const PENDING_KEY = ':pending';

export const deliveryStore = {
  /** Lanes with rows due (and not leased by a live worker) among `destinations`, oldest first. */
  async dueLanes(em: Em, now: Date, destinations: readonly Destination[], limit: number): Promise<Lane[]> {
    if (destinations.length === 0) return [];
    // Grouped by platform (a destination's prefix): raw SQL, typed by the caller's Lane.
    return query(
      em,
      sql<Lane>`select split_part(destination, '.', 1) as platform, lane from outbox
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
    const rows = await query(
      em,
      sql<RawRow>`update outbox o set lease_until = ${leaseUntil}, maybe_sent = true, attempts = o.attempts + 1,
            -- A key ending ":pending" holds only while its row waits: leased, the row frees it (see PENDING_KEY).
            idempotency_key = case when o.idempotency_key like ${`%${PENDING_KEY}`}
              then o.idempotency_key || ':' || o.id else o.idempotency_key end
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
      db
        .updateTable('outbox')
        .set({ status, sent_at: now, last_error: error, lease_until: null })
        .where('id', '=', anyOf(ids, 'bigint')),
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
      db
        .updateTable('outbox')
        .set((eb) => ({
          next_attempt_at: at,
          last_error: error,
          lease_until: null,
          maybe_sent: opts.maybeSent,
          attempts: eb.fn('greatest', [eb.lit(0), eb('attempts', '-', opts.countAttempt ? 0 : 1)]),
        }))
        .where('id', '=', anyOf(ids, 'bigint')),
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
      db
        .updateTable('outbox')
        .set({
          next_attempt_at: sql<string>`greatest(next_attempt_at, ${until})`,
          last_error: error,
        })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('outbox')
            .select('id')
            .where('status', '=', 'pending')
            .where('lane', '=', lane)
            .where('destination', '=', anyOf(destinations, 'text'))
            .forUpdate()
            .skipLocked(),
        ),
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
    const rows = await query(
      em,
      sql<RawRow>`update outbox o set status = 'expired', last_error = ${reason}, sent_at = ${now}, lease_until = null
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
    const row = await queryOne(
      em,
      db
        .selectFrom('slack_messages')
        .select(['channel_id', 'ts'])
        .where('tenant_id', '=', tenantId)
        .where('incident_id', '=', incidentId)
        .where('channel', '=', lane),
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
      db
        .insertInto('slack_messages')
        .values({
          tenant_id: tenantId,
          incident_id: incidentId,
          channel: lane,
          channel_id: msg.channelId,
          ts: msg.ts,
          created_at: at,
        })
        .onConflict((oc) => oc.columns(['incident_id', 'channel']).doNothing()),
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
    const row = await queryOne(
      em,
      db
        .selectFrom('outbox')
        .select('status')
        .where('tenant_id', '=', tenantId)
        .where('destination', '=', anyOf(posts, 'text'))
        .where('incident_id', '=', incidentId)
        .where('lane', '=', lane)
        .orderBy('id')
        .limit(1),
    );
    return row?.status ?? null;
  },
};
