import type { OutboxSender, OutboxService } from '../domains/notify/index.js';
import type { Logger } from '../shared/logger.js';

export const OUTBOX_DELIVER_JOB = 'outbox-deliver';

/**
 * Delivers the outbox, one run at a time per process: a wake-up during a run asks for one more run after it
 * (replicas run side by side safely: rows are claimed with FOR UPDATE SKIP LOCKED).
 */
export function outboxDeliverer(outbox: OutboxService, sender: OutboxSender, log: Logger) {
  let running: Promise<void> | null = null;
  let again = false;
  return function deliver(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        const r = await outbox.deliverOnce(sender);
        if (r.sent || r.failed) log.debug(r, 'outbox delivered');
      } while (again);
    })()
      .catch((err: unknown) => log.error({ err }, 'outbox delivery run failed'))
      .finally(() => {
        running = null;
      });
    return running;
  };
}
