import type { Severity } from './alerts.types.js';

/**
 * How the words monitoring tools use for urgency map onto OpsWatch's P1…P5.
 * Matching is case-insensitive and ignores surrounding spaces; the strings
 * "1"…"5" map to themselves. Anything else falls back (P3 unless told).
 *
 * | OpsWatch | accepted values |
 * |---|---|
 * | P1 | critical, page, p1, sev1, emergency, fatal, disaster |
 * | P2 | high, error, major, p2, sev2 |
 * | P3 | warning, warn, medium, p3, sev3, average |
 * | P4 | low, minor, p4, sev4 |
 * | P5 | info, informational, none, debug, p5, sev5, ok |
 */
export const SEVERITY_ALIASES = {
  1: ['critical', 'page', 'p1', 'sev1', 'emergency', 'fatal', 'disaster'],
  2: ['high', 'error', 'major', 'p2', 'sev2'],
  3: ['warning', 'warn', 'medium', 'p3', 'sev3', 'average'],
  4: ['low', 'minor', 'p4', 'sev4'],
  5: ['info', 'informational', 'none', 'debug', 'p5', 'sev5', 'ok'],
} as const satisfies Record<Severity, readonly string[]>;

export const DEFAULT_SEVERITY: Severity = 3;

const SEVERITIES: readonly Severity[] = [1, 2, 3, 4, 5];

const LOOKUP: ReadonlyMap<string, Severity> = new Map(
  SEVERITIES.flatMap((s) => [
    [String(s), s] as const,
    ...SEVERITY_ALIASES[s].map((alias) => [alias, s] as const),
  ]),
);

/** Maps a source's severity word (or "1"…"5") to a Severity; unknown or absent gives `fallback`. */
export function mapSeverity(
  value: string | undefined | null,
  fallback: Severity = DEFAULT_SEVERITY,
): Severity {
  if (value === undefined || value === null) return fallback;
  return LOOKUP.get(value.trim().toLowerCase()) ?? fallback;
}

/** 'P1' … 'P5'. */
export function severityLabel(severity: Severity): string {
  return `P${severity}`;
}
