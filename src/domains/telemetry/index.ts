export { type TelemetryDeps, TelemetryService } from './telemetry.service.js';
export * from './telemetry.types.js';
