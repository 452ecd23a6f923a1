import type { Em } from '../../db/sql.js';
import type { IncidentEvent, IncidentEventSink } from '../incidents/index.js';
import { fileResolution, type KnowledgePorts } from './knowledge.capture.js';
import { knowledgeStore } from './knowledge.store.js';

/** Resolved by OpsWatch (every alert resolved, in alert ingestion) or by the monitoring that sent the alerts. */
const resolvedByItself = (e: IncidentEvent): boolean =>
  e.actor.kind === 'system' || e.actor.source === 'webhook';

/**
 * The knowledge base's subscriber to incident events, in the recording transaction:
 * - a `resolved` by a person (or an API key) files the resolution — and, marked for the knowledge base with what
 *   fixed it, creates or updates its signature's entry — in the same transaction;
 * - a `resolution_captured` (a fix told after the fact) files it the same way;
 * - a `resolved` by itself (every alert resolved, or the sender resolved it: alert ingestion's transaction) only
 *   queues one row
 *   asking its acknowledger or assignee what fixed it, sent without waiting for an answer: the signature, the
 *   look-ups and the DM happen later, off the webhook's path (KnowledgeService.askPending, an engine module).
 */
export class KnowledgeSink implements IncidentEventSink {
  constructor(private readonly ports: KnowledgePorts) {}

  async record(em: Em, events: readonly IncidentEvent[]): Promise<void> {
    const asks = new Map<string, string[]>();
    for (const e of events) {
      const { event, actor } = e;
      if (event.kind === 'resolved' && resolvedByItself(e)) {
        asks.set(e.tenantId, [...(asks.get(e.tenantId) ?? []), e.incidentId]);
      } else if (event.kind === 'resolved') {
        await fileResolution(em, this.ports, actor, e.incidentId, e.at, {
          fix: event.data.note?.trim() || null,
          cause: event.data.cause ?? null,
          kb: event.data.kb ?? false,
          auto: false,
          late: false,
        });
      } else if (event.kind === 'resolution_captured') {
        await fileResolution(em, this.ports, actor, e.incidentId, e.at, {
          fix: event.data.fix?.trim() || null,
          cause: event.data.cause,
          kb: event.data.kb,
          auto: false,
          late: true,
        });
      }
    }
    for (const [tenantId, ids] of asks) await knowledgeStore.addAsks(em, tenantId, ids, events[0]!.at);
  }
}
