import type { Em } from '../../db/sql.js';
import type { Actor } from '../../shared/actor.js';
import type { TimelineEvent } from './timeline.types.js';

/** One event as it was recorded: whose, on which incident, by whom, when. */
export interface IncidentEvent {
  tenantId: string;
  incidentId: string;
  actor: Actor;
  at: Date;
  event: TimelineEvent;
}

/**
 * Something that reacts to incident events inside the transaction that records them (the notification router
 * today; the escalation engine, SLA snapshots and the knowledge base later). `record` runs in that transaction,
 * after the timeline rows were written: what it writes commits or rolls back with the change.
 */
export interface IncidentEventSink {
  record(em: Em, events: readonly IncidentEvent[]): Promise<void>;
  /**
   * Told, before anything of theirs is read, that the transaction may record events on the open incidents of
   * these groups (or open new ones): a subscriber may send now what it will need (see `queryAhead`), so it
   * travels with the transaction's next statement instead of costing a round trip of its own. Never awaited.
   */
  expect?(em: Em, hint: IncidentHint): void;
}

/** Which incidents a transaction is about to work on. */
export interface IncidentHint {
  tenantId: string;
  /** Group keys: the transaction holds their locks, and works on their open incidents. */
  groupKeys: readonly string[];
}

/**
 * The subscribers of one OpsWatch, called in the order they subscribed, each in the recording transaction. The
 * composition root subscribes them once at start; nothing else does (no process-wide hooks, so several OpsWatch
 * instances in one process — tests — never see each other's events).
 */
export class IncidentEventBus implements IncidentEventSink {
  private readonly subscribers: IncidentEventSink[] = [];

  subscribe(sink: IncidentEventSink): void {
    this.subscribers.push(sink);
  }

  async record(em: Em, events: readonly IncidentEvent[]): Promise<void> {
    if (events.length === 0) return;
    for (const s of this.subscribers) await s.record(em, events);
  }

  expect(em: Em, hint: IncidentHint): void {
    for (const s of this.subscribers) s.expect?.(em, hint);
  }
}
