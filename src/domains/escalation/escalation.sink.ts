import type { Em } from '../../db/sql.js';
import type { IncidentEvent, IncidentEventSink } from '../incidents/index.js';
import { ledgerTouched, type NewOutboxRow } from '../notify/index.js';
import type { EscalationDeps } from './escalation.deps.js';
import { escalationStore } from './escalation.store.js';
import { incidentFactsStore } from './incident-facts.store.js';
import { urgencyOf } from './policy.types.js';

/** Events that start or stop an escalation: `created` events before them are started first, in order. */
const STOPS_A_RUN = new Set(['retriggered', 'acknowledged', 'resolved']);

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
    /** Consecutive `created` events, started together when the next event that matters comes (or the end). */
    let created: IncidentEvent[] = [];
    for (const e of events) {
      if (e.event.kind === 'created') {
        created.push(e);
        continue;
      }
      if (created.length && STOPS_A_RUN.has(e.event.kind)) {
        await this.startCreated(em, created);
        created = [];
      }
      switch (e.event.kind) {
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
    await this.startCreated(em, created);
  }

  /**
   * Starts the escalations of incidents just created: one statement per tenant and instant, sent without waiting
   * for an answer (the policies, snapshots, generations and timeline notices all worked out by the database, the
   * policy in force through the directory's embeddable query).
   */
  private async startCreated(em: Em, events: readonly IncidentEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { directory, noticeInsert } = this.deps;
    const batches = new Map<string, { tenantId: string; at: Date; ids: string[] }>();
    for (const e of events) {
      const key = `${e.tenantId}/${e.at.getTime()}`;
      const b = batches.get(key) ?? { tenantId: e.tenantId, at: e.at, ids: [] };
      if (!b.ids.includes(e.incidentId)) b.ids.push(e.incidentId);
      batches.set(key, b);
    }
    for (const { tenantId, at, ids } of batches.values())
      await escalationStore.startAll(
        em,
        tenantId,
        ids,
        (service) => directory.policyInForceQuery(tenantId, service),
        (rows) => noticeInsert(tenantId, rows, at),
        at,
      );
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
    if (existing) {
      const cancelled = await escalationStore.cancelPages(
        em,
        tenantId,
        incidentId,
        'The escalation started again.',
        at,
        false,
      );
      const steps = cancelled.map((p) => ({
        tenantId,
        incidentId,
        generation: p.generation,
        loop: p.loop,
        step: p.step,
      }));
      await ledgerTouched(em, steps, at);
    }
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

  /**
   * Stops it: one update of the escalation (the ack timeout worked out from its frozen policy by the database)
   * and the pages it cancels, sent without waiting; the cancelled pages are counted when their answer comes.
   */
  private async stop(em: Em, e: IncidentEvent, state: 'acknowledged' | 'resolved'): Promise<void> {
    const reason = `${state === 'acknowledged' ? 'Acknowledged' : 'Resolved'} before it was sent.`;
    const { cancelled } = await escalationStore.stopAhead(em, e.tenantId, e.incidentId, state, reason, e.at);
    cancelled.then(
      (pages) => {
        for (const p of pages) this.deps.metrics?.notified(p.method, 'cancelled');
      },
      () => {}, // the transaction fails with it
    );
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
