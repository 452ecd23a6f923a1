import {
  dueWeek,
  type SlaBurnAlerts,
  type SlaSnapshotter,
  type SlaWeeklyReports,
} from '../domains/sla/index.js';
import type { EngineModule } from './tick.js';

/** How long a run that found nothing due is trusted before looking again (new backdated SLAs, other replicas). */
const QUIET_MS = 10 * 60_000;

/**
 * The nightly SLA snapshots: at the first tick of a UTC day, every SLA version gets its snapshot of the day before
 * (and, after downtime, of each day missed since its start, bounded per run). Which days are due comes from
 * `now` and the snapshots stored, so it needs no schedule of its own; a run that found nothing due is not repeated
 * for 10 minutes within the same day. Safe on several replicas (advisory lock, unique (definition, day)).
 */
export function slaSnapshotsModule(snapshotter: SlaSnapshotter): EngineModule {
  let quiet: { day: string; at: number } | null = null;
  return {
    name: 'sla-snapshots',
    async run(now) {
      const day = now.toISOString().slice(0, 10);
      if (quiet && quiet.day === day && now.getTime() - quiet.at < QUIET_MS) return { skipped: true };
      const report = await snapshotter.run(now);
      quiet = report.behind === 0 ? { day, at: now.getTime() } : null;
      return report;
    },
  };
}

/** Burn alerts: each open SLA's burn measured about once a minute (rows claimed `for update skip locked`). */
export function slaBurnModule(burn: SlaBurnAlerts): EngineModule {
  return { name: 'sla-burn', run: (now) => burn.run(now) };
}

/** How long a report run is trusted before queuing again (a tenant setting its channel later that week). */
const REPORT_QUIET_MS = 15 * 60_000;

/**
 * The weekly SLA report: from Monday 09:00 UTC (for 48 hours), each tenant's report of the week before is queued
 * under a key per tenant and ISO week (so runs and replicas queue it once); a process looks again every 15
 * minutes meanwhile, which queues nothing new except for tenants that set a report channel since.
 */
export function slaReportModule(reports: SlaWeeklyReports): EngineModule {
  let quiet: { week: string; at: number } | null = null;
  return {
    name: 'sla-report',
    async run(now) {
      const week = dueWeek(now)?.week;
      if (!week) return { due: false };
      if (quiet && quiet.week === week && now.getTime() - quiet.at < REPORT_QUIET_MS)
        return { skipped: true };
      const report = await reports.run(now);
      quiet = { week, at: now.getTime() };
      return report;
    },
  };
}
