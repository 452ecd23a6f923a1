import { command, type Em, query, queryOne, sql } from '../../db/sql.js';
import type { RollupPoint } from './rollups.types.js';
import type { Step } from './series.calc.js';

/** A series as stored: its id (bigint as text) and identity. */
export interface SeriesRow {
  id: string;
  tenant_id: string;
  service: string;
  name: string;
  series_hash: string;
  tags: Record<string, string>;
}

/** A new series to store. */
export interface NewSeries {
  tenantId: string;
  service: string;
  name: string;
  hash: string;
  tags: Record<string, string>;
  allTags: boolean;
}

/** A rollup row as written: its series' identity is repeated for reading without a join. */
export interface RollupWrite extends RollupPoint {
  seriesId: string;
  tenantId: string;
  service: string;
  name: string;
  tags: Record<string, string>;
  allTags: boolean;
  sketch: Uint8Array;
}

/** A rollup row as read (`sketch` only when asked for). */
export interface RollupRow {
  series_id: string;
  bucket: string;
  count: string;
  sum: number;
  min: number;
  max: number;
  p50: number;
  p90: number;
  p99: number;
  sketch?: Buffer;
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export const rollupsStore = {
  /**
   * The stored series among these identities (any tenant: the flush runs in the system scope), held (KEY SHARE)
   * until the flush commits, so the janitor cannot remove one meanwhile.
   */
  findSeries(em: Em, keys: readonly NewSeries[]): Promise<SeriesRow[]> {
    if (keys.length === 0) return Promise.resolve([]);
    return query<SeriesRow>(
      em,
      sql`select s.id::text as id, s.tenant_id, s.service, s.name, s.series_hash, s.tags from metric_series s
          join unnest(${keys.map((k) => k.tenantId)}::uuid[], ${keys.map((k) => k.service)}::text[],
                      ${keys.map((k) => k.name)}::text[], ${keys.map((k) => k.hash)}::text[]) as k(t, sv, n, h)
            on s.tenant_id = k.t and s.service = k.sv and s.name = k.n and s.series_hash = k.h
          for key share of s`,
    );
  },

  /**
   * Serializes new series of these metric names across replicas (a transaction-scoped advisory lock per
   * tenant and name, taken in one order), so the cardinality limit is never overshot by concurrent flushes.
   */
  async lockNames(em: Em, names: readonly { tenantId: string; name: string }[]): Promise<void> {
    const keys = [...new Set(names.map((n) => `${n.tenantId}/${n.name}`))].sort();
    if (keys.length === 0) return;
    await query(
      em,
      sql`select pg_advisory_xact_lock(hashtextextended(k, 15)) from unnest(${keys}::text[]) with ordinality as x(k, o)
          order by o`,
    );
  },

  /** How many tag sets each of these metric names has (the aggregate series not counted). */
  seriesCounts(em: Em, names: readonly { tenantId: string; name: string }[]) {
    return query<{ tenant_id: string; name: string; n: number }>(
      em,
      sql`select s.tenant_id, s.name, count(*)::int as n from metric_series s
          join (select distinct * from unnest(${names.map((n) => n.tenantId)}::uuid[], ${names.map((n) => n.name)}::text[]))
            as k(t, n) on s.tenant_id = k.t and s.name = k.n
          where not s.all_tags group by s.tenant_id, s.name`,
    );
  },

  async insertSeries(em: Em, rows: readonly NewSeries[], at: Date): Promise<void> {
    if (rows.length === 0) return;
    await command(
      em,
      sql`insert into metric_series (tenant_id, service, name, tags, series_hash, all_tags, created_at)
          select t, sv, n, tg::jsonb, h, a, ${at} from unnest(${rows.map((r) => r.tenantId)}::uuid[],
            ${rows.map((r) => r.service)}::text[], ${rows.map((r) => r.name)}::text[],
            ${rows.map((r) => JSON.stringify(r.tags))}::text[], ${rows.map((r) => r.hash)}::text[],
            ${rows.map((r) => r.allTags)}::boolean[]) as x(t, sv, n, tg, h, a)
          on conflict (tenant_id, service, name, series_hash) do nothing`,
    );
  },

  /** Records that a metric name's notice was sent; false when it already was. */
  async notice(em: Em, tenantId: string, name: string, kind: 'warning' | 'limit', series: number, at: Date) {
    const row = await queryOne<{ name: string }>(
      em,
      sql`insert into metric_cardinality_notices (tenant_id, name, kind, series, created_at)
          values (${tenantId}, ${name}, ${kind}, ${series}, ${at}) on conflict do nothing returning name`,
    );
    return row !== undefined;
  },

  /**
   * The stored rows of these (series, bucket) pairs, locked until the transaction ends (created empty first
   * when missing, so two replicas flushing the same minute queue on the same row). In (series, bucket) order.
   */
  lockRollups(em: Em, step: Step, rows: readonly RollupWrite[]): Promise<(RollupRow & { sketch: Buffer })[]> {
    const sorted = [...rows].sort((a, b) =>
      a.seriesId === b.seriesId
        ? a.bucket.getTime() - b.bucket.getTime()
        : BigInt(a.seriesId) < BigInt(b.seriesId)
          ? -1
          : 1,
    );
    const cols = {
      ids: sorted.map((r) => r.seriesId),
      buckets: sorted.map((r) => r.bucket),
    };
    return (async () => {
      await command(
        em,
        sql`insert into metric_rollups (series_id, step, bucket, tenant_id, service, name, tags, all_tags, count, sum,
              min, max, p50, p90, p99, sketch, updated_at)
            select id, ${step}, b, t, sv, n, tg::jsonb, a, 0, 0, 0, 0, 0, 0, 0, '\\x'::bytea, now()
            from unnest(${cols.ids}::bigint[], ${cols.buckets}::timestamptz[], ${sorted.map((r) => r.tenantId)}::uuid[],
              ${sorted.map((r) => r.service)}::text[], ${sorted.map((r) => r.name)}::text[],
              ${sorted.map((r) => JSON.stringify(r.tags))}::text[], ${sorted.map((r) => r.allTags)}::boolean[])
              with ordinality as x(id, b, t, sv, n, tg, a, o)
            order by o
            on conflict (series_id, step, bucket) do nothing`,
      );
      return query<RollupRow & { sketch: Buffer }>(
        em,
        sql`select r.series_id::text as series_id, r.bucket, r.count::text as count, r.sum, r.min, r.max,
              r.p50, r.p90, r.p99, r.sketch
            from metric_rollups r
            join unnest(${cols.ids}::bigint[], ${cols.buckets}::timestamptz[]) as k(id, b)
              on r.series_id = k.id and r.step = ${step} and r.bucket = k.b
            order by r.series_id, r.bucket
            for update of r`,
      );
    })();
  },

  /** Writes rows' merged values (rows that exist: `lockRollups` made them). */
  async updateRollups(em: Em, step: Step, rows: readonly RollupWrite[], at: Date): Promise<void> {
    if (rows.length === 0) return;
    await command(
      em,
      sql`update metric_rollups r set count = x.c, sum = x.s, min = x.mn, max = x.mx, p50 = x.p50, p90 = x.p90,
            p99 = x.p99, sketch = decode(x.sk, 'hex'), updated_at = ${at}
          from unnest(${rows.map((r) => r.seriesId)}::bigint[], ${rows.map((r) => r.bucket)}::timestamptz[],
            ${rows.map((r) => r.count)}::bigint[], ${rows.map((r) => r.sum)}::float8[],
            ${rows.map((r) => r.min)}::float8[], ${rows.map((r) => r.max)}::float8[],
            ${rows.map((r) => r.p50)}::float8[], ${rows.map((r) => r.p90)}::float8[],
            ${rows.map((r) => r.p99)}::float8[], ${rows.map((r) => hex(r.sketch))}::text[])
            as x(id, b, c, s, mn, mx, p50, p90, p99, sk)
          where r.series_id = x.id and r.step = ${step} and r.bucket = x.b`,
    );
  },

  /** A metric's series of a service (not the aggregate one), optionally those holding a tag subset. */
  seriesOf(em: Em, tenantId: string, service: string, name: string, subset?: Record<string, string>) {
    return query<{ id: string; tags: Record<string, string> }>(
      em,
      sql`select id::text as id, tags from metric_series
          where tenant_id = ${tenantId} and service = ${service} and name = ${name} and not all_tags
          ${subset && Object.keys(subset).length > 0 ? sql`and tags @> ${JSON.stringify(subset)}::jsonb` : sql``}`,
    );
  },

  /** The aggregate series' rows over [from, to): one per bucket, percentiles as stored. */
  aggregateRows(em: Em, tenantId: string, service: string, name: string, step: Step, from: Date, to: Date) {
    return query<RollupRow>(
      em,
      sql`select series_id::text as series_id, bucket, count::text as count, sum, min, max, p50, p90, p99
          from metric_rollups
          where tenant_id = ${tenantId} and service = ${service} and name = ${name} and step = ${step}
            and all_tags and bucket >= ${from} and bucket < ${to}
          order by bucket`,
    );
  },

  /** These series' rows over [from, to), with their sketches when `sketches`. */
  rowsOf(
    em: Em,
    tenantId: string,
    seriesIds: readonly string[],
    step: Step,
    from: Date,
    to: Date,
    sketches: boolean,
  ): Promise<RollupRow[]> {
    if (seriesIds.length === 0) return Promise.resolve([]);
    return query<RollupRow>(
      em,
      sql`select series_id::text as series_id, bucket, count::text as count, sum, min, max, p50, p90, p99
            ${sketches ? sql`, sketch` : sql``}
          from metric_rollups
          where tenant_id = ${tenantId} and series_id = any(${seriesIds}::bigint[]) and step = ${step}
            and bucket >= ${from} and bucket < ${to}
          order by bucket`,
    );
  },

  /** Each of these series' event count over [from, to). */
  countsOf(em: Em, tenantId: string, seriesIds: readonly string[], step: Step, from: Date, to: Date) {
    if (seriesIds.length === 0) return Promise.resolve([]);
    return query<{ series_id: string; n: string }>(
      em,
      sql`select series_id::text as series_id, sum(count)::text as n from metric_rollups
          where tenant_id = ${tenantId} and series_id = any(${seriesIds}::bigint[]) and step = ${step}
            and bucket >= ${from} and bucket < ${to}
          group by series_id`,
    );
  },

  /** The id of a metric's aggregate series (every tag set's points merged), if it has one. */
  async aggregateSeriesId(
    em: Em,
    tenantId: string,
    service: string,
    name: string,
  ): Promise<string | undefined> {
    const row = await queryOne<{ id: string }>(
      em,
      sql`select id::text as id from metric_series
          where tenant_id = ${tenantId} and service = ${service} and name = ${name} and series_hash = '*'`,
    );
    return row?.id;
  },
};
