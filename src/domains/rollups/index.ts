/**
 * Silver: metric rollups (issue 15).
 *
 * Writing: `RollupAggregator` is the `MetricSink` ingestion adds points to (in memory, per tenant, service, metric,
 * tag set and minute: exact count/sum/min/max and a DDSketch of 1 % relative accuracy); the writer flushes it to
 * `metric_rollups` every 60 s and on shutdown, merging into the row another replica may have written for the same
 * minute under that row's lock (sketches merge exactly). Hours are built from their 60 minutes by an engine
 * module; the janitor purges by retention. Every series also feeds its metric's aggregate series (all tag sets
 * merged), which answers queries without tag filters from one row per bucket.
 *
 * Reading (`RollupsService`, all exact merges of sketches, never averages of percentiles):
 * - `series(tenantId, { service, name, tags?, from, to, step })` → `RollupPoint[]` (bucket, count, sum, min, max,
 *   p50, p90, p99) over [from, to), every tag set holding all of `tags` merged per bucket; buckets with no data
 *   are left out; `step: 'hour'` has the hours built so far (an hour is built ~3 minutes after it ends).
 * - `totals(tenantId, { service, name, tags?, from, to })` → `RollupTotals` over [from, to): hours already built
 *   come from hour rows, the rest (partial hours, recent minutes) from minute rows, so any range is exact.
 * - `counts(tenantId, { service, name, from, to, tagFilter })` → `{ total, matching }` event counts, where
 *   `tagFilter` is `{ key, op: 'eq' | 'gte' | 'prefix', value }`, a list of them (any of), or a predicate on
 *   the tag set. For an SLA's ERROR_RATE: `counts(t, { service, name: 'http.server.duration', from, to,
 *   tagFilter: [{ key: 'status', op: 'gte', value: 500 }, { key: 'error', op: 'eq', value: 'true' }] })` gives
 *   total and error events; `totals(...).p99` gives LATENCY_P99. `countWhere` is `counts(...).matching`.
 */
export { cardinalityNotifier } from './cardinality-notice.js';
export { HOUR_GRACE_MS } from './hour-rollup.js';
export { type MinuteAggregate, RollupAggregator } from './rollup-aggregator.js';
export { type CardinalityLimits, type FlushReport, RollupWriter } from './rollup-writer.js';
export { RollupsService, type RollupsWork } from './rollups.service.js';
export * from './rollups.types.js';
export {
  type BronzePurge,
  DEFAULT_RETENTION,
  type JanitorReport,
  PURGE_BATCH,
  type RetentionPolicy,
  RollupsJanitor,
} from './rollups-janitor.js';
export { segmentsOf } from './rollups-read.calc.js';
export { matches, type Step, type TagCondition, type TagFilter } from './series.calc.js';
export { RELATIVE_ACCURACY } from './sketch.calc.js';
