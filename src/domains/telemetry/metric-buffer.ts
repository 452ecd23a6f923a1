import type { MetricPoint, MetricSink } from './telemetry.types.js';

/**
 * Metric points gathered in memory for about a second, then handed to the sink (Silver's aggregator) in one
 * call. A crash loses at most this buffer (and what the sink holds unflushed); senders are answered once their
 * points are in it. The timer does not keep the process alive; `flush()` drains by hand (tests, shutdown).
 */
export class MetricBuffer {
  private points: MetricPoint[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: () => MetricSink,
    private readonly periodMs = 1000,
    private readonly maxPoints = 200_000,
  ) {}

  add(points: readonly MetricPoint[]): void {
    if (points.length === 0) return;
    for (const p of points) this.points.push(p);
    if (this.points.length >= this.maxPoints) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.periodMs);
      this.timer.unref();
    }
  }

  /** Hands every buffered point to the sink now. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.points.length === 0) return;
    const batch = this.points;
    this.points = [];
    this.sink().add(batch);
  }

  get size(): number {
    return this.points.length;
  }
}
