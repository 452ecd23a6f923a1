import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withTx } from '../../db/tx.js';
import type { Clock } from '../../shared/clock.js';
import { rebuildHours } from './hour-rollup.js';
import type { MinuteAggregate, RollupAggregator } from './rollup-aggregator.js';
import { type NewSeries, type RollupWrite, rollupsStore } from './rollups.store.js';
import { ALL_TAGS_HASH, bucketOf, seriesHash } from './series.calc.js';
import {
  type Aggregate,
  decodeAggregate,
  emptyAggregate,
  encodeSketch,
  mergeInto,
  percentiles,
} from './sketch.calc.js';

/** Series-minutes written per transaction (each its own short transaction; rows locked in one order). */
const CHUNK = 2_000;

/** The cardinality policy: a warning once past `warnAt` tag sets per metric name, new tag sets refused past `limit`. */
export interface CardinalityLimits {
  warnAt: number;
  limit: number;
}

/** Tells a tenant's admins about a metric's cardinality (an outbox row, in the flush's transaction). */
export type CardinalityNotifier = (
  em: Em,
  notice: {
    tenantId: string;
    name: string;
    kind: 'warning' | 'limit';
    series: number;
    limits: CardinalityLimits;
  },
) => Promise<void>;

export interface RollupWriterDeps {
  orm: MikroORM;
  clock: Clock;
  aggregator: RollupAggregator;
  limits: CardinalityLimits;
  notify: CardinalityNotifier;
  /** Data points not stored, by reason (`cardinality_limit`). */
  dropped?: (reason: string, points: number) => void;
}

export interface FlushReport {
  minutes: number;
  dropped: number;
  newSeries: number;
}

const keyOf = (k: { tenantId: string; service: string; name: string; hash: string }) =>
  `${k.tenantId}\u0000${k.service}\u0000${k.name}\u0000${k.hash}`;
const nameKey = (tenantId: string, name: string) => `${tenantId}\u0000${name}`;

/**
 * Flushes the aggregator to `metric_rollups`: each series-minute merges into the stored row of the same series and
 * minute (another replica's partial minute, or an earlier flush's) under that row's lock, so any number of
 * replicas give exactly one aggregator's result. A failed flush puts its minutes back into the aggregator.
 */
export class RollupWriter {
  constructor(private readonly d: RollupWriterDeps) {}

  async flush(): Promise<FlushReport> {
    const minutes = this.d.aggregator
      .drain()
      .sort(
        (a, b) => a.tenantId.localeCompare(b.tenantId) || a.name.localeCompare(b.name) || a.bucket - b.bucket,
      );
    const report: FlushReport = { minutes: 0, dropped: 0, newSeries: 0 };
    for (let i = 0; i < minutes.length; i += CHUNK) {
      const chunk = minutes.slice(i, i + CHUNK);
      try {
        const r = await withTx(this.d.orm, 'system', (em) => this.write(em, chunk));
        report.minutes += r.minutes;
        report.dropped += r.dropped;
        report.newSeries += r.newSeries;
      } catch (err) {
        this.d.aggregator.restore(minutes.slice(i));
        throw err;
      }
    }
    if (report.dropped > 0) this.d.dropped?.('cardinality_limit', report.dropped);
    return report;
  }

  private async write(em: Em, minutes: readonly MinuteAggregate[]): Promise<FlushReport> {
    const now = this.d.clock.now();
    const { ids, created } = await this.resolveSeries(em, minutes, now);
    const stored = minutes.filter((m) => ids.has(keyOf({ ...m, hash: seriesHash(m.tags) })));
    const dropped = minutes.reduce((n, m) => n + m.points, 0) - stored.reduce((n, m) => n + m.points, 0);
    // Every stored tag set also feeds its metric's aggregate series, merged here per minute.
    const totals = new Map<string, MinuteAggregate>();
    for (const m of stored) {
      const k = `${keyOf({ ...m, hash: ALL_TAGS_HASH })}\u0000${m.bucket}`;
      let t = totals.get(k);
      if (!t) {
        t = {
          ...emptyAggregate(),
          tenantId: m.tenantId,
          service: m.service,
          name: m.name,
          tags: {},
          bucket: m.bucket,
          points: 0,
        };
        totals.set(k, t);
      }
      mergeInto(t, m);
    }
    const writes: (RollupWrite & { agg: Aggregate })[] = [];
    for (const [all, list] of [
      [false, stored],
      [true, [...totals.values()]],
    ] as const)
      for (const m of list) {
        const seriesId = ids.get(keyOf({ ...m, hash: all ? ALL_TAGS_HASH : seriesHash(m.tags) }));
        if (!seriesId) continue;
        writes.push({
          ...m,
          seriesId,
          allTags: all,
          bucket: new Date(m.bucket),
          agg: m,
          ...percentiles(m),
          sketch: new Uint8Array(),
        });
      }
    const existing = await rollupsStore.lockRollups(em, 'minute', writes);
    const byKey = new Map(existing.map((r) => [`${r.series_id}/${new Date(r.bucket).getTime()}`, r]));
    for (const w of writes) {
      const row = byKey.get(`${w.seriesId}/${w.bucket.getTime()}`);
      const merged = emptyAggregate();
      if (row && Number(row.count) > 0)
        mergeInto(
          merged,
          decodeAggregate(row.sketch, { count: Number(row.count), sum: row.sum, min: row.min, max: row.max }),
        );
      mergeInto(merged, w.agg);
      Object.assign(w, {
        count: merged.count,
        sum: merged.sum,
        min: merged.min,
        max: merged.max,
        ...percentiles(merged),
      });
      w.sketch = encodeSketch(merged);
    }
    await rollupsStore.updateRollups(em, 'minute', writes, now);
    await this.rebuildLateHours(em, writes);
    return { minutes: stored.length, dropped, newSeries: created };
  }

  /** Minutes of hours already built (a replica flushing late): those hours are built again for their series. */
  private async rebuildLateHours(em: Em, writes: readonly RollupWrite[]) {
    const done = await rollupsStore.hoursDoneUntil(em);
    if (!done) return;
    const late = new Map<number, Set<string>>();
    for (const w of writes)
      if (w.bucket < done) {
        const h = bucketOf(w.bucket, 'hour');
        late.set(h, (late.get(h) ?? new Set()).add(w.seriesId));
      }
    for (const [hour, series] of late)
      await rebuildHours(em, new Date(hour), [...series], this.d.clock.now());
  }

  /**
   * The series ids of these minutes' tag sets (and of their metrics' aggregate series), storing new ones while
   * their metric name stays under the hard limit; a tag set past it gets no id (its points are dropped). Sends
   * the warning and the limit notice once per metric name.
   */
  private async resolveSeries(
    em: Em,
    minutes: readonly MinuteAggregate[],
    at: Date,
  ): Promise<{ ids: Map<string, string>; created: number }> {
    const wanted = new Map<string, NewSeries>();
    for (const m of minutes) {
      const own: NewSeries = { ...m, hash: seriesHash(m.tags), tags: m.tags, allTags: false };
      const all: NewSeries = { ...m, hash: ALL_TAGS_HASH, tags: {}, allTags: true };
      wanted.set(keyOf(own), own);
      wanted.set(keyOf(all), all);
    }
    const ids = new Map<string, string>();
    const found = async (keys: readonly NewSeries[]) => {
      for (const s of await rollupsStore.findSeries(em, keys))
        ids.set(
          keyOf({ tenantId: s.tenant_id, service: s.service, name: s.name, hash: s.series_hash }),
          s.id,
        );
    };
    await found([...wanted.values()]);
    let missing = [...wanted.values()].filter((s) => !ids.has(keyOf(s)));
    if (missing.length === 0) return { ids, created: 0 };
    await rollupsStore.lockNames(em, missing);
    await found(missing); // another replica may have stored some while we waited for the lock
    missing = missing.filter((s) => !ids.has(keyOf(s)));
    const counts = new Map(
      (await rollupsStore.seriesCounts(em, missing)).map((c) => [nameKey(c.tenant_id, c.name), c.n]),
    );
    const accepted: NewSeries[] = missing.filter((s) => s.allTags);
    const refused = new Map<string, number>();
    const { limit, warnAt } = this.d.limits;
    for (const s of missing.filter((x) => !x.allTags).sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1))) {
      const k = nameKey(s.tenantId, s.name);
      const n = counts.get(k) ?? 0;
      if (n >= limit) refused.set(k, (refused.get(k) ?? 0) + 1);
      else accepted.push(s);
      counts.set(k, Math.min(limit, n + 1));
    }
    await rollupsStore.insertSeries(em, accepted, at);
    await found(accepted);
    for (const [k, n] of counts) {
      const [tenantId = '', name = ''] = k.split('\u0000');
      const notices: ('warning' | 'limit')[] = [];
      if (n > warnAt) notices.push('warning');
      if (refused.has(k)) notices.push('limit');
      for (const kind of notices)
        if (await rollupsStore.notice(em, tenantId, name, kind, n, at))
          await this.d.notify(em, { tenantId, name, kind, series: n, limits: this.d.limits });
    }
    return { ids, created: accepted.filter((s) => !s.allTags).length };
  }
}
