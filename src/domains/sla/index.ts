export { BURN_RULES, type BurnVerdict, evaluateBurn } from './burn.calc.js';
export { errorConditions } from './error-filter.calc.js';
export { dueWeek, type ReportLine, type ReportWeek } from './report.calc.js';
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
  type ReportRunReport,
  type SlaReportPort,
  SlaWeeklyReports,
  type WeeklyReport,
} from './sla-report.service.js';
export {
  formatPct,
  SlaSnapshotter,
  type SnapshotLimits,
  type SnapshotRunReport,
} from './sla-snapshots.service.js';
export { MAX_REPORT_CHARTS, weekChart, weekCharts } from './week-chart.js';
