import type { MetricPoint, MetricSink } from './telemetry.types.js';

/**
 * Metric points gathered in memory for about a second, then handed to the sink (Silver's aggregator). A crash
 * loses at most this buffer (and what the sink holds unflushed); senders are answered once their points are in
 * it. The timer's hand-over goes a slice of `slice` points per turn of the event loop, so a second of points
 * (50,000 at 50 batches/s) never holds up the requests arriving meanwhile for long. The timer does not keep the
 * process alive; `flush()` drains everything at once (tests, shutdown).
 */
export class MetricBuffer {
  private points: MetricPoint[] = [];
  /** Slices taken from the buffer, waiting for their turn of the event loop. */
  private slices: MetricPoint[][] = [];
  private timer: NodeJS.Timeout | undefined;
  private handing: NodeJS.Immediate | undefined;

  constructor(
    private readonly sink: () => MetricSink,
    private readonly periodMs = 1000,
    private readonly maxPoints = 200_000,
    private readonly slice = 2_000,
  ) {}

  add(points: readonly MetricPoint[]): void {
    if (points.length === 0) return;
    for (const p of points) this.points.push(p);
    if (this.points.length >= this.maxPoints) this.handOver();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.handOver(), this.periodMs);
      this.timer.unref();
    }
  }

  /** Hands every buffered point to the sink now. */
  flush(): void {
    this.takeAll();
    const slices = this.slices;
    this.slices = [];
    for (const s of slices) this.sink().add(s);
  }

  get size(): number {
    return this.points.length + this.slices.reduce((n, s) => n + s.length, 0);
  }

  /** Moves the buffer into slices and starts handing them over, one per turn of the event loop. */
  private handOver(): void {
    this.takeAll();
    this.handing ??= setImmediate(() => this.handOne());
    this.handing.unref();
  }

  private handOne(): void {
    this.handing = undefined;
    const next = this.slices.shift();
    if (next) this.sink().add(next);
    if (this.slices.length > 0) {
      this.handing = setImmediate(() => this.handOne());
      this.handing.unref();
    }
  }

  private takeAll(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.points;
    if (batch.length === 0) return;
    this.points = [];
    for (let i = 0; i < batch.length; i += this.slice) this.slices.push(batch.slice(i, i + this.slice));
  }
}
