export type { EscalationDirectory } from './escalation.ports.js';
export { PoliciesService, type PolicyUsage, policyReads, type UpsertOutcome } from './policies.service.js';
export type { PolicyDto } from './policy.mapper.js';
export * from './policy.types.js';
