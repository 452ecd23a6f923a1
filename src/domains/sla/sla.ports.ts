/** One rollup bucket of an SLA's metric as the SLA reads it from Silver. */
export interface SlaBucket {
  bucket: Date;
  /** Events in the bucket. */
  count: number;
  /** Of those, errors by the SLA's error filter. */
  errors: number;
  /** The bucket's p99 (ms), null without events. */
  p99: number | null;
}

export interface SlaBucketQuery {
  service: string;
  name: string;
  errorFilter: Record<string, string>;
  from: Date;
  to: Date;
  step: 'minute' | 'hour';
}

/** What the SLA reads from Silver (the metric rollups): buckets of one metric of one service in [from, to). */
export interface SlaMetricsPort {
  buckets(tenantId: string, q: SlaBucketQuery): Promise<SlaBucket[]>;
}

/** A recent Bronze error of a service, for a burn alert's description. */
export interface RecentError {
  at: Date;
  level: string;
  message: string;
}

/** What the SLA reads from Bronze (telemetry logs). */
export interface SlaLogsPort {
  recentErrors(tenantId: string, service: string, limit: number, now: Date): Promise<RecentError[]>;
}
