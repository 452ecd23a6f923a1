import { command, type Em, query, sql } from '../../db/sql.js';
import type { IncidentAlert, IncidentAlertCounts } from '../incidents/index.js';

export interface FiringRow {
  id: string;
  /** Events this row stands for (repeats merged within one batch). */
  occurrences: number;
  source: string;
  dedup_key: string;
  title: string;
  description: string | null;
  service: string;
  environment: string;
  severity: number;
  group_key: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  links: { href: string; text: string }[];
  starts_at: string | null;
  ends_at: string | null;
  raw: unknown;
}

export interface UpsertedRow {
  id: string;
  dedup_key: string;
  incident_id: string | null;
  inserted: boolean;
  group_key: string;
}

export interface AlertListRow {
  id: string;
  incident_id: string | null;
  source: string;
  dedup_key: string;
  status: string;
  title: string;
  service: string;
  environment: string;
  severity: number;
  labels: Record<string, string>;
  first_seen_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
  occurrences: number;
}

export const alertsStore = {
  /**
   * Inserts new episodes and touches repeats, in one statement; rows are sorted so concurrent batches lock in
   * the same order. A new alert joins the incident `openByGroup` names for its group (group key → incident id:
   * the caller's guess of the open one, checked against the incidents' port under the group locks). A row
   * repeating an episode that has already resolved (same dedup key, same startsAt: a late re-send) is left out
   * and not returned.
   */
  async upsertFiring(
    em: Em,
    tenantId: string,
    rows: FiringRow[],
    openByGroup: Record<string, string>,
    at: Date,
  ): Promise<UpsertedRow[]> {
    if (rows.length === 0) return [];
    return query<UpsertedRow>(
      em,
      sql`insert into alerts (id, tenant_id, incident_id, source, dedup_key, status, title, description, service, environment,
            severity, group_key, labels, annotations, links, starts_at, ends_at, first_seen_at, last_seen_at, occurrences, raw,
            created_at, updated_at)
          select x.id, ${tenantId}, open.incident_id::uuid, x.source, x.dedup_key, 'firing', x.title, x.description, x.service,
            x.environment, x.severity, x.group_key, x.labels, x.annotations, x.links, x.starts_at, x.ends_at, ${at}, ${at},
            x.occurrences, x.raw, ${at}, ${at}
          from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(id uuid, source text, dedup_key text, title text,
            description text, service text, environment text, severity smallint, group_key text, labels jsonb,
            annotations jsonb, links jsonb, starts_at timestamptz, ends_at timestamptz, occurrences int, raw jsonb)
          left join jsonb_each_text(${JSON.stringify(openByGroup)}::jsonb) as open(group_key, incident_id)
            on open.group_key = x.group_key
          where x.starts_at is null or not exists (
            select 1 from alerts r where r.tenant_id = ${tenantId} and r.source = x.source and r.dedup_key = x.dedup_key
              and r.starts_at = x.starts_at and r.status = 'resolved')
          order by x.dedup_key
          on conflict (tenant_id, source, dedup_key) where status = 'firing' do update set
            last_seen_at = excluded.last_seen_at, occurrences = alerts.occurrences + excluded.occurrences, title = excluded.title,
            description = excluded.description, severity = excluded.severity, labels = excluded.labels,
            annotations = excluded.annotations, links = excluded.links, raw = excluded.raw, updated_at = excluded.updated_at
          returning id, dedup_key, incident_id, (xmax = 0) as inserted, group_key`,
    );
  },

  async link(em: Em, tenantId: string, alertIds: string[], incidentId: string): Promise<void> {
    await command(
      em,
      sql`update alerts set incident_id = ${incidentId} where tenant_id = ${tenantId} and id = any(${alertIds}::uuid[])`,
    );
  },

  /** Ends the firing episodes named; returns what changed (unknown or already-resolved keys change nothing). */
  async resolve(
    em: Em,
    tenantId: string,
    source: string,
    items: { k: string; e: string | null }[],
    at: Date,
  ): Promise<{ id: string; incident_id: string | null; title: string; dedup_key: string }[]> {
    if (items.length === 0) return [];
    return query(
      em,
      sql`update alerts a set status = 'resolved', resolved_at = ${at}, ends_at = coalesce(x.e, ${at}),
            last_seen_at = ${at}, updated_at = ${at}
          from (select distinct on (k) k, e from jsonb_to_recordset(${JSON.stringify(items)}::jsonb) as r(k text, e timestamptz)
                order by k) x
          where a.tenant_id = ${tenantId} and a.source = ${source} and a.status = 'firing' and a.dedup_key = x.k
          returning a.id, a.incident_id, a.title, a.dedup_key`,
    );
  },

  /** The group keys of the firing alerts with these dedup keys (to lock their groups before changing them). */
  async firingGroupKeys(em: Em, tenantId: string, source: string, keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const rows = await query<{ group_key: string }>(
      em,
      sql`select distinct group_key from alerts where tenant_id = ${tenantId} and source = ${source}
          and status = 'firing' and dedup_key = any(${keys}::text[])`,
    );
    return rows.map((r) => r.group_key);
  },

  /** The incident of each firing alert with these dedup keys (alerts with none are absent). */
  async firingIncidents(
    em: Em,
    tenantId: string,
    source: string,
    keys: string[],
  ): Promise<Map<string, string>> {
    if (keys.length === 0) return new Map();
    const rows = await query<{ dedup_key: string; incident_id: string }>(
      em,
      sql`select dedup_key, incident_id from alerts where tenant_id = ${tenantId} and source = ${source}
          and status = 'firing' and dedup_key = any(${keys}::text[]) and incident_id is not null`,
    );
    return new Map(rows.map((r) => [r.dedup_key, r.incident_id]));
  },

  /** Alerts and firing alerts per incident (incidents with none are absent). */
  async counts(em: Em, tenantId: string, incidentIds: string[]): Promise<Map<string, IncidentAlertCounts>> {
    if (incidentIds.length === 0) return new Map();
    const rows = await query<{ incident_id: string; total: number; firing: number }>(
      em,
      sql`select incident_id, count(*)::int as total, count(*) filter (where status = 'firing')::int as firing
          from alerts where tenant_id = ${tenantId} and incident_id = any(${incidentIds}::uuid[])
          group by incident_id`,
    );
    return new Map(rows.map((r) => [r.incident_id, { total: r.total, firing: r.firing }]));
  },

  async ofIncident(em: Em, tenantId: string, incidentId: string, limit = 500): Promise<IncidentAlert[]> {
    return query<IncidentAlert>(
      em,
      sql`select id, source, dedup_key, status, title, severity, labels, annotations, links, starts_at, ends_at,
            first_seen_at, last_seen_at, resolved_at, occurrences
          from alerts where tenant_id = ${tenantId} and incident_id = ${incidentId}
          order by first_seen_at, id limit ${limit}`,
    );
  },

  /** Ends the episodes of an incident's still-firing alerts (the incident was resolved by a person). */
  async endFiring(em: Em, tenantId: string, incidentId: string, at: Date): Promise<number> {
    const rows = await query<{ id: string }>(
      em,
      sql`update alerts set status = 'resolved', resolved_at = ${at}, updated_at = ${at}
          where tenant_id = ${tenantId} and incident_id = ${incidentId} and status = 'firing' returning id`,
    );
    return rows.length;
  },

  async list(
    em: Em,
    tenantId: string,
    f: {
      status?: string;
      source?: string;
      service?: string;
      limit: number;
      beforeId?: { at: string; id: string };
    },
  ): Promise<AlertListRow[]> {
    const conds = [sql`a.tenant_id = ${tenantId}`];
    if (f.status) conds.push(sql`a.status = ${f.status}`);
    if (f.source) conds.push(sql`a.source = ${f.source}`);
    if (f.service) conds.push(sql`a.service = ${f.service}`);
    if (f.beforeId)
      conds.push(sql`(a.last_seen_at, a.id) < (${f.beforeId.at}::timestamptz, ${f.beforeId.id}::uuid)`);
    return query<AlertListRow>(
      em,
      sql`select a.id, a.incident_id, a.source, a.dedup_key, a.status, a.title, a.service,
            a.environment, a.severity, a.labels, a.first_seen_at, a.last_seen_at, a.resolved_at, a.occurrences
          from alerts a
          where ${sql.join(conds, sql` and `)} order by a.last_seen_at desc, a.id desc limit ${f.limit}`,
    );
  },
};
