import { describe, expect, it } from '@jest/globals';
import { readLogsRequest } from './otlp-logs-reader.js';
import { decodeRequest, encodeRequest } from './otlp-proto.js';

const TRACE = Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex');
const SPAN = Buffer.from('b7ad6b7169203331', 'hex');

/** A request with every kind of value the routing reads, and fields it skips (scope, schema URL, flags). */
const REQUEST = {
  resourceLogs: [
    {
      resource: {
        attributes: [
          { key: 'service.name', value: { stringValue: 'checkout' } },
          { key: 'host.cores', value: { intValue: 8 } },
        ],
        droppedAttributesCount: 1,
      },
      schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
      scopeLogs: [
        {
          scope: { name: 'app', version: '1.2.3', attributes: [{ key: 'a', value: { boolValue: true } }] },
          schemaUrl: 'https://opentelemetry.io/schemas/1.24.0',
          logRecords: [
            {
              timeUnixNano: '1764669600123456789',
              observedTimeUnixNano: '1764669600223456789',
              severityNumber: 17,
              severityText: 'ERROR',
              body: { stringValue: 'payment failed: tab\there, "quoted", ünïcödé ✓' },
              attributes: [
                { key: 'http.route', value: { stringValue: '/api/pay' } },
                { key: 'attempt', value: { intValue: -3 } },
                { key: 'ratio', value: { doubleValue: 0.25 } },
                { key: 'ok', value: { boolValue: false } },
                { key: 'raw', value: { bytesValue: Buffer.from([1, 2, 255]) } },
                {
                  key: 'list',
                  value: { arrayValue: { values: [{ stringValue: 'x' }, { intValue: 2 }, {}] } },
                },
                {
                  key: 'map',
                  value: { kvlistValue: { values: [{ key: 'k', value: { stringValue: 'v' } }] } },
                },
              ],
              droppedAttributesCount: 2,
              flags: 1,
              traceId: TRACE,
              spanId: SPAN,
              eventName: 'payment.failed',
            },
            { severityText: 'INFO', body: { kvlistValue: { values: [] } } },
            {},
          ],
        },
      ],
    },
    { scopeLogs: [] },
  ],
};

/** Without empty lists (protobufjs leaves them out, the reader gives them; the routing reads both alike). */
const noEmptyLists = (v: unknown): unknown =>
  JSON.parse(JSON.stringify(v, (_k, x: unknown) => (Array.isArray(x) && x.length === 0 ? undefined : x)));

/** protobufjs's decoding, less what the reader skips, ids as hex: what the reader must give. */
function expected(bytes: Uint8Array): unknown {
  const full = decodeRequest('logs', bytes) as {
    resourceLogs: {
      resource?: { attributes?: unknown[] };
      scopeLogs?: { logRecords?: Record<string, unknown>[] }[];
    }[];
  };
  return {
    resourceLogs: full.resourceLogs.map((rl) => ({
      ...(rl.resource ? { resource: { attributes: rl.resource.attributes ?? [] } } : {}),
      scopeLogs: (rl.scopeLogs ?? []).map((sl) => ({
        logRecords: (sl.logRecords ?? []).map((rec) => {
          const { droppedAttributesCount: _d, flags: _f, ...kept } = rec;
          for (const id of ['traceId', 'spanId'])
            if (kept[id] instanceof Uint8Array)
              kept[id] = Buffer.from(kept[id] as Uint8Array).toString('hex');
          return kept;
        }),
      })),
    })),
  };
}

describe('the direct reader of OTLP logs requests', () => {
  it('gives what protobufjs decodes (names, int64s as numbers, every kind of value), ids as hex', () => {
    const bytes = encodeRequest('logs', REQUEST);
    const read = readLogsRequest(bytes);
    expect(noEmptyLists(read)).toEqual(noEmptyLists(expected(bytes)));
    const rec = (read.resourceLogs as { scopeLogs: { logRecords: Record<string, unknown>[] }[] }[])[0]
      ?.scopeLogs[0]?.logRecords[0];
    expect(rec?.traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(rec?.timeUnixNano).toBe(Number('1764669600123456789'));
    expect(rec?.body).toEqual({ stringValue: 'payment failed: tab\there, "quoted", ünïcödé ✓' });
  });

  it('reads a Buffer and a Uint8Array view alike, and an empty request as no resources', () => {
    const bytes = encodeRequest('logs', REQUEST);
    const view = new Uint8Array(bytes.length + 4);
    view.set(bytes, 4);
    expect(readLogsRequest(view.subarray(4))).toEqual(readLogsRequest(Buffer.from(bytes)));
    expect(readLogsRequest(new Uint8Array())).toEqual({ resourceLogs: [] });
  });

  it('throws on bytes that are not a protobuf message', () => {
    const bytes = encodeRequest('logs', REQUEST);
    expect(() => readLogsRequest(bytes.subarray(0, bytes.length - 5))).toThrow();
    expect(() => readLogsRequest(Buffer.from('{"resourceLogs": []}'))).toThrow();
  });
});
