import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withEm } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import { type Clock, systemClock } from '../../shared/clock.js';
import { DAY_MS } from '../../shared/durations.js';
import { AppError, parseInput } from '../../shared/errors.js';
import { rollHours } from './hour-rollup.js';
import type { RollupAggregator } from './rollup-aggregator.js';
import type { FlushReport, RollupWriter } from './rollup-writer.js';
import { type RollupRow, rollupsStore } from './rollups.store.js';
import {
  type CountQuery,
  type EventCounts,
  MAX_BUCKETS,
  type RollupPoint,
  type RollupsDto,
  type RollupTotals,
  rollupsQuerySchema,
  type SeriesQuery,
  type TotalsQuery,
} from './rollups.types.js';
import type { JanitorReport, RollupsJanitor } from './rollups-janitor.js';
import { segmentsOf } from './rollups-read.calc.js';
import { rollupsUpkeepStore } from './rollups-upkeep.store.js';
import { matches, STEP_MS } from './series.calc.js';
import { type Aggregate, decodeAggregate, emptyAggregate, mergeInto, percentiles } from './sketch.calc.js';

/** The writing side: the aggregator, its writer and the janitor. */
export interface RollupsWork {
  aggregator: RollupAggregator;
  writer: RollupWriter;
  janitor: RollupsJanitor;
}

const summaryOf = (r: RollupRow) => ({ count: Number(r.count), sum: r.sum, min: r.min, max: r.max });
const aggregateOf = (r: RollupRow): Aggregate =>
  Number(r.count) === 0 || !r.sketch ? emptyAggregate() : decodeAggregate(r.sketch, summaryOf(r));
const pointOf = (bucket: Date, a: Aggregate): RollupPoint => ({
  bucket,
  count: a.count,
  sum: a.sum,
  min: a.count ? a.min : 0,
  max: a.count ? a.max : 0,
  ...percentiles(a),
});
const stored = (r: RollupRow): RollupPoint => ({
  bucket: new Date(r.bucket),
  ...summaryOf(r),
  p50: r.p50,
  p90: r.p90,
  p99: r.p99,
});

/**
 * Reads Silver: a metric's buckets and totals, percentiles always from merged sketches (never averaged).
 * `series`/`totals`/`counts` take a tenant id (for other domains, e.g. SLA); `list` is the REST read (an actor
 * with `telemetry:read`).
 */

export class RollupsService {
  constructor(
    private readonly orm: MikroORM,
    private readonly work: RollupsWork | null = null,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The in-memory aggregator ingestion adds metric points to (the telemetry domain's MetricSink). */
  get sink(): RollupAggregator | null {
    return this.work?.aggregator ?? null;
  }

  /** Writes what the aggregator gathered to `metric_rollups` (every 60 s and at shutdown, in HTTP processes). */
  flush(): Promise<FlushReport> {
    return this.need().writer.flush();
  }

  /** Builds the completed hours (the engine's `rollup-hours` module). */
  rollHours(now: Date): Promise<{ hours: number; rows: number }> {
    return rollHours(this.orm, now);
  }

  /** Purges Silver and Bronze by the retention policy (the engine's `telemetry-janitor` module). */
  purge(now: Date): Promise<JanitorReport> {
    return this.need().janitor.run(now);
  }

  private need(): RollupsWork {
    if (!this.work) throw new Error('RollupsService was built for reading only');
    return this.work;
  }

  /** A metric's buckets over [from, to) at `step`, every matching tag set merged per bucket (empty buckets left out). */
  series(tenantId: string, q: SeriesQuery): Promise<RollupPoint[]> {
    return withEm(this.orm, { tenantId }, async (em) => {
      if (!q.tags || Object.keys(q.tags).length === 0)
        return (await rollupsStore.aggregateRows(em, tenantId, q.service, q.name, q.step, q.from, q.to)).map(
          stored,
        );
      const ids = (await rollupsStore.seriesOf(em, tenantId, q.service, q.name, q.tags)).map((s) => s.id);
      const one = ids.length === 1;
      const rows = await rollupsStore.rowsOf(em, tenantId, ids, q.step, q.from, q.to, !one);
      if (one) return rows.map(stored);
      const byBucket = new Map<number, Aggregate>();
      for (const r of rows) {
        const at = new Date(r.bucket).getTime();
        const a = byBucket.get(at);
        if (a) mergeInto(a, aggregateOf(r));
        else byBucket.set(at, aggregateOf(r));
      }
      return [...byBucket.entries()].sort(([a], [b]) => a - b).map(([at, a]) => pointOf(new Date(at), a));
    });
  }

  /** A metric's totals over [from, to): built hours from hour rows, the rest from minutes; one merged sketch. */
  totals(tenantId: string, q: TotalsQuery): Promise<RollupTotals> {
    return withEm(this.orm, { tenantId }, async (em) => {
      const total = emptyAggregate();
      const tagged = q.tags && Object.keys(q.tags).length > 0;
      const ids = tagged
        ? (await rollupsStore.seriesOf(em, tenantId, q.service, q.name, q.tags)).map((s) => s.id)
        : [];
      if (tagged && ids.length === 0) return this.strip(pointOf(q.from, total));
      for (const seg of await this.segments(em, q.from, q.to)) {
        const rows = tagged
          ? await rollupsStore.rowsOf(em, tenantId, ids, seg.step, seg.from, seg.to, true)
          : await this.aggregateWithSketches(em, tenantId, q.service, q.name, seg);
        for (const r of rows) mergeInto(total, aggregateOf(r));
      }
      return this.strip(pointOf(q.from, total));
    });
  }

  /**
   * A metric's events over [from, to) (exact counts, built hours from hour rows, the rest from minutes): all of
   * them, and those of the tag sets `tagFilter` picks — e.g. SLA's error events of `http.server.duration`:
   * `[{ key: 'status', op: 'gte', value: 500 }, { key: 'error', op: 'eq', value: 'true' }]`.
   */
  counts(tenantId: string, q: CountQuery): Promise<EventCounts> {
    return withEm(this.orm, { tenantId }, async (em) => {
      const series = await rollupsStore.seriesOf(em, tenantId, q.service, q.name);
      const picked = new Set(series.filter((s) => matches(q.tagFilter, s.tags)).map((s) => s.id));
      const ids = series.map((s) => s.id);
      let total = 0;
      let matching = 0;
      for (const seg of await this.segments(em, q.from, q.to))
        for (const r of await rollupsStore.countsOf(em, tenantId, ids, seg.step, seg.from, seg.to)) {
          total += Number(r.n);
          if (picked.has(r.series_id)) matching += Number(r.n);
        }
      return { total, matching };
    });
  }

  /** The events of the tag sets `tagFilter` picks over [from, to). */
  async countWhere(tenantId: string, q: CountQuery): Promise<number> {
    return (await this.counts(tenantId, q)).matching;
  }

  /** `GET /api/v1/services/{name}/rollups`: the query's buckets, tag filters as `tag.<key>=<value>`. */
  async list(actor: Actor, service: string, input: Record<string, string>): Promise<RollupsDto> {
    authorize(actor, 'telemetry:read');
    const q = parseInput(rollupsQuerySchema, input, 'The rollup query is not valid.');
    const to = q.to ? new Date(q.to) : this.clock.now();
    const from = q.from ? new Date(q.from) : new Date(to.getTime() - DAY_MS);
    if (to <= from)
      throw AppError.validation('to must be after from.', [
        { field: 'to', message: 'to must be after from.' },
      ]);
    if ((to.getTime() - from.getTime()) / STEP_MS[q.step] > MAX_BUCKETS)
      throw AppError.validation(
        `That range holds more than ${MAX_BUCKETS} ${q.step}s: ask for a shorter one or step=hour.`,
        [{ field: 'to', message: `at most ${MAX_BUCKETS} buckets` }],
      );
    const tags = Object.fromEntries(
      Object.entries(input)
        .filter(([k]) => k.startsWith('tag.') && k.length > 4)
        .map(([k, v]) => [k.slice(4), v]),
    );
    const points = await this.series(actor.tenantId, {
      service,
      name: q.metric,
      tags,
      from,
      to,
      step: q.step,
    });
    return {
      service,
      metric: q.metric,
      step: q.step,
      from: from.toISOString(),
      to: to.toISOString(),
      tags,
      points: points.map((p) => ({ ...p, bucket: p.bucket.toISOString() })),
    };
  }

  private async segments(em: Em, from: Date, to: Date) {
    return segmentsOf(from, to, await rollupsUpkeepStore.hoursDoneUntil(em));
  }

  private async aggregateWithSketches(
    em: Em,
    tenantId: string,
    service: string,
    name: string,
    seg: { step: 'minute' | 'hour'; from: Date; to: Date },
  ) {
    const ids = await rollupsStore.aggregateSeriesId(em, tenantId, service, name);
    return ids ? rollupsStore.rowsOf(em, tenantId, [ids], seg.step, seg.from, seg.to, true) : [];
  }

  private strip(p: RollupPoint): RollupTotals {
    const { bucket: _bucket, ...rest } = p;
    return rest;
  }
}
