import type { Em } from '../../db/sql.js';
import type { IncidentEvent, IncidentEventSink } from '../incidents/index.js';
import type { NewOutboxRow } from '../notify/index.js';
import type { EscalationDeps } from './escalation.deps.js';
import { escalationStore } from './escalation.store.js';
import { incidentFactsStore } from './incident-facts.store.js';
import { urgencyOf } from './policy.types.js';
import { addMinutes } from './step.calc.js';

/** Events after which the DMs already sent for the incident are brought up to date in place. */
const UPDATES_DMS = new Set(['acknowledged', 'resolved', 'retriggered', 'escalated', 'assigned']);

/**
 * The escalation engine's side of incident events, in the transaction that records them: an incident created
 * triggered starts escalating (the policy frozen onto it, step 0 due at once); acknowledge and resolve stop it
 * (pending pages cancelled, in the same transaction, so nothing due after the acknowledgement's commit is sent);
 * re-trigger starts it again from the first step as a new generation.
 */
export class EscalationSink implements IncidentEventSink {
  constructor(private readonly deps: EscalationDeps) {}

  async record(em: Em, events: readonly IncidentEvent[]): Promise<void> {
    for (const e of events) {
      switch (e.event.kind) {
        case 'created':
          await this.start(em, e, 'triggered');
          break;
        case 'retriggered':
          await this.start(
            em,
            e,
            e.actor.kind === 'system' && e.event.data.note ? 'ack_timeout' : 'retriggered',
          );
          break;
        case 'acknowledged':
          await this.stop(em, e, 'acknowledged');
          break;
        case 'resolved':
          await this.stop(em, e, 'resolved');
          break;
        default:
          break;
      }
      if (UPDATES_DMS.has(e.event.kind)) await this.updateDms(em, e);
    }
  }

  /** Starts the incident's escalation (a new generation when it had one), step 0 due at once. */
  async start(
    em: Em,
    e: Pick<IncidentEvent, 'tenantId' | 'incidentId' | 'at'>,
    reason: 'triggered' | 'retriggered' | 'ack_timeout' | 'restarted',
  ): Promise<boolean> {
    const { tenantId, incidentId, at } = e;
    const inc = await incidentFactsStore.get(em, tenantId, incidentId);
    if (inc?.status !== 'triggered') return false;
    const existing = await escalationStore.get(em, tenantId, incidentId);
    const snapshot = existing?.snapshot ?? (await this.deps.directory.policyFor(em, tenantId, inc.service));
    if (!snapshot) {
      if (reason === 'triggered') {
        const event = { kind: 'escalation_none', data: { service: inc.service } } as const;
        await this.deps.recordNotice(em, tenantId, incidentId, event, at);
      }
      return false;
    }
    if (existing)
      await escalationStore.cancelPages(em, tenantId, incidentId, 'The escalation started again.', at, false);
    const generation = await escalationStore.start(
      em,
      tenantId,
      incidentId,
      snapshot,
      urgencyOf(inc.severity, snapshot.spec),
      at,
    );
    const data = {
      policyId: snapshot.policyId,
      policyName: snapshot.name,
      version: snapshot.version,
      generation,
      reason,
    };
    await this.deps.recordNotice(em, tenantId, incidentId, { kind: 'escalation_started', data }, at);
    await escalationStore.notifyEngine(em);
    return true;
  }

  private async stop(em: Em, e: IncidentEvent, state: 'acknowledged' | 'resolved'): Promise<void> {
    const row = await escalationStore.get(em, e.tenantId, e.incidentId);
    if (!row) return;
    const timeout = row.snapshot.spec.ackTimeoutMinutes;
    const nextAt = state === 'acknowledged' && timeout ? addMinutes(e.at, timeout) : null;
    await escalationStore.stop(em, e.tenantId, e.incidentId, state, nextAt, e.at);
    const reason = `${state === 'acknowledged' ? 'Acknowledged' : 'Resolved'} before it was sent.`;
    const cancelled = await escalationStore.cancelPages(
      em,
      e.tenantId,
      e.incidentId,
      reason,
      e.at,
      state === 'acknowledged',
    );
    for (const p of cancelled) this.deps.metrics?.notified(p.method, 'cancelled');
    if (nextAt) await escalationStore.notifyEngine(em);
  }

  /** Each DM already sent for the incident is updated in place (rendered from the incident as it is then). */
  private async updateDms(em: Em, e: IncidentEvent): Promise<void> {
    const sent = await escalationStore.sentDms(em, e.tenantId, e.incidentId);
    const rows: NewOutboxRow[] = sent.flatMap((p) =>
      p.slack_channel
        ? [
            {
              tenantId: e.tenantId,
              incidentId: e.incidentId,
              destination: 'slack.dm' as const,
              lane: p.slack_channel,
              payload: { type: 'page_update' as const, pageId: p.id },
              key: `page_update:${p.id}:${e.event.kind}:${e.at.getTime()}`,
            },
          ]
        : [],
    );
    if (rows.length) await this.deps.enqueue(em, rows);
  }
}
