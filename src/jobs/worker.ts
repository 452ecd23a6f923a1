import { PostgresBackend } from '@agendajs/postgres-backend';
import { Agenda } from 'agenda';
import pg from 'pg';
import type { Logger } from '../shared/logger.js';

/** A repeating Agenda job. */
export interface JobSpec {
  name: string;
  everySeconds: number;
  run: () => Promise<void>;
}

export interface WorkerOptions {
  databaseUrl: string;
  log: Logger;
  jobs: readonly JobSpec[];
  /** LISTEN on this channel and call `run` on every NOTIFY (and once when listening starts). */
  wake?: { channel: string; run: () => Promise<void> };
  /** Runs once after Agenda has stopped (a last delivery before the process exits). */
  onStop?: () => Promise<void>;
  processEverySeconds?: number;
  lockLifetimeMs?: number;
}

export interface Worker {
  agenda: Agenda;
  stop(): Promise<void>;
}

/**
 * The worker role: Agenda on the same PostgreSQL runs the repeating jobs (locked across processes), and a LISTEN
 * wakes a job the moment a transaction that enqueued work commits (PostgreSQL sends NOTIFY only on commit, so the
 * rows are always visible when we look).
 */
export async function startWorker(opts: WorkerOptions): Promise<Worker> {
  const log = opts.log.child({ component: 'worker' });
  // Our own pool, so a connection the server ends (a restart, a dropped database) is logged, never thrown.
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 4 });
  let stopped = false;
  pool.on('error', (err) => {
    if (!stopped) log.warn({ reason: err.message }, 'Agenda database connection lost');
  });
  const backend = new PostgresBackend({ pool });
  // Agenda does not listen to its LISTEN connection's errors: when PostgreSQL ends it (a restart, or the fast
  // shutdown a Ctrl-C in the terminal sends the embedded server too) the unhandled 'error' event would end the
  // process. The channel reconnects by itself.
  backend.notificationChannel?.on('error', (err) => {
    if (!stopped) log.warn({ reason: err.message }, 'Agenda notification connection lost; reconnecting');
  });
  const agenda = new Agenda({
    backend,
    processEvery: (opts.processEverySeconds ?? 2) * 1000,
    defaultLockLifetime: opts.lockLifetimeMs ?? 60_000,
    name: `opswatch-${process.pid}`,
  });
  agenda.on('error', (err) => log.error({ err }, 'agenda error'));
  for (const job of opts.jobs) agenda.define(job.name, () => job.run());
  await agenda.start();
  for (const job of opts.jobs) await agenda.every(`${job.everySeconds} seconds`, job.name);

  let listener: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  const wake = opts.wake;
  const listen = async (): Promise<void> => {
    if (!wake) return;
    const client = new pg.Client({ connectionString: opts.databaseUrl });
    client.on('notification', () => {
      void wake.run();
    });
    client.on('error', (err) => {
      if (stopped) return;
      log.warn({ err }, 'LISTEN connection lost; reconnecting');
      void client.end().catch(() => {});
      retry = setTimeout(() => void listen().catch(() => {}), 1_000);
    });
    try {
      await client.connect();
      await client.query(`listen ${wake.channel}`);
      listener = client;
      void wake.run(); // whatever was enqueued while we were not listening
    } catch (err) {
      log.warn({ err }, 'could not LISTEN; retrying');
      await client.end().catch(() => {});
      if (!stopped) retry = setTimeout(() => void listen().catch(() => {}), 1_000);
    }
  };
  await listen();
  log.info({ jobs: opts.jobs.map((j) => j.name) }, 'worker started');
  return {
    agenda,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await listener?.end().catch(() => {});
      await agenda.stop(false);
      await opts.onStop?.();
      await pool.end().catch(() => {});
    },
  };
}
