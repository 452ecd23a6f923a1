import { command, type Em, query, queryOne, sql } from '../../db/sql.js';
import type { Actor } from '../../shared/actor.js';
import { isUuid } from '../../shared/ids.js';
import type { IncidentStatus } from './incidents.types.js';
import type { TimelineEvent } from './timeline.types.js';

export interface IncidentRow {
  id: string;
  tenant_id: string;
  number: number;
  title: string;
  description: string | null;
  service: string;
  environment: string;
  severity: number;
  status: IncidentStatus;
  group_key: string | null;
  source: string;
  assignee_id: string | null;
  auto_resolve: boolean;
  /** A fire drill: pages for real, says DRILL everywhere, left out of the figures. */
  drill: boolean;
  version: number;
  /** Timestamps arrive as strings from the driver; convert with `new Date()`. */
  created_at: Date | string;
  acknowledged_at: Date | string | null;
  resolved_at: Date | string | null;
  updated_at: Date | string;
}

export interface IncidentListRow extends IncidentRow {
  assignee_name: string | null;
  assignee_email: string | null;
  assignee_slack_user_id: string | null;
  alert_count: number;
  firing_count: number;
}

export interface NewIncident {
  id: string;
  tenantId: string;
  title: string;
  description: string | null;
  service: string;
  environment: string;
  severity: number;
  groupKey: string | null;
  source: string;
  autoResolve: boolean;
  /** A fire drill (declared by hand only). */
  drill?: boolean;
  at: Date;
}

/** One timeline row to write: a typed event on an incident. */
export interface TimelineInput {
  incidentId: string;
  event: TimelineEvent;
}

export interface RefQuery {
  id?: string;
  number?: number;
}

const listColumns = sql`i.*, u.name as assignee_name, u.email as assignee_email, u.slack_user_id as assignee_slack_user_id,
  (select count(*)::int from alerts a where a.tenant_id = i.tenant_id and a.incident_id = i.id) as alert_count,
  (select count(*)::int from alerts a where a.tenant_id = i.tenant_id and a.incident_id = i.id
    and a.status = 'firing') as firing_count`;
const assigneeJoin = sql`left join users u on u.tenant_id = i.tenant_id and u.id = i.assignee_id`;

const refWhere = (tenantId: string, ref: RefQuery) =>
  ref.id
    ? sql`i.tenant_id = ${tenantId} and i.id = ${ref.id}`
    : sql`i.tenant_id = ${tenantId} and i.number = ${ref.number ?? -1}`;

export const incidentsStore = {
  async allocateNumber(em: Em, tenantId: string): Promise<number> {
    const row = await queryOne<{ n: number }>(
      em,
      sql`update tenants set incident_seq = incident_seq + 1 where id = ${tenantId} returning incident_seq as n`,
    );
    if (!row) throw new Error(`tenant ${tenantId} does not exist`);
    return row.n;
  },

  async insert(em: Em, inc: NewIncident, number: number): Promise<IncidentRow> {
    const row = await queryOne<IncidentRow>(
      em,
      sql`insert into incidents (id, tenant_id, number, title, description, service, environment, severity, status,
            group_key, source, auto_resolve, drill, created_at, updated_at)
          values (${inc.id}, ${inc.tenantId}, ${number}, ${inc.title}, ${inc.description}, ${inc.service}, ${inc.environment},
            ${inc.severity}, 'triggered', ${inc.groupKey}, ${inc.source}, ${inc.autoResolve}, ${inc.drill ?? false}, ${inc.at}, ${inc.at})
          returning *`,
    );
    if (!row) throw new Error('incident insert returned nothing');
    return row;
  },

  async lock(em: Em, tenantId: string, ref: RefQuery): Promise<IncidentRow | undefined> {
    return queryOne<IncidentRow>(
      em,
      sql`select i.* from incidents i where ${refWhere(tenantId, ref)} for update`,
    );
  },

  async lockOpenByGroup(em: Em, tenantId: string, groupKey: string): Promise<IncidentRow | undefined> {
    return queryOne<IncidentRow>(
      em,
      sql`select * from incidents where tenant_id = ${tenantId} and group_key = ${groupKey} and status <> 'resolved' for update`,
    );
  },

  async lockOpenByGroups(em: Em, tenantId: string, groupKeys: string[]): Promise<IncidentRow[]> {
    if (groupKeys.length === 0) return [];
    return query<IncidentRow>(
      em,
      sql`select * from incidents where tenant_id = ${tenantId} and group_key = any(${groupKeys}::text[])
          and status <> 'resolved' order by id for update`,
    );
  },

  async lockMany(em: Em, tenantId: string, ids: string[]): Promise<IncidentRow[]> {
    return query<IncidentRow>(
      em,
      sql`select * from incidents where tenant_id = ${tenantId} and id = any(${ids}::uuid[]) order by id for update`,
    );
  },

  async update(
    em: Em,
    tenantId: string,
    id: string,
    fields: Partial<
      Pick<IncidentRow, 'status' | 'acknowledged_at' | 'resolved_at' | 'severity' | 'assignee_id'>
    >,
    at: Date,
  ): Promise<void> {
    const sets = Object.entries(fields).map(([k, v]) => sql`${sql.ref(k)} = ${v}`);
    await command(
      em,
      sql`update incidents set ${sql.join(sets)}, version = version + 1, updated_at = ${at}
          where tenant_id = ${tenantId} and id = ${id}`,
    );
  },

  async get(em: Em, tenantId: string, ref: RefQuery): Promise<IncidentListRow | undefined> {
    return queryOne<IncidentListRow>(
      em,
      sql`select ${listColumns} from incidents i ${assigneeJoin} where ${refWhere(tenantId, ref)}`,
    );
  },

  async list(
    em: Em,
    tenantId: string,
    f: {
      statuses?: string[];
      service?: string;
      environment?: string;
      severities?: number[];
      since?: string;
      until?: string;
      after?: { createdAt: string; id: string };
      limit: number;
    },
  ): Promise<IncidentListRow[]> {
    const conds = [sql`i.tenant_id = ${tenantId}`];
    if (f.statuses?.length) conds.push(sql`i.status = any(${f.statuses}::text[])`);
    if (f.service) conds.push(sql`i.service = ${f.service}`);
    if (f.environment) conds.push(sql`i.environment = ${f.environment}`);
    if (f.severities?.length) conds.push(sql`i.severity = any(${f.severities}::int[])`);
    if (f.since) conds.push(sql`i.created_at >= ${f.since}::timestamptz`);
    if (f.until) conds.push(sql`i.created_at < ${f.until}::timestamptz`);
    if (f.after)
      conds.push(sql`(i.created_at, i.id) < (${f.after.createdAt}::timestamptz, ${f.after.id}::uuid)`);
    return query<IncidentListRow>(
      em,
      sql`select ${listColumns} from incidents i ${assigneeJoin}
          where ${sql.join(conds, sql` and `)} order by i.created_at desc, i.id desc limit ${f.limit}`,
    );
  },

  /** Every tenant's open incidents (the metrics gauge): system scope. */
  async countOpenBySeverity(em: Em): Promise<{ severity: number; n: number }[]> {
    return query<{ severity: number; n: number }>(
      em,
      // Drills are left out of the figures.
      sql`select severity, count(*)::int as n from incidents where status <> 'resolved' and not drill group by severity`,
    );
  },

  /**
   * Appends timeline rows (one statement for any number of rows). The event's data is the record; what people
   * read is rendered from it when read (`message` stays null; rows from before typed events keep theirs).
   */
  async addTimeline(em: Em, tenantId: string, actor: Actor, items: TimelineInput[], at: Date): Promise<void> {
    if (items.length === 0) return;
    const payload = JSON.stringify(
      items.map((t) => ({ incident_id: t.incidentId, kind: t.event.kind, data: t.event.data })),
    );
    await command(
      em,
      sql`insert into timeline_entries (tenant_id, incident_id, kind, actor_kind, actor_id, actor_name, data, created_at)
          select ${tenantId}, x.incident_id, x.kind, ${actor.kind}, ${actor.id}, ${actor.name}, x.data, ${at}
          from jsonb_to_recordset(${payload}::jsonb) as x(incident_id uuid, kind text, data jsonb)`,
    );
  },

  /** Whether the incident has an event of `kind` whose data contains `match`. */
  async hasEvent(
    em: Em,
    tenantId: string,
    incidentId: string,
    kind: string,
    match: Record<string, unknown>,
  ): Promise<boolean> {
    const rows = await query<{ one: number }>(
      em,
      sql`select 1 as one from timeline_entries where tenant_id = ${tenantId} and incident_id = ${incidentId}
          and kind = ${kind} and data @> ${JSON.stringify(match)}::jsonb limit 1`,
    );
    return rows.length > 0;
  },

  async timeline(em: Em, tenantId: string, incidentId: string, limit = 1000) {
    return query<{
      id: string;
      kind: string;
      actor_kind: string;
      actor_id: string | null;
      actor_name: string;
      message: string | null;
      data: Record<string, unknown>;
      created_at: Date;
    }>(
      em,
      sql`select id::text, kind, actor_kind, actor_id, actor_name, message, data, created_at
          from timeline_entries where tenant_id = ${tenantId} and incident_id = ${incidentId}
          order by id limit ${limit}`,
    );
  },

  async findUser(em: Em, tenantId: string, ref: string) {
    const byId = isUuid(ref);
    return queryOne<{ id: string; name: string; email: string | null; slack_user_id: string | null }>(
      em,
      sql`select id, name, email, slack_user_id from users where tenant_id = ${tenantId}
          and (${byId ? sql`id = ${ref}::uuid or ` : sql``} lower(email) = lower(${ref}) or slack_user_id = ${ref})
          limit 1`,
    );
  },
};

export interface IncidentAlertRow {
  id: string;
  source: string;
  dedup_key: string;
  status: 'firing' | 'resolved';
  title: string;
  severity: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  links: { href: string; text: string }[];
  starts_at: Date | null;
  ends_at: Date | null;
  first_seen_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
  occurrences: number;
}

export const incidentAlertsStore = {
  async list(em: Em, tenantId: string, incidentId: string, limit = 500): Promise<IncidentAlertRow[]> {
    return query<IncidentAlertRow>(
      em,
      sql`select id, source, dedup_key, status, title, severity, labels, annotations, links, starts_at, ends_at,
            first_seen_at, last_seen_at, resolved_at, occurrences
          from alerts where tenant_id = ${tenantId} and incident_id = ${incidentId}
          order by first_seen_at, id limit ${limit}`,
    );
  },

  /** Ends the episodes of an incident's still-firing alerts (the incident was resolved by a person). */
  async resolveFiring(em: Em, tenantId: string, incidentId: string, at: Date): Promise<number> {
    const rows = await query<{ id: string }>(
      em,
      sql`update alerts set status = 'resolved', resolved_at = ${at}, updated_at = ${at}
          where tenant_id = ${tenantId} and incident_id = ${incidentId} and status = 'firing' returning id`,
    );
    return rows.length;
  },

  async countFiring(em: Em, tenantId: string, incidentId: string): Promise<number> {
    const row = await queryOne<{ n: number }>(
      em,
      sql`select count(*)::int as n from alerts
          where tenant_id = ${tenantId} and incident_id = ${incidentId} and status = 'firing'`,
    );
    return row?.n ?? 0;
  },
};
