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
  running: number;
}

export type BatchRunner = (actor: Actor, requests: NormalizedAlert[][]) => Promise<IngestResult[]>;

/**
 * Group commit for webhooks: while one transaction for a (tenant, caller) is in flight, requests that arrive
 * queue up and are stored together in the next one. A lone request runs at once; under load, N concurrent
 * requests cost one transaction instead of N. Every request is answered only after the transaction holding its
 * alerts has committed. If a combined transaction fails for any reason but an outage, its requests are
 * retried one by one, so one bad request never fails its neighbours.
 */
export class IngestBatcher {
  private readonly lanes = new Map<string, Lane>();

  /**
   * @param maxInFlight transactions in flight per lane: while one waits on the database the next is prepared.
   *   Requests that are in flight together were sent concurrently, so no ordering between them is lost.
   */
  constructor(
    private readonly run: BatchRunner,
    private readonly isOutage: (err: unknown) => boolean,
    private readonly maxInFlight = 2,
  ) {}

  submit(actor: Actor, alerts: NormalizedAlert[]): Promise<IngestResult> {
    const key = `${actor.tenantId}|${actor.kind}|${actor.id ?? ''}|${actor.name}`;
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { actor, queue: [], running: 0 };
      this.lanes.set(key, lane);
    }
    const promise = new Promise<IngestResult>((resolve, reject) =>
      lane.queue.push({ alerts, resolve, reject }),
    );
    if (lane.running < this.maxInFlight) void this.drain(key, lane);
    return promise;
  }

  private async drain(key: string, lane: Lane): Promise<void> {
    lane.running++;
    try {
      while (lane.queue.length) {
        const batch: Pending[] = [];
        let size = 0;
        while (
          lane.queue.length &&
          (batch.length === 0 || size + lane.queue[0]!.alerts.length <= MAX_BATCH_ALERTS)
        ) {
          const next = lane.queue.shift()!;
          batch.push(next);
          size += next.alerts.length;
        }
        await this.runBatch(lane.actor, batch);
      }
    } finally {
      lane.running--;
      if (lane.running === 0 && lane.queue.length === 0) this.lanes.delete(key);
    }
  }

  private async runBatch(actor: Actor, batch: Pending[]): Promise<void> {
    let results: IngestResult[];
    try {
      results = await this.run(
        actor,
        batch.map((p) => p.alerts),
      );
    } catch (err) {
      if (batch.length === 1 || this.isOutage(err)) {
        for (const p of batch) p.reject(err);
        return;
      }
      for (const p of batch) {
        try {
          const [result] = await this.run(actor, [p.alerts]);
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
