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
            {
              // An INFO record: its body, attributes and ids are read only when asked for.
              timeUnixNano: '1764669600000000000',
              severityNumber: 9,
              body: { arrayValue: { values: [{ stringValue: 'a' }, { doubleValue: 1.5 }] } },
              attributes: [
                { key: 'user.id', value: { stringValue: 'u-1' } },
                { key: 'n', value: { intValue: 7 } },
              ],
              traceId: TRACE,
              spanId: SPAN,
            },
            {},
          ],
        },
      ],
    },
    { scopeLogs: [] },
  ],
};

const FIELDS = [
  'timeUnixNano',
  'observedTimeUnixNano',
  'severityNumber',
  'severityText',
  'body',
  'attributes',
  'traceId',
  'spanId',
  'eventName',
] as const;

/**
 * What the routing can read, as plain data: log records by their fields (the reader's are read on demand), no
 * empty lists (protobufjs leaves them out, the reader gives them; the routing reads both alike).
 */
const plain = (v: unknown): unknown =>
  JSON.parse(
    JSON.stringify(v, function (this: unknown, k: string, x: unknown) {
      if (Array.isArray(x) && x.length === 0) return undefined;
      if (k === 'logRecords' && Array.isArray(x))
        return x.map((rec: Record<string, unknown>) =>
          Object.fromEntries(FIELDS.filter((f) => rec[f] !== undefined).map((f) => [f, rec[f]])),
        );
      return x;
    }),
  );

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
    expect(plain(read)).toEqual(plain(expected(bytes)));
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
    expect(plain(readLogsRequest(view.subarray(4)))).toEqual(plain(readLogsRequest(Buffer.from(bytes))));
    expect(readLogsRequest(new Uint8Array())).toEqual({ resourceLogs: [] });
  });

  it('throws on bytes that are not a protobuf message', () => {
    const bytes = encodeRequest('logs', REQUEST);
    expect(() => readLogsRequest(bytes.subarray(0, bytes.length - 5))).toThrow();
    expect(() => readLogsRequest(Buffer.from('{"resourceLogs": []}'))).toThrow();
  });

  it('throws at once on a broken attribute of a record the routing would not read (an INFO one)', () => {
    // An attribute (field 6) whose value (field 2) holds a string claiming 127 bytes: every length around it is
    // right, so only reading into the attribute finds the string running past the end.
    const attribute = Buffer.from([0x0a, 0x01, 0x6b, 0x12, 0x02, 0x0a, 0x7f]);
    const record = Buffer.concat([Buffer.from([0x10, 0x09, 0x32, attribute.length]), attribute]);
    const scope = Buffer.concat([Buffer.from([0x12, record.length]), record]);
    const resource = Buffer.concat([Buffer.from([0x12, scope.length]), scope]);
    const request = Buffer.concat([Buffer.from([0x0a, resource.length]), resource]);
    expect(() => readLogsRequest(request)).toThrow(RangeError);
    // And a string of the record itself (severity text) running past the end.
    const cut = Buffer.from([0x0a, 0x08, 0x12, 0x06, 0x12, 0x04, 0x1a, 0x0a, 0x45, 0x52]);
    expect(() => readLogsRequest(cut)).toThrow(RangeError);
  });
});
