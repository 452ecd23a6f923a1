import { randomBytes } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { withEm, withPgTx, withTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { DAY_MS } from '../../shared/durations.js';
import { AppError, parseInput } from '../../shared/errors.js';
import { decodeOtlp, type OtlpEncoding } from './otlp/otlp-decode.js';
import type { OtlpSignal } from './otlp/otlp-proto.js';
import { extraRuleProblem } from './redaction.calc.js';
import { dayOf, dayOfPartition, type LogEntryRow, telemetryStore } from './telemetry.store.js';
import {
  DEFAULT_RETENTION_DAYS,
  type IngestOutcome,
  type LogEntryDto,
  type LogLevel,
  type LogPage,
  logQuerySchema,
  MAX_EVENTS,
  type MetricSink,
  type PurgeReport,
  type RecentError,
  type TelemetrySettings,
  telemetryEventsSchema,
  telemetrySettingsSchema,
} from './telemetry.types.js';
import { TelemetryIngest } from './telemetry-ingest.js';

/** What the telemetry domain is given. */
export interface TelemetryDeps {
  /** The tenant's settings (TenantsService.settings); the `telemetry` key is read. */
  settings: (tenantId: string) => Promise<Record<string, unknown>>;
  /** Where every metric point goes (Silver's aggregator; a CollectingSink until it is wired). */
  sink: MetricSink;
  /** TELEMETRY_HASH_SECRET; unset: generated at first use and kept in `install_secrets`. */
  hashSecret?: string | undefined;
}

const toDto = (r: LogEntryRow): LogEntryDto => ({
  id: r.id,
  time: new Date(r.time).toISOString(),
  service: r.service,
  level: r.level as LogLevel,
  message: r.message,
  context: r.context ?? {},
  traceId: r.trace_id,
  spanId: r.span_id,
  userHash: r.user_hash,
  durationMs: r.duration_ms,
  incidentId: r.incident_id,
});

const encodeCursor = (r: LogEntryRow) =>
  Buffer.from(`${new Date(r.time).toISOString()}|${r.id}`).toString('base64url');

function decodeCursor(cursor: string): { time: Date; id: string } {
  const [time, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const at = new Date(time ?? '');
  if (!id || !/^\d{1,19}$/.test(id) || Number.isNaN(at.getTime())) {
    throw AppError.validation('The cursor is not valid.', [{ field: 'cursor', message: 'not a cursor' }]);
  }
  return { time: at, id };
}

/**
 * Bronze: the raw ERROR/FATAL logs, error spans and slow spans and events of the last days, in day partitions,
 * read by people (REST), by incidents (recent errors, evidence) and purged by the janitor (`purgeBronze`).
 */
export class TelemetryService {
  private secret: Promise<string> | undefined;
  /** This process's ingestion engine (group commit to Bronze, metric buffer). */
  readonly ingestion: TelemetryIngest;

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly deps: TelemetryDeps,
  ) {
    this.ingestion = new TelemetryIngest({
      encode: (rows) => telemetryStore.copyData(rows),
      insert: (pieces, rows) => withPgTx(this.orm, 'system', (tx) => telemetryStore.copy(tx, pieces, rows)),
      ensurePartitions: (days) => this.ensurePartitions(days),
      sink: () => this.deps.sink,
      settings: (tenantId) => this.settings(tenantId),
      hashSecret: () => this.hashSecret(),
    });
  }

  /** An OTLP/HTTP export (`POST /v1/logs`, `/v1/metrics`, `/v1/traces`); answers once its Bronze rows are committed. */
  async ingestOtlp(
    actor: Actor,
    signal: OtlpSignal,
    encoding: OtlpEncoding,
    body: Uint8Array,
  ): Promise<IngestOutcome> {
    authorize(actor, 'telemetry:write');
    const request = decodeOtlp(signal, encoding, body);
    return this.ingestion.ingest(actor.tenantId, this.clock.now(), { signal, body: request });
  }

  /** A plain JSON batch of events (`POST /api/v1/telemetry/events`). */
  async ingestEvents(actor: Actor, input: unknown): Promise<IngestOutcome> {
    authorize(actor, 'telemetry:write');
    const events = parseInput(
      telemetryEventsSchema,
      input,
      `The events are not valid (at most ${MAX_EVENTS} per request).`,
    );
    return this.ingestion.ingest(actor.tenantId, this.clock.now(), { signal: 'events', body: events });
  }

  /** Hands the buffered metric points to the sink now (tests, shutdown). */
  flushMetrics(): void {
    this.ingestion.metrics.flush();
  }

  /** The tenant's telemetry settings, for people who may read settings. */
  async settingsFor(actor: Actor): Promise<TelemetrySettings> {
    authorize(actor, 'settings:read');
    return this.settings(actor.tenantId);
  }

  /** Checks a new `telemetry` settings value (extra redaction rules' regexes too): the parsed value, or a 400. */
  parseSettings(input: unknown): TelemetrySettings {
    const parsed = parseInput(telemetrySettingsSchema, input ?? {}, 'The telemetry settings are not valid.');
    const problems = parsed.extraRedactionRules.flatMap((r, i) => {
      const why = extraRuleProblem(r);
      return why
        ? [{ field: `telemetry.extraRedactionRules.${i}.pattern`, message: `"${r.name}" ${why}` }]
        : [];
    });
    if (problems.length > 0) {
      throw AppError.validation(
        `An extra redaction rule ${problems[0]?.message.replace(/^"[^"]*" /, '')}.`,
        problems,
      );
    }
    return parsed;
  }

  /** Where metric points go (Silver's aggregator once wired). */
  get sink(): MetricSink {
    return this.deps.sink;
  }

  /** The HMAC key of user ids: TELEMETRY_HASH_SECRET, else one generated at first use and kept in the database. */
  hashSecret(): Promise<string> {
    if (this.deps.hashSecret) return Promise.resolve(this.deps.hashSecret);
    this.secret ??= withPgTx(this.orm, 'system', (tx) =>
      telemetryStore.installSecret(tx, 'telemetry_hash', randomBytes(32).toString('base64url')),
    ).catch((err: unknown) => {
      this.secret = undefined;
      throw err;
    });
    return this.secret;
  }

  /** The tenant's telemetry settings (defaults for what is unset). */
  async settings(tenantId: string): Promise<TelemetrySettings> {
    const raw = (await this.deps.settings(tenantId)).telemetry ?? {};
    const parsed = telemetrySettingsSchema.safeParse(raw);
    return parsed.success ? parsed.data : telemetrySettingsSchema.parse({});
  }

  /** The newest ERROR/FATAL rows of a service (system scope: for incidents and burn alerts). */
  async recentErrors(tenantId: string, service: string, limit: number, now: Date): Promise<RecentError[]> {
    const rows = await withEm(this.orm, { tenantId }, (em) =>
      telemetryStore.recentErrors(em, tenantId, service, limit, now),
    );
    return rows.map((r) => ({
      at: new Date(r.time),
      level: r.level as LogLevel,
      message: r.message,
      traceId: r.trace_id,
    }));
  }

  /**
   * Links the newest `limit` ERROR/FATAL rows of a service to an incident: they become its evidence, kept in
   * `log_evidence` as long as the incident whatever Bronze's retention. Answers how many were linked.
   */
  attachEvidence(
    tenantId: string,
    incidentId: string,
    service: string,
    limit: number,
    now: Date,
  ): Promise<number> {
    return withTx(this.orm, { tenantId }, (em) =>
      telemetryStore.attachEvidence(em, tenantId, incidentId, service, limit, now),
    );
  }

  /** An incident's evidence (tenant scope). */
  async evidence(tenantId: string, incidentId: string): Promise<LogEntryDto[]> {
    const rows = await withEm(this.orm, { tenantId }, (em) =>
      telemetryStore.evidence(em, tenantId, incidentId),
    );
    return rows.map(toDto);
  }

  /** A page of a service's Bronze rows, newest first (`GET /api/v1/services/{name}/logs`). */
  async listLogs(actor: Actor, service: string, input: unknown): Promise<LogPage> {
    authorize(actor, 'telemetry:read');
    const q = parseInput(logQuerySchema, input, 'The log query is not valid.');
    const now = this.clock.now();
    const to = q.to ? new Date(q.to) : new Date(now.getTime() + 60_000);
    const kept = new Date(now.getTime() - (await this.settings(actor.tenantId)).retentionDays * DAY_MS);
    const asked = q.from ? new Date(q.from) : new Date(to.getTime() - DAY_MS);
    if (asked >= to)
      throw AppError.validation('"from" must be before "to".', [{ field: 'from', message: 'after to' }]);
    // Rows past the tenant's retention are not shown, even while their day's partition is still there.
    const from = asked < kept ? kept : asked;
    if (from >= to) return { items: [], nextCursor: null };
    const after = q.cursor ? decodeCursor(q.cursor) : undefined;
    const rows = await withEm(this.orm, { tenantId: actor.tenantId }, (em) =>
      telemetryStore.list(em, actor.tenantId, {
        service,
        from,
        to,
        level: q.level,
        q: q.q,
        limit: q.limit + 1,
        after,
      }),
    );
    const page = rows.slice(0, q.limit);
    const last = page.at(-1);
    return { items: page.map(toDto), nextCursor: rows.length > q.limit && last ? encodeCursor(last) : null };
  }

  /** Makes sure the partitions of `days` exist (the writer, on demand). */
  async ensurePartitions(days: readonly Date[]): Promise<void> {
    for (const day of days)
      await withPgTx(this.orm, 'system', (tx) => telemetryStore.ensurePartition(tx, day));
  }

  /**
   * Drops every whole day partition older than the retention before `now` (each in its own short transaction
   * with a bounded lock wait, copying its incident-linked rows to evidence first) and creates today + 2 days
   * ahead. Partitions hold every tenant's rows, so the retention applied is the longest of `retentionDays` (the
   * install's, 3–30) and every tenant's `retentionDays` setting; a tenant with a shorter one no longer sees older
   * rows (reads stop at its retention) until their day is dropped. Safe on several replicas (advisory lock: the
   * others do nothing). A partition whose lock cannot be had within 2 s is left for the next run.
   */
  async purgeBronze(now: Date, retentionDays: number = DEFAULT_RETENTION_DAYS): Promise<PurgeReport> {
    const longest = await withEm(this.orm, 'system', (em) => telemetryStore.longestTenantRetention(em));
    const days = Math.min(30, Math.max(3, Math.floor(retentionDays), longest ?? 0));
    const cutoff = new Date(dayOf(now).getTime() - days * DAY_MS);
    const report: PurgeReport = { droppedPartitions: [], keptEvidence: 0 };
    const today = dayOf(now).getTime();
    await this.ensurePartitions([0, 1, 2].map((d) => new Date(today + d * DAY_MS)));
    const names = await withEm(this.orm, 'system', (em) => telemetryStore.partitions(em));
    for (const name of names) {
      const day = dayOfPartition(name);
      // A partition holds [day, day + 1): it is whole-expired when its end is at or before the cutoff.
      if (!day || day.getTime() + DAY_MS > cutoff.getTime()) continue;
      try {
        const kept = await withTx(this.orm, 'system', async (em) => {
          if (!(await telemetryStore.tryPurgeLock(em))) return null;
          return telemetryStore.dropPartition(em, name, now);
        });
        if (kept === null) break;
        report.droppedPartitions.push(name);
        report.keptEvidence += kept;
      } catch (err) {
        if (isLockTimeout(err)) continue;
        throw err;
      }
    }
    return report;
  }
}

const isLockTimeout = (err: unknown) =>
  typeof err === 'object' && err !== null && (err as { code?: unknown }).code === '55P03';
