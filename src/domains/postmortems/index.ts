export {
  type ActionItemDeps,
  ActionItemsService,
  type ReminderReport,
  type ReminderView,
} from './action-items.service.js';
export { figuresOf, humanDuration, timelineRows } from './draft.calc.js';
export { postmortemMarkdown, timelineTable, zonedStamp, zoneName } from './markdown.calc.js';
export { type PostmortemDeps, PostmortemsService } from './postmortems.service.js';
export * from './postmortems.types.js';
export {
  type CapturedResolution,
  type ResolutionSource,
  resolutionFor,
  resolutionText,
} from './resolution-for.js';
