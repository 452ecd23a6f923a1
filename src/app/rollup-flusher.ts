import type { Logger } from '../shared/logger.js';
import type { Services } from './services.js';

/**
 * Flushes the process's metric rollups every `seconds` (one flush at a time) and once more when stopped, after
 * the HTTP sidecar has stopped taking requests. A failed flush keeps its minutes for the next one. Returns the
 * stopper. What a crash loses is what was gathered since the last flush (at most `seconds` of metric points).
 */
export function startRollupFlusher(services: Services, log: Logger, seconds: number): () => Promise<void> {
  let running: Promise<void> | null = null;
  const flush = (final = false) => {
    // At shutdown, telemetry's one-second buffer first, so the final flush takes everything answered 2xx. (The
    // periodic ones leave it be: it reaches the aggregator within its second, a slice at a time, whereas draining
    // it here would hand up to a second of points over in one go, holding up the requests meanwhile.)
    if (final) services.telemetry.flushMetrics();
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
  const timer = setInterval(() => void flush(), seconds * 1000);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
    await flush(true);
  };
}
