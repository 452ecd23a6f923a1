import type { Selectable } from 'kysely';
import type { DB } from '../../db/schema.generated.js';
import type { Em } from '../../db/sql.js';

/** An alert of an incident, as the incident's detail shows it: columns of `alerts`, with what its jsonb holds. */
export type IncidentAlert = Pick<
  Selectable<DB['alerts']>,
  | 'id'
  | 'source'
  | 'dedup_key'
  | 'title'
  | 'severity'
  | 'starts_at'
  | 'ends_at'
  | 'first_seen_at'
  | 'last_seen_at'
  | 'resolved_at'
  | 'occurrences'
> & {
  status: 'firing' | 'resolved';
  labels: Record<string, string>;
  annotations: Record<string, string>;
  links: { href: string; text: string }[];
};

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
  /** Moves every alert of incident `from` (firing or not) to incident `to` (a merge); returns how many. */
  moveAll(em: Em, tenantId: string, from: string, to: string, at: Date): Promise<number>;
}

/**
 * The pages (escalation domain) of an incident merged into another: moved to the target, as records of who was
 * paged, never to be sent or counted by the target's escalation. Runs in the caller's transaction.
 */
export interface IncidentPagesPort {
  moveAll(em: Em, tenantId: string, from: string, to: string): Promise<number>;
}
