export { BURN_RULES, type BurnVerdict, evaluateBurn } from './burn.calc.js';
export { errorConditions } from './error-filter.calc.js';
export type { SlaMetric, SlaWindow, Trend } from './sla.calc.js';
export { metricLabel, windowLabel } from './sla.mapper.js';
export type {
  RecentError,
  SlaLogsPort,
  SlaMetricsPort,
  SlaMinute,
  SlaRangeQuery,
  SlaWindowFigures,
} from './sla.ports.js';
export { SlaService } from './sla.service.js';
export * from './sla.types.js';
export {
  type BurnOpenedHook,
  type BurnRunReport,
  type SlaAlertsPort,
  SlaBurnAlerts,
} from './sla-burn.service.js';
export { type SlaChart, SlaCharts } from './sla-chart.service.js';
export {
  formatPct,
  SlaSnapshotter,
  type SnapshotLimits,
  type SnapshotRunReport,
} from './sla-snapshots.service.js';
