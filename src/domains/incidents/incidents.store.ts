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

const listColumns = sql`i.*, u.name as assignee_name, u.email as assignee_email, u.slack_user_id as assignee_slack_user_id`;
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

  async lockOpenByGroups(em: Em, tenantId: string, groupKeys: string[]): Promise<IncidentRow[]> {
    if (groupKeys.length === 0) return [];
    return query<IncidentRow>(
      em,
      sql`select * from incidents where tenant_id = ${tenantId} and group_key = any(${groupKeys}::text[])
          and status <> 'resolved' order by id for update`,
    );
  },

  async numbers(em: Em, tenantId: string, ids: string[]): Promise<{ id: string; number: number }[]> {
    if (ids.length === 0) return [];
    return query<{ id: string; number: number }>(
      em,
      sql`select id, number from incidents where tenant_id = ${tenantId} and id = any(${ids}::uuid[])`,
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
