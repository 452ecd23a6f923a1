/**
 * Traces in: the real OpenTelemetry JS SDK sends spans over OTLP/HTTP (protobuf with gzip, and JSON) to a running
 * OpsWatch; Bronze keeps exactly the error span and the slow one, redacted, with their trace and span ids, and
 * Silver's rollups of `span.duration` say exactly the count, sum, min and max of every span's duration. Malformed
 * spans are refused with OTLP's partial success.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { decodeResponse, encodeRequest, SPAN_DURATION_METRIC } from '../src/domains/telemetry/index.js';
import { startTestApp, TEST_API_KEY, type TestApp } from './harness/app.js';

let t: TestApp;
beforeAll(async () => {
  // Silver's real aggregator takes the points (flushed by hand below).
  t = await startTestApp();
  t.clock.set(new Date());
});
afterAll(async () => {
  await t?.close();
});

const auth = { Authorization: `Bearer ${TEST_API_KEY}` };
/** The exporters' CompressionAlgorithm.GZIP (an enum of a package they depend on): its value is 'gzip'. */
const GZIP = 'gzip' as NonNullable<
  NonNullable<ConstructorParameters<typeof ProtoTraceExporter>[0]>['compression']
>;

interface Sent {
  name: string;
  kind: SpanKind;
  ms: number;
  error?: string;
  attributes?: Record<string, string | number>;
}
/** What each service's SDK records: one error span, one slow span (default threshold 1000 ms), three fast ones. */
const SPANS: Sent[] = [
  { name: 'GET /orders', kind: SpanKind.SERVER, ms: 120, attributes: { 'http.response.status_code': 200 } },
  { name: 'GET /orders', kind: SpanKind.SERVER, ms: 1500, attributes: { 'http.response.status_code': 200 } },
  {
    name: 'POST /pay',
    kind: SpanKind.SERVER,
    ms: 80,
    error: 'card declined for alice@example.com',
    attributes: {
      'http.response.status_code': 502,
      'enduser.id': 'alice-42',
      'client.phone': '+4915112345678',
      'client.address': '10.1.2.3',
    },
  },
  { name: 'SELECT orders', kind: SpanKind.CLIENT, ms: 12.5 },
  { name: 'render', kind: SpanKind.INTERNAL, ms: 2 },
];

/** Records SPANS with explicit times (ending 1 s apart, the last 10 s ago) and exports them in one request. */
async function sendSpans(service: string, exporter: ProtoTraceExporter | JsonTraceExporter) {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  });
  const tracer = provider.getTracer('checkout-tests');
  const last = t.clock.now().getTime() - 10_000;
  const spans: Span[] = SPANS.map((s, i) => {
    const end = last - (SPANS.length - 1 - i) * 1000;
    const span = tracer.startSpan(s.name, {
      kind: s.kind,
      startTime: end - s.ms,
      ...(s.attributes ? { attributes: s.attributes } : {}),
    });
    if (s.error) span.setStatus({ code: SpanStatusCode.ERROR, message: s.error });
    span.end(end);
    return span;
  });
  await provider.forceFlush();
  await provider.shutdown();
  t.services.telemetry.flushMetrics();
  await t.services.rollups.flush();
  return spans;
}

interface LogItem {
  level: string;
  message: string;
  context: Record<string, unknown>;
  traceId: string | null;
  spanId: string | null;
  userHash: string | null;
  durationMs: number | null;
}
const getJson = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${t.url}${path}`, { headers: auth });
  expect(res.status).toBe(200);
  return (await res.json()) as T;
};
async function rollups(service: string, tags: Record<string, string> = {}) {
  const now = t.clock.now().getTime();
  const q = new URLSearchParams({
    metric: SPAN_DURATION_METRIC,
    from: new Date(now - 3_600_000).toISOString(),
    to: new Date(now + 60_000).toISOString(),
    step: 'minute',
    ...Object.fromEntries(Object.entries(tags).map(([k, v]) => [`tag.${k}`, v])),
  });
  const body = await getJson<{ points: { count: number; sum: number; min: number; max: number }[] }>(
    `/api/v1/services/${service}/rollups?${q}`,
  );
  const p = body.points;
  return {
    count: p.reduce((n, x) => n + x.count, 0),
    sum: p.reduce((n, x) => n + x.sum, 0),
    min: Math.min(...p.map((x) => x.min)),
    max: Math.max(...p.map((x) => x.max)),
  };
}

describe('OTLP traces from the OpenTelemetry SDK', () => {
  it.each([
    [
      'protobuf, gzip',
      'storefront',
      () => new ProtoTraceExporter({ url: `${t.url}/v1/traces`, headers: auth, compression: GZIP }),
    ],
    ['JSON', 'storefront-json', () => new JsonTraceExporter({ url: `${t.url}/v1/traces`, headers: auth })],
  ] as const)(
    'keep the error and the slow span in Bronze, redacted; every duration in Silver exactly (%s)',
    async (_enc, service, exporter) => {
      const spans = await sendSpans(service, exporter());
      const ids = spans.map((s) => s.spanContext());
      const { items } = await getJson<{ items: LogItem[] }>(`/api/v1/services/${service}/logs`);
      // Newest first: the error span ended after the slow one.
      expect(items).toEqual([
        {
          ...items[0],
          level: 'ERROR',
          message: 'POST /pay: card declined for <email>',
          context: {
            'http.response.status_code': 502,
            'client.phone': '<phone>',
            'client.address': '<ipv4>',
          },
          traceId: ids[2]?.traceId,
          spanId: ids[2]?.spanId,
          userHash: expect.stringMatching(/^[0-9a-f]{64}$/),
          durationMs: 80,
        },
        {
          ...items[1],
          level: 'INFO',
          message: 'GET /orders',
          context: { 'http.response.status_code': 200 },
          traceId: ids[1]?.traceId,
          spanId: ids[1]?.spanId,
          userHash: null,
          durationMs: 1500,
        },
      ]);
      expect(JSON.stringify(items)).not.toContain('alice');

      const durations = SPANS.map((s) => s.ms);
      expect(await rollups(service)).toEqual({
        count: durations.length,
        sum: durations.reduce((a, b) => a + b, 0),
        min: Math.min(...durations),
        max: Math.max(...durations),
      });
      expect(await rollups(service, { 'span.name': 'GET /orders' })).toEqual({
        count: 2,
        sum: 1620,
        min: 120,
        max: 1500,
      });
      // Error spans carry error=true: what an SLA's default error filter counts.
      expect(await rollups(service, { error: 'true' })).toEqual({ count: 1, sum: 80, min: 80, max: 80 });
      expect((await rollups(service, { 'span.kind': 'client' })).count).toBe(1);
    },
  );
});

const post = (path: string, body: string | Uint8Array, headers: Record<string, string>) =>
  fetch(`${t.url}${path}`, { method: 'POST', body, headers: { ...auth, ...headers } });

describe('OTLP traces answers', () => {
  const nanos = (ms: number) => `${ms}000000`;
  const TRACE = '5b8efff798038103d269b633813fc60c';
  /** One good span, one without a span id, one ending before it starts (all ERROR, so each would be kept). */
  const request = (service: string, ids: (hex: string) => string | Uint8Array) => {
    const end = t.clock.now().getTime() - 5_000;
    const span = (spanId: string, start: number, stop: number) => ({
      traceId: ids(TRACE),
      spanId: ids(spanId),
      name: 'charge',
      kind: 3,
      startTimeUnixNano: nanos(start),
      endTimeUnixNano: nanos(stop),
      status: { code: 2, message: 'upstream timeout' },
    });
    return {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
          scopeSpans: [
            {
              spans: [
                span('eee19b7ec3c1b174', end - 30, end),
                span('', end - 30, end),
                span('eee19b7ec3c1b175', end, end - 30),
              ],
            },
          ],
        },
      ],
    };
  };
  const PARTIAL = {
    partialSuccess: {
      rejectedSpans: '2',
      errorMessage: '1 spans without a valid trace id and span id; 1 spans that end before they start',
    },
  };
  const kept = (service: string) =>
    t.sql<{ message: string; trace_id: string; span_id: string; duration_ms: number }>(
      'select message, trace_id, span_id, duration_ms from log_entries where service = ?',
      [service],
    );

  it('answers partial success for malformed spans and keeps the good one (JSON)', async () => {
    const res = await post('/v1/traces', JSON.stringify(request('answers-json', (h) => h)), {
      'content-type': 'application/json',
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(PARTIAL);
    expect(await kept('answers-json')).toEqual([
      { message: 'charge: upstream timeout', trace_id: TRACE, span_id: 'eee19b7ec3c1b174', duration_ms: 30 },
    ]);
  });

  it('does the same in protobuf with gzip, answering in protobuf', async () => {
    const body = encodeRequest(
      'traces',
      request('answers-proto', (h) => Buffer.from(h, 'hex')),
    );
    const res = await post('/v1/traces', gzipSync(body), {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeResponse('traces', new Uint8Array(await res.arrayBuffer()))).toEqual(PARTIAL);
    expect((await kept('answers-proto')).map((r) => r.span_id)).toEqual(['eee19b7ec3c1b174']);
  });

  it('refuses what is not a traces export: 400, 415, and 401 without a key', async () => {
    const json = { 'content-type': 'application/json' };
    expect((await post('/v1/traces', '{"resourceSpans": ', json)).status).toBe(400);
    expect((await post('/v1/traces', '{"resourceSpans": [{"scopeSpans": 3}]}', json)).status).toBe(400);
    const proto = { 'content-type': 'application/x-protobuf' };
    expect((await post('/v1/traces', new Uint8Array([0x0a, 0xff, 0xff, 0xff]), proto)).status).toBe(400);
    expect((await post('/v1/traces', 'hello', { 'content-type': 'text/plain' })).status).toBe(415);
    const anonymous = await fetch(`${t.url}/v1/traces`, { method: 'POST', body: '{}', headers: json });
    expect(anonymous.status).toBe(401);
    const empty = await post('/v1/traces', '{}', json);
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({});
  });
});
