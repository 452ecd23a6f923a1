import type { RawBuilder } from 'kysely';
import { command, type Em, query, queryOne, sql } from '../../db/sql.js';
import { newId } from '../../shared/ids.js';

export interface ServiceRow {
  id: string;
  name: string;
  description: string | null;
  slack_channel: string | null;
  escalation_policy_id: string | null;
  auto_channel_min_severity: number | null;
  channel_archive_hours: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface ServiceFields {
  name: string;
  description: string | null;
  slackChannel: string | null;
  escalationPolicyId: string | null;
  autoChannelMinSeverity: number | null;
  channelArchiveHours: number | null;
}

const COLUMNS = sql`id, name, description, slack_channel, escalation_policy_id, auto_channel_min_severity,
  channel_archive_hours, created_at, updated_at`;

export const servicesStore = {
  list(em: Em, tenantId: string): Promise<ServiceRow[]> {
    return query<ServiceRow>(
      em,
      sql`select ${COLUMNS} from services where tenant_id = ${tenantId} order by name`,
    );
  },

  byId(em: Em, tenantId: string, id: string): Promise<ServiceRow | undefined> {
    return queryOne<ServiceRow>(
      em,
      sql`select ${COLUMNS} from services where tenant_id = ${tenantId} and id = ${id}`,
    );
  },

  byName(em: Em, tenantId: string, name: string): Promise<ServiceRow | undefined> {
    return queryOne<ServiceRow>(
      em,
      sql`select ${COLUMNS} from services where tenant_id = ${tenantId} and name = ${name}`,
    );
  },

  /** Inserts a service; undefined when the name is taken. */
  insert(em: Em, tenantId: string, f: ServiceFields, at: Date): Promise<ServiceRow | undefined> {
    return queryOne<ServiceRow>(
      em,
      sql`insert into services (id, tenant_id, name, description, slack_channel, escalation_policy_id,
            auto_channel_min_severity, channel_archive_hours, created_at, updated_at)
          values (${newId()}, ${tenantId}, ${f.name}, ${f.description}, ${f.slackChannel}, ${f.escalationPolicyId},
            ${f.autoChannelMinSeverity}, ${f.channelArchiveHours}, ${at}, ${at})
          on conflict (tenant_id, name) do nothing returning ${COLUMNS}`,
    );
  },

  update(em: Em, tenantId: string, id: string, f: ServiceFields, at: Date): Promise<ServiceRow | undefined> {
    return queryOne<ServiceRow>(
      em,
      sql`update services set name = ${f.name}, description = ${f.description}, slack_channel = ${f.slackChannel},
            escalation_policy_id = ${f.escalationPolicyId}, auto_channel_min_severity = ${f.autoChannelMinSeverity},
            channel_archive_hours = ${f.channelArchiveHours}, updated_at = ${at}
          where tenant_id = ${tenantId} and id = ${id} returning ${COLUMNS}`,
    );
  },

  async remove(em: Em, tenantId: string, id: string): Promise<boolean> {
    const rows = await query<{ id: string }>(
      em,
      sql`delete from services where tenant_id = ${tenantId} and id = ${id} returning id`,
    );
    return rows.length > 0;
  },

  /**
   * Services seen for the first time (an alert named them) are created, with no policy and no channel. One
   * statement whose answer nobody waits for: on a light transaction it travels with the next one, or COMMIT.
   */
  async sighted(em: Em, tenantId: string, names: readonly string[], at: Date): Promise<void> {
    if (names.length === 0) return;
    await command(
      em,
      sql`insert into services (id, tenant_id, name, created_at, updated_at)
          select gen_random_uuid(), ${tenantId}, n, ${at}, ${at} from unnest(${names}::text[]) as n
          on conflict (tenant_id, name) do nothing`,
    );
  },

  /** The Slack routes are the services' channels: the named ones get theirs (created if new), the rest none. */
  async replaceChannels(em: Em, tenantId: string, routes: Record<string, string>, at: Date): Promise<void> {
    const names = Object.keys(routes);
    const channels = names.map((n) => routes[n] ?? null);
    await query(
      em,
      sql`update services set slack_channel = null, updated_at = ${at}
          where tenant_id = ${tenantId} and slack_channel is not null and not (name = any(${names}::text[]))`,
    );
    if (names.length === 0) return;
    await query(
      em,
      sql`insert into services (id, tenant_id, name, slack_channel, created_at, updated_at)
          select gen_random_uuid(), ${tenantId}, r.name, r.channel, ${at}, ${at}
            from unnest(${names}::text[], ${channels}::text[]) as r(name, channel)
          on conflict (tenant_id, name) do update set slack_channel = excluded.slack_channel,
            updated_at = excluded.updated_at
          where services.slack_channel is distinct from excluded.slack_channel`,
    );
  },

  /** Names of the services whose policy this is. */
  async usingPolicy(em: Em, tenantId: string, policyId: string): Promise<string[]> {
    const rows = await query<{ name: string }>(
      em,
      sql`select name from services where tenant_id = ${tenantId} and escalation_policy_id = ${policyId}
          order by name`,
    );
    return rows.map((r) => r.name);
  },
};

/**
 * Scalar subqueries other domains' statements embed (so a read that needs them stays one statement, and the SQL
 * that knows this table stays here).
 */
export const serviceQueries = {
  /** The tenant's routes: a jsonb object service name → channel, or null when no service has a channel. */
  channels(tenantId: string): RawBuilder<unknown> {
    return sql`(select jsonb_object_agg(s.name, s.slack_channel) from services s
                where s.tenant_id = ${tenantId} and s.slack_channel is not null)`;
  },
  /**
   * The named service's incidents of this severity or worse get a channel when they open; null: none (no such
   * service, or no setting). `service` is an expression of the embedding statement.
   */
  autoChannel(tenantId: string, service: RawBuilder<string>): RawBuilder<number | null> {
    return sql<number | null>`(select s.auto_channel_min_severity from services s
                where s.tenant_id = ${tenantId} and s.name = ${service})`;
  },
  /** Hours after resolution the named service's channels are archived, else `fallback`. */
  channelArchiveHours(tenantId: string, service: RawBuilder<string>, fallback: number): RawBuilder<number> {
    return sql<number>`coalesce((select s.channel_archive_hours from services s
                where s.tenant_id = ${tenantId} and s.name = ${service}), ${fallback}::int)`;
  },
  /**
   * The named service's policy id, or null (no such service, or none set). `service` may be an expression of the
   * embedding statement (`sql.ref('i.service')`), for one policy per row of a set.
   */
  policyId(tenantId: string, service: string | RawBuilder<string>): RawBuilder<string | null> {
    return sql<string | null>`(select s.escalation_policy_id from services s
                where s.tenant_id = ${tenantId} and s.name = ${service})`;
  },
};
