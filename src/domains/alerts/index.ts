export {
  AlertsService,
  type IngestionSettings,
  type IngestResult,
  ingestionSettingsSchema,
} from './alerts.service.js';
export * from './alerts.types.js';
export { groupingSettingsSchema } from './grouping.calc.js';
export { mapSeverity, severityLabel } from './severity.calc.js';
