export {
  type IncidentEvent,
  IncidentEventBus,
  type IncidentEventSink,
  type IncidentHint,
} from './incident-events.js';
export {
  acknowledgeThroughAlert,
  alertsJoined,
  alertsResolved,
  type IngestPolicy,
  lockGroup,
  lockGroups,
  type NewAlertInGroup,
  openForGroup,
  openForGroups,
  openIncidentsOf,
} from './incident-ingest.js';
export type { IncidentNoticeRecorder, OpenedIncidents } from './incident-lifecycle.js';
export { parseIncidentRef } from './incidents.mapper.js';
export { IncidentsService } from './incidents.service.js';
export type { IncidentRow } from './incidents.store.js';
export * from './incidents.types.js';
export { type DescribeContext, describeEvent, eventDetail } from './timeline.calc.js';
export {
  isTimelineKind,
  parseTimelineEvent,
  TIMELINE_KINDS,
  TIMELINE_RULES,
  type TimelineEvent,
  type TimelineEventOf,
  type TimelineKind,
  type TimelineKindRules,
  timelineEventSchema,
} from './timeline.types.js';
