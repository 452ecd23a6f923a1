import type { MikroORM } from '@mikro-orm/postgresql';
import type { Em } from '../../db/sql.js';
import { withTx } from '../../db/tx.js';
import { systemActor } from '../../shared/actor.js';
import type { Clock } from '../../shared/clock.js';
import { HOUR_MS } from '../../shared/durations.js';
import { newId } from '../../shared/ids.js';
import type { Logger } from '../../shared/logger.js';
import { recordAudit } from '../audit/index.js';
import { incidentSpans } from '../incidents/index.js';
import { maintenanceMinutes, maintenanceReads } from '../silences/index.js';
import { dayOf, dayStart, downtimeMinutes, dueDays, nextDay, type SlaMetric } from './sla.calc.js';
import type { SlaMetricsPort } from './sla.ports.js';
import { type DueRow, slaStore } from './sla.store.js';
import type { SnapshotEvidence } from './sla.types.js';
import { dayResult, type SlaBucket } from './snapshot.calc.js';

export interface SnapshotRunReport {
  snapshots: number;
  /** Versions that still owe days after this run (the next run goes on). */
  behind: number;
}

export interface SnapshotLimits {
  /** Versions looked at per run. */
  definitions: number;
  /** Days computed per version per run (a long backfill goes on at the next run). */
  days: number;
}

const DEFAULT_LIMITS: SnapshotLimits = { definitions: 200, days: 40 };

/**
 * The nightly SLA run (Gold): for every version, a snapshot of each whole UTC day it covers that has none yet —
 * yesterday, and after downtime every missed day since its start, oldest first and bounded per run. One replica
 * at a time (an advisory lock); `on conflict do nothing` makes a second run store nothing, and the audit entry is
 * written only with the snapshot it describes, in its transaction.
 */
export class SlaSnapshotter {
  constructor(
    private readonly orm: MikroORM,
    private readonly clock: Clock,
    private readonly metrics: SlaMetricsPort | null,
    private readonly log?: Logger,
  ) {}

  async run(
    now: Date = this.clock.now(),
    limits: SnapshotLimits = DEFAULT_LIMITS,
  ): Promise<SnapshotRunReport> {
    return withTx(this.orm, 'system', async (em) => {
      if (!(await slaStore.tryLock(em, 'snapshots'))) return { snapshots: 0, behind: 0 };
      const due = await slaStore.due(em, dayOf(now), limits.definitions);
      let snapshots = 0;
      let behind = 0;
      for (const def of due) {
        const range = {
          activeFrom: new Date(def.active_from),
          activeTo: def.active_to ? new Date(def.active_to) : null,
        };
        const days = dueDays(range, def.latest, now, limits.days + 1);
        if (days.length > limits.days) behind += 1;
        for (const day of days.slice(0, limits.days)) {
          if (await this.snapshot(em, def, day, now)) snapshots += 1;
        }
      }
      if (behind) this.log?.info({ behind }, 'SLA snapshots: backfill goes on at the next run');
      return { snapshots, behind };
    });
  }

  /** The day's 24 hours from Silver (exact whether or not Silver has built its hour rows yet). */
  private async hours(
    def: DueRow,
    metric: SlaMetric,
    errorFilter: Record<string, string>,
    from: Date,
  ): Promise<SlaBucket[]> {
    const metrics = this.metrics;
    if (!metrics) return [];
    const out: SlaBucket[] = [];
    for (let h = 0; h < 24; h++) {
      const a = new Date(from.getTime() + h * HOUR_MS);
      const q = {
        service: def.service,
        name: def.metric_name,
        errorFilter,
        from: a,
        to: new Date(a.getTime() + HOUR_MS),
      };
      const f = await metrics.range(def.tenant_id, q, metric === 'LATENCY_P99');
      if (f.count > 0) out.push({ bucket: a, count: f.count, errors: f.errors, p99: f.p99 });
    }
    return out;
  }

  /** Computes and stores one day's snapshot of a version; false when the day already had one. */
  private async snapshot(em: Em, def: DueRow, day: string, now: Date): Promise<boolean> {
    const from = dayStart(day);
    const to = dayStart(nextDay(day));
    const metric = def.metric as SlaMetric;
    const errorFilter = def.error_filter as Record<string, string>;
    const buckets = await this.hours(def, metric, errorFilter, from);
    const windows = await maintenanceReads.specs(em, def.tenant_id, def.service, from, to);
    const incidents = await incidentSpans.overlapping(em, def.tenant_id, def.service, from, to);
    const maintIn = (a: Date, b: Date) => maintenanceMinutes(windows, a, b);
    const down = downtimeMinutes(
      incidents.map((i) => ({
        triggeredAt: new Date(i.triggered_at),
        resolvedAt: i.resolved_at ? new Date(i.resolved_at) : null,
      })),
      from,
      to,
      now,
      maintIn,
    );
    const maintenance = maintIn(from, to);
    const facts = { metric, target: Number(def.target), thresholdMs: def.threshold_ms };
    const r = dayResult(facts, {
      buckets,
      downtimeMinutes: down.minutes,
      maintenanceMinutes: maintenance,
      outages: down.spans.filter(([a, b]) => (b.getTime() - a.getTime()) / 60_000 > maintIn(a, b)).length,
    });
    const evidence: SnapshotEvidence = {
      incidents: incidents.map((i) => ({
        id: i.id,
        number: i.number,
        title: i.title,
        from: new Date(Math.max(from.getTime(), new Date(i.triggered_at).getTime())).toISOString(),
        to: new Date(
          Math.min(to.getTime(), i.resolved_at ? new Date(i.resolved_at).getTime() : to.getTime()),
        ).toISOString(),
      })),
      buckets: buckets.map((b) => ({
        bucket: b.bucket.toISOString(),
        count: b.count,
        errors: b.errors,
        p99: b.p99,
      })),
      maintenanceWindows: windows.length,
    };
    const row = await slaStore.insertSnapshot(
      em,
      def.tenant_id,
      {
        id: newId(),
        day,
        definition_id: def.id,
        definition_version: def.version,
        service: def.service,
        total_events: r.totalEvents,
        error_events: r.errorEvents,
        uptime_pct: r.uptimePct,
        breach_count: r.breachCount,
        budget_burn: r.budgetBurn,
        downtime_minutes: down.minutes,
        maintenance_minutes: maintenance,
        evidence,
      },
      now,
    );
    if (!row) return false;
    await recordAudit(
      em,
      systemActor(def.tenant_id, 'SLA engine'),
      {
        action: 'sla.snapshot',
        targetType: 'sla',
        targetId: def.id,
        data: {
          summary: `Snapshot for ${def.service} ${day}: ${formatPct(r.uptimePct)}`,
          day,
          version: def.version,
          metric,
          uptimePct: r.uptimePct,
          budgetBurn: r.budgetBurn,
          downtimeMinutes: down.minutes,
        },
      },
      now,
    );
    return true;
  }
}

/** 99.95 → "99.95%"; up to three decimals, no trailing zeros. */
export const formatPct = (n: number): string => `${Number(n.toFixed(3))}%`;
