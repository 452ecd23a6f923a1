export { currentShiftFor, gaps, nextShiftFor, onCallAt, shifts } from './oncall.calc.js';
export type { OnCallDto, OverrideDto, RangeDto, ScheduleDto, ShiftDto } from './rosters.mapper.js';
export { RostersService, type UpsertOutcome } from './rosters.service.js';
export * from './rosters.types.js';
export { parseWhen } from './time-parse.calc.js';
