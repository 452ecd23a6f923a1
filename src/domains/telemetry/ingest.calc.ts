import { DAY_MS, HOUR_MS } from '../../shared/durations.js';
import { storableJson } from '../../shared/storable-text.js';
import {
  type Attrs,
  arr,
  attributes,
  hexId,
  isObj,
  nanosToDate,
  serviceOf,
} from './otlp/otlp-values.calc.js';
import { type Redactor, redactValue, USER_ID_ATTRIBUTES } from './redaction.calc.js';
import type { BronzeRow } from './telemetry.store.js';
import type { LogLevel, MetricPoint, TelemetryEvent, TelemetrySettings } from './telemetry.types.js';

/** What routing a request needs besides the request: the tenant, the time, its settings and how to redact. */
export interface IngestContext {
  tenantId: string;
  now: Date;
  settings: TelemetrySettings;
  redactor: Redactor;
  /** The keyed hash of a user id. */
  hashUser: (userId: string) => string;
}

/** What a request routes where: Bronze rows, metric points, and what it refused (OTLP's partial success). */
export interface Routed {
  rows: BronzeRow[];
  points: MetricPoint[];
  /** Items accepted (log records, data points or events). */
  accepted: number;
  rejected: number;
  /** Why, per reason, for `partialSuccess.errorMessage`. */
  reasons: Map<string, number>;
}

export const emptyRouted = (): Routed => ({
  rows: [],
  points: [],
  accepted: 0,
  rejected: 0,
  reasons: new Map(),
});

export function reject(r: Routed, reason: string, n = 1): void {
  r.rejected += n;
  r.reasons.set(reason, (r.reasons.get(reason) ?? 0) + n);
}

/** `3 log records older than the 7-day retention; 1 …`: OTLP's errorMessage. */
export const reasonsText = (r: Routed): string => [...r.reasons].map(([why, n]) => `${n} ${why}`).join('; ');

export const MAX_MESSAGE = 8192;
const MAX_VALUE = 2048;

/** A severity number's level (OTLP: 1–4 TRACE … 17–20 ERROR, 21–24 FATAL), else the severity text's, else INFO. */
export function levelOf(severityNumber: number | undefined, severityText: unknown): LogLevel {
  const n = severityNumber ?? 0;
  if (n >= 21) return 'FATAL';
  if (n >= 17) return 'ERROR';
  if (n >= 13) return 'WARN';
  if (n >= 9) return 'INFO';
  if (n >= 5) return 'DEBUG';
  if (n >= 1) return 'TRACE';
  const t = typeof severityText === 'string' ? severityText.trim().toUpperCase() : '';
  if (/^(FATAL|CRIT|EMERG|ALERT|PANIC)/.test(t)) return 'FATAL';
  if (t.startsWith('ERR')) return 'ERROR';
  if (t.startsWith('WARN')) return 'WARN';
  if (t.startsWith('DEBUG')) return 'DEBUG';
  if (t.startsWith('TRACE')) return 'TRACE';
  return 'INFO';
}

export const SEVERITY: Record<LogLevel, number> = {
  TRACE: 1,
  DEBUG: 5,
  INFO: 9,
  WARN: 13,
  ERROR: 17,
  FATAL: 21,
};
const isError = (l: LogLevel) => l === 'ERROR' || l === 'FATAL';

/** A time the tenant's Bronze can hold: not older than its retention, not more than an hour ahead. */
export function timeProblem(ctx: IngestContext, at: Date): string | null {
  if (at.getTime() < ctx.now.getTime() - ctx.settings.retentionDays * DAY_MS) {
    return `records older than the ${ctx.settings.retentionDays}-day retention`;
  }
  if (at.getTime() > ctx.now.getTime() + HOUR_MS) return 'records more than an hour in the future';
  return null;
}

/** The user id attribute (removed from the attributes) as its keyed hash. */
export function takeUser(ctx: IngestContext, attrs: Attrs, given?: string): string | null {
  let id = given;
  for (const k of USER_ID_ATTRIBUTES) {
    if (k in attrs) {
      const v = attrs[k];
      if (id === undefined && (typeof v === 'string' || typeof v === 'number')) id = String(v);
      delete attrs[k];
    }
  }
  return id ? ctx.hashUser(id) : null;
}

export const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…` : s);

export function contextJson(ctx: IngestContext, attrs: Attrs): string {
  const out: Attrs = {};
  for (const [k, v] of Object.entries(attrs)) {
    const red = redactValue(ctx.redactor, v);
    out[k] = typeof red === 'string' ? clip(red, MAX_VALUE) : red;
  }
  return storableJson(out);
}

/** A request duration a log record carries (the tenant's duration attribute), as a metric point. */
function durationPoint(ctx: IngestContext, service: string, attrs: Attrs, at: Date): MetricPoint | null {
  const attr = ctx.settings.durationAttribute;
  const v = attr ? attrs[attr] : undefined;
  const ms = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN;
  if (!Number.isFinite(ms) || ms < 0) return null;
  const route = attrs['http.route'] ?? attrs['url.path'] ?? attrs['http.target'];
  const status = attrs['http.response.status_code'] ?? attrs['http.status_code'];
  const tags: Record<string, string> = {};
  if (route !== undefined && route !== null) tags.route = ctx.redactor.redact(String(route));
  if (status !== undefined && status !== null) tags.status = String(status);
  return {
    tenantId: ctx.tenantId,
    service,
    name: ctx.settings.durationMetric,
    tags,
    at,
    kind: 'value',
    value: ms,
  };
}

function bodyText(body: unknown): string {
  if (!isObj(body)) return '';
  if (typeof body.stringValue === 'string') return body.stringValue;
  const v = attributes([{ key: 'b', value: body }]).b;
  return v === null || v === undefined ? '' : JSON.stringify(v);
}

/** Routes an OTLP logs export: ERROR/FATAL and slow records to Bronze (redacted), durations to the sink. */
export function routeLogs(ctx: IngestContext, request: unknown, out: Routed = emptyRouted()): Routed {
  const root = isObj(request) ? request : {};
  for (const rl of arr(root.resourceLogs)) {
    if (!isObj(rl)) continue;
    const service = serviceOf(rl.resource);
    for (const sl of arr(rl.scopeLogs)) {
      if (!isObj(sl)) continue;
      for (const rec of arr(sl.logRecords)) {
        if (!isObj(rec)) {
          reject(out, 'log records that are not objects');
          continue;
        }
        const at = nanosToDate(rec.timeUnixNano) ?? nanosToDate(rec.observedTimeUnixNano) ?? ctx.now;
        const problem = timeProblem(ctx, at);
        if (problem) {
          reject(out, `log ${problem}`);
          continue;
        }
        out.accepted++;
        const level = levelOf(
          typeof rec.severityNumber === 'number' ? rec.severityNumber : undefined,
          rec.severityText,
        );
        // Most records are neither errors nor carry a duration: they are counted and left unread.
        if (!isError(level) && !ctx.settings.durationAttribute) continue;
        const attrs = attributes(rec.attributes);
        const point = ctx.settings.durationAttribute ? durationPoint(ctx, service, attrs, at) : null;
        if (point) out.points.push(point);
        const duration = point?.kind === 'value' ? point.value : null;
        const slow = duration !== null && duration >= ctx.settings.latencyThresholdMs;
        if (!isError(level) && !slow) continue;
        if (typeof rec.eventName === 'string' && rec.eventName) attrs['event.name'] = rec.eventName;
        const userHash = takeUser(ctx, attrs);
        out.rows.push({
          tenantId: ctx.tenantId,
          time: at,
          service,
          level,
          severity:
            typeof rec.severityNumber === 'number' && rec.severityNumber > 0
              ? rec.severityNumber
              : SEVERITY[level],
          message: ctx.redactor.redact(clip(bodyText(rec.body), MAX_MESSAGE)),
          context: contextJson(ctx, attrs),
          traceId: hexId(rec.traceId),
          spanId: hexId(rec.spanId),
          userHash,
          durationMs: duration,
        });
      }
    }
  }
  return out;
}

/** Routes a batch of plain events (`POST /api/v1/telemetry/events`). */
export function routeEvents(ctx: IngestContext, events: readonly TelemetryEvent[]): Routed {
  const out = emptyRouted();
  for (const e of events) {
    const at = e.time ? new Date(e.time) : ctx.now;
    const problem = timeProblem(ctx, at);
    if (problem) {
      reject(out, `events: ${problem}`);
      continue;
    }
    out.accepted++;
    const attrs: Attrs = { ...(e.attributes ?? {}) };
    const tags: Record<string, string> = {};
    for (const [k, v] of Object.entries(attrs)) {
      if (!USER_ID_ATTRIBUTES.includes(k) && v !== null && typeof v !== 'object')
        tags[k] = ctx.redactor.redact(String(v));
    }
    const base = { tenantId: ctx.tenantId, service: e.service, tags, at };
    if (e.name && e.value !== undefined)
      out.points.push({ ...base, name: e.name, kind: 'value', value: e.value });
    if (e.durationMs !== undefined) {
      out.points.push({ ...base, name: `${e.name ?? 'event'}.duration`, kind: 'value', value: e.durationMs });
    }
    const level: LogLevel = e.level ?? 'INFO';
    const slow = e.durationMs !== undefined && e.durationMs >= ctx.settings.latencyThresholdMs;
    if (!isError(level) && !slow) continue;
    if (e.name) attrs['event.name'] = e.name;
    const userHash = takeUser(ctx, attrs, e.userId);
    out.rows.push({
      tenantId: ctx.tenantId,
      time: at,
      service: e.service,
      level,
      severity: SEVERITY[level],
      message: ctx.redactor.redact(clip(e.message ?? e.name ?? '', MAX_MESSAGE)),
      context: contextJson(ctx, attrs),
      traceId: e.traceId ? hexId(e.traceId) : null,
      spanId: null,
      userHash,
      durationMs: e.durationMs ?? null,
    });
  }
  return out;
}
