import type { Engine } from '../engine/index.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { JobSpec } from './job.types.js';
import { singleFlight } from './single-flight.js';

export const ENGINE_TICK_JOB = 'engine-tick';

/** The engine's tick every ENGINE_TICK_SECONDS (Agenda runs it on one worker at a time; the tick is idempotent anyway). */
export function engineTickJob(engine: Engine, clock: Clock, everySeconds: number, log: Logger): JobSpec {
  const tick = singleFlight('engine tick', () => engine.tick(clock.now()), log);
  return { name: ENGINE_TICK_JOB, everySeconds, run: tick };
}
