import pg from 'pg';
import { CONNECT_TIMEOUT_MS } from './limits.js';

export interface PgListenerOptions {
  url: string;
  channels: readonly string[];
  /** A NOTIFY arrived on `channel`. */
  onNotification: (channel: string) => void;
  /** LISTEN is in place (the first time and after every reconnection): catch up on what was sent meanwhile. */
  onListening?: () => void;
  /** The connection failed or was lost (for the database watch; the listener reconnects by itself). */
  onError?: (err: unknown) => void;
  /** Delay before the first retry, doubled after each failure up to `maxRetryMs`. */
  minRetryMs?: number;
  maxRetryMs?: number;
}

/**
 * A LISTEN connection that stays in place: when the server ends it (a restart sends 57P01, then refuses
 * connections) it reconnects with backoff, or at once on `retryNow` (the database watch saw the server return),
 * and runs LISTEN again. Nothing it does throws or emits an unhandled `error`.
 */
export class PgListener {
  private client: pg.Client | null = null;
  private connecting = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  private delay: number;

  constructor(private readonly opts: PgListenerOptions) {
    this.delay = opts.minRetryMs ?? 500;
  }

  /** True while LISTEN is in place. */
  get listening(): boolean {
    return this.client !== null;
  }

  /** Connects and listens; on failure, keeps retrying in the background (resolves either way). */
  async start(): Promise<void> {
    await this.connect();
  }

  /** Tries again now instead of at the next scheduled retry (no-op while listening or connecting). */
  retryNow(): void {
    if (this.stopped || this.client || this.connecting) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.delay = this.opts.minRetryMs ?? 500;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    this.connecting = true;
    const client = new pg.Client({
      connectionString: this.opts.url,
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      keepAlive: true,
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, new Error('Connection terminated unexpectedly')));
    client.on('notification', (msg) => this.opts.onNotification(msg.channel));
    try {
      await client.connect();
      for (const channel of this.opts.channels)
        await client.query(`listen ${client.escapeIdentifier(channel)}`);
    } catch (err) {
      this.connecting = false;
      void client.end().catch(() => {});
      if (this.stopped) return;
      this.opts.onError?.(err);
      this.retryLater();
      return;
    }
    this.connecting = false;
    if (this.stopped) {
      void client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.delay = this.opts.minRetryMs ?? 500;
    this.opts.onListening?.();
  }

  /** The connection in use died: drop it and reconnect. Errors of a connection being opened are handled above. */
  private lost(client: pg.Client, err: unknown): void {
    if (client !== this.client) return;
    this.client = null;
    void client.end().catch(() => {});
    if (this.stopped) return;
    this.opts.onError?.(err);
    this.retryLater();
  }

  private retryLater(): void {
    if (this.stopped || this.timer) return;
    const delay = this.delay;
    this.delay = Math.min(this.delay * 2, this.opts.maxRetryMs ?? 5_000);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.connect();
    }, delay);
  }
}
