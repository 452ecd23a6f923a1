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
}

const toRow = (r: RawRow): OutboxRow => ({
  id: String(r.id),
  tenantId: r.tenant_id,
  incidentId: r.incident_id,
  kind: r.kind,
  channel: r.channel,
  payload: r.payload ?? {},
  attempts: r.attempts,
});

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
            where i.id in (select incident_id from x where kind = 'created')
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
            where kind = 'post_card' and incident_id in (select incident_id from x)
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
            left join users u on u.id::text = x.actor_id
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
  async failureNoticed(em: Em, incidentId: string, channel: string, reason: string): Promise<boolean> {
    const rows = await query<{ one: number }>(
      em,
      sql`select 1 as one from timeline_entries where incident_id = ${incidentId} and kind = 'notification_failed'
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

  /** Channels with rows due, oldest first. */
  async dueChannels(em: Em, now: Date, limit: number): Promise<string[]> {
    const rows = await query<{ channel: string }>(
      em,
      sql`select channel from outbox where status = 'pending' and next_attempt_at <= ${now}
          group by channel order by min(next_attempt_at), channel limit ${limit}`,
    );
    return rows.map((r) => r.channel);
  },

  /** Locks up to `limit` due rows of one channel, in order; rows another worker holds are skipped. */
  async claim(em: Em, channel: string, now: Date, limit: number): Promise<OutboxRow[]> {
    const rows = await query<RawRow>(
      em,
      sql`select id, tenant_id, incident_id, kind, channel, payload, attempts from outbox
          where status = 'pending' and channel = ${channel} and next_attempt_at <= ${now}
          order by id limit ${limit} for update skip locked`,
    );
    return rows.map(toRow);
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
      sql`update outbox set status = ${status}, sent_at = ${now}, attempts = attempts + 1, last_error = ${error}
          where id = any(${ids}::bigint[])`,
    );
  },

  async retryAt(em: Em, ids: string[], at: Date, error: string, countAttempt: boolean): Promise<void> {
    if (ids.length === 0) return;
    await query(
      em,
      sql`update outbox set next_attempt_at = ${at}, last_error = ${error},
            attempts = attempts + ${countAttempt ? 1 : 0}
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

  async card(em: Em, incidentId: string, channel: string): Promise<CardMessage | null> {
    const row = await queryOne<{ channel_id: string; ts: string }>(
      em,
      sql`select channel_id, ts from slack_messages where incident_id = ${incidentId} and channel = ${channel}`,
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
  async postStatus(em: Em, incidentId: string, channel: string): Promise<string | null> {
    const row = await queryOne<{ status: string }>(
      em,
      sql`select status from outbox where kind = 'post_card' and incident_id = ${incidentId} and channel = ${channel}`,
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

  async counts(em: Em): Promise<{ status: string; n: number }[]> {
    return query<{ status: string; n: number }>(
      em,
      sql`select status, count(*)::int as n from outbox group by status`,
    );
  },
};
