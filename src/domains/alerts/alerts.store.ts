import type { ExpressionBuilder, NotNull, Selectable } from 'kysely';
import type { DB } from '../../db/schema.generated.js';
import { anyOf, command, db, type Em, query, type RowOf, sql } from '../../db/sql.js';
import type { IncidentAlert, IncidentAlertCounts } from '../incidents/index.js';
import type { AlertLink } from './alerts.types.js';

type Alert = Selectable<DB['alerts']>;

/** What the alerts' jsonb columns hold (the ingest writes no other shape). */
interface AlertJson {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  links: AlertLink[];
}

/**
 * One firing event as the upsert takes it (a `jsonb_to_recordset` row): the alert's columns, by name and type.
 * `occurrences` counts the events it stands for (repeats merged within one batch).
 */
export type FiringRow = Pick<
  Alert,
  | 'id'
  | 'source'
  | 'dedup_key'
  | 'title'
  | 'description'
  | 'service'
  | 'environment'
  | 'severity'
  | 'group_key'
  | 'starts_at'
  | 'ends_at'
  | 'occurrences'
> &
  AlertJson & { raw: unknown };

/** What the upsert returns per stored row; `inserted` is false for a repeat of a firing episode. */
export type UpsertedRow = Pick<Alert, 'id' | 'dedup_key' | 'incident_id' | 'group_key'> & {
  inserted: boolean;
};

/** A resolved episode: which incident it belonged to. */
export type ResolvedRow = Pick<Alert, 'id' | 'incident_id' | 'title' | 'dedup_key'>;

const selectList = () =>
  db
    .selectFrom('alerts as a')
    .select([
      'a.id',
      'a.incident_id',
      'a.source',
      'a.dedup_key',
      'a.status',
      'a.title',
      'a.service',
      'a.environment',
      'a.severity',
      'a.labels',
      'a.first_seen_at',
      'a.last_seen_at',
      'a.resolved_at',
      'a.occurrences',
      'a.silence_id',
      'a.maintenance_window_id',
      'a.silenced_until',
    ])
    .$narrowType<Pick<AlertJson, 'labels'>>();

export type AlertListRow = RowOf<ReturnType<typeof selectList>>;

/** An alert's jsonb columns, typed as what they hold. */
const json = {
  labels: (eb: ExpressionBuilder<DB, 'alerts'>) =>
    eb.ref('labels').$castTo<AlertJson['labels']>().as('labels'),
  annotations: (eb: ExpressionBuilder<DB, 'alerts'>) =>
    eb.ref('annotations').$castTo<AlertJson['annotations']>().as('annotations'),
  links: (eb: ExpressionBuilder<DB, 'alerts'>) => eb.ref('links').$castTo<AlertJson['links']>().as('links'),
};

const selectOfIncident = () =>
  db
    .selectFrom('alerts')
    .select([
      'id',
      'source',
      'dedup_key',
      'title',
      'severity',
      json.labels,
      json.annotations,
      json.links,
      'starts_at',
      'ends_at',
      'first_seen_at',
      'last_seen_at',
      'resolved_at',
      'occurrences',
    ])
    .select((eb) => eb.ref('status').$castTo<IncidentAlert['status']>().as('status'));

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

  /**
   * Defers the check that each alert's incident exists to the transaction's commit: the ingest transaction stores
   * the new alerts of a group with no open incident under the id that incident gets when it opens, later in the
   * same transaction (or links them elsewhere before it commits).
   */
  async deferIncidentCheck(em: Em): Promise<void> {
    await command(em, sql`set constraints alerts_incident_id_fkey deferred`);
  },

  /** Links alerts to incidents, many incidents in one statement. */
  async linkMany(
    em: Em,
    tenantId: string,
    links: { incidentId: string; alertIds: string[] }[],
  ): Promise<void> {
    if (links.length === 0) return;
    const ids = links.flatMap((l) => l.alertIds);
    const incidents = links.flatMap((l) => l.alertIds.map(() => l.incidentId));
    await command(
      em,
      sql`update alerts a set incident_id = x.incident_id, silence_id = null, maintenance_window_id = null,
            silenced_until = null
          from unnest(${ids}::uuid[], ${incidents}::uuid[]) as x(id, incident_id)
          where a.tenant_id = ${tenantId} and a.id = x.id`,
    );
  },

  /** Ends the firing episodes named; returns what changed (unknown or already-resolved keys change nothing). */
  async resolve(
    em: Em,
    tenantId: string,
    source: string,
    items: { k: string; e: string | null }[],
    at: Date,
  ): Promise<ResolvedRow[]> {
    if (items.length === 0) return [];
    return query<ResolvedRow>(
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
    const rows = await query(
      em,
      db
        .selectFrom('alerts')
        .select('group_key')
        .distinct()
        .where('tenant_id', '=', tenantId)
        .where('source', '=', source)
        .where('status', '=', 'firing')
        .where('dedup_key', '=', anyOf(keys, 'text')),
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
    const rows = await query(
      em,
      db
        .selectFrom('alerts')
        .select(['dedup_key', 'incident_id'])
        .where('tenant_id', '=', tenantId)
        .where('source', '=', source)
        .where('status', '=', 'firing')
        .where('dedup_key', '=', anyOf(keys, 'text'))
        .where('incident_id', 'is not', null)
        .$narrowType<{ incident_id: NotNull }>(),
    );
    return new Map(rows.map((r) => [r.dedup_key, r.incident_id]));
  },

  /** Alerts and firing alerts per incident (incidents with none are absent). */
  async counts(em: Em, tenantId: string, incidentIds: string[]): Promise<Map<string, IncidentAlertCounts>> {
    if (incidentIds.length === 0) return new Map();
    const rows = await query(
      em,
      db
        .selectFrom('alerts')
        .select([
          'incident_id',
          sql<number>`count(*)::int`.as('total'),
          sql<number>`count(*) filter (where status = 'firing')::int`.as('firing'),
        ])
        .where('tenant_id', '=', tenantId)
        .where('incident_id', '=', anyOf(incidentIds, 'uuid'))
        .groupBy('incident_id')
        .$narrowType<{ incident_id: NotNull }>(),
    );
    return new Map(rows.map((r) => [r.incident_id, { total: r.total, firing: r.firing }]));
  },

  async ofIncident(em: Em, tenantId: string, incidentId: string, limit = 500): Promise<IncidentAlert[]> {
    return query(
      em,
      selectOfIncident()
        .where('tenant_id', '=', tenantId)
        .where('incident_id', '=', incidentId)
        .orderBy('first_seen_at')
        .orderBy('id')
        .limit(limit),
    );
  },

  /** Ends the episodes of an incident's still-firing alerts (the incident was resolved by a person). */
  async endFiring(em: Em, tenantId: string, incidentId: string, at: Date): Promise<number> {
    const rows = await query(
      em,
      db
        .updateTable('alerts')
        .set({ status: 'resolved', resolved_at: at, updated_at: at })
        .where('tenant_id', '=', tenantId)
        .where('incident_id', '=', incidentId)
        .where('status', '=', 'firing')
        .returning('id'),
    );
    return rows.length;
  },

  /** Moves every alert of incident `from` to incident `to` (a merge); answers how many moved. */
  async moveToIncident(em: Em, tenantId: string, from: string, to: string, at: Date): Promise<number> {
    const rows = await query(
      em,
      db
        .updateTable('alerts')
        .set({ incident_id: to, updated_at: at })
        .where('tenant_id', '=', tenantId)
        .where('incident_id', '=', from)
        .returning('id'),
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
    let q = selectList().where('a.tenant_id', '=', tenantId);
    if (f.status) q = q.where('a.status', '=', f.status);
    if (f.source) q = q.where('a.source', '=', f.source);
    if (f.service) q = q.where('a.service', '=', f.service);
    if (f.beforeId)
      q = q.where(
        sql<boolean>`(a.last_seen_at, a.id) < (${f.beforeId.at}::timestamptz, ${f.beforeId.id}::uuid)`,
      );
    return query(em, q.orderBy('a.last_seen_at', 'desc').orderBy('a.id', 'desc').limit(f.limit));
  },
};
