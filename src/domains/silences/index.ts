export { durationText, parseDuration } from './duration.calc.js';
export { incidentMatchers } from './incident-matchers.calc.js';
/** Maintenance minutes overlapping a range: for SLA snapshots, which leave planned maintenance out. */
export {
  activeOccurrence,
  maintenanceMinutes,
  type Occurrence,
  occurrencesBetween,
  WEEKDAYS,
  type Weekday,
  type WindowRule,
  type WindowSpec,
} from './maintenance.calc.js';
export { maintenanceReads } from './maintenance.reads.js';
export { MaintenanceService } from './maintenance.service.js';
export {
  type Matcher,
  MatcherError,
  matcherProblems,
  matchersText,
  matcherText,
  matchesLabels,
} from './matchers.calc.js';
export { parseMatchers } from './matchers-parse.calc.js';
export { Silencer } from './silencer.js';
export { type HoldsEnder, SilencesService } from './silences.service.js';
export * from './silences.types.js';
