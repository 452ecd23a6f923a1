import { describe, expect, it } from '@jest/globals';
import type { MetricPoint } from '../telemetry/index.js';
import { RollupAggregator } from './rollup-aggregator.js';
import { bucketOf } from './series.calc.js';
import { emptyAggregate, mergeInto, percentiles, RELATIVE_ACCURACY } from './sketch.calc.js';

/** A seeded generator (mulberry32), so every run sees the same data. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = Date.parse('2026-03-02T09:00:00Z');
const base = { tenantId: 't1', service: 'checkout', name: 'http.server.duration', tags: { route: '/pay' } };
/** Latencies in ms, log-normal-ish: mostly 20–80 ms with a long tail. */
function latencies(n: number, seed: number): number[] {
  const r = random(seed);
  return Array.from(
    { length: n },
    () => Math.round(Math.exp(3.5 + r() * 1.2 + (r() < 0.02 ? 2 : 0)) * 1000) / 1000,
  );
}
const points = (values: readonly number[], at: (i: number) => number): MetricPoint[] =>
  values.map((value, i) => ({ ...base, kind: 'value', value, at: new Date(at(i)) }));

/** The sketch's promise: the estimate is within 1 % of a value whose rank is q·(n−1) (between the two neighbours). */
function expectWithinSketchError(estimate: number, values: readonly number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const lo = sorted[Math.floor(rank)] as number;
  const hi = sorted[Math.ceil(rank)] as number;
  expect(estimate).toBeGreaterThanOrEqual(lo * (1 - RELATIVE_ACCURACY));
  expect(estimate).toBeLessThanOrEqual(hi * (1 + RELATIVE_ACCURACY));
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

describe('RollupAggregator', () => {
  it('keeps count, sum, min and max exactly per series and minute, percentiles within the sketch error', () => {
    const values = latencies(5_000, 1);
    const agg = new RollupAggregator();
    agg.add(points(values, (i) => T0 + (i % 60) * 1000)); // all in the 09:00 minute
    const [m, ...rest] = agg.drain();
    expect(rest).toEqual([]);
    if (!m) throw new Error('no minute');
    expect(m.bucket).toBe(T0);
    expect(m.count).toBe(5_000);
    expect(m.sum).toBeCloseTo(sum(values), 6);
    expect(m.min).toBe(Math.min(...values));
    expect(m.max).toBe(Math.max(...values));
    expect(m.points).toBe(5_000);
    const p = percentiles(m);
    expectWithinSketchError(p.p50, values, 0.5);
    expectWithinSketchError(p.p90, values, 0.9);
    expectWithinSketchError(p.p99, values, 0.99);
    expect(agg.drain()).toEqual([]);
  });

  it('keeps tag sets and minutes apart, whatever the order of tags', () => {
    const agg = new RollupAggregator();
    agg.add([
      { ...base, tags: { a: '1', b: '2' }, kind: 'value', value: 1, at: new Date(T0) },
      { ...base, tags: { b: '2', a: '1' }, kind: 'value', value: 3, at: new Date(T0 + 59_999) },
      { ...base, tags: { a: '1', b: '2' }, kind: 'value', value: 5, at: new Date(T0 + 60_000) },
      { ...base, tags: { a: '1' }, kind: 'value', value: 7, count: 3, at: new Date(T0) },
    ]);
    const out = agg
      .drain()
      .map((m) => ({ tags: m.tags, bucket: m.bucket - T0, count: m.count, sum: m.sum }))
      .sort((a, b) => a.bucket - b.bucket || a.count - b.count);
    expect(out).toEqual([
      { tags: { a: '1', b: '2' }, bucket: 0, count: 2, sum: 4 },
      { tags: { a: '1' }, bucket: 0, count: 3, sum: 21 },
      { tags: { a: '1', b: '2' }, bucket: 60_000, count: 1, sum: 5 },
    ]);
  });

  it("merges two replicas' partial minutes into exactly one aggregator's result", () => {
    const values = latencies(4_000, 2);
    const at = (i: number) => T0 + (i % 60) * 1000;
    const single = new RollupAggregator();
    single.add(points(values, at));
    const a = new RollupAggregator();
    const b = new RollupAggregator();
    a.add(points(values.slice(0, 1_500), at));
    b.add(points(values.slice(1_500), (i) => at(i + 1_500)));
    const [s] = single.drain();
    const merged = emptyAggregate();
    for (const m of [...a.drain(), ...b.drain()]) mergeInto(merged, m);
    if (!s) throw new Error('no minute');
    expect(merged.count).toBe(s.count);
    expect(merged.sum).toBeCloseTo(s.sum, 6);
    expect([merged.min, merged.max]).toEqual([s.min, s.max]);
    expect(percentiles(merged)).toEqual(percentiles(s));
    expect(Buffer.from(merged.sketch.toProto())).toEqual(Buffer.from(s.sketch.toProto()));
  });

  it('an hour merged from its 60 minutes equals aggregating the hour directly', () => {
    const values = latencies(6_000, 3);
    const at = (i: number) => T0 + i * 600; // 6,000 points over the hour
    const minutes = new RollupAggregator();
    minutes.add(points(values, at));
    const drained = minutes.drain();
    expect(drained).toHaveLength(60);
    const hour = emptyAggregate();
    for (const m of drained) mergeInto(hour, m);
    const direct = emptyAggregate();
    for (const v of values) {
      direct.sketch.accept(v);
      direct.count++;
      direct.sum += v;
      direct.min = Math.min(direct.min, v);
      direct.max = Math.max(direct.max, v);
    }
    expect(hour.count).toBe(direct.count);
    expect(hour.sum).toBeCloseTo(direct.sum, 6);
    expect([hour.min, hour.max]).toEqual([direct.min, direct.max]);
    expect(percentiles(hour)).toEqual(percentiles(direct));
    expectWithinSketchError(percentiles(hour).p99, values, 0.99);
    expect(bucketOf(drained[59]?.bucket ?? 0, 'hour')).toBe(T0);
  });

  it('adds histogram points: count, sum, min, max exact; buckets at their midpoints', () => {
    const agg = new RollupAggregator();
    agg.add([
      {
        ...base,
        kind: 'histogram',
        count: 10,
        sum: 420,
        min: 3,
        max: 190,
        bounds: [10, 50, 100],
        bucketCounts: [2, 5, 2, 1],
        at: new Date(T0),
      },
      { ...base, kind: 'histogram', count: 0, sum: 0, bounds: [10], bucketCounts: [0, 0], at: new Date(T0) },
    ]);
    const [m] = agg.drain();
    if (!m) throw new Error('no minute');
    expect([m.count, m.sum, m.min, m.max, m.points]).toEqual([10, 420, 3, 190, 2]);
    // Ranks: 2 at 6.5 (3–10), 5 at 30 (10–50), 2 at 75 (50–100), 1 at 145 (100–190).
    const p = percentiles(m);
    expect(p.p50).toBeGreaterThanOrEqual(30 * 0.99);
    expect(p.p50).toBeLessThanOrEqual(30 * 1.01);
    // p99 is the value of rank 0.99 × 9 = 8.91: the ninth of ten, in the 50–100 bucket.
    expect(p.p99).toBeGreaterThanOrEqual(75 * 0.99);
    expect(p.p99).toBeLessThanOrEqual(75 * 1.01);
  });

  it('merges negative values too, and puts back what a failed flush did not store', () => {
    const agg = new RollupAggregator();
    agg.add(points([-5, -1, 0, 2], () => T0));
    const first = agg.drain();
    agg.add(points([-10, 4], () => T0));
    agg.restore(first);
    const [m] = agg.drain();
    if (!m) throw new Error('no minute');
    expect([m.count, m.sum, m.min, m.max, m.points]).toEqual([6, -10, -10, 4, 6]);
    const p = percentiles(m);
    expect(p.p50).toBeGreaterThanOrEqual(-1.01);
    expect(p.p50).toBeLessThanOrEqual(0);
  });
});
