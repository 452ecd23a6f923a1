import { isUnavailable } from '../db/tx.js';
import type { Logger } from '../shared/logger.js';

/**
 * One run at a time per process: a call during a run asks for one more run after it (so a wake-up is never lost),
 * and resolves when that run is done. A run that fails because the database is away is logged at debug level only
 * (the database watch reports the outage once; the next run after it is back catches up).
 */
export function singleFlight(what: string, run: () => Promise<unknown>, log: Logger): () => Promise<void> {
  let running: Promise<void> | null = null;
  let again = false;
  return function trigger(): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await run();
      } while (again);
    })()
      .catch((err: unknown) => {
        if (isUnavailable(err))
          log.debug({ reason: String(err) }, `${what} failed: the database is unavailable`);
        else log.error({ err }, `${what} failed`);
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
}
