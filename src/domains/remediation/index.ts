export * from './action.schemas.js';
export {
  type ActionAdapter,
  type ActionContext,
  ActionFailure,
  withTimeout,
} from './adapters/action-adapter.js';
export { httpAdapter, resolveHeaders } from './adapters/http.adapter.js';
export type { ActionAdapters, RemediationDeps, RemediationMetrics } from './remediation.deps.js';
export { RemediationService } from './remediation.service.js';
export * from './remediation.types.js';
export { approvalRefusal, approvalsNeeded, environmentRefusal, runFields } from './run.calc.js';
export type { RecordAs, RunNotifier } from './run-recorder.js';
export type { RunIncident, RunView } from './runs.service.js';
export type { RunRow } from './runs.store.js';
