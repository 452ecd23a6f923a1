import type { OutboxSender, OutboxService } from '../domains/notify/index.js';
import type { Logger } from '../shared/logger.js';
import { singleFlight } from './single-flight.js';
import type { JobSpec } from './worker.js';

export const OUTBOX_DELIVER_JOB = 'outbox-deliver';

/**
 * Delivers the outbox, one run at a time per process (replicas run side by side safely: rows are leased with
 * FOR UPDATE SKIP LOCKED).
 */
export function outboxDeliverer(
  outbox: OutboxService,
  sender: OutboxSender,
  log: Logger,
): () => Promise<void> {
  return singleFlight(
    'outbox delivery run',
    async () => {
      const r = await outbox.deliverOnce(sender);
      if (r.sent || r.failed) log.debug(r, 'outbox delivered');
    },
    log,
  );
}

/** The periodic sweep: retries, rate-limit holds ending, leases of dead workers, missed wake-ups. */
export function outboxDeliverJob(deliver: () => Promise<void>, everySeconds: number): JobSpec {
  return { name: OUTBOX_DELIVER_JOB, everySeconds, run: deliver };
}
