export {
  acknowledgeThroughAlert,
  alertsJoined,
  alertsResolved,
  type IngestPolicy,
  lockGroup,
  lockGroups,
  type NewAlertInGroup,
  openForGroup,
  openIncidentsOf,
} from './incident-ingest.js';
export {
  type IncidentChange,
  type IncidentChangesHook,
  onIncidentChange,
  onIncidentChanges,
  recordIncidentNotice,
} from './incident-lifecycle.js';
export { parseIncidentRef } from './incidents.mapper.js';
export { IncidentsService } from './incidents.service.js';
export type { IncidentRow } from './incidents.store.js';
export * from './incidents.types.js';
