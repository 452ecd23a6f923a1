import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { PostgresBackend, PostgresNotificationChannel } from '@agendajs/postgres-backend';
import { Agenda, type AgendaBackend } from 'agenda';
import type pg from 'pg';
import type { DatabaseWatch } from '../db/db-watch.js';
import { isUnavailable } from '../db/tx.js';
import type { Logger } from '../shared/logger.js';
import type { JobSpec } from './job.types.js';

/** Agenda's jobs table (the postgres backend's default). */
const JOBS_TABLE = 'agenda_jobs';
/** Wait before another restart attempt after a failed one. */
const RETRY_MS = 2_000;

export interface AgendaHostOptions {
  pool: pg.Pool;
  jobs: readonly JobSpec[];
  log: Logger;
  watch: DatabaseWatch;
  processEveryMs: number;
  lockLifetimeMs: number;
  /** Agenda's LISTEN is in place (each generation's channel, once connected). */
  onListening?: () => void;
  /** Agenda started a run of `job`. */
  onRun?: (job: string) => void;
}

interface Generation {
  agenda: Agenda;
  channel: PostgresNotificationChannel;
  name: string;
}

/**
 * Runs Agenda on the worker's pool and brings it back after the database has been away.
 *
 * Agenda does not come back whole by itself: its LISTEN client is gone (the stock channel's own reconnect emits
 * an `error` per attempt, every 100 ms, and an `error` without a listener ends the process), and a job whose
 * run ended while the server was down could not be saved, so its row stays locked for `lockLifetime`. So this
 * host runs Agenda in generations: the channel's own reconnect is off, and when the database is back (or only the
 * LISTEN connection was lost), the current generation is stopped and a new one, with a new name, is started on
 * the same pool after releasing the locks earlier generations of this process left behind.
 */
export class AgendaHost {
  private current: Generation | null = null;
  /** Names of stopped generations whose locks may still be held in the table. */
  private stale: string[] = [];
  private needsRestart = false;
  private restarting = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly unwatch: () => void;

  constructor(private readonly opts: AgendaHostOptions) {
    this.unwatch = opts.watch.onChange((up) => {
      if (!up) this.needsRestart = true;
      else void this.restart();
    });
  }

  get agenda(): Agenda | null {
    return this.current?.agenda ?? null;
  }

  /** Starts the first generation; throws when the database cannot be reached (start-up needs it). */
  async start(): Promise<void> {
    try {
      this.current = await this.startGeneration();
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatch();
    if (this.timer) clearTimeout(this.timer);
    const gen = this.current;
    this.current = null;
    if (gen) await this.stopGeneration(gen);
  }

  private async startGeneration(): Promise<Generation> {
    const { pool, log } = this.opts;
    const name = `opswatch-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
    const backend = new PostgresBackend({ pool, disableNotifications: true });
    // Connected here, where a failure is ours to handle: Agenda's constructor connects without catching.
    await backend.connect();
    const channel = new PostgresNotificationChannel({ pool, reconnect: { enabled: false } });
    channel.on('error', (err) => this.channelError(err));
    channel.on('stateChange', (state) => {
      if (state === 'connected') this.opts.onListening?.();
    });
    const agenda = new Agenda({
      backend: alreadyConnected(backend, channel),
      processEvery: this.opts.processEveryMs,
      defaultLockLifetime: this.opts.lockLifetimeMs,
      name,
    });
    agenda.on('error', (err: unknown) => {
      if (isUnavailable(err)) {
        void this.opts.watch.report(err);
        log.debug(
          { reason: err instanceof Error ? err.message : String(err) },
          'agenda: database unavailable',
        );
      } else log.error({ err }, 'agenda error');
    });
    for (const job of this.opts.jobs) {
      agenda.define(job.name, async () => {
        this.opts.onRun?.(job.name);
        await job.run();
      });
    }
    const gen = { agenda, channel, name };
    try {
      // Before `every`, which marks the rows as this generation's.
      await this.releaseStaleLocks();
      await agenda.start();
      for (const job of this.opts.jobs) await agenda.every(`${job.everySeconds} seconds`, job.name);
    } catch (err) {
      await this.stopGeneration(gen);
      throw err;
    }
    return gen;
  }

  /** Stops a generation without waiting for its running jobs; remembers its name to release its locks. */
  private async stopGeneration(gen: Generation): Promise<void> {
    this.stale.push(gen.name);
    await gen.agenda.stop(false).catch(() => {});
    // Again, for when Agenda's stop failed half-way or its start never got to connect the channel.
    await gen.channel.disconnect().catch(() => {});
  }

  /**
   * Rows earlier generations of this process locked and could not unlock (the save after a run failed while the
   * database was away). Those generations are stopped, so the locks are stale; without this the jobs would wait
   * for `lockLifetime` to pass.
   */
  private async releaseStaleLocks(): Promise<void> {
    if (!this.stale.length) return;
    const names = [...this.stale];
    const res = await this.opts.pool.query(
      `update ${JOBS_TABLE} set locked_at = null where locked_at is not null and last_modified_by = any($1::text[])`,
      [names],
    );
    this.stale = this.stale.filter((n) => !names.includes(n));
    if (res.rowCount) this.opts.log.debug({ released: res.rowCount }, 'agenda: released stale job locks');
  }

  /** The channel's LISTEN connection died (the database went away, or only that connection was ended). */
  private channelError(err: unknown): void {
    if (!isUnavailable(err)) {
      this.opts.log.warn({ err }, 'agenda notification error');
      return;
    }
    void this.opts.watch.report(err);
    this.needsRestart = true;
    this.retryLater();
  }

  private retryLater(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.restart();
    }, RETRY_MS);
  }

  /** Replaces the current generation when it needs it, once the database answers; retries until it works. */
  private async restart(): Promise<void> {
    if (this.stopped || this.restarting || !this.needsRestart) return;
    if (!this.opts.watch.isUp) return; // the watch calls again when the database is back
    this.restarting = true;
    try {
      const old = this.current;
      this.current = null;
      if (old) await this.stopGeneration(old);
      this.needsRestart = false;
      this.current = await this.startGeneration();
      this.opts.log.debug({ name: this.current.name }, 'agenda restarted');
    } catch (err) {
      this.needsRestart = true;
      void this.opts.watch.report(err);
      this.opts.log.debug(
        { reason: err instanceof Error ? err.message : String(err) },
        'agenda restart failed',
      );
      this.retryLater();
    } finally {
      this.restarting = false;
    }
    if (this.stopped && this.current) {
      const gen = this.current;
      this.current = null;
      await this.stopGeneration(gen);
    }
  }
}

/** Agenda's view of a backend this host has already connected (Agenda's constructor would connect it again). */
function alreadyConnected(backend: PostgresBackend, channel: PostgresNotificationChannel): AgendaBackend {
  return {
    name: backend.name,
    repository: backend.repository,
    notificationChannel: channel,
    logger: backend.logger,
    ownsConnection: false,
    connect: async () => {},
    disconnect: async () => {},
  };
}
