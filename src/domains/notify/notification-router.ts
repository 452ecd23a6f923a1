import type { Em } from '../../db/sql.js';
import { beforeCommit } from '../../db/tx.js';
import { newId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import type { IncidentEvent, IncidentEventSink, IncidentNoticeRecorder } from '../incidents/index.js';
import { outboxStore } from './outbox.store.js';
import { factsNeeded, needsNothing, route } from './routing.calc.js';

export interface RouterOptions {
  /** SLACK_DEFAULT_CHANNEL */
  defaultChannel: string | null;
  /** Writes the `notification_unrouted` notice on the incident's timeline (IncidentsService.recordNotice). */
  recordNotice: IncidentNoticeRecorder;
  /** Told of each incident nobody is notified of (metrics). */
  onUnrouted?: (() => void) | undefined;
  log: Logger;
}

/**
 * Turns incident events into outbox rows, in the transaction that records them, whatever this process runs
 * (Slack or not: rows wait for a process that delivers them). Events are gathered for the whole transaction and
 * routed once, just before it commits: one query for the facts routing needs, the pure `route`, and one insert
 * sent without waiting for its answer.
 */
export class NotificationRouter implements IncidentEventSink {
  private readonly pending = new WeakMap<Em, IncidentEvent[]>();

  constructor(private readonly opts: RouterOptions) {}

  async record(em: Em, events: readonly IncidentEvent[]): Promise<void> {
    let gathered = this.pending.get(em);
    if (!gathered) {
      gathered = [];
      this.pending.set(em, gathered);
      beforeCommit(em, () => this.flush(em));
    }
    gathered.push(...events);
  }

  private async flush(em: Em): Promise<void> {
    const events = this.pending.get(em) ?? [];
    this.pending.delete(em);
    const byTenant = new Map<string, IncidentEvent[]>();
    for (const e of events) byTenant.set(e.tenantId, [...(byTenant.get(e.tenantId) ?? []), e]);
    for (const [tenantId, list] of byTenant) await this.routeTenant(em, tenantId, list);
  }

  private async routeTenant(em: Em, tenantId: string, events: IncidentEvent[]): Promise<void> {
    const need = factsNeeded(events);
    if (needsNothing(need)) return;
    const at = events[0]?.at ?? new Date(0);
    const facts = await outboxStore.routingFacts(em, tenantId, need, at);
    const { rows, unrouted } = route(events, facts, {
      defaultChannel: this.opts.defaultChannel,
      batch: newId(),
    });
    await outboxStore.enqueue(em, rows, at);
    for (const u of unrouted) {
      const event = { kind: 'notification_unrouted', data: { service: u.service } } as const;
      await this.opts.recordNotice(em, tenantId, u.incidentId, event, at);
      this.opts.onUnrouted?.();
      this.opts.log.info(
        { tenant: tenantId, incident: u.incidentId, service: u.service },
        'incident not notified: no Slack route and no default channel',
      );
    }
  }
}
