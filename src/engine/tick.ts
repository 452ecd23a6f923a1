import { isUnavailable } from '../db/tx.js';
import type { Logger } from '../shared/logger.js';

/**
 * One module of the engine's tick. Each run is idempotent and safe on several replicas at once: it takes its own
 * advisory lock and works in bounded batches, so running it twice, or on three workers, changes nothing.
 */
export interface EngineModule {
  name: string;
  run(now: Date): Promise<object>;
}

export interface Engine {
  /** Runs every module in order at `now`; a failing module is logged and does not stop the ones after it. */
  tick(now: Date): Promise<Record<string, object>>;
}

export function createEngine(modules: readonly EngineModule[], log: Logger): Engine {
  const l = log.child({ component: 'engine' });
  return {
    async tick(now) {
      const report: Record<string, object> = {};
      for (const m of modules) {
        try {
          report[m.name] = await m.run(now);
        } catch (err) {
          // An outage is logged once, by the database watch; the next tick after it catches up.
          if (isUnavailable(err)) l.debug({ module: m.name }, 'engine module waits for the database');
          else l.error({ err, module: m.name }, 'engine module failed');
          report[m.name] = { error: err instanceof Error ? err.message : String(err) };
        }
      }
      return report;
    },
  };
}
