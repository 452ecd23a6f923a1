import pg from 'pg';
import type { Logger } from '../shared/logger.js';
import { isDatabaseOutage } from './tx.js';

export interface DatabaseWatchOptions {
  url: string;
  log: Logger;
  /** How often to look again while the database is away. */
  probeEveryMs?: number;
  /** A probe (connect and `select 1` on a connection of its own) gives up after this long. */
  probeTimeoutMs?: number;
}

type Listener = (up: boolean) => void;

function reasonOf(err: unknown): { reason: string; code?: string } {
  const code = (err as { code?: unknown } | null)?.code;
  return {
    reason: err instanceof Error ? err.message : String(err),
    ...(typeof code === 'string' ? { code } : {}),
  };
}

/**
 * The process's one view of whether its database is reachable.
 *
 * Every connection OpsWatch holds reports the errors it sees here (`report`). An error that looks like an outage
 * is checked with a probe of its own, so one connection ended by an administrator is not an outage; when the probe
 * fails too, the database is down: one warning is logged, listeners hear about it, and a probe runs every
 * `probeEveryMs` until one succeeds. Then one info line is logged and listeners hear that it is back (the worker
 * re-establishes LISTEN and restarts Agenda on that signal, readiness turns green).
 */
export class DatabaseWatch {
  private up = true;
  private downSince = 0;
  private lastCheck = 0;
  private checking = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<Listener>();
  private readonly probeEveryMs: number;
  private readonly probeTimeoutMs: number;

  constructor(private readonly opts: DatabaseWatchOptions) {
    this.probeEveryMs = opts.probeEveryMs ?? 1_000;
    this.probeTimeoutMs = opts.probeTimeoutMs ?? 2_000;
  }

  /** False from the moment an outage is confirmed until a probe succeeds again. */
  get isUp(): boolean {
    return this.up;
  }

  /** Calls `fn(false)` when the database goes away and `fn(true)` when it is back; returns the unsubscribe. */
  onChange(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * An error seen on one of the process's connections. Errors that are not about reaching the server are ignored;
   * others start a check (unless one ran in the last `probeEveryMs`). Resolves when that check is done; callers
   * need not wait.
   */
  async report(err: unknown): Promise<void> {
    if (this.stopped || !this.up || this.checking || !isDatabaseOutage(err)) return;
    if (Date.now() - this.lastCheck < this.probeEveryMs) return;
    this.checking = true;
    this.lastCheck = Date.now();
    const ok = await this.probe();
    this.checking = false;
    if (!ok && this.up && !this.stopped) this.markDown(err);
  }

  /** Connects and runs `select 1` on a connection of its own, within `probeTimeoutMs`; true when it answered. */
  async probe(): Promise<boolean> {
    const client = new pg.Client({
      connectionString: this.opts.url,
      connectionTimeoutMillis: this.probeTimeoutMs,
      query_timeout: this.probeTimeoutMs,
    });
    client.on('error', () => {}); // a late error on a probe connection means nothing more than a failed probe
    try {
      await client.connect();
      await client.query('select 1');
      return true;
    } catch {
      return false;
    } finally {
      void client.end().catch(() => {});
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  private markDown(err: unknown): void {
    this.up = false;
    this.downSince = Date.now();
    this.opts.log.warn(
      reasonOf(err),
      'The database is unreachable: webhooks answer 503 with Retry-After, jobs and Slack delivery wait; reconnecting',
    );
    this.emit(false);
    this.scheduleProbe();
  }

  private markUp(): void {
    this.up = true;
    const downSeconds = Math.round((Date.now() - this.downSince) / 100) / 10;
    this.opts.log.info({ downSeconds }, 'The database is back: reconnected, jobs and Slack delivery resume');
    this.emit(true);
  }

  private scheduleProbe(): void {
    if (this.stopped) return;
    this.timer = setTimeout(async () => {
      this.timer = null;
      if (this.stopped) return;
      if (await this.probe()) {
        if (!this.stopped) this.markUp();
      } else this.scheduleProbe();
    }, this.probeEveryMs);
    this.timer.unref();
  }

  private emit(up: boolean): void {
    for (const fn of [...this.listeners]) {
      try {
        fn(up);
      } catch (err) {
        this.opts.log.error({ err }, 'a database watch listener failed');
      }
    }
  }
}
