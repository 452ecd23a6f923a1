import { DDSketch } from '@datadog/sketches-js';

/** The sketches' relative accuracy: every percentile read off one is within 1 % of a value of that rank. */
export const RELATIVE_ACCURACY = 0.01;

/** count, sum, min and max kept exactly, beside the sketch the percentiles come from. */
export interface Summary {
  count: number;
  sum: number;
  min: number;
  max: number;
}

export interface Percentiles {
  p50: number;
  p90: number;
  p99: number;
}

/** A series' aggregate over a bucket: the exact summary and the DDSketch. */
export interface Aggregate extends Summary {
  sketch: DDSketch;
}

export const emptyAggregate = (): Aggregate => ({
  count: 0,
  sum: 0,
  min: Number.POSITIVE_INFINITY,
  max: Number.NEGATIVE_INFINITY,
  sketch: new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY }),
});

/** Adds `weight` observations of `value`. */
export function observe(a: Aggregate, value: number, weight = 1): void {
  if (!Number.isFinite(value) || !(weight > 0)) return;
  a.sketch.accept(value, weight);
  a.count += weight;
  a.sum += value * weight;
  if (value < a.min) a.min = value;
  if (value > a.max) a.max = value;
}

/**
 * Merges `b` into `a`, exactly: sketches add bin by bin. (The library's own merge leaves out the negative
 * values' store; it is merged here.)
 */
export function mergeInto(a: Aggregate, b: Aggregate): void {
  if (b.count === 0) return;
  if (a.sketch.count > 0 && b.sketch.count > 0) a.sketch.negativeStore.merge(b.sketch.negativeStore);
  a.sketch.merge(b.sketch);
  a.count += b.count;
  a.sum += b.sum;
  if (b.min < a.min) a.min = b.min;
  if (b.max > a.max) a.max = b.max;
}

/**
 * p50, p90 and p99, each clamped to the exact min and max (the true quantile lies between them; clamping only
 * brings the estimate closer). Zeros for an empty aggregate.
 */
export function percentiles(a: Aggregate): Percentiles {
  if (a.count === 0 || a.sketch.count === 0) return { p50: 0, p90: 0, p99: 0 };
  const at = (q: number) => Math.min(a.max, Math.max(a.min, a.sketch.getValueAtQuantile(q)));
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99) };
}

/** The sketch as its protobuf bytes (what `metric_rollups.sketch` holds). */
export const encodeSketch = (a: Aggregate): Uint8Array => a.sketch.toProto();

/** An aggregate back from a stored row: the sketch from its bytes, the exact summary from the row's columns. */
export function decodeAggregate(bytes: Uint8Array, s: Summary): Aggregate {
  const sketch =
    bytes.length > 0 ? DDSketch.fromProto(bytes) : new DDSketch({ relativeAccuracy: RELATIVE_ACCURACY });
  sketch.sum = s.sum;
  sketch.min = s.min;
  sketch.max = s.max;
  return { count: s.count, sum: s.sum, min: s.min, max: s.max, sketch };
}

/**
 * Adds an explicit-bucket histogram point: each bucket's count at the bucket's midpoint (the open first and last
 * buckets end at the point's min and max when it has them, else at their one bound), clamped to the point's min
 * and max; count and sum are the point's own, min and max the point's when given (else the outermost non-empty
 * buckets' representatives).
 */
export function observeHistogram(
  a: Aggregate,
  h: {
    count: number;
    sum: number;
    min?: number;
    max?: number;
    bounds: readonly number[];
    bucketCounts: readonly number[];
  },
): void {
  if (!(h.count > 0)) return;
  const { bounds, bucketCounts } = h;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < bucketCounts.length; i++) {
    const n = bucketCounts[i] ?? 0;
    if (!(n > 0)) continue;
    const v = representative(bounds, i, h.min, h.max);
    if (!Number.isFinite(v)) continue;
    a.sketch.accept(v, n);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const min = h.min ?? lo;
  const max = h.max ?? hi;
  a.count += h.count;
  a.sum += h.sum;
  if (Number.isFinite(min) && min < a.min) a.min = min;
  if (Number.isFinite(max) && max > a.max) a.max = max;
}

function representative(bounds: readonly number[], i: number, min?: number, max?: number): number {
  const lower = i === 0 ? (min ?? bounds[0]) : bounds[i - 1];
  const upper = i >= bounds.length ? (max ?? bounds[bounds.length - 1]) : bounds[i];
  let v: number;
  if (lower === undefined && upper === undefined) v = min ?? max ?? Number.NaN;
  else if (lower === undefined) v = upper as number;
  else if (upper === undefined) v = lower;
  else v = (lower + upper) / 2;
  if (min !== undefined && v < min) v = min;
  if (max !== undefined && v > max) v = max;
  return v;
}
