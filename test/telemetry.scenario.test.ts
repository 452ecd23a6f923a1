/**
 * Telemetry in: the real OpenTelemetry JS SDK sends logs and metrics over OTLP/HTTP (protobuf with gzip, and
 * JSON) to a running OpsWatch; Bronze keeps exactly the ERROR/FATAL records, redacted, and every data point reaches
 * the metric sink with its exact count, sum, min and max.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SeverityNumber } from '@opentelemetry/api-logs';
import { OTLPLogExporter as JsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as ProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import {
  CollectingSink,
  decodeResponse,
  encodeRequest,
  hashUserId,
  type MetricPoint,
} from '../src/domains/telemetry/index.js';
import { startTestApp, TEST_API_KEY, type TestApp } from './harness/app.js';
import { addTenant } from './harness/tenants.js';

let t: TestApp;
let sink: CollectingSink;
beforeAll(async () => {
  // Metric points go to a collecting witness here (Silver's aggregator is tested in otel-rollups.scenario.test.ts).
  sink = new CollectingSink();
  t = await startTestApp({ metricSink: sink });
  // The SDK stamps records with the wall clock: OpsWatch's clock follows it.
  t.clock.set(new Date());
});
afterAll(async () => {
  await t?.close();
});

/** The exporters' CompressionAlgorithm.GZIP (an enum of a package they depend on): its value is 'gzip'. */
const GZIP = 'gzip' as NonNullable<
  NonNullable<ConstructorParameters<typeof ProtoLogExporter>[0]>['compression']
>;
const auth = { Authorization: `Bearer ${TEST_API_KEY}` };
const resource = (service: string) => resourceFromAttributes({ 'service.name': service });

interface BronzeRow {
  service: string;
  level: string;
  message: string;
  context: Record<string, unknown>;
  trace_id: string | null;
  user_hash: string | null;
}
const bronze = (service: string) =>
  t.sql<BronzeRow>(
    'select service, level, message, context, trace_id, user_hash from log_entries where service = ? order by time, id',
    [service],
  );

async function sendLogs(service: string, exporter: ProtoLogExporter | JsonLogExporter): Promise<void> {
  const provider = new LoggerProvider({
    resource: resource(service),
    processors: [new BatchLogRecordProcessor({ exporter })],
  });
  const logger = provider.getLogger('checkout-tests');
  logger.emit({
    severityNumber: SeverityNumber.INFO,
    severityText: 'INFO',
    body: 'order 17 placed by alice@example.com',
  });
  logger.emit({ severityNumber: SeverityNumber.WARN, severityText: 'WARN', body: 'slow payment provider' });
  logger.emit({
    severityNumber: SeverityNumber.ERROR,
    severityText: 'ERROR',
    body: 'payment failed for alice@example.com from 10.1.2.3 with card 4111 1111 1111 1111',
    attributes: {
      'enduser.id': 'alice-42',
      'http.route': '/pay',
      'client.phone': '+4915112345678',
      attempt: 3,
    },
  });
  logger.emit({ severityNumber: SeverityNumber.FATAL, severityText: 'FATAL', body: 'out of memory' });
  logger.emit({ severityNumber: SeverityNumber.DEBUG, body: 'cache miss' });
  await provider.forceFlush();
  await provider.shutdown();
}

describe('OTLP logs from the OpenTelemetry SDK', () => {
  it('keeps exactly the ERROR/FATAL records in Bronze, redacted (protobuf, gzip)', async () => {
    await sendLogs(
      'checkout',
      new ProtoLogExporter({ url: `${t.url}/v1/logs`, headers: auth, compression: GZIP }),
    );
    const rows = await bronze('checkout');
    expect(rows.map((r) => r.level)).toEqual(['ERROR', 'FATAL']);
    const [error, fatal] = rows;
    expect(error?.message).toBe('payment failed for <email> from <ipv4> with card <card>');
    expect(error?.context).toEqual({ 'http.route': '/pay', 'client.phone': '<phone>', attempt: 3 });
    // No TELEMETRY_HASH_SECRET here: the key was generated at first use and kept for the install.
    const [secret] = await t.sql<{ value: string }>(
      `select value from install_secrets where name = 'telemetry_hash'`,
    );
    expect(secret?.value).toHaveLength(43);
    expect(error?.user_hash).toBe(hashUserId(secret?.value ?? '', 'alice-42'));
    expect(fatal?.message).toBe('out of memory');
    expect(JSON.stringify(rows)).not.toContain('alice');
  });

  it('keeps tabs, line breaks, backslashes and \\N in messages and attributes exactly (Bronze is written by COPY)', async () => {
    const provider = new LoggerProvider({
      resource: resource('escapes'),
      processors: [
        new BatchLogRecordProcessor({
          exporter: new ProtoLogExporter({ url: `${t.url}/v1/logs`, headers: auth }),
        }),
      ],
    });
    const body = 'stack:\n\tat pay (C:\\app\\pay.js:1)\r\n\\N is not null\\';
    provider.getLogger('escapes').emit({
      severityNumber: SeverityNumber.ERROR,
      body,
      attributes: { path: 'C:\\tmp\t"x"\n', empty: '', nothing: '\\N' },
    });
    await provider.forceFlush();
    await provider.shutdown();
    const rows = await bronze('escapes');
    expect(rows.map((r) => [r.message, r.context])).toEqual([
      [body, { path: 'C:\\tmp\t"x"\n', empty: '', nothing: '\\N' }],
    ]);
  });

  it('does the same over OTLP/JSON', async () => {
    await sendLogs('cart', new JsonLogExporter({ url: `${t.url}/v1/logs`, headers: auth }));
    const rows = await bronze('cart');
    expect(rows.map((r) => [r.level, r.message])).toEqual([
      ['ERROR', 'payment failed for <email> from <ipv4> with card <card>'],
      ['FATAL', 'out of memory'],
    ]);
  });
});

const pointsOf = (service: string, name: string) =>
  sink.points.filter((p): p is MetricPoint => p.service === service && p.name === name);

async function sendMetrics(service: string, exporter: ProtoMetricExporter | JsonMetricExporter) {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ resource: resource(service), readers: [reader] });
  const meter = provider.getMeter('checkout-tests');
  const latency = meter.createHistogram('http.server.duration', { unit: 'ms' });
  const orders = meter.createCounter('orders');
  const queue = meter.createGauge('queue.depth');
  for (const v of [5, 20, 120, 800]) latency.record(v, { route: '/pay' });
  orders.add(3);
  orders.add(4);
  queue.record(42);
  await provider.forceFlush();
  t.services.telemetry.flushMetrics();
  // A second export: the SDK's temporality is cumulative; OpsWatch hands on the difference.
  latency.record(7, { route: '/pay' });
  orders.add(5);
  await provider.forceFlush();
  t.services.telemetry.flushMetrics();
  await provider.shutdown();
}

describe('OTLP metrics from the OpenTelemetry SDK', () => {
  it.each([
    [
      'protobuf',
      'billing',
      () => new ProtoMetricExporter({ url: `${t.url}/v1/metrics`, headers: auth, compression: GZIP }),
    ],
    ['JSON', 'billing-json', () => new JsonMetricExporter({ url: `${t.url}/v1/metrics`, headers: auth })],
  ] as const)('reach the sink with exact count, sum, min and max (%s)', async (_enc, service, exporter) => {
    await sendMetrics(service, exporter());
    const hist = pointsOf(service, 'http.server.duration');
    expect(hist).toHaveLength(2);
    const [first, second] = hist;
    expect(first).toMatchObject({
      kind: 'histogram',
      count: 4,
      sum: 945,
      min: 5,
      max: 800,
      tags: { route: '/pay' },
    });
    if (first?.kind !== 'histogram') throw new Error('histogram expected');
    expect(first.bucketCounts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(first.bucketCounts).toHaveLength(first.bounds.length + 1);
    expect(second).toMatchObject({ kind: 'histogram', count: 1, sum: 7 });
    expect(pointsOf(service, 'orders').map((p) => (p.kind === 'value' ? p.value : null))).toEqual([7, 5]);
    expect(pointsOf(service, 'queue.depth').map((p) => (p.kind === 'value' ? p.value : null))).toEqual([
      42, 42,
    ]);
  });
});

const post = (path: string, body: string | Uint8Array, headers: Record<string, string>) =>
  fetch(`${t.url}${path}`, { method: 'POST', body, headers: { ...auth, ...headers } });

describe('OTLP answers', () => {
  const nanos = (d: Date) => `${d.getTime()}000000`;
  const logsRequest = (records: { at: Date; severity: number; body: string }[]) => ({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'answers' } }] },
        scopeLogs: [
          {
            logRecords: records.map((r) => ({
              timeUnixNano: nanos(r.at),
              severityNumber: r.severity,
              body: { stringValue: r.body },
              traceId: '5b8efff798038103d269b633813fc60c',
            })),
          },
        ],
      },
    ],
  });

  it('answers partial success for records Bronze cannot hold, in the request’s encoding', async () => {
    const now = t.clock.now();
    const old = new Date(now.getTime() - 10 * 86_400_000);
    const body = logsRequest([
      { at: now, severity: 17, body: 'fresh error' },
      { at: old, severity: 17, body: 'ancient error' },
    ]);
    const res = await post('/v1/logs', JSON.stringify(body), { 'content-type': 'application/json' });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      partialSuccess: {
        rejectedLogRecords: '1',
        errorMessage: '1 log records older than the 7-day retention',
      },
    });
    const rows = await t.sql<{ message: string; trace_id: string }>(
      `select message, trace_id from log_entries where service = 'answers'`,
    );
    expect(rows).toEqual([{ message: 'fresh error', trace_id: '5b8efff798038103d269b633813fc60c' }]);

    const proto = encodeRequest('logs', {
      resourceLogs: [{ scopeLogs: [{ logRecords: [{ timeUnixNano: nanos(old), severityNumber: 21 }] }] }],
    });
    const pres = await post('/v1/logs', gzipSync(proto), {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'gzip',
    });
    expect(pres.status).toBe(200);
    expect(pres.headers.get('content-type')).toBe('application/x-protobuf');
    expect(decodeResponse('logs', new Uint8Array(await pres.arrayBuffer()))).toEqual({
      partialSuccess: {
        rejectedLogRecords: '1',
        errorMessage: '1 log records older than the 7-day retention',
      },
    });
  });

  it('refuses what is not an OTLP request: 400 for bad bodies, 415 for other types, 401 without a key', async () => {
    const json = { 'content-type': 'application/json' };
    const proto = { 'content-type': 'application/x-protobuf' };
    expect((await post('/v1/logs', '{"resourceLogs": ', json)).status).toBe(400);
    expect((await post('/v1/logs', '{"resourceLogs": 3}', json)).status).toBe(400);
    expect((await post('/v1/metrics', new Uint8Array([0x0a, 0xff, 0xff, 0xff]), proto)).status).toBe(400);
    expect((await post('/v1/logs', 'not gzip', { ...proto, 'content-encoding': 'gzip' })).status).toBe(400);
    const plain = await post('/v1/logs', 'hello', { 'content-type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(plain.headers.get('content-type')).toContain('application/problem+json');
    const anonymous = await fetch(`${t.url}/v1/logs`, { method: 'POST', body: '{}', headers: json });
    expect(anonymous.status).toBe(401);
    const empty = await post('/v1/logs', '{}', json);
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({});
  });
});

const getJson = async <T>(path: string, key = TEST_API_KEY): Promise<{ status: number; body: T }> => {
  const res = await fetch(`${t.url}${path}`, { headers: { Authorization: `Bearer ${key}` } });
  return { status: res.status, body: (await res.json()) as T };
};
interface LogPageBody {
  items: { level: string; message: string; time: string }[];
  nextCursor: string | null;
}

describe('a service’s logs over REST', () => {
  it('filters by level and text, pages with a cursor, and shows one tenant only its own', async () => {
    const errors = await getJson<LogPageBody>('/api/v1/services/checkout/logs?level=ERROR');
    expect(errors.status).toBe(200);
    expect(errors.body.items.map((i) => i.level)).toEqual(['ERROR']);
    const text = await getJson<LogPageBody>('/api/v1/services/checkout/logs?q=MEMORY');
    expect(text.body.items.map((i) => i.message)).toEqual(['out of memory']);
    const first = await getJson<LogPageBody>('/api/v1/services/checkout/logs?limit=1');
    expect(first.body.items.map((i) => i.level)).toEqual(['FATAL']);
    expect(first.body.nextCursor).not.toBeNull();
    const next = await getJson<LogPageBody>(
      `/api/v1/services/checkout/logs?limit=1&cursor=${first.body.nextCursor}`,
    );
    expect(next.body.items.map((i) => i.level)).toEqual(['ERROR']);
    expect(next.body.nextCursor).toBeNull();
    const other = await addTenant(t, 'telemetry-other');
    const theirs = await getJson<LogPageBody>('/api/v1/services/checkout/logs', other.key);
    expect(theirs.body.items).toEqual([]);
    expect((await getJson('/api/v1/services/checkout/logs?level=LOUD')).status).toBe(400);
    expect((await getJson('/api/v1/services/checkout/logs?cursor=nonsense')).status).toBe(400);
  });
});

describe('events for scripts, and the tenant’s telemetry settings', () => {
  const put = (body: unknown) =>
    fetch(`${t.url}/api/v1/settings`, {
      method: 'PUT',
      body: JSON.stringify(body),
      headers: { ...auth, 'content-type': 'application/json' },
    });

  it('routes events: errors and slow ones to Bronze, values and durations to the sink', async () => {
    const res = await post(
      '/api/v1/telemetry/events',
      JSON.stringify([
        { service: 'scripts', level: 'ERROR', message: 'backup failed for bob@example.org', userId: 'bob' },
        { service: 'scripts', name: 'backup.size', value: 1234 },
        { service: 'scripts', name: 'backup', durationMs: 5000, message: 'slow backup' },
        { service: 'scripts', name: 'backup', durationMs: 10 },
      ]),
      { 'content-type': 'application/json' },
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 4, rejected: 0, errorMessage: '', bronze: 2, points: 3 });
    t.services.telemetry.flushMetrics();
    const rows = await bronze('scripts');
    expect(rows.map((r) => [r.level, r.message])).toEqual([
      ['ERROR', 'backup failed for <email>'],
      ['INFO', 'slow backup'],
    ]);
    expect(rows[0]?.user_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(pointsOf('scripts', 'backup.duration').map((p) => (p.kind === 'value' ? p.value : null))).toEqual([
      5000, 10,
    ]);
    const bad = await post('/api/v1/telemetry/events', JSON.stringify([{ level: 'ERROR' }]), {
      'content-type': 'application/json',
    });
    expect(bad.status).toBe(400);
    const many = Array.from({ length: 1001 }, () => ({ service: 'scripts' }));
    expect((await post('/api/v1/telemetry/events', JSON.stringify(many), {})).status).toBe(400);
  });

  it('refuses an extra redaction rule that is not a valid regex; applies the ones that are', async () => {
    const bad = await put({
      telemetry: { extraRedactionRules: [{ name: 'broken', pattern: '([a-z', placeholder: '<x>' }] },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('telemetry.extraRedactionRules.0.pattern');
    const ok = await put({
      telemetry: {
        latencyThresholdMs: 200,
        durationAttribute: 'http.duration_ms',
        extraRedactionRules: [{ name: 'order', pattern: 'ORD-\\d{6}', placeholder: '<order>' }],
      },
    });
    expect(ok.status).toBe(200);
    const body = {
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
          scopeLogs: [
            {
              logRecords: [
                {
                  severityNumber: 9,
                  body: { stringValue: 'served ORD-123456' },
                  attributes: [
                    { key: 'http.duration_ms', value: { doubleValue: 250 } },
                    { key: 'http.route', value: { stringValue: '/orders/:id' } },
                    { key: 'http.response.status_code', value: { intValue: '200' } },
                  ],
                },
                {
                  severityNumber: 9,
                  body: { stringValue: 'fast' },
                  attributes: [{ key: 'http.duration_ms', value: { intValue: 12 } }],
                },
              ],
            },
          ],
        },
      ],
    };
    expect(
      (await post('/v1/logs', JSON.stringify(body), { 'content-type': 'application/json' })).status,
    ).toBe(200);
    t.services.telemetry.flushMetrics();
    expect((await bronze('shop')).map((r) => r.message)).toEqual(['served <order>']);
    expect(pointsOf('shop', 'http.server.duration')).toEqual([
      expect.objectContaining({ kind: 'value', value: 250, tags: { route: '/orders/:id', status: '200' } }),
      expect.objectContaining({ kind: 'value', value: 12, tags: {} }),
    ]);
    expect((await put({ telemetry: {} })).status).toBe(200);
  });
});

describe('purging Bronze', () => {
  it('drops whole expired day partitions, keeping the rows incidents hold as evidence', async () => {
    const now = t.clock.now();
    const day = (n: number) =>
      new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - n, 12));
    const old = day(10);
    await t.services.telemetry.ensurePartitions([old]);
    const insert = (message: string, at: Date) =>
      t.sql(
        `insert into log_entries (tenant_id, time, service, level, message) values (?, ?, 'legacy', 'ERROR', ?)`,
        [t.actor.tenantId, at.toISOString(), message],
      );
    await insert('linked in place', old);
    await insert('plain old error', new Date(old.getTime() + 1000));
    await insert('newest error', new Date(old.getTime() + 2000));
    const incident = await t.services.incidents.declare(t.actor, { title: 'legacy is down', severity: 2 });
    // The incident takes the newest error of the service as evidence (as a burn alert does)…
    expect(await t.services.telemetry.attachEvidence(t.actor.tenantId, incident.id, 'legacy', 1, now)).toBe(
      1,
    );
    // …and another row is only marked as the incident's, in its partition.
    await t.sql(`update log_entries set incident_id = ? where message = 'linked in place'`, [incident.id]);

    // While a tenant keeps Bronze 14 days, the day stays (partitions hold every tenant's rows).
    const other = await addTenant(t, 'telemetry-long-retention');
    await t.sql(`update tenants set settings = '{"telemetry": {"retentionDays": 14}}' where id = ?`, [
      other.id,
    ]);
    expect((await t.services.telemetry.purgeBronze(now, 7)).droppedPartitions).toEqual([]);
    await t.sql(`update tenants set settings = '{}' where id = ?`, [other.id]);

    const report = await t.services.telemetry.purgeBronze(now, 7);
    const oldName = `log_entries_p${old.toISOString().slice(0, 10).replaceAll('-', '')}`;
    expect(report.droppedPartitions).toContain(oldName);
    expect(report.keptEvidence).toBe(1);
    expect(await t.sql(`select 1 from log_entries where service = 'legacy'`)).toEqual([]);
    const evidence = await t.services.telemetry.evidence(t.actor.tenantId, incident.id);
    expect(evidence.map((e) => e.message)).toEqual(['newest error', 'linked in place']);
    // Today's rows and the partitions ahead stay.
    expect((await bronze('checkout')).length).toBe(2);
    const ahead = await t.sql<{ n: number }>(
      `select count(*)::int as n from pg_inherits i join pg_class p on p.oid = i.inhparent where p.relname = 'log_entries'`,
    );
    expect(ahead[0]?.n).toBeGreaterThanOrEqual(3);
    // A second run finds nothing more to drop.
    expect((await t.services.telemetry.purgeBronze(now, 7)).droppedPartitions).toEqual([]);
  });
});
