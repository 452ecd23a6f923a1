import type { MikroORM } from '@mikro-orm/postgresql';
import { isUnavailable, withEm, withPgTx } from '../../db/tx.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { coalescedReply } from './coalesce.calc.js';
import { deliveryStore, type Lane } from './delivery.store.js';
import { type DeliveryFailures, type FailureContext, recordFailure } from './delivery-failure.js';
import { CARD_POSTS, DESTINATION_SPECS, DESTINATIONS, destinationsOf } from './destinations.js';
import type { CardMessage, DeliveryAdapter, DeliveryReport, OutboxRow, SendUnit } from './outbox.types.js';
import type { DeliveryRegistry } from './registry.js';

export interface DeliveryOptions extends DeliveryFailures {
  log: Logger;
  /** Rows leased per lane at a time. */
  batchSize: number;
  /** Lanes worked at once. */
  concurrency: number;
  /** How long a lease lasts: a worker that dies holding rows gives them up after this. */
  leaseMs: number;
}

/** While a card is still being posted, its updates and replies wait this long. */
const WAIT_FOR_CARD_MS = 2_000;
const MAX_PASSES = 20;
/** Destinations whose rows render the incident's card as it is now: a card posted now covers them. */
const COVERED_BY_NEW_CARD = DESTINATIONS.filter((d) => DESTINATION_SPECS[d].coveredByNewCard);

export const emptyReport = (): DeliveryReport => ({
  sent: 0,
  failed: 0,
  deferred: 0,
  skipped: 0,
  expired: 0,
});

/** One lane's leased rows while they are worked: what is done, and the report. */
interface LaneRun {
  registry: DeliveryRegistry;
  rows: OutboxRow[];
  done: Set<string>;
  now: Date;
  report: DeliveryReport;
}

/**
 * Delivers the outbox lane by lane, each row through its destination's adapter, so one lane's rate limit or
 * outage never holds up another. Rows are leased in a short committed transaction, sent, then marked in another:
 * no transaction stays open while a destination is called, and a row whose sender died after the destination
 * accepted it comes back "maybe sent", so the adapter looks for it before sending again. Only destinations this
 * process has an adapter for are leased; the others stay pending for a process that has one.
 */
export class OutboxDelivery {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly opts: DeliveryOptions,
  ) {}

  /** Delivers everything due now, lane by lane, until nothing due is left (or a pass limit). */
  async deliverOnce(registry: DeliveryRegistry, report = emptyReport()): Promise<DeliveryReport> {
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      const now = this.clock.now();
      const lanes = await withEm(this.orm, 'system', (em) =>
        deliveryStore.dueLanes(em, now, registry.served, 50),
      );
      if (lanes.length === 0) break;
      const before = report.sent + report.failed + report.skipped;
      const queue = [...lanes];
      const work = async (): Promise<void> => {
        for (let l = queue.shift(); l !== undefined; l = queue.shift()) {
          const lane = l;
          await this.deliverLane(registry, lane, report).catch((err: unknown) => {
            // An outage is logged once, by the database watch; the rows stay due and go out once it is back.
            if (isUnavailable(err)) this.opts.log.debug({ lane }, 'outbox delivery waits for the database');
            else this.opts.log.error({ err, lane }, 'outbox delivery failed');
          });
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.opts.concurrency, lanes.length) }, work));
      if (report.sent + report.failed + report.skipped === before) break; // only deferrals: nothing more now
    }
    return report;
  }

  private async deliverLane(registry: DeliveryRegistry, lane: Lane, report: DeliveryReport): Promise<void> {
    const now = this.clock.now();
    const destinations = destinationsOf(lane.platform).filter((d) => registry.adapterFor(d));
    const leaseUntil = new Date(now.getTime() + this.opts.leaseMs);
    const rows = await withPgTx(this.orm, 'system', (em) =>
      deliveryStore.claim(em, destinations, lane.lane, now, this.opts.batchSize, leaseUntil),
    );
    const run: LaneRun = { registry, rows, done: new Set(), now, report };
    try {
      for (const row of rows) {
        if (run.done.has(row.id)) continue;
        const stop = await this.deliverRow(run, row);
        if (stop) return;
      }
    } finally {
      const untried = rows.filter((r) => !run.done.has(r.id));
      if (untried.length) await withPgTx(this.orm, 'system', (em) => deliveryStore.release(em, untried));
    }
  }

  /** Rows of the same destination, incident and lane leased with this one and not yet done. */
  private siblings(run: LaneRun, row: OutboxRow, destination = row.destination): OutboxRow[] {
    return run.rows.filter(
      (r) =>
        !run.done.has(r.id) &&
        r.destination === destination &&
        r.incidentId === row.incidentId &&
        r.lane === row.lane,
    );
  }

  private async finish(
    run: LaneRun,
    rows: readonly OutboxRow[],
    status: 'sent' | 'skipped',
    error: string | null = null,
    card?: { incidentId: string; message: CardMessage },
  ): Promise<void> {
    const ids = rows.map((r) => r.id);
    await withPgTx(this.orm, 'system', async (em) => {
      const first = rows[0];
      if (card && first)
        await deliveryStore.saveCard(em, first.tenantId, card.incidentId, first.lane, card.message, run.now);
      await deliveryStore.mark(em, ids, status, run.now, error);
    });
    for (const id of ids) run.done.add(id);
    run.report[status] += ids.length;
  }

  /** Delivers `row` (with the rows it covers); returns true when the rest of the lane's batch must wait. */
  private async deliverRow(run: LaneRun, row: OutboxRow): Promise<boolean> {
    const spec = DESTINATION_SPECS[row.destination];
    const adapter = run.registry.adapterFor(row.destination);
    if (!adapter) return false; // not leased: the claim asks for served destinations only
    if (!row.incidentId || (!spec.postsCard && !spec.needsCard)) {
      if (spec.needsCard) return this.finish(run, [row], 'skipped', 'no incident').then(() => false);
      const rows = spec.merge === 'latest' ? this.siblings(run, row) : [row];
      return this.attempt(run, adapter, rows, null, async (sent) => this.finish(run, sent, 'sent'));
    }
    const incidentId = row.incidentId;
    const card = await withEm(this.orm, 'system', (em) =>
      deliveryStore.card(em, row.tenantId, incidentId, row.lane),
    );
    if (spec.postsCard) {
      // Already posted: the updates leased with this row are still to be sent (they follow it in `rows`).
      if (card) return this.finish(run, [row], 'skipped', 'already posted').then(() => false);
      return this.attempt(run, adapter, [row], null, async (sent, posted) => {
        await this.finish(run, sent, 'sent', null, posted ? { incidentId, message: posted } : undefined);
        // A card found where an earlier attempt left it shows the incident as it was then: the updates leased with
        // it go out as for any other card. A card posted now renders the incident as it is now, which covers them.
        if (!posted || posted.recovered) return;
        const covered = COVERED_BY_NEW_CARD.flatMap((d) => this.siblings(run, row, d));
        if (covered.length) await this.finish(run, covered, 'skipped', 'covered by the card');
      });
    }
    if (!card) return this.waitForCard(run, row, incidentId);
    // Updates render what is true now: one covers them all. Replies for alerts joining in a burst become one
    // (Slack takes about one message per second per channel); a reply that may have been sent is checked alone.
    const rows =
      spec.merge === 'latest'
        ? this.siblings(run, row)
        : spec.merge === 'coalesce'
          ? coalescedReply(row.maybeSent ? [row] : this.siblings(run, row).filter((r) => !r.maybeSent))
          : [row];
    return this.attempt(run, adapter, rows, card, async (sent) => this.finish(run, sent, 'sent'));
  }

  /** The card is not there: wait while its post is pending, else there is nothing to attach to. */
  private async waitForCard(run: LaneRun, row: OutboxRow, incidentId: string): Promise<boolean> {
    const post = await withEm(this.orm, 'system', (em) =>
      deliveryStore.postStatus(em, CARD_POSTS, row.tenantId, incidentId, row.lane),
    );
    if (post !== 'pending') {
      await this.finish(run, [row], 'skipped', `no card (post ${post ?? 'missing'})`);
      return false;
    }
    const until = new Date(run.now.getTime() + WAIT_FOR_CARD_MS);
    await withPgTx(this.orm, 'system', (em) =>
      deliveryStore.retryAt(em, [row.id], until, 'waiting for the card', {
        maybeSent: row.maybeSent,
        countAttempt: false,
      }),
    );
    run.done.add(row.id);
    run.report.deferred++;
    return false;
  }

  /**
   * Sends `rows` as one (or, when the first may have been sent already and the destination can tell, finds what
   * an earlier attempt left), then `onSent` with the rows it covered. On failure every row it covered shares
   * the outcome. Returns true when the rest of the lane's batch must wait.
   */
  private async attempt(
    run: LaneRun,
    adapter: DeliveryAdapter,
    rows: OutboxRow[],
    card: CardMessage | null,
    onSent: (sent: OutboxRow[], posted: (CardMessage & { recovered: boolean }) | null) => Promise<void>,
  ): Promise<boolean> {
    const [first, ...rest] = rows;
    if (!first) return false;
    const unit: SendUnit = { rows: [first, ...rest], card };
    try {
      if (first.maybeSent && DESTINATION_SPECS[first.destination].lookUpMaybeSent && adapter.findSent) {
        const found = await adapter.findSent(first, card);
        if (found) {
          // Every row the message carries was sent, this batch's included.
          const carried = new Set([first.id, ...found.outboxIds]);
          const sent = run.rows.filter((r) => carried.has(r.id) && !run.done.has(r.id));
          await onSent(sent, { ...found.message, recovered: true });
          return false;
        }
      }
      const posted = await adapter.send(unit);
      await onSent(rows, posted);
      return false;
    } catch (err) {
      for (const r of rows) run.done.add(r.id);
      const ctx: FailureContext = { rows, now: run.now, report: run.report };
      return withPgTx(this.orm, 'system', (em) => recordFailure(em, err, ctx, this.opts));
    }
  }
}
