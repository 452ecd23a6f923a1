import type { DeliveryReport } from '../domains/notify/index.js';
import type { Logger } from '../shared/logger.js';
import type { JobSpec } from './job.types.js';
import { singleFlight } from './single-flight.js';

export const OUTBOX_DELIVER_JOB = 'outbox-deliver';

/**
 * Delivers the outbox, one run at a time per process (replicas run side by side safely: rows are leased with
 * FOR UPDATE SKIP LOCKED). `run` is one delivery run through this process's delivery adapters.
 */
export function outboxDeliverer(run: () => Promise<DeliveryReport>, log: Logger): () => Promise<void> {
  return singleFlight(
    'outbox delivery run',
    async () => {
      const r = await run();
      if (r.sent || r.failed || r.expired) log.debug(r, 'outbox delivered');
    },
    log,
  );
}

/** The periodic sweep: retries, rate-limit holds ending, leases of dead workers, missed wake-ups, expiry. */
export function outboxDeliverJob(deliver: () => Promise<void>, everySeconds: number): JobSpec {
  return { name: OUTBOX_DELIVER_JOB, everySeconds, run: deliver };
}
