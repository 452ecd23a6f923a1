import { type Em, query, queryOne, sql } from '../../db/sql.js';
import type { CardMessage, OutboxKind, OutboxRow } from './outbox.types.js';

/** The change a hook enqueues from (one timeline item). */
export interface ChangeInput {
  incidentId: string;
  kind: string;
  message: string;
  actorName: string;
  actorId: string | null;
}

interface RawRow {
  id: string;
  tenant_id: string;
  incident_id: string | null;
  kind: OutboxKind;
  channel: string;
  payload: Record<string, unknown>;
  attempts: number;
  created_at: string | Date;
  was_maybe_sent: boolean;
}

const toRow = (r: RawRow): OutboxRow => ({
  id: String(r.id),
  tenantId: r.tenant_id,
  incidentId: r.incident_id,
  kind: r.kind,
  channel: r.channel,
  payload: r.payload ?? {},
  attempts: r.attempts,
  createdAt: new Date(r.created_at),
  maybeSent: r.was_maybe_sent,
});

/** A row to enqueue. */
export interface NewOutboxRow {
  tenantId: string;
  incidentId: string | null;
  kind: OutboxKind;
  channel: string;
  payload: Record<string, unknown>;
  key: string;
}

/** Kinds that never become Slack thread replies (the card says it, or it is about Slack itself). */
const NO_REPLY = ['created', 'notification_failed'];
export const OUTBOX_CHANNEL = 'opswatch_outbox';
const HOME_FRESH_DAYS = 7;

export const outboxStore = {
  /**
   * One statement for a batch of changes: a card for each new incident in its routed channel, one coalesced
   * card update per card per transaction, a thread reply per change, a Home republish for people who use Home.
   * Then a NOTIFY, which PostgreSQL delivers only when the transaction commits.
   */
  async enqueueChanges(
    em: Em,
    tenantId: string,
    batch: string,
    changes: ChangeInput[],
    defaultChannel: string | null,
    at: Date,
  ): Promise<void> {
    const payload = JSON.stringify(
      changes.map((c, ord) => ({
        incident_id: c.incidentId,
        kind: c.kind,
        message: c.message,
        actor_name: c.actorName,
        actor_id: c.actorId,
        ord,
      })),
    );
    const homeSince = new Date(at.getTime() - HOME_FRESH_DAYS * 86_400_000);
    await query(
      em,
      sql`with x as (
            select * from jsonb_to_recordset(${payload}::jsonb)
              as x(incident_id uuid, kind text, message text, actor_name text, actor_id text, ord int)
          ),
          route as (
            select i.id as incident_id,
              coalesce(nullif(t.settings #>> array['slack', 'routes', i.service], ''), ${defaultChannel}) as channel
            from incidents i join tenants t on t.id = i.tenant_id
            where i.tenant_id = ${tenantId} and i.id in (select incident_id from x where kind = 'created')
          ),
          posts as (
            insert into outbox (tenant_id, incident_id, kind, channel, idempotency_key, next_attempt_at, created_at)
            select ${tenantId}, r.incident_id, 'post_card', r.channel,
              'post:' || r.incident_id || ':' || r.channel, ${at}, ${at}
            from route r where r.channel is not null
            on conflict (idempotency_key) do nothing
            returning incident_id, channel, tx
          ),
          cards as (
            select incident_id, channel, tx from outbox
            where tenant_id = ${tenantId} and kind = 'post_card' and incident_id in (select incident_id from x)
            union
            select incident_id, channel, tx from posts
          ),
          updates as (
            insert into outbox (tenant_id, incident_id, kind, channel, idempotency_key, next_attempt_at, created_at)
            select ${tenantId}, c.incident_id, 'update_card', c.channel,
              'update:' || c.incident_id || ':' || c.channel || ':' || txid_current(), ${at}, ${at}
            from cards c where c.tx <> txid_current()
              and exists (select 1 from x where x.incident_id = c.incident_id and x.kind <> 'notification_failed')
            on conflict (idempotency_key) do nothing
          ),
          replies as (
            insert into outbox (tenant_id, incident_id, kind, channel, payload, idempotency_key, next_attempt_at, created_at)
            select ${tenantId}, x.incident_id, 'thread_reply', c.channel,
              jsonb_build_object('kind', x.kind, 'message', x.message, 'actorName', x.actor_name,
                'actorSlackId', u.slack_user_id, 'at', ${at.toISOString()}::text),
              'reply:' || ${batch}::text || ':' || c.channel || ':' || x.ord, ${at}, ${at}
            from x join cards c on c.incident_id = x.incident_id
            left join users u on u.tenant_id = ${tenantId} and u.id::text = x.actor_id
            where x.kind <> all(${NO_REPLY}::text[]) and not (x.kind = 'alert_fired' and c.tx = txid_current())
            on conflict (idempotency_key) do nothing
          ),
          homes as (
            insert into outbox (tenant_id, kind, channel, idempotency_key, next_attempt_at, created_at)
            select ${tenantId}, 'publish_home', h.slack_user_id,
              'home:' || ${tenantId}::text || ':' || h.slack_user_id || ':' || txid_current(), ${at}, ${at}
            from slack_home_users h where h.tenant_id = ${tenantId} and h.opened_at >= ${homeSince}
            on conflict (idempotency_key) do nothing
          )
          select pg_notify(${OUTBOX_CHANNEL}, '')`,
    );
  },

  /** Whether the incident's timeline already says this destination failed for this reason. */
  async failureNoticed(
    em: Em,
    tenantId: string,
    incidentId: string,
    channel: string,
    reason: string,
  ): Promise<boolean> {
    const rows = await query<{ one: number }>(
      em,
      sql`select 1 as one from timeline_entries where tenant_id = ${tenantId} and incident_id = ${incidentId}
          and kind = 'notification_failed'
          and data->>'channel' = ${channel} and data->>'reason' = ${reason} limit 1`,
    );
    return rows.length > 0;
  },

  async enqueue(
    em: Em,
    row: {
      tenantId: string;
      incidentId: string | null;
      kind: OutboxKind;
      channel: string;
      payload: Record<string, unknown>;
      key: string;
    },
    at: Date,
  ): Promise<void> {
    await query(
      em,
      sql`insert into outbox (tenant_id, incident_id, kind, channel, payload, idempotency_key, next_attempt_at, created_at)
          values (${row.tenantId}, ${row.incidentId}, ${row.kind}, ${row.channel}, ${JSON.stringify(row.payload)}::jsonb,
            ${row.key}, ${at}, ${at})
          on conflict (idempotency_key) do nothing`,
    );
    await query(em, sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
  },

  /** Several rows in one statement (keys make repeats harmless), then the NOTIFY that wakes the worker. */
  async enqueueMany(em: Em, rows: readonly NewOutboxRow[], at: Date): Promise<void> {
    if (rows.length === 0) return;
    const json = JSON.stringify(
      rows.map((r) => ({
        tenant_id: r.tenantId,
        incident_id: r.incidentId,
        kind: r.kind,
        channel: r.channel,
        payload: r.payload,
        key: r.key,
      })),
    );
    await query(
      em,
      sql`insert into outbox (tenant_id, incident_id, kind, channel, payload, idempotency_key, next_attempt_at, created_at)
          select x.tenant_id, x.incident_id, x.kind, x.channel, x.payload, x.key, ${at}, ${at}
          from jsonb_to_recordset(${json}::jsonb)
            as x(tenant_id uuid, incident_id uuid, kind text, channel text, payload jsonb, key text)
          on conflict (idempotency_key) do nothing`,
    );
    await query(em, sql`select pg_notify(${OUTBOX_CHANNEL}, '')`);
  },

  /** Which of these Slack users have opened App Home lately (their Home is republished on changes). */
  async homeUsersAmong(em: Em, tenantId: string, slackUserIds: string[], at: Date): Promise<string[]> {
    if (slackUserIds.length === 0) return [];
    const since = new Date(at.getTime() - HOME_FRESH_DAYS * 86_400_000);
    const rows = await query<{ slack_user_id: string }>(
      em,
      sql`select slack_user_id from slack_home_users where tenant_id = ${tenantId}
          and slack_user_id = any(${slackUserIds}::text[]) and opened_at >= ${since}`,
    );
    return rows.map((r) => r.slack_user_id);
  },

  /** Channels with rows due (and not leased by a live worker), oldest first. Every tenant's: system scope. */
  async dueChannels(em: Em, now: Date, limit: number): Promise<string[]> {
    const rows = await query<{ channel: string }>(
      em,
      sql`select channel from outbox where status = 'pending' and next_attempt_at <= ${now}
            and (lease_until is null or lease_until <= ${now})
          group by channel order by min(next_attempt_at), channel limit ${limit}`,
    );
    return rows.map((r) => r.channel);
  },

  /**
   * Leases up to `limit` due rows of one channel, in order, until `leaseUntil` (rows another worker holds are
   * skipped). The lease commits with the caller's short transaction, and it marks every row "maybe sent": should
   * this worker die while Slack is being called, the next one knows to look before posting again. Each row
   * comes back with whether an earlier attempt may already have been sent.
   */
  async claim(em: Em, channel: string, now: Date, limit: number, leaseUntil: Date): Promise<OutboxRow[]> {
    const rows = await query<RawRow>(
      em,
      sql`update outbox o set lease_until = ${leaseUntil}, maybe_sent = true, attempts = o.attempts + 1
          from (select id, maybe_sent as was_maybe_sent from outbox
                where status = 'pending' and channel = ${channel} and next_attempt_at <= ${now}
                  and (lease_until is null or lease_until <= ${now})
                order by id limit ${limit} for update skip locked) c
          where o.id = c.id
          returning o.id, o.tenant_id, o.incident_id, o.kind, o.channel, o.payload, o.attempts, o.created_at,
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
    ids: string[],
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
   * Tries again at `at`, with `maybeSent` saying whether an attempt may have reached Slack. `countAttempt: false`
   * gives the lease's attempt back (waiting for something is not failing).
   */
  async retryAt(
    em: Em,
    ids: string[],
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

  /** Holds every pending row of a channel until `until` (a 429), except rows another worker has locked. */
  async holdChannel(em: Em, channel: string, until: Date, error: string): Promise<void> {
    await query(
      em,
      sql`update outbox set next_attempt_at = greatest(next_attempt_at, ${until}), last_error = ${error}
          where id in (select id from outbox where status = 'pending' and channel = ${channel}
                       for update skip locked)`,
    );
  },

  /** The id Slack gave a channel the tenant knows by name, from a card posted there before. */
  async channelIdOf(em: Em, tenantId: string, channel: string): Promise<string | null> {
    const row = await queryOne<{ channel_id: string }>(
      em,
      sql`select channel_id from slack_messages where tenant_id = ${tenantId} and channel = ${channel} limit 1`,
    );
    return row?.channel_id ?? null;
  },

  async card(em: Em, tenantId: string, incidentId: string, channel: string): Promise<CardMessage | null> {
    const row = await queryOne<{ channel_id: string; ts: string }>(
      em,
      sql`select channel_id, ts from slack_messages
          where tenant_id = ${tenantId} and incident_id = ${incidentId} and channel = ${channel}`,
    );
    return row ? { channelId: row.channel_id, ts: row.ts } : null;
  },

  async saveCard(
    em: Em,
    tenantId: string,
    incidentId: string,
    channel: string,
    msg: CardMessage,
    at: Date,
  ): Promise<void> {
    await query(
      em,
      sql`insert into slack_messages (tenant_id, incident_id, channel, channel_id, ts, created_at)
          values (${tenantId}, ${incidentId}, ${channel}, ${msg.channelId}, ${msg.ts}, ${at})
          on conflict (incident_id, channel) do nothing`,
    );
  },

  /** The state of an incident's card post in a channel: pending, sent, failed… or null when there is none. */
  async postStatus(em: Em, tenantId: string, incidentId: string, channel: string): Promise<string | null> {
    const row = await queryOne<{ status: string }>(
      em,
      sql`select status from outbox where tenant_id = ${tenantId} and kind = 'post_card'
          and incident_id = ${incidentId} and channel = ${channel}`,
    );
    return row?.status ?? null;
  },

  async homeOpened(em: Em, tenantId: string, slackUserId: string, at: Date): Promise<void> {
    await query(
      em,
      sql`insert into slack_home_users (tenant_id, slack_user_id, opened_at) values (${tenantId}, ${slackUserId}, ${at})
          on conflict (tenant_id, slack_user_id) do update set opened_at = excluded.opened_at`,
    );
  },

  /** Every tenant's rows by status (metrics): system scope. */
  async counts(em: Em): Promise<{ status: string; n: number }[]> {
    return query<{ status: string; n: number }>(
      em,
      sql`select status, count(*)::int as n from outbox group by status`,
    );
  },
};
