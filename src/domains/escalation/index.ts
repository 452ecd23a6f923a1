export type { EscalationDeps, EscalationMetrics } from './escalation.deps.js';
export { type EngineHooks, EscalationEngine, type EscalationRunReport } from './escalation.engine.js';
export type { EscalationDirectory } from './escalation.ports.js';
export {
  type EscalateResult,
  type EscalateToken,
  EscalationService,
  escalateTokenSchema,
  type NotificationDto,
  type NotificationEventDto,
  type PageView,
} from './escalation.service.js';
export type { PageRow } from './escalation.store.js';
export { ENGINE_CHANNEL } from './escalation.store.js';
export { incidentPages } from './incident-pages.js';
export type { DeliveryEvent, DeliveryState, LedgerPageFacts, SendFacts } from './ledger.calc.js';
export {
  type LedgerActDto,
  type LedgerPageDto,
  LedgerService,
  type LedgerStepDto,
  type LedgerStepKey,
} from './ledger.service.js';
export {
  type CardEscalationDto,
  type PagingMeDto,
  PagingViewService,
  whyLabel,
} from './paging-view.service.js';
export { isLive, type PhonePageRow, phonePagesStore } from './phone-pages.store.js';
export { PoliciesService, type PolicyUsage, policyReads, type UpsertOutcome } from './policies.service.js';
export type { PolicyDto } from './policy.mapper.js';
export * from './policy.types.js';
export {
  type SimulatedNotificationDto,
  type SimulationDto,
  SimulatorService,
} from './simulate.service.js';
export * from './step.calc.js';
export { TEST_PAGE_EVERY_MINUTES, testPageDelayMinutes } from './test-page.calc.js';
export type { TestPageDto } from './test-page.js';
