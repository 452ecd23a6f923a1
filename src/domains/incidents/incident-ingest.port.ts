import type { Em } from '../../db/sql.js';
import type { Actor } from '../../shared/actor.js';

/** A new alert (not a repeat) of a group, as the incident records it. */
export interface NewAlertInGroup {
  id: string;
  title: string;
  description: string | null;
  service: string;
  environment: string;
  severity: number;
}

/** How a source's alerts treat their incidents (from the tenant's ingestion settings). */
export interface IngestPolicy {
  autoResolve: boolean;
  retriggerAfterAckMinutes: number;
}

export interface IncidentRef {
  id: string;
  number: number;
}

/**
 * The groups an ingest transaction holds the locks of, and the open incident of each (locked for update),
 * from `IncidentIngestPort.lockGroups`. New alerts of a group with an open incident belong to it.
 */
export interface LockedGroups {
  readonly tenantId: string;
  open(groupKey: string): IncidentRef | undefined;
}

/** What one ingest transaction's alert events did to a group, for its incident to record. */
export type AlertGroupChange =
  /**
   * New alerts fired in a group: they joined its open incident, or open one (`LockedGroups.open` says which).
   * `incidentId`: the id the incident gets if one opens (the alerts were stored naming it); else a new one.
   */
  | {
      kind: 'fired';
      groupKey: string;
      source: string;
      policy: IngestPolicy;
      alerts: NewAlertInGroup[];
      incidentId?: string;
    }
  /** Alerts of an incident resolved; `stillFiring` of its alerts are firing after them. */
  | { kind: 'resolved'; incidentId: string; titles: string[]; stillFiring: number }
  /** An alert of the incident was acknowledged at its source (PagerDuty Events v2). */
  | { kind: 'acknowledged'; incidentId: string };

/**
 * What happened to a change's incident, in the order of the changes. An incident opened by the change
 * (`created`) has its number once `AppliedChanges.numbered` has resolved (0 until then).
 */
export type GroupOutcome =
  | { kind: 'fired'; incident: IncidentRef; created: boolean; retriggered: boolean }
  | { kind: 'resolved'; incidentId: string; resolved: boolean }
  | { kind: 'acknowledged'; incidentId: string; acknowledged: boolean };

/** What `IncidentIngestPort.apply` answers. */
export interface AppliedChanges {
  /** Per change, in the order of the changes. */
  outcomes: GroupOutcome[];
  /**
   * Resolves once the numbers of the incidents opened are filled into `outcomes`. On a light transaction they
   * arrive with its COMMIT: await it after the transaction has committed (before, it would wait for the next
   * statement the transaction awaits). Rejects when the insert failed (and so did the transaction).
   */
  numbered: Promise<void>;
}

/**
 * The incidents domain's one door for alert ingestion, used inside the ingest transaction:
 *
 * 1. `lockGroups` takes the group locks of every group the transaction will touch, in one sorted statement
 *    (the order every writer of a grouped incident uses, so none deadlock), and reads their open incidents,
 *    locked. Both statements are sent before it returns, so on a light transaction the caller's next statement
 *    (the alert upsert) leaves in the same write and runs after them;
 * 2. the alerts domain stores its alerts and links new ones to the open incident of their group;
 * 3. `apply` records what the alerts did — incidents opened (their alerts are then linked by the caller), joined,
 *    re-triggered, resolved or acknowledged — and says, per change, what happened.
 *
 * None of it costs a round trip per alert: one statement each for the locks and the open incidents, one
 * timeline insert for all joined alerts, one lock of the incidents that resolved or acknowledged alerts touch.
 * The incidents a batch opens are inserted in one statement that also reserves their numbers; on a light
 * transaction it is sent without waiting for its answer, which travels with the transaction's next awaited
 * statement or its COMMIT: the caller reads the numbers (`AppliedChanges.numbered`) after the commit.
 */
export interface IncidentIngestPort {
  lockGroups(em: Em, tenantId: string, groupKeys: string[]): Promise<LockedGroups>;
  apply(
    em: Em,
    actor: Actor,
    groups: LockedGroups,
    changes: AlertGroupChange[],
    now: Date,
  ): Promise<AppliedChanges>;
  /** Id and number of these incidents (for lists of alerts). */
  refs(em: Em, tenantId: string, incidentIds: string[]): Promise<Map<string, IncidentRef>>;
}
