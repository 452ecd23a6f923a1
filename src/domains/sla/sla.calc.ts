/** SLA maths: attainment, error budget and burn, pure and with time as a parameter. */

import { DAY_MS } from '../../shared/durations.js';

export type SlaMetric = 'UPTIME' | 'LATENCY_P99' | 'ERROR_RATE';
export type SlaWindow = '30d' | 'quarterly';

/** A UTC date (`2026-12-01`) as the instant its day starts. */
export const dayStart = (day: string): Date => new Date(`${day}T00:00:00.000Z`);
/** The UTC date of an instant. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);
/** The UTC date after `day`. */
export const nextDay = (day: string): string => dayOf(new Date(dayStart(day).getTime() + DAY_MS));
/** The UTC date `n` days before `day`. */
export const daysBefore = (day: string, n: number): string =>
  dayOf(new Date(dayStart(day).getTime() - n * DAY_MS));

/** What a version of a definition covers: a day belongs to the version active when the day starts. */
export interface ActiveRange {
  activeFrom: Date;
  activeTo: Date | null;
}

export const coversDay = (r: ActiveRange, day: string): boolean => {
  const s = dayStart(day).getTime();
  return r.activeFrom.getTime() <= s && (r.activeTo === null || s < r.activeTo.getTime());
};

/**
 * The days a version still owes a snapshot for at `now`: every whole UTC day that has ended, that the version
 * covers, after its latest snapshot (or from its start), oldest first, at most `limit` (a backfill after
 * downtime goes on at the next run).
 */
export function dueDays(r: ActiveRange, latest: string | null, now: Date, limit: number): string[] {
  const today = dayOf(now);
  const firstCovered = dayOf(new Date(Math.ceil(r.activeFrom.getTime() / DAY_MS) * DAY_MS));
  let d = latest && latest >= firstCovered ? nextDay(latest) : firstCovered;
  const out: string[] = [];
  while (d < today && out.length < limit) {
    if (!coversDay(r, d)) break;
    out.push(d);
    d = nextDay(d);
  }
  return out;
}

/** Merges [start, end) spans (ms), clipped to [lo, hi). */
export function mergeSpans(
  spans: readonly (readonly [number, number])[],
  lo: number,
  hi: number,
): [number, number][] {
  const clipped = spans
    .map(([s, e]) => [Math.max(lo, s), Math.min(hi, e)] as [number, number])
    .filter(([s, e]) => e > s)
    .sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [s, e] of clipped) {
    const last = out.at(-1);
    if (last && s <= last[1]) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

export interface IncidentSpan {
  triggeredAt: Date;
  /** Null while still open: it counts up to the end of the range (or `now`, when earlier). */
  resolvedAt: Date | null;
}

/**
 * Minutes of [from, to) some incident was open (overlaps counted once), less the minutes of those spans that
 * planned maintenance covers (`maintenanceIn(from, to)` answers the maintenance minutes of a span).
 */
export function downtimeMinutes(
  incidents: readonly IncidentSpan[],
  from: Date,
  to: Date,
  now: Date,
  maintenanceIn: (from: Date, to: Date) => number,
): { minutes: number; spans: [Date, Date][] } {
  const end = Math.min(to.getTime(), now.getTime());
  const merged = mergeSpans(
    incidents.map((i) => [i.triggeredAt.getTime(), i.resolvedAt?.getTime() ?? end] as const),
    from.getTime(),
    end,
  );
  let minutes = 0;
  for (const [s, e] of merged) {
    const span = (e - s) / 60_000;
    minutes += Math.max(0, span - maintenanceIn(new Date(s), new Date(e)));
  }
  return { minutes: round(minutes), spans: merged.map(([s, e]) => [new Date(s), new Date(e)]) };
}

/** Error budget burn: how many times faster than sustainable the budget goes (1 = exactly spent at the end). */
export function burnRate(bad: number, total: number, target: number): number {
  if (total <= 0) return 0;
  const allowed = 1 - target / 100;
  return round(bad / total / allowed);
}

export interface DayFigures {
  totalEvents: number;
  errorEvents: number;
  downtimeMinutes: number;
  maintenanceMinutes: number;
}

/**
 * A day's attainment (percent) per metric:
 * - UPTIME: minutes up of the minutes outside planned maintenance (downtime = incidents on the service);
 * - ERROR_RATE: events that were not errors of all events (100 with no events);
 * - LATENCY_P99: events outside minutes whose p99 passed the threshold, of all events (`errorEvents` counts
 *   the events of those minutes).
 */
export function attainment(metric: SlaMetric, f: DayFigures): number {
  if (metric === 'UPTIME') {
    const eligible = 1440 - f.maintenanceMinutes;
    if (eligible <= 0) return 100;
    return round((100 * Math.max(0, eligible - f.downtimeMinutes)) / eligible);
  }
  if (f.totalEvents <= 0) return 100;
  return round(100 * (1 - f.errorEvents / f.totalEvents));
}

/** A day's (or a window's) budget burn from its attainment. */
export const burnOf = (attainmentPct: number, target: number): number =>
  round((100 - attainmentPct) / (100 - target));

export interface SnapshotFigures {
  day: string;
  uptimePct: number;
  totalEvents: number;
  maintenanceMinutes: number;
}

/** Where the window of an SLA starts for `day` (its first day): 30 days back, or the quarter's first day. */
export function windowStart(window: SlaWindow, day: string): string {
  if (window === '30d') return daysBefore(day, 29);
  const d = dayStart(day);
  const q = Math.floor(d.getUTCMonth() / 3) * 3;
  return dayOf(new Date(Date.UTC(d.getUTCFullYear(), q, 1)));
}

/**
 * Attainment over a window of daily snapshots: each day weighs its events (its minutes outside maintenance for
 * UPTIME), so a quiet day counts less than a busy one. Null with nothing to weigh.
 */
export function windowAttainment(metric: SlaMetric, days: readonly SnapshotFigures[]): number | null {
  let weight = 0;
  let sum = 0;
  for (const d of days) {
    const w = metric === 'UPTIME' ? Math.max(0, 1440 - d.maintenanceMinutes) : d.totalEvents;
    weight += w;
    sum += w * d.uptimePct;
  }
  return weight > 0 ? round(sum / weight) : null;
}

/** Budget left (percent of the window's budget, may go below 0) for an attainment over the window. */
export const budgetLeft = (attainmentPct: number, target: number): number =>
  round(100 * (1 - (100 - attainmentPct) / (100 - target)));

export type Trend = 'up' | 'down' | 'flat';

/** Attainment of the last 7 days against the 7 before: better, worse, or within 0.01 points. */
export function trendOf(recent: number | null, before: number | null): Trend {
  if (recent === null || before === null) return 'flat';
  if (recent - before > 0.01) return 'up';
  if (before - recent > 0.01) return 'down';
  return 'flat';
}

export const round = (n: number, digits = 4): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};
