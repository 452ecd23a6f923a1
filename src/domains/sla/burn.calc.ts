/**
 * Multi-window, multi-burn-rate alerting (the SRE workbook's table): page when the error budget burns at least
 * 14.4× over both the last hour and the last 5 minutes, or at least 6× over both the last 6 hours and the last
 * 30 minutes. The short window makes the alert stop soon after the burn does.
 */
import { burnRate } from './sla.calc.js';

export interface BurnRule {
  name: string;
  factor: number;
  longMinutes: number;
  shortMinutes: number;
}

export const BURN_RULES: readonly BurnRule[] = [
  { name: 'fast', factor: 14.4, longMinutes: 60, shortMinutes: 5 },
  { name: 'slow', factor: 6, longMinutes: 360, shortMinutes: 30 },
];

/** The longest window a rule reads: how far back the minute series must go. */
export const BURN_LOOKBACK_MINUTES = Math.max(...BURN_RULES.map((r) => r.longMinutes));

/** One minute of a service: events and bad events (errors, or events of minutes over a latency threshold). */
export interface MinuteCounts {
  /** The minute's start (ms). */
  at: number;
  total: number;
  bad: number;
}

export interface BurnVerdict {
  firing: boolean;
  /** The rule that fired (the fast one first), else null. */
  rule: string | null;
  /** Burn rate per window length in minutes (5, 30, 60, 360). */
  rates: Record<number, number>;
}

/** Burn rate over the `minutes` before `now` (minutes whose start is in [now − minutes, now)). */
export function windowBurn(
  series: readonly MinuteCounts[],
  now: number,
  minutes: number,
  target: number,
): number {
  const from = now - minutes * 60_000;
  let total = 0;
  let bad = 0;
  for (const m of series) {
    if (m.at >= from && m.at < now) {
      total += m.total;
      bad += m.bad;
    }
  }
  return burnRate(bad, total, target);
}

export function evaluateBurn(series: readonly MinuteCounts[], now: Date, target: number): BurnVerdict {
  const t = now.getTime();
  const rates: Record<number, number> = {};
  for (const r of BURN_RULES)
    for (const m of [r.longMinutes, r.shortMinutes]) rates[m] = windowBurn(series, t, m, target);
  const hit = BURN_RULES.find(
    (r) => (rates[r.longMinutes] ?? 0) >= r.factor && (rates[r.shortMinutes] ?? 0) >= r.factor,
  );
  return { firing: hit !== undefined, rule: hit?.name ?? null, rates };
}
