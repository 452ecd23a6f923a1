import { runbookRunMessage } from '../../blocks/runbook-run.blocks.js';
import type { Em } from '../db/sql.js';
import type { IncidentFacts } from '../domains/incidents/index.js';
import type { NewOutboxRow } from '../domains/notify/index.js';
import type { RunbookAction, RunNotifier, RunRow } from '../domains/remediation/index.js';
import { peopleByIds } from '../domains/tenants/index.js';
import { type RunFacts, toRunView } from '../slack/runbook-run-view.mapper.js';

export interface RunNotifierDeps {
  cardLane: (em: Em, tenantId: string, incidentId: string) => Promise<string | null>;
  enqueue: (em: Em, rows: readonly NewOutboxRow[]) => Promise<void>;
  facts: (em: Em, tenantId: string, incidentId: string) => Promise<IncidentFacts | null>;
}

/**
 * The runs' Slack side, through the outbox in the run's transaction: one `slack.run` row per stage change (the
 * run's message in the incident's thread, posted once and then edited in place; nothing when the incident has no
 * card), and a DM with Approve/Reject to each approver with a Slack account when a run waits for approval. Keys:
 * the run and its stage count (a repeat adds nothing), the run and the approver.
 */
export function runNotifier(d: RunNotifierDeps): RunNotifier {
  return {
    async changed(em, run) {
      const lane = await d.cardLane(em, run.tenant_id, run.incident_id);
      if (!lane) return;
      await d.enqueue(em, [
        {
          tenantId: run.tenant_id,
          incidentId: run.incident_id,
          destination: 'slack.run',
          lane,
          payload: { type: 'runbook_run', runId: run.id },
          key: `runbook_run:${run.id}:${run.history.length}`,
        },
      ]);
    },

    async approvalAsked(em, run, approverUserIds) {
      const people = await peopleByIds(em, run.tenant_id, approverUserIds);
      const facts = await d.facts(em, run.tenant_id, run.incident_id);
      const msg = runbookRunMessage(toRunView(dtoOf(run), facts ? `INC-${facts.number}` : 'the incident'));
      const rows: NewOutboxRow[] = [];
      for (const p of people.values()) {
        if (!p.slackUserId) continue;
        rows.push({
          tenantId: run.tenant_id,
          incidentId: null,
          destination: 'slack.dm',
          lane: p.slackUserId,
          payload: { type: 'message', text: `Approval asked: ${msg.text}`, blocks: msg.blocks },
          key: `runbook_run:${run.id}:approver:${p.id}`,
        });
      }
      if (rows.length) await d.enqueue(em, rows);
    },
  };
}

/** The DTO's fields the message reads, from a run's row (no approvals yet when approval is first asked). */
function dtoOf(run: RunRow): RunFacts {
  const action: RunbookAction = run.action;
  return {
    id: run.id,
    runbook: run.runbook_slug,
    action: run.action_name,
    title: action.title,
    actionKind: run.action_kind,
    stage: run.stage,
    error: run.error,
    requestedBy: run.requested_by,
    approval: action.policy.approval,
    approvals: [],
    approvalExpiresAt: run.approval_expires_at ? new Date(run.approval_expires_at).toISOString() : null,
    history: run.history,
  };
}
