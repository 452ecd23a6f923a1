import type { Logger } from '../shared/logger.js';

/**
 * One run at a time per process: a call during a run asks for one more run after it (so a wake-up is never lost),
 * and resolves when that run is done.
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
      .catch((err: unknown) => log.error({ err }, `${what} failed`))
      .finally(() => {
        running = null;
      });
    return running;
  };
}
