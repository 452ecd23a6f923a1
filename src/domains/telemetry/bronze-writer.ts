import type { BronzeRow } from './telemetry.store.js';
import { dayOf } from './telemetry.store.js';

interface Waiting {
  /** The request's rows as the port encoded them, their number and their days (ms). */
  data: Buffer;
  rows: number;
  days: Set<number>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** How the writer encodes rows, commits a group and makes sure of a day's partition. */
export interface BronzePort {
  /**
   * The rows as what `insert` writes (COPY data), made when they arrive: a request's rows become one Buffer
   * outside the JavaScript heap instead of thousands of objects the collector copies while they wait.
   */
  encode(rows: readonly BronzeRow[]): Buffer;
  insert(pieces: readonly Buffer[], rows: number): Promise<void>;
  ensurePartitions(days: readonly Date[]): Promise<void>;
}

/**
 * Group commit for Bronze: concurrent requests' rows are written together, one COPY in one
 * transaction per group, and each request's promise settles once the group holding its rows has committed (or
 * failed: then every request of the group is told, and answers 5xx so its sender retries). While a group is
 * being written the next one gathers, so under load groups grow instead of transactions multiplying; at most
 * `maxRows` go in one statement. What was answered 2xx is committed; nothing is acknowledged from memory.
 */
export class BronzeWriter {
  private queue: Waiting[] = [];
  private queued = 0;
  private inFlight = 0;
  private readonly known = new Set<number>();

  constructor(
    private readonly port: BronzePort,
    private readonly opts: { maxRows: number; maxInFlight: number } = { maxRows: 5000, maxInFlight: 2 },
  ) {}

  /** Resolves once the rows are committed. */
  write(rows: readonly BronzeRow[]): Promise<void> {
    if (rows.length === 0) return Promise.resolve();
    const days = new Set<number>();
    for (const r of rows) days.add(dayOf(r.time).getTime());
    const data = this.port.encode(rows);
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ data, rows: rows.length, days, resolve, reject });
      this.queued += rows.length;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.opts.maxInFlight && this.queue.length > 0) {
      const group: Waiting[] = [];
      let n = 0;
      while (this.queue.length > 0 && (n === 0 || n + (this.queue[0]?.rows ?? 0) <= this.opts.maxRows)) {
        const w = this.queue.shift() as Waiting;
        group.push(w);
        n += w.rows;
      }
      this.queued -= n;
      this.inFlight++;
      void this.flush(group, n).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async flush(group: Waiting[], rows: number): Promise<void> {
    try {
      const days = new Set<number>();
      for (const w of group) for (const d of w.days) days.add(d);
      const missing = [...days].filter((d) => !this.known.has(d));
      if (missing.length > 0) {
        await this.port.ensurePartitions(missing.map((d) => new Date(d)));
        for (const d of missing) this.known.add(d);
      }
      await this.port.insert(
        group.map((w) => w.data),
        rows,
      );
      for (const w of group) w.resolve();
    } catch (err) {
      // A partition dropped meanwhile (by the janitor, for an old day) is made again at the next write.
      this.known.clear();
      for (const w of group) w.reject(err);
    }
  }

  /** Rows waiting for a group (not yet being written). */
  get pending(): number {
    return this.queued;
  }
}
