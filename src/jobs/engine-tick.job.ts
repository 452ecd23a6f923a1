import type { Engine } from '../engine/index.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { JobSpec } from './job.types.js';
import { singleFlight } from './single-flight.js';

export const ENGINE_TICK_JOB = 'engine-tick';

/** The engine's tick every ENGINE_TICK_SECONDS (Agenda runs it on one worker at a time; the tick is idempotent anyway). */
export function engineTickJob(
  engine: Engine,
  clock: Clock,
  everySeconds: number,
  log: Logger,
  tick: () => Promise<void> = engineTicker(engine, clock, log),
): JobSpec {
  return { name: ENGINE_TICK_JOB, everySeconds, run: tick };
}

/** The engine's tick at the clock's now, one at a time in this process (the job and the pacer share it). */
export function engineTicker(engine: Engine, clock: Clock, log: Logger): () => Promise<void> {
  return singleFlight('engine tick', () => engine.tick(clock.now()), log);
}
