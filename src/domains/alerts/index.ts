export type { IngestResult } from './alerts.ingest.js';
export { AlertsService, type SettingsProvider } from './alerts.service.js';
export * from './alerts.types.js';
export { incidentAlerts } from './incident-alerts.js';
export { type IngestionSettings, ingestionSettingsSchema } from './ingestion-settings.js';
export type { ReleaseReport } from './silenced-release.js';
export {
  noSilencing,
  type SilenceHold,
  type SilenceSubject,
  type SilencingPort,
} from './silencing.port.js';
export { pagerDutyErrorBody } from './sources/pagerduty.source.js';
export {
  type ParsedWebhook,
  WEBHOOK_SOURCES,
  type WebhookSource,
  webhookSource,
} from './sources/registry.js';
