import protobuf from 'protobufjs';

/**
 * A direct reader of OTLP's ExportLogsServiceRequest (protobuf) into the plain objects the routing reads, in the
 * shape `decodeRequest` gives (OTLP's camelCase names, 64-bit integers as numbers), without protobufjs's message
 * objects and their conversion to plain ones: half the objects a 1,000-record batch makes, and a third of the
 * time. Ids (trace, span) come as lowercase hex text, as in OTLP/JSON. What the routing does not read (scopes,
 * schema URLs, entity refs, dropped counts, flags) is skipped. Field numbers are those of the vendored .proto files
 * (logs/v1/logs.proto, common/v1/common.proto, resource/v1/resource.proto); a field with an unexpected wire type
 * is skipped. Throws on bytes that are not a protobuf message.
 */

type Obj = Record<string, unknown>;
type Reader = protobuf.Reader;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
/** The tag of field 1 with wire type 2 (length-delimited). */
const FIELD1_BYTES = (1 << 3) | WIRE_BYTES;

/** A fixed64 (nanoseconds) as a number: exact below 2^53, like `longs: Number`. */
function fixed64(r: Reader): number {
  const lo = r.fixed32();
  const hi = r.fixed32();
  return hi * 4294967296 + lo;
}

/** An int64 varint as a number. */
function int64(r: Reader): number {
  const v = r.int64() as unknown;
  return typeof v === 'number' ? v : (v as { toNumber(): number }).toNumber();
}

const hex = (r: Reader): string => {
  const b = r.bytes() as Buffer;
  return Buffer.isBuffer(b) ? b.toString('hex') : Buffer.from(b).toString('hex');
};

const endOf = (r: Reader) => r.uint32() + r.pos;

function anyValue(r: Reader, end: number): Obj {
  let out: Obj = {};
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wire = tag & 7;
    if (no === 1 && wire === WIRE_BYTES) out = { stringValue: r.string() };
    else if (no === 2 && wire === WIRE_VARINT) out = { boolValue: r.bool() };
    else if (no === 3 && wire === WIRE_VARINT) out = { intValue: int64(r) };
    else if (no === 4 && wire === WIRE_FIXED64) out = { doubleValue: r.double() };
    else if (no === 5 && wire === WIRE_BYTES) out = { arrayValue: { values: list(r, endOf(r), anyValue) } };
    else if (no === 6 && wire === WIRE_BYTES) out = { kvlistValue: { values: list(r, endOf(r), keyValue) } };
    else if (no === 7 && wire === WIRE_BYTES) out = { bytesValue: Buffer.from(r.bytes()) };
    else if (no === 8 && wire === WIRE_VARINT) out = { stringValueStrindex: r.int32() };
    else r.skipType(wire);
  }
  return out;
}

/** The repeated message field 1 of a message (ArrayValue, KeyValueList, Resource's attributes) ending at `end`. */
function list(r: Reader, end: number, item: (r: Reader, end: number) => Obj): Obj[] {
  const out: Obj[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === FIELD1_BYTES) out.push(item(r, endOf(r)));
    else r.skipType(tag & 7);
  }
  return out;
}

function keyValue(r: Reader, end: number): Obj {
  const kv: Obj = {};
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wire = tag & 7;
    if (no === 1 && wire === WIRE_BYTES) kv.key = r.string();
    else if (no === 2 && wire === WIRE_BYTES) kv.value = anyValue(r, endOf(r));
    else if (no === 3 && wire === WIRE_VARINT) kv.keyStrindex = r.int32();
    else r.skipType(wire);
  }
  return kv;
}

function logRecord(r: Reader, end: number): Obj {
  const rec: Obj = {};
  const attributes: Obj[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wire = tag & 7;
    if (no === 1 && wire === WIRE_FIXED64) rec.timeUnixNano = fixed64(r);
    else if (no === 11 && wire === WIRE_FIXED64) rec.observedTimeUnixNano = fixed64(r);
    else if (no === 2 && wire === WIRE_VARINT) rec.severityNumber = r.int32();
    else if (no === 3 && wire === WIRE_BYTES) rec.severityText = r.string();
    else if (no === 5 && wire === WIRE_BYTES) rec.body = anyValue(r, endOf(r));
    else if (no === 6 && wire === WIRE_BYTES) attributes.push(keyValue(r, endOf(r)));
    else if (no === 9 && wire === WIRE_BYTES) rec.traceId = hex(r);
    else if (no === 10 && wire === WIRE_BYTES) rec.spanId = hex(r);
    else if (no === 12 && wire === WIRE_BYTES) rec.eventName = r.string();
    else r.skipType(wire);
  }
  if (attributes.length > 0) rec.attributes = attributes;
  return rec;
}

function scopeLogs(r: Reader, end: number): Obj {
  const logRecords: Obj[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((2 << 3) | WIRE_BYTES)) logRecords.push(logRecord(r, endOf(r)));
    else r.skipType(tag & 7);
  }
  return { logRecords };
}

function resourceLogs(r: Reader, end: number): Obj {
  const out: Obj = {};
  const scopes: Obj[] = [];
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === FIELD1_BYTES) out.resource = { attributes: list(r, endOf(r), keyValue) };
    else if (tag === ((2 << 3) | WIRE_BYTES)) scopes.push(scopeLogs(r, endOf(r)));
    else r.skipType(tag & 7);
  }
  out.scopeLogs = scopes;
  return out;
}

/** Reads an ExportLogsServiceRequest; throws (RangeError, Error) on bytes that are not one. */
export function readLogsRequest(bytes: Uint8Array): Obj {
  const buf = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const r = protobuf.Reader.create(buf);
  const resourceLogsList = list(r, r.len, resourceLogs);
  if (r.pos !== r.len) throw new Error('index out of range');
  return { resourceLogs: resourceLogsList };
}
