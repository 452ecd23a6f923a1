/**
 * The weekly SLA report: which week is due at `now` (Mondays 09:00 UTC report the ISO week that just ended) and
 * each service's figures of that week from its daily snapshots. Pure; time is a parameter.
 */

import { DAY_MS } from '../../shared/durations.js';
import {
  budgetLeft,
  dayOf,
  daysBefore,
  type SlaMetric,
  type SlaWindow,
  type SnapshotFigures,
  type Trend,
  trendOf,
  windowAttainment,
  windowStart,
} from './sla.calc.js';

/** The report goes out on Mondays from this hour (UTC). */
export const REPORT_HOUR_UTC = 9;
/** How long after that a report not sent yet (every replica down) still goes: stale after, and skipped. */
export const REPORT_CATCH_UP_HOURS = 48;

export interface ReportWeek {
  /** The ISO week reported, `2026-W48` (with the tenant, the report's idempotency key). */
  week: string;
  /** Its Monday and Sunday (UTC dates). */
  from: string;
  to: string;
}

/** ISO 8601 week of a UTC date: the week of its Thursday. */
export function isoWeek(day: string): string {
  const d = new Date(`${day}T00:00:00.000Z`);
  const thursday = new Date(d.getTime() + (3 - ((d.getUTCDay() + 6) % 7)) * DAY_MS);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY_MS)) + 1;
  return `${year}-W${String(week).padStart(2, '0')}`;
}

/**
 * The week whose report is due at `now`: from Monday 09:00 UTC for 48 hours, the ISO week that ended on the
 * Sunday before (a deployment down on Monday morning still sends it on Tuesday); null the rest of the week.
 */
export function dueWeek(now: Date): ReportWeek | null {
  const today = dayOf(now);
  const sinceMonday = (new Date(`${today}T00:00:00.000Z`).getUTCDay() + 6) % 7;
  let monday = daysBefore(today, sinceMonday);
  if (sinceMonday === 0 && now.getUTCHours() < REPORT_HOUR_UTC) monday = daysBefore(monday, 7);
  const opens = new Date(`${monday}T00:00:00.000Z`).getTime() + REPORT_HOUR_UTC * 3_600_000;
  if (now.getTime() - opens >= REPORT_CATCH_UP_HOURS * 3_600_000) return null;
  const from = daysBefore(monday, 7);
  return { week: isoWeek(from), from, to: daysBefore(monday, 1) };
}

export interface ReportDefinition {
  service: string;
  metric: SlaMetric;
  target: number;
  window: SlaWindow;
  /** `uptime`, `success rate`, `p99 ≤ 300 ms` */
  objective: string;
}

export interface ReportSnapshot extends SnapshotFigures {
  breachCount: number;
}

/** One service's line in the report (and its chart's series). */
export interface ReportLine {
  service: string;
  objective: string;
  target: number;
  window: SlaWindow;
  /** Attainment over the reported week, and over the SLA's window up to its Sunday (null: no snapshot). */
  week: number | null;
  windowAttainment: number | null;
  budgetLeft: number | null;
  /** The reported week against the week before. */
  trend: Trend;
  /** Breaches (bad minutes or incidents, as the snapshots count them) during the week. */
  breaches: number;
  /** Daily attainment of the week and of the week before (days without a snapshot left out). */
  days: { day: string; pct: number }[];
}

/** The first day a report over `w` needs snapshots from (the longest window, or the week before). */
export const firstDayNeeded = (w: ReportWeek, windows: readonly SlaWindow[]): string =>
  windows.map((x) => windowStart(x, w.to)).reduce((a, b) => (a < b ? a : b), daysBefore(w.from, 7));

/** Pure: one SLA's line for week `w` from its snapshots (any days; those outside are ignored). */
export function reportLine(
  w: ReportWeek,
  def: ReportDefinition,
  snaps: readonly ReportSnapshot[],
): ReportLine {
  const within = (from: string, to: string) => snaps.filter((s) => s.day >= from && s.day <= to);
  const week = within(w.from, w.to);
  const before = within(daysBefore(w.from, 7), daysBefore(w.from, 1));
  const attWeek = windowAttainment(def.metric, week);
  const attWindow = windowAttainment(def.metric, within(windowStart(def.window, w.to), w.to));
  return {
    service: def.service,
    objective: def.objective,
    target: def.target,
    window: def.window,
    week: attWeek,
    windowAttainment: attWindow,
    budgetLeft: attWindow === null ? null : budgetLeft(attWindow, def.target),
    trend: trendOf(attWeek, windowAttainment(def.metric, before)),
    breaches: week.reduce((n, s) => n + s.breachCount, 0),
    days: within(daysBefore(w.from, 7), w.to)
      .map((s) => ({ day: s.day, pct: s.uptimePct }))
      .sort((a, b) => (a.day < b.day ? -1 : 1)),
  };
}
