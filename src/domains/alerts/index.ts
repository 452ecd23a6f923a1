export type { IngestResult } from './alerts.ingest.js';
export { AlertsService } from './alerts.service.js';
export * from './alerts.types.js';
export { groupingSettingsSchema } from './grouping.calc.js';
export { type IngestionSettings, ingestionSettingsSchema } from './ingestion-settings.js';
export { mapSeverity, severityLabel } from './severity.calc.js';
