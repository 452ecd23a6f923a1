export { type Handoff, handoffsBetween } from './handoff.calc.js';
export {
  type HandoffNotice,
  type HandoffNotifier,
  type HandoffPerson,
  type HandoffRunReport,
  HandoffsService,
} from './handoffs.service.js';
export { currentShiftFor, gaps, nextShiftFor, onCallAt, shifts } from './oncall.calc.js';
export { OnCallService } from './oncall.service.js';
export { type OnCallAtInstant, whoIsOnCallAt } from './oncall-at.js';
export type {
  MyOnCallDto,
  MyShiftDto,
  OnCallDto,
  OverrideDto,
  PersonDto,
  RangeDto,
  ScheduleDto,
  ScheduleOnCallDto,
  ShiftDto,
} from './rosters.mapper.js';
export { RostersService, type ScheduleReferences, type UpsertOutcome } from './rosters.service.js';
export * from './rosters.types.js';
export { existingScheduleIds } from './schedule.lookup.js';
export { parseWhen } from './time-parse.calc.js';
export {
  DAY_MS,
  fromLocalMs,
  isoWeekdayOf,
  localDayOf,
  resolveLocalMs,
  wallTimeMs,
} from './zone-time.calc.js';
