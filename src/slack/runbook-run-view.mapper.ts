import type { RunView as SlackRunView } from '../../blocks/runbook-run.blocks.js';
import type { RunDto } from '../domains/remediation/index.js';

/** A run (the remediation domain's DTO) as its Slack message shows it. */
export type RunFacts = Pick<
  RunDto,
  | 'id'
  | 'runbook'
  | 'action'
  | 'title'
  | 'actionKind'
  | 'stage'
  | 'error'
  | 'requestedBy'
  | 'approval'
  | 'approvals'
  | 'approvalExpiresAt'
  | 'history'
>;

export function toRunView(run: RunFacts, incidentRef: string): SlackRunView {
  return {
    id: run.id,
    incidentRef,
    runbook: run.runbook,
    action: run.action,
    title: run.title,
    actionKind: run.actionKind,
    stage: run.stage,
    error: run.error,
    requestedBy: run.requestedBy,
    approval: run.approval,
    approvedBy: run.approvals.filter((a) => a.decision === 'approve').map((a) => a.name),
    approvalExpiresAt: run.approvalExpiresAt ? new Date(run.approvalExpiresAt) : null,
    history: run.history.map((h) => ({ ...h, at: new Date(h.at) })),
  };
}
