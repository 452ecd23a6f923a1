import { attainment, burnOf, type SlaMetric } from './sla.calc.js';

/** One hour of a day as read from Silver. */
export interface SlaBucket {
  bucket: Date;
  count: number;
  errors: number;
  /** Null when not read (not LATENCY_P99) or without events. */
  p99: number | null;
}

export interface DefinitionFacts {
  metric: SlaMetric;
  target: number;
  thresholdMs: number | null;
}

export interface DayInputs {
  buckets: readonly SlaBucket[];
  downtimeMinutes: number;
  maintenanceMinutes: number;
  /** The merged incident spans of the day that count as downtime (minutes > 0 after maintenance). */
  outages: number;
}

export interface DayResult {
  totalEvents: number;
  errorEvents: number;
  uptimePct: number;
  breachCount: number;
  budgetBurn: number;
}

/** Whether a bucket is bad: over the latency threshold (LATENCY_P99), or errors above the budget's rate. */
export function badBucket(d: DefinitionFacts, b: SlaBucket): boolean {
  if (d.metric === 'LATENCY_P99') return b.count > 0 && b.p99 !== null && b.p99 > (d.thresholdMs ?? Infinity);
  return b.count > 0 && b.errors / b.count > 1 - d.target / 100;
}

/**
 * A day's snapshot figures. Events and errors come from Silver (for LATENCY_P99 the "errors" are the events of
 * buckets whose p99 passed the threshold); breaches are bad buckets (UPTIME: outages, incident spans that
 * counted as downtime).
 */
export function dayResult(d: DefinitionFacts, i: DayInputs): DayResult {
  let total = 0;
  let errors = 0;
  let breaches = 0;
  for (const b of i.buckets) {
    total += b.count;
    const bad = badBucket(d, b);
    if (bad) breaches += 1;
    errors += d.metric === 'LATENCY_P99' ? (bad ? b.count : 0) : b.errors;
  }
  const uptimePct = attainment(d.metric, {
    totalEvents: total,
    errorEvents: errors,
    downtimeMinutes: i.downtimeMinutes,
    maintenanceMinutes: i.maintenanceMinutes,
  });
  return {
    totalEvents: total,
    errorEvents: errors,
    uptimePct,
    breachCount: d.metric === 'UPTIME' ? i.outages : breaches,
    budgetBurn: burnOf(uptimePct, d.target),
  };
}
