export const ALERT_SOURCES = ['alertmanager', 'grafana', 'generic', 'pagerduty', 'keep'] as const;
export type AlertSource = (typeof ALERT_SOURCES)[number];
/** Sources of alerts OpsWatch raises itself (a missed heartbeat, an SLA's error budget burning): ingested like a webhook's, with no webhook. */
export const INTERNAL_SOURCES = ['heartbeat', 'sla'] as const;
export type InternalSource = (typeof INTERNAL_SOURCES)[number];
/** Where an alert event came from: a webhook format, or OpsWatch itself. */
export type IngestSource = AlertSource | InternalSource;

/** P1 (most urgent) … P5. */
export type Severity = 1 | 2 | 3 | 4 | 5;

export interface AlertLink {
  href: string;
  text: string;
}

/**
 * One alert event as every source parser hands it to the alerts service,
 * whatever shape it arrived in.
 */
export interface NormalizedAlert {
  source: IngestSource;
  /** What the alert is deduplicated by: the source fingerprint or dedup key. */
  dedupKey: string;
  /** firing/resolved for every source; acknowledged only from PagerDuty Events v2 and Keep. */
  action: 'firing' | 'resolved' | 'acknowledged';
  title: string;
  description: string | null;
  service: string;
  environment: string;
  severity: Severity;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  links: AlertLink[];
  /** When the source says the problem started / ended. */
  startsAt: Date | null;
  endsAt: Date | null;
  /** A grouping key the source supplies (Alertmanager's groupKey), or null. */
  sourceGroupKey: string | null;
  /** The alert as it arrived (for debugging), plus the group context where there is one. */
  raw: unknown;
}
