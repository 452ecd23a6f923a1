import type { RawBuilder } from 'kysely';
import type { Em } from '../../db/sql.js';
import type { Actor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import type { IncidentNoticeRecorder, TimelineEvent } from '../incidents/index.js';
import type { NewOutboxRow } from '../notify/index.js';
import type { EscalationDirectory } from './escalation.ports.js';

/** What the escalation domain is given by the composition root. */
export interface EscalationDeps {
  clock: Clock;
  log: Logger;
  /** Policies, notification rules and managers (the escalation, services and paging domains). */
  directory: EscalationDirectory;
  /** Writes timeline notices in the caller's transaction (IncidentsService.recordNotice). */
  recordNotice: IncidentNoticeRecorder;
  /** Records OpsWatch's notices on several incidents in one statement (IncidentsService.recordNotices). */
  recordNotices?: (
    em: Em,
    tenantId: string,
    items: { incidentId: string; event: TimelineEvent }[],
    at: Date,
  ) => Promise<void>;
  /**
   * OpsWatch's notices from a relation of the embedding statement (`incident_id, kind, data`), as a statement
   * for its `with` clause (the incidents domain's timelineQueries.insertNotices): subscribers are not told.
   */
  noticeInsert: (tenantId: string, rows: RawBuilder<unknown>, at: Date) => RawBuilder<unknown>;
  /** Records an event by a person (or key) in the caller's transaction (IncidentsService.recordAs). */
  recordAs?: (em: Em, actor: Actor, incidentId: string, event: TimelineEvent, at: Date) => Promise<void>;
  /** Queues outbox rows in the caller's transaction. */
  enqueue: (em: Em, rows: readonly NewOutboxRow[]) => Promise<void>;
  /** Queues outbox rows in the caller's transaction, answering each key's outbox id. */
  enqueueReturning: (em: Em, rows: readonly NewOutboxRow[]) => Promise<Map<string, string>>;
  /**
   * Sends an incident acknowledged `minutes` ago and still unresolved back to triggered (its own transaction);
   * false when it is no longer acknowledged since then.
   */
  ackTimedOut: (tenantId: string, incidentId: string, minutes: number) => Promise<boolean>;
  /**
   * Opens a test page's incident in the caller's transaction (IncidentsService.openTest): a P1 drill for one
   * person, posted to no channel, not escalated by its service's policy.
   */
  openTest: (
    em: Em,
    actor: Actor,
    fields: { title: string; description: string; service: string; testOf: string },
    at: Date,
  ) => Promise<{ id: string; number: number }>;
  /** Ends a test page, acknowledged (if nobody did) and resolved by OpsWatch, in its own transaction. */
  endTest: (tenantId: string, incidentId: string, note: string) => Promise<boolean>;
  /** Twilio is set up: SMS and voice pages go out (otherwise they fail, saying why). */
  phonesOn?: boolean;
  /** SLACK_DEFAULT_CHANNEL: where "nobody acknowledged" is said besides the incident's thread. */
  defaultChannel: string | null;
  metrics?: EscalationMetrics;
}

export interface EscalationMetrics {
  /** A page's outcome (sent, failed, cancelled, skipped). */
  notified(method: string, outcome: string): void;
  /** Seconds between a page's due instant and its hand-over to the platform. */
  lateness(seconds: number): void;
}
