import { PostgresBackend } from '@agendajs/postgres-backend';
import { Agenda } from 'agenda';
import pg from 'pg';
import { OUTBOX_CHANNEL } from '../domains/notify/index.js';
import type { Logger } from '../shared/logger.js';
import { OUTBOX_DELIVER_JOB } from './outbox-deliver.job.js';

export interface WorkerOptions {
  databaseUrl: string;
  log: Logger;
  /** Runs the outbox (single-flight; see outbox-deliver.job.ts). */
  deliver: () => Promise<void>;
  /** Periodic sweep (retries, rate-limit holds ending, missed wake-ups). */
  sweepSeconds?: number;
  processEverySeconds?: number;
  lockLifetimeMs?: number;
}

export interface Worker {
  agenda: Agenda;
  stop(): Promise<void>;
}

/**
 * The worker role: Agenda on the same PostgreSQL runs `outbox-deliver` every few seconds as a sweep, and a LISTEN on
 * the outbox channel wakes delivery the moment a transaction that enqueued commits (PostgreSQL sends NOTIFY only
 * on commit, so the rows are always visible when we look).
 */
export async function startWorker(opts: WorkerOptions): Promise<Worker> {
  const log = opts.log.child({ component: 'worker' });
  const agenda = new Agenda({
    backend: new PostgresBackend({ connectionString: opts.databaseUrl }),
    processEvery: (opts.processEverySeconds ?? 2) * 1000,
    defaultLockLifetime: opts.lockLifetimeMs ?? 60_000,
    name: `opswatch-${process.pid}`,
  });
  agenda.on('error', (err) => log.error({ err }, 'agenda error'));
  agenda.define(OUTBOX_DELIVER_JOB, async () => {
    await opts.deliver();
  });
  await agenda.start();
  await agenda.every(`${opts.sweepSeconds ?? 3} seconds`, OUTBOX_DELIVER_JOB);

  let stopped = false;
  let listener: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  const listen = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: opts.databaseUrl });
    client.on('notification', () => {
      void opts.deliver();
    });
    client.on('error', (err) => {
      log.warn({ err }, 'outbox LISTEN connection lost; reconnecting');
      void client.end().catch(() => {});
      if (!stopped) retry = setTimeout(() => void listen().catch(() => {}), 1_000);
    });
    try {
      await client.connect();
      await client.query(`listen ${OUTBOX_CHANNEL}`);
      listener = client;
      void opts.deliver(); // whatever was enqueued while we were not listening
    } catch (err) {
      log.warn({ err }, 'could not LISTEN for the outbox; retrying');
      await client.end().catch(() => {});
      if (!stopped) retry = setTimeout(() => void listen().catch(() => {}), 1_000);
    }
  };
  await listen();
  log.info('worker started: outbox delivery (LISTEN + Agenda sweep)');
  return {
    agenda,
    async stop() {
      stopped = true;
      if (retry) clearTimeout(retry);
      await listener?.end().catch(() => {});
      await agenda.stop();
      await opts.deliver();
    },
  };
}
