import { command, type Em, query, queryOne, sql } from '../../db/sql.js';
import type { RollupRow, RollupWrite } from './rollups.store.js';
import type { Step } from './series.calc.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** The rollups' upkeep (hour rollup, janitor): cross-tenant statements, run in the system scope. */
export const rollupsUpkeepStore = {
  /** Inserts or replaces rows (the hour rollup: an hour is always rebuilt whole from its minutes). */
  async putRollups(em: Em, step: Step, rows: readonly RollupWrite[], at: Date): Promise<void> {
    if (rows.length === 0) return;
    await command(
      em,
      sql`insert into metric_rollups (series_id, step, bucket, tenant_id, service, name, tags, all_tags, count, sum,
            min, max, p50, p90, p99, sketch, updated_at)
          select id, ${step}, b, t, sv, n, tg::jsonb, a, c, s, mn, mx, q50, q90, q99, decode(sk, 'hex'), ${at}
          from unnest(${rows.map((r) => r.seriesId)}::bigint[], ${rows.map((r) => r.bucket)}::timestamptz[],
            ${rows.map((r) => r.tenantId)}::uuid[], ${rows.map((r) => r.service)}::text[],
            ${rows.map((r) => r.name)}::text[], ${rows.map((r) => JSON.stringify(r.tags))}::text[],
            ${rows.map((r) => r.allTags)}::boolean[], ${rows.map((r) => r.count)}::bigint[],
            ${rows.map((r) => r.sum)}::float8[], ${rows.map((r) => r.min)}::float8[],
            ${rows.map((r) => r.max)}::float8[], ${rows.map((r) => r.p50)}::float8[],
            ${rows.map((r) => r.p90)}::float8[], ${rows.map((r) => r.p99)}::float8[],
            ${rows.map((r) => hex(r.sketch))}::text[])
            as x(id, b, t, sv, n, tg, a, c, s, mn, mx, q50, q90, q99, sk)
          on conflict (series_id, step, bucket) do update set count = excluded.count, sum = excluded.sum,
            min = excluded.min, max = excluded.max, p50 = excluded.p50, p90 = excluded.p90, p99 = excluded.p99,
            sketch = excluded.sketch, updated_at = excluded.updated_at`,
    );
  },

  /** The hours before this instant are built from their minutes (null: none yet). */
  async hoursDoneUntil(em: Em): Promise<Date | null> {
    const row = await queryOne<{ at: string }>(
      em,
      sql`select hours_done_until as at from metric_rollup_progress where id = 1`,
    );
    return row ? new Date(row.at) : null;
  },

  async setHoursDoneUntil(em: Em, at: Date): Promise<void> {
    await command(
      em,
      sql`insert into metric_rollup_progress (id, hours_done_until) values (1, ${at})
          on conflict (id) do update set hours_done_until = excluded.hours_done_until`,
    );
  },

  /** The oldest minute stored (where the hour rollup starts when it has never run). */
  async earliestMinute(em: Em): Promise<Date | null> {
    const row = await queryOne<{ at: string | null }>(
      em,
      sql`select min(bucket) as at from metric_rollups where step = 'minute'`,
    );
    return row?.at ? new Date(row.at) : null;
  },

  /** Takes a transaction-scoped advisory lock; false when another replica holds it. */
  async tryLock(em: Em, key: number): Promise<boolean> {
    const row = await queryOne<{ locked: boolean }>(
      em,
      sql`select pg_try_advisory_xact_lock(${key}) as locked`,
    );
    return row?.locked === true;
  },

  /** The series with minutes in [from, to) (any tenant), in id order. */
  seriesWithMinutes(em: Em, from: Date, to: Date) {
    return query<{ id: string }>(
      em,
      sql`select distinct series_id::text as id from metric_rollups
          where step = 'minute' and bucket >= ${from} and bucket < ${to} order by 1`,
    );
  },

  /** These series' minutes in [from, to) with sketches and identity (any tenant), for building their hour. */
  minutesOf(em: Em, seriesIds: readonly string[], from: Date, to: Date) {
    return query<
      RollupRow & {
        sketch: Buffer;
        tenant_id: string;
        service: string;
        name: string;
        tags: Record<string, string>;
        all_tags: boolean;
      }
    >(
      em,
      sql`select series_id::text as series_id, bucket, count::text as count, sum, min, max, p50, p90, p99, sketch,
            tenant_id, service, name, tags, all_tags
          from metric_rollups
          where series_id = any(${seriesIds}::bigint[]) and step = 'minute' and bucket >= ${from} and bucket < ${to}
            and count > 0`,
    );
  },

  /**
   * Deletes at most `limit` rows of `step` older than `before` (any tenant); how many went. Rows another
   * replica's batch holds are skipped, so replicas share the work and no batch waits.
   */
  async purgeBatch(em: Em, step: Step, before: Date, limit: number): Promise<number> {
    const rows = await query<{ n: number }>(
      em,
      sql`with gone as (delete from metric_rollups where ctid in (
            select ctid from metric_rollups where step = ${step} and bucket < ${before}
            limit ${limit} for update skip locked) returning 1)
          select count(*)::int as n from gone`,
    );
    return rows[0]?.n ?? 0;
  },

  /** Deletes at most `limit` series created before `before` that have no rows left; how many went. */
  async purgeSeries(em: Em, before: Date, limit: number): Promise<number> {
    const rows = await query<{ n: number }>(
      em,
      sql`with gone as (delete from metric_series where ctid in (
            select s.ctid from metric_series s where s.created_at < ${before}
              and not exists (select 1 from metric_rollups r where r.series_id = s.id)
            limit ${limit} for update skip locked) returning 1)
          select count(*)::int as n from gone`,
    );
    return rows[0]?.n ?? 0;
  },
};
