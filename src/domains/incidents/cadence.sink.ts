import type { Em } from '../../db/sql.js';
import { type CadencePolicy, cadenceMinutes } from './cadence.calc.js';
import { coordinationStore } from './coordination.store.js';
import type { IncidentEvent, IncidentEventSink } from './incident-events.js';

/**
 * Keeps each incident's update cadence in step with its events, in the transaction that records them: an
 * incident opened with a severity that has a cadence starts one (first reminder at opening + interval); a status
 * update counts the interval again from itself; a severity change takes the new severity's interval (or none).
 * Events of other kinds cost nothing: a resolved incident's cadence is ended by the engine when it comes due (no
 * statement on every resolution, which is on alert ingestion's path).
 */
export class CadenceSink implements IncidentEventSink {
  constructor(private readonly policy: CadencePolicy) {}

  async record(em: Em, events: readonly IncidentEvent[]): Promise<void> {
    const byTenant = new Map<string, IncidentEvent[]>();
    for (const e of events) {
      if (!['created', 'status_update', 'severity_changed'].includes(e.event.kind)) continue;
      byTenant.set(e.tenantId, [...(byTenant.get(e.tenantId) ?? []), e]);
    }
    for (const [tenantId, list] of byTenant) await this.tenant(em, tenantId, list);
  }

  private async tenant(em: Em, tenantId: string, events: IncidentEvent[]): Promise<void> {
    const at = events[0]!.at;
    const start: { incidentId: string; minutes: number }[] = [];
    for (const { incidentId, event, at: when } of events) {
      switch (event.kind) {
        case 'created': {
          const minutes = event.data.test ? null : cadenceMinutes(this.policy, event.data.severity);
          if (minutes) start.push({ incidentId, minutes });
          break;
        }
        case 'status_update':
          await coordinationStore.restartCadence(em, tenantId, incidentId, when);
          break;
        case 'severity_changed': {
          const minutes = cadenceMinutes(this.policy, event.data.to);
          if (minutes === cadenceMinutes(this.policy, event.data.from)) break;
          await coordinationStore.changeCadence(em, tenantId, incidentId, minutes, when);
          break;
        }
        default:
          break;
      }
    }
    await coordinationStore.startCadences(em, tenantId, start, at);
  }
}
