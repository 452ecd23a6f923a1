import type { RollupsService } from '../domains/rollups/index.js';
import type { EngineModule } from './tick.js';

/** How often a process runs the janitor (its batches are cheap when there is nothing to purge). */
export const JANITOR_EVERY_MS = 10 * 60_000;

/**
 * The telemetry janitor, at most every JANITOR_EVERY_MS of the engine's clock in each process: Silver minutes and
 * hours past their retention in bounded batches, then Bronze's expired day partitions. Replicas running it at
 * once share the rows (`FOR UPDATE SKIP LOCKED`); running it again purges nothing new.
 */
export function telemetryJanitorModule(rollups: RollupsService): EngineModule {
  let last = Number.NEGATIVE_INFINITY;
  return {
    name: 'telemetry-janitor',
    async run(now) {
      if (now.getTime() - last < JANITOR_EVERY_MS && now.getTime() >= last) return { skipped: true };
      last = now.getTime();
      return rollups.purge(now);
    },
  };
}
