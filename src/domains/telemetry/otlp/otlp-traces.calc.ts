import {
  clip,
  contextJson,
  emptyRouted,
  type IngestContext,
  MAX_MESSAGE,
  type Routed,
  reject,
  SEVERITY,
  takeUser,
  timeProblem,
} from '../ingest.calc.js';
import type { LogLevel, MetricPoint } from '../telemetry.types.js';
import { arr, attributes, hexId, isObj, nanosToDate, serviceOf } from './otlp-values.calc.js';

/** The metric every span's duration (ms) feeds, tagged `span.name`, `span.kind` and, when known, `status`/`error`. */
export const SPAN_DURATION_METRIC = 'span.duration';

/** OTLP's Span.SpanKind (a number, or its name in lenient JSON) as a short tag value. */
const KINDS = ['unspecified', 'internal', 'server', 'client', 'producer', 'consumer'] as const;
export function spanKind(v: unknown): string {
  if (typeof v === 'number') return KINDS[v] ?? 'unspecified';
  if (typeof v === 'string') {
    const name = v.replace(/^SPAN_KIND_/, '').toLowerCase();
    return (KINDS as readonly string[]).includes(name) ? name : 'unspecified';
  }
  return 'unspecified';
}

/** Status.StatusCode ERROR (2, or its name). */
const isErrorStatus = (status: unknown) =>
  isObj(status) && (status.code === 2 || status.code === 'STATUS_CODE_ERROR');

/** Unix nanoseconds as a decimal string of digits (OTLP/JSON) or a positive number (protobuf's fixed64); else null. */
function nanos(v: unknown): string | number | null {
  if (typeof v === 'string') return /^\d{1,20}$/.test(v) && !/^0+$/.test(v) ? v : null;
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null;
}

/**
 * A span's duration in ms, to the microsecond: exact for OTLP/JSON's decimal strings (BigInt); protobuf's fixed64
 * arrive as doubles, within 256 ns of the truth at today's instants, which the rounding absorbs. Null without both
 * times; negative when the span ends before it starts.
 */
export function spanMillis(start: unknown, end: unknown): number | null {
  const s = nanos(start);
  const e = nanos(end);
  if (s === null || e === null) return null;
  if (typeof s === 'number' && typeof e === 'number') return Math.round((e - s) / 1000) / 1000;
  const diff = BigInt(e) - BigInt(s);
  const us = diff >= 0n ? (diff + 500n) / 1000n : -((-diff + 500n) / 1000n);
  return Number(us) / 1000;
}

/** An HTTP status code attribute (stable or old semantic conventions), as a tag value. */
function httpStatus(list: unknown): string | null {
  for (const kv of arr(list)) {
    if (!isObj(kv) || (kv.key !== 'http.response.status_code' && kv.key !== 'http.status_code')) continue;
    const v = isObj(kv.value) ? (kv.value.intValue ?? kv.value.stringValue) : undefined;
    if ((typeof v === 'number' || typeof v === 'string') && /^\d{3}$/.test(String(v))) return String(v);
  }
  return null;
}

const validId = (v: unknown, hexLength: number) => hexId(v)?.length === hexLength;

/**
 * Routes an OTLP traces export. Every span's duration becomes a point of `span.duration` (tags: the span's name,
 * redacted, its kind, the HTTP status code when it has one, `error=true` for ERROR status: what an SLA's default
 * error filter counts). A span with ERROR status, or lasting at least the latency threshold, also goes to Bronze
 * (level ERROR, else INFO as slow log records and events; message: its name and status message; context: its
 * attributes, redacted as logs' are). Times are the span's end. Refused: spans without a valid trace id (16 bytes)
 * and span id (8 bytes), without start and end times, ending before they start, or that Bronze could not hold.
 */
export function routeSpans(ctx: IngestContext, request: unknown, out: Routed = emptyRouted()): Routed {
  const root = isObj(request) ? request : {};
  // Span names repeat (a route, an operation): each distinct one is redacted once per request.
  const names = new Map<string, string>();
  for (const rs of arr(root.resourceSpans)) {
    if (!isObj(rs)) continue;
    const service = serviceOf(rs.resource);
    for (const ss of arr(rs.scopeSpans)) {
      if (!isObj(ss)) continue;
      for (const span of arr(ss.spans)) {
        if (!isObj(span)) {
          reject(out, 'spans that are not objects');
          continue;
        }
        if (!validId(span.traceId, 32) || !validId(span.spanId, 16)) {
          reject(out, 'spans without a valid trace id and span id');
          continue;
        }
        const ms = spanMillis(span.startTimeUnixNano, span.endTimeUnixNano);
        const at = nanosToDate(span.endTimeUnixNano);
        if (ms === null || !at) {
          reject(out, 'spans without a start and an end time');
          continue;
        }
        if (ms < 0) {
          reject(out, 'spans that end before they start');
          continue;
        }
        const problem = timeProblem(ctx, at);
        if (problem) {
          reject(out, `spans: ${problem}`);
          continue;
        }
        out.accepted++;
        const name = typeof span.name === 'string' ? span.name : '';
        const error = isErrorStatus(span.status);
        let tagName = names.get(name);
        if (tagName === undefined) {
          tagName = ctx.redactor.redact(clip(name, 200));
          if (names.size < 1000) names.set(name, tagName);
        }
        const tags: Record<string, string> = {
          'span.name': tagName,
          'span.kind': spanKind(span.kind),
        };
        const status = httpStatus(span.attributes);
        if (status) tags.status = status;
        if (error) tags.error = 'true';
        const point: MetricPoint = {
          tenantId: ctx.tenantId,
          service,
          name: SPAN_DURATION_METRIC,
          tags,
          at,
          kind: 'value',
          value: ms,
        };
        out.points.push(point);
        if (!error && ms < ctx.settings.latencyThresholdMs) continue;
        const level: LogLevel = error ? 'ERROR' : 'INFO';
        const statusMessage =
          isObj(span.status) && typeof span.status.message === 'string' ? span.status.message : '';
        const attrs = attributes(span.attributes);
        const userHash = takeUser(ctx, attrs);
        out.rows.push({
          tenantId: ctx.tenantId,
          time: at,
          service,
          level,
          severity: SEVERITY[level],
          message: ctx.redactor.redact(clip(statusMessage ? `${name}: ${statusMessage}` : name, MAX_MESSAGE)),
          context: contextJson(ctx, attrs),
          traceId: hexId(span.traceId),
          spanId: hexId(span.spanId),
          userHash,
          durationMs: ms,
        });
      }
    }
  }
  return out;
}
