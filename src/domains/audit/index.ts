export { type AuditEventDto, AuditService, recordAudit } from './audit.service.js';
export type { AuditInput } from './audit.store.js';
