import type { Services } from '../app/services.js';
import type { Logger } from '../shared/logger.js';
import { escalationModule } from './escalation.module.js';
import { handoffsModule } from './handoffs.module.js';
import { heartbeatsModule } from './heartbeats.module.js';
import { slaBurnModule, slaReportModule, slaSnapshotsModule } from './sla.module.js';
import { telemetryJanitorModule } from './telemetry-janitor.module.js';
import { createEngine, type Engine } from './tick.js';
import { updateRemindersModule } from './update-reminders.module.js';

export type { Engine, EngineModule } from './tick.js';

/** The engine's modules, in the order each tick runs them. */
export function engineFor(services: Services, log: Logger): Engine {
  return createEngine(
    [
      // Missed heartbeats first: the incidents they open start escalating in the same tick.
      heartbeatsModule(services.heartbeats),
      // Held alerts whose silence or maintenance window is over open (or join) their incidents first, so their
      // escalation starts in the same tick.
      { name: 'silences', run: (now) => services.alerts.releaseSilenced(now) },
      escalationModule(services.escalation),
      // SMS and calls whose sending died without an answer are failed ("outcome unknown"), never sent again.
      { name: 'phone-sends', run: async () => ({ expired: await services.phonePaging.expireStuck() }) },
      handoffsModule(services.handoffs),
      // Incident channels resolved long enough ago are archived (queued once per date, whatever the replicas).
      { name: 'incident-channels', run: (now) => services.channels.archiveDue(now) },
      updateRemindersModule(services.updateReminders),
      // Maintenance windows that started or ended are announced in their services' channels.
      { name: 'maintenance', run: (now) => services.maintenance.announce(now) },
      // Incidents that resolved by themselves: their acknowledger or assignee is asked once what fixed it.
      { name: 'knowledge-asks', run: (now) => services.knowledge.askPending(now) },
      // Owners of overdue postmortem action items: one DM per item per day.
      { name: 'action-item-reminders', run: (now) => services.actionItems.remind(now) },
      // Runbooks named by new alerts' runbook_url, or whose matchers match them, are attached to their incidents.
      { name: 'runbooks-attach', run: (now) => services.runbooks.attachPending(now) },
      // Silver: completed hours built from their 60 minutes (one replica at a time; the cursor makes it idempotent).
      { name: 'rollup-hours', run: (now) => services.rollups.rollHours(now) },
      // The telemetry janitor: retention of Silver (bounded batches) and Bronze (day partitions), every 10 minutes.
      telemetryJanitorModule(services.rollups),
      // Yesterday's SLA snapshots (from 00:00 UTC), and every day a downtime made us miss.
      slaSnapshotsModule(services.slaSnapshots),
      // Error budgets burning fast open (and, when the burn stops, resolve) incidents of source `sla`.
      slaBurnModule(services.slaBurn),
      // Mondays from 09:00 UTC: last week's SLA report to each tenant's report channel (after the snapshots above).
      slaReportModule(services.slaReports),
    ],
    log,
  );
}
