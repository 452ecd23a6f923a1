import type { Em } from '../../db/sql.js';
import type { Actor } from '../../shared/actor.js';
import { recordAudit } from '../audit/index.js';
import type { TimelineEvent } from '../incidents/index.js';
import { type RunChange, type RunRow, runsStore } from './runs.store.js';

/** Records an event on an incident's timeline by an actor, in the caller's transaction (the incidents domain's recordAs). */
export type RecordAs = (
  em: Em,
  actor: Actor,
  incidentId: string,
  event: TimelineEvent,
  at: Date,
) => Promise<void>;

/** What happens around a run's stage change, in its transaction: the run's Slack message, approvers' DMs. */
export interface RunNotifier {
  /** The run changed: its message in the incident's thread is brought up to date. */
  changed(em: Em, run: RunRow, at: Date): Promise<void>;
  /** The run waits for approval: each approver (Slack-linked user ids) is told. */
  approvalAsked(em: Em, run: RunRow, approverUserIds: readonly string[], at: Date): Promise<void>;
}

/** A stage change's timeline event, audit row and notifications, with the run's row, in one transaction. */
export async function recordStage(
  em: Em,
  deps: { recordAs: RecordAs; notifier: RunNotifier | null },
  run: RunRow,
  actor: Actor,
  outcome: string,
  at: Date,
): Promise<void> {
  await deps.recordAs(
    em,
    actor,
    run.incident_id,
    {
      kind: 'runbook_run',
      data: {
        runId: run.id,
        runbook: run.runbook_slug,
        action: run.action_name,
        stage: run.stage,
        outcome,
        error: run.error ?? null,
      },
    },
    at,
  );
  await recordAudit(
    em,
    actor,
    {
      action: `runbook_run.${run.stage}`,
      targetType: 'runbook_run',
      targetId: run.id,
      data: { runbook: run.runbook_slug, action: run.action_name, outcome, error: run.error ?? null },
    },
    at,
  );
  await deps.notifier?.changed(em, run, at);
}

/** Changes a run's stage (with its history step) and records it. */
export async function changeStage(
  em: Em,
  deps: { recordAs: RecordAs; notifier: RunNotifier | null },
  run: RunRow,
  change: Omit<RunChange, 'step'>,
  actor: Actor,
  outcome: string,
  at: Date,
): Promise<RunRow> {
  const error = change.error === undefined ? run.error : change.error;
  const next = await runsStore.change(
    em,
    run.tenant_id,
    run.id,
    {
      ...change,
      step: { stage: change.stage, at: at.toISOString(), actor: actor.name, outcome, error: error ?? null },
    },
    at,
  );
  await recordStage(em, deps, next, actor, outcome, at);
  return next;
}
