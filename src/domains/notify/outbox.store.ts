import type { RawBuilder } from 'kysely';
import { z } from 'zod';
import { anyOf, command, db, type Em, query, queryAhead, queryOne, sql } from '../../db/sql.js';
import { incidentQueries } from '../incidents/index.js';
import { CARD_POSTS } from './destinations.js';
import type { NewOutboxRow } from './outbox.types.js';
import type { FactsNeeded, RoutingFacts } from './routing.calc.js';
import type { ChannelRoutes } from './slack-routes.js';

export const OUTBOX_CHANNEL = 'opswatch_outbox';
/** People who opened App Home within this many days get it republished on changes. */
const HOME_FRESH_DAYS = 7;

const homeSince = (at: Date) => new Date(at.getTime() - HOME_FRESH_DAYS * 86_400_000);

const pairs = z.array(z.tuple([z.string(), z.string()]));

/** The open channels of incidents (incident id, channel id) as a jsonb array: embedded in the facts' statements. */
const channelsOf = (tenantId: string, incidentIds: RawBuilder<unknown>) =>
  sql`coalesce((select jsonb_agg(jsonb_build_array(c.incident_id, c.channel_id)) from incident_channels c
        where c.tenant_id = ${tenantId} and c.incident_id = any(${incidentIds})
          and c.channel_id is not null and c.archived_at is null), '[]'::jsonb)`;

const factsRow = z.object({
  routes: z.record(z.string(), z.string()).nullable().catch(null),
  cards: pairs,
  channels: pairs,
  people: z.array(z.tuple([z.string(), z.string()])),
  home_users: z.array(z.string()),
});

const groupFactsRow = z.object({
  routes: z.record(z.string(), z.string()).nullable().catch(null),
  incidents: z.array(z.tuple([z.string(), z.string().nullable()])),
  channels: pairs,
  home_users: z.array(z.string()),
});

/** Routing facts read ahead for the open incidents of some groups (see `groupFactsAhead`). */
export interface GroupFacts extends Pick<RoutingFacts, 'routes' | 'homeUsers' | 'cards' | 'channels'> {
  /** The incidents whose cards `cards` holds (all of them: an incident without a card has none there). */
  covered: ReadonlySet<string>;
}

const groupToFacts = (row: unknown): GroupFacts => {
  const f = groupFactsRow.parse(row);
  const cards = new Map<string, string[]>();
  for (const [incidentId, lane] of f.incidents) {
    const lanes = cards.get(incidentId) ?? [];
    if (lane) lanes.push(lane);
    cards.set(incidentId, lanes);
  }
  return {
    routes: f.routes ?? {},
    homeUsers: f.home_users,
    cards,
    channels: new Map(f.channels),
    covered: new Set(cards.keys()),
  };
};

export const outboxStore = {
  /** The lane of an incident's first card (where its thread is), or null when it has none. */
  async cardLane(em: Em, tenantId: string, incidentId: string): Promise<string | null> {
    const row = await queryOne<{ lane: string }>(
      em,
      sql`select lane from outbox where tenant_id = ${tenantId} and incident_id = ${incidentId}
            and destination = any(${CARD_POSTS}::text[]) order by id limit 1`,
    );
    return row?.lane ?? null;
  },

  /**
   * Rows in one statement (keys make repeats harmless), with the NOTIFY that wakes the workers — which
   * PostgreSQL delivers only when the transaction commits. Nothing is read back: on a light transaction it
   * travels with the next statement (or COMMIT) instead of costing a round trip.
   */
  /** The lanes (channels) an incident's card is posted, or queued to be posted, in. */
  async cardLanes(em: Em, tenantId: string, incidentId: string): Promise<string[]> {
    const rows = await query<{ lane: string }>(
      em,
      sql`select distinct lane from outbox where tenant_id = ${tenantId} and incident_id = ${incidentId}
            and destination = 'slack.post' and payload->>'type' = 'incident_card' limit 20`,
    );
    return rows.map((r) => r.lane);
  },

  async enqueue(em: Em, rows: readonly NewOutboxRow[], at: Date): Promise<void> {
    if (rows.length === 0) return;
    const json = JSON.stringify(
      rows.map((r) => ({
        tenant_id: r.tenantId,
        incident_id: r.incidentId,
        destination: r.destination,
        lane: r.lane,
        payload: r.payload,
        key: r.key,
      })),
    );
    await command(
      em,
      sql`with added as (
            insert into outbox (tenant_id, incident_id, destination, lane, payload, idempotency_key, next_attempt_at,
              created_at)
            select x.tenant_id, x.incident_id, x.destination, x.lane, x.payload, x.key, ${at}, ${at}
            from rows from (jsonb_to_recordset(${json}::jsonb)
                as (tenant_id uuid, incident_id uuid, destination text, lane text, payload jsonb, key text))
              with ordinality as x(tenant_id, incident_id, destination, lane, payload, key, ord)
            order by x.ord
            on conflict (idempotency_key) do nothing
          )
          select pg_notify(${OUTBOX_CHANNEL}, '')`,
    );
  },

  /**
   * Rows in one statement, as `enqueue`, answering the outbox id of each key (a key already queued answers the
   * row queued before: a repeat hands over nothing new). For rows whose id is kept (an escalation's pages).
   */
  async enqueueReturning(em: Em, rows: readonly NewOutboxRow[], at: Date): Promise<Map<string, string>> {
    if (rows.length === 0) return new Map();
    const json = JSON.stringify(
      rows.map((r) => ({
        tenant_id: r.tenantId,
        incident_id: r.incidentId,
        destination: r.destination,
        lane: r.lane,
        payload: r.payload,
        key: r.key,
      })),
    );
    const out = await query<{ id: string; key: string }>(
      em,
      sql`with x as (
            select * from rows from (jsonb_to_recordset(${json}::jsonb)
                as (tenant_id uuid, incident_id uuid, destination text, lane text, payload jsonb, key text))
              with ordinality as x(tenant_id, incident_id, destination, lane, payload, key, ord)
          ), added as (
            insert into outbox (tenant_id, incident_id, destination, lane, payload, idempotency_key, next_attempt_at,
              created_at)
            select x.tenant_id, x.incident_id, x.destination, x.lane, x.payload, x.key, ${at}, ${at}
            from x order by x.ord
            on conflict (idempotency_key) do nothing
            returning id, idempotency_key
          ), notified as (select pg_notify(${OUTBOX_CHANNEL}, ''))
          select a.id::text as id, a.idempotency_key as key from added a, notified
          union all
          select o.id::text, o.idempotency_key from outbox o
            where o.idempotency_key in (select key from x) and o.idempotency_key not in (select idempotency_key from added)`,
    );
    return new Map(out.map((r) => [r.key, r.id]));
  },

  /**
   * What routing one tenant's events needs, in one statement: its Slack routes, the cards of the incidents (the
   * posts queued for them, sent or not), the acting people's Slack ids and who uses App Home.
   */
  async routingFacts(
    em: Em,
    tenantId: string,
    need: FactsNeeded,
    at: Date,
    routes: ChannelRoutes,
  ): Promise<RoutingFacts> {
    const row = await queryOne<unknown>(
      em,
      sql`select
            ${need.routes ? routes.channels(tenantId) : sql`null`}
              as routes,
            coalesce((select jsonb_agg(jsonb_build_array(o.incident_id, o.lane)) from outbox o
              where o.tenant_id = ${tenantId} and o.destination = any(${CARD_POSTS}::text[])
                and o.incident_id = any(${need.incidentIds}::uuid[])), '[]'::jsonb) as cards,
            ${channelsOf(tenantId, sql`${need.incidentIds}::uuid[]`)} as channels,
            coalesce((select jsonb_agg(jsonb_build_array(u.id, u.slack_user_id)) from users u
              where u.tenant_id = ${tenantId} and u.id = any(${need.userIds}::uuid[])
                and u.slack_user_id is not null), '[]'::jsonb) as people,
            coalesce((select jsonb_agg(h.slack_user_id) from slack_home_users h
              where ${need.homeUsers}::boolean and h.tenant_id = ${tenantId} and h.opened_at >= ${homeSince(at)}),
              '[]'::jsonb) as home_users`,
    );
    const f = factsRow.parse(row);
    const cards = new Map<string, string[]>();
    for (const [incidentId, lane] of f.cards) cards.set(incidentId, [...(cards.get(incidentId) ?? []), lane]);
    return {
      routes: f.routes ?? {},
      cards,
      channels: new Map(f.channels),
      slackIds: new Map(f.people),
      homeUsers: f.home_users,
    };
  },

  /**
   * Sends, on a light transaction, the query for what routing the events of the open incidents of these groups
   * will need (the tenant's routes, who uses App Home, the incidents' cards), so it travels with the next
   * statement; null elsewhere (see `queryAhead`).
   */
  groupFactsAhead(
    em: Em,
    tenantId: string,
    groupKeys: readonly string[],
    at: Date,
    routes: ChannelRoutes,
  ): Promise<GroupFacts> | null {
    const answer = queryAhead<unknown>(
      em,
      sql`with open_in_groups as (${incidentQueries.openInGroups(tenantId, groupKeys)})
          select ${routes.channels(tenantId)} as routes,
            coalesce((select jsonb_agg(jsonb_build_array(g.id, o.lane)) from open_in_groups g
              left join outbox o on o.tenant_id = ${tenantId} and o.incident_id = g.id
                and o.destination = any(${CARD_POSTS}::text[])), '[]'::jsonb) as incidents,
            ${channelsOf(tenantId, sql`array(select g.id from open_in_groups g)`)} as channels,
            coalesce((select jsonb_agg(h.slack_user_id) from slack_home_users h
              where h.tenant_id = ${tenantId} and h.opened_at >= ${homeSince(at)}), '[]'::jsonb) as home_users`,
    );
    return answer?.then((rows) => groupToFacts(rows[0])) ?? null;
  },

  /** Which of these Slack users have opened App Home lately (their Home is republished on changes). */
  async homeUsersAmong(em: Em, tenantId: string, slackUserIds: string[], at: Date): Promise<string[]> {
    if (slackUserIds.length === 0) return [];
    const rows = await query(
      em,
      db
        .selectFrom('slack_home_users')
        .select('slack_user_id')
        .where('tenant_id', '=', tenantId)
        .where('slack_user_id', '=', anyOf(slackUserIds, 'text'))
        .where('opened_at', '>=', homeSince(at).toISOString()),
    );
    return rows.map((r) => r.slack_user_id);
  },

  async homeOpened(em: Em, tenantId: string, slackUserId: string, at: Date): Promise<void> {
    await query(
      em,
      db
        .insertInto('slack_home_users')
        .values({ tenant_id: tenantId, slack_user_id: slackUserId, opened_at: at })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'slack_user_id']).doUpdateSet(({ ref }) => ({
            opened_at: ref('excluded.opened_at'),
          })),
        ),
    );
  },

  /** The id Slack gave a channel the tenant knows by name, from a card posted there before. */
  async channelIdOf(em: Em, tenantId: string, channel: string): Promise<string | null> {
    const row = await queryOne(
      em,
      db
        .selectFrom('slack_messages')
        .select('channel_id')
        .where('tenant_id', '=', tenantId)
        .where('channel', '=', channel)
        .limit(1),
    );
    return row?.channel_id ?? null;
  },

  /** Every tenant's rows by status (metrics): system scope. */
  async counts(em: Em): Promise<{ status: string; n: number }[]> {
    return query(
      em,
      db
        .selectFrom('outbox')
        .select(['status', sql<number>`count(*)::int`.as('n')])
        .groupBy('status'),
    );
  },
};
