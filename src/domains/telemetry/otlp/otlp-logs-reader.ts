import protobuf from 'protobufjs';

/**
 * A direct reader of OTLP's ExportLogsServiceRequest (protobuf) into the plain objects the routing reads, in the
 * shape `decodeRequest` gives (OTLP's camelCase names, 64-bit integers as numbers), without protobufjs's message
 * objects and their conversion to plain ones, and a log record's body, attributes and ids only when the routing
 * asks for them (see LazyLogRecord). Ids (trace, span) come as lowercase hex text, as in OTLP/JSON. What the routing does not read (scopes,
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

/** A string field, decoded by Node; one running past the end throws (protobufjs's Buffer reader would cut it). */
function str(r: Reader): string {
  const len = r.uint32();
  const start = r.pos;
  if (start + len > r.len) throw new RangeError(`index out of range: ${start} + ${len} > ${r.len}`);
  r.pos = start + len;
  return (r.buf as Buffer).toString('utf8', start, start + len);
}

function anyValue(r: Reader, end: number): Obj {
  let out: Obj = {};
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wire = tag & 7;
    if (no === 1 && wire === WIRE_BYTES) out = { stringValue: str(r) };
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
    if (no === 1 && wire === WIRE_BYTES) kv.key = str(r);
    else if (no === 2 && wire === WIRE_BYTES) kv.value = anyValue(r, endOf(r));
    else if (no === 3 && wire === WIRE_VARINT) kv.keyStrindex = r.int32();
    else r.skipType(wire);
  }
  return kv;
}

/** Walks a message ending at `end` without keeping anything, so bytes that are not one throw now, not later. */
function check(
  r: Reader,
  end: number,
  nested: (no: number) => ((r: Reader, end: number) => void) | null,
): void {
  while (r.pos < end) {
    const tag = r.uint32();
    const inner = (tag & 7) === WIRE_BYTES ? nested(tag >>> 3) : null;
    if (inner) inner(r, endOf(r));
    else r.skipType(tag & 7);
  }
}
const checkAnyValue = (r: Reader, end: number): void =>
  check(r, end, (no) => (no === 5 ? checkArray : no === 6 ? checkKvList : null));
const checkKeyValue = (r: Reader, end: number): void =>
  check(r, end, (no) => (no === 2 ? checkAnyValue : null));
const checkArray = (r: Reader, end: number): void => check(r, end, (no) => (no === 1 ? checkAnyValue : null));
const checkKvList = (r: Reader, end: number): void =>
  check(r, end, (no) => (no === 1 ? checkKeyValue : null));

/**
 * A log record whose scalars (times, severity, event name) are read at once and whose body, attributes and ids
 * when first asked for: the routing counts most records (INFO) by time and severity alone, so their attributes
 * and body are never made into objects. Their bytes are checked when the record is read all the same.
 */
class LazyLogRecord {
  declare timeUnixNano?: number;
  declare observedTimeUnixNano?: number;
  declare severityNumber?: number;
  declare severityText?: string;
  declare eventName?: string;
  #rest: Obj | undefined;

  constructor(
    private readonly buf: Buffer,
    private readonly start: number,
    private readonly end: number,
  ) {}

  get body(): unknown {
    return this.read().body;
  }
  get attributes(): unknown {
    return this.read().attributes;
  }
  get traceId(): unknown {
    return this.read().traceId;
  }
  get spanId(): unknown {
    return this.read().spanId;
  }

  /** Gives the record its body, attributes and ids read already (by `logRecord`, for likely-read records). */
  setRest(rest: Obj): void {
    this.#rest = rest;
  }

  private read(): Obj {
    if (this.#rest) return this.#rest;
    const r = protobuf.Reader.create(this.buf);
    r.pos = this.start;
    const rest: Obj = {};
    while (r.pos < this.end) {
      const tag = r.uint32();
      if (isRest(tag >>> 3) && (tag & 7) === WIRE_BYTES) readRest(r, rest, tag >>> 3);
      else r.skipType(tag & 7);
    }
    this.#rest = rest;
    return rest;
  }
}

/** Whether field `no` of a log record is read on demand (body, attributes, ids). */
const isRest = (no: number) => no === 5 || no === 6 || no === 9 || no === 10;

/** Reads field `no` (one of `isRest`, length-delimited) into `rest`. */
function readRest(r: Reader, rest: Obj, no: number): void {
  if (no === 5) rest.body = anyValue(r, endOf(r));
  else if (no === 6) {
    const kv = keyValue(r, endOf(r));
    if (Array.isArray(rest.attributes)) rest.attributes.push(kv);
    else rest.attributes = [kv];
  } else if (no === 9) rest.traceId = hex(r);
  else rest.spanId = hex(r);
}

/**
 * From this severity number on (WARN, ERROR, FATAL) a record's body and attributes are read with its scalars, in
 * one pass: the routing reads most of those anyway. Only a question of speed: a record read lazily gives the same.
 */
const READ_AT_ONCE_FROM = 13;

function logRecord(r: Reader, end: number): LazyLogRecord {
  const rec = new LazyLogRecord(r.buf as Buffer, r.pos, end);
  /** The body, attributes and ids when read at once; `lazy` once one of them was only checked. */
  let rest: Obj | undefined;
  let lazy = false;
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wire = tag & 7;
    if (no === 1 && wire === WIRE_FIXED64) rec.timeUnixNano = fixed64(r);
    else if (no === 11 && wire === WIRE_FIXED64) rec.observedTimeUnixNano = fixed64(r);
    else if (no === 2 && wire === WIRE_VARINT) rec.severityNumber = r.int32();
    else if (no === 3 && wire === WIRE_BYTES) rec.severityText = str(r);
    else if (no === 12 && wire === WIRE_BYTES) rec.eventName = str(r);
    else if (isRest(no) && wire === WIRE_BYTES) {
      if (!lazy && (rest !== undefined || (rec.severityNumber ?? 0) >= READ_AT_ONCE_FROM)) {
        rest ??= {};
        readRest(r, rest, no);
      } else {
        // Left for later (all of them, so nothing is read twice): checked now, so broken bytes throw now.
        lazy = true;
        if (no === 5) checkAnyValue(r, endOf(r));
        else if (no === 6) checkKeyValue(r, endOf(r));
        else r.skipType(wire);
      }
    } else r.skipType(wire);
  }
  if (rest && !lazy) rec.setRest(rest);
  return rec;
}

function scopeLogs(r: Reader, end: number): Obj {
  const logRecords: LazyLogRecord[] = [];
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
