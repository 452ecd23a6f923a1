/** A range of an SLA's metric as the SLA reads it from Silver. */
export interface SlaWindowFigures {
  /** Events in the range. */
  count: number;
  /** Of those, errors by the SLA's error filter. */
  errors: number;
  /** The range's p99 (ms) when asked for, null without events. */
  p99: number | null;
}

export interface SlaRangeQuery {
  service: string;
  name: string;
  errorFilter: Record<string, string>;
  from: Date;
  to: Date;
}

/** One minute of a metric: its events and p99 (minutes without events are left out). */
export interface SlaMinute {
  bucket: Date;
  count: number;
  p99: number;
}

/** What the SLA reads from Silver (the metric rollups), exact over any range. */
export interface SlaMetricsPort {
  range(tenantId: string, q: SlaRangeQuery, withP99: boolean): Promise<SlaWindowFigures>;
  minutes(tenantId: string, q: Omit<SlaRangeQuery, 'errorFilter'>): Promise<SlaMinute[]>;
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
