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

/** Every window a rule reads (minutes), shortest first. */
export const BURN_WINDOWS: readonly number[] = [
  ...new Set(BURN_RULES.flatMap((r) => [r.shortMinutes, r.longMinutes])),
].sort((a, b) => a - b);

/** The longest window a rule reads: how far back the figures must go. */
export const BURN_LOOKBACK_MINUTES = BURN_WINDOWS.at(-1) ?? 360;

/** Events and bad events (errors, or events of minutes over a latency threshold) of a window. */
export interface WindowCounts {
  total: number;
  bad: number;
}

/** One minute of a service (its start in ms). */
export interface MinuteCounts extends WindowCounts {
  at: number;
}

export interface BurnVerdict {
  firing: boolean;
  /** The rule that fired (the fast one first), else null. */
  rule: string | null;
  /** Burn rate per window length in minutes (5, 30, 60, 360). */
  rates: Record<number, number>;
}

/** Window counts from minutes: each window is the minutes starting in [now − window, now). */
export function windowsFromMinutes(series: readonly MinuteCounts[], now: Date): Record<number, WindowCounts> {
  const out: Record<number, WindowCounts> = {};
  for (const w of BURN_WINDOWS) {
    const from = now.getTime() - w * 60_000;
    const c = { total: 0, bad: 0 };
    for (const m of series)
      if (m.at >= from && m.at < now.getTime()) {
        c.total += m.total;
        c.bad += m.bad;
      }
    out[w] = c;
  }
  return out;
}

export function evaluateBurn(windows: Readonly<Record<number, WindowCounts>>, target: number): BurnVerdict {
  const rates: Record<number, number> = {};
  for (const w of BURN_WINDOWS) rates[w] = burnRate(windows[w]?.bad ?? 0, windows[w]?.total ?? 0, target);
  const hit = BURN_RULES.find(
    (r) => (rates[r.longMinutes] ?? 0) >= r.factor && (rates[r.shortMinutes] ?? 0) >= r.factor,
  );
  return { firing: hit !== undefined, rule: hit?.name ?? null, rates };
}
