import type { Routed } from '../ingest.calc.js';
import { reject } from '../ingest.calc.js';
import type { Redactor } from '../redaction.calc.js';
import { USER_ID_ATTRIBUTES } from '../redaction.calc.js';
import type { MetricPoint } from '../telemetry.types.js';
import { arr, attributes, double, int64, isObj, nanosToDate, serviceOf } from './otlp-values.calc.js';

/** OTLP's AggregationTemporality: 1 delta, 2 cumulative (a number, or its name in JSON). */
function cumulative(v: unknown): boolean {
  return v === 2 || v === 'AGGREGATION_TEMPORALITY_CUMULATIVE';
}

type Totals = { count: number; sum: number; buckets: number[] } | { value: number };

/**
 * What each cumulative series (tenant, service, metric, tags, start time) last reported, so cumulative sums
 * and histograms become deltas. In memory and per process: after a restart (or on another replica) a series'
 * first report counts whole, as if it started then. Bounded: past `max` series the oldest are forgotten.
 */
export class CumulativeTracker {
  private readonly last = new Map<string, Totals>();
  constructor(private readonly max = 200_000) {}

  /** The delta since the series' last report (all of it for a new series or after a reset), remembering this one. */
  delta(key: string, now: Totals): { delta: Totals; first: boolean } {
    const prev = this.last.get(key);
    this.last.delete(key);
    this.last.set(key, now);
    if (this.last.size > this.max) {
      const oldest = this.last.keys().next().value;
      if (oldest !== undefined) this.last.delete(oldest);
    }
    if (!prev) return { delta: now, first: true };
    if ('value' in now && 'value' in prev) {
      return now.value >= prev.value
        ? { delta: { value: now.value - prev.value }, first: false }
        : { delta: now, first: true };
    }
    if (
      'count' in now &&
      'count' in prev &&
      now.count >= prev.count &&
      now.buckets.length === prev.buckets.length
    ) {
      return {
        delta: {
          count: now.count - prev.count,
          sum: now.sum - prev.sum,
          buckets: now.buckets.map((b, i) => b - (prev.buckets[i] ?? 0)),
        },
        first: false,
      };
    }
    return { delta: now, first: true };
  }
}

/** Data point attributes as tags: strings (others as JSON), redacted, user ids left out. */
function tagsOf(redactor: Redactor, list: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(attributes(list))) {
    if (USER_ID_ATTRIBUTES.includes(k) || v === null || v === undefined) continue;
    tags[k] = redactor.redact(typeof v === 'string' ? v : JSON.stringify(v));
  }
  return tags;
}

const seriesKey = (
  tenantId: string,
  service: string,
  name: string,
  tags: Record<string, string>,
  start: unknown,
) =>
  `${tenantId}\u0000${service}\u0000${name}\u0000${JSON.stringify(Object.entries(tags).sort())}\u0000${String(start ?? '')}`;

/** An exponential histogram's buckets as explicit bounds (negatives, the zero bucket, positives, +∞). */
export function exponentialToExplicit(
  dp: Record<string, unknown>,
): { bounds: number[]; bucketCounts: number[] } | null {
  const scale = int64(dp.scale) ?? 0;
  const base = 2 ** (2 ** -scale);
  const side = (v: unknown) => {
    const o = isObj(v) ? v : {};
    return { offset: int64(o.offset) ?? 0, counts: arr(o.bucketCounts).map((c) => int64(c) ?? Number.NaN) };
  };
  const neg = side(dp.negative);
  const pos = side(dp.positive);
  if ([...neg.counts, ...pos.counts].some((c) => !Number.isFinite(c) || c < 0)) return null;
  const bounds: number[] = [];
  const bucketCounts: number[] = [];
  for (let i = neg.counts.length - 1; i >= 0; i--) {
    bucketCounts.push(neg.counts[i] ?? 0);
    bounds.push(-(base ** (neg.offset + i)));
  }
  bucketCounts.push(int64(dp.zeroCount) ?? 0);
  bounds.push(pos.counts.length > 0 ? base ** pos.offset : 0);
  pos.counts.forEach((c, i) => {
    bucketCounts.push(c);
    bounds.push(base ** (pos.offset + i + 1));
  });
  bucketCounts.push(0);
  return { bounds, bucketCounts };
}

export interface MetricsContext {
  tenantId: string;
  now: Date;
  redactor: Redactor;
  tracker: CumulativeTracker;
}

/** Routes an OTLP metrics export: every data point to the sink (cumulative ones as deltas). */
export function routeMetrics(ctx: MetricsContext, request: unknown, out: Routed): Routed {
  const root = isObj(request) ? request : {};
  for (const rm of arr(root.resourceMetrics)) {
    if (!isObj(rm)) continue;
    const service = serviceOf(rm.resource);
    for (const sm of arr(rm.scopeMetrics)) {
      if (!isObj(sm)) continue;
      for (const m of arr(sm.metrics)) {
        if (!isObj(m) || typeof m.name !== 'string' || !m.name) {
          reject(out, 'metrics without a name');
          continue;
        }
        metric(ctx, service, m.name.slice(0, 200), m, out);
      }
    }
  }
  return out;
}

function metric(
  ctx: MetricsContext,
  service: string,
  name: string,
  m: Record<string, unknown>,
  out: Routed,
): void {
  const base = (dp: Record<string, unknown>) => {
    const tags = tagsOf(ctx.redactor, dp.attributes);
    return { tenantId: ctx.tenantId, service, name, tags, at: nanosToDate(dp.timeUnixNano) ?? ctx.now };
  };
  const numberValue = (dp: Record<string, unknown>) =>
    'asInt' in dp ? int64(dp.asInt) : double(dp.asDouble);
  if (isObj(m.gauge) || isObj(m.sum)) {
    const data = (isObj(m.gauge) ? m.gauge : m.sum) as Record<string, unknown>;
    const asDelta = isObj(m.sum) && cumulative(data.aggregationTemporality) && data.isMonotonic === true;
    for (const dp of arr(data.dataPoints)) {
      const value = isObj(dp) ? numberValue(dp) : undefined;
      if (!isObj(dp) || value === undefined) {
        reject(out, 'data points without a finite value');
        continue;
      }
      const b = base(dp);
      let v = value;
      if (asDelta) {
        const d = ctx.tracker.delta(seriesKey(ctx.tenantId, service, name, b.tags, dp.startTimeUnixNano), {
          value,
        });
        v = 'value' in d.delta ? d.delta.value : value;
      }
      out.points.push({ ...b, kind: 'value', value: v });
      out.accepted++;
    }
    return;
  }
  const hist = isObj(m.histogram)
    ? m.histogram
    : isObj(m.exponentialHistogram)
      ? m.exponentialHistogram
      : null;
  if (!hist) {
    const n = isObj(m.summary) ? arr(m.summary.dataPoints).length : 0;
    reject(out, 'data points of summaries or unknown metric types (not supported)', Math.max(1, n));
    return;
  }
  const exponential = hist === m.exponentialHistogram;
  for (const dp of arr(hist.dataPoints)) {
    const shape = !isObj(dp)
      ? null
      : exponential
        ? exponentialToExplicit(dp)
        : {
            bounds: arr(dp.explicitBounds).map((x) => double(x) ?? Number.NaN),
            bucketCounts: arr(dp.bucketCounts).map((c) => int64(c) ?? Number.NaN),
          };
    const count = isObj(dp) ? int64(dp.count) : undefined;
    const sum = isObj(dp) && dp.sum !== undefined ? double(dp.sum) : 0;
    if (!isObj(dp) || !shape || count === undefined || sum === undefined || !validShape(shape, count)) {
      reject(out, 'histogram data points with inconsistent buckets');
      continue;
    }
    const b = base(dp);
    let totals = { count, sum, buckets: shape.bucketCounts.length ? shape.bucketCounts : [count] };
    let first = true;
    if (cumulative(hist.aggregationTemporality)) {
      const d = ctx.tracker.delta(
        seriesKey(ctx.tenantId, service, name, b.tags, dp.startTimeUnixNano),
        totals,
      );
      if ('count' in d.delta) totals = d.delta;
      first = d.first;
    }
    const min = first ? double(dp.min) : undefined;
    const max = first ? double(dp.max) : undefined;
    out.points.push({
      ...b,
      kind: 'histogram',
      count: totals.count,
      sum: totals.sum,
      ...(min !== undefined ? { min } : {}),
      ...(max !== undefined ? { max } : {}),
      bounds: shape.bucketCounts.length ? shape.bounds : [],
      bucketCounts: totals.buckets,
    });
    out.accepted++;
  }
}

function validShape(s: { bounds: number[]; bucketCounts: number[] }, count: number): boolean {
  if (s.bucketCounts.length === 0) return s.bounds.length === 0 && count >= 0;
  if (s.bucketCounts.length !== s.bounds.length + 1) return false;
  if (s.bounds.some((b) => !Number.isFinite(b)) || s.bucketCounts.some((c) => !Number.isFinite(c) || c < 0))
    return false;
  return s.bucketCounts.reduce((a, c) => a + c, 0) === count;
}
