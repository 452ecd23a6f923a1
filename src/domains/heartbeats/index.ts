export { formatDuration, type HeartbeatStatus, parseDuration, statusAt } from './heartbeat.calc.js';
export {
  type HeartbeatAlertsPort,
  HeartbeatsService,
  type MissedRunReport,
  newToken,
  type UpsertOutcome as HeartbeatUpsertOutcome,
} from './heartbeats.service.js';
export * from './heartbeats.types.js';
