export { encodingOf, type OtlpEncoding } from './otlp/otlp-decode.js';
export { decodeResponse, encodeRequest, encodeResponse, type OtlpSignal } from './otlp/otlp-proto.js';
export { SPAN_DURATION_METRIC } from './otlp/otlp-traces.calc.js';
export { BUILTIN_RULES, compileRedactor, hashUserId, luhnValid } from './redaction.calc.js';
export { type TelemetryDeps, TelemetryService } from './telemetry.service.js';
export * from './telemetry.types.js';
