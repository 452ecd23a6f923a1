import type { Logger } from '../shared/logger.js';
import type { Services } from './services.js';

/**
 * Flushes the process's metric rollups every `seconds` (one flush at a time) and once more when stopped, after
 * the HTTP sidecar has stopped taking requests. A failed flush keeps its minutes for the next one. Returns the
 * stopper. What a crash loses is what was gathered since the last flush (at most `seconds` of metric points).
 */
export function startRollupFlusher(services: Services, log: Logger, seconds: number): () => Promise<void> {
  let running: Promise<void> | null = null;
  const flush = () => {
    // Telemetry's one-second buffer first, so a final flush at shutdown takes everything answered 2xx.
    services.telemetry.flushMetrics();
    running ??= services.rollups
      .flush()
      .then((r) => {
        if (r.minutes || r.dropped) log.debug(r, 'metric rollups flushed');
      })
      .catch((err: unknown) => log.warn({ err }, 'metric rollups flush failed; kept for the next one'))
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(flush, seconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
    await flush();
  };
}
