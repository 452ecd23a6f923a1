import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withTx } from '../../db/tx.js';
import type { Clock } from '../../shared/clock.js';
import { dueWeek, firstDayNeeded, type ReportLine, type ReportWeek, reportLine } from './report.calc.js';
import type { SlaMetric, SlaWindow } from './sla.calc.js';
import { metricLabel } from './sla.mapper.js';
import { slaStore } from './sla.store.js';

/** A tenant's weekly report as it is queued (the outbox's `sla_report` payload). */
export interface WeeklyReport extends ReportWeek {
  type: 'sla_report';
  lines: ReportLine[];
  more: number;
}

/** Where reports go: the tenant's report channel (null: none), and the outbox, in the run's transaction. */
export interface SlaReportPort {
  channelOf(tenantId: string): Promise<string | null>;
  enqueue(em: Em, r: { tenantId: string; channel: string; report: WeeklyReport }): Promise<void>;
}

export interface ReportRunReport {
  /** Null: no report is due now. */
  week: string | null;
  tenants: number;
  queued: number;
}

/** Lines a report carries at most (the message shows fewer and counts the rest). */
const MAX_LINES = 500;
const MAX_TENANTS = 10_000;

/**
 * The weekly SLA report (the engine's module): from Monday 09:00 UTC, each tenant with open SLAs and a report
 * channel gets the past ISO week's figures per SLA (attainment over the week and the window, budget left, trend,
 * breaches, daily attainment for its chart) queued to the outbox under a key per tenant and week, so however
 * many runs and replicas queue it, it is posted once. One replica computes at a time (advisory lock).
 */
export class SlaWeeklyReports {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly port: SlaReportPort,
  ) {}

  async run(now: Date = this.clock.now()): Promise<ReportRunReport> {
    const w = dueWeek(now);
    if (!w) return { week: null, tenants: 0, queued: 0 };
    return withTx(this.orm, 'system', async (em) => {
      if (!(await slaStore.tryLock(em, 'report'))) return { week: w.week, tenants: 0, queued: 0 };
      const tenants = await slaStore.tenantsWithOpenSlas(em, MAX_TENANTS);
      let queued = 0;
      for (const tenantId of tenants) {
        const channel = await this.port.channelOf(tenantId);
        if (!channel) continue;
        await this.port.enqueue(em, { tenantId, channel, report: await this.report(em, tenantId, w) });
        queued += 1;
      }
      return { week: w.week, tenants: tenants.length, queued };
    });
  }

  /** A tenant's report of week `w` from its open SLAs and their snapshots (every version's). */
  async report(em: Em, tenantId: string, w: ReportWeek): Promise<WeeklyReport> {
    const defs = await slaStore.list(em, tenantId, true);
    const from = firstDayNeeded(
      w,
      defs.map((d) => d.time_window as SlaWindow),
    );
    const snaps = await slaStore.snapshotsOf(
      em,
      tenantId,
      [...new Set(defs.map((d) => d.definition_key))],
      from,
      w.to,
    );
    const lines = defs.map((d) => {
      const metric = d.metric as SlaMetric;
      return reportLine(
        w,
        {
          service: d.service,
          metric,
          target: Number(d.target),
          window: d.time_window as SlaWindow,
          objective: metricLabel(metric, d.threshold_ms),
        },
        snaps
          .filter((s) => s.definition_key === d.definition_key)
          .map((s) => ({
            day: s.day,
            uptimePct: s.uptime_pct,
            totalEvents: Number(s.total_events),
            maintenanceMinutes: s.maintenance_minutes,
            breachCount: s.breach_count,
          })),
      );
    });
    // Least budget left first: a report cut short never drops the SLA in trouble.
    lines.sort((a, b) => (a.budgetLeft ?? 101) - (b.budgetLeft ?? 101) || a.service.localeCompare(b.service));
    return {
      type: 'sla_report',
      ...w,
      lines: lines.slice(0, MAX_LINES),
      more: Math.max(0, lines.length - MAX_LINES),
    };
  }
}
