import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { isUnavailable, withEm, withPgTx } from '../../db/tx.js';
import type { Actor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import type { Clock } from '../../shared/clock.js';
import { AppError } from '../../shared/errors.js';
import { type IncidentIngestPort, type IncidentRef, incidentRef } from '../incidents/index.js';
import { type IngestResult, ingestInTx } from './alerts.ingest.js';
import { alertsStore } from './alerts.store.js';
import type { NormalizedAlert } from './alerts.types.js';
import { IngestBatcher } from './ingest-batcher.js';
import { type IngestionSettings, ingestionSettingsSchema } from './ingestion-settings.js';
import { OpenIncidentHints } from './open-incident-hints.js';

/**
 * Queued alerts worth a second transaction while one is in flight. A transaction costs ~0.6 ms of CPU
 * (Node and PostgreSQL) before any alert, an alert ~50 µs; below ~50 alerts, waiting and going together is
 * cheaper than overlapping (bench/ingest single phase: 5.4k -> 6.3k alerts/s at 30% less PostgreSQL CPU, with
 * 100-alert batches still overlapping).
 */
const OVERLAP_MIN_ALERTS = 50;

const incidentOf = (id: string | null, refs: Map<string, IncidentRef>) => {
  const ref = id ? refs.get(id) : undefined;
  return ref ? { id: ref.id, ref: incidentRef(ref.number) } : null;
};

export type SettingsProvider = (tenantId: string) => Promise<Record<string, unknown>>;

export class AlertsService {
  private readonly batcher: IngestBatcher;
  private readonly hints = new OpenIncidentHints();

  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly settingsOf: SettingsProvider,
    /** The incidents' side of ingestion: group locks, and what the alerts did to their incidents. */
    private readonly incidents: IncidentIngestPort,
  ) {
    this.batcher = new IngestBatcher(
      (actor, requests, committing) => this.ingestMany(actor, requests, committing),
      isUnavailable,
      2,
      OVERLAP_MIN_ALERTS,
    );
  }

  /** The ingestion settings, as someone reads them (`GET /api/v1/settings`). */
  async settingsFor(actor: Actor): Promise<IngestionSettings> {
    authorize(actor, 'settings:read');
    return this.settings(actor.tenantId);
  }

  async settings(tenantId: string): Promise<IngestionSettings> {
    const raw = (await this.settingsOf(tenantId)).ingestion ?? {};
    const parsed = ingestionSettingsSchema.safeParse(raw);
    return parsed.success ? parsed.data : ingestionSettingsSchema.parse({});
  }

  /**
   * Stores one webhook's alert events: deduplicates, groups new alerts into incidents, ends resolved episodes
   * (resolving incidents whose alerts all resolved) and applies acknowledgements. Concurrent calls share a
   * transaction (group commit). Resolves only after the commit.
   */
  async ingest(actor: Actor, alerts: NormalizedAlert[]): Promise<IngestResult> {
    authorize(actor, 'webhook:send');
    return this.batcher.submit(actor, alerts);
  }

  /**
   * Alert events OpsWatch raises itself (a missed heartbeat, its recovery), in the caller's transaction: stored,
   * deduplicated, grouped and turned into incidents exactly as a webhook's are, so they are routed to Slack and
   * escalate like any other. No permission check: the caller is a domain acting on its own rows. The numbers of
   * incidents opened are known only after the caller's commit (0 in the result until then).
   */
  async raiseInTx(em: Em, actor: Actor, alerts: NormalizedAlert[]): Promise<IngestResult> {
    const settings = await this.settings(actor.tenantId);
    // No shared hints: the caller's transaction may yet roll back after this, leaving a guess of an incident that
    // never was. Without guesses every group's open incident is read under its lock (rare events: no cost).
    const hints = new OpenIncidentHints();
    const outcome = await ingestInTx(em, actor, [alerts], settings, this.clock.now(), this.incidents, hints);
    return outcome.results[0]!;
  }

  /**
   * Several requests' events in one transaction; one result per request. `committing` is called once a
   * transaction that opened incidents has sent its COMMIT (the group-commit batcher starts the next batch then).
   */
  async ingestMany(
    actor: Actor,
    requests: NormalizedAlert[][],
    committing?: () => void,
  ): Promise<IngestResult[]> {
    const settings = await this.settings(actor.tenantId);
    // Only a transaction that opened incidents lets the next batch start beside its COMMIT: the next batch's
    // alerts mostly belong to other groups then. One that joined open incidents holds the group locks the next
    // batch most likely needs first, so starting it would only split the queue into smaller transactions.
    let opened = false;
    try {
      const outcome = await withPgTx(
        this.orm,
        { tenantId: actor.tenantId },
        async (tx) => {
          const o = await ingestInTx(
            tx,
            actor,
            requests,
            settings,
            this.clock.now(),
            this.incidents,
            this.hints,
          );
          opened = o.results.some((r) => r.incidents.some((i) => i.created));
          return o;
        },
        { committing: () => opened && committing?.() },
      );
      await outcome.complete;
      return outcome.results;
    } catch (err) {
      this.hints.forget(actor.tenantId);
      throw err;
    }
  }

  async list(actor: Actor, f: { status?: string; source?: string; service?: string; limit: number }) {
    authorize(actor, 'alert:read');
    if (f.status && !['firing', 'resolved'].includes(f.status)) {
      throw AppError.validation('status must be firing or resolved', [
        { field: 'status', message: 'expected firing or resolved' },
      ]);
    }
    const { rows, refs } = await withEm(this.orm, { tenantId: actor.tenantId }, async (em) => {
      const rows = await alertsStore.list(em, actor.tenantId, f);
      const ids = rows.flatMap((r) => (r.incident_id ? [r.incident_id] : []));
      return { rows, refs: await this.incidents.refs(em, actor.tenantId, ids) };
    });
    return rows.map((r) => ({
      id: r.id,
      incident: incidentOf(r.incident_id, refs),
      source: r.source,
      dedupKey: r.dedup_key,
      status: r.status,
      title: r.title,
      service: r.service,
      environment: r.environment,
      severity: r.severity,
      labels: r.labels,
      firstSeenAt: new Date(r.first_seen_at).toISOString(),
      lastSeenAt: new Date(r.last_seen_at).toISOString(),
      resolvedAt: r.resolved_at ? new Date(r.resolved_at).toISOString() : null,
      occurrences: r.occurrences,
    }));
  }
}
