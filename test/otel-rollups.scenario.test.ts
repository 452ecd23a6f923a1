/**
 * Silver from the real OpenTelemetry JS SDK: a service's histogram goes over OTLP/HTTP (protobuf with gzip, and
 * JSON) to a running OpsWatch; after the flush, the rollups say exactly the count, sum, min and max it sent, and
 * percentiles within the sketch's 1 % of the bucket the SDK put the true value in (an explicit-bucket histogram
 * carries values only as far as their bucket).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  AggregationTemporalityPreference,
  OTLPMetricExporter as JsonMetricExporter,
} from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { RELATIVE_ACCURACY } from '../src/domains/rollups/index.js';
import { startTestApp, TEST_API_KEY, type TestApp } from './harness/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  // The SDK stamps points with the wall clock: OpsWatch's clock follows it.
  t.clock.set(new Date());
});
afterAll(async () => {
  await t?.close();
});

const auth = { Authorization: `Bearer ${TEST_API_KEY}` };
const GZIP = 'gzip' as NonNullable<
  NonNullable<ConstructorParameters<typeof ProtoMetricExporter>[0]>['compression']
>;
/** Bucket bounds 2 % apart from 1 ms to about 5 s. */
const BOUNDS = Array.from({ length: 431 }, (_, i) => Math.round(1.02 ** i * 1e6) / 1e6);

/** A seeded generator (mulberry32). */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
/** Latencies in eighths of a millisecond (exact in binary, so sums are exact whatever the order). */
const latencies = (n: number, seed: number) => {
  const r = random(seed);
  return Array.from({ length: n }, () => Math.round(Math.exp(2 + r() * 5) * 8) / 8);
};

/** The SDK's histogram bucket of a value: (bounds[i-1], bounds[i]]. */
function bucketAround(v: number): [number, number] {
  const i = BOUNDS.findIndex((b) => v <= b);
  if (i < 0) return [BOUNDS.at(-1) as number, Number.POSITIVE_INFINITY];
  return [i === 0 ? 0 : (BOUNDS[i - 1] as number), BOUNDS[i] as number];
}
function expectPercentile(estimate: number, values: readonly number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = q * (sorted.length - 1);
  const [lower] = bucketAround(sorted[Math.floor(rank)] as number);
  const [, upper] = bucketAround(sorted[Math.ceil(rank)] as number);
  expect(estimate).toBeGreaterThanOrEqual(lower * (1 - RELATIVE_ACCURACY));
  expect(estimate).toBeLessThanOrEqual(upper * (1 + RELATIVE_ACCURACY));
}

async function send(
  service: string,
  exporter: ProtoMetricExporter | JsonMetricExporter,
  batches: readonly { value: number; status: string }[][],
) {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    readers: [reader],
  });
  const latency = provider
    .getMeter('shop')
    .createHistogram('http.server.duration', { unit: 'ms', advice: { explicitBucketBoundaries: BOUNDS } });
  for (const batch of batches) {
    for (const r of batch) latency.record(r.value, { 'http.route': '/pay', status: r.status });
    await provider.forceFlush();
  }
  await provider.shutdown();
  t.services.telemetry.flushMetrics();
  await t.services.rollups.flush();
}

describe('OTLP metrics from the OpenTelemetry SDK, read back from Silver', () => {
  it.each([
    [
      'protobuf',
      'shop',
      () =>
        new ProtoMetricExporter({
          url: `${t.url}/v1/metrics`,
          headers: auth,
          compression: GZIP,
          temporalityPreference: AggregationTemporalityPreference.DELTA,
        }),
    ],
    [
      'JSON',
      'shop-json',
      () =>
        new JsonMetricExporter({
          url: `${t.url}/v1/metrics`,
          headers: auth,
          temporalityPreference: AggregationTemporalityPreference.DELTA,
        }),
    ],
  ] as const)(
    'count, sum, min, max exactly and percentiles within the sketch error (%s)',
    async (_enc, service, exporter) => {
      const values = latencies(4_000, service.length);
      const sent = values.map((value, i) => ({ value, status: i % 25 === 0 ? '503' : '200' }));
      // Three exports (three delta points per tag set), as a service's periodic reader sends them.
      await send(service, exporter(), [sent.slice(0, 1_000), sent.slice(1_000, 2_500), sent.slice(2_500)]);
      const now = t.clock.now().getTime();
      const range = {
        service,
        name: 'http.server.duration',
        from: new Date(now - 3_600_000),
        to: new Date(now + 3_600_000),
      };
      const totals = await t.services.rollups.totals(t.actor.tenantId, range);
      expect(totals.count).toBe(4_000);
      expect(totals.sum).toBe(values.reduce((a, b) => a + b, 0));
      expect(totals.min).toBe(Math.min(...values));
      expect(totals.max).toBe(Math.max(...values));
      expectPercentile(totals.p50, values, 0.5);
      expectPercentile(totals.p90, values, 0.9);
      expectPercentile(totals.p99, values, 0.99);

      const errors = sent.filter((s) => s.status === '503').map((s) => s.value);
      expect(
        await t.services.rollups.counts(t.actor.tenantId, {
          ...range,
          tagFilter: { key: 'status', op: 'gte', value: 500 },
        }),
      ).toEqual({ total: 4_000, matching: errors.length });
      const failing = await t.services.rollups.totals(t.actor.tenantId, {
        ...range,
        tags: { status: '503' },
      });
      expect([failing.count, failing.min, failing.max]).toEqual([
        errors.length,
        Math.min(...errors),
        Math.max(...errors),
      ]);

      // The same over REST, per minute.
      const q = new URLSearchParams({
        metric: 'http.server.duration',
        from: range.from.toISOString(),
        to: range.to.toISOString(),
        step: 'minute',
      });
      const res = await t.request('GET', `/api/v1/services/${service}/rollups?${q}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { points: { count: number; min: number; max: number }[] };
      expect(body.points.reduce((n, p) => n + p.count, 0)).toBe(4_000);
      expect(Math.min(...body.points.map((p) => p.min))).toBe(Math.min(...values));
      expect(Math.max(...body.points.map((p) => p.max))).toBe(Math.max(...values));
    },
  );
});
