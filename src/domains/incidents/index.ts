export {
  acknowledgeThroughAlert,
  alertsResolved,
  attachNewAlerts,
  type GroupAttachResult,
  type IngestPolicy,
  lockGroup,
  type NewAlertInGroup,
} from './incident-ingest.js';
export { type IncidentChange, onIncidentChange } from './incident-lifecycle.js';
export { parseIncidentRef } from './incidents.mapper.js';
export { IncidentsService } from './incidents.service.js';
export * from './incidents.types.js';
