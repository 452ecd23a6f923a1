import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * OTLP's protobuf encoding, from the official .proto files vendored in ./proto (see its README): requests decoded
 * to plain objects in OTLP's field names (camelCase, 64-bit integers as decimal strings, ids as bytes), answers
 * encoded from plain objects.
 */

/** The repository's root: the nearest folder above this module with a package.json (sources and bundle alike). */
function packageRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 10; i++) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error('OpsWatch: no package.json above the telemetry module');
}

const PROTO_DIR = path.join(packageRoot(), 'src', 'domains', 'telemetry', 'otlp', 'proto');

let root: protobuf.Root | undefined;
function loaded(): protobuf.Root {
  if (root) return root;
  const r = new protobuf.Root();
  r.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(PROTO_DIR, target));
  r.loadSync(
    [
      'opentelemetry/proto/collector/logs/v1/logs_service.proto',
      'opentelemetry/proto/collector/metrics/v1/metrics_service.proto',
    ],
    { keepCase: false },
  );
  r.resolveAll();
  root = r;
  return r;
}

const type = (name: string) => loaded().lookupType(name);

/**
 * 64-bit integers as numbers: four times faster than as strings, and exact to the millisecond for Unix nanos
 * (integers past 2^53 lose their last digits, as they would in JSON).
 */
const TO_OBJECT: protobuf.IConversionOptions = { longs: Number, enums: Number };
/** Answers are read as OTLP/JSON writes them (int64 as decimal strings). */
const RESPONSE_TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: Number };

export type OtlpSignal = 'logs' | 'metrics';

const REQUEST: Record<OtlpSignal, string> = {
  logs: 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest',
  metrics: 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
};
const RESPONSE: Record<OtlpSignal, string> = {
  logs: 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse',
  metrics: 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse',
};

/** Decodes an export request; throws on bytes that are not one. */
export function decodeRequest(signal: OtlpSignal, bytes: Uint8Array): Record<string, unknown> {
  const t = type(REQUEST[signal]);
  return t.toObject(t.decode(bytes), TO_OBJECT) as Record<string, unknown>;
}

/** Encodes an export request (benches and tests build theirs with it). */
export function encodeRequest(signal: OtlpSignal, request: Record<string, unknown>): Uint8Array {
  const t = type(REQUEST[signal]);
  return t.encode(t.fromObject(request)).finish();
}

/** Encodes an export response (`{}` or `{partialSuccess: {...}}`). */
export function encodeResponse(signal: OtlpSignal, response: Record<string, unknown>): Uint8Array {
  const t = type(RESPONSE[signal]);
  return t.encode(t.fromObject(response)).finish();
}

/** Decodes an export response (tests). */
export function decodeResponse(signal: OtlpSignal, bytes: Uint8Array): Record<string, unknown> {
  const t = type(RESPONSE[signal]);
  return t.toObject(t.decode(bytes), RESPONSE_TO_OBJECT) as Record<string, unknown>;
}
