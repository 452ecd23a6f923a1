/**
 * The telemetry domain's contract for metric data points (kept here until the telemetry branch's
 * `telemetry.types.ts` is merged; the shapes are the same).
 */
export type MetricPoint = {
  tenantId: string;
  service: string;
  name: string;
  tags: Record<string, string>;
  at: Date;
} & (
  | { kind: 'value'; value: number; count?: number }
  | {
      kind: 'histogram';
      count: number;
      sum: number;
      min?: number;
      max?: number;
      bounds: number[];
      bucketCounts: number[];
    }
);

/** Where ingestion hands metric points: in memory, synchronous. */
export interface MetricSink {
  add(points: readonly MetricPoint[]): void;
}
