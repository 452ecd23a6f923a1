export {
  type CadencePolicy,
  cadenceMinutes,
  DEFAULT_CADENCE,
  parseCadence,
} from './cadence.calc.js';
export { CadenceSink } from './cadence.sink.js';
export { CoordinationService, type FollowResult, type PostedUpdate } from './coordination.service.js';
export * from './coordination.types.js';
export type {
  IncidentAlert,
  IncidentAlertCounts,
  IncidentAlertsPort,
  IncidentPagesPort,
} from './incident-alerts.port.js';
export {
  type IncidentEvent,
  IncidentEventBus,
  type IncidentEventSink,
  type IncidentHint,
} from './incident-events.js';
export type {
  AlertGroupChange,
  AppliedChanges,
  GroupOutcome,
  IncidentIngestPort,
  IncidentRef,
  IngestPolicy,
  LockedGroups,
  NewAlertInGroup,
} from './incident-ingest.port.js';
export type { IncidentNoticeRecorder, IncidentNoticesRecorder } from './incident-lifecycle.js';
export { type MergeInput, mergeInputSchema } from './incident-merge.js';
export { type IncidentSpanRow, incidentSpans } from './incident-spans.store.js';
export { parseIncidentRef } from './incidents.mapper.js';
export { IncidentsService } from './incidents.service.js';
export { incidentQueries, timelineQueries } from './incidents.store.js';
export * from './incidents.types.js';
export { type DescribeContext, describeEvent, eventDetail } from './timeline.calc.js';
export {
  parseTimelineEvent,
  ROOT_CAUSES,
  type RootCause,
  TIMELINE_KINDS,
  TIMELINE_RULES,
  type TimelineEvent,
  type TimelineKind,
  type TimelineKindRules,
  timelineEventSchema,
} from './timeline.types.js';
export { type ReminderRunReport, UpdateReminders } from './update-reminders.js';
