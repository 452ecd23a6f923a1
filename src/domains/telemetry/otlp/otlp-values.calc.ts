/**
 * OTLP's values as plain data, whichever encoding they came in: protobuf decoded by otlp-proto.ts (ids as bytes,
 * 64-bit integers as decimal strings) or OTLP/JSON (ids as hex, 64-bit integers as strings or numbers).
 */

export type Attrs = Record<string, unknown>;
type Obj = Record<string, unknown>;

export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** A 64-bit integer (string or number) as a number (large ones lose precision, as JSON would). */
export function int64(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

/** A double (numbers, or "NaN"/"Infinity" strings of the JSON mapping, refused). */
export function double(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** Unix nanoseconds (string or number) as a Date (0 or absent: undefined). */
export function nanosToDate(v: unknown): Date | undefined {
  if (typeof v === 'string' && /^\d+$/.test(v)) {
    if (v === '0') return undefined;
    const ms = v.length > 6 ? Number(v.slice(0, -6)) : 0;
    return ms > 0 ? new Date(ms) : undefined;
  }
  if (typeof v === 'number' && v > 0) return new Date(Math.floor(v / 1e6));
  return undefined;
}

/** A trace or span id as lowercase hex: bytes (protobuf) or hex text (JSON); empty or all zero: null. */
export function hexId(v: unknown): string | null {
  let hex: string | null = null;
  if (v instanceof Uint8Array)
    hex = (Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength)).toString('hex');
  else if (typeof v === 'string' && /^[0-9a-fA-F]*$/.test(v)) hex = v.toLowerCase();
  if (!hex || /^0*$/.test(hex) || hex.length > 64) return null;
  return hex;
}

/** An AnyValue as plain JSON data. */
export function anyValue(v: unknown, depth = 0): unknown {
  if (!isObj(v)) return null;
  if ('stringValue' in v) return String(v.stringValue ?? '');
  if ('boolValue' in v) return v.boolValue === true;
  if ('intValue' in v) return int64(v.intValue) ?? null;
  if ('doubleValue' in v) return double(v.doubleValue) ?? null;
  if (depth > 6) return null;
  if ('arrayValue' in v)
    return arr(isObj(v.arrayValue) ? v.arrayValue.values : []).map((x) => anyValue(x, depth + 1));
  if ('kvlistValue' in v) return attributes(isObj(v.kvlistValue) ? v.kvlistValue.values : [], depth + 1);
  if ('bytesValue' in v) {
    const b = v.bytesValue;
    return b instanceof Uint8Array ? Buffer.from(b).toString('base64') : typeof b === 'string' ? b : null;
  }
  return null;
}

/** A list of KeyValue as an object (later keys win). */
export function attributes(list: unknown, depth = 0): Attrs {
  const out: Attrs = {};
  for (const kv of arr(list)) {
    if (isObj(kv) && typeof kv.key === 'string') out[kv.key] = anyValue(kv.value, depth);
  }
  return out;
}

/** The resource's `service.name` (OTLP's default when absent: `unknown_service`). */
export function serviceOf(resource: unknown): string {
  const name = isObj(resource) ? attributes(resource.attributes)['service.name'] : undefined;
  return typeof name === 'string' && name.trim() ? name.trim().slice(0, 200) : 'unknown_service';
}
