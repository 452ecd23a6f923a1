import type { DatabaseWatch } from '../db/db-watch.js';
import type { Engine } from '../engine/index.js';
import type { WorkerMetrics } from '../http/metrics.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { EnginePacer } from './engine-pacer.js';
import { engineTicker, engineTickJob } from './engine-tick.job.js';
import { outboxDeliverJob } from './outbox-deliver.job.js';
import { runbookRunsJob } from './runbook-runs.job.js';
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
  /**
   * Wake the engine at its next deadline and on NOTIFY (`channel`) rather than only every `tickSeconds`. Off:
   * the fixed tick alone (what the escalation bench compares against).
   */
  pacer?: { channel: string; nextDeadline: () => Promise<Date | null> } | null;
  /** Works runbook action runs due now (RemediationService.runDue), every `everySeconds` (default 2). */
  runbookRuns?: { run: () => Promise<unknown>; everySeconds?: number };
}

/** The worker role: the engine's tick, and outbox delivery (woken by NOTIFY, swept periodically). */
export async function startWorkerRole(o: WorkerRoleOptions): Promise<Worker> {
  const tick = engineTicker(o.engine, o.clock, o.log);
  const jobs = [engineTickJob(o.engine, o.clock, o.tickSeconds, o.log, tick)];
  if (o.outbox) jobs.push(outboxDeliverJob(o.outbox.deliver, o.outbox.sweepSeconds ?? 3));
  if (o.runbookRuns) jobs.push(runbookRunsJob(o.runbookRuns.run, o.runbookRuns.everySeconds ?? 2, o.log));
  const outbox = o.outbox;
  const pacer = o.pacer
    ? new EnginePacer({
        databaseUrl: o.databaseUrl,
        channel: o.pacer.channel,
        log: o.log,
        clock: o.clock,
        tick,
        nextDeadline: o.pacer.nextDeadline,
        maxSleepMs: o.tickSeconds * 1000,
        ...(o.metrics
          ? {
              onListening: () => o.metrics?.listenConnections.inc({ channel: o.pacer?.channel ?? '' }),
              onNotification: () => o.metrics?.notificationsReceived.inc({ channel: o.pacer?.channel ?? '' }),
            }
          : {}),
      })
    : null;
  await pacer?.start();
  const worker = await startWorker({
    databaseUrl: o.databaseUrl,
    log: o.log,
    jobs,
    ...(outbox ? { wake: { channel: outbox.channel, run: outbox.deliver }, onStop: outbox.deliver } : {}),
    processEverySeconds: o.timing?.processEverySeconds ?? Math.min(2, o.tickSeconds),
    ...(o.timing?.lockLifetimeMs ? { lockLifetimeMs: o.timing.lockLifetimeMs } : {}),
    ...(o.watch ? { watch: o.watch } : {}),
    ...(o.metrics ? { metrics: o.metrics } : {}),
  }).catch(async (err: unknown) => {
    await pacer?.stop();
    throw err;
  });
  if (!pacer) return worker;
  return {
    get agenda() {
      return worker.agenda;
    },
    async stop() {
      await pacer.stop();
      await worker.stop();
    },
  };
}
