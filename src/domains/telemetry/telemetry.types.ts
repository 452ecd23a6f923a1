import { z } from 'zod';

/** One metric observation for Silver, produced by ingestion (OTLP metrics, events, and durations derived from logs). */
export type MetricPoint = {
  tenantId: string;
  service: string;
  name: string;
  tags: Record<string, string>;
  at: Date;
} & (
  | { kind: 'value'; value: number /** repeat count, default 1 */; count?: number }
  | {
      kind: 'histogram';
      count: number;
      sum: number;
      min?: number;
      max?: number;
      /** Explicit upper bounds (OTLP's `explicitBounds`); `bucketCounts` has one more entry than `bounds`. */
      bounds: number[];
      bucketCounts: number[];
    }
);

/** Where metric points go: in memory, synchronous (Silver implements it; the default only collects). */
export interface MetricSink {
  add(points: readonly MetricPoint[]): void;
}

/** A sink that keeps what it is given (the default until Silver is wired, and tests' witness). */
export class CollectingSink implements MetricSink {
  readonly points: MetricPoint[] = [];
  /** Keeps at most `limit` points (the oldest go first), so an unwired sink cannot grow without bound. */
  constructor(private readonly limit = 100_000) {}
  add(points: readonly MetricPoint[]): void {
    for (const p of points) this.points.push(p);
    if (this.points.length > this.limit) this.points.splice(0, this.points.length - this.limit);
  }
}

export const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A recent error of a service, as incidents and burn alerts show it. */
export interface RecentError {
  at: Date;
  level: LogLevel;
  message: string;
  traceId: string | null;
}

/** What `purgeBronze` did. */
export interface PurgeReport {
  /** Names of the day partitions dropped. */
  droppedPartitions: string[];
  /** Bronze rows linked to an incident copied to `log_evidence` before their partition went. */
  keptEvidence: number;
}

/** A Bronze row as the REST API shows it. */
export interface LogEntryDto {
  id: string;
  time: string;
  service: string;
  level: LogLevel;
  message: string;
  context: Record<string, unknown>;
  traceId: string | null;
  spanId: string | null;
  userHash: string | null;
  durationMs: number | null;
  incidentId: string | null;
}

export interface LogPage {
  items: LogEntryDto[];
  /** Pass as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

export const logQuerySchema = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  level: z.enum(LOG_LEVELS).optional(),
  q: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(200).optional(),
});
export type LogQuery = z.infer<typeof logQuerySchema>;

/** A redaction rule: matches of `pattern` become `placeholder`, unless `check` (by name) refuses the match. */
export interface RedactionRule {
  name: string;
  pattern: RegExp;
  placeholder: string;
  check?: (match: string) => boolean;
}

/** A tenant's extra rule, as settings hold it. */
export const extraRuleSchema = z.object({
  name: z.string().min(1).max(60),
  pattern: z.string().min(1).max(500),
  placeholder: z.string().min(1).max(60),
});
export type ExtraRule = z.infer<typeof extraRuleSchema>;

/** Defaults of the telemetry settings. */
export const DEFAULT_LATENCY_THRESHOLD_MS = 1000;
export const DEFAULT_RETENTION_DAYS = 7;

/** The tenant's telemetry settings (`PUT /api/v1/settings {"telemetry": …}`). */
export const telemetrySettingsSchema = z.object({
  /** Events (and log records carrying a duration) at or over this go to Bronze whatever their level. */
  latencyThresholdMs: z.number().int().min(1).max(3_600_000).default(DEFAULT_LATENCY_THRESHOLD_MS),
  /** A log attribute holding a request duration in ms (e.g. `http.duration_ms`): each becomes a metric point. */
  durationAttribute: z.string().min(1).max(100).nullable().default(null),
  /** The metric those durations feed. */
  durationMetric: z.string().min(1).max(100).default('http.server.duration'),
  /** Days Bronze keeps rows (3–30). */
  retentionDays: z.number().int().min(3).max(30).default(DEFAULT_RETENTION_DAYS),
  /** Redaction rules added to the built-in ones (regexes checked when saved). */
  extraRedactionRules: z.array(extraRuleSchema).max(50).default([]),
});
export type TelemetrySettings = z.infer<typeof telemetrySettingsSchema>;

/** What an ingest request achieved, in OTLP's partial-success terms. */
export interface IngestOutcome {
  accepted: number;
  rejected: number;
  errorMessage: string;
  /** Rows written to Bronze (committed). */
  bronze: number;
  /** Metric points handed to the buffer (the sink gets them within about a second). */
  points: number;
}

/** Events one `POST /api/v1/telemetry/events` may carry. */
export const MAX_EVENTS = 1000;

/** One event of the plain JSON batch for scripts. */
export const telemetryEventSchema = z.object({
  service: z.string().trim().min(1).max(200),
  time: z.iso.datetime({ offset: true }).optional(),
  level: z.enum(LOG_LEVELS).optional(),
  message: z.string().max(65_536).optional(),
  /** A metric name: with `value`, a data point of that metric; with `durationMs`, of `<name>.duration`. */
  name: z.string().min(1).max(200).optional(),
  value: z.number().finite().optional(),
  durationMs: z.number().finite().min(0).optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  traceId: z
    .string()
    .regex(/^[0-9a-fA-F]{32}$/, 'a trace id is 32 hex digits')
    .optional(),
  userId: z.string().min(1).max(200).optional(),
});
export type TelemetryEvent = z.infer<typeof telemetryEventSchema>;

export const telemetryEventsSchema = z.array(telemetryEventSchema).min(1).max(MAX_EVENTS);
