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
  /** Running transactions whose own work is done and whose COMMIT is on its way (see BatchRunner). */
  committing: number;
}

/**
 * Stores several requests' alerts in one transaction; one result per request. Calls `committing` (at most once
 * per attempt, any number of times in all) when the transaction has done its work and sent COMMIT: from then on
 * it only waits for the server to make it durable, so the next batch may start beside it.
 */
export type BatchRunner = (
  actor: Actor,
  requests: NormalizedAlert[][],
  committing: () => void,
) => Promise<IngestResult[]>;

/**
 * Group commit for webhooks: while one transaction for a (tenant, caller) is in flight, requests that arrive
 * queue up and are stored together in the next one. A lone request runs at once; under load, N concurrent
 * requests cost one transaction instead of N. Every request is answered only after the transaction holding its
 * alerts has committed. If a combined transaction fails for any reason but an outage, its requests are
 * retried one by one, so one bad request never fails its neighbours.
 *
 * A transaction that has sent its COMMIT no longer holds the lane up: the requests queued meanwhile start the
 * next one while the server flushes the first to disk, so a commit's wait is spent on the next batch instead of
 * idling (the batch still answers only once its own COMMIT has succeeded). The next one takes the group locks it
 * shares with the committing one only after that COMMIT, as any two concurrent transactions do.
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
      lane = { actor, queue: [], queued: 0, running: 0, committing: 0 };
      this.lanes.set(key, lane);
    }
    const promise = new Promise<IngestResult>((resolve, reject) =>
      lane.queue.push({ alerts, resolve, reject }),
    );
    lane.queued += alerts.length;
    if (lane.running < this.maxInFlight && this.mayStart(lane)) void this.drain(key, lane);
    return promise;
  }

  /**
   * A lane's first transaction starts at once, and so does one beside transactions that are all committing;
   * another only for enough queued alerts.
   */
  private mayStart(lane: Lane): boolean {
    return lane.running === lane.committing || lane.queued >= this.minAlertsToOverlap;
  }

  private async drain(key: string, lane: Lane): Promise<void> {
    lane.running++;
    try {
      // A runner that is not alone (beside runners that are only committing) stops when too little is queued;
      // the other one takes the rest.
      while (
        lane.queue.length &&
        (lane.running - lane.committing === 1 || lane.queued >= this.minAlertsToOverlap)
      ) {
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
        await this.runBatch(key, lane, batch);
      }
    } finally {
      lane.running--;
      if (lane.running === 0 && lane.queue.length === 0) this.lanes.delete(key);
    }
  }

  /** A `committing` callback for one transaction: counts it as committing once, and lets a next one start. */
  private committingHook(key: string, lane: Lane): { committing: () => void; done: () => void } {
    let counted = false;
    return {
      committing: () => {
        if (counted) return;
        counted = true;
        lane.committing++;
        if (lane.queue.length && lane.running < this.maxInFlight && this.mayStart(lane)) {
          void this.drain(key, lane);
        }
      },
      done: () => {
        if (counted) lane.committing--;
        counted = false;
      },
    };
  }

  private async runOne(key: string, lane: Lane, requests: NormalizedAlert[][]): Promise<IngestResult[]> {
    const hook = this.committingHook(key, lane);
    try {
      return await this.run(lane.actor, requests, hook.committing);
    } finally {
      hook.done();
    }
  }

  private async runBatch(key: string, lane: Lane, batch: Pending[]): Promise<void> {
    let results: IngestResult[];
    try {
      results = await this.runOne(
        key,
        lane,
        batch.map((p) => p.alerts),
      );
    } catch (err) {
      if (batch.length === 1 || this.isOutage(err)) {
        for (const p of batch) p.reject(err);
        return;
      }
      for (const p of batch) {
        try {
          const [result] = await this.runOne(key, lane, [p.alerts]);
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
