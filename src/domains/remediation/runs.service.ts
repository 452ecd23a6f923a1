import type { Em } from '../../db/sql.js';
import { withEm, withTx } from '../../db/tx.js';
import { type Actor, systemActor } from '../../shared/actor.js';
import { authorize } from '../../shared/authz.js';
import { AppError, parseInput } from '../../shared/errors.js';
import { isUuid, newId } from '../../shared/ids.js';
import type { RemediationDeps } from './remediation.deps.js';
import { type RunbookActionRef, type RunDto, startRunSchema } from './remediation.types.js';
import { approvalRefusal, approvalsNeeded, environmentRefusal } from './run.calc.js';
import { runDto } from './run.mapper.js';
import { changeStage, recordStage } from './run-recorder.js';
import { type RunRow, runsStore } from './runs.store.js';

/** A run with its incident's ref and where its Slack message is. */
export interface RunView {
  run: RunDto;
  incidentRef: string;
  message: { channel: string; ts: string } | null;
}

/** The incident a run acts on, as far as starting a run needs it. */
export interface RunIncident {
  id: string;
  ref: string;
  service: string;
  environment: string;
}

/**
 * Runs of runbook actions, as people see and drive them: starting one (a person, or OpsWatch when an attached
 * runbook's action is `auto`), approving or rejecting one, listing an incident's runs. The stages themselves are
 * worked by RunEngine (the runs job).
 */
export class RunsService {
  constructor(private readonly d: RemediationDeps) {}

  /** Starts a run (`POST /api/v1/runbook-runs`, `/runbook run`): checks the policy and queues its preflight. */
  async start(actor: Actor, input: unknown): Promise<RunDto> {
    authorize(actor, 'runbook:run');
    const data = parseInput(startRunSchema, input, 'The run is not valid.');
    const incident = await this.d.incident(actor, data.incident);
    const current = await this.d.catalog.current(actor, data.runbook);
    const { run, refused } = await withTx(this.d.orm, { tenantId: actor.tenantId }, async (em) => {
      // The runbook as it is now (an action fixed during the incident runs fixed); the run keeps the version it used.
      const ref = await this.d.catalog.actionOf(
        em,
        actor.tenantId,
        current.runbookId,
        current.version,
        data.action,
      );
      if (!ref) throw AppError.notFound(`Action ${data.action} of runbook ${data.runbook}`);
      return this.create(em, actor, incident, ref, { auto: false, rollbackOf: null });
    });
    if (refused) throw new AppError('rate_limited', refused);
    this.d.wake?.();
    return this.dto(actor.tenantId, run);
  }

  /**
   * Creates a run in the caller's transaction (a person's start, an auto-run in the triggering transaction, a
   * rollback): refused when the incident's environment is not one the policy allows; stored as `rate_limited`
   * (and `refused` says why) when the action already ran `maxPerHour` times for the service within the hour.
   */
  async create(
    em: Em,
    actor: Actor,
    incident: RunIncident,
    ref: RunbookActionRef,
    o: { auto: boolean; rollbackOf: string | null },
  ): Promise<{ run: RunRow; refused: string | null }> {
    const { policy } = ref.action;
    const env = environmentRefusal(policy, incident.environment);
    if (env) throw AppError.conflict(env);
    const now = this.d.clock.now();
    const count = await runsStore.countLastHour(em, actor.tenantId, ref.action.name, incident.service, now);
    const refused =
      count >= policy.maxPerHour
        ? `Rate limit: ${ref.action.name} already ran ${count} ${count === 1 ? 'time' : 'times'} for ${incident.service} in the last hour (at most ${policy.maxPerHour}).`
        : null;
    const stage = refused ? 'rate_limited' : 'preflight';
    const run = await runsStore.insert(
      em,
      actor.tenantId,
      {
        id: newId(),
        incidentId: incident.id,
        runbookId: ref.runbookId,
        runbookVersion: ref.version,
        runbookSlug: ref.slug,
        action: ref.action,
        service: incident.service,
        environment: incident.environment,
        requestedBy: actor.name,
        requestedByUserId: actor.kind === 'user' ? actor.id : null,
        auto: o.auto,
        rollbackOf: o.rollbackOf,
        stage,
        error: refused,
        nextAt: refused ? null : now,
        step: {
          stage,
          at: now.toISOString(),
          actor: actor.name,
          outcome: refused ? 'refused' : 'requested',
          error: refused,
        },
      },
      now,
    );
    if (!run) throw new Error('the run was not stored');
    await recordStage(em, this.recorder, run, actor, refused ? 'refused' : 'requested', now);
    if (refused) this.d.metrics?.runFinished(run.action_kind, 'rate_limited');
    return { run, refused };
  }

  /** Approves (or rejects) a run waiting for approval; refused with the reason when the policy says no. */
  async decide(actor: Actor, runId: string, decision: 'approve' | 'reject'): Promise<RunDto> {
    authorize(actor, 'runbook:approve');
    const now = this.d.clock.now();
    const { run, refusal } = await withTx(this.d.orm, { tenantId: actor.tenantId }, async (em) => {
      const run = isUuid(runId) ? await runsStore.lock(em, actor.tenantId, runId) : undefined;
      if (!run) throw AppError.notFound(`Run ${runId}`);
      const approvals = await runsStore.approvalsOf(em, actor.tenantId, [run.id]);
      const policy = run.action.policy;
      const onCall = policy.approvers.onCall
        ? await this.d.onCallFor(em, actor.tenantId, run.service, now)
        : [];
      const refusal = approvalRefusal({
        policy,
        stage: run.stage,
        expiresAt: run.approval_expires_at ? new Date(run.approval_expires_at) : null,
        requesterUserId: run.requested_by_user_id,
        decided: approvals.map((a) => a.user_id),
        approver: { userId: actor.kind === 'user' ? actor.id : null, roles: actor.roles },
        onCall,
        now,
      });
      if (refusal) return { run, refusal };
      await runsStore.addApproval(
        em,
        actor.tenantId,
        { runId: run.id, userId: actor.id!, userName: actor.name, decision },
        now,
      );
      if (decision === 'reject') {
        const next = await changeStage(
          em,
          this.recorder,
          run,
          { stage: 'rejected', nextAt: null, error: `Rejected by ${actor.name}` },
          actor,
          'rejected',
          now,
        );
        return { run: next, refusal: null };
      }
      const approved = approvals.filter((a) => a.decision === 'approve').length + 1;
      const needed = approvalsNeeded(policy);
      if (approved >= needed) {
        const next = await changeStage(
          em,
          this.recorder,
          run,
          { stage: 'execute', nextAt: now },
          actor,
          'approved',
          now,
        );
        return { run: next, refusal: null };
      }
      const next = await changeStage(
        em,
        this.recorder,
        run,
        { stage: 'approval', nextAt: run.next_at },
        actor,
        `approved (${approved} of ${needed})`,
        now,
      );
      return { run: next, refusal: null };
    });
    if (refusal) {
      const own =
        refusal.startsWith('You requested') ||
        refusal.startsWith('You may not') ||
        refusal.startsWith('Only');
      throw own ? AppError.forbidden(refusal) : AppError.conflict(refusal);
    }
    this.d.wake?.();
    return this.dto(actor.tenantId, run);
  }

  /** An incident's runs, oldest first, each with every stage's time, actor and outcome. */
  async list(actor: Actor, incidentRef: string): Promise<RunDto[]> {
    authorize(actor, 'incident:read');
    const incident = await this.d.incident(actor, incidentRef);
    return withEm(this.d.orm, { tenantId: actor.tenantId }, async (em) => {
      const rows = await runsStore.ofIncident(em, actor.tenantId, incident.id);
      const approvals = await runsStore.approvalsOf(
        em,
        actor.tenantId,
        rows.map((r) => r.id),
      );
      return rows.map((r) => runDto(r, approvals));
    });
  }

  async get(actor: Actor, runId: string): Promise<RunDto> {
    authorize(actor, 'incident:read');
    const row = await withEm(this.d.orm, { tenantId: actor.tenantId }, (em) =>
      isUuid(runId) ? runsStore.byId(em, actor.tenantId, runId) : Promise.resolve(undefined),
    );
    if (!row) throw AppError.notFound(`Run ${runId}`);
    return this.dto(actor.tenantId, row);
  }

  /** Where a run's Slack message is, once posted (the delivery adapter edits it in place). */
  async saveMessage(tenantId: string, runId: string, m: { channel: string; ts: string }): Promise<void> {
    await withTx(this.d.orm, { tenantId }, (em) => runsStore.saveMessage(em, tenantId, runId, m));
  }

  /**
   * A run as its message shows it (the Slack delivery adapter), with its incident's ref and where the message is;
   * null when it is gone.
   */
  async view(tenantId: string, runId: string): Promise<RunView | null> {
    const found = await withEm(this.d.orm, { tenantId }, async (em) => {
      const row = isUuid(runId) ? await runsStore.byId(em, tenantId, runId) : undefined;
      if (!row) return null;
      const approvals = await runsStore.approvalsOf(em, tenantId, [row.id]);
      const message =
        row.slack_channel && row.slack_ts ? { channel: row.slack_channel, ts: row.slack_ts } : null;
      return { run: runDto(row, approvals), message };
    });
    if (!found) return null;
    const incident = await this.d.incident(systemActor(tenantId), found.run.incidentId);
    return { ...found, incidentRef: incident.ref };
  }

  private get recorder() {
    return { recordAs: this.d.recordAs, notifier: this.d.notifier ?? null };
  }

  private dto(tenantId: string, row: RunRow): Promise<RunDto> {
    return withEm(this.d.orm, { tenantId }, async (em) =>
      runDto(row, await runsStore.approvalsOf(em, tenantId, [row.id])),
    );
  }
}
