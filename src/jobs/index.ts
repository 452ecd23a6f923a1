import type { DatabaseWatch } from '../db/db-watch.js';
import type { Engine } from '../engine/index.js';
import type { WorkerMetrics } from '../http/metrics.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { engineTickJob } from './engine-tick.job.js';
import { outboxDeliverJob } from './outbox-deliver.job.js';
import { startWorker, type Worker, type WorkerOptions } from './worker.js';

export { outboxDeliverer } from './outbox-deliver.job.js';
export type { Worker } from './worker.js';

export interface WorkerRoleOptions {
  databaseUrl: string;
  log: Logger;
  clock: Clock;
  engine: Engine;
  /** ENGINE_TICK_SECONDS */
  tickSeconds: number;
  /** The outbox delivery run (through this process's delivery adapters), and the channel its NOTIFY comes on. */
  outbox?: { deliver: () => Promise<void>; channel: string; sweepSeconds?: number };
  timing?: Pick<WorkerOptions, 'processEverySeconds' | 'lockLifetimeMs'>;
  /** The process's database watch (the worker makes its own when not given). */
  watch?: DatabaseWatch;
  metrics?: WorkerMetrics;
}

/** The worker role: the engine's tick, and outbox delivery (woken by NOTIFY, swept periodically). */
export function startWorkerRole(o: WorkerRoleOptions): Promise<Worker> {
  const jobs = [engineTickJob(o.engine, o.clock, o.tickSeconds, o.log)];
  if (o.outbox) jobs.push(outboxDeliverJob(o.outbox.deliver, o.outbox.sweepSeconds ?? 3));
  const outbox = o.outbox;
  return startWorker({
    databaseUrl: o.databaseUrl,
    log: o.log,
    jobs,
    ...(outbox ? { wake: { channel: outbox.channel, run: outbox.deliver }, onStop: outbox.deliver } : {}),
    processEverySeconds: o.timing?.processEverySeconds ?? Math.min(2, o.tickSeconds),
    ...(o.timing?.lockLifetimeMs ? { lockLifetimeMs: o.timing.lockLifetimeMs } : {}),
    ...(o.watch ? { watch: o.watch } : {}),
    ...(o.metrics ? { metrics: o.metrics } : {}),
  });
}
