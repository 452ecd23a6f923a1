import { describe, expect, it } from '@jest/globals';
import { BUILTIN_RULES, compileRedactor } from '../redaction.calc.js';
import { telemetrySettingsSchema } from '../telemetry.types.js';
import { decodeRequest, encodeRequest } from './otlp-proto.js';
import { routeSpans, SPAN_DURATION_METRIC, spanKind, spanMillis } from './otlp-traces.calc.js';

const NOW = new Date('2026-12-02T10:00:00Z');
const ctx = (settings: object = {}) => ({
  tenantId: 't1',
  now: NOW,
  settings: telemetrySettingsSchema.parse({ latencyThresholdMs: 500, ...settings }),
  redactor: compileRedactor(BUILTIN_RULES),
  hashUser: (id: string) => `h(${id})`,
});
/** Unix nanoseconds of a ms instant (to the microsecond). */
const nanos = (ms: number) => `${Math.round(ms * 1000)}000`;
const TRACE = '5b8efff798038103d269b633813fc60c';
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });

interface SpanInput {
  name: string;
  ms: number;
  /** End, ms before NOW. */
  endsAgo?: number;
  status?: { code: number; message?: string };
  kind?: number;
  attributes?: object[];
  spanId?: string;
  traceId?: string;
}
const span = (s: SpanInput) => {
  const end = NOW.getTime() - (s.endsAgo ?? 1000);
  return {
    traceId: s.traceId ?? TRACE,
    spanId: s.spanId ?? 'eee19b7ec3c1b174',
    name: s.name,
    kind: s.kind ?? 2,
    startTimeUnixNano: nanos(end - s.ms),
    endTimeUnixNano: nanos(end),
    attributes: s.attributes ?? [],
    ...(s.status ? { status: s.status } : {}),
  };
};
const request = (spans: unknown[], service: string | null = 'checkout') => ({
  resourceSpans: [
    {
      resource: { attributes: service === null ? [] : [str('service.name', service)] },
      scopeSpans: [{ spans }],
    },
  ],
});

describe('routing OTLP spans', () => {
  it('sends an error span to Bronze as ERROR with its status message, ids and duration', () => {
    const out = routeSpans(
      ctx(),
      request([
        span({
          name: 'POST /pay',
          ms: 42,
          status: { code: 2, message: 'card declined' },
          attributes: [{ key: 'http.response.status_code', value: { intValue: '502' } }],
        }),
      ]),
    );
    expect(out.rows).toEqual([
      {
        tenantId: 't1',
        time: new Date(NOW.getTime() - 1000),
        service: 'checkout',
        level: 'ERROR',
        severity: 17,
        message: 'POST /pay: card declined',
        context: JSON.stringify({ 'http.response.status_code': 502 }),
        traceId: TRACE,
        spanId: 'eee19b7ec3c1b174',
        userHash: null,
        durationMs: 42,
      },
    ]);
    expect(out.points).toEqual([
      {
        tenantId: 't1',
        service: 'checkout',
        name: SPAN_DURATION_METRIC,
        tags: { 'span.name': 'POST /pay', 'span.kind': 'server', status: '502', error: 'true' },
        at: new Date(NOW.getTime() - 1000),
        kind: 'value',
        value: 42,
      },
    ]);
    expect([out.accepted, out.rejected]).toEqual([1, 0]);
  });

  it('sends a slow OK span to Bronze at the level slow records have (INFO), a fast one only to Silver', () => {
    const out = routeSpans(
      ctx(),
      request([
        span({ name: 'GET /slow', ms: 500, status: { code: 1 } }),
        span({ name: 'GET /fast', ms: 499.999, kind: 3 }),
      ]),
    );
    expect(out.rows.map((r) => [r.level, r.severity, r.message, r.durationMs])).toEqual([
      ['INFO', 9, 'GET /slow', 500],
    ]);
    expect(out.points.map((p) => [p.tags, p.kind === 'value' ? p.value : null])).toEqual([
      [{ 'span.name': 'GET /slow', 'span.kind': 'server' }, 500],
      [{ 'span.name': 'GET /fast', 'span.kind': 'client' }, 499.999],
    ]);
    expect(out.accepted).toBe(2);
  });

  it('redacts span attributes, names and status messages exactly as log records, and hashes the user id', () => {
    const out = routeSpans(
      ctx(),
      request([
        span({
          name: 'mail alice@example.com',
          ms: 3,
          status: { code: 2, message: 'refused by 10.1.2.3' },
          attributes: [
            str('enduser.id', 'alice-42'),
            str('client.phone', '+4915112345678'),
            str('payment.card', '4111 1111 1111 1111'),
            { key: 'attempt', value: { intValue: '3' } },
          ],
        }),
      ]),
    );
    const [row] = out.rows;
    expect(row?.message).toBe('mail <email>: refused by <ipv4>');
    expect(JSON.parse(row?.context ?? '')).toEqual({
      'client.phone': '<phone>',
      'payment.card': '<card>',
      attempt: 3,
    });
    expect(row?.userHash).toBe('h(alice-42)');
    expect(out.points[0]?.tags['span.name']).toBe('mail <email>');
    expect(JSON.stringify({ ...out, rows: [{ ...row, userHash: null }] })).not.toContain('alice');
  });

  it('names the service unknown_service without a service.name', () => {
    const out = routeSpans(ctx(), request([span({ name: 'job', ms: 2000 })], null));
    expect(out.rows.map((r) => r.service)).toEqual(['unknown_service']);
    expect(out.points.map((p) => p.service)).toEqual(['unknown_service']);
  });

  it('refuses spans without valid ids or times, ending before they start, or outside Bronze’s days', () => {
    const ok = span({ name: 'ok', ms: 1 });
    const out = routeSpans(
      ctx(),
      request([
        ok,
        { ...ok, spanId: '' },
        { ...ok, traceId: '00000000000000000000000000000000' },
        { ...ok, traceId: 'abc' },
        { ...ok, startTimeUnixNano: '0' },
        { ...ok, endTimeUnixNano: undefined },
        { ...ok, startTimeUnixNano: ok.endTimeUnixNano, endTimeUnixNano: ok.startTimeUnixNano },
        span({ name: 'old', ms: 1, endsAgo: 8 * 86_400_000 }),
        'not a span',
      ]),
    );
    expect([out.accepted, out.rejected]).toEqual([1, 8]);
    expect([...out.reasons]).toEqual([
      ['spans without a valid trace id and span id', 3],
      ['spans without a start and an end time', 2],
      ['spans that end before they start', 1],
      ['spans: records older than the 7-day retention', 1],
      ['spans that are not objects', 1],
    ]);
    expect(out.points).toHaveLength(1);
  });

  it('reads protobuf-decoded spans: ids as bytes, fixed64 times as numbers', () => {
    const bytes = encodeRequest('traces', {
      resourceSpans: [
        {
          resource: { attributes: [str('service.name', 'api')] },
          scopeSpans: [
            {
              spans: [
                {
                  traceId: Buffer.from(TRACE, 'hex'),
                  spanId: Buffer.from('eee19b7ec3c1b174', 'hex'),
                  name: 'GET /orders',
                  kind: 2,
                  startTimeUnixNano: '1796205599000123456',
                  endTimeUnixNano: '1796205600250123789',
                  status: { code: 2 },
                },
              ],
            },
          ],
        },
      ],
    });
    const decoded = decodeRequest('traces', bytes);
    const out = routeSpans(ctx(), decoded);
    expect(out.rows.map((r) => [r.service, r.message, r.traceId, r.spanId, r.durationMs])).toEqual([
      ['api', 'GET /orders', TRACE, 'eee19b7ec3c1b174', 1250],
    ]);
  });

  it('measures durations to the microsecond, exactly from decimal strings', () => {
    expect(spanMillis('1796205599000123456', '1796205600250123789')).toBe(1250);
    expect(spanMillis('1000000000', '1012345678')).toBe(12.346);
    // fixed64 decoded as doubles (256 ns apart at these magnitudes): the rounding to the microsecond absorbs it.
    expect(spanMillis(Number('1796205599000123456'), Number('1796205600250623456'))).toBe(1250.5);
    expect(spanMillis('2000', '1000')).toBe(-0.001);
    expect([spanMillis('0', '1'), spanMillis(undefined, '1'), spanMillis('1', 'x')]).toEqual([
      null,
      null,
      null,
    ]);
    expect([spanKind(1), spanKind('SPAN_KIND_CONSUMER'), spanKind(9), spanKind(undefined)]).toEqual([
      'internal',
      'consumer',
      'unspecified',
      'unspecified',
    ]);
  });
});
