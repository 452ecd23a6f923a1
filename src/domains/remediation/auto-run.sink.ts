import type { Em } from '../../db/sql.js';
import { systemActor } from '../../shared/actor.js';
import { isAppError } from '../../shared/errors.js';
import type { IncidentEvent, IncidentEventSink, IncidentFacts } from '../incidents/index.js';
import type { RemediationDeps } from './remediation.deps.js';
import type { RunsService } from './runs.service.js';

/**
 * Auto-run: when a runbook is attached to an incident still open (the runbooks domain's `runbook_attached`,
 * recorded when the incident triggers or an alert joins it), each of the attached version's actions whose policy
 * says `auto` (only allowed with approval `none`) gets a run, created in the recording transaction with its
 * timeline event and audit row; the runs job picks it up (preflight first, like any run). The policy's
 * environments and rate limit apply as to a person's run: an action not allowed in the incident's environment is
 * skipped; one over its rate is stored as `rate_limited`.
 */
export class AutoRunSink implements IncidentEventSink {
  constructor(
    private readonly d: Pick<RemediationDeps, 'catalog' | 'log'>,
    private readonly runs: RunsService,
    private readonly facts: (em: Em, tenantId: string, incidentId: string) => Promise<IncidentFacts | null>,
  ) {}

  async record(em: Em, events: readonly IncidentEvent[]): Promise<void> {
    for (const e of events) {
      if (e.event.kind !== 'runbook_attached') continue;
      const { runbookId, version } = e.event.data;
      const incident = await this.facts(em, e.tenantId, e.incidentId);
      if (!incident || incident.status === 'resolved' || incident.test) continue;
      const attached = (await this.d.catalog.attached(em, e.tenantId, e.incidentId)).find(
        (a) => a.runbookId === runbookId && a.version === version,
      );
      for (const action of attached?.actions ?? []) {
        if (!action.policy.auto || action.policy.approval !== 'none') continue;
        try {
          await this.runs.create(
            em,
            systemActor(e.tenantId, 'OpsWatch (auto-run)'),
            {
              id: incident.id,
              ref: `INC-${incident.number}`,
              service: incident.service,
              environment: incident.environment,
            },
            { runbookId, slug: attached!.slug, version, action, actions: attached!.actions },
            { auto: true, rollbackOf: null },
          );
        } catch (err) {
          if (!isAppError(err)) throw err;
          this.d.log.info(
            { tenant: e.tenantId, incident: e.incidentId, action: action.name, reason: err.message },
            'runbook auto-run skipped',
          );
        }
      }
    }
  }
}
