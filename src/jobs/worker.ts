import type { Agenda } from 'agenda';
import pg from 'pg';
import { DatabaseWatch } from '../db/db-watch.js';
import { CONNECT_TIMEOUT_MS } from '../db/limits.js';
import { PgListener } from '../db/pg-listener.js';
import { guardPool } from '../db/pool-guard.js';
import type { WorkerMetrics } from '../http/metrics.js';
import type { Logger } from '../shared/logger.js';
import { AgendaHost } from './agenda-host.js';
import type { JobSpec } from './job.types.js';

export type { JobSpec } from './job.types.js';

/** The channel name Agenda's notification channel listens on (the postgres backend's default). */
const AGENDA_CHANNEL = 'agenda:jobs';

export interface WorkerOptions {
  databaseUrl: string;
  log: Logger;
  jobs: readonly JobSpec[];
  /** LISTEN on this channel and call `run` on every NOTIFY (and each time listening starts). */
  wake?: { channel: string; run: () => Promise<void> };
  /** Runs once after Agenda has stopped (a last delivery before the process exits). */
  onStop?: () => Promise<void>;
  processEverySeconds?: number;
  lockLifetimeMs?: number;
  /** The process's database watch; the worker makes its own when not given. */
  watch?: DatabaseWatch;
  metrics?: WorkerMetrics;
}

export interface Worker {
  /** The running Agenda (a new one after each database outage); null while it is being restarted. */
  readonly agenda: Agenda | null;
  stop(): Promise<void>;
}

/**
 * The worker role: Agenda on the same PostgreSQL runs the repeating jobs (locked across processes), and a LISTEN
 * wakes a job the moment a transaction that enqueued work commits (PostgreSQL sends NOTIFY only on commit, so the
 * rows are always visible when we look). Both survive the database going away: the LISTEN reconnects and catches
 * up, and Agenda is restarted (see AgendaHost) when the database watch sees the server back.
 */
export async function startWorker(opts: WorkerOptions): Promise<Worker> {
  const log = opts.log.child({ component: 'worker' });
  const watch = opts.watch ?? new DatabaseWatch({ url: opts.databaseUrl, log: opts.log });
  const report = (err: unknown) => void watch.report(err);
  // Our own pool, guarded: a connection the server ends is reported to the watch, never thrown.
  const pool = new pg.Pool({
    connectionString: opts.databaseUrl,
    max: 4,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
  });
  guardPool(pool, report);
  const host = new AgendaHost({
    pool,
    jobs: opts.jobs,
    log,
    watch,
    processEveryMs: (opts.processEverySeconds ?? 2) * 1000,
    lockLifetimeMs: opts.lockLifetimeMs ?? 60_000,
    onListening: () => opts.metrics?.listenConnections.inc({ channel: AGENDA_CHANNEL }),
    onRun: (job) => opts.metrics?.jobRuns.inc({ job }),
  });
  try {
    await host.start();
  } catch (err) {
    if (!opts.watch) watch.stop();
    await pool.end().catch(() => {});
    throw err;
  }

  const wake = opts.wake;
  const listener = wake
    ? new PgListener({
        url: opts.databaseUrl,
        channels: [wake.channel],
        onNotification: (channel) => {
          opts.metrics?.notificationsReceived.inc({ channel });
          void wake.run();
        },
        onListening: () => {
          opts.metrics?.listenConnections.inc({ channel: wake.channel });
          log.debug({ channel: wake.channel }, 'listening');
          void wake.run(); // whatever was enqueued while we were not listening
        },
        onError: report,
      })
    : null;
  await listener?.start();
  const unwatch = watch.onChange((up) => {
    if (up) listener?.retryNow();
  });
  log.info({ jobs: opts.jobs.map((j) => j.name) }, 'worker started');
  return {
    get agenda() {
      return host.agenda;
    },
    async stop() {
      unwatch();
      await listener?.stop();
      await host.stop();
      await opts.onStop?.();
      if (!opts.watch) watch.stop();
      await pool.end().catch(() => {});
    },
  };
}
