import type { RunDto } from './remediation.types.js';
import type { ApprovalRow, RunRow } from './runs.store.js';

const iso = (d: Date | string | null): string | null => (d ? new Date(d).toISOString() : null);

export function runDto(r: RunRow, approvals: readonly ApprovalRow[]): RunDto {
  return {
    id: r.id,
    incidentId: r.incident_id,
    runbookId: r.runbook_id,
    runbook: r.runbook_slug,
    runbookVersion: r.runbook_version,
    action: r.action_name,
    actionKind: r.action_kind,
    title: r.action.title,
    service: r.service,
    environment: r.environment,
    stage: r.stage,
    error: r.error,
    requestedBy: r.requested_by,
    auto: r.auto,
    rollbackOf: r.rollback_of,
    approval: r.action.policy.approval,
    approvals: approvals
      .filter((a) => a.run_id === r.id)
      .map((a) => ({
        userId: a.user_id,
        name: a.user_name,
        decision: a.decision,
        at: new Date(a.at).toISOString(),
      })),
    approvalExpiresAt: iso(r.approval_expires_at),
    verifyUntil: iso(r.verify_until),
    executions: r.executions,
    history: r.history,
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
  };
}
