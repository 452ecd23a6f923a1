import type { SlaMetric, SlaWindow } from './sla.calc.js';
import type { DefinitionRow, SnapshotRow } from './sla.store.js';
import type { SlaDto, SnapshotDto, SnapshotEvidence } from './sla.types.js';

const iso = (v: string | Date) => new Date(v).toISOString();

export function definitionDto(r: DefinitionRow): SlaDto {
  return {
    id: r.id,
    key: r.definition_key,
    version: r.version,
    service: r.service,
    metric: r.metric as SlaMetric,
    target: Number(r.target),
    window: r.time_window as SlaWindow,
    thresholdMs: r.threshold_ms,
    metricName: r.metric_name,
    errorFilter: r.error_filter as Record<string, string>,
    activeFrom: iso(r.active_from),
    activeTo: r.active_to ? iso(r.active_to) : null,
    createdAt: iso(r.created_at),
  };
}

export function snapshotDto(r: SnapshotRow): SnapshotDto {
  return {
    id: r.id,
    day: r.day,
    definitionId: r.definition_id,
    definitionVersion: r.definition_version,
    service: r.service,
    totalEvents: Number(r.total_events),
    errorEvents: Number(r.error_events),
    uptimePct: r.uptime_pct,
    breachCount: r.breach_count,
    budgetBurn: r.budget_burn,
    downtimeMinutes: r.downtime_minutes,
    maintenanceMinutes: r.maintenance_minutes,
    evidence: r.evidence as SnapshotEvidence,
    createdAt: iso(r.created_at),
  };
}

export const metricLabel = (m: SlaMetric, thresholdMs: number | null): string =>
  m === 'UPTIME' ? 'uptime' : m === 'ERROR_RATE' ? 'success rate' : `p99 ≤ ${thresholdMs} ms`;
export const windowLabel = (w: SlaWindow): string => (w === '30d' ? '30 d' : 'quarter');
