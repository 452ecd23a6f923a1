import type { Selectable } from 'kysely';
import type { SlaDefinitions } from '../../db/schema.generated.js';
import { anyOf, db, type Em, jsonb, query, queryOne, sql } from '../../db/sql.js';

/** The advisory lock of the nightly snapshot run and of the burn alerts: one replica at a time. */
const SNAPSHOT_LOCK = 0x0a_5e_5a_01;
const BURN_LOCK = 0x0a_5e_5a_02;
/** The weekly report run's: one replica at a time computes the reports (their outbox keys make them go once). */
const REPORT_LOCK = 0x0a_5e_5a_03;

export type DefinitionRow = Selectable<SlaDefinitions>;

export interface SnapshotRow {
  id: string;
  tenant_id: string;
  day: string;
  definition_id: string;
  definition_version: number;
  service: string;
  total_events: string;
  error_events: string;
  uptime_pct: number;
  breach_count: number;
  budget_burn: number;
  downtime_minutes: number;
  maintenance_minutes: number;
  evidence: unknown;
  created_at: string;
}

export interface NewDefinition {
  id: string;
  definition_key: string;
  version: number;
  service: string;
  metric: string;
  target: number;
  time_window: string;
  threshold_ms: number | null;
  metric_name: string;
  error_filter: Record<string, string>;
  active_from: Date;
  created_at: Date;
  created_by: string | null;
}

export type NewSnapshot = Omit<SnapshotRow, 'tenant_id' | 'created_at' | 'total_events' | 'error_events'> & {
  total_events: number;
  error_events: number;
};

/** An open version and its burn alert's state. */
export type BurnCheckRow = DefinitionRow & { firing: boolean; firing_since: string | null };

/** A version owing snapshots: its latest snapshot's day (null: none yet). */
export type DueRow = DefinitionRow & { latest: string | null };

const SNAPSHOT_COLUMNS = sql`id, tenant_id, day::text as day, definition_id, definition_version, service,
  total_events, error_events, uptime_pct, breach_count, budget_burn, downtime_minutes, maintenance_minutes,
  evidence, created_at`;

export const slaStore = {
  list(em: Em, tenantId: string, current: boolean): Promise<DefinitionRow[]> {
    let q = db.selectFrom('sla_definitions').selectAll().where('tenant_id', '=', tenantId);
    if (current) q = q.where('active_to', 'is', null);
    return query(em, q.orderBy('service').orderBy('metric').orderBy('version').limit(2000));
  },

  byId(em: Em, tenantId: string, id: string): Promise<DefinitionRow | undefined> {
    return queryOne(
      em,
      db.selectFrom('sla_definitions').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id),
    );
  },

  /** The open version of a service's SLA on a metric, locked (a new version closes it). */
  openFor(em: Em, tenantId: string, service: string, metric: string): Promise<DefinitionRow | undefined> {
    return queryOne(
      em,
      db
        .selectFrom('sla_definitions')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('service', '=', service)
        .where('metric', '=', metric)
        .where('active_to', 'is', null)
        .forUpdate(),
    );
  },

  /** Closes a version: the only change a version ever sees. */
  async close(em: Em, tenantId: string, id: string, at: Date): Promise<void> {
    await query(
      em,
      sql`update sla_definitions set active_to = ${at} where tenant_id = ${tenantId} and id = ${id}
            and active_to is null returning id`,
    );
  },

  insert(em: Em, tenantId: string, d: NewDefinition): Promise<DefinitionRow | undefined> {
    return queryOne<DefinitionRow>(
      em,
      sql`insert into sla_definitions (id, tenant_id, definition_key, version, service, metric, target, time_window,
            threshold_ms, metric_name, error_filter, active_from, created_at, created_by)
          values (${d.id}, ${tenantId}, ${d.definition_key}, ${d.version}, ${d.service}, ${d.metric}, ${d.target},
            ${d.time_window}, ${d.threshold_ms}, ${d.metric_name}, ${jsonb(d.error_filter)}, ${d.active_from},
            ${d.created_at}, ${d.created_by})
          returning *`,
    );
  },

  /** Versions (every tenant's) that started before `today` and have no snapshot for yesterday yet; bounded. */
  due(em: Em, today: string, limit: number): Promise<DueRow[]> {
    return query<DueRow>(
      em,
      sql`select d.*, s.latest from sla_definitions d
          left join lateral (select max(day)::text as latest from sla_snapshots where definition_id = d.id) s on true
          where d.active_from < ${today}::date
            and (d.active_to is null or d.active_to > coalesce(s.latest::date + 1, d.active_from::date))
            and (s.latest is null or s.latest::date < ${today}::date - 1)
          order by s.latest nulls first, d.id limit ${limit}`,
    );
  },

  /** Open versions of every tenant (burn alerts), bounded. */
  open(em: Em, limit: number): Promise<DefinitionRow[]> {
    return query(
      em,
      db.selectFrom('sla_definitions').selectAll().where('active_to', 'is', null).orderBy('id').limit(limit),
    );
  },

  /** Stores a snapshot unless the day has one; answers it only when this call stored it. */
  insertSnapshot(em: Em, tenantId: string, s: NewSnapshot, at: Date): Promise<SnapshotRow | undefined> {
    return queryOne<SnapshotRow>(
      em,
      sql`insert into sla_snapshots (id, tenant_id, day, definition_id, definition_version, service, total_events,
            error_events, uptime_pct, breach_count, budget_burn, downtime_minutes, maintenance_minutes, evidence,
            created_at)
          values (${s.id}, ${tenantId}, ${s.day}::date, ${s.definition_id}, ${s.definition_version}, ${s.service},
            ${s.total_events}, ${s.error_events}, ${s.uptime_pct}, ${s.breach_count}, ${s.budget_burn},
            ${s.downtime_minutes}, ${s.maintenance_minutes}, ${jsonb(s.evidence)}, ${at})
          on conflict (definition_id, day) do nothing
          returning ${SNAPSHOT_COLUMNS}`,
    );
  },

  /** Snapshots of every version of an SLA (`key`) in [from, to], by day. */
  snapshots(em: Em, tenantId: string, key: string, from: string, to: string): Promise<SnapshotRow[]> {
    return query<SnapshotRow>(
      em,
      sql`select ${SNAPSHOT_COLUMNS} from sla_snapshots where tenant_id = ${tenantId}
            and definition_id in (select id from sla_definitions where tenant_id = ${tenantId}
              and definition_key = ${key})
            and day between ${from}::date and ${to}::date
          order by day limit 400`,
    );
  },

  /** Snapshots of the given SLAs (keys) in [from, to]: one query for a whole list (App Home, `/sla`). */
  snapshotsOf(
    em: Em,
    tenantId: string,
    keys: readonly string[],
    from: string,
    to: string,
  ): Promise<(SnapshotRow & { definition_key: string })[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return query(
      em,
      sql`select ${SNAPSHOT_COLUMNS},
            (select definition_key from sla_definitions d where d.id = definition_id) as definition_key
          from sla_snapshots where tenant_id = ${tenantId}
            and definition_id in (select id from sla_definitions where tenant_id = ${tenantId}
              and definition_key = ${anyOf(keys, 'uuid')})
            and day between ${from}::date and ${to}::date
          order by day limit 20000`,
    );
  },

  /**
   * Open versions (every tenant's) whose burn was not checked since `before`, claimed for this run (rows another
   * replica is checking are skipped), least recently checked first, at most `limit`; with their burn state.
   */
  claimBurnChecks(em: Em, before: Date, limit: number): Promise<BurnCheckRow[]> {
    return query<BurnCheckRow>(
      em,
      sql`select d.*, coalesce(b.firing, false) as firing, b.firing_since
          from sla_definitions d
          left join sla_burn_states b on b.tenant_id = d.tenant_id and b.definition_key = d.definition_key
          where d.active_to is null and (b.checked_at is null or b.checked_at <= ${before})
          order by b.checked_at nulls first, d.id limit ${limit}
          for update of d skip locked`,
    );
  },

  async saveBurn(
    em: Em,
    d: { tenantId: string; key: string; service: string },
    s: { firing: boolean; firingSince: Date | null; rule: string | null; rates: Record<number, number> },
    at: Date,
  ): Promise<void> {
    await query(
      em,
      sql`insert into sla_burn_states (tenant_id, definition_key, service, firing, firing_since, rule, rates, checked_at)
          values (${d.tenantId}, ${d.key}, ${d.service}, ${s.firing}, ${s.firingSince}, ${s.rule}, ${jsonb(s.rates)}, ${at})
          on conflict (tenant_id, definition_key) do update set firing = excluded.firing,
            firing_since = excluded.firing_since, rule = excluded.rule, rates = excluded.rates,
            checked_at = excluded.checked_at
          returning definition_key`,
    );
  },

  /** The latest measured 1 h burn per service of a tenant (cards). */
  burns(em: Em, tenantId: string): Promise<{ service: string; burn: number | null }[]> {
    return query(
      em,
      sql`select service, max((rates->>'60')::float8) as burn from sla_burn_states
          where tenant_id = ${tenantId} group by service limit 1000`,
    );
  },

  /** Tenants with an open SLA (the weekly report's), bounded. */
  async tenantsWithOpenSlas(em: Em, limit: number): Promise<string[]> {
    const rows = await query<{ tenant_id: string }>(
      em,
      sql`select distinct tenant_id from sla_definitions where active_to is null order by tenant_id
          limit ${limit}`,
    );
    return rows.map((r) => r.tenant_id);
  },

  async tryLock(em: Em, which: 'snapshots' | 'burn' | 'report'): Promise<boolean> {
    const key = which === 'snapshots' ? SNAPSHOT_LOCK : which === 'burn' ? BURN_LOCK : REPORT_LOCK;
    const row = await queryOne(
      em,
      db.selectNoFrom(sql<boolean>`pg_try_advisory_xact_lock(${key})`.as('locked')),
    );
    return row?.locked === true;
  },
};
