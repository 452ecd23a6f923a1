import type { Em } from '../../db/sql.js';

/** An alert of an incident, as the incident's detail shows it. */
export interface IncidentAlert {
  id: string;
  source: string;
  dedup_key: string;
  status: 'firing' | 'resolved';
  title: string;
  severity: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  links: { href: string; text: string }[];
  starts_at: Date | null;
  ends_at: Date | null;
  first_seen_at: Date;
  last_seen_at: Date;
  resolved_at: Date | null;
  occurrences: number;
}

export interface IncidentAlertCounts {
  total: number;
  firing: number;
}

/**
 * What incidents need to know of, and do to, the alerts grouped into them. The alerts domain owns the alerts
 * (and each alert's link to its incident) and implements this; the composition root hands it to the incidents
 * domain. Every method runs in the caller's transaction.
 */
export interface IncidentAlertsPort {
  /** The incident's alerts, oldest first. */
  list(em: Em, tenantId: string, incidentId: string, limit?: number): Promise<IncidentAlert[]>;
  /** Alerts and firing alerts per incident (incidents with none are absent). */
  counts(em: Em, tenantId: string, incidentIds: string[]): Promise<Map<string, IncidentAlertCounts>>;
  /** Ends the episodes of the incident's still-firing alerts (a person resolved it); returns how many. */
  endFiring(em: Em, tenantId: string, incidentId: string, at: Date): Promise<number>;
}
