/** Whether an SLA as declared (`opswatch apply`) says the same as its open version: then no new version is made. */
import type { SlaInput } from './sla.types.js';
import { DEFAULT_ERROR_FILTER } from './sla.types.js';

/** What of a version the declaration can say (its start aside: the same content later is still the same SLA). */
export interface VersionContent {
  target: number;
  window: string;
  thresholdMs: number | null;
  metricName: string;
  errorFilter: Record<string, string>;
}

const sorted = (f: Record<string, string>) =>
  JSON.stringify(Object.entries(f).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** Pure: the declared SLA and the open version agree on target, window, threshold, metric and error filter. */
export function sameContent(open: VersionContent, p: SlaInput): boolean {
  return (
    open.target === p.target &&
    open.window === p.window &&
    open.thresholdMs === (p.thresholdMs ?? null) &&
    open.metricName === p.metricName &&
    sorted(open.errorFilter) === sorted(p.errorFilter ?? { ...DEFAULT_ERROR_FILTER })
  );
}
