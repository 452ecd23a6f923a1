import { BronzeWriter } from './bronze-writer.js';
import {
  emptyRouted,
  type IngestContext,
  type Routed,
  reasonsText,
  routeEvents,
  routeLogs,
} from './ingest.calc.js';
import { MetricBuffer } from './metric-buffer.js';
import { CumulativeTracker, routeMetrics } from './otlp/otlp-metrics.calc.js';
import { routeSpans } from './otlp/otlp-traces.calc.js';
import { BUILTIN_RULES, compileRedactor, extraRules, hashUserId, type Redactor } from './redaction.calc.js';
import type { BronzeRow } from './telemetry.store.js';
import type { IngestOutcome, MetricSink, TelemetryEvent, TelemetrySettings } from './telemetry.types.js';

/** What the ingestion engine needs from around it. */
export interface IngestPorts {
  encode(rows: readonly BronzeRow[]): Buffer;
  insert(pieces: readonly Buffer[], rows: number): Promise<void>;
  ensurePartitions(days: readonly Date[]): Promise<void>;
  sink(): MetricSink;
  settings(tenantId: string): Promise<TelemetrySettings>;
  hashSecret(): Promise<string>;
}

export type Request =
  | { signal: 'logs'; body: unknown }
  | { signal: 'metrics'; body: unknown }
  | { signal: 'traces'; body: unknown }
  | { signal: 'events'; body: readonly TelemetryEvent[] };

/**
 * The ingestion engine of one process: routes each request (pure, ingest.calc.ts), writes its Bronze rows by
 * group commit (answering after they are committed) and buffers its metric points for about a second before
 * the sink gets them.
 */
export class TelemetryIngest {
  readonly bronze: BronzeWriter;
  readonly metrics: MetricBuffer;
  private readonly tracker = new CumulativeTracker();
  private readonly redactors = new Map<string, { key: string; redactor: Redactor }>();
  private readonly builtin = compileRedactor(BUILTIN_RULES);
  /** User id → its hash (the key does not change while the process runs); emptied when it grows past 50,000. */
  private readonly userHashes = new Map<string, string>();

  constructor(private readonly ports: IngestPorts) {
    this.bronze = new BronzeWriter({
      encode: (r) => ports.encode(r),
      insert: (p, n) => ports.insert(p, n),
      ensurePartitions: (d) => ports.ensurePartitions(d),
    });
    this.metrics = new MetricBuffer(() => ports.sink());
  }

  /** The tenant's redactor: the built-in rules and its extra ones, compiled once per change. */
  private redactorFor(tenantId: string, settings: TelemetrySettings): Redactor {
    if (settings.extraRedactionRules.length === 0) return this.builtin;
    const key = JSON.stringify(settings.extraRedactionRules);
    const hit = this.redactors.get(tenantId);
    if (hit?.key === key) return hit.redactor;
    const redactor = compileRedactor([...BUILTIN_RULES, ...extraRules(settings.extraRedactionRules)]);
    this.redactors.set(tenantId, { key, redactor });
    return redactor;
  }

  private hashUser(secret: string, id: string): string {
    let hash = this.userHashes.get(id);
    if (hash === undefined) {
      if (this.userHashes.size >= 50_000) this.userHashes.clear();
      hash = hashUserId(secret, id);
      this.userHashes.set(id, hash);
    }
    return hash;
  }

  async ingest(tenantId: string, now: Date, req: Request): Promise<IngestOutcome> {
    const settings = await this.ports.settings(tenantId);
    const secret = await this.ports.hashSecret();
    // Returned, not awaited here, so this frame (and the request it holds) ends before the commit.
    return answerOnCommit(this.route({ tenantId, now, settings, secret }, req));
  }

  /**
   * Routes a request and hands its points and Bronze rows over, in one go: neither the request nor its rows are
   * held while the rows' group commits (they are garbage by then, not objects the collector copies meanwhile).
   */
  private route(
    base: { tenantId: string; now: Date; settings: TelemetrySettings; secret: string },
    req: Request,
  ): { outcome: IngestOutcome; committed: Promise<void> } {
    const { tenantId, now, settings, secret } = base;
    const redactor = this.redactorFor(tenantId, settings);
    const ctx: IngestContext = {
      tenantId,
      now,
      settings,
      redactor,
      hashUser: (id) => this.hashUser(secret, id),
    };
    let routed: Routed;
    if (req.signal === 'logs') routed = routeLogs(ctx, req.body);
    else if (req.signal === 'metrics')
      routed = routeMetrics({ tenantId, now, redactor, tracker: this.tracker }, req.body, emptyRouted());
    else if (req.signal === 'traces') routed = routeSpans(ctx, req.body);
    else routed = routeEvents(ctx, req.body);
    this.metrics.add(routed.points);
    const committed = this.bronze.write(routed.rows);
    return {
      committed,
      outcome: {
        accepted: routed.accepted,
        rejected: routed.rejected,
        errorMessage: reasonsText(routed),
        bronze: routed.rows.length,
        points: routed.points.length,
      },
    };
  }
}

/** The outcome, once the rows are committed. */
async function answerOnCommit(r: {
  outcome: IngestOutcome;
  committed: Promise<void>;
}): Promise<IngestOutcome> {
  await r.committed;
  return r.outcome;
}
