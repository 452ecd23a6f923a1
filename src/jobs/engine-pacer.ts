import { PgListener } from '../db/pg-listener.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';

export interface EnginePacerOptions {
  databaseUrl: string;
  /** The channel an escalation's start or "escalate now" is announced on (NOTIFY, sent at commit). */
  channel: string;
  log: Logger;
  clock: Clock;
  /** The engine's tick (single-flight: a wake during a run asks for one more run after it). */
  tick: () => Promise<void>;
  /** The next instant the engine has something to do, or null. */
  nextDeadline: () => Promise<Date | null>;
  /** Sleeps no longer than this between ticks (the periodic tick covers the rest anyway). */
  maxSleepMs?: number;
  onError?: (err: unknown) => void;
  /** Told of each LISTEN connection and NOTIFY (metrics). */
  onListening?: () => void;
  onNotification?: () => void;
}

/**
 * Wakes the engine when it has something to do rather than only every ENGINE_TICK_SECONDS: at the next stored
 * deadline (a timer set to the earliest escalation step or page due) and at once on NOTIFY when an escalation
 * starts or is escalated by hand. The LISTEN connection reconnects after a database restart (PgListener) and
 * catches up on whatever came meanwhile. Several workers may pace at once: the engine's SKIP LOCKED claims make
 * them share the work, never repeat it.
 */
export class EnginePacer {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly listener: PgListener;

  constructor(private readonly opts: EnginePacerOptions) {
    this.listener = new PgListener({
      url: opts.databaseUrl,
      channels: [opts.channel],
      onNotification: () => {
        opts.onNotification?.();
        void this.wake();
      },
      onListening: () => {
        opts.onListening?.();
        void this.wake();
      },
      ...(opts.onError ? { onError: opts.onError } : {}),
    });
  }

  async start(): Promise<void> {
    await this.listener.start();
  }

  /** After a database outage, listen again now. */
  retryNow(): void {
    this.listener.retryNow();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.listener.stop();
  }

  /** Runs the tick, then sets the timer to the next deadline. */
  async wake(): Promise<void> {
    if (this.stopped) return;
    await this.opts.tick();
    await this.schedule();
  }

  private async schedule(): Promise<void> {
    if (this.stopped) return;
    const max = this.opts.maxSleepMs ?? 60_000;
    let delay = max;
    try {
      const next = await this.opts.nextDeadline();
      if (next) delay = Math.min(max, Math.max(0, next.getTime() - this.opts.clock.now().getTime()));
    } catch (err) {
      this.opts.onError?.(err);
      this.opts.log.debug({ err }, 'engine pacer could not read the next deadline');
      delay = Math.min(max, 1_000);
    }
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.wake();
    }, delay);
    this.timer.unref?.();
  }
}
