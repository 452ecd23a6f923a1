import type { Actor } from '../../shared/actor.js';
import type { IngestResult } from './alerts.ingest.js';
import type { NormalizedAlert } from './alerts.types.js';

/** Alerts above which queued requests wait for the next transaction instead of joining this one. */
const MAX_BATCH_ALERTS = 5_000;

interface Pending {
  alerts: NormalizedAlert[];
  resolve(r: IngestResult): void;
  reject(e: unknown): void;
}

interface Lane {
  actor: Actor;
  queue: Pending[];
  /** Alerts in `queue`. */
  queued: number;
  running: number;
}

/** Stores several requests' alerts in one transaction; one result per request. */
export type BatchRunner = (actor: Actor, requests: NormalizedAlert[][]) => Promise<IngestResult[]>;

/**
 * Group commit for webhooks: while one transaction for a (tenant, caller) is in flight, requests that arrive
 * queue up and are stored together in the next one. A lone request runs at once; under load, N concurrent
 * requests cost one transaction instead of N. Every request is answered only after the transaction holding its
 * alerts has committed. If a combined transaction fails for any reason but an outage, its requests are
 * retried one by one, so one bad request never fails its neighbours.
 *
 * A second transaction starts beside a running one only for enough queued alerts (`minAlertsToOverlap`): a few
 * small requests wait for the running transaction and go together in the next one, which costs the database
 * less per alert than two smaller transactions side by side (a transaction's fixed cost is most of a small
 * request's), and keeps both processes' wake-ups per request down on a busy machine.
 */
export class IngestBatcher {
  private readonly lanes = new Map<string, Lane>();

  /**
   * @param maxInFlight transactions in flight per lane: while one waits on the database the next is prepared.
   *   Requests that are in flight together were sent concurrently, so no ordering between them is lost.
   * @param minAlertsToOverlap queued alerts it takes to start a transaction while another of the lane is in
   *   flight. Overlapping pays when the alerts' own work outweighs a transaction's fixed cost; a few small
   *   requests are cheaper to wait for the running transaction and go together in the next one.
   */
  constructor(
    private readonly run: BatchRunner,
    private readonly isOutage: (err: unknown) => boolean,
    private readonly maxInFlight = 2,
    private readonly minAlertsToOverlap = 1,
  ) {}

  submit(actor: Actor, alerts: NormalizedAlert[]): Promise<IngestResult> {
    const key = `${actor.tenantId}|${actor.kind}|${actor.id ?? ''}|${actor.name}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { actor, queue: [], queued: 0, running: 0 };
      this.lanes.set(key, lane);
    }
    const promise = new Promise<IngestResult>((resolve, reject) =>
      lane.queue.push({ alerts, resolve, reject }),
    );
    lane.queued += alerts.length;
    if (lane.running < this.maxInFlight && this.mayStart(lane)) void this.drain(key, lane);
    return promise;
  }

  /** A lane's first transaction starts at once; another only for enough queued alerts. */
  private mayStart(lane: Lane): boolean {
    return lane.running === 0 || lane.queued >= this.minAlertsToOverlap;
  }

  private async drain(key: string, lane: Lane): Promise<void> {
    lane.running++;
    try {
      // A runner that is not alone stops when too little is queued; the other one takes the rest.
      while (lane.queue.length && (lane.running === 1 || lane.queued >= this.minAlertsToOverlap)) {
        const batch: Pending[] = [];
        let size = 0;
        while (
          lane.queue.length &&
          (batch.length === 0 || size + lane.queue[0]!.alerts.length <= MAX_BATCH_ALERTS)
        ) {
          const next = lane.queue.shift()!;
          batch.push(next);
          size += next.alerts.length;
          lane.queued -= next.alerts.length;
        }
        await this.runBatch(lane, batch);
      }
    } finally {
      lane.running--;
      if (lane.running === 0 && lane.queue.length === 0) this.lanes.delete(key);
    }
  }

  private async runBatch(lane: Lane, batch: Pending[]): Promise<void> {
    let results: IngestResult[];
    try {
      results = await this.run(
        lane.actor,
        batch.map((p) => p.alerts),
      );
    } catch (err) {
      if (batch.length === 1 || this.isOutage(err)) {
        for (const p of batch) p.reject(err);
        return;
      }
      for (const p of batch) {
        try {
          const [result] = await this.run(lane.actor, [p.alerts]);
          p.resolve(result!);
        } catch (e) {
          p.reject(e);
        }
      }
      return;
    }
    for (const [i, p] of batch.entries()) p.resolve(results[i]!);
  }
}
